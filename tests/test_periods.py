"""Time cues resolved against the document date."""

from __future__ import annotations

import pytest

from kg.extract.periods import cue_finder
from kg.extract.periods import infer_year as _infer_year
from kg.extract.periods import resolve_cues as _resolve_cues
from kg.extract.structure import protected_blocks
from kg.knowledge import KnowledgeBase

KB = KnowledgeBase.shipped()


def resolve_cues(text: str, date: str | None, year: int | None) -> list:
    return _resolve_cues(text, date, year, cue_finder(KB))


def infer_year(text: str) -> int | None:
    return _infer_year(text, cue_finder(KB), protected_blocks(text))


@pytest.mark.parametrize(("text", "date", "expected"), [
    ("今年以来,全县", "2022-05-24", "2022"),
    ("截至4月底,全区", "2022-05-24", "2022-04"),
    ("截至2023年12月底,全市", "2024-02-19", "2023-12"),
    ("去年,太平场村", "2023-07-17", "2022"),
    ("截至目前,所有问题", "2023-07-17", "2023-07-17"),
    ("2023年以来,全市上下", "2024-02-19", "2023"),
    ("过去一年,全省", "2026-02-01", "2025"),
    ("一年来,全县", "2023-12-20", "2023"),
    ("五年来,全省", "2026-02-01", "2021/2025"),  # a look back over several years ends where 过去一年 does
    ("2024年3月5日,全县", "2024-03-20", "2024-03-05"),  # a date to the day
    ("国防部21日称", "2024-09-22", "2024-09-21"),  # a day without its month: the document's month
    ("30日晚发生", "2018-02-03", "2018-01-30"),  # … or the month before, when it is later than today
    ("1月份,全国", "2018-02-14", "2018-01"),  # a month written 1月份 or 1月， is a cue on its own
    ("12月份,全国", "2018-01-14", "2017-12"),  # … of the year before when it is later than the document's month
    ("1至7月,全国铁路", "2024-08-09", "2024"),  # part of a year: that year's
    ("一季度,全国", "2019-04-17", "2019"),
    ("四季度,全国", "2019-01-20", "2018"),
    ("近三年,全市", "2024-09-20", "2022/2024"),
    ("1月6日,油船发生碰撞", "2018-01-19", "2018-01-06"),  # a month and day without the year
    ("12月28日召开", "2019-01-03", "2018-12-28"),  # … of the year before when later than the document
    ("10月社会融资规模增量", "2023-11-13", "2023-10"),  # a month naming the month of a noun
    ("前九月,对外投资", "2018-10-17", "2018"),  # the months so far: that year's
    ("前10个月,全国", "2018-11-20", "2018"),
    ("一年前,原材料价格", "2022-12-22", "2021"),  # N years before the document's
    ("五年前,村民搬进县城", "2025-11-30", "2020"),
    ("2021年10月以来,英国", "2022-11-29", "2021/2022"),  # a span since a month: the years it covers
    ("2024年3月以来,全县", "2024-08-01", "2024"),
    ("从2022年至今,两部委", "2025-11-30", "2022/2025"),  # 至今: since, as 以来
    ("从2012年年底的9899万人减到", "2020-03-06", "2012"),  # X年年底 is X's end, not the document's
    ("截至2017年底,四川", "2018-02-09", "2017"),  # a stock at a past year's end: that year's
    ("党的十八大以来,中国累计减贫", "2019-10-17", "2013/2019"),  # an event's span: its first full year on
    ("十三届全国人大三次会议期间,代表们", "2021-01-20", "2020-05"),  # a session: the month it met
    ("十三届全国人大一次会议上,代表们", "2018-12-25", "2018-03"),
    ("到去年底,银行业", "2018-02-09", "2017"),
    ("到2026年底,全省", "2026-02-09", "2026-12"),  # a deadline in the running year: its month
    ("到今年底,全县", "2026-02-09", "2026-12"),
    ("8.1至7月全国铁路", "2024-08-09", "2024"),  # a numbered line (8.) before 1至7月 is no decimal
    ("2018年1月18日至19日举行", "2018-01-19", "2018-01"),  # days of one month: the month
    ("21日到22日,美国多地", "2020-11-23", "2020-11"),
    ("过渡期以来,累计发放", "2025-07-28", "2021/2025"),  # the five-year transition after 脱贫攻坚
    ("一年来,依法约谈网站", "2019-03-21", "2018/2019"),  # twelve months back from March: two years
    ("过去一年,全省", "2026-01-20", "2025"),
    ("过去5年,全省", "2018-02-09", "2013/2017"),  # digits as the numerals: 过去五年
    ("2月5日以来,全国", "2025-02-18", "2025-02"),  # the days since: their month
    ("这几天,工地上", "2020-03-05", "2020-03"),  # nearer than 日前: the month from the 4th on
    ("日前,示例县", "2020-03-05", "2020"),
])
def test_cues(text: str, date: str, expected: str) -> None:
    cues = resolve_cues(text, date, int(date[:4]))
    assert cues and cues[0].period == expected


def test_a_number_of_months_is_no_cue() -> None:
    assert resolve_cues("为期3个月的专项行动", "2024-05-01", 2024) == []


def test_ranges_and_lists_of_years_are_no_cue() -> None:
    assert [c.period for c in resolve_cues("规划(2022—2025年)", "2022-05-24", 2022)] == ["2022/2025"]  # an interval
    assert [c.period for c in resolve_cues("2021年和2022年连续考评优秀", "2024-02-19", 2024)] == ["2022"]
    # a year beside a period of another kind is a cue of its own
    assert [c.period for c in resolve_cues("2025年和“十四五”时期工作回顾", "2026-01-31", 2026)] == ["2025", "2021/2025"]


def test_undated_document_year_ignores_forward_looking_years() -> None:
    text = "2016年项目涉及1018户。2018年项目涉及205户。预计2019年6月完成搬迁。2019年102个项目提前启动。《2017年度方案》"
    assert infer_year(text) == 2018


def test_a_day_needs_a_dated_document_and_is_no_span() -> None:
    assert resolve_cues("21日称", "2024-09", 2024) == []  # the document's day is unknown
    assert resolve_cues("5日内完成", "2024-09-22", 2024) == []  # a time limit, not a date
    # a month before its day is that day, not the month (nor a day of the document's month)
    assert [c.period for c in resolve_cues("5月20日", "2024-09-22", 2024)] == ["2024-05-20"]
