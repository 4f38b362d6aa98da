"""Generate kg/data/register.bin, the register of towns and villages, from jionlp's china_location data.

Source: the PyPI package ``jionlp`` (Apache-2.0), file ``jionlp/dictionary/china_location.zip``, whose
one member ``china_location.txt`` lists provinces, prefectures, counties, towns and villages as an
indented outline (one place a line; tabs give the depth; CRLF line ends):

    湖南省<TAB>430000<TAB>湖南                        province: name, GB/T 2260 code, short form
    <TAB>湘西土家族苗族自治州<TAB>433100<TAB>湘西       prefecture (or 省直辖行政区划)
    <TAB><TAB>花垣县<TAB>433124<TAB>花垣                 county
    <TAB><TAB><TAB>双龙镇                              town (乡镇/街道): name only
    <TAB><TAB><TAB><TAB>十八洞村                        village (村/社区): name only

Towns and villages carry no statistical codes, and the data states no date.  Its county codes are those
of about 2020 (some counties are renamed but keep old codes: 禄丰市 532331, now 532302), so each source
county is resolved to a current code of kg/data/gazetteer.tsv: by code and name, else by name (or former
name, or a rename listed in jionlp's china_location_change.txt) inside the same province, else by stem
(错那县 -> 错那市) inside the same prefecture.  Units that GB/T 2260 does not list (development zones
such as 长春净月高新技术产业开发区, with towns of their own) are filed under their prefecture (else the
province) and keep their name as the entries' ``zone``.

jionlp itself is not imported (its first import writes ~50 MB of unpacked dictionaries) and is not a
dependency of kg: install it anywhere, e.g. ``python -m venv /tmp/jio && /tmp/jio/bin/pip install
jionlp==1.5.31``, and pass the file:

    python scripts/make_register.py /tmp/jio/lib/python3.11/site-packages/jionlp/dictionary/china_location.zip

Without an argument the script looks for an installed jionlp in the running interpreter.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import io
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.register import SourceTown, SuffixRules, write_register  # noqa: E402

OUT = ROOT / "kg" / "data" / "register.bin"
GAZETTEER = ROOT / "kg" / "data" / "gazetteer.tsv"
MEMBER = "china_location.txt"
CHANGES = "china_location_change.txt"
UNNAMED_COUNTY = "市直辖行政区划"  # towns filed directly under a prefecture-level city (东莞市, 中山市)


@dataclass
class County:
    """A county-level unit of the source with its towns, before resolution."""

    province: tuple[str, str]  # (name, code)
    city: tuple[str, str]
    name: str
    code: str
    towns: list[tuple[str, list[str]]] = field(default_factory=list)


def read_lines(path: Path) -> list[str]:
    """Lines of china_location.txt, from the .zip jionlp ships or from the unpacked .txt."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            data = zf.read(MEMBER)
    else:
        data = path.read_bytes()
    return io.StringIO(data.decode("utf-8-sig"), newline=None).read().split("\n")


def member_date(path: Path) -> str:
    """Modification date of china_location.txt inside the zip (or of the .txt file)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            y, m, d, *_ = zf.getinfo(MEMBER).date_time
        return f"{y:04d}-{m:02d}-{d:02d}"
    return datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()


def parse(lines: list[str]) -> list[County]:
    """The outline as counties with their towns and villages, in source order.

    Depth is the number of leading tabs: 0 province, 1 prefecture, 2 county (name, code, short form),
    3 town, 4 village.  Counties without a code (Taiwan's, listed by name only) are kept with code "".
    A town or village line before any county is an error in the source."""
    counties: list[County] = []
    province = city = ("", "")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        depth = len(raw) - len(raw.lstrip("\t"))
        fields = raw.strip().split("\t")
        if depth == 0:
            province = (fields[0], fields[1] if len(fields) > 1 else "")
        elif depth == 1:
            city = (fields[0], fields[1] if len(fields) > 1 else "")
        elif depth == 2:
            counties.append(County(province, city, fields[0], fields[1] if len(fields) > 1 else ""))
        elif depth == 3:
            if not counties:
                raise ValueError(f"line {number}: town before any county")
            counties[-1].towns.append((fields[0], []))
        elif depth == 4:
            if not counties or not counties[-1].towns:
                raise ValueError(f"line {number}: village before any town")
            counties[-1].towns[-1][1].append(fields[0])
        else:
            raise ValueError(f"line {number}: unexpected depth {depth}")
    return counties


def read_changes(path: Path) -> dict[tuple[str, str], str]:
    """(province, old county name) -> new county name, from jionlp's china_location_change.txt."""
    out: dict[tuple[str, str], str] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=>" not in line:
            continue
        left, right = (part.split("\t") for part in line.split("=>", 1))
        if len(left) == 8 and len(right) == 3:
            out[(left[2], left[6])] = right[2]
    return out


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    former: tuple[str, ...]


def read_gazetteer(path: Path = GAZETTEER) -> dict[str, Division]:
    out: dict[str, Division] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("code\t") or not line.strip():
            continue
        code, name, level, _parent, _short, former = line.split("\t")[:6]
        out[code] = Division(code, name, level, tuple(f for f in former.split(",") if f))
    return out


COUNTY_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "县", "市", "区", "旗")  # not 新区: 北戴河新区 is a zone, no 北戴河区


def county_stem(name: str) -> str:
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class Resolver:
    """Maps a source county (name, code, province, prefecture) to a current gazetteer code."""

    def __init__(self, gazetteer: dict[str, Division], changes: dict[tuple[str, str], str]) -> None:
        self.gaz = gazetteer
        self.changes = changes
        self.counties = [d for d in gazetteer.values() if d.level == "county"]

    def _by_name(self, name: str, prefix: str) -> str | None:
        hits = {d.code for d in self.counties if d.code.startswith(prefix) and (d.name == name or name in d.former)}
        return hits.pop() if len(hits) == 1 else None

    def resolve(self, c: County) -> tuple[str, str]:
        """(code, how): how is one of same, name, former-or-renamed, stem, zone, unresolved."""
        g = self.gaz.get(c.code)
        if g and (g.name == c.name or c.name == UNNAMED_COUNTY
                  or (g.level == "county" and county_stem(g.name)[:2] == county_stem(c.name)[:2])):
            return g.code, "same"
        province = c.province[1][:2]
        if province:
            prefixes = list(dict.fromkeys(p for p in (c.city[1][:4], c.code[:4]) if len(p) == 4))
            renamed = self.changes.get((c.province[0], c.name))
            for prefix in [*prefixes, province]:  # the prefecture first: 城区 is in many prefectures
                if hit := self._by_name(c.name, prefix):
                    return hit, "name"
                if renamed and (hit := self._by_name(renamed, prefix)):
                    return hit, "renamed"
            stem = county_stem(c.name)
            for prefix in prefixes:
                hits = {d.code for d in self.counties if d.code.startswith(prefix) and len(stem) >= 2
                        and county_stem(d.name) == stem}
                if len(hits) == 1:
                    return hits.pop(), "stem"
        for code in (c.city[1], c.province[1]):  # a zone, or a county the gazetteer lacks
            if code in self.gaz and code != c.code:
                return code, "zone"
        return "", "unresolved"


def build(counties: list[County], resolver: Resolver, rules: SuffixRules
          ) -> tuple[list[tuple[str, str]], list[SourceTown], dict[str, object]]:
    """Resolve counties, normalise names, drop placeholders; returns what write_register takes + a report."""
    table: list[tuple[str, str]] = []
    index: dict[tuple[str, str], int] = {}
    towns: list[SourceTown] = []
    how: Counter[str] = Counter()
    not_county: list[str] = []
    dropped = skipped = duplicates = 0
    for c in counties:
        if not c.towns:
            continue
        code, kind = resolver.resolve(c)
        how[kind] += 1
        if not code:
            skipped += sum(1 + len(v) for _, v in c.towns)
            not_county.append(f"{c.name} {c.code} (unresolved)")
            continue
        zone = c.name if kind == "zone" else ""
        if kind == "zone":
            not_county.append(f"{c.name} {c.code} -> {code}")
        key = (code, zone)
        if key not in index:
            index[key] = len(table)
            table.append(key)
        for town, villages in c.towns:
            kept = []
            for v in villages:
                if rules.dropped(v):
                    dropped += 1
                else:
                    kept.append(rules.normalise(v))
            duplicates += len(kept) - len(set(kept))
            towns.append(SourceTown(rules.normalise(town), index[key], tuple(dict.fromkeys(kept))))
    report = {"resolution": dict(how), "zones": not_county, "dropped_placeholders": dropped,
              "skipped_entries": skipped, "duplicates": duplicates}
    return table, towns, report


def find_source(arg: str | None) -> tuple[Path, str, str]:
    """(path to china_location.zip/.txt, jionlp version, licence) from the argument or an installed jionlp."""
    if arg:
        path = Path(arg)
        site = path.resolve().parents[2] if len(path.resolve().parents) > 2 else path.parent
        dists = list(importlib.metadata.distributions(name="jionlp", path=[str(site)]))
    else:
        spec = importlib.util.find_spec("jionlp")  # finds the package without running its __init__
        if spec is None or not spec.submodule_search_locations:
            sys.exit("jionlp is not installed here: pass the path of jionlp/dictionary/china_location.zip")
        pkg = Path(list(spec.submodule_search_locations)[0])
        path = pkg / "dictionary" / "china_location.zip"
        dists = list(importlib.metadata.distributions(name="jionlp", path=[str(pkg.parent)]))
    if not dists:
        return path, "unknown", "unknown"
    meta = dists[0].metadata
    return path, meta["Version"], meta.get("License") or "unknown"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", nargs="?", help="jionlp/dictionary/china_location.zip (or the unpacked .txt)")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    path, version, licence = find_source(args.source)
    rules = SuffixRules.from_file()
    counties = parse(read_lines(path))
    resolver = Resolver(read_gazetteer(), read_changes(path.parent / CHANGES))
    table, towns, report = build(counties, resolver, rules)
    source_towns = sum(len(c.towns) for c in counties)
    source_villages = sum(len(v) for c in counties for _, v in c.towns)
    res = report["resolution"]
    assert isinstance(res, dict)
    meta = [
        ("source", f"PyPI jionlp {version}, jionlp/dictionary/china_location.zip member {MEMBER}"),
        ("licence", f"Apache-2.0 (jionlp metadata: {licence})"),
        ("source_date", f"not stated by the source; archive member dated {member_date(path)}; county codes "
                        "of about 2020 (禄丰市, a city since 2021, keeps the county's code 532331)"),
        ("generated", datetime.date.today().isoformat()),
        ("county_codes", "resolved against kg/data/gazetteer.tsv (GB/T 2260, data 2025-12-31): "
                         + ", ".join(f"{k} {v}" for k, v in sorted(res.items()))),
        ("source_counts", f"{sum(1 for c in counties if c.towns)} counties with towns, {source_towns} towns, "
                          f"{source_villages} villages; {report['dropped_placeholders']} placeholder villages "
                          f"(虚拟社区/虚拟生活区) dropped, {report['duplicates']} villages listed twice in one town "
                          f"kept once, {report['skipped_entries']} entries of unresolved counties"),
        ("statistical_codes", "none in the source"),
    ]
    comments = ["Towns (乡镇/街道) and villages (村/社区) of China with their county, for kg/register.py.",
                "Generated by scripts/make_register.py - do not edit. Binary after the empty line."]
    counts = write_register(args.output, table, towns, rules, meta, comments)
    print(f"{args.output}: {counts['towns']} towns, {counts['villages']} villages, {counts['names']} names, "
          f"{args.output.stat().st_size / 1e6:.2f} MB")
    print("county resolution:", ", ".join(f"{k} {v}" for k, v in sorted(res.items())))
    zones = report["zones"]
    assert isinstance(zones, list)
    print(f"{len(zones)} source units filed under a prefecture or province (zone) or unresolved:")
    for z in zones:
        print("  ", z)


if __name__ == "__main__":
    main()
