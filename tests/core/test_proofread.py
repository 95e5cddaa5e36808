"""Proofreading core (reports.core.proofread): pure, no database.

Every rule has at least five sentences it must flag and five it must leave alone, written in the
style of bureau reports (our own sentences). Then the properties: offsets, safe fixes idempotent,
placeholders and masks never touched, no noise on the expressions the issue lists.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.core.placeholders import find_placeholders
from reports.core.proofread import (
    Finding,
    Phrase,
    apply_fixes,
    check_document,
    check_text,
    figures_matching_metrics,
    load_phrases,
    placeholder_findings,
    section_findings,
    sentence_of,
)
from reports.core.proofread.rules import RULES

PHRASES = load_phrases()

# rule -> (context, sentences it flags, sentences it does not flag)
CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "P01": (
        "body",
        [
            "统一思想,凝心聚力",
            "全年收入完成目标,同比增长",
            "税收收入**亿元,占比**%",
            "加强预算管理,提高资金效益。",
            "坚持过紧日子,压减一般性支出。",
        ],
        [
            "统一思想，凝心聚力。",
            "全年完成1,234万元。",
            "Hello, world",
            "完成{{收入,支出}}亿元",
            "收入为**,**亿元",
        ],
    ),
    "P02": (
        "body",
        [
            "全年收入稳步增长.",
            "加强管理.提高效益。",
            "完成目标任务.",
            "压减支出.推进改革。",
            "筹措资金支持乡村振兴.",
        ],
        ["同比增长8.7%。", "1.加强预算管理。", "执行GB/T 9704—2012标准", "同比增长*.*%。", "一.加强收入征管"],
    ),
    "P03": (
        "body",
        ["其中:税收收入", "主要做法是;一是加强征管", "是否完成?", "成效显著!", "分三步推进:一是摸底"],
        ["其中：税收收入", "会议于10:30召开", "详见https://www.mof.gov.cn", "审减率**%;。", "按3:1比例配套"],
    ),
    "P04": (
        "body",
        [
            "办法(试行)》",
            "(1)加强预算管理",
            "资金(含专项债券)",
            "按政策(暂行)执行",
            "推广PPP(政府和社会资本合作)模式",
        ],
        ["办法（试行）", "参见 (a+b)/2 的结果", "{{收入|占比(支出)}}", "（一）加强管理", "公式 f(x) = 2x"],
    ),
    "P05": (
        "body",
        ['提出"过紧日子"要求', '做到"两个维护"', "落实'一岗双责'", '实施"放管服"改革', '保障"三保"支出'],
        ["提出“过紧日子”要求", 'He said "ok"', "落实“一岗双责”", "It's fine", "深化“放管服”改革"],
    ),
    "P06": (
        "body",
        [
            "保障「三保」支出",
            "落实『一岗双责』",
            "提出「过紧日子」",
            "深化「放管服」改革",
            "做到「两个维护」",
        ],
        ["保障“三保”支出", "落实‘一岗双责’", "提出“过紧日子”", "深化改革", "做到“两个维护”"],
    ),
    "P07": (
        "body",
        [
            "支持教育、医疗...等领域",
            "支持教育、医疗。。。等领域",
            "支持教育、医疗…等领域",
            "等等......",
            "教育、医疗…………",
        ],
        ["支持教育、医疗……等领域", "同比增长8.7%。", "版本1.2节", "增长*.*%", "完成。"],
    ),
    "P08": (
        "body",
        ["核心任务--保运转", "目标—保运转", "财政改革--预算管理一体化", "重点工作—民生保障", "关键———落实"],
        ["2023—2025年", "执行GB/T 9704—2012", "核心任务——保运转", "*—**月收入", "第21—30条"],
    ),
    "P09": (
        "body",
        ["同比增长**%，；政府性基金", "审减率**%;。备案", "全面完成，，", "加强管理。。", "支持教育、，医疗"],
        ["是否完成？！", "落实“三保”。", "“三保”，", "支持教育、医疗……。", "完成。"],
    ),
    "P10": (
        "body",
        [
            "保障“三保”、“三公”",
            "学习《预算法》、《会计法》",
            "落实“放管服”、“最多跑一次”改革",
            "执行《条例》、《办法》",
            "履行“一岗双责”、“三重一大”",
        ],
        [
            "学习《预算法》《会计法》",
            "《办法》（试行）、《细则》",
            "保障“三保”“三公”",
            "预算、决算",
            "“三保”支出、“三公”经费",
        ],
    ),
    "P11": (
        "body",
        ["（一）、加强管理", "（1）、收入征管", "(一)、抓党建", "①、加强", "（二）.强化支出"],
        ["（一）加强管理", "①加强", "（1）收入征管", "财预〔2024〕12号", "《办法》（试行）、《细则》"],
    ),
    "P12": (
        "body",
        ["1、加强预算管理", "2、强化收入征管", "3．推进改革", "10、压减支出", "1、2022年工作成效"],
        ["1.加强预算管理", "2023、2024年收入", "1、2月份收入", "1、2、3项", "一、加强管理"],
    ),
    "P13": (
        "body",
        ["一.加强收入征管", "二，强化支出管理", "三．推进改革", "四,深化改革", "三.2023年工作计划"],
        ["一、加强收入征管", "一是加强收入征管", "十四五时期", "一季度收入", "二十大精神"],
    ),
    "Q01": (
        "body",
        [
            "做到“对“国之大者”心中有数”",
            "落实“三保”要求”",
            "提出“过紧日子要求",
            "“两个维护“",
            "推进“放管服改革",
        ],
        [
            "做到“对‘国之大者’心中有数”",
            "保障“三保”“三公”",
            "落实“一岗双责”",
            "“十四五”规划",
            "没有引号的句子",
        ],
    ),
    "Q02": (
        "body",
        ["‘一岗双责", "一岗双责’", "“对‘国之大者心中有数”", "‘‘三保’", "提出‘三公’’"],
        ["“对‘国之大者’心中有数”", "落实‘一岗双责’", "“三保”", "普通句子", "‘三公’经费"],
    ),
    "Q03": (
        "body",
        ["学习《预算法", "预算法》", "《条例》》", "《《条例》", "学习《预算法实施条例"],
        [
            "学习《预算法》",
            "《预算法》《会计法》",
            "学习《习近平著作选读》",
            "无书名",
            "《**省办法（试行）》",
        ],
    ),
    "Q04": (
        "body",
        ["资金（含专项债券", "含专项债券）", "（一加强", "（（一）", "（试行））"],
        ["（一）", "（试行）", "（含专项债券）", "财预〔2024〕12号", "无括号"],
    ),
    "Q05": (
        "body",
        ["【附件", "附件】", "【【附件】", "【附件】】", "说明【一"],
        ["【附件】", "【说明】", "【一】", "无括号", "【附件（一）】"],
    ),
    "R01": (
        "body",
        ["2023-2025年规划", "1-10月收入", "*-**月收入", "****-****年项目库", "2023~2025年", "第21-30条"],
        ["2023—2025年规划", "1—10月收入", "2024-01-15", "执行GB/T 9704—2012", "增长15%～30%"],
    ),
    "R02": (
        "body",
        ["增长15%~30%", "补助25~30万元", "补助3-5万元", "比例为15%-30%", "投资2~3亿元"],
        ["增长15%～30%", "执行GB/T 9704—2012", "2024-01-15", "电话0791-12345678", "1-10月收入"],
    ),
    "N01": (
        "body",
        ["增长８.７%", "完成１２３亿元", "２０２４年", "第３项", "共５个"],
        ["增长8.7%", "完成123亿元", "2024年", "第3项", "十四五"],
    ),
    "N02": (
        "body",
        ["增长8.7％", "占比**％", "完成预算102％", "下降3％", "50％以上"],
        ["增长8.7%", "百分比", "占比**%", "提高1个百分点", "百分之百"],
    ),
    "N03": (
        "body",
        ["增长15～30%", "增长15~30%", "下降5-10%", "增长1.5—2.5%", "增幅3～5%之间"],
        ["增长15%～30%", "增长30%", "增长*～**%", "2023—2025年", "提高5个百分点"],
    ),
    "N04": (
        "body",
        ["投资9～16亿元", "补助13～17万元", "补助2-5万", "投资1.5~2亿", "培训3—5万人"],
        ["投资9亿～16亿元", "补助2万～5万", "2023—2025年", "投资**～**亿元", "完成16亿元"],
    ),
    "N05": (
        "body",
        ["完成700 亿元", "增长8.7 %", "新增12 个", "培训3 万人次", "截至2024 年"],
        ["完成700亿元", "约 700亿元", "完成{{收入}} 亿元", "完成** 亿元", "增长8.7%"],
    ),
    "N06": (
        "body",
        ["24年12月", "截至24年底", "23年初", "22年末", "99年1月"],
        ["近10年", "2024年12月", "10年来", "连续3年", "**年底"],
    ),
    "N07": (
        "body",
        ["2024年01月", "12月05日", "截至09月", "3月08日", "01月15日"],
        ["2024年1月", "12月5日", "10月", "20日", "2024-01-15"],
    ),
    "N08": (
        "body",
        ["增长百分之八点七", "提高百分之十", "占百分之三十五", "占百分之五十以上", "下降百分之二点五"],
        ["百分之百完成", "增长8.7%", "百分比", "百分点", "提高1个百分点"],
    ),
    "N09": (
        "body",
        ["二〇二四年十二月二十日", "二〇二三年", "二〇二五年一月", "二零二四年", "二〇二二年十月一日"],
        ["2024年12月20日", "“十四五”时期", "党的二十大", "二十届三中全会", "一季度"],
    ),
    "N10": (
        "body",
        ["1，234万元", "12，345亿元", "1，234，567元", "完成3，500万元", "投入2，000万元"],
        ["1234万元", "1,234万元", "3，5月", "分别为3，500", "增长8.7%，500万元"],
    ),
    "N13": (
        "body",
        ["占比提高1.5%", "比重下降2%", "增速回落3.2%", "占比同比提高1.2%", "增幅提升0.5%"],
        ["占比提高1.5个百分点", "收入增长8.7%", "比重达到**%", "占比**%", "增速为8%"],
    ),
    "N14": (
        "body",
        ["增长-3%", "同比-2.5%", "下降-1.2%", "增加-10万元", "提高-0.5个百分点"],
        ["下降3%", "同比增长3%", "增长**%", "同比下降*.*%", "2023-2025年"],
    ),
    "S01": (
        "body",
        ["统一 思想", "凝心 聚力，", "财政 收入", "预算 管理。", "统一思想 ，凝心聚力"],
        ["统一思想", "执行GB/T 9704—2012", "约 700亿元", "完成{{ 收入 }}", "Hello world"],
    ),
    "S02": (
        "body",
        [
            "\u3000\u3000加强管理",
            "财政\u3000收入",
            "收入\u3000",
            "一、\u3000工作成效",
            "完成\u3000\u3000目标",
        ],
        ["加强管理", "财政收入", "收入 100亿元", "一、工作成效", "——某某市财政局局长\u3000周某"],
    ),
    "O01": (
        "body",
        [
            "一是加强管理。三是推进改革。",
            "一是抓收入；二是抓支出；二是抓改革。",
            "一是保工资，三是保运转",
            "三是创新举措。一是对项目。三是对资金。",
            "一是A。二是B。四是C。",
        ],
        [
            "一是A。二是B。三是C。",
            "三是创新举措。一是对项目。二是对资金。",
            "统一是前提。",
            "二是加强管理。三是推进改革。",
            "唯一是做好保障。",
        ],
    ),
    "H01": (
        "heading",
        ["一、强化政治建设", "（一）抓党建", "1.加强管理", "第一部分 工作成效", "一是扎实推进"],
        ["强化政治建设", "一流营商环境建设", "“十四五”规划实施", "2023年工作成效", "一季度收入"],
    ),
    "T01": (
        "title",
        [
            "2025年度述职报告。",
            "工作总结；",
            "述职报告!",
            "关于2025年度预算执行情况的报告，",
            "示范市财政局" * 12,
        ],
        [
            "2025年度述职报告",
            "示范市财政局2025年工作总结",
            "关于2025年度预算执行情况的报告",
            "党建述职报告",
            "工作计划",
        ],
    ),
    "T02": (
        "body",
        [
            "财预[2024]12号",
            "财预【2024】12号",
            "财预（2024）12号",
            "根据“预算绩效管理暂行办法”",
            "落实“关于进一步加强财政管理的意见”",
        ],
        [
            "财预〔2024〕12号",
            "学习《预算法》",
            "保障“三保”",
            "按照“谁监管、谁梳理”的原则",
            "截至（2024年）底",
        ],
    ),
    "D01": (
        "body",
        ["完成{{收入亿元", "完成收入}}亿元", "{% if x %}完成", "完成{{}}亿元", "完成{{ {{收入}} }}亿元"],
        ["完成{{收入}}亿元", "同比{{收入.增减}}", "{{收入|亿元}}", "完成700亿元", "完成**亿元"],
    ),
    "F01": (
        "body",
        ["市国土资源局", "省环境保护局", "报银保监会备案", "推进“一带一路”战略", "市工商行政管理局"],
        ["原国土资源局", "市自然资源局", "市生态环境局", "推进“一带一路”倡议", "国家金融监督管理总局"],
    ),
}

SENTENCES = [(rule, ctx, s, True) for rule, (ctx, pos, _) in CASES.items() for s in pos] + [
    (rule, ctx, s, False) for rule, (ctx, _, neg) in CASES.items() for s in neg
]


def rules_of(text: str, context: str = "body") -> set[str]:
    return {f.rule for f in check_text(text, context=context, phrases=PHRASES)}


def test_it_has_five_positive_and_five_negative_sentences_per_rule():
    registered = {r.id for r in RULES} | {"Q02", "Q03", "Q04", "Q05", "F01"}
    assert registered <= set(CASES)
    for rule, (_, pos, neg) in CASES.items():
        assert len(pos) >= 5 and len(neg) >= 5, rule


@pytest.mark.parametrize(("rule", "context", "sentence", "flagged"), SENTENCES)
def test_it_flags_the_positive_sentences_and_not_the_negative_ones(rule, context, sentence, flagged):
    assert (rule in rules_of(sentence, context)) is flagged


@pytest.mark.parametrize(("rule", "context", "sentence", "flagged"), SENTENCES)
def test_it_gives_offsets_into_the_text_and_idempotent_fixes(rule, context, sentence, flagged):
    findings = check_text(sentence, context=context, phrases=PHRASES)
    for f in findings:
        assert sentence[f.start : f.end] == f.text
        assert f.severity in ("error", "warning") and f.message
        assert f.safe is (f.rule in {"P01", "P02", "P03", "P04", "P05", "P12", "N01", "N02", "N05", "S01"})
    fixed = apply_fixes(sentence, findings)
    assert apply_fixes(fixed, findings) == fixed
    assert apply_fixes(fixed, check_text(fixed, context=context, phrases=PHRASES)) == fixed


# ---------------------------------------------------------------------------------------------
# The seeds' errors (as the issue quotes them) and what a fix makes of them


@pytest.mark.parametrize(
    ("text", "rule", "flagged"),
    [
        ("立足新阶段，统一思想,凝心聚力，开拓进取。", "P01", ","),
        ("同比增长**%。其中:税收收入完成**亿元", "P03", ":"),
        ("占年初计划*亿元的*%,同比增长*%。", "P01", ","),
        ("同比增长**%，；政府性基金支出**亿元", "P09", "，；"),
        ("学习《**省行政执法公示办法(试行)》等文件", "P04", "("),
        ("做到“对“国之大者”心中有数”。", "Q01", "“国之大者”"),
    ],
)
def test_it_finds_the_errors_of_the_seed_reports(text, rule, flagged):
    assert any(f.rule == rule and f.text == flagged for f in check_text(text))


def test_it_fixes_the_safe_findings_and_only_those():
    text = "统一思想,凝心聚力，其中:税收收入**亿元,同比增长**%，；学习《办法(试行)》，2、完成700 亿元。"
    fixed = apply_fixes(text, check_text(text))
    assert (
        fixed
        == "统一思想，凝心聚力，其中：税收收入**亿元，同比增长**%，；学习《办法（试行）》，2、完成700亿元。"
    )
    assert apply_fixes("2、完成", check_text("2、完成")) == "2.完成"


def test_it_pairs_straight_quotes_and_does_not_fix_an_odd_number():
    assert (
        apply_fixes('提出"过紧日子"和"三保"', check_text('提出"过紧日子"和"三保"'))
        == "提出“过紧日子”和“三保”"
    )
    odd = '提出"过紧日子"和"三保'
    findings = check_text(odd)
    assert {f.rule for f in findings} == {"P05"} and not any(f.safe for f in findings)
    assert apply_fixes(odd, findings) == odd


def test_it_converts_a_bracket_pair_together():
    text = "(1)加强预算管理"
    assert apply_fixes(text, check_text(text)) == "（1）加强预算管理"


def test_it_suggests_but_never_applies_the_meaning_changing_fixes():
    text = "占比提高1.5%，增长-3%，投资9～16亿元，24年底，“三保”、“三公”。"
    findings = check_text(text)
    assert {"N13", "N14", "N04", "N06", "P10"} <= {f.rule for f in findings}
    assert all(f.fix is not None and not f.safe for f in findings)
    assert apply_fixes(text, findings) == text
    by_rule = {f.rule: f.fix for f in findings}
    assert (
        by_rule["N13"] == "1.5个百分点" and by_rule["N14"] == "下降3%" and by_rule["N04"] == "9亿元～16亿元"
    )
    assert by_rule["N06"] == "2024年"


def test_a_stale_finding_is_never_applied():
    text = "统一 思想,凝心聚力,开拓进取"
    findings = check_text(text)
    fixed = apply_fixes(text, findings)
    assert fixed == "统一思想，凝心聚力，开拓进取"
    # The same characters at the same offsets in another text: not applied (checksum differs).
    other = "统一 思想,另起一段"
    assert apply_fixes(other, findings) == other


# ---------------------------------------------------------------------------------------------
# Placeholders and masks are sacred


def test_it_never_flags_or_fixes_inside_a_placeholder_or_a_mask():
    text = "全市完成{{ 一般 公共,预算 }}亿元,同比{{收入.增减}},占**.*%,其中*-**月完成** 亿元。"
    findings = check_text(text)
    spans = [(s, e) for s, e, _ in find_placeholders(text)]
    for f in findings:
        assert not any(s < f.end and f.start < e for s, e in spans)
        assert "*" not in f.text and "{" not in f.text
    fixed = apply_fixes(text, findings)
    assert "{{ 一般 公共,预算 }}" in fixed and "{{收入.增减}}" in fixed and "** 亿元" in fixed
    assert fixed.count("，") == 3


_ALPHABET = "统一思想凝心聚力收入亿元同比增长,.;:()\"' 　12０％%*“”、，。"
_PIECES = st.one_of(
    st.text(alphabet=_ALPHABET, max_size=6),
    st.sampled_from(["{{收入}}", "{{ 收入, 支出 }}", "{{收入|亿元}}", "**亿元", "*.*%", "****年", "{%x%}"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12))
def test_fixes_are_idempotent_and_keep_placeholders_and_masks(pieces):
    text = "".join(pieces)
    findings = check_text(text)
    for f in findings:
        assert text[f.start : f.end] == f.text
    fixed = apply_fixes(text, findings)
    assert apply_fixes(fixed, findings) == fixed
    assert [p for _, _, p in find_placeholders(fixed)] == [p for _, _, p in find_placeholders(text)]
    assert fixed.count("*") == text.count("*")


# ---------------------------------------------------------------------------------------------
# No noise


@pytest.mark.parametrize(
    "text",
    [
        "全市一般公共预算收入完成**亿元，同比增长*.*%，对比****年增长*%。",
        "为“十四五”圆满收官提供有力支撑，深入贯彻党的二十大和二十届三中全会精神。",
        "严格控制“三公”经费，一季度收入完成序时进度，一是保工资，二是保运转。",
        "坚定“四个自信”，做到“两个维护”，落实“一岗双责”和“三重一大”制度。",
        "2023—2025年滚动规划，1—3月收入，第21—30条，增长15%～30%，补助25万元～30万元。",
        "同比增长8.7%，完成700.36亿元，执行GB/T 9704—2012，依据财预〔2024〕12号文件。",
        "根据《县人民政府办公室关于印发县****年民生实事工程安排方案的通知》（*府办字〔****〕*号）。",
        "提高1.5个百分点，占比**%，近10年来，连续3年，“*+*”模式。",
        "学习《习近平著作选读》《习近平新时代中国特色社会主义思想专题摘编》等重点内容。",
        "开展“庸懒散慢拖”“视而不见、要求不高、担当不力”等问题专项整治。",
    ],
)
def test_it_finds_nothing_in_correct_text(text):
    assert check_text(text, phrases=PHRASES) == []


def test_point_sequences_continue_from_a_paragraph_that_starts_with_its_own_number():
    assert check_text("三是创新举措。“*”即守牢底线；一是对项目精打细算；二是对资金统筹安排。") == []


# ---------------------------------------------------------------------------------------------
# Contexts and the document


def test_a_subject_line_may_separate_the_office_from_the_name():
    assert check_text("财政局党组书记、局长 王建国", context="line") == []
    assert "S01" in rules_of("财政局党组书记、局长 王建国")


def test_an_unknown_context_is_refused():
    with pytest.raises(ValueError):
        check_text("文字", context="footnote")


def test_check_document_locates_findings_by_field():
    snapshot = {
        "title": "2025年度述职报告。",
        "subtitle": "王建国",
        "opening": "2025年，统一思想,凝心聚力。",
        "blocks": [
            {
                "type": "heading",
                "title": "一、强化政治建设",
                "text": "",
                "children": [
                    {"type": "point", "lead": "一是扎实推进主题教育", "text": "完成(试行)办法。"},
                    {"type": "paragraph", "text": "一是抓收入。三是抓改革。"},
                ],
            }
        ],
        "closing": "以上述职，请予评议。",
        "signature": "",
        "date": "二〇二五年十二月二十日",
    }
    found = {(f.field, f.rule) for f in check_document(snapshot, phrases=PHRASES)}
    assert found == {
        ("title", "T01"),
        ("opening", "P01"),
        ("blocks.0.title", "H01"),
        ("blocks.0.children.0.lead", "H01"),
        ("blocks.0.children.0.text", "P04"),
        ("blocks.0.children.1.text", "O01"),
        ("date", "N09"),
    }


def test_placeholder_findings_block_submission():
    class Ph:  # the attributes of reports.core.placeholders.Placeholder that are read
        def __init__(self, source, error="", warning=""):
            self.source, self.start, self.end = source, 2, 2 + len(source)
            self.error, self.warning, self.field = error, warning, "opening"

    findings = placeholder_findings(
        [Ph("{{收入}}"), Ph("{{支出}}", error="未找到指标“支出”"), Ph("{{债务}}", warning="尚无数值")]
    )
    assert [(f.rule, f.severity, f.text) for f in findings] == [
        ("D01", "error", "{{支出}}"),
        ("D02", "error", "{{债务}}"),
    ]


def test_section_findings():
    sections = [
        {"field": "blocks.0", "title": "政治建设", "required": True, "chars": 0, "target_chars": 800},
        {"field": "blocks.1", "title": "能力素养", "required": True, "chars": 2000, "target_chars": 600},
        {"field": "blocks.2", "title": "主责主业", "required": False, "chars": 100, "target_chars": 1400},
        {"field": "blocks.3", "title": "廉政", "required": True, "chars": 600, "target_chars": 600},
        {"field": "blocks.4", "title": "其他", "required": False, "chars": 0, "target_chars": 600},
    ]
    assert [(f.rule, f.severity, f.field) for f in section_findings(sections)] == [
        ("D03", "error", "blocks.0"),
        ("D04", "warning", "blocks.1"),
        ("D04", "warning", "blocks.2"),
    ]


def test_figures_equal_to_a_metric_should_be_placeholders():
    metrics = {"一般公共预算收入": Decimal("700.36"), "专题数": Decimal("12")}
    text = "全市完成700.4亿元，2024年，围绕12个专题，{{一般公共预算收入}}，另完成700.5亿元。"
    findings = figures_matching_metrics(text, metrics, field="opening")
    assert [(f.rule, f.text, f.fix) for f in findings] == [("D05", "700.4", "{{一般公共预算收入}}")]


def test_phrases_are_data_with_a_source():
    assert 5 <= len(PHRASES) <= 10
    assert (
        check_text("市国土资源局", phrases=[Phrase("国土资源局", "自然资源局", "2018年机构改革")])[0].fix
        == "自然资源局"
    )


def test_a_finding_has_a_json_shape_and_a_sentence_for_ignoring():
    text = "全年完成目标。统一思想,凝心聚力。下一句。"
    (finding,) = check_text(text)
    assert isinstance(finding, Finding)
    assert finding.to_dict() == {
        "rule": "P01",
        "severity": "warning",
        "start": 11,
        "end": 12,
        "text": ",",
        "message": "中文文字间应使用全角逗号“，”",
        "fix": "，",
        "safe": True,
        "field": "",
    }
    assert sentence_of(text, finding) == "统一思想,凝心聚力。"


def test_a_finding_around_a_placeholder_keeps_it_in_its_fix():
    text = "做到“对“完成{{收入}}亿元”心中有数”，根据“{{年度}}年预算管理办法”执行。"
    by_rule = {f.rule: f.fix for f in check_text(text)}
    assert by_rule["Q01"] == "‘完成{{收入}}亿元’"
    assert by_rule["T02"] == "《{{年度}}年预算管理办法》"


def test_the_guard_drops_whatever_a_rule_finds_inside_a_placeholder_or_a_mask(monkeypatch):
    """Whatever a future rule flags, check_text keeps it out of placeholders and masks."""
    from reports.core.proofread import check, rules
    from reports.core.proofread.findings import Hit

    def everything(text):
        for i in range(len(text)):
            yield Hit(i, i + 1, "每个字", "X", safe=True)

    monkeypatch.setattr(rules, "RULES", [rules.Rule("Z99", everything, rules.CONTEXTS)])
    monkeypatch.setattr(check, "RULES", rules.RULES)
    check._rules_for.cache_clear()
    try:
        text = "完成{{收入}}亿元，占**.*%"
        flagged = {f.start for f in check_text(text)}
        assert flagged == {0, 1, 8, 9, 10, 11, 16}
        assert apply_fixes(text, check_text(text)) == "XX{{收入}}XXXX**.*X"
    finally:
        check._rules_for.cache_clear()


def test_paragraphs_json_has_the_shape_of_the_proofread_command():
    import json

    from reports.core.proofread import paragraphs_json

    answer = paragraphs_json(["2025年度述职报告", "", "统一思想,凝心聚力。", "   ", "学习“三保”、“三公”。"])
    assert json.loads(json.dumps(answer, ensure_ascii=False)) == {
        "findings": [
            {
                "paragraph": 1,
                "start": 4,
                "end": 5,
                "text": ",",
                "rule": "P01",
                "severity": "warning",
                "message": "中文文字间应使用全角逗号“，”",
                "fix": "，",
            },
            {
                "paragraph": 2,
                "start": 6,
                "end": 7,
                "text": "、",
                "rule": "P10",
                "severity": "warning",
                "message": "并列的引号或书名号之间通常不用顿号",
                "fix": "",
            },
        ]
    }


def test_the_starter_phrase_list_notes_a_source_for_every_entry():
    import json

    from reports.core.proofread.phrases import STARTER_LIST

    entries = json.loads(STARTER_LIST.read_text(encoding="utf-8"))
    assert 5 <= len(entries) <= 10
    for entry in entries:
        assert entry["discouraged"] and entry["preferred"] and entry["note"] and entry["source"]
        assert check_text(f"文中写{entry['discouraged']}。", phrases=PHRASES)[0].rule == "F01"
        assert "F01" not in rules_of(f"文中写{entry['preferred']}。")


def test_the_core_imports_neither_django_nor_celery():
    import subprocess
    import sys

    code = (
        "import sys, reports.core.proofread as p; p.check_text('统一思想,凝心聚力');"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'celery')]; print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
