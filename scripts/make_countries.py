"""Generate kg/data/countries.tsv: Chinese names of the countries and territories outside China.

Sources:
- the Unicode CLDR territory names in Simplified Chinese, as shipped by the PyPI package ``Babel``
  (``Locale("zh").territories``): one name per ISO 3166-1 alpha-2 code (美国, 阿拉伯联合酋长国, 刚果（金）);
- ``jionlp`` (PyPI, Apache-2.0) ``dictionary/world_location.txt``: for each country its common short name,
  its official long name (大韩民国, 朝鲜民主主义人民共和国), its capital and a few large cities; matched to
  the CLDR entry by name.

China's own codes (CN, TW, HK, MO) are left out: they are divisions of kg/data/gazetteer.tsv.  So are
CLDR codes that are no country or territory (EU, UN, XA …) and names that are also ordinary words or
Chinese place names (AMBIGUOUS below: 蒙古 is 内蒙古 and the 蒙古族 too; 中非 is "China–Africa").  Cities
are kept only when they are written with three or more characters or are listed in CITIES_TWO (two-
character names such as 万象 or 金边 are ordinary words as often as cities).

    python scripts/make_countries.py /path/to/jionlp/dictionary/world_location.txt   (needs: pip install babel)
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kg" / "data" / "countries.tsv"
CHINA = {"CN", "TW", "HK", "MO"}
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA", "BV", "HM",
                 "UM", "TF", "IO", "AQ"}
# names that are also Chinese words or Chinese places: the country keeps only its other names
AMBIGUOUS = {"蒙古", "中非", "加纳", "多哥", "乍得", "汤加", "苏丹", "马里", "也门", "不丹", "几内亚", "约旦", "秘鲁",
             "关岛", "纽埃", "瑙鲁", "文莱", "刚果"}
# two-character cities written often enough and never ordinary words
CITIES_TWO = {"东京", "首尔", "平壤", "河内", "曼谷", "仰光", "巴黎", "伦敦", "柏林", "纽约", "莫斯科", "釜山", "大阪",
              "京都", "横滨", "神户", "福冈", "札幌", "仙台", "广岛", "冲绳", "清迈", "孟买", "德黑兰", "迪拜", "巴格达"}


# CLDR names that describe a territory rather than name it: the everyday name (the CLDR one stays a name)
EVERYDAY = {"PS": "巴勒斯坦"}
# places news names for a country that neither source lists (a city or territory stands for its country)
EXTRA_PLACES = {"PS": ["加沙", "加沙城", "加沙地带", "约旦河西岸", "拉姆安拉"]}


def cldr_names() -> dict[str, str]:
    from babel import Locale

    names = Locale.parse("zh").territories
    return {code: EVERYDAY.get(code, name) for code, name in names.items()
            if len(code) == 2 and code.isalpha() and code not in CHINA | NOT_COUNTRIES}


def jionlp_rows(path: Path) -> list[tuple[str, str, str, list[str]]]:
    """(short name, official name, capital, other cities) rows of world_location.txt."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) < 3 or line.endswith(":"):
            continue
        cities = parts[3].split("/") if len(parts) > 3 else []
        rows.append((parts[0], parts[1], parts[2], cities))
    return rows


def variants(name: str) -> list[str]:
    """CLDR names with brackets written as text uses them: 刚果（金） -> 刚果金."""
    plain = re.sub(r"[（）()]", "", name)
    return [plain] if plain != name else [name]


def build(cldr: dict[str, str], jio: list[tuple[str, str, str, list[str]]]) -> list[tuple[str, str, list[str], list[str]]]:
    by_name = {}
    for code, name in cldr.items():
        for v in variants(name):
            by_name[v] = code
    out: dict[str, tuple[str, list[str], list[str]]] = {
        code: (variants(name)[0], [], []) for code, name in cldr.items()}
    for short, official, capital, cities in jio:
        code = by_name.get(short) or by_name.get(official)
        if code is None or code in CHINA:
            continue
        name, names, towns = out[code]
        for n in (short, official):
            if n != name and n not in names:
                names.append(n)
        for c in [capital, *cities]:
            if c and c not in towns and (len(c) >= 3 or c in CITIES_TWO):
                towns.append(c)
    from babel import Locale

    described = Locale.parse("zh").territories
    for code, everyday in EVERYDAY.items():
        if code in out and described.get(code) not in (None, everyday):
            out[code][1].append(described[code])  # 巴勒斯坦领土 stays a name of 巴勒斯坦
    for code, places in EXTRA_PLACES.items():
        if code in out:
            out[code][2].extend(p for p in places if p not in out[code][2])
    rows = []
    for code in sorted(out):
        name, names, towns = out[code]
        names = [n for n in names if n not in AMBIGUOUS]
        display = ""
        if name in AMBIGUOUS:
            if not names:
                continue  # the CLDR name is the only one and it is ambiguous: 蒙古 gets 蒙古国 from jionlp
            display = name  # shown as 苏丹, matched only as 苏丹共和国
            name, names = names[0], names[1:]
        rows.append((code, name, names, towns, display))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("world_location", type=Path, help="jionlp/dictionary/world_location.txt")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    from babel.core import get_cldr_version

    rows = build(cldr_names(), jionlp_rows(args.world_location))
    site = args.world_location.resolve().parents[2]
    jio = next(iter(importlib.metadata.distributions(name="jionlp", path=[str(site)])), None)
    with args.output.open("w", encoding="utf-8") as fh:
        fh.write("# Countries and territories outside China: ISO 3166-1 alpha-2 code, Chinese name (Unicode CLDR "
                 f"{get_cldr_version()} via PyPI Babel {importlib.metadata.version('babel')}), other names and cities "
                 f"(PyPI jionlp {jio.version if jio else 'unknown'} dictionary/world_location.txt, Apache-2.0).\n")
        fh.write(f"# Generated by scripts/make_countries.py on {datetime.date.today().isoformat()} - do not edit. "
                 "A city stands for its country; display, when set, is the everyday name shown (never matched: "
                 "it is also a word).\n")
        fh.write("code\tname\tnames\tcities\tdisplay\n")
        for code, name, names, towns, display in rows:
            fh.write(f"{code}\t{name}\t{','.join(names)}\t{','.join(towns)}\t{display}\n")
    print(f"{args.output}: {len(rows)} countries and territories", file=sys.stderr)


if __name__ == "__main__":
    main()
