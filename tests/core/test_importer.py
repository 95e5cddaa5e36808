"""The report importer (reports.core.importer), pure: no database.

Every fixture report in tests/fixtures/reports (and every seed in ../shared/seeds when that folder
is present, see tests/corpus.py) is imported from text, from a .docx with literal numbers and from a
.docx with Word auto-numbering and heading styles (both built here), and must give the expected
header, heading tree, points and leads, opening, closing, signature and date, and the round trip:
the report laid out again (layout_paragraphs(to_content())) equals the source paragraph by
paragraph, numbering aside.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from corpus import sample, seed_paths
from packages import document_xml, docx_auto, docx_literal, package, source_paragraphs, w_paragraph

from reports.core.document import layout_paragraphs
from reports.core.importer import (
    ImportRefused,
    apply_plan,
    find_figures,
    merge_item,
    parse_docx,
    parse_text,
    parse_upload,
    plan_figures,
    read_upload,
    retype_item,
    split_item,
)
from reports.core.importer.carry import carry_forward
from reports.core.importer.docx import format_counter
from reports.core.importer.markers import heading_marker
from reports.core.metrics import resolve_snapshot

# --- expected structure of the fixture reports (and of the shared seeds, annotated by hand) ---------

FIXTURE_EXPECTED = {
    "duty": {
        "kind": "duty",
        "year": 2022,
        "title": "2022年度述职报告",
        "subject": "某某市财政局局长\u3000周某",
        "opening": "2022年，在市委、市政府的正确领导下",
        "closing": "以上述职，请予评议。",
        "tree": [
            (1, "坚持政治引领，把牢财政工作正确方向", ["坚持理论武装不放松", "坚持民主集中不走样", "坚持阵地管理不松劲"]),
            (1, "坚持学以致用，提升科学理财本领", ["学深悟透政策要求", "深入一线调查研究", "抓实抓细干部培训"]),
            (1, "坚持真抓实干，推动财政工作提质增效",
             ["组织收入稳中有进", "民生保障有力有效", "助企纾困精准发力", "乡村振兴投入加大", "财政改革纵深推进"]),
            (1, "坚持从严治党，锻造忠诚干净担当的干部队伍", ["履行第一责任人职责", "抓实廉政警示教育", "主动接受各方监督"]),
            (1, "坚持依法理财，加快建设法治财政", ["深化普法宣传教育", "规范行政执法行为", "持续优化营商环境"]),
        ],
        "inline_points": 0,  # every point its own paragraph
    },
    "party_duty": {
        "kind": "party_duty",
        "year": 2023,
        "title": "2023年度抓基层党建工作述职报告",
        "subject": "2024年1月",
        "opening": "2023年，我认真履行局党组书记抓基层党建第一责任人职责",
        "tree": [
            (1, "突出理论武装，持续加强党员干部的思想政治建设",
             ["扎实开展集中学习", "抓好青年理论学习", "落实意识形态责任", "加强政治纪律教育"]),
            (1, "抓组织建设，以支部标准化规范化建设为抓手推动基层党组织全面进步全面过硬",
             ["健全党建工作责任体系", "推进支部规范化建设", "严格党员教育管理"]),
            (1, "抓作风建设，持续推进全面从严治党向纵深发展",
             ["压紧压实管党治党责任", "持续开展廉洁文化建设", "驰而不息纠治“四风”"]),
            (1, "抓党建业务融合，以高质量党建推动财政事业高质量发展",
             ["收支任务圆满完成", "民生保障持续加强", "惠企政策落地见效", "重点项目保障有力"]),
        ],
        "inline_points": 11,  # several points per paragraph
    },
    "annual_summary": {
        "kind": "annual_summary",
        "year": 2022,
        "title": "某某县财政局2022年财政工作总结和2023年工作打算",  # on two lines in the source
        "opening": "今年以来，县财政局在县委、县政府的坚强领导下",
        "closing": "特此报告。",
        "signature": "某某县财政局",
        "date": "2023年1月6日",
        "tree": [
            (1, "2022年工作成效", []),
            (2, "抓党建，强化政治引领", []),
            (2, "抓收支，夯实财力基础", []),
            (2, "抓民生，增进群众福祉", ["", "加大乡村振兴投入"]),
            (2, "抓营商，优化发展环境", ["拓宽融资渠道，缓解企业难题", "推进政府采购改革、优化营商环境", ""]),
            (2, "抓争资，支持项目建设", []),
            (2, "抓改革，提升管理水平", ["全面推进零基预算改革", "加强国有资产管理", "创新“*+*”理财模式",
                                     "规范津贴补贴发放", "深化预算绩效管理", "提高财政评审质效"]),
            (2, "抓共建，落实帮扶责任", ["开展为民服务活动", "参与基层治理", "落实在职党员进社区报到", "做好结对帮扶工作"]),
            (2, "抓作风，加强机关建设", ["抓“清廉机关”建设", "强化机关日常管理", "深入开展作风整治",
                                     "落实全面从严治党责任", "关心干部身心健康"]),
            (1, "存在问题", []),
            (2, "收支矛盾依然突出", ["税收增长后劲不足", "产业结构较为单一", "刚性支出压力加大"]),
            (2, "机关建设仍需加强", []),
            (1, "2023年工作计划", []),
            (2, "狠抓收入征管，确保应收尽收", []),
            (2, "优化支出结构，增强保障能力", []),
            (2, "深化预算管理改革", []),
            (2, "加强招商引资和税源培育，以优质项目带动新的税源增长，增加地方可用财力，缓解财政支出压力", []),
            (2, "盘活财政存量资金", []),
            (2, "进一步强化机关建设", []),
        ],
        "inline_points": 17,  # points following run-in headings and each other
    },
    "work_plan": {
        "kind": "work_plan",
        "year": 2024,
        "title": "某某区财政局2024年工作计划",
        "opening": "2024年是实施“十四五”规划承上启下的关键一年。",
        "closing": "以上计划，请审议。",
        "signature": "某某区财政局",
        "date": "2024年1月8日",
        "tree": [
            (1, "主要预期目标", []),
            (1, "重点工作任务", []),
            (2, "着力抓好收入组织", ["加强税源培育", "强化非税收入管理"]),
            (2, "着力保障民生支出", []),
            (3, "兜牢基本民生底线", []),
            (3, "支持教育医疗事业", []),
            (3, "推动乡村全面振兴", []),
            (2, "着力深化财政改革", ["深化零基预算改革", "全面实施预算绩效管理", "提升国库管理水平"]),
            (2, "着力防范化解风险", ["严格政府债务管理", "加强财会监督"]),
            (1, "保障措施", []),
        ],
        "inline_points": 2,  # 一要…二要… after a run-in heading
    },
}  # fmt: skip

SEED_EXPECTED = {
    "000": {
        "kind": "duty",
        "year": 2022,
        "opening": "2022年，在市委、市政府的坚强领导",
        "tree": [
            (1, "强化意识形态，在“政”上立稳立牢", ["坚定政治立场", "压实政治责任", "强化政治担当"]),
            (1, "提升能力素养，在“学”上入脑入心", ["淬炼思想，筑牢根基", "笃行致远，增强才干", "传承基因，提升质效"]),
            (1, "聚焦主责主业，在“干”上见行见效",
             ["挖潜增收注入活水", "集中财力保障民生", "千方百计服务发展", "统筹推进乡村振兴", "全面深化财政改革"]),
            (1, "强调队伍建设，在“廉”上聚心聚力", ["放眼全局抓落实", "融入日常抓教育", "强化监督抓长效"]),
            (1, "重视法治建设，在“法”上落深落实", ["加强普法教育", "规范行政执法", "优化法治环境"]),
        ],
        "inline_points": 0,
    },
    "001": {
        "kind": "party_duty",
        "year": 2023,
        "opening": "2023年，在市委的坚强领导",
        "tree": [
            (1, "突出主题教育主线，持续加强党的思想政治建设",
             ["扎实推进主题教育", "持续强化理论武装", "加强政治建设", "压实意识形态工作责任制"]),
            (1, "坚持以提升政治功能为重点，持续锻造坚强有力的基层战斗堡垒",
             ["压实基层党建工作责任", "推动强化支部建设", "加强和改进干部培养教育"]),
            (1, "坚守廉洁底线，持续深化党风廉政建设", ["持续推进清廉文化建设", "持续加强干部监督管理", "驰而不息纠“四风”树新风"]),
            (1, "聚焦主责主业，持续推动党建业务深度融合",
             ["财税工作目标全面完成", "社会保障水平全面提升", "税费支持政策全面落实", "城乡建设支持力度持续加大"]),
        ],
        "inline_points": 11,  # several points per paragraph
    },
    "002": {
        "kind": "annual_summary",
        "year": 2022,
        "opening": "今年来，在县委、县政府的坚强领导下",
        "tree": [
            (1, "2022年工作成效", []),
            (2, "抓党建、强化党组统领", []),
            (2, "抓收支，落实财政保障", []),
            (2, "抓民生、保障人民幸福", ["", "大乡村振兴投入力度"]),
            (2, "抓营商、优化发展环境", ["畅通融资渠道，助力企业解难", "推进政府采购工作、优化营商环境", ""]),
            (2, "抓增项，保障地方发展", []),
            (2, "抓改革，促进财政管理", ["深入推进零基预算、科学谋划预算支出", "推进国资国企改革创新三年行动改革",
                                     "创新理财举措，深化财政管理", "深化津贴补贴专项治理", "深化预算绩效管理改革",
                                     "深化服务管理，提高办事效率"]),
            (2, "抓共建、落实帮扶责任", ["深入开展为民服务", "助力疫情防控，维护群众安全", "全面落实在职党员社区报到",
                                     "做好村、社区结对帮扶工作"]),
            (2, "抓风气、强化机关管理", ["抓“五型政府”建设", "强化“六项管理”、打造标准食堂", "深入开展“八扬八治”深化作风建设",
                                     "落实全面从严治党责任", "关心干部身心发展"]),
            (1, "存在问题", []),
            (2, "收支矛盾进一步突显", ["重点行业税收持续下滑，税收短收已成定势", "工业产业结构不合理，过于依赖有色金属行业",
                                   "国土收入短收严重，收支矛盾突出，进一步加剧库款调度困难"]),
            (2, "单位机关建设还有待进一步加强", []),
            (1, "2023年工作计划", []),
            (2, "明确目标任务，强化收入征管", []),
            (2, "优化支出结构，增强保障能力", []),
            (2, "创新预算指标核算管理", []),
            (2, "加强招商引资力度，用税收低扶持企业替代税收高扶持企业，增加地方可用财力，缓解地方支出压力", []),
            (2, "积极盘活财政存量资金", []),
            (2, "进一步强化机关建设", []),
        ],
        "inline_points": 17,  # points following run-in headings and each other
    },
}  # fmt: skip

# The seeds that are present (none on a clone without ../shared), keyed "seed-000" etc.
SEED_FILES = {f"seed-{path.name[:3]}": path for path in seed_paths() if path.name[:3] in SEED_EXPECTED}
EXPECTED = {
    **FIXTURE_EXPECTED,
    **{name: SEED_EXPECTED[name.removeprefix("seed-")] for name in SEED_FILES},
}


def report_text(name: str) -> str:
    """A fixture report by name, or a present seed ("seed-000")."""
    if name in SEED_FILES:
        return SEED_FILES[name].read_text(encoding="utf-8")
    return sample(name)


def outline(parsed) -> list[tuple[int, str, list[str]]]:
    """(level, title, [leads of the points directly under it]) per heading."""
    out: list[tuple[int, str, list[str]]] = []
    for item in parsed.items:
        if item.type == "heading":
            out.append((item.level, item.title, []))
        elif item.type == "point" and out:
            out[-1][2].append(item.lead)
    return out


# --- round trip ------------------------------------------------------------------------------------

_MARK = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[）)][、.．]?|[一二三四五六七八九十]+[、.．，,]|[0-9０-９]{1,2}[.．、](?![0-9])|[（(][0-9]{1,2}[）)])"
    r"|(?:^|(?<=[。；！？：.;!?:]))(?:[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+[，,、]|(?:首先|其次|再次|最后)[，,])"
)


def normalise(text: str) -> str:
    """What the round trip ignores: whitespace and the form and value of numbering."""
    return _MARK.sub("#", re.sub(r"\s", "", text))


def exported(parsed) -> list[str]:
    content = parsed.to_content()
    if not parsed.title:
        content["title"] = ""  # no default title line when the source had none
    paragraphs = [p for p in layout_paragraphs(content) if p.text]
    title = "".join(p.text for p in paragraphs if p.role == "title")
    body = [p.text for p in paragraphs if p.role != "title"]
    return ([title] if title else []) + body


def assert_round_trip(parsed, source: str, transform=normalise) -> None:
    src = source_paragraphs(source)
    if parsed.title:  # a title on two source lines comes back as one title
        joined = ""
        while src and joined != parsed.title:
            joined += src.pop(0)
        src.insert(0, joined)
    out = exported(parsed)
    assert [transform(p) for p in out] == [transform(p) for p in src]


SOURCES = {
    "text": lambda text: parse_text(text, strict=True),
    "docx-literal": lambda text: parse_docx(docx_literal(text), strict=True),
    "docx-auto": lambda text: parse_docx(docx_auto(text), strict=True),
}


# --- each report, from every source --------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", EXPECTED)
def test_it_reads_each_report(name, source):
    text = report_text(name)
    expected = EXPECTED[name]
    parsed = SOURCES[source](text)
    assert outline(parsed) == expected["tree"]
    assert parsed.opening.startswith(expected["opening"]) and "\n" not in parsed.opening
    assert parsed.kind == expected["kind"] and parsed.year == expected["year"]
    header = ("title", "subject", "closing", "signature", "date")
    assert {f: getattr(parsed, f) for f in header} == {f: expected.get(f, "") for f in header}
    points = [i for i in parsed.items if i.type == "point"]
    assert sum(len(leads) for _l, _t, leads in expected["tree"]) == len(points)
    assert sum(p.inline for p in points) == expected["inline_points"]
    assert_round_trip(parsed, text)


def test_several_points_stay_in_one_paragraph():
    parsed = parse_text(sample("party_duty"))
    first = parsed.items[1:5]
    assert [(p.type, p.inline, p.marker) for p in first] == [
        ("point", False, "一是"),
        ("point", True, "二是"),
        ("point", True, "三是"),
        ("point", True, "四是"),
    ]
    # 四、's paragraph starts with text, then its points continue that paragraph
    section = next(i for i, item in enumerate(parsed.items) if item.title.startswith("抓党建业务融合"))
    assert parsed.items[section + 1].type == "paragraph" and not parsed.items[section + 1].inline
    assert all(p.inline for p in parsed.items[section + 2 : section + 6])


def test_run_in_headings_and_points_after_them():
    parsed = parse_text(sample("annual_summary"))
    by_title = {item.title: item for item in parsed.items if item.type == "heading"}
    party = by_title["抓党建，强化政治引领"]
    assert party.run_in and party.text.startswith("坚持把党的政治建设摆在首位")
    people = parsed.items.index(by_title["抓民生，增进群众福祉"])
    assert by_title["抓民生，增进群众福祉"].run_in and by_title["抓民生，增进群众福祉"].text == ""
    assert parsed.items[people + 1].inline and parsed.items[people + 1].text.startswith(
        "根据《某某县2022年民生实事项目实施方案》"
    )
    # a whole-sentence heading: the title is the sentence, nothing is lost
    assert by_title[
        "加强招商引资和税源培育，以优质项目带动新的税源增长，增加地方可用财力，缓解财政支出压力"
    ].run_in
    # "一是" quoted inside 三是's text is not a new point
    reform = [i for i in parsed.items if i.type == "point" and i.lead == "创新“*+*”理财模式"][0]
    assert "“*”即坚持五项原则安排资金。一是对已列入预算的项目" in reform.text


def test_the_json_has_exactly_the_issue_shape():
    data = parse_text(sample("annual_summary")).to_json()
    assert list(data) == [
        "title",
        "kind",
        "subject",
        "opening",
        "blocks",
        "closing",
        "signature",
        "date",
        "metrics",
        "warnings",
    ]

    def check(block):
        if block["type"] == "heading":
            assert set(block) == {"type", "level", "text", "children"} and block["level"] in (1, 2, 3)
            assert not re.match(r"[（(]?[一二三四五六七八九十0-9]+[）)、.]", block["text"])  # no numbers
            for child in block["children"]:
                check(child)
        elif block["type"] == "point":
            assert set(block) == {"type", "lead", "text"}
        else:
            assert set(block) == {"type", "text"}

    for block in data["blocks"]:
        check(block)
    assert all(set(m) == {"name", "value", "unit", "masked", "context"} for m in data["metrics"])
    run_in = data["blocks"][0]["children"][0]
    assert run_in["text"] == "抓党建，强化政治引领" and run_in["children"][0]["type"] == "paragraph"


# --- variants of the same report --------------------------------------------------------------------

HALF = str.maketrans("，。；：（）！？", ",.;:()!?")


def test_half_width_punctuation():
    text = sample("annual_summary").translate(HALF)
    parsed = parse_text(text)
    assert [(level, title.translate(HALF), leads) for level, title, leads in outline(parsed)] == [
        (level, title.translate(HALF), [lead.translate(HALF) for lead in leads])
        for level, title, leads in EXPECTED["annual_summary"]["tree"]
    ]
    assert_round_trip(parsed, text, lambda s: normalise(s.translate(HALF)))


def test_half_width_and_mistyped_level_one_numbers_are_flagged():
    text = sample("duty").replace("一、坚持政治", "一.坚持政治").replace("二、坚持学以", "二，坚持学以")
    parsed = parse_text(text)
    assert outline(parsed) == EXPECTED["duty"]["tree"]
    assert any("“一.”应为“一、”" in w for w in parsed.warnings)
    assert any("“二，”应为“二、”" in w for w in parsed.warnings)


def test_arabic_numbering_1_dun_for_second_level():
    text = re.sub(
        r"（([一二三四五六七八九十]+)）",
        lambda m: f"{['一', '二', '三', '四', '五', '六', '七', '八', '九'].index(m.group(1)) + 1}、",
        sample("annual_summary"),
    )
    assert "1、抓党建" in text
    parsed = parse_text(text)
    assert outline(parsed) == EXPECTED["annual_summary"]["tree"]
    assert any("第2级" in w for w in parsed.warnings)  # exported as （一）
    assert_round_trip(parsed, text)


def test_four_numbering_styles_nest_and_a_fourth_level_stays_text():
    text = "\n".join(
        [
            "关于2024年预算执行情况的报告",
            "导语。",
            "一、总体情况",
            "（一）收入",
            "1.税收收入。增长较快。",
            "（1）增值税。这是第四级。",
            "2、非税收入",
            "(二)支出",
            "二、下步打算",
        ]
    )
    parsed = parse_text(text)
    assert [(i.type, i.level, i.title) for i in parsed.items if i.type == "heading"] == [
        ("heading", 1, "总体情况"),
        ("heading", 2, "收入"),
        ("heading", 3, "税收收入"),
        ("heading", 3, "非税收入"),
        ("heading", 2, "支出"),
        ("heading", 1, "下步打算"),
    ]
    fourth = next(i for i in parsed.items if "增值税" in i.text)
    assert fourth.type == "paragraph" and fourth.text == "（1）增值税。这是第四级。"
    assert any("最多三级标题" in w for w in parsed.warnings)
    assert parsed.title == "关于2024年预算执行情况的报告" and parsed.year == 2024


def test_run_in_headings_variant_of_the_duty_report():
    lines = source_paragraphs(sample("duty"))
    merged = []
    for line in lines:
        if (
            merged
            and heading_marker(merged[-1])
            and not heading_marker(line)
            and not line.startswith(("一是", "二是"))
        ):
            merged[-1] += "。" + line
        else:
            merged.append(line)
    text = "\n".join(merged)
    parsed = parse_text(text)
    assert outline(parsed) == EXPECTED["duty"]["tree"]
    headings = [i for i in parsed.items if i.type == "heading"]
    assert all(h.run_in and h.text for h in headings)
    assert headings[0].text.startswith("财政部门首先是政治机关")
    assert_round_trip(parsed, text)


@pytest.mark.parametrize("name", EXPECTED)
def test_gbk_utf8_bom_and_utf16_files(name):
    text = report_text(name).replace("\xa0", " ")
    for data in (
        text.encode("gbk"),
        text.encode("gb18030"),
        b"\xef\xbb\xbf" + text.encode(),
        text.encode("utf-16"),
    ):
        decoded = read_upload(data, "报告.txt")
        assert decoded == text
        assert outline(parse_upload(data, "报告.TXT")) == EXPECTED[name]["tree"]


@pytest.mark.parametrize("name", EXPECTED)
def test_windows_line_endings(name):
    text = report_text(name).replace("\n", "\r\n")
    parsed = parse_text(text)
    assert outline(parsed) == EXPECTED[name]["tree"]
    assert_round_trip(parsed, text)


@pytest.mark.parametrize("name", EXPECTED)
def test_stray_full_width_spaces(name):
    lines = source_paragraphs(report_text(name))
    noisy = []
    for k, line in enumerate(lines):
        marker = heading_marker(line)
        if marker:
            line = marker.text + "\u3000" + line[len(marker.text) :]
        line = line.replace("一是", "一是\u3000", 1).replace("，", "， ", 1)
        noisy.append(("\u3000\u3000" if k % 2 else "  ") + line + "\u3000")
    text = "\n\n".join(noisy)
    parsed = parse_text(text)
    strip = re.compile(r"\s")
    assert [
        (lv, strip.sub("", t), [strip.sub("", x) for x in leads]) for lv, t, leads in outline(parsed)
    ] == [
        (lv, strip.sub("", t), [strip.sub("", x) for x in leads]) for lv, t, leads in EXPECTED[name]["tree"]
    ]
    assert_round_trip(parsed, text)


# --- title, subject, closing, signature, date; other point styles -----------------------------------

FULL_REPORT = """某某县财政局
2023年度工作总结
——某某县财政局办公室
今年以来，我局围绕中心工作，现将有关情况总结如下：
一、主要工作
全年一般公共预算收入完成12.5亿元，同比增长7.5%。
二、下步打算
第一，加强收入征管。依法组织收入。
第二，优化支出结构。保障重点支出。
以上报告，请审议。
某某县财政局
2023年12月20日
"""


def test_title_subject_closing_signature_and_date():
    parsed = parse_text(FULL_REPORT)
    assert parsed.title == "某某县财政局2023年度工作总结"
    assert parsed.subject == "某某县财政局办公室" and parsed.subtitle == "——某某县财政局办公室"
    assert parsed.opening == "今年以来，我局围绕中心工作，现将有关情况总结如下："
    assert parsed.closing == "以上报告，请审议。"
    assert parsed.signature == "某某县财政局" and parsed.date == "2023年12月20日"
    assert parsed.kind == "annual_summary" and parsed.year == 2023
    plan = [i for i in parsed.items if i.type == "point"]
    assert [(p.marker, p.lead, p.text) for p in plan] == [
        ("第一，", "加强收入征管", "依法组织收入。"),
        ("第二，", "优化支出结构", "保障重点支出。"),
    ]
    data = parsed.to_json()
    assert data["subject"] == "某某县财政局办公室" and data["closing"] == "以上报告，请审议。"
    assert_round_trip(parsed, FULL_REPORT)


def test_subject_in_brackets_and_a_leader_line():
    parsed = parse_text(
        "2023年度述职报告\n（2023年12月）\n各位领导：\n一、政治建设\n一是坚定立场。坚持学习。\n"
    )
    assert parsed.title == "2023年度述职报告" and parsed.subject == "2023年12月" and parsed.kind == "duty"
    parsed = parse_text(
        "2023年度述职报告\n市财政局局长　张三\n我于去年任职。\n一、政治建设\n一是坚定立场。坚持学习。\n"
    )
    assert parsed.subject == "市财政局局长　张三" and parsed.opening == "我于去年任职。"


def test_work_plan_points_yi_yao_without_headings():
    text = "2024年财政工作计划\n指导思想：以习近平新时代中国特色社会主义思想为指导。\n一要抓收入。依法征收。\n二要保民生。兜牢底线。\n三要防风险。化解债务。\n"
    parsed = parse_text(text)
    assert parsed.kind == "work_plan" and parsed.year == 2024
    assert parsed.opening == "指导思想：以习近平新时代中国特色社会主义思想为指导。"
    assert [(i.type, i.lead) for i in parsed.items] == [
        ("point", "抓收入"),
        ("point", "保民生"),
        ("point", "防风险"),
    ]
    assert_round_trip(parsed, text)


def test_shouxian_qici_only_with_a_qici():
    text = "一、做法\n首先，统一思想。召开会议。其次，细化任务。分解到科室。最后，严格考核。纳入绩效。\n"
    parsed = parse_text(text)
    assert [(i.marker, i.lead, i.inline) for i in parsed.items if i.type == "point"] == [
        ("首先，", "统一思想", False),
        ("其次，", "细化任务", True),
        ("最后，", "严格考核", True),
    ]
    lone = parse_text("一、做法\n首先，感谢各位领导。我们做了很多工作。\n")
    assert [i.type for i in lone.items] == ["heading", "paragraph"]


def test_lead_is_only_a_heading_like_first_sentence():
    parsed = parse_text(
        "一、工作\n一是根据《通知》文件精神，开展工作。二是全年完成12亿元。增长较快。三是强化监督。长效管理。\n"
    )
    points = [i for i in parsed.items if i.type == "point"]
    assert [p.lead for p in points] == ["", "", "强化监督"]
    assert points[0].text == "根据《通知》文件精神，开展工作。"


def test_unstructured_text_is_refused_only_when_strict():
    text = "今天天气很好。我们去公园散步。\n晚上回家吃饭。"
    parsed = parse_text(text)
    assert not parsed.structured and parsed.items == [] and "今天天气很好" in parsed.opening
    with pytest.raises(ImportRefused, match="未能识别出报告的结构"):
        parse_text(text, strict=True)


# --- .docx specifics -----------------------------------------------------------------------------


def test_word_auto_numbering_formats():
    assert [format_counter(n, "chineseCounting") for n in (1, 10, 11, 21)] == ["一", "十", "十一", "二十一"]
    assert (
        format_counter(3, "ideographTraditional") == "丙"
        and format_counter(2, "decimalEnclosedCircle") == "②"
    )
    assert format_counter(4, "upperRoman") == "IV" and format_counter(12, "decimalFullWidth") == "１２"


def test_docx_headings_by_style_only_and_by_bold_only():
    body = "".join(
        [
            w_paragraph("2023年度述职报告", style="Title", jc="center"),
            w_paragraph("——张三", jc="center"),
            w_paragraph("一年来，我认真履职。"),
            w_paragraph("强化政治建设", style="1"),
            w_paragraph("一是坚定立场。坚持学习。"),
            w_paragraph("学习情况", style="2"),
            w_paragraph("深入学习。"),
            w_paragraph("狠抓落实", bold=True),
            w_paragraph("二是压实责任。层层落实。"),
            w_paragraph("• 列表项", num=(2, 0)),
            w_paragraph("市财政局", jc="right"),
            w_paragraph("2023年12月20日", jc="right"),
        ]
    )
    parsed = parse_docx(package(document_xml(body)), strict=True)
    assert parsed.title == "2023年度述职报告" and parsed.subject == "张三"
    assert parsed.signature == "市财政局" and parsed.date == "2023年12月20日"
    assert [(i.level, i.title) for i in parsed.items if i.type == "heading"] == [
        (1, "强化政治建设"),
        (2, "学习情况"),
        (3, "狠抓落实"),  # bold: the rank no style or number uses
    ]
    assert "• 列表项" in [i.text for i in parsed.items]  # a bullet's symbol is layout, the text stays


def test_docx_numbering_restarts_and_counts_per_level():
    body = "".join(
        [
            w_paragraph("总体情况", style="1", num=(1, 0)),
            w_paragraph("收入", num=(1, 1)),
            w_paragraph("支出", num=(1, 1)),
            w_paragraph("下步打算", style="1", num=(1, 0)),
            w_paragraph("加强征管", num=(1, 1)),
            w_paragraph("细化", num=(1, 2)),
        ]
    )
    from reports.core.importer.docx import read_docx

    numbers = [p.number for p in read_docx(package(document_xml(body)))]
    assert numbers == ["一、", "（一）", "（二）", "二、", "（一）", "1."]


def test_docx_tables_revisions_hyperlinks_and_line_breaks():
    body = (
        "<w:p><w:r><w:t>一、</w:t></w:r><w:hyperlink><w:r><w:t>主要</w:t></w:r></w:hyperlink>"
        "<w:ins><w:r><w:t>工作</w:t></w:r></w:ins><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del></w:p>"
        "<w:p><w:r><w:t>一是收入。增长。</w:t><w:br/><w:t>二是支出。下降。</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格内容</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    parsed = parse_docx(package(document_xml(body)))
    assert [(i.type, i.title or i.lead or i.text) for i in parsed.items] == [
        ("heading", "主要工作"),
        ("point", "收入"),
        ("point", "支出"),
        ("paragraph", "表格内容"),
    ]
    assert any("表格" in w for w in parsed.warnings)


def test_python_docx_documents_read_too():
    import docx

    document = docx.Document()
    document.add_paragraph("2023年工作总结", style="Title")
    document.add_paragraph("今年以来，工作有序推进。")
    document.add_heading("主要成效", level=1)
    document.add_paragraph("一是收入增长。全年完成12.5亿元。")
    document.add_heading("存在问题", level=1)
    document.add_paragraph("收支矛盾突出。")
    buf = io.BytesIO()
    document.save(buf)
    parsed = parse_docx(buf.getvalue(), strict=True)
    assert parsed.title == "2023年工作总结"
    assert [(i.level, i.title) for i in parsed.items if i.type == "heading"] == [
        (1, "主要成效"),
        (1, "存在问题"),
    ]


# --- figures ------------------------------------------------------------------------------------------


def test_a_base_figure_with_qualifier_and_its_yoy():
    parsed = parse_text("一、收入\n地方一般公共预算收入完成400余亿元，同比增长7.5%，占年初预算103.2%。\n")
    [base] = [f for f in find_figures(parsed) if f.role == "base"]
    assert (base.name, base.value, base.unit, base.qualifier, base.masked) == (
        "地方一般公共预算收入",
        Decimal("400"),
        "亿元",
        "余",
        False,
    )
    assert [(c.role, c.value, c.repl_text) for c in base.companions] == [
        ("yoy", Decimal("7.5"), "增长7.5%"),
        ("budget", Decimal("103.2"), "103.2"),
    ]
    assert parsed.to_json()["metrics"] == [
        {
            "name": "地方一般公共预算收入",
            "value": "400",
            "unit": "亿元",
            "masked": False,
            "context": "地方一般公共预算收入完成400余亿元，同比增长7.5%，占年初预算103.2%",
        }
    ]


def test_chosen_figures_become_placeholders_that_print_the_same_text():
    text = "一、收入\n全市一般公共预算收入完成700亿元，同比增长8.7%，占年初预算103.2%。发放资金11.5亿元，惠及4000余户。\n"
    parsed = parse_text(text)
    figures = find_figures(parsed)
    bases = [f for f in figures if f.role == "base"]
    assert [f.name for f in bases] == ["一般公共预算收入", "", ""]  # 资金, 惠及: no name, unticked
    assert [f.confident for f in bases] == [True, False, False]
    typed = {bases[1].id: "发放资金", bases[2].id: "惠及户数"}  # named by the user in the preview
    chosen = {f.id: typed.get(f.id, f.name) for f in bases}
    plan = plan_figures(figures, chosen)
    assert set(plan.metrics) == {"一般公共预算收入", "发放资金", "惠及户数"}
    income = plan.metrics["一般公共预算收入"]
    assert (
        income.value == Decimal("700")
        and income.decimals == 0
        and income.prior is not None
        and income.budget is not None
    )
    replaced = apply_plan(parsed, plan)
    body = replaced.items[1].text
    assert (
        "{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}，占年初预算{{一般公共预算收入.完成预算}}%"
        in body
    )
    metrics = {name: d.metric_value() for name, d in plan.metrics.items()}
    resolved, check = resolve_snapshot(replaced.to_content(), metrics)
    assert check.ok and not check.warnings
    assert resolved["blocks"][0]["children"][0]["text"] == parsed.items[1].text  # same words


def test_a_companion_that_cannot_print_the_same_stays_text():
    parsed = parse_text("一、收入\n税收收入完成80亿元，同比增长7%。\n")
    figures = find_figures(parsed)
    plan = plan_figures(figures, {f.id: f.name for f in figures if f.role == "base"})
    assert plan.metrics["税收收入"].prior is not None  # 80 / 1.07 still fills 上年同期
    assert "同比增长7%" in apply_plan(parsed, plan).items[1].text
    assert plan.kept and "增长7.0%" in plan.kept[0]


def test_masked_figures_are_metrics_without_value():
    parsed = parse_text(sample("duty"))
    data = parsed.to_json()["metrics"]
    total = next(m for m in data if m["name"] == "财政总收入")
    assert total == {
        "name": "财政总收入",
        "value": None,
        "unit": "亿元",
        "masked": True,
        "context": total["context"],
    }
    assert "全年完成财政总收入*亿元" in total["context"]
    rate = next(f for f in find_figures(parse_text("一、采购\n节支率**.*%。\n")) if f.role == "base")
    assert rate.masked and rate.value is None and rate.decimals == 1 and rate.unit == "%"


def test_years_fixed_expressions_and_numbering_never_become_metrics():
    text = "一、总体\n2023年，落实十四五规划和二十大精神，一是完成第3个任务，用时3个月，1—10月收入12亿元。\n"
    figures = find_figures(parse_text(text))
    assert [(f.number, f.unit) for f in figures] == [("12", "亿元")]
    json_names = [m["name"] for m in parse_text(sample("party_duty")).to_json()["metrics"]]
    assert not any(re.fullmatch(r"\d{4}|十四五|二十大|一是", n) for n in json_names)
    assert {
        "一般公共预算总收入",
        "地方一般公共预算收入",
        "一般公共预算支出",
        "失业保险稳岗返还资金",
        "农村老年人互助照料中心",
    } <= set(json_names)


def test_same_name_different_values_get_distinct_names_and_conflicts_are_refused():
    parsed = parse_text("一、收入\n其中税收收入完成8亿元。其中：税收收入完成6亿元。\n")
    names = [f.name for f in find_figures(parsed) if f.role == "base"]
    assert names == ["税收收入", "税收收入2"]
    figures = find_figures(parsed)
    with pytest.raises(ImportRefused, match="两个不同的数值"):
        plan_figures(figures, {f.id: "税收收入" for f in figures})
    with pytest.raises(ImportRefused, match="无效"):
        plan_figures(figures, {figures[0].id: "1收入"})


# --- preview fixes ---------------------------------------------------------------------------------


def test_change_a_heading_level_split_and_merge():
    parsed = parse_text(sample("annual_summary"))
    party = next(i for i, item in enumerate(parsed.items) if item.title == "抓党建，强化政治引领")
    promoted = retype_item(parsed, party, "h1")
    assert promoted.items[party].level == 1 and parsed.items[party].level == 2  # a copy
    assert [t for lv, t, _ in outline(promoted) if lv == 1][:2] == ["2022年工作成效", "抓党建，强化政治引领"]

    people = next(i for i, item in enumerate(parsed.items) if item.lead == "加大乡村振兴投入")
    merged = merge_item(parsed, people)
    assert "二是加大乡村振兴投入。建立与" in merged.items[people - 1].text  # the number goes back as text
    split = split_item(merged, people - 1, "二是加大乡村")
    assert (split.items[people].lead, split.items[people].marker, split.items[people].inline) == (
        "加大乡村振兴投入",
        "二是",
        True,
    )
    assert outline(split) == outline(parsed)

    as_paragraph = retype_item(parsed, people, "paragraph")
    assert as_paragraph.items[people].text.startswith("二是加大乡村振兴投入。")
    with pytest.raises(ImportRefused):
        split_item(parsed, people, "没有这几个字")


def test_a_level_that_cannot_be_is_adjusted():
    parsed = parse_text(sample("duty"))
    assert retype_item(parsed, 0, "h3").items[0].level == 1  # the first heading is level 1
    second = next(i for i, item in enumerate(parsed.items) if item.type == "heading" and i > 0)
    assert retype_item(parsed, second, "h3").items[second].level == 2


def test_the_state_round_trips():
    from reports.core.importer import ParsedReport

    parsed = parse_text(sample("annual_summary"))
    again = ParsedReport.from_state(parsed.to_state())
    assert again.to_json() == parsed.to_json()
    with pytest.raises(ImportRefused):
        ParsedReport.from_state({"items": [{"type": "heading", "level": 7}]})


# --- carry forward --------------------------------------------------------------------------------


def test_carry_forward_shifts_years_turns_figures_into_placeholders_and_prompts_last_years_plan():
    parsed = parse_text(sample("annual_summary"))
    parsed.items[1].text = "全县财政总收入完成12.5亿元，同比增长8.7%。" + parsed.items[1].text
    content = parsed.to_content()
    assert carry_forward(content, year=2022).metrics == {}  # prose figures make no metric by default
    result = carry_forward(content, year=2022, known=frozenset({"财政总收入"}))  # one of last year's
    new = result.content
    assert new["year"] == 2023 and new["date"] == ""
    titles = [b["title"] for b in new["blocks"]]
    assert titles == ["2023年工作成效", "存在问题", "2024年工作计划"]
    first = new["blocks"][0]["children"][0]
    assert first["text"].startswith(
        "全县财政总收入完成{{财政总收入}}亿元，同比{{财政总收入.增减}}。坚持把党的"
    )
    assert result.metrics["财政总收入"][1] == Decimal("12.5")
    guidance = new["blocks"][0].get("guidance", "")
    assert "去年计划：狠抓收入征管，确保应收尽收" in guidance and guidance.count("去年计划：") == 6
    assert result.prompts[0] == "狠抓收入征管，确保应收尽收"
    assert content["blocks"][0]["title"] == "2022年工作成效"  # the input is not changed


# --- more reports, inline -----------------------------------------------------------------------

WORK_PLAN = """某某县财政局2024年工作计划

2024年是全面贯彻落实党的二十大精神的关键之年。现将全年工作计划如下：
一、指导思想
以习近平新时代中国特色社会主义思想为指导，坚持稳中求进工作总基调。
二、主要目标
全县一般公共预算收入增长5%，民生支出占比保持在80%以上。
三、重点任务
（一）着力组织财政收入。一要强化税收征管。加强重点税源监控，做到应收尽收。二要盘活存量资产。加快闲置资产处置。
（二）着力保障民生支出。
1.保障基本民生。兜牢“三保”底线。
2.推进乡村振兴。衔接资金投入不低于上年。
（三）着力防范化解风险
一要严格债务管理。坚决遏制隐性债务增量。
二要加强库款调度：确保库款保障水平在合理区间。
四、保障措施
加强组织领导，压实工作责任。
以上计划，请审议。
某某县财政局
2024年1月10日
"""

DUTY = """2023年度述职述廉报告
——某某市财政局副局长　李四
各位领导、同志们：
根据安排，现将本人2023年度履职情况报告如下：
一、加强政治理论学习，提高政治站位
一年来，我始终把学习放在首位。一是坚持理论学习：认真学习党的二十大报告。二是坚持学用结合：把学习成果转化为工作成效。
二、履职尽责，推动分管工作
（一）预算管理。全市一般公共预算收入完成186.4亿元，同比增长6.2%，完成年初预算的102.3%。
（二）国库管理。库款保障水平保持在0.8以上。
三、严守纪律，廉洁自律
严格执行中央八项规定精神。
四、存在的不足和下步打算
存在的不足主要是调查研究不够深入。下一步，我将：第一，加强学习。提高能力。第二，深入基层。解决问题。
以上述职，请予评议。
"""


def test_a_work_plan_with_three_levels_run_in_points_closing_and_signature():
    parsed = parse_text(WORK_PLAN)
    assert (parsed.title, parsed.kind, parsed.year) == ("某某县财政局2024年工作计划", "work_plan", 2024)
    assert outline(parsed) == [
        (1, "指导思想", []),
        (1, "主要目标", []),
        (1, "重点任务", []),
        (2, "着力组织财政收入", ["强化税收征管", "盘活存量资产"]),
        (2, "着力保障民生支出", []),
        (3, "保障基本民生", []),
        (3, "推进乡村振兴", []),
        (2, "着力防范化解风险", ["严格债务管理", "加强库款调度："]),
        (1, "保障措施", []),
    ]
    assert (parsed.closing, parsed.signature, parsed.date) == (
        "以上计划，请审议。",
        "某某县财政局",
        "2024年1月10日",
    )
    leads = [
        b["lead"]
        for h in parsed.to_json()["blocks"][2]["children"]
        for b in h["children"]
        if b["type"] == "point"
    ]
    assert leads == ["强化税收征管", "盘活存量资产", "严格债务管理", "加强库款调度"]  # a lead ends at ：too
    assert_round_trip(parsed, WORK_PLAN)
    parsed = parse_docx(docx_auto(WORK_PLAN), strict=True)
    assert [(lv, t) for lv, t, _ in outline(parsed)][5:7] == [(3, "保障基本民生"), (3, "推进乡村振兴")]


def test_a_duty_report_with_subject_salutation_ordinals_and_closing():
    parsed = parse_text(DUTY)
    assert (parsed.title, parsed.subject, parsed.kind, parsed.year) == (
        "2023年度述职述廉报告",
        "某某市财政局副局长\u3000李四",
        "duty",
        2023,
    )
    assert parsed.opening == "各位领导、同志们：\n根据安排，现将本人2023年度履职情况报告如下："
    assert [item.marker for item in parsed.items if item.type == "point"] == [
        "一是",
        "二是",
        "第一，",
        "第二，",
    ]
    assert parsed.closing == "以上述职，请予评议。"
    assert any("统一为“一是、二是" in w for w in parsed.warnings)
    [income] = parsed.to_json()["metrics"]
    assert (income["name"], income["value"], income["unit"]) == ("一般公共预算收入", "186.4", "亿元")
    assert_round_trip(parsed, DUTY)


# --- clean data from import and carry forward (issue 8, item 16) --------------------------------------

NAMING = [
    # (sentence, the proposed metric name, or "" when no name reads with confidence)
    ("全市一般公共预算收入完成186.4亿元。", "一般公共预算收入"),
    ("各类民生支出达到52.3亿元。", "民生支出"),
    ("其中：地方一般公共预算收入中税收收入38.5亿元。", "税收收入"),
    ("全年拨付社会救助资金2.6亿元。", "社会救助资金"),
    ("国有土地使用权出让收入8.1亿元。", "国有土地使用权出让收入"),
    ("引导设立产业发展基金5亿元。", "产业发展基金"),
    ("综合审减率12.4%。", "综合审减率"),
    ("建成社区养老服务中心26个。", "社区养老服务中心"),
    ("牵头推进12个重点项目。", ""),
    ("圆满完成重大科技项目及45项配套任务。", ""),
    ("城乡居民基本医疗保险财政补助标准提高到每人每年640元。", ""),
    ("全年为企业办理留抵退税11亿元。", ""),
    ("真金白银拿出3亿元。", ""),
    ("开展职工技能培训3万人次。", ""),
    ("汛期帮助社区转移居民35户。", ""),
    ("投入资金5亿元。", ""),
    ("压减办理时限30%。", ""),
]


@pytest.mark.parametrize(("sentence", "name"), NAMING)
def test_a_figure_is_named_by_the_noun_phrase_it_measures_or_left_for_the_user(sentence, name):
    [base] = [f for f in find_figures(parse_text("一、情况\n" + sentence + "\n")) if f.role == "base"]
    assert (base.name, base.confident) == (name, bool(name))


def test_a_repeated_name_is_offered_unticked_and_a_ticked_figure_without_a_name_is_refused():
    figures = find_figures(parse_text("一、收入\n税收收入完成8亿元。税收收入完成6亿元。\n"))
    assert [(f.name, f.confident) for f in figures] == [("税收收入", True), ("税收收入2", False)]
    unnamed = find_figures(parse_text("一、收入\n牵头推进12个重点项目。\n"))
    with pytest.raises(ImportRefused, match="请为勾选的数字“12个”填写指标名称"):
        plan_figures(unnamed, {unnamed[0].id: " "})


def test_our_own_reports_propose_only_real_names():
    """Our invented reports: every figure ticked by default has a real name."""
    ticked = [
        f.name
        for text in (WORK_PLAN, DUTY, SUMMARY_WITHOUT_PLAN_HEADINGS)
        for f in find_figures(parse_text(text))
        if f.role == "base" and f.confident
    ]
    assert ticked == ["一般公共预算收入", "一般公共预算收入"]


CARRIED = {
    "title": "2025年度工作总结",
    "year": 2025,
    "opening": "2025年，在区委的领导下，财政工作取得新成效。2025年以来，收入稳步增长。",
    "blocks": [
        {
            "type": "heading",
            "title": "2025年工作成效",
            "text": "",
            "children": [
                {
                    "type": "paragraph",
                    "text": "2025年1-10月，一般公共预算收入完成18.6亿元，比2024年增长5%。"
                    "认真落实《2025年预算管理办法》，自2019年开始推行绩效评价，2025年3月召开全区财政工作会议。",
                },
            ],
        },
        {
            "type": "heading",
            "title": "2026年工作计划",
            "text": "到2026年底，基本建成预算管理一体化。",
            "children": [],
        },
    ],
    "closing": "2025年全年工作，请予评议。",
    "date": "2025年12月30日",
}


def test_carry_forward_moves_the_periods_years_on_but_not_titles_dates_or_history():
    from reports.core.importer.carry import stale_date_warnings

    new = carry_forward(CARRIED, year=2025).content
    assert new["opening"] == "2026年，在区委的领导下，财政工作取得新成效。2026年以来，收入稳步增长。"
    assert [b["title"] for b in new["blocks"]] == ["2026年工作成效", "2027年工作计划"]
    assert new["blocks"][0]["children"][0]["text"] == (
        "2026年1-10月，一般公共预算收入完成**.*亿元，比2025年增长*%。"
        "认真落实《2025年预算管理办法》，自2019年开始推行绩效评价，2025年3月召开全区财政工作会议。"
    )
    assert new["blocks"][1]["text"] == "到2027年底，基本建成预算管理一体化。"
    assert new["closing"] == "2026年全年工作，请予评议。" and new["date"] == ""
    # The date left from last year is flagged in the check panel; the document title and 2019 are not.
    assert stale_date_warnings(new, 2026) == [
        "正文中的“2025年3月”是往年的时间，本报告为2026年度，请核对是否需要更新"
    ]


SUMMARY_WITHOUT_PLAN_HEADINGS = """某某区财政局2025年度工作总结
2025年，区财政局在区委、区政府的坚强领导下，扎实做好各项工作，现总结如下：
一、聚力增收节支，财政实力稳步增强
全区一般公共预算收入完成18.6亿元，同比增长5.2%。
二、保障重点支出，民生福祉持续改善
一是兜牢基本民生。坚持尽力而为、量力而行。二是支持乡村振兴。统筹资金支持产业发展。
三、加强自身建设，干部队伍作风过硬
强化理论学习，严守纪律规矩。
今年以来，尽管我们做了大量工作，但与区委、区政府的要求还有差距，主要是收入结构有待优化。下一步，我们将重点做好以下工作：一是抓好收入组织，二是保障重点支出，三是防范化解风险，四是深化财政改革。
"""


@pytest.mark.parametrize(
    "last_section", ["强化理论学习，严守纪律规矩。", "一是强化理论学习。二是严守纪律规矩。"]
)
def test_a_paragraph_turning_to_the_whole_report_is_the_closing_not_part_of_the_last_section(last_section):
    parsed = parse_text(SUMMARY_WITHOUT_PLAN_HEADINGS.replace("强化理论学习，严守纪律规矩。", last_section))
    assert parsed.closing.startswith("今年以来，尽管我们做了大量工作")
    assert parsed.closing.endswith("一是抓好收入组织，二是保障重点支出，三是防范化解风险，四是深化财政改革。")
    last = parsed.tree()[-1]
    assert parsed.items[last["item"]].title == "加强自身建设，干部队伍作风过硬"
    assert not any("今年以来" in parsed.items[child["item"]].text for child in last["children"])


def test_a_next_steps_paragraph_inside_a_plans_section_stays_there():
    text = SUMMARY_WITHOUT_PLAN_HEADINGS.replace(
        "三、加强自身建设，干部队伍作风过硬", "三、存在问题和下一步打算"
    )
    parsed = parse_text(text)
    assert parsed.closing == "" and "下一步" in parsed.items[-2].text + parsed.items[-1].text
