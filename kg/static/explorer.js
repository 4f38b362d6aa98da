/* kg explorer: overviews of a corpus (programme × region matrix, indicator comparison, region tree) and
   the graph neighbourhood of one thing, drawn from the compact tables that kg/explorer.py inlines.
   Everything shown is data: text goes in with textContent, never as markup. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  var R = D.regions, NR = R.label.length;
  var LEVEL_ZH = { country: "国家", province: "省级", city: "市级", county: "县级", town: "乡镇", village: "村/社区" };
  var STATUS_COLOR = { actual: "#1e88e5", target: "#f39c12", forecast: "#8e44ad", unknown: "#9aa5b1" };
  var STATUS = { actual: "实际 actual", target: "目标 target", forecast: "预测 forecast", unknown: "未注明 unknown" };
  var KIND = { level: "水平 level", change: "变化 change", share: "占比 share", "per-capita": "人均 per capita",
               cumulative: "累计 cumulative" };
  var KIND_NAMES = { region: "地区", programme: "项目", document: "文档", indicator: "指标", observation: "数据" };

  // ------------------------------------------------------------------------------ small helpers
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null && text !== "") { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function link(text, onclick, title) {
    var a = el("a", text, "ln");
    a.tabIndex = 0;
    if (title) { a.title = title; }
    a.addEventListener("click", function (e) { e.stopPropagation(); onclick(); });
    return a;
  }
  function tag(kind) { return el("span", KIND_NAMES[kind] || kind, "kindtag " + kind); }
  function levelOf(r) { return D.levels[R.level[r]] || ""; }
  function levelName(r) { return LEVEL_ZH[levelOf(r)] || levelOf(r); }
  function plural(n, word) { return n + " " + word; }
  function uniq(list) { return Array.from(new Set(list)); }
  function byDesc(f) { return function (a, b) { return f(b) - f(a); }; }

  // Numbers: base-unit values shown the Chinese way (万, 亿) with at most 4 significant digits.
  function fmtNumber(x) {
    if (!isFinite(x)) { return String(x); }
    var a = Math.abs(x), s;
    if (a >= 1e8) { s = trim(x / 1e8) + "亿"; } else if (a >= 1e4) { s = trim(x / 1e4) + "万"; } else { s = trim(x); }
    return s;
  }
  function trim(x) { return String(Number(x.toPrecision(4))); }
  function unitOf(o) { return D.units[D.obs.unit[o]] || ""; }
  function valueText(o) {
    var v = Number(D.obs.value[o]), u = unitOf(o);
    return fmtNumber(v) + (/^[^\x00-\x7f]|^%|^‰/.test(u) ? u : (u ? " " + u : ""));
  }
  function statusOf(o) { var s = D.obs.status[o]; return s < 0 ? "unknown" : D.statuses[s]; }
  function kindOf(o) { var k = D.obs.kind[o]; return k < 0 ? "" : D.kinds[k]; }
  function statusTag(s) { return el("span", STATUS[s] || s, "status " + (STATUS[s] ? s : "unknown")); }

  // ------------------------------------------------------------------------------ region structure
  var kids = [];
  for (var r0 = 0; r0 < NR; r0++) { kids.push([]); }
  R.parent.forEach(function (p, r) { if (p >= 0) { kids[p].push(r); } });
  function ancestors(r) { var out = []; while (r >= 0) { out.push(r); r = R.parent[r]; } return out; }
  function isUnder(r, top) { while (r >= 0) { if (r === top) { return true; } r = R.parent[r]; } return false; }

  // Facts per region (own), built once: the tree, region pages and the graph read them.
  var OBS_N = D.obs.region.length, MEN_N = D.mentions.region.length;
  var regionObs = kids.map(function () { return []; });
  var regionMentions = kids.map(function () { return []; });
  var regionDocs = kids.map(function () { return []; });
  for (var o0 = 0; o0 < OBS_N; o0++) { regionObs[D.obs.region[o0]].push(o0); }
  for (var m0 = 0; m0 < MEN_N; m0++) { if (D.mentions.region[m0] >= 0) { regionMentions[D.mentions.region[m0]].push(m0); } }
  D.docRegions.region.forEach(function (r, i) { regionDocs[r].push(i); });

  var NP = D.programmes.label.length, ND = D.docs.file.length;
  var programmeMentions = D.programmes.label.map(function () { return []; });
  for (var m1 = 0; m1 < MEN_N; m1++) { programmeMentions[D.mentions.programme[m1]].push(m1); }
  var docMentions = D.docs.file.map(function () { return []; });
  var docObs = D.docs.file.map(function () { return []; });
  var docRegionRows = D.docs.file.map(function () { return []; });
  for (var m2 = 0; m2 < MEN_N; m2++) { docMentions[D.mentions.doc[m2]].push(m2); }
  for (var o1 = 0; o1 < OBS_N; o1++) { docObs[D.obs.doc[o1]].push(o1); }
  D.docRegions.doc.forEach(function (d, i) { docRegionRows[d].push(i); });

  // Indicator keys: the concept when the observation has one, else the indicator label as stated.
  var indKeys = [], indKeyOf = {};
  function indicatorKey(o) {
    var c = D.obs.concept[o];
    return c >= 0 ? "c" + c : "l" + D.obs.indicator[o];
  }
  (function () {
    for (var o = 0; o < OBS_N; o++) {
      var k = indicatorKey(o), entry = indKeyOf[k];
      if (!entry) {
        var c = D.obs.concept[o];
        entry = indKeyOf[k] = { key: k, concept: c >= 0, obs: [], regions: null,
                                label: c >= 0 ? D.concepts.label[c] : D.indicators[D.obs.indicator[o]],
                                group: c >= 0 ? D.concepts.group[c] : "" };
        entry.unnamed = !entry.concept && entry.label === D.unnamedIndicator;
        indKeys.push(entry);
      }
      entry.obs.push(o);
    }
    indKeys.forEach(function (e) { e.regions = uniq(e.obs.map(function (o) { return D.obs.region[o]; })).length; });
    indKeys.sort(function (a, b) {
      return (a.unnamed - b.unnamed) || (b.concept - a.concept) || (b.regions - a.regions) ||
             (b.obs.length - a.obs.length) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    });
  })();

  function docTitle(d) { return D.docs.title[d] || D.docs.file[d]; }

  // ------------------------------------------------------------------------------ facts panel
  var facts = document.getElementById("facts");
  var pageStack = [];
  function page(kind, key, build, noHistory) {
    if (!noHistory) { pageStack.push({ kind: kind, key: key, build: build }); if (pageStack.length > 50) { pageStack.shift(); } }
    facts.replaceChildren();
    facts.scrollTop = 0;
    facts.dataset.kind = kind;
    facts.dataset.key = String(key);
    if (pageStack.length > 1) {
      var back = el("button", "← 返回 back", "small");
      back.type = "button";
      back.addEventListener("click", function () {
        pageStack.pop();
        var prev = pageStack[pageStack.length - 1];
        page(prev.kind, prev.key, prev.build, true);
      });
      facts.appendChild(back);
    }
    build(facts);
  }
  function sourceLine(d, extra) {
    var s = el("div", null, "src");
    add(s, "来源 source: ", link(D.docs.file[d], function () { showDocument(d); }, docTitle(d)));
    var meta = [D.docs.date[d], D.docs.publisher[d]].filter(Boolean).join(" · ");
    if (D.docs.title[d]) { add(s, " · ", el("span", D.docs.title[d])); }
    if (meta) { add(s, " · " + meta); }
    if (extra) { add(s, " · " + extra); }
    return s;
  }
  function quoteBlock(text) {
    var quoted = /^[“"「『‘]/.test(text) && /[”"」』’]$/.test(text);
    return el("span", quoted ? text : "“" + text + "”", "quote");
  }
  function marked(text, needle, cls) {
    var box = el("span", null, cls);
    if (!needle) { box.textContent = text; return box; }
    var at = 0, i;
    while ((i = text.indexOf(needle, at)) >= 0) {
      add(box, text.slice(at, i), el("mark", needle));
      at = i + needle.length;
    }
    add(box, text.slice(at));
    return box;
  }
  function regionLink(r) {
    return link(R.label[r], function () { showRegion(r); }, levelName(r) + (R.code[r] ? " " + R.code[r] : ""));
  }
  function programmeLink(p) { return link(D.programmes.label[p], function () { showProgramme(p); }); }
  function docLink(d) { return link(docTitle(d), function () { showDocument(d); }, D.docs.file[d]); }
  function graphButton(kind, i) {
    var b = el("button", "关系图 graph", "small");
    b.type = "button";
    b.addEventListener("click", function () { graphFocus = { kind: kind, i: i }; show("graph"); });
    return b;
  }
  function dl(pairs) {
    var box = el("dl");
    pairs.forEach(function (p) { if (p[1] !== "" && p[1] !== null && p[1] !== undefined) {
      box.appendChild(el("dt", p[0]));
      var dd = el("dd"); add(dd, p[1]); box.appendChild(dd);
    } });
    return box;
  }
  function capped(list, limit, render, container) {
    // Render the first `limit` items, then a button that renders the rest.
    list.slice(0, limit).forEach(function (x) { container.appendChild(render(x)); });
    if (list.length <= limit) { return; }
    var more = el("button", "显示全部 show all " + list.length, "small"), holder = more;
    more.type = "button";
    if (container.tagName === "TBODY") {
      holder = el("tr"); var td = el("td"); td.colSpan = 99; td.appendChild(more); holder.appendChild(td);
    } else if (container.tagName === "UL" || container.tagName === "OL") {
      holder = el("li"); holder.appendChild(more);
    }
    container.appendChild(holder);
    more.addEventListener("click", function () {
      holder.remove();
      list.slice(limit).forEach(function (x) { container.appendChild(render(x)); });
    });
  }

  // A mention: its quote, the measure text around it when the mention sits inside a measure, its source.
  function mentionItem(m, withProgramme, withRegion, noSource) {
    var li = el("li");
    if (withProgramme) { add(li, programmeLink(D.mentions.programme[m]), " "); }
    if (withRegion && D.mentions.region[m] >= 0) { add(li, "@ ", regionLink(D.mentions.region[m]), " "); }
    var q = D.quotes[D.mentions.quote[m]];
    li.appendChild(quoteBlock(q));
    var ms = D.mentions.measure[m];
    if (ms >= 0) {
      var ctx = marked(D.measures.text[ms], q, "context");
      ctx.insertBefore(document.createTextNode("举措 measure " + D.measures.ordinal[ms] + "："), ctx.firstChild);
      li.appendChild(ctx);
    }
    if (!noSource) { li.appendChild(sourceLine(D.mentions.doc[m])); }
    return li;
  }

  // The table of figures: every row with its value, unit, status, quote and source.
  function obsTable(list, opts) {
    opts = opts || {};
    var table = el("table", null, "data");
    var head = el("tr");
    var cols = [];
    if (!opts.noIndicator) { cols.push("指标 indicator"); }
    if (!opts.noRegion) { cols.push("地区 region"); }
    cols = cols.concat(["时期 period", "数值 value", "状态 status"]);
    if (!opts.quoteRow) { cols.push("引文与来源 quote · source"); }
    cols.forEach(function (h) { head.appendChild(el("th", h)); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = el("tbody"); table.appendChild(body);
    function row(o) {
      var tr = el("tr");
      tr.dataset.obs = o;
      if (!opts.noIndicator) {
        var td = el("td");
        var entry = indKeyOf[indicatorKey(o)];
        add(td, link(entry.label, function () { showIndicator(entry.key); }));
        if (entry.concept && D.indicators[D.obs.indicator[o]] !== entry.label) {
          add(td, el("div", "原文 stated: " + D.indicators[D.obs.indicator[o]], "src"));
        }
        tr.appendChild(td);
      }
      if (!opts.noRegion) { var tdr = el("td"); add(tdr, regionLink(D.obs.region[o])); tr.appendChild(tdr); }
      tr.appendChild(el("td", D.periods[D.obs.period[o]] || "—"));
      var v = el("td", null, "num");
      add(v, el("div", valueText(o)));
      var stated = (D.qualifiers[D.obs.qualifier[o]] && D.obs.stated[o].indexOf(D.qualifiers[D.obs.qualifier[o]]) < 0
        ? D.qualifiers[D.obs.qualifier[o]] : "") + D.obs.stated[o];
      if (stated) { add(v, el("div", "原文 " + stated, "src")); }
      tr.appendChild(v);
      var st = el("td"); st.appendChild(statusTag(statusOf(o)));
      if (kindOf(o)) { add(st, el("div", KIND[kindOf(o)] || kindOf(o), "src")); }
      tr.appendChild(st);
      var q = el("td");
      q.appendChild(quoteBlock(D.quotes[D.obs.quote[o]]));
      q.appendChild(sourceLine(D.obs.doc[o]));
      if (opts.onRow) { tr.addEventListener("click", function () { opts.onRow(o, tr); }); tr.style.cursor = "pointer"; }
      if (!opts.quoteRow) { tr.appendChild(q); return tr; }
      // Narrow tables (the facts panel): the quote and source on a second row under the figure.
      var group = document.createDocumentFragment(), qr = el("tr", null, "qrow");
      q.colSpan = cols.length; qr.dataset.obs = o; qr.appendChild(q);
      group.appendChild(tr); group.appendChild(qr);
      return group;
    }
    capped(list, opts.limit || 150, row, body);
    return table;
  }

  function showObservation(o) {
    page("observation", o, function (box) {
      var entry = indKeyOf[indicatorKey(o)];
      add(box, el("h2", entry.label + " · " + R.label[D.obs.region[o]]));
      add(box, tag("observation"), el("span", "数据 figure", "src"));
      var ms = D.obs.measure[o];
      add(box, dl([
        ["指标 indicator", link(entry.label, function () { showIndicator(entry.key); })],
        ["原文指标 as stated", D.indicators[D.obs.indicator[o]]],
        ["地区 region", regionLink(D.obs.region[o])],
        ["时期 period", D.periods[D.obs.period[o]] || "—"],
        ["数值 value", valueText(o) + "（" + D.obs.value[o] + (unitOf(o) ? " " + unitOf(o) : "") + "）"],
        ["原文 stated", (D.qualifiers[D.obs.qualifier[o]] ? D.qualifiers[D.obs.qualifier[o]] + " · " : "") + D.obs.stated[o]],
        ["状态 status", statusTag(statusOf(o))],
        ["类型 kind", KIND[kindOf(o)] || kindOf(o)]
      ]));
      add(box, el("h3", "引文 quote"), quoteBlock(D.quotes[D.obs.quote[o]]), sourceLine(D.obs.doc[o]));
      if (ms >= 0) {
        add(box, el("h3", "所在举措 in measure " + D.measures.ordinal[ms]),
            marked(D.measures.text[ms], D.quotes[D.obs.quote[o]], "context"));
      }
    });
  }

  function regionFacts(r) {
    // Own facts and the facts of every region below, each list in store order.
    var below = [];
    (function walk(x) { below.push(x); kids[x].forEach(walk); })(r);
    var obs = [], mentions = [], docs = new Set(), programmes = new Set();
    below.forEach(function (x) {
      regionObs[x].forEach(function (o) { obs.push(o); docs.add(D.obs.doc[o]); });
      regionMentions[x].forEach(function (m) { mentions.push(m); docs.add(D.mentions.doc[m]); programmes.add(D.mentions.programme[m]); });
      regionDocs[x].forEach(function (i) { docs.add(D.docRegions.doc[i]); });
    });
    obs.sort(function (a, b) { return a - b; });
    mentions.sort(function (a, b) { return a - b; });
    return { regions: below, obs: obs, mentions: mentions, docs: docs, programmes: programmes };
  }

  function showRegion(r) {
    selected = { kind: "region", i: r, label: R.label[r] };
    if (current === "regions") { revealRegion(r); }
    page("region", r, function (box) {
      var f = regionFacts(r);
      add(box, el("h2", R.label[r]));
      var crumbs = el("div", null, "crumbs src");
      ancestors(r).reverse().forEach(function (a, i, all) {
        if (i) { crumbs.appendChild(el("span", "›", "sep")); }
        crumbs.appendChild(i === all.length - 1 ? el("b", R.label[a]) : regionLink(a));
      });
      add(box, tag("region"), crumbs);
      add(box, dl([["级别 level", levelName(r) + (levelOf(r) ? " (" + levelOf(r) + ")" : "")],
                   ["区划代码 code", R.code[r]], ["IRI", R.iri[r]],
                   ["统计 counts", f.docs.size + " 文档 documents · " + f.programmes.size + " 项目 programmes · " +
                                   f.obs.length + " 数据 figures（含下级 with sub-regions）"]]));
      var nav = el("div", null, "nav");
      var toMatrix = el("button", "矩阵 matrix here", "small"); toMatrix.type = "button";
      toMatrix.addEventListener("click", function () { matrixScope = kids[r].length ? r : Math.max(R.parent[r], 0); show("matrix"); });
      add(nav, toMatrix, graphButton("region", r));
      box.appendChild(nav);

      var own = regionObs[r], sub = f.obs.filter(function (o) { return D.obs.region[o] !== r; });
      add(box, el("h3", "数据 figures (" + own.length + (sub.length ? " + 下级 " + sub.length : "") + ")"));
      if (own.length) { box.appendChild(obsTable(own, { noRegion: true, limit: 60, quoteRow: true })); }
      if (sub.length) {
        var det = el("details"); add(det, el("summary", "下级地区的数据 figures of sub-regions (" + sub.length + ")"));
        det.appendChild(obsTable(sub, { limit: 60, quoteRow: true }));
        box.appendChild(det);
      }
      var byProgramme = {};
      f.mentions.forEach(function (m) { (byProgramme[D.mentions.programme[m]] = byProgramme[D.mentions.programme[m]] || []).push(m); });
      var plist = Object.keys(byProgramme).map(Number).sort(function (a, b) {
        return docCount(byProgramme[b]) - docCount(byProgramme[a]) || byProgramme[b].length - byProgramme[a].length;
      });
      add(box, el("h3", "项目 programmes (" + plist.length + ")"));
      var ul = el("ul");
      capped(plist, 40, function (p) {
        var li = el("li"), det = el("details"), sum = el("summary");
        add(sum, programmeLink(p), el("span", " · " + docCount(byProgramme[p]) + " 文档 docs", "muted"));
        det.appendChild(sum);
        var inner = el("ul");
        byProgramme[p].slice(0, 30).forEach(function (m) { inner.appendChild(mentionItem(m, false, D.mentions.region[m] !== r)); });
        det.appendChild(inner);
        li.appendChild(det);
        return li;
      }, ul);
      box.appendChild(ul);
      var docs = Array.from(f.docs).sort(function (a, b) { return D.docs.date[b] < D.docs.date[a] ? -1 : 1; });
      add(box, el("h3", "文档 documents (" + docs.length + ")"));
      var dul = el("ul");
      capped(docs, 30, function (d) {
        var li = el("li"); add(li, docLink(d), el("span", " " + [D.docs.date[d], D.docs.file[d]].filter(Boolean).join(" · "), "src"));
        return li;
      }, dul);
      box.appendChild(dul);
      var partners = [];
      D.partners.donor.forEach(function (a, i) { if (a === r || D.partners.recipient[i] === r) { partners.push(i); } });
      if (partners.length) {
        add(box, el("h3", "协作帮扶 partnerships (" + partners.length + ")"));
        var pul = el("ul");
        partners.forEach(function (i) {
          var li = el("li");
          add(li, regionLink(D.partners.donor[i]), " → ", regionLink(D.partners.recipient[i]),
              D.partners.label[i] ? " · " + D.partners.label[i] : "");
          add(li, quoteBlock(D.quotes[D.partners.quote[i]]), sourceLine(D.partners.doc[i]));
          pul.appendChild(li);
        });
        box.appendChild(pul);
      }
    });
  }
  function docCount(mentions) { return new Set(mentions.map(function (m) { return D.mentions.doc[m]; })).size; }

  function showProgramme(p) {
    selected = { kind: "programme", i: p, label: D.programmes.label[p] };
    page("programme", p, function (box) {
      var ms = programmeMentions[p];
      var regions = {}, docs = new Set();
      ms.forEach(function (m) {
        docs.add(D.mentions.doc[m]);
        var r = D.mentions.region[m];
        (regions[r] = regions[r] || []).push(m);
      });
      add(box, el("h2", D.programmes.label[p]), tag("programme"));
      var broader = D.programmes.broader[p] || [];
      add(box, dl([["上位 broader", broader.join("、")],
                   ["统计 counts", docs.size + " 文档 documents · " + Object.keys(regions).filter(function (r) { return r !== "-1"; }).length +
                                   " 地区 regions · " + ms.length + " 提及 mentions"]]));
      var nav = el("div", null, "nav"); add(nav, graphButton("programme", p)); box.appendChild(nav);
      var rlist = Object.keys(regions).map(Number).sort(function (a, b) { return docCount(regions[b]) - docCount(regions[a]); });
      add(box, el("h3", "地区 regions (" + rlist.length + ")"));
      var ul = el("ul");
      capped(rlist, 40, function (r) {
        var li = el("li"), det = el("details"), sum = el("summary");
        add(sum, r >= 0 ? regionLink(r) : el("span", "未定位 no region", "muted"),
            el("span", " · " + docCount(regions[r]) + " 文档 docs", "muted"));
        det.appendChild(sum);
        var inner = el("ul");
        regions[r].slice(0, 30).forEach(function (m) { inner.appendChild(mentionItem(m, false, false)); });
        det.appendChild(inner);
        li.appendChild(det);
        return li;
      }, ul);
      box.appendChild(ul);
    });
  }

  function showDocument(d) {
    selected = { kind: "document", i: d, label: docTitle(d) };
    page("document", d, function (box) {
      add(box, el("h2", docTitle(d)), tag("document"));
      add(box, dl([["文件 file", D.docs.file[d]], ["日期 date", D.docs.date[d]], ["发布 publisher", D.docs.publisher[d]],
                   ["链接 url", D.docs.url[d]], ["IRI", D.docs.iri[d]]]));
      var nav = el("div", null, "nav"); add(nav, graphButton("document", d)); box.appendChild(nav);
      var regs = docRegionRows[d].slice().sort(function (a, b) { return D.docRegions.main[b] - D.docRegions.main[a]; });
      add(box, el("h3", "地区 regions (" + regs.length + ")"));
      var rp = el("p");
      regs.forEach(function (i, k) {
        if (k) { rp.appendChild(document.createTextNode("、")); }
        rp.appendChild(regionLink(D.docRegions.region[i]));
        if (D.docRegions.main[i]) { rp.appendChild(el("span", "（主要 main）", "muted")); }
      });
      box.appendChild(rp);
      add(box, el("h3", "数据 figures (" + docObs[d].length + ")"));
      if (docObs[d].length) { box.appendChild(obsTable(docObs[d], { limit: 60, quoteRow: true })); }
      add(box, el("h3", "项目提及 programme mentions (" + docMentions[d].length + ")"));
      var ul = el("ul");
      capped(docMentions[d], 40, function (m) { return mentionItem(m, true, true); }, ul);
      box.appendChild(ul);
      var ms = [];
      D.measures.doc.forEach(function (x, i) { if (x === d) { ms.push(i); } });
      if (ms.length) {
        add(box, el("h3", "举措 measures (" + ms.length + ")"));
        var mul = el("ol");
        ms.forEach(function (i) { mul.appendChild(el("li", D.measures.text[i])); });
        box.appendChild(mul);
      }
      var cited = [];
      D.cites.doc.forEach(function (x, i) { if (x === d) { cited.push(D.policies[D.cites.policy[i]]); } });
      if (cited.length) { add(box, el("h3", "引用政策文件 cited policy documents (" + cited.length + ")"), el("p", cited.map(function (t) { return "《" + t + "》"; }).join(" "))); }
    });
  }

  function showIndicator(key) {
    indSelected = key;
    show("indicators");
  }

  // ------------------------------------------------------------------------------ view switching
  var views = {}, built = {}, current = null, selected = null;
  var tabs = document.querySelectorAll("#tabs button");
  function show(name) {
    current = name;
    tabs.forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.view === name)); });
    Object.keys(views).forEach(function (v) { document.getElementById("v-" + v).hidden = v !== name; });
    var box = document.getElementById("v-" + name);
    views[name](box, !built[name]);
    built[name] = true;
    document.body.dataset.view = name;
  }
  tabs.forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.view); }); });

  // ------------------------------------------------------------------------------ matrix view
  var matrixScope = D.focus.length === 1 ? D.focus[0] : D.root;
  var matrixRows = 40, matrixFilter = "", matrixState = null;
  var HEAT = ["#e8f1fb", "#c6dbf2", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c"];

  function matrixModel(scope) {
    // Columns: the scope itself (facts stated at its level) and each child with facts below it.
    var colOf = new Int32Array(NR).fill(-1), cols = [scope];
    kids[scope].forEach(function (c) { cols.push(c); });
    var colIndex = {}; cols.forEach(function (c, i) { colIndex[c] = i; });
    for (var r = 0; r < NR; r++) {
      var x = r;
      while (x >= 0 && colIndex[x] === undefined) { x = R.parent[x]; }
      if (x >= 0 && (x !== scope || r === scope)) { colOf[r] = colIndex[x]; }
    }
    var cells = new Map(), nc = cols.length;
    for (var m = 0; m < MEN_N; m++) {
      var reg = D.mentions.region[m];
      if (reg < 0 || colOf[reg] < 0) { continue; }
      var key = D.mentions.programme[m] * nc + colOf[reg];
      var cell = cells.get(key);
      if (!cell) { cell = { docs: new Set(), mentions: [] }; cells.set(key, cell); }
      cell.docs.add(D.mentions.doc[m]); cell.mentions.push(m);
    }
    var rows = new Map(), colDocs = cols.map(function () { return new Set(); });
    cells.forEach(function (cell, key) {
      var p = Math.floor(key / nc), c = key % nc;
      var row = rows.get(p);
      if (!row) { row = { p: p, reach: 0, docs: new Set() }; rows.set(p, row); }
      row.reach += c === 0 ? 0 : 1;
      cell.docs.forEach(function (d) { row.docs.add(d); colDocs[c].add(d); });
    });
    var rowList = Array.from(rows.values());
    rowList.forEach(function (row) { row.n = row.docs.size; if (!row.reach) { row.reach = 0; } });
    rowList.sort(function (a, b) {
      return (b.reach - a.reach) || (b.n - a.n) || (D.programmes.label[a.p] < D.programmes.label[b.p] ? -1 : 1);
    });
    // Columns with no facts are dropped; the rest ordered by documents (the scope's own column first).
    var order = cols.map(function (c, i) { return i; }).filter(function (i) { return i === 0 || colDocs[i].size; });
    var rest = order.slice(1).sort(function (a, b) { return colDocs[b].size - colDocs[a].size; });
    order = (colDocs[0].size ? [0] : []).concat(rest);
    return { scope: scope, cols: cols, order: order, cells: cells, rows: rowList, nc: nc, colDocs: colDocs };
  }

  views.matrix = function (box) {
    if (!matrixState || matrixState.scope !== matrixScope) { matrixState = matrixModel(matrixScope); }
    var M = matrixState;
    box.replaceChildren();
    var bar = el("div", null, "toolbar");
    var crumbs = el("span", null, "crumbs");
    ancestors(M.scope).reverse().forEach(function (a, i, all) {
      if (i) { crumbs.appendChild(el("span", "›", "sep")); }
      if (i === all.length - 1) { crumbs.appendChild(el("b", R.label[a])); } else {
        crumbs.appendChild(link(R.label[a], function () { matrixScope = a; show("matrix"); }));
      }
    });
    var filter = el("input"); filter.type = "search"; filter.placeholder = "筛选项目 filter programmes"; filter.value = matrixFilter;
    var rowsSel = el("select");
    [20, 40, 100, 300].forEach(function (n) { var op = el("option", "前 " + n + " 行 rows"); op.value = n; rowsSel.appendChild(op); });
    rowsSel.value = String(matrixRows);
    add(bar, el("b", "项目 × 地区"), crumbs, filter, rowsSel,
        el("span", M.rows.length + " 个项目 programmes · " + (M.order.length) + " 列 columns · 单元格 = 提及该项目的文档数 cell = documents naming the programme there", "legend"));
    box.appendChild(bar);
    var legend = el("div", null, "legend");
    add(legend, "文档数 documents: ");
    HEAT.forEach(function (c, i) { var s = el("i"); s.style.background = c; s.title = String(i); legend.appendChild(s); });
    add(legend, " 少 → 多 few → many.  点列名下钻到下级地区 click a column to drill down; 点单元格看引文 click a cell for the quotes; 点项目名看项目 click a programme for its page.");
    box.appendChild(legend);
    var holder = el("div"); holder.id = "matrix-holder"; box.appendChild(holder);
    function draw() {
      holder.replaceChildren();
      var q = matrixFilter.trim();
      var rows = q ? M.rows.filter(function (row) { return D.programmes.label[row.p].indexOf(q) >= 0; }) : M.rows;
      var shown = rows.slice(0, matrixRows);
      var max = 1;
      shown.forEach(function (row) { M.order.forEach(function (c) {
        var cell = M.cells.get(row.p * M.nc + c); if (cell && cell.docs.size > max) { max = cell.docs.size; } }); });
      var table = el("table", null, "matrix");
      var thead = el("thead"), hr = el("tr");
      var corner = el("th", null, "corner");
      add(corner, el("div", "项目 programme", "muted"), el("div", "（地区数 regions · 文档数 documents）", "src"));
      hr.appendChild(corner);
      M.order.forEach(function (c) {
        var r = M.cols[c];
        var th = el("th", null, "col" + (c === 0 ? " self" : ""));
        th.dataset.region = r;
        add(th, c === 0 ? "本级 " + R.label[r] : R.label[r]);
        th.title = R.label[r] + " · " + levelName(r) + " · " + M.colDocs[c].size + " 文档 documents" +
          (c !== 0 && kids[r].length ? " · 点击下钻 click to drill down" : "");
        th.addEventListener("click", function () {
          if (c !== 0 && kids[r].length) { matrixScope = r; show("matrix"); }
          showRegion(r);
        });
        hr.appendChild(th);
      });
      thead.appendChild(hr); table.appendChild(thead);
      var tbody = el("tbody");
      shown.forEach(function (row) {
        var tr = el("tr");
        var th = el("th");
        th.title = D.programmes.label[row.p];
        add(th, programmeLink(row.p), el("span", row.reach + " · " + row.n, "reach"));
        tr.appendChild(th);
        M.order.forEach(function (c) {
          var cell = M.cells.get(row.p * M.nc + c);
          var td = el("td");
          if (cell) {
            var n = cell.docs.size;
            td.textContent = n;
            td.className = "hit";
            var level = Math.min(HEAT.length - 1, Math.floor(Math.log(n) / Math.log(max + 1) * HEAT.length));
            td.style.background = HEAT[level];
            if (level >= 4) { td.style.color = "#fff"; }
            td.title = D.programmes.label[row.p] + " × " + R.label[M.cols[c]] + ": " + n + " 文档 documents";
            td.dataset.programme = row.p; td.dataset.region = M.cols[c];
            td.addEventListener("click", function () {
              holder.querySelectorAll("td.sel").forEach(function (x) { x.classList.remove("sel"); });
              td.classList.add("sel");
              showCell(row.p, M.cols[c], cell, c === 0);
            });
          }
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      holder.appendChild(table);
      if (rows.length > shown.length) {
        var more = el("button", "更多 more (" + shown.length + " / " + rows.length + ")", "small");
        more.type = "button";
        more.addEventListener("click", function () { matrixRows += 100; rowsSel.value = ""; draw(); });
        holder.appendChild(more);
      }
      if (!rows.length) { holder.appendChild(el("p", "没有项目提及 no programme mentions here.", "muted")); }
    }
    var timer = null;
    filter.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { matrixFilter = filter.value; draw(); }, 150); });
    rowsSel.addEventListener("change", function () { matrixRows = Number(rowsSel.value) || matrixRows; draw(); });
    draw();
  };

  function showCell(p, r, cell, ownLevel) {
    page("cell", p + ":" + r, function (box) {
      add(box, el("h2", D.programmes.label[p] + " × " + R.label[r]));
      add(box, tag("programme"), el("span", cell.docs.size + " 文档 documents · " + cell.mentions.length + " 提及 mentions" +
                                      (ownLevel ? "（本级 at this level）" : "（含下级 with sub-regions）"), "src"));
      var nav = el("div", null, "nav");
      add(nav, link("项目页 programme page", function () { showProgramme(p); }), " · ",
          link("地区页 region page", function () { showRegion(r); }));
      box.appendChild(nav);
      var byDoc = new Map();
      cell.mentions.forEach(function (m) {
        var d = D.mentions.doc[m];
        if (!byDoc.has(d)) { byDoc.set(d, []); }
        byDoc.get(d).push(m);
      });
      Array.from(byDoc.keys()).sort(function (a, b) { return D.docs.date[b] < D.docs.date[a] ? -1 : 1; }).forEach(function (d) {
        var h = el("h3"); add(h, docLink(d), el("span", " " + [D.docs.date[d], D.docs.publisher[d]].filter(Boolean).join(" · "), "src"));
        box.appendChild(h);
        var ul = el("ul");
        byDoc.get(d).forEach(function (m) { ul.appendChild(mentionItem(m, false, D.mentions.region[m] !== r, true)); });
        box.appendChild(ul);
      });
    });
  }

  // ------------------------------------------------------------------------------ indicator view
  var indSelected = null, indFilter = "";
  var indUnit = null, indPeriod = "", indStatus = "", indKind = "", indLevel = "";
  views.indicators = function (box, first) {
    if (first) {
      var list = el("div"); list.id = "ind-list";
      var input = el("input"); input.type = "search"; input.placeholder = "筛选指标 filter indicators";
      var ol = el("ol");
      add(list, el("div", indKeys.some(function (e) { return e.concept; })
        ? "指标概念 concepts（指标体系 scheme），其余按原文标签 the rest by label as stated"
        : "按原文指标标签 by indicator label as stated（尚无指标体系 no indicator scheme in this store）", "src"), input, ol);
      var main = el("div"); main.id = "ind-main";
      add(box, list, main);
      var timer = null;
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { indFilter = input.value.trim(); drawList(); }, 120); });
    }
    if (!indSelected && indKeys.length) { indSelected = indKeys[0].key; }
    drawList();
    drawIndicator();
  };
  function drawList() {
    var ol = document.querySelector("#ind-list ol");
    ol.replaceChildren();
    var items = indFilter ? indKeys.filter(function (e) { return e.label.indexOf(indFilter) >= 0; }) : indKeys;
    var shown = items.slice(0, 300);
    shown.forEach(function (e) {
      var li = el("li");
      li.dataset.key = e.key;
      if (e.key === indSelected) { li.className = "active"; }
      if (e.concept) { li.appendChild(el("span", "概念", "c")); }
      add(li, el("span", e.label, "label"), el("span", e.regions + " 地区 · " + e.obs.length + " 条", "n"));
      li.title = e.label + (e.group ? " · " + e.group : "");
      li.addEventListener("click", function () { indSelected = e.key; indUnit = null; indPeriod = indStatus = indKind = indLevel = ""; drawList(); drawIndicator(); });
      ol.appendChild(li);
    });
    if (items.length > shown.length) { ol.appendChild(el("li", "… " + (items.length - shown.length) + " 更多，请筛选 more, filter to find them", "more")); }
    if (!items.length) { ol.appendChild(el("li", "没有匹配 no match", "more")); }
  }
  function counts(list, f) {
    var c = {}; list.forEach(function (x) { var k = f(x); c[k] = (c[k] || 0) + 1; });
    return Object.keys(c).sort(function (a, b) { return c[b] - c[a]; }).map(function (k) { return [k, c[k]]; });
  }
  function selectBox(label, options, value, onchange) {
    var wrap = el("label", label + " ");
    var s = el("select");
    options.forEach(function (o) { var op = el("option", o[1]); op.value = o[0]; s.appendChild(op); });
    s.value = value;
    s.addEventListener("change", function () { onchange(s.value); });
    wrap.appendChild(s);
    return wrap;
  }
  function drawIndicator() {
    var main = document.getElementById("ind-main");
    main.replaceChildren();
    var e = indKeyOf[indSelected];
    if (!e) { main.appendChild(el("p", "没有数据 no figures in this export.", "muted")); return; }
    var units = counts(e.obs, function (o) { return unitOf(o); });
    if (indUnit === null || !units.some(function (u) { return u[0] === indUnit; })) { indUnit = units[0][0]; }
    var inUnit = e.obs.filter(function (o) { return unitOf(o) === indUnit; });
    var periods = counts(inUnit, function (o) { return D.periods[D.obs.period[o]]; }).sort(function (a, b) { return a[0] < b[0] ? 1 : -1; });
    var statuses = counts(inUnit, statusOf), kinds = counts(inUnit, kindOf).filter(function (k) { return k[0]; });
    var levels = counts(inUnit, function (o) { return levelOf(D.obs.region[o]); });
    var list = inUnit.filter(function (o) {
      return (!indPeriod || D.periods[D.obs.period[o]] === indPeriod) && (!indStatus || statusOf(o) === indStatus) &&
             (!indKind || kindOf(o) === indKind) && (!indLevel || levelOf(D.obs.region[o]) === indLevel);
    });
    add(main, el("h2", e.label));
    var sub = el("div", null, "src");
    add(sub, e.concept ? "指标概念 indicator concept" + (e.group ? " · 上位 " + e.group : "") : "原文指标标签 indicator label as stated",
        " · " + e.obs.length + " 条数据 figures · " + e.regions + " 地区 regions");
    if (e.concept) {
      var stated = uniq(e.obs.map(function (o) { return D.indicators[D.obs.indicator[o]]; }));
      add(sub, " · 原文 stated as: " + stated.slice(0, 12).join("、") + (stated.length > 12 ? "…" : ""));
    }
    main.appendChild(sub);
    var bar = el("div", null, "toolbar");
    add(bar,
      selectBox("单位 unit", units.map(function (u) { return [u[0], (u[0] || "（无 none）") + " (" + u[1] + ")"]; }), indUnit,
                function (v) { indUnit = v; indPeriod = indStatus = indKind = indLevel = ""; drawIndicator(); }),
      selectBox("级别 level", [["", "全部 all"]].concat(levels.map(function (l) { return [l[0], (LEVEL_ZH[l[0]] || l[0] || "—") + " (" + l[1] + ")"]; })),
                indLevel, function (v) { indLevel = v; drawIndicator(); }),
      selectBox("时期 period", [["", "全部 all"]].concat(periods.map(function (p) { return [p[0], (p[0] || "未注明 none") + " (" + p[1] + ")"]; })),
                indPeriod, function (v) { indPeriod = v; drawIndicator(); }),
      selectBox("状态 status", [["", "全部 all"]].concat(statuses.map(function (s) { return [s[0], (STATUS[s[0]] || s[0]) + " (" + s[1] + ")"]; })),
                indStatus, function (v) { indStatus = v; drawIndicator(); }),
      kinds.length ? selectBox("类型 kind", [["", "全部 all"]].concat(kinds.map(function (k) { return [k[0], (KIND[k[0]] || k[0]) + " (" + k[1] + ")"]; })),
                               indKind, function (v) { indKind = v; drawIndicator(); }) : null);
    main.appendChild(bar);
    var legend = el("div", null, "legend");
    add(legend, "柱 = 一条数据（同一地区、时期可有多条来源）bar = one figure (a region and period may have several sources) · 状态 status: ");
    ["actual", "target", "forecast", "unknown"].forEach(function (s) { add(legend, statusTag(s), " "); });
    main.appendChild(legend);
    list.sort(function (a, b) { return Number(D.obs.value[b]) - Number(D.obs.value[a]) || a - b; });
    main.appendChild(barChart(list));
    var table = obsTable(list, { noIndicator: !e.concept, limit: 200, onRow: function (o) { selectBar(o); } });
    table.id = "ind-table";
    main.appendChild(table);
  }
  function selectBar(o) {
    document.querySelectorAll("svg.bars g.bar.sel, #ind-table tr.sel").forEach(function (x) { x.classList.remove("sel"); });
    var g = document.querySelector("svg.bars g.bar[data-obs='" + o + "']");
    if (g) { g.classList.add("sel"); }
    var tr = document.querySelector("#ind-table tr[data-obs='" + o + "']");
    if (tr) { tr.classList.add("sel"); }
    showObservation(o);
  }
  function barChart(list) {
    var LIMIT = 150, rows = list.slice(0, LIMIT);
    var H = 20, labelW = 210, valueW = 110, W = Math.max(560, (document.getElementById("ind-main").clientWidth || 800) - 20);
    var plotW = W - labelW - valueW;
    var values = rows.map(function (o) { return Number(D.obs.value[o]); });
    var lo = Math.min(0, Math.min.apply(null, values.concat([0]))), hi = Math.max(0, Math.max.apply(null, values.concat([0])));
    if (hi === lo) { hi = lo + 1; }
    var x = function (v) { return labelW + (v - lo) / (hi - lo) * plotW; };
    var s = svg("svg", { "class": "bars", width: W, height: rows.length * H + 24, role: "img" });
    rows.forEach(function (o, i) {
      var v = values[i], y = i * H + 4;
      var g = svg("g", { "class": "bar", "data-obs": o });
      g.appendChild(svg("rect", { "class": "bg", x: 0, y: y - 2, width: W, height: H, fill: "transparent" }));
      var label = svg("text", { x: labelW - 6, y: y + 12, "text-anchor": "end" });
      var period = D.periods[D.obs.period[o]];
      label.textContent = clip(R.label[D.obs.region[o]] + (period ? "（" + period + "）" : ""), 16);
      g.appendChild(label);
      var st = statusOf(o);
      var rect = svg("rect", { x: Math.min(x(0), x(v)), y: y, width: Math.max(1, Math.abs(x(v) - x(0))), height: H - 6,
                               fill: STATUS_COLOR[st] || STATUS_COLOR.unknown });
      g.appendChild(rect);
      var val = svg("text", { "class": "val", x: Math.max(x(0), x(v)) + 4, y: y + 12 });
      val.textContent = valueText(o);
      g.appendChild(val);
      var tip = svg("title");
      tip.textContent = R.label[D.obs.region[o]] + " " + (period || "") + " " + valueText(o) + " · " + (STATUS[st] || st) +
        "\n“" + D.quotes[D.obs.quote[o]] + "”\n" + D.docs.file[D.obs.doc[o]];
      g.appendChild(tip);
      g.addEventListener("click", function () { selectBar(o); });
      s.appendChild(g);
    });
    s.appendChild(svg("line", { "class": "axis", x1: x(0), x2: x(0), y1: 0, y2: rows.length * H + 4 }));
    var box = el("div");
    box.appendChild(s);
    if (list.length > LIMIT) { box.appendChild(el("div", "图中显示前 " + LIMIT + " 条，表格列出全部 chart shows the top " + LIMIT + ", the table lists all " + list.length, "more")); }
    return box;
  }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  // ------------------------------------------------------------------------------ region tree
  var treeStats = null, treeOpen = {}, treeRows = {};
  function computeTreeStats() {
    var docs = kids.map(function () { return new Set(); });
    var progs = kids.map(function () { return new Set(); });
    var figs = new Int32Array(NR);
    function up(r, f) { while (r >= 0) { f(r); r = R.parent[r]; } }
    for (var o = 0; o < OBS_N; o++) {
      (function (o) { up(D.obs.region[o], function (x) { figs[x]++; docs[x].add(D.obs.doc[o]); }); })(o);
    }
    for (var m = 0; m < MEN_N; m++) {
      if (D.mentions.region[m] < 0) { continue; }
      (function (m) { up(D.mentions.region[m], function (x) { progs[x].add(D.mentions.programme[m]); docs[x].add(D.mentions.doc[m]); }); })(m);
    }
    D.docRegions.region.forEach(function (r, i) { up(r, function (x) { docs[x].add(D.docRegions.doc[i]); }); });
    return { docs: docs.map(function (s) { return s.size; }), progs: progs.map(function (s) { return s.size; }), figs: figs };
  }
  views.regions = function (box, first) {
    if (!first) { return; }
    treeStats = computeTreeStats();
    var head = el("div", null, "toolbar");
    add(head, el("b", "地区树 region tree"), el("span", "省 → 市 → 县 → 乡镇 → 村，计数含下级 counts include sub-regions；点名称看该地区的事实 click a name for its facts", "legend"));
    box.appendChild(head);
    var cols = el("div", null, "tree-head");
    add(cols, el("span", "", null), el("span", "文档 docs"), el("span", "项目 progr."), el("span", "数据 figures"));
    cols.firstChild.style.flex = "1";
    box.appendChild(cols);
    var tree = el("div", null, "tree"); tree.id = "tree";
    box.appendChild(tree);
    var top = D.focus.length ? D.focus : [D.root];
    top.forEach(function (r) { tree.appendChild(treeNode(r, true)); });
  };
  function sortedKids(r) {
    return kids[r].slice().sort(function (a, b) {
      return (treeStats.docs[b] - treeStats.docs[a]) || (treeStats.figs[b] - treeStats.figs[a]) || (a - b);
    });
  }
  function treeNode(r, open) {
    var wrap = el("div");
    var row = el("div", null, "row");
    row.dataset.region = r;
    var tog = el("span", kids[r].length ? (open ? "▾" : "▸") : "·", "tog");
    var name = el("span", R.label[r], "name");
    name.title = (R.code[r] || "") + " " + levelName(r);
    var counts = el("span", null, "counts");
    add(counts, el("span", String(treeStats.docs[r])), el("span", String(treeStats.progs[r])), el("span", String(treeStats.figs[r])));
    add(row, tog, name, el("span", levelName(r) + (R.code[r] ? " " + R.code[r] : ""), "lvl"), counts);
    wrap.appendChild(row);
    var kidsBox = el("div", null, "kids");
    wrap.appendChild(kidsBox);
    treeRows[r] = { row: row, kids: kidsBox, tog: tog, filled: false };
    function fill() {
      if (treeRows[r].filled) { return; }
      treeRows[r].filled = true;
      sortedKids(r).forEach(function (c) { kidsBox.appendChild(treeNode(c, false)); });
    }
    function toggle(state) {
      if (!kids[r].length) { return; }
      treeOpen[r] = state === undefined ? !treeOpen[r] : state;
      if (treeOpen[r]) { fill(); }
      kidsBox.hidden = !treeOpen[r];
      tog.textContent = treeOpen[r] ? "▾" : "▸";
    }
    treeRows[r].toggle = toggle;
    tog.addEventListener("click", function () { toggle(); });
    name.addEventListener("click", function () { showRegion(r); toggle(true); });
    toggle(!!open);
    return wrap;
  }
  function revealRegion(r) {
    if (!built.regions) { return; }
    var path = ancestors(r).reverse();
    path.forEach(function (a) { if (treeRows[a] && a !== r) { treeRows[a].toggle(true); } });
    document.querySelectorAll(".tree .row.sel").forEach(function (x) { x.classList.remove("sel"); });
    if (treeRows[r]) {
      treeRows[r].row.classList.add("sel");
      treeRows[r].row.scrollIntoView({ block: "center" });
    }
  }

  // ------------------------------------------------------------------------------ graph view
  var graphFocus = null, cy = null, graphLimit = 15;
  var COLORS = { region: "#43a047", programme: "#ef6c00", document: "#5c6bc0", indicator: "#8e24aa" };
  function loadCytoscape() {
    if (window.cytoscape) { return; }
    var s = document.createElement("script");
    s.textContent = document.getElementById("cytoscape-src").textContent;
    document.head.appendChild(s);
  }
  function nodeId(kind, i) { return kind[0] + ":" + i; }
  function labelOf(kind, i) {
    if (kind === "region") { return R.label[i]; }
    if (kind === "programme") { return D.programmes.label[i]; }
    if (kind === "document") { return docTitle(i); }
    return indKeyOf[i] ? indKeyOf[i].label : String(i);
  }
  // Neighbours of a thing, by kind, ranked by how many facts link them; at most `limit` of each kind.
  function neighbours(kind, i, limit) {
    var groups = { region: new Map(), programme: new Map(), document: new Map(), indicator: new Map() };
    function bump(k, j, w) { groups[k].set(j, (groups[k].get(j) || 0) + (w || 1)); }
    if (kind === "region") {
      if (R.parent[i] >= 0) { bump("region", R.parent[i], 1e6); }
      kids[i].forEach(function (c) { bump("region", c, 1e5); });
      regionMentions[i].forEach(function (m) { bump("programme", D.mentions.programme[m]); bump("document", D.mentions.doc[m]); });
      regionObs[i].forEach(function (o) { bump("indicator", indicatorKey(o)); bump("document", D.obs.doc[o]); });
      regionDocs[i].forEach(function (x) { bump("document", D.docRegions.doc[x]); });
      D.partners.donor.forEach(function (a, x) {
        if (a === i) { bump("region", D.partners.recipient[x], 10); }
        if (D.partners.recipient[x] === i) { bump("region", a, 10); }
      });
    } else if (kind === "programme") {
      programmeMentions[i].forEach(function (m) {
        if (D.mentions.region[m] >= 0) { bump("region", D.mentions.region[m]); }
        bump("document", D.mentions.doc[m]);
      });
    } else if (kind === "document") {
      docRegionRows[i].forEach(function (x) { bump("region", D.docRegions.region[x], 1 + D.docRegions.main[x] * 100); });
      docMentions[i].forEach(function (m) { bump("programme", D.mentions.programme[m]); });
      docObs[i].forEach(function (o) { bump("indicator", indicatorKey(o)); });
    } else if (kind === "indicator") {
      (indKeyOf[i] ? indKeyOf[i].obs : []).forEach(function (o) { bump("region", D.obs.region[o]); bump("document", D.obs.doc[o]); });
    }
    var out = {}, hidden = {};
    Object.keys(groups).forEach(function (k) {
      var all = Array.from(groups[k].entries()).filter(function (e) { return !(k === kind && e[0] === i); });
      all.sort(function (a, b) { return b[1] - a[1]; });
      out[k] = all.slice(0, limit).map(function (e) { return e[0]; });
      hidden[k] = Math.max(0, all.length - limit);
    });
    return { shown: out, hidden: hidden };
  }
  function graphElements(focus) {
    var nb = neighbours(focus.kind, focus.i, graphLimit);
    var nodes = [], have = {}, edges = [], edgeSeen = {};
    function addNode(kind, i, ring) {
      var id = nodeId(kind, i);
      if (have[id]) { return; }
      have[id] = true;
      nodes.push({ data: { id: id, kind: kind, ref: String(i), label: clip(labelOf(kind, i), 12), full: labelOf(kind, i), ring: ring,
                            shown: clip(labelOf(kind, i), 12), valign: "bottom", halign: "center" } });
    }
    function addEdge(a, b, rel) {
      if (!have[a] || !have[b] || a === b) { return; }
      var key = a < b ? a + "|" + b : b + "|" + a;
      if (edgeSeen[key]) { return; }
      edgeSeen[key] = true;
      edges.push({ data: { id: "e" + edges.length, source: a, target: b, rel: rel } });
    }
    addNode(focus.kind, focus.i, 10);
    Object.keys(nb.shown).forEach(function (k) { nb.shown[k].forEach(function (j) { addNode(k, j, 1); }); });
    var f = nodeId(focus.kind, focus.i);
    nodes.forEach(function (n) { if (n.data.id !== f) { addEdge(f, n.data.id, "focus"); } });
    // Links among the neighbours, so the picture shows structure and not only a star.
    for (var m = 0; m < MEN_N; m++) {
      var pd = nodeId("programme", D.mentions.programme[m]), dd = nodeId("document", D.mentions.doc[m]);
      if (have[pd] && have[dd]) { addEdge(pd, dd, "mentions"); }
      if (D.mentions.region[m] >= 0) { addEdge(pd, nodeId("region", D.mentions.region[m]), "appliedIn"); }
    }
    D.docRegions.doc.forEach(function (d, x) { addEdge(nodeId("document", d), nodeId("region", D.docRegions.region[x]), "mentionsRegion"); });
    for (var r = 0; r < NR; r++) { if (R.parent[r] >= 0) { addEdge(nodeId("region", r), nodeId("region", R.parent[r]), "partOf"); } }
    if (nb.shown.indicator.length) {
      for (var o = 0; o < OBS_N; o++) {
        var ik = nodeId("indicator", indicatorKey(o));
        if (have[ik]) { addEdge(ik, nodeId("region", D.obs.region[o]), "observedIn"); addEdge(ik, nodeId("document", D.obs.doc[o]), "inDocument"); }
      }
    }
    return { nodes: nodes, edges: edges, hidden: nb.hidden };
  }
  views.graph = function (box, first) {
    loadCytoscape();
    if (first) {
      var bar = el("div", null, "toolbar"); bar.id = "graph-bar";
      var title = el("span"); title.id = "graph-title";
      var lim = selectBox("每类最多 per kind", [["10", "10"], ["15", "15"], ["25", "25"], ["50", "50"], ["100", "100"]], String(graphLimit),
                          function (v) { graphLimit = Number(v); drawGraph(); });
      var lay = selectBox("布局 layout", [["radial", "环形 radial"], ["cose", "力导 cose"], ["breadthfirst", "层次 breadthfirst"]],
                          graphLayout, function (v) { graphLayout = v; runLayout(); });
      var legend = el("span", null, "legend");
      Object.keys(COLORS).forEach(function (k) { var s = el("i"); s.style.background = COLORS[k]; s.style.borderRadius = "50%"; add(legend, s, KIND_NAMES[k] + " "); });
      add(legend, "· 单击看事实 click: facts · 双击以其为中心 double-click: centre on it");
      add(bar, title, lim, lay, legend);
      var holder = el("div"); holder.id = "cy";
      add(box, bar, holder);
      cy = window.cytoscape({
        container: holder, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 4,
        style: [
          { selector: "node", style: {
            "label": "data(shown)", "text-wrap": "wrap", "line-height": 1.05, "font-family": getComputedStyle(document.documentElement).getPropertyValue("--cjk"),
            "font-size": 13, "text-valign": "data(valign)", "text-halign": "data(halign)", "width": 14, "height": 14,
            "background-color": function (e) { return COLORS[e.data("kind")]; },
            "text-outline-color": "#fff", "text-outline-width": 2 } },
          { selector: "node[ring = 10]", style: { "width": 30, "height": 30, "font-size": 15, "font-weight": "bold", "border-width": 3,
                                                  "border-color": "#d81b60" } },
          { selector: "edge", style: { "width": 1, "line-color": "#c8ccd2", "curve-style": "haystack", "opacity": 0.7 } },
          { selector: "edge[rel = 'focus']", style: { "line-color": "#9fb3c8" } },
          { selector: "edge[rel = 'partOf']", style: { "width": 2, "line-color": "#7cb342" } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#fdd835" } }
        ]
      });
      window.cy = cy;
      cy.on("tap", "node", function (evt) { openThing(evt.target.data("kind"), evt.target.data("ref")); });
      cy.on("dbltap", "node", function (evt) {
        graphFocus = { kind: evt.target.data("kind"), i: refOf(evt.target.data("kind"), evt.target.data("ref")) };
        drawGraph();
      });
    }
    if (!graphFocus) { graphFocus = selected && selected.kind !== "observation" ? { kind: selected.kind, i: selected.i } : defaultFocus(); }
    drawGraph();
  };
  var graphLayout = "radial";
  function refOf(kind, ref) { return kind === "indicator" ? ref : Number(ref); }
  function defaultFocus() {
    if (D.filter.document && ND) { return { kind: "document", i: 0 }; }
    if (D.filter.program && NP) { return { kind: "programme", i: 0 }; }
    var r = D.focus.length ? D.focus[0] : D.root;
    return { kind: "region", i: r };
  }
  function drawGraph() {
    if (!cy) { return; }
    var g = graphElements(graphFocus);
    cy.elements().remove();
    cy.add(g.nodes); cy.add(g.edges);
    var hidden = Object.keys(g.hidden).filter(function (k) { return g.hidden[k]; })
      .map(function (k) { return KIND_NAMES[k] + " +" + g.hidden[k]; });
    var title = document.getElementById("graph-title");
    title.replaceChildren();
    add(title, el("b", labelOf(graphFocus.kind, graphFocus.i)), " ", tag(graphFocus.kind),
        el("span", g.nodes.length + " 节点 nodes · " + g.edges.length + " 边 edges" + (hidden.length ? " · 未显示 not shown: " + hidden.join(", ") : ""), "legend"));
    document.getElementById("v-graph").dataset.focus = graphFocus.kind + ":" + graphFocus.i;
    cy.resize();
    runLayout();
  }
  // The focus in the middle; regions and documents on the first ring, programmes on the next,
  // indicators outside; each ring as wide as its nodes need, rings started at different angles.  Labels
  // point outwards: beside the node on the left and right of a ring (neighbours there are one above the
  // other), and near the top and bottom written vertically, one character a line, above or below the
  // node (neighbours there are side by side, and Chinese reads well top to bottom).  A crowded ring is
  // staggered over two radii, its inner nodes labelled inwards and its outer ones outwards.
  function radialPositions(focusId) {
    var pos = {}, radius = 0;
    pos[focusId] = { x: 0, y: 0 };
    [["region", "document"], ["programme"], ["indicator"]].forEach(function (kinds, k) {
      var ring = cy.nodes().filter(function (n) { return n.id() !== focusId && kinds.indexOf(n.data("kind")) >= 0; });
      if (!ring.length) { return; }
      var staggered = ring.length > 24;
      radius = Math.max(radius + 130, (staggered ? ring.length / 2 : ring.length) * 88 / (2 * Math.PI));
      var start = -Math.PI / 2 + 0.45 + k * 0.7;
      ring.forEach(function (n, i) {
        var a = start + 2 * Math.PI * i / ring.length, r = radius + (staggered && i % 2 ? 90 : 0);
        var c = Math.cos(a), s = Math.sin(a);
        pos[n.id()] = { x: r * c, y: r * s };
        var out = !(staggered && i % 2 === 0);  // on a staggered ring the inner nodes label inwards
        if (Math.abs(c) > 0.4) {
          n.data({ halign: (c > 0) === out ? "right" : "left", valign: "center", shown: n.data("label") });
        } else {
          n.data({ halign: "center", valign: (s < 0) === out ? "top" : "bottom",
                   shown: Array.from(clip(n.data("full"), 8)).join("\n") });
        }
      });
      if (staggered) { radius += 90; }
    });
    return function (n) { return pos[n.id()] || { x: 0, y: 0 }; };
  }
  function runLayout() {
    if (!cy) { return; }
    var focusId = nodeId(graphFocus.kind, graphFocus.i);
    cy.nodes().forEach(function (n) { n.data({ shown: n.data("label"), valign: "bottom", halign: "center" }); });
    var opts = {
      radial: { name: "preset", animate: false, padding: 30, positions: radialPositions(focusId) },
      cose: { name: "cose", animate: false, randomize: true, numIter: 400, padding: 30, nodeRepulsion: function () { return 8000; } },
      breadthfirst: { name: "breadthfirst", animate: false, padding: 30, roots: "#" + CSS.escape(focusId), spacingFactor: 0.9 }
    }[graphLayout];
    cy.layout(opts).run();
    cy.fit(undefined, 30);
  }
  function openThing(kind, ref) {
    if (kind === "region") { showRegion(Number(ref)); } else if (kind === "programme") { showProgramme(Number(ref)); }
    else if (kind === "document") { showDocument(Number(ref)); } else { showIndicatorFacts(ref); }
  }
  function showIndicatorFacts(key) {
    var e = indKeyOf[key];
    page("indicator", key, function (box) {
      add(box, el("h2", e.label), tag("indicator"),
          el("span", e.obs.length + " 条数据 figures · " + e.regions + " 地区 regions", "src"));
      var nav = el("div", null, "nav");
      var b = el("button", "指标对比 compare", "small"); b.type = "button";
      b.addEventListener("click", function () { showIndicator(key); });
      add(nav, b, graphButton("indicator", key));
      box.appendChild(nav);
      box.appendChild(obsTable(e.obs, { noIndicator: true, limit: 60, quoteRow: true }));
    });
  }

  // ------------------------------------------------------------------------------ search
  var searchIndex = null;
  function buildIndex() {
    var idx = [];
    var weightR = new Int32Array(NR);
    for (var o = 0; o < OBS_N; o++) { weightR[D.obs.region[o]]++; }
    for (var m = 0; m < MEN_N; m++) { if (D.mentions.region[m] >= 0) { weightR[D.mentions.region[m]]++; } }
    D.docRegions.region.forEach(function (r) { weightR[r]++; });
    for (var r = 0; r < NR; r++) {
      if (R.iri[r]) { idx.push({ kind: "region", i: r, label: R.label[r], alt: R.code[r], w: weightR[r], note: levelName(r) + (R.code[r] ? " " + R.code[r] : "") }); }
    }
    for (var p = 0; p < NP; p++) { idx.push({ kind: "programme", i: p, label: D.programmes.label[p], w: programmeMentions[p].length, note: programmeMentions[p].length + " 提及" }); }
    for (var d = 0; d < ND; d++) { idx.push({ kind: "document", i: d, label: docTitle(d), alt: D.docs.file[d], w: docObs[d].length + docMentions[d].length, note: D.docs.date[d] }); }
    indKeys.forEach(function (e) { idx.push({ kind: "indicator", i: e.key, label: e.label, w: e.obs.length, note: e.obs.length + " 条" }); });
    return idx;
  }
  function find(q) {
    if (!searchIndex) { searchIndex = buildIndex(); }
    var exact = [], prefix = [], part = [];
    searchIndex.forEach(function (x) {
      if (x.label === q || x.alt === q) { exact.push(x); } else if (x.label.indexOf(q) === 0) { prefix.push(x); }
      else if (x.label.indexOf(q) >= 0 || (x.alt && x.alt.indexOf(q) >= 0)) { part.push(x); }
    });
    var w = byDesc(function (x) { return x.w; });
    var kindRank = { region: 0, programme: 1, indicator: 2, document: 3 };
    exact.sort(function (a, b) { return kindRank[a.kind] - kindRank[b.kind] || b.w - a.w; });
    return { exact: exact, all: exact.concat(prefix.sort(w), part.sort(w)) };
  }
  function choose(hit) {
    hits.hidden = true;
    if (hit.kind === "region") {
      showRegion(hit.i);
      if (current === "graph") { graphFocus = { kind: "region", i: hit.i }; drawGraph(); }
      if (current === "matrix") { highlightMatrixColumn(hit.i); }
    } else if (hit.kind === "programme") {
      showProgramme(hit.i);
      if (current === "graph") { graphFocus = { kind: "programme", i: hit.i }; drawGraph(); }
      if (current === "matrix") { matrixFilter = hit.label; show("matrix"); }
    } else if (hit.kind === "document") {
      showDocument(hit.i);
      if (current === "graph") { graphFocus = { kind: "document", i: hit.i }; drawGraph(); }
    } else {
      showIndicatorFacts(hit.i);
      indSelected = hit.i; indUnit = null; indPeriod = indStatus = indKind = indLevel = "";
      if (current === "indicators") { show("indicators"); }
      if (current === "graph") { graphFocus = { kind: "indicator", i: hit.i }; drawGraph(); }
    }
    setStatus(KIND_NAMES[hit.kind] + " · " + hit.label);
  }
  function highlightMatrixColumn(r) {
    document.querySelectorAll("table.matrix th.col").forEach(function (th) {
      var c = Number(th.dataset.region);
      th.style.background = isUnder(r, c) && c !== (matrixState && matrixState.scope) ? "#fff3c4" : "";
    });
  }
  var search = document.getElementById("search"), hits = document.getElementById("hits");
  var searchTimer = null, lastHits = [];
  function runSearch(pickFirst) {
    var q = search.value.trim();
    hits.replaceChildren();
    if (!q) { hits.hidden = true; return; }
    var res = find(q);
    lastHits = res.all;
    res.all.slice(0, 14).forEach(function (x, k) {
      var li = el("li");
      if (k === 0) { li.className = "active"; }
      var t = el("span", KIND_NAMES[x.kind], "kind"); t.style.background = COLORS[x.kind];
      add(li, t, el("span", x.label), el("span", x.note || "", "more"));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(x); });
      hits.appendChild(li);
    });
    if (!res.all.length) { hits.appendChild(el("li", "没有匹配 no match", "more")); }
    hits.hidden = false;
    setStatus(res.all.length + " 个匹配 matches");
    if (pickFirst && res.all.length) { choose(res.all[0]); } else if (res.exact.length) { choose(res.exact[0]); hits.hidden = false; }
  }
  search.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(function () { runSearch(false); }, 150); });
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { clearTimeout(searchTimer); runSearch(true); }
    if (e.key === "Escape") { hits.hidden = true; }
  });
  search.addEventListener("blur", function () { setTimeout(function () { hits.hidden = true; }, 150); });
  search.addEventListener("focus", function () { if (search.value.trim() && hits.childNodes.length) { hits.hidden = false; } });
  function setStatus(text) { document.getElementById("status").textContent = text; }

  // ------------------------------------------------------------------------------ start
  window.kgExplorer = { data: D, show: show, showRegion: showRegion, showProgramme: showProgramme,
                        showDocument: showDocument, showIndicator: showIndicator, get selected() { return selected; },
                        get graphFocus() { return graphFocus; } };
  setStatus(ND + " 文档 documents · " + (R.iri.filter(Boolean).length) + " 地区 regions · " + NP + " 项目 programmes · " +
            OBS_N + " 数据 figures");
  show("matrix");
  // Ready once the first view is painted: the frame after this one has been drawn.
  requestAnimationFrame(function () {
    setTimeout(function () { window.kgReadyMs = performance.now(); document.body.dataset.ready = "1"; }, 0);
  });
})();
