"""Attribution by scope: the document's home region, stories, sections, paragraphs and sentences each
narrow where and when a figure (or programme mention, measure, cited document) is about; targets are
told from results.  Every text here is written for the test."""

from __future__ import annotations

from kg.api import extract_text
from kg.model import Extraction, Observation


def figure(ex: Extraction, stated: str) -> Observation:
    found = [o for o in ex.observations if o.quantity.stated == stated]
    assert len(found) == 1, [o.quantity.stated for o in ex.observations]
    return found[0]


def bulletin(date: str, *stories: tuple[str, str]) -> str:
    """A Markdown bulletin of `date` (YYYYMMDD), one ### story per (title, body), padded with short stories to
    the three headings that cut a bulletin into stories."""
    padded = [*stories, *((f"示例{n}", "示例。") for n in range(len(stories), 3))]
    return f"# 联播 ({date})\n\n" + "".join(f"### {title}\n\n{body}\n\n" for title, body in padded)


def flash(*items: tuple[str, ...]) -> str:
    """The body of a news flash: its lead, then per item a bold title line and its paragraphs."""
    return "<p><strong>央视网消息</strong>（新闻联播）：</p>" + "".join(
        f"<p><strong>{title}</strong></p>" + "".join(f"<p>{para}</p>" for para in paras) for title, *paras in items)


def review(text: str) -> Extraction:
    """A provincial government work report delivered in February 2026 (it reviews 2025 and the five years)."""
    return extract_text(text, title="示例省政府工作报告", date="2026-02-10")


# --- the document's own region ------------------------------------------------------------------------


def test_home_region_from_a_title_naming_a_zone_and_its_district() -> None:
    ex = extract_text("2022年，管理局新建污水处理站12座。", title="平潭综合实验区君山片区管理局2022年度工作报告")
    assert ex.main_region is not None and ex.main_region.name == "君山片区"
    assert ex.main_region.parent is not None and ex.main_region.parent.name == "平潭综合实验区"
    assert figure(ex, "12座").region == ex.main_region


def test_home_region_from_the_publisher_when_the_title_names_none() -> None:
    ex = extract_text("下达困难群众救助补助资金1160万元。", title="关于下达2018年度困难群众救助补助资金的公示",
                      publisher="平潭综合实验区财政金融局", date="2018-02-06")
    assert ex.main_region is not None and ex.main_region.code == "350128"
    assert figure(ex, "1160万元").region.name == "平潭综合实验区"


def test_the_most_specific_place_in_scope_wins() -> None:
    ex = extract_text("湖南省湘西州花垣县双龙镇十八洞村今年种植猕猴桃3200亩，带动村民增收。", title="好日子",
                      date="2023-09-01")
    assert figure(ex, "3200亩").region.name == "十八洞村"


def test_a_venue_is_not_the_subject() -> None:
    ex = extract_text("全国乡村振兴工作会议在北京召开。会议指出，全国累计培训高素质农民300万人次。",
                      title="会议召开", date="2023-03-01")
    assert figure(ex, "300万人次").region.name == "中国"


def test_the_whole_province_only_when_the_text_says_so() -> None:
    text = "今年以来，麦积区新识别监测对象16户。全市新识别监测对象210户。"
    ex = extract_text(text, title="麦积区2023年巩固脱贫成果工作总结", date="2023-06-30")
    assert figure(ex, "16户").region.name == "麦积区"
    assert figure(ex, "210户").region.name == "天水市"
    # 我国 opening a sentence is the whole country, whatever the story is about
    ex = extract_text("贵州省发展蔬菜、茶叶等12个特色产业。截至目前，我国有22个省份贫困县全部摘帽。",
                      title="贵州贫困县全部摘帽", date="2020-11-23")
    assert figure(ex, "12个").region.name == "贵州省"
    assert figure(ex, "22个").region.name == "中国"


def test_a_place_after_a_date_opens_its_clause() -> None:
    """2024年西藏…, 今年甘肃…: a year or a day before a place does not hide it, and the place is the clause's
    subject; a greeting (新年安康) names no place."""
    ex = extract_text("拉萨市今年新建蔬菜大棚120座。2024年西藏货物贸易进出口总值126.72亿元。祝大家新年安康。",
                      title="拉萨：冬季蔬菜供应充足", date="2025-02-19")
    assert figure(ex, "120座").region.name == "拉萨市"
    assert figure(ex, "126.72亿元").region.name == "西藏自治区"
    assert "安康市" not in {m.region.name for m in ex.regions}


# --- bulletins: one scope per story ---------------------------------------------------------------------


BULLETIN = """# 联播 (20240305)

## 详细新闻

### 厦门：花海迎春

厦门园林部门今年培育三角梅新品种12个，思明区新建花境30处。

### 各地春耕备耕有序推进

在湖北省当阳市，农民抢抓农时，完成春播面积5.2万亩。在河北省石家庄市，农资储备达到18万吨。

### 国内联播快讯

全国铁路今天发送旅客1200万人次。
"""


def test_each_story_of_a_bulletin_has_its_own_home() -> None:
    ex = extract_text(BULLETIN, file="bulletin.md", title=None)
    assert ex.document.meta.date == "2024-03-05"  # the bulletin dates itself in its heading
    assert figure(ex, "12个").region.name == "厦门市"
    assert figure(ex, "30处").region.name == "思明区"
    assert figure(ex, "5.2万亩").region.name == "当阳市"
    assert figure(ex, "18万吨").region.name == "石家庄市"
    assert figure(ex, "1200万人次").region.name == "中国"
    assert figure(ex, "1200万人次").period == "2024-03-05"  # 今天: the bulletin's date
    # a story that says no time reports what stands on the day it is broadcast
    assert figure(ex, "18万吨").period == "2024-03-05"
    assert figure(ex, "12个").period == "2024"  # 今年


FLASH = """# 联播 (20240306)

### 浙江：山区共富工坊开工

浙江省丽水市新建共富工坊86家，带动山区农户增收。

### 国际联播快讯

<p><strong>央视网消息</strong>（新闻联播）：</p>

### 国内联播快讯

<p><strong>央视网消息</strong>（新闻联播）：</p><p><strong>示例县冷链物流园投用</strong></p><p>甘肃省示例县冷链物流园今天投用，库容3万吨。</p><p><strong>我国新能源汽车保有量持续增长</strong></p><p>截至2月底，新能源汽车保有量达到2100万辆。</p><p><strong>春运收官</strong></p><p>春运40天全社会跨区域人员流动量超过84亿人次。</p>
"""


def test_a_story_is_about_what_its_title_or_lead_names() -> None:
    """A story whose title names no place is about the place its lead paragraph names, else the country:
    a later paragraph's reporter in one province does not make the lead's national figure the province's
    (and a story with items inherits only what its own title and lead name, not its items' places)."""
    bulletin = ("# 联播 (20250131)\n\n## 详细新闻\n\n### 春节假期出行火热\n\n交通运输部预计，今天全社会跨区域人员流动量"
                "将突破3亿人次。\n\n在陕西省西安市，火车站今天发送旅客18万人次。\n\n### 文化中国行\n\n"
                "节日期间，各地推出文化活动2万场。\n\n### 国内联播快讯\n\n全国铁路今天发送旅客1500万人次。\n")
    ex = extract_text(bulletin, file="bulletin.md", title=None)
    assert figure(ex, "3亿人次").region.name == "中国"
    assert figure(ex, "18万人次").region.name == "西安市"
    assert figure(ex, "2万场").region.name == "中国"


def test_each_item_of_a_news_flash_is_a_story() -> None:
    """A paragraph that is one bold line heads an item of a news flash: an item that names no place is
    the country's, not that of the flash's other items."""
    ex = extract_text(FLASH, file="flash.md", title=None)
    titles = [b.title for b in ex.structure.stories if b.kind == "story"]
    assert "示例县冷链物流园投用" in titles and "我国新能源汽车保有量持续增长" in titles
    assert figure(ex, "2100万辆").region.name == "中国"
    assert figure(ex, "86家").region.name == "丽水市"


def test_items_of_a_flash_page_headed_by_short_lines_are_stories() -> None:
    """A page titled as a news flash whose items are headed by short unpunctuated lines (no bold, no
    markup): each item is a story with its own home."""
    text = ("央视网消息（新闻联播）：\n西安咸阳国际机场新航站楼投运\n陕西省西安市新航站楼今天投运，设计年旅客吞吐量5000万人次。\n"
            "全国出口退税规模创新高\n国家税务总局数据显示，2020年全年办理出口退税14549亿元。\n"
            "俄罗斯发射太空望远镜\n俄罗斯航天集团13日表示，望远镜顺利进入预定轨道，距离地球150万公里。")
    ex = extract_text(text, title="国内联播快讯", publisher="央视网", date="2021-01-20")
    assert figure(ex, "5000万人次").region.name == "西安市"
    assert figure(ex, "14549亿元").region.name == "中国"


def test_only_a_broadcast_reports_its_day() -> None:
    """A page cut into sections by its headings is no bulletin unless it is a broadcast: its undated
    figures keep no period, while the running order before a bulletin's first story is of its day."""
    sections = "".join(f"<h3>{name}</h3><p>示例县{name}共有示范点{n}个。</p>" for name, n in
                       (("产业发展", 12), ("基础设施", 30), ("社会事业", 8)))
    page = extract_text(f"<html><body>{sections}</body></html>", file="report.html", title="示例县乡村振兴情况介绍",
                        date="2023-05-06")
    assert figure(page, "12个").period is None
    aired = extract_text("（1）示例县山洪致15人受灾；\n\n" + BULLETIN.split("\n", 1)[1], file="bulletin.md",
                         title="《新闻联播》 (20240305)", date="2024-03-05")
    assert figure(aired, "15人").period == "2024-03-05"


def test_a_report_that_says_no_time_leaves_the_period_open() -> None:
    """Outside a bulletin, a figure with no time cue, frame or dated title has no period (a village's
    population, an area): the page's date is not when it was counted."""
    ex = extract_text("示例村位于山区，全村共有农户356户。", title="示例村简介", date="2023-07-17")
    assert figure(ex, "356户").period is None


def test_a_place_right_before_a_figure_and_a_recipient() -> None:
    """革命老区百色|100多个贫困村: the place written right before the figure; 黑龙江再援助湖北|200多吨: a
    recipient after 援助 is no subject; 土耳其和叙利亚超3.5万人: a list, neither of its places alone."""
    ex = extract_text("广西推进千企扶千村行动，全区100多家企业与革命老区百色100多个深度贫困村结成帮扶对子。"
                      "黑龙江再援助湖北200多吨蔬菜。", title="新闻联播", date="2020-03-01")
    assert figure(ex, "100多个").region.name == "百色市"
    assert figure(ex, "100多家").region.name == "广西壮族自治区"
    assert figure(ex, "200多吨").region.name == "黑龙江省"


def test_a_national_body_as_subject_speaks_for_the_country() -> None:
    """In a county's story, 中央财政安排79亿元… is the country's; 中央财政下达武山县… (a place named in the
    sentence, before or after the figure) is not."""
    ex = extract_text("武山县新建冷库12座。今年，中央财政安排79亿元建设优势特色产业集群。"
                      "中央财政下达武山县衔接资金3200万元。财政部安排500万元，支持武山县防汛。",
                      title="武山县乡村振兴新闻", date="2022-12-22")
    assert figure(ex, "79亿元").region.name == "中国"
    assert figure(ex, "3200万元").region.name == "武山县"
    assert figure(ex, "500万元").region.name == "武山县"


def test_a_figure_counting_an_enumeration_of_places_is_about_all_of_them() -> None:
    """甲县、乙县、丙县等|3个县: the smallest region holding the places listed; 甲、乙|分别增长|5%、7%: the
    n-th figure is the n-th place's, counting the numbers after 分别 even when one is no figure."""
    ex = extract_text("河北、山西、贵州等3个省区市的贫困县全部摘帽。安康市汉滨、紫阳、平利、白河4县区入选重点产茶县。"
                      "甘肃、宁夏两省区产值分别增长5%、7%。广州、深圳地铁单日客运量分别达1409万、1305万人次。",
                      title="新闻联播", date="2020-11-23")
    assert figure(ex, "3个").region.name == "中国"
    assert figure(ex, "4县区").region.name == "安康市"
    assert figure(ex, "5%").region.name == "甘肃省" and figure(ex, "7%").region.name == "宁夏回族自治区"
    assert figure(ex, "1305万人次").region.name == "深圳市"


def test_a_clause_about_a_region_spanning_provinces_is_the_countrys() -> None:
    """大湾区经济总量…: a region spanning provinces is no province (kg has no level between); the clause's
    figure is the country's, and the next clause, about the province again, is not."""
    ex = extract_text("5年来，大湾区经济总量上升至13万亿元，全省港口吞吐能力突破2.4亿吨。",
                      title="广东省政府工作报告", date="2026-01-20")
    assert figure(ex, "13万亿元").region.name == "中国"
    assert figure(ex, "2.4亿吨").region.name == "广东省"


def test_a_level_reached_in_a_span_of_years_is_of_its_last_year() -> None:
    """Inside 十四五 (or 五年来): a level reached (达到, 增至) is the level at the end; the figure after 从 in
    从X提高到Y is the level before the span; a sum, a yearly average or a plain change stays the span's."""
    ex = extract_text("“十四五”时期，全省高标准农田达到860万亩，城镇化率从58%提高到64%，地区生产总值年均增长"
                      "5.6%，累计新增就业达210万人，新建农村公路1.2万公里。",
                      title="示例省政府工作报告", date="2026-01-20")
    assert figure(ex, "860万亩").period == "2025"
    assert figure(ex, "58%").period == "2020" and figure(ex, "64%").period == "2025"
    assert figure(ex, "5.6%").period == "2021/2025"
    assert figure(ex, "210万人").period == "2021/2025"
    assert figure(ex, "1.2万公里").period == "2021/2025"
    listed = extract_text("“十四五”时期，每千人床位数、医师数增至7.83张、3.57个，研发中心分别从771家、481家增加到1076家、"
                          "636家，累计净增经营主体155万户、总量达474万户。",
                          title="示例省政府工作报告", date="2026-01-20")
    assert figure(listed, "3.57个").period == "2025"  # enumerated after 增至: the same level reached
    assert figure(listed, "481家").period == "2020" and figure(listed, "636家").period == "2025"
    assert figure(listed, "155万户").period == "2021/2025"


def test_the_base_of_a_comparison_is_not_the_period() -> None:
    """比“十三五”时期增长, 较2020年提高: the time after 比 / 较 is what the figure is compared with; the
    figure is of the time before it (or the document's)."""
    ex = extract_text("“十四五”时期，全省累计使用外资比“十三五”时期增长41%。2025年，农民收入较2020年提高38%。",
                      title="示例省政府工作报告", date="2026-01-20")
    assert figure(ex, "41%").period == "2021/2025"
    assert figure(ex, "38%").period == "2025"


def test_where_a_change_starts_and_a_share_base_are_not_the_period() -> None:
    """由2019年6亿增加到9.3亿元: the 9.3亿 is of this year; 占去年…的61.93%: the share is of now; a cut-off
    date opening a paragraph frames its later sentences."""
    ex = extract_text("今年，示例省农机购置补贴资金由2019年6亿元增加到9.3亿元。截至3月13日，已外出务工1690万人，"
                      "占去年外出务工总数的61.93%。\n\n截至2月29日，共有定点医院48家。方舱医院16家。",
                      title="示例省新闻", date="2020-03-18")
    assert figure(ex, "6亿元").period == "2019" and figure(ex, "9.3亿元").period == "2020"
    assert figure(ex, "61.93%").period == "2020-03-13"
    assert figure(ex, "16家").period == "2020-02-29"


def test_a_broadcast_paragraph_tells_one_event_and_zhici_goes_on() -> None:
    """In a broadcast story, a sentence without a time takes the last one of its paragraph (29日晚，…相撞。…
    载有3人); 至此 goes on with the sentence before; 全省 is the province the sentence opens with."""
    bulletin = ("# 联播 (20200301)\n\n## 详细新闻\n\n### 国际联播快讯\n\n美国总统1日称，29日晚发生在华盛顿的客机与"
                "直升机相撞事故中无人生还。直升机上载有3人。\n\n### 陕西脱贫\n\n2月27日，陕西省批准29个贫困县退出。"
                "至此，陕西省56个贫困县全部摘帽。\n\n### 复工复产\n\n山西争取专项债券208亿元。河南增加信贷投放，截至3月初，"
                "全省贷款增加2016亿元。\n")
    ex = extract_text(bulletin, file="bulletin.md", title=None)
    assert figure(ex, "3人").period == "2020-02-29"
    assert figure(ex, "56个").period == "2020-02-27"
    assert figure(ex, "2016亿元").region.name == "河南省"


def test_a_sentence_opening_with_qizhong_goes_on_with_the_one_before() -> None:
    """其中，…: a part of what the sentence before counted, at its time."""
    ex = extract_text("3月份，全省新设外资企业210家，同比增长12%。其中，示范区新设外资企业35家。",
                      title="示例省商务快讯", date="2024-04-16")
    assert figure(ex, "35家").period == "2024-03"


def test_a_recent_past_and_a_span_since_a_year() -> None:
    """日前 / 近日: the document's month (its year when it is dated early in its month, which may be last
    month); 2020年以来 in 2021: both years."""
    late = extract_text("示例县日前新建冷库12座。", title="示例县新闻", date="2024-05-20")
    early = extract_text("示例县日前新建冷库12座。", title="示例县新闻", date="2024-05-03")
    assert figure(late, "12座").period == "2024-05" and figure(early, "12座").period == "2024"
    since = extract_text("2020年以来，示例县累计新建冷库37座。", title="示例县新闻", date="2021-04-08")
    assert figure(since, "37座").period == "2020/2021"


def test_a_rate_in_force_takes_the_document_year() -> None:
    """A standard or rule in force (an amount per month and person, a share paid 按…比例) holds for the year
    of the document that states it; a plain count beside it stays open."""
    ex = extract_text("示例县特困人员集中供养的全自理标准提高。集中供养的全护理1163元/月/人；"
                      "大病救助按65%的比例给予补助。全县共有敬老院3所。",
                      title="示例县社会救助政策问答", date="2021-05-10")
    assert figure(ex, "1163元").period == "2021"
    assert figure(ex, "65%").period == "2021"
    assert figure(ex, "3所").period is None


def test_an_item_of_a_daily_broadcast_reports_its_day() -> None:
    """One story of a broadcast, as a page of its own, reports what stands on its day, as a story of a
    bulletin does; the same text from a newspaper leaves the period open."""
    text = "示例县今年新建的冷链仓库投入使用，共有库位1200个。"
    aired = extract_text(text.replace("今年新建的", "新建的"), title="示例县冷链仓库投用", publisher="央视网",
                         date="2020-04-04")
    assert figure(aired, "1200个").period == "2020-04-04"
    printed = extract_text(text.replace("今年新建的", "新建的"), title="示例县冷链仓库投用", publisher="示例日报",
                           date="2020-04-04")
    assert figure(printed, "1200个").period is None


# --- periods --------------------------------------------------------------------------------------------


SUMMARY = ("今年以来，区农业农村局坚持稳中求进。一、2022年主要工作开展情况（一）稳定农业经济。全年农林牧渔业总产值81.4亿元，"
           "增长1.6%。目前，全区共有应急网点17个。二、2023年工作计划（一）稳产保供。力争粮食产量达到2万吨，"
           "计划新建高标准农田1.5万亩。")


def test_sections_of_a_one_line_summary_frame_their_figures() -> None:
    ex = extract_text(SUMMARY, title="示例区农业农村局2022年工作总结及2023年工作计划", date="2023-12-15")
    total = figure(ex, "81.4亿元")
    assert (total.period, total.status) == ("2022", "actual")
    assert figure(ex, "1.6%").period == "2022"
    assert figure(ex, "17个").period == "2023-12-15"  # 目前: the document's date
    target = figure(ex, "2万吨")
    assert (target.period, target.status) == ("2023", "target")
    assert figure(ex, "1.5万亩").status == "target"


def test_a_five_year_review_is_an_interval_and_a_forecast_is_told_apart() -> None:
    text = ("一、“十四五”时期发展回顾\n“十四五”时期，全省累计新增就业320万人。\n二、2026年工作安排\n"
            "预计全年粮食产量1400万吨。")
    ex = extract_text(text, title="2026年示例省政府工作报告", date="2026-02-10")
    assert figure(ex, "320万人").period == "2021/2025"
    forecast = figure(ex, "1400万吨")
    assert (forecast.period, forecast.status) == ("2026", "forecast")


def test_a_result_after_a_target_word_is_actual() -> None:
    """今年计划改造的老旧小区已开工3.7万个: 计划 names the plan, 已 says the figure is done; 力争新增8万户 is a
    target."""
    ex = extract_text("今年计划改造的城镇老旧小区已开工3.7万个，力争年内新增户厕8万户。", title="示例省新闻",
                      date="2020-11-23")
    assert figure(ex, "3.7万个").status == "actual"
    assert figure(ex, "8万户").status == "target"


def test_a_heading_naming_a_year_and_a_five_year_plan_frames_the_year() -> None:
    """The heading frames its section (by its first period); it is no paragraph frame of its own, so the
    five-year plan it also names frames only the paragraphs that say 五年来."""
    text = ("一、2025年工作回顾和“十四五”时期发展成就\n（一）产业发展。全省新建高标准农田120万亩。\n"
            "五年来，全省累计减少贫困人口35万人。\n二、2026年工作安排\n力争粮食产量达到1400万吨。")
    ex = extract_text(text, title="2026年示例省政府工作报告", date="2026-02-10")
    assert figure(ex, "120万亩").period == "2025"
    assert figure(ex, "35万人").period == "2021/2025"


def test_a_quarter_in_the_title_frames_nothing() -> None:
    """A title naming a quarter (全市二季度…拉练侧记) is no review of a year: a village's stock keeps no period,
    while a figure after 一季度 in the text is of that year."""
    ex = extract_text("示例村共有居民740户。一季度，全市新增就业1200人。", title="全市二季度重点工作现场拉练侧记",
                      date="2023-07-17")
    assert figure(ex, "740户").period is None
    assert figure(ex, "1200人").period == "2023"


def test_a_frame_ends_with_its_section() -> None:
    text = ("一、脱贫攻坚\n2019年以来，全县累计减贫1.2万人。\n二、产业发展\n全县新建蔬菜大棚320座。")
    ex = extract_text(text, title="示例县工作情况", date="2023-05-01")
    assert figure(ex, "1.2万人").period == "2019/2023"  # since 2019, up to the document
    assert figure(ex, "320座").period is None


def test_a_since_cue_inside_a_clause_frames_only_its_clause() -> None:
    """2022年以来 after its clause's subject dates that clause; the next paragraph keeps the section's five years."""
    text = ("一、“十四五”时期工作回顾\n——这是跃升的五年。全省生产总值增长33.6%，经济增速2022年以来连续16个季度高于全国。\n"
            "——这是开放的五年。外贸进出口总值年均增长13.2%。")
    ex = review(text)
    assert figure(ex, "33.6%").period == "2021/2025"
    assert figure(ex, "13.2%").period == "2021/2025"
    framed = review("一、“十四五”时期工作回顾\n——这是跃升的五年。全省生产总值增长33.6%，2022年以来，新增企业1200户。\n"
                    "全省新建冷库37座。")
    assert figure(framed, "1200户").period == "2022/2025"
    assert figure(framed, "37座").period == "2022/2025"


def test_a_year_after_a_word_of_the_past_opens_its_paragraph() -> None:
    """刚刚过去的2025年，… inside a five-year review is the year's paragraph."""
    text = ("一、“十四五”时期工作回顾\n五年来，全省生产总值年均增长5.5%。\n"
            "刚刚过去的2025年，全省上下顶压前行。地区生产总值增长5.8%，城镇新增就业31.7万人。\n"
            "（一）稳就业稳企业。新增农村劳动力转移就业46.2万人。")
    ex = review(text)
    assert figure(ex, "5.5%").period == "2021/2025"
    assert figure(ex, "5.8%").period == "2025"
    assert figure(ex, "31.7万人").period == "2025"
    assert figure(ex, "46.2万人").period == "2025"  # the frame holds to the end of the section
    plain = review("一、“十四五”时期工作回顾\n五年来，全省生产总值年均增长5.5%。\n刚刚过去的2025年很不平凡。"
                   "习近平总书记亲临考察。全省上下真抓实干。\n（一）稳就业稳企业。城镇新增就业121.7万人。")
    assert figure(plain, "121.7万人").period == "2025"
    addressed = review("一、“十四五”时期工作回顾\n过去五年，全省生产总值年均增长5.5%。\n各位代表，刚刚过去的2025年，"
                       "全省上下顶压前行。\n——向新的动能持续增强。首批63个省重点实验室重组完成。")
    assert figure(addressed, "63个").period == "2025"
    five = review("一、2025年及“十四五”时期工作回顾\n2025年是很不平凡的一年。全省生产总值增长5.5%。\n"
                  "各位代表！2025年是“十四五”收官之年。五年来，我们牢记嘱托。\n"
                  "——经济综合实力实现新跃升。全省地区生产总值年均增长5.9%。")
    assert figure(five, "5.9%").period == "2021/2025"  # 各位代表！ is no sentence: 五年来 opens the paragraph


def test_a_government_work_report_reviews_the_year_before_its_title_year() -> None:
    """2026年…政府工作报告 is delivered early in 2026: a review heading without a year is 2025's, and the plan
    without a year is 2026's."""
    text = ("一、工作回顾\n一是全力以进促稳。地区生产总值增长5%，城镇新增就业22.89万人。\n"
            "二、下一步工作安排\n实施亿元以上项目2000个以上。")
    ex = extract_text(text, title="2026年示例省政府工作报告", date="2026-02-01")
    assert figure(ex, "22.89万人").period == "2025"
    assert figure(ex, "2000个").period == "2026"
    assert figure(ex, "2000个").status == "target"
    main_work = extract_text("三、2026年主要工作\n新建农村公路1500公里。", title="2026年示例省政府工作报告",
                             date="2026-02-01")
    assert figure(main_work, "1500公里").status == "target"  # a figure of the year the title plans
    late = extract_text("一、粮食安全\n2023年，全区新建粮库3座。", title="示例区2022年工作总结及2023年工作计划",
                        date="2023-12-15")
    assert figure(late, "3座").status == "actual"  # a plan published late in its year: its figures may be results
    early = extract_text("一、粮食安全\n2023年，全区新建粮库3座。", title="示例区2022年工作总结及2023年工作计划",
                         date="2023-01-15")
    assert figure(early, "3座").status == "target"
    summary = extract_text("一、工作成效\n全县新建冷库37座。", title="示例县2025年工作报告", date="2026-01-10")
    assert figure(summary, "37座").period == "2025"  # a year's report, not a session's: it reviews its year


def test_a_cut_off_month_is_a_cue() -> None:
    ex = extract_text("截止9月份，全区共有农村低保对象4039户。", title="示例区工作手册", date="2017-11-23")
    assert figure(ex, "4039户").period == "2017-09"


# --- programme mentions by scope ----------------------------------------------------------------------------


def test_programme_mentions_take_their_region_by_scope() -> None:
    text = ("全市扎实推进防止返贫动态监测和帮扶。\n"
            "今年来，平昌县紧抓防止返贫动态监测和帮扶，新增监测对象177户。\n"
            "通江县、南江县建立防止返贫动态监测和帮扶机制。")
    ex = extract_text(text, title="巴中市巩固拓展脱贫攻坚成果工作侧记", date="2023-07-17")
    regions = {p.region.name for p in ex.programmes if p.region is not None and "监测" in p.label}
    assert {"巴中市", "平昌县", "通江县", "南江县"} <= regions


def test_a_story_told_a_day_later_is_dated_by_its_lead() -> None:
    """A broadcast story whose lead dates its event to an earlier day (示例国一座大桥18日晚…): its title's
    figures and its paragraphs that say no time take that day, and 目前 in a paragraph after such a day is
    that day; a cut-off date (截至11月27日) is no event's day, and a story dated by none reports its broadcast."""
    text = bulletin("20250219", ("国际联播快讯", flash(
        ("示例国一座大桥垮塌致9人受伤", "示例国南部一座大桥18日晚垮塌，多辆汽车坠河。", "事发时桥上约有30辆汽车。"),
        ("示例国港口吞吐量创新高", "截至2月17日，示例港今年吞吐量达150万标箱。目前，航线增至48条。"),
        ("示例国举行大选", "示例国今天举行大选。"))),
        ("示例邻国山火", "17日，示例邻国北部发生山火。目前，山火已烧毁房屋120栋。"),
        ("示例市马拉松", "示例市举行马拉松，2万人参赛。目前，示例市累计举办赛事36场。"))
    ex = extract_text(text, file="bulletin.md", title=None)
    assert figure(ex, "9人").period == "2025-02-18"
    assert figure(ex, "30辆").period == "2025-02-18"
    assert figure(ex, "48条").period == "2025-02-19"
    assert figure(ex, "120栋").period == "2025-02-17"
    assert figure(ex, "2万人").period == "2025-02-19"
    assert figure(ex, "36场").period == "2025"  # a sum over the year so far, not the day's
    recent = bulletin("20190507", ("国内联播快讯", flash(
        ("海关破获20亿元走私案", "近日，海关总署会同有关部门破获一起走私案，涉案金额20.1亿元。"),
        ("示例市举行展会", "示例市今天举行展会。"), ("示例县举行比赛", "示例县今天举行比赛。"))))
    ex = extract_text(recent, file="bulletin.md", title=None)
    assert figure(ex, "20亿元").period == "2019"  # 近日 early in May: the title's figure is of the year


def test_a_run_of_consecutive_years_ends_where_the_figure_stands() -> None:
    """连续6年保持95%以上 in a review of 2023: the six years up to 2023; a figure in the next clause is the
    year's own."""
    ex = extract_text("2023年，示例县群众满意度连续6年保持95%以上，新建村道48公里。",
                      title="示例县政府工作报告", date="2024-01-20")
    assert figure(ex, "95%").period == "2018/2023"
    assert figure(ex, "48公里").period == "2023"


def test_an_item_whose_lead_ranges_wide_is_about_the_place_it_opens_with() -> None:
    """A news-flash item whose title names no place it knows and whose lead names several is about the
    place the lead's first sentence opens with (法国南部…，蔓延至西班牙边境), title figures included."""
    text = bulletin("20250721", ("国际联播快讯", flash(
        ("法南部山火致3人受伤", "法国南部20日发生山火，火势蔓延至西班牙边境。"),
        ("示例国举行大选", "示例国今天举行大选。"),
        ("示例港吞吐量创新高", "示例港今天吞吐量创新高。"))))
    ex = extract_text(text, file="bulletin.md", title=None)
    assert figure(ex, "3人").region.name == "法国"


def test_wo_guo_opening_a_clause_goes_on_to_the_sentences_later_clauses() -> None:
    """In a story about a province, 去年我国…，到2020年预计… are both the country's figures; 全国 opening a
    clause (it opens modifiers too: 全国重点实验室) carries on to nothing."""
    ex = extract_text("吉林省冰雪运动火热。据统计，去年我国冰雪产业规模达3976亿元，到2020年预计将达到6000亿元。"
                      "吉林省新建雪场8个，全国重点实验室增至12个，冰雪企业达300家。", title="吉林省冰雪产业",
                      date="2018-02-09")
    assert figure(ex, "3976亿元").region.name == "中国"
    assert figure(ex, "6000亿元").region.name == "中国"
    assert figure(ex, "300家").region.name == "吉林省"


def test_a_headline_figure_the_body_states_again_is_that_fact() -> None:
    """A title's figure that its story's body states again takes the body's period (从2022年至今…已累计安排
    377亿元), unless the title says its own time."""
    text = bulletin("20251130", ("国内联播快讯", flash(
        ("两部委已下达52亿元支持示范枢纽建设", "从2022年至今，两部委已累计安排52亿元支持枢纽城市建设。"),
        ("示例海关2024年查获货物309万件", "今天，示例海关通报查获货物309万件。"),
        ("示例港吞吐量创新高", "示例港今天吞吐量创新高。"))))
    ex = extract_text(text, file="bulletin.md", title=None)
    title, body = sorted((o for o in ex.observations if o.quantity.stated == "52亿元"), key=lambda o: o.evidence.start)
    assert title.period == body.period == "2022/2025"
    assert sorted(o.period for o in ex.observations if o.quantity.stated == "309万件") == ["2024", "2025-11-30"]


def test_a_bulletins_summary_restates_the_one_story_that_states_its_figure() -> None:
    """本期节目主要内容 lists the stories' titles: a figure in it that exactly one story states takes that
    story's attribution (the earlier day its lead dates the event to)."""
    text = bulletin("20250405",
                    ("缅甸强震遇难人数升至3354人", "4日，缅甸强震遇难人数升至3354人，另有200人失踪。"),
                    ("示例省春耕", "示例省今天完成春播200万亩。"),
                    ("示例港", "示例港今天吞吐量达到80万吨。"))
    summary = "## 新闻摘要\n\n本期节目主要内容：\n\n1.缅甸强震遇难人数升至3354人；\n\n2.示例港吞吐量达到80万吨；\n\n"
    text = text.replace("\n\n", "\n\n" + summary, 1)
    ex = extract_text(text, file="bulletin.md", title=None)
    first = min((o for o in ex.observations if o.quantity.stated == "3354人"), key=lambda o: o.evidence.start)
    assert first.period == "2025-04-04"
    assert first.region is not None and first.region.name == "缅甸"
    listed = min((o for o in ex.observations if o.quantity.stated == "80万吨"), key=lambda o: o.evidence.start)
    assert listed.period == "2025-04-05"  # the story states it as the day's: the same


def test_a_broadcast_figure_in_a_future_clause_is_the_years() -> None:
    """A broadcast's undated figure after 将 (a subject before it) is what is to come this year, not the day's;
    a clause opening with 将 is 把 (将…珍品汇聚一堂); an undated count of a list's items (15条措施) is the year's."""
    text = bulletin("20200912", ("交通安全", "公安部表示，全国将再选取30座大桥作为示范。展览开幕，将分藏各地的120件珍品"
                                             "汇聚一堂。示例省出台了稳就业15条措施。"))
    ex = extract_text(text, file="bulletin.md", title=None)
    assert figure(ex, "30座").period == "2020"
    assert figure(ex, "120件").period == "2020-09-12"
    assert figure(ex, "15条").period == "2020"  # a count of a list's items: the year's package


def test_a_place_before_ji_is_an_attribute() -> None:
    """巴拿马籍油船: the ship's flag, not where the story happens; 武汉户籍人口 is still 武汉's."""
    ex = extract_text("交通运输部今天通报，1月6日，巴拿马籍油船在长江口外起火，32名船员失踪。武汉户籍人口增至900万人。",
                      title="交通运输部通报", date="2018-01-19")
    assert figure(ex, "32名").region.name == "中国"
    assert figure(ex, "900万人").region.name == "武汉市"


def test_places_enumerated_after_their_figures_with_fenbie() -> None:
    """分别有92万、175万和135万人次离开北京、上海、广州: the n-th figure is the n-th place's."""
    ex = extract_text("春运客流高峰持续。今天分别有超过92万、175万和135万人次离开北京、上海、广州。",
                      title="春运客流", date="2018-02-14")
    assert figure(ex, "135万人次").region.name == "广州市"
