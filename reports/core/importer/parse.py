"""Text (or .docx paragraphs) -> ParsedReport: title, subject, opening, headings, points, closing,
signature and date.

How lines are read, top to bottom:

1. Each paragraph is classified once: a heading marker (markers.py) makes it a heading of that
   marker's *rank*; otherwise a point marker at its start makes it a point paragraph; otherwise a
   Word heading style / outline level (from .docx) or a short all-bold paragraph makes it a heading.
2. Title: the first one or two short lines without end punctuation that read like a title
   (报告/总结/计划/述职…, or centred / Title style in Word). Subject: the line under the title if it
   is "——张三", "（2023年12月）", or a short name/post line.
3. Signature and date: a date line at the very end, and the short line above it (or, without a
   date, a last line ending in 局/委/办…).
4. Opening: everything before the first heading (or the first point paragraph if there is no
   heading).
5. Headings nest by rank with a stack: a heading closes every open heading of the same or a
   deeper rank; its level is its depth (at most 3; deeper ones stay paragraphs, numbering kept).
   A heading whose text has a sentence stop is a run-in heading: the title is the text up to the
   first 。, the rest is its text.
6. Points: inside a paragraph, a point marker (一是, 一要, 第一，, 首先，) is accepted where a
   sentence ends, when it is 一 and the section has no point yet, or the next number of the
   section's sequence (so a quoted "一是" inside 三是's text is left alone); at a paragraph start
   any number is accepted (a gap or restart is warned about). Several points in one paragraph
   become one point plus `inline` points. The lead is the text up to the first 。 when that reads
   like a heading (short, no figures, not a clause such as 根据…/针对…); otherwise there is no lead
   and everything is text.
7. Closing: the trailing whole paragraphs of the last section from the first one that reads like a
   closing (以上…, 特此报告, 请予评议, 总之…), or that turns to the whole report: a paragraph
   that opens on the whole year (今年以来，尽管…/一年来/回顾…) or on what comes next (下一步/今后)
   and speaks of shortcomings and next steps, after a last section that is not itself about
   problems or plans (a 总结 whose problems and plans have no heading of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..numbering import DEFAULT_NUMBERING, format_number
from ..text import clean_text
from .guess import guess_kind, guess_year
from .limits import MAX_BLOCKS, MAX_PARAGRAPHS, MAX_TEXT_CHARS, ImportRefused, too_many_blocks
from .markers import STOP, HeadingMarker, PointMarker, heading_marker, point_markers
from .model import (
    HEADING,
    MAX_LEVEL,
    PARAGRAPH,
    POINT,
    Item,
    Paragraph,
    ParsedReport,
    item_text,
    kind_definition,
)

_TITLE_WORDS = re.compile(r"报告|总结|计划|述职|述廉|汇报|要点|讲话|打算|安排|意见|方案|材料|发言|情况")
_END_PUNCT = tuple("。；，、：:;,！？!?")
_POSTS = re.compile(r"局长|书记|主任|科长|处长|县长|市长|区长|部长|组长|主席|委员|厅长|所长|同志")
_UNIT_END = re.compile(
    r"(局|委|会|办|厅|处|科|室|部|组|院|府|党组|党委|支部|中心|公司|所|站|队|集团|办公室|委员会)$"
)
_SIGNER = re.compile(r"^(述职人|报告人|汇报人|单位)[:：]")
_CN_DIGIT = "〇○零一二三四五六七八九Ｏ"
_DATE = re.compile(
    rf"(?:[0-9０-９]{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*(?:[0-9０-９]{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月"
    rf"(?:\s*(?:[0-9０-９]{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日)?"
    r"|[0-9]{4}[./\-][0-9]{1,2}[./\-][0-9]{1,2}"
)
_SUBJECT_DASH = re.compile(r"(?P<d>[—―─－\-]{1,2})\s*(?P<s>\S.{0,39})")
_SUBJECT_PAREN = re.compile(r"(?P<o>[（(])(?P<s>[^（）()]{1,40})(?P<c>[）)])")
_LEAD_REFUSED = re.compile(
    r"^(根据|按照|依据|依照|针对|对于|由于|随着|截至|截止|今年|全年|去年|目前|其中|我局|我县|我市|我区|我们|我|通过|经过|自|从)"
)
_FIGURE_LIKE = re.compile(
    r"[0-9０-９*＊]+(?:[.．][0-9０-９*＊]+)?\s*(?:余|多)?\s*(?:%|％|亿|万|元|个|项|人|户|次|家)"
)
_COLON = re.compile(r"[：:]")
_CLOSING_START = re.compile(r"^(以上|特此|总之|总而言之|综上所述|综上|谢谢)")
_CLOSING_ANY = re.compile(r"请予?(审议|评议|批评指正)|敬请|特此报告|不妥之处|以上报告|以上述职|以上汇报")
# A paragraph that turns from the last section to the whole report (see step 7).
_TURN_START = re.compile(
    r"^(今年以来|今年来|一年来|过去的?一年|回顾(过去|一年|全年|今年)|总的来看|总体来看|总体上看|尽管|虽然)"
)
_TURN_NEXT = re.compile(r"^(下一步|下步|今后|新的一年|展望)")
_SHORTCOMINGS = re.compile(r"不足|差距|问题|短板|困难|薄弱")
_NEXT_STEPS = re.compile(r"下一步|下步|今后|明年|新的一年|来年")
_PROBLEMS_OR_PLANS = re.compile(r"问题|不足|差距|打算|计划|思路|下一步|下步|展望|努力方向|措施|建议")
_LEGAL = re.compile(r"[0-9]+(?:\.[0-9]+)+\.?")
_NO_STRUCTURE = (
    "未能识别出报告的结构：既没有“一、”“（一）”等标题，也没有“一是”“二是”等要点。"
    "请检查内容是否完整；如果标题在 Word 中只靠字体区分，请为标题加上编号后再导入。"
)


@dataclass
class Line:
    """One non-empty paragraph handed to the parser (auto-numbering already in front of the text)."""

    text: str
    index: int  # 1-based, among non-empty paragraphs
    level: int | None = None  # Word heading style / outline level
    bold: bool = False
    role: str = ""
    align: str = ""
    auto: bool = False  # the leading number came from Word's auto-numbering


@dataclass
class _Class:
    kind: str  # "heading" or "point"
    rank: int = 0
    marker: HeadingMarker | None = None
    body: str = ""
    source: str = ""  # "marker", "style", "bold"


@dataclass
class _Container:
    """The point sequence of one section."""

    family: str = ""
    last: int = 0
    count: int = 0


@dataclass
class _Segment:
    marker: PointMarker | None
    text: str


@dataclass
class _Parser:
    lines: list[Line]
    kind: str | None
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        joined = "\n".join(line.text for line in self.lines)
        self.ordinal = bool(re.search(r"(^|[。；！？：\n])\s*第二[，,、：:]", joined))
        self.sequence = bool(re.search(r"(^|[。；！？：\n])\s*其次[，,：:]", joined))
        self.warned: set[str] = set()

    def warn(self, message: str, key: str | None = None) -> None:
        key = key or message
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(message)

    # --- classification ---------------------------------------------------------------------

    def classify(self, line: Line) -> _Class | None:
        text = line.text
        marker = heading_marker(text)
        if marker is not None:
            return _Class("heading", marker.rank, marker, text[len(marker.text) :], "marker")
        points = point_markers(text[:8], ordinal=self.ordinal, sequence=self.sequence)
        if points and points[0].start == 0:
            return _Class("point")
        if line.level is not None and 1 <= line.level <= 9:
            stop = STOP.search(text)
            if len(text[: stop.start()] if stop else text) <= 50:
                return _Class("heading", min(line.level, 4), None, text, "style")
        if line.bold and len(text) <= 40 and not text.rstrip("。").count("。"):
            return _Class("heading", 0, None, text, "bold")
        return None

    # --- top and bottom -----------------------------------------------------------------------

    @staticmethod
    def _titleish(line: Line, cls: _Class | None) -> bool:
        text = line.text
        if cls is not None and cls.source != "bold":
            return False
        return (
            2 <= len(text) <= 50
            and not text.endswith(_END_PUNCT)
            and "。" not in text
            and text.count("，") + text.count(",") <= 1
        )

    def header(self, classes: list[_Class | None]) -> tuple[int, list[str], str, str]:
        """(first body line, title lines, subject, subject line as written)."""
        lines = self.lines
        title: list[str] = []
        i = 0
        while i < min(len(lines), 3) and lines[i].role == "title" and self._titleish(lines[i], classes[i]):
            title.append(lines[i].text)
            i += 1
        if not title and lines and self._titleish(lines[0], classes[0]):
            first = lines[0]
            second = lines[1] if len(lines) > 1 else None
            second_ok = (
                second is not None
                and self._titleish(second, classes[1])
                and second.role != "subtitle"
                and bool(_TITLE_WORDS.search(second.text))
            )
            centred = first.align == "center" or first.role == "title"
            if _TITLE_WORDS.search(first.text):
                title = [first.text]
            elif centred:
                title = [first.text]
                if second_ok and second is not None and second.align == "center":
                    title.append(second.text)
            elif second_ok and second is not None and len(first.text) <= 30:
                title = [first.text, second.text]
            i = len(title)
        subject = subtitle = ""
        if title and i < len(lines) - 1:
            found = self._subject(lines[i], classes[i])
            if found is not None:
                subject, subtitle = found
                i += 1
        return i, title, subject, subtitle

    def _subject(self, line: Line, cls: _Class | None) -> tuple[str, str] | None:
        text = line.text
        if cls is not None and cls.source != "bold":
            return None
        m = _SUBJECT_DASH.fullmatch(text)
        if m and (len(m.group("d")) == 2 or m.group("d") in "—―"):
            self.removed.append(m.group("d"))
            return m.group("s").strip(), text
        m = _SUBJECT_PAREN.fullmatch(text)
        if m:
            self.removed.extend((m.group("o"), m.group("c")))
            return m.group("s").strip(), text
        short = len(text) <= 30 and not any(p in text for p in "。，；：！？,;:!?")
        if short and (line.role == "subtitle" or line.align == "center"):
            return text, text
        if short and len(text) <= 24 and "、" not in text and (re.search(r"\s", text) or _POSTS.search(text)):
            return text, text
        return None

    def tail(self, classes: list[_Class | None], start: int) -> tuple[int, str, str]:
        """(end of the body, signature, date)."""
        lines = self.lines
        end = len(lines)
        date = signature = ""
        if end - 1 > start and classes[end - 1] is None and _DATE.fullmatch(lines[end - 1].text):
            date = lines[end - 1].text
            end -= 1
        if end - 1 > start and (classes[end - 1] is None or classes[end - 1].source == "bold"):
            text = lines[end - 1].text
            plain = len(text) <= 30 and not any(p in text for p in "。，；！？,;!?、")
            relaxed = bool(date) or lines[end - 1].align == "right"
            if plain and (
                _UNIT_END.search(text) or _SIGNER.match(text) or (relaxed and not text.endswith("："))
            ):
                signature = text
                end -= 1
        return end, signature, date

    # --- body ---------------------------------------------------------------------------------

    def segments(self, text: str, container: _Container, line: Line) -> list[_Segment]:
        """Cut a paragraph's text at the point markers accepted for this section."""
        accepted: list[PointMarker] = []
        for m in point_markers(text, ordinal=self.ordinal, sequence=self.sequence):
            same = m.family == container.family
            if m.start == 0:
                expected = container.last + 1 if same and container.count else 1
                if m.number and m.number != expected:
                    if container.count and m.number == 1:
                        self.warn(f"第{line.index}段：要点序号重新从“{m.text.strip()}”开始，导出时将接续编号")
                    else:
                        self.warn(f"第{line.index}段：要点序号“{m.text.strip()}”不连续，导出时将重新编号")
            elif m.family == "sequence" and m.number == 0:
                if not (same and container.count):
                    continue
            elif container.count == 0:
                if m.number != 1:
                    continue
            elif not (same and m.number == container.last + 1):
                continue
            container.family = m.family
            container.last = m.number or container.last + 1
            container.count += 1
            accepted.append(m)
        out: list[_Segment] = []
        head = text[: accepted[0].start] if accepted else text
        if head.strip():
            out.append(_Segment(None, head.rstrip()))
        for k, m in enumerate(accepted):
            end = accepted[k + 1].start if k + 1 < len(accepted) else len(text)
            out.append(_Segment(m, text[m.end : end].rstrip()))
        return out

    def point(self, segment: _Segment, inline: bool, line: Line) -> Item:
        assert segment.marker is not None
        self.removed.append(segment.marker.text)
        lead, text, stop = split_lead(segment.text)
        if stop:
            self.removed.append(stop)
        return Item(
            POINT, lead=lead, text=text, inline=inline, marker=segment.marker.text.strip(), line=line.index
        )

    def add_segments(
        self, items: list[Item], segments: list[_Segment], line: Line, first_inline: bool
    ) -> None:
        for k, segment in enumerate(segments):
            inline = first_inline or k > 0
            if segment.marker is None:
                items.append(Item(PARAGRAPH, text=segment.text, inline=inline, line=line.index))
            else:
                items.append(self.point(segment, inline, line))

    def body(self, lines: list[Line], classes: list[_Class | None]) -> list[Item]:
        items: list[Item] = []
        stack: list[tuple[int, _Container]] = []
        root = _Container()
        numbering = (kind_definition(self.kind) or {}).get("numbering") or DEFAULT_NUMBERING
        for line, cls in zip(lines, classes, strict=True):
            if len(items) > MAX_BLOCKS:  # stop here: everything after parsing is work per item
                raise ImportRefused(too_many_blocks())
            container = stack[-1][1] if stack else root
            if cls is None or cls.kind == "point":
                self.add_segments(items, self.segments(line.text, container, line), line, False)
                continue
            while stack and stack[-1][0] >= cls.rank:
                stack.pop()
            depth = len(stack) + 1
            if depth > MAX_LEVEL:
                self.warn(
                    f"第{line.index}段：“{line.text[:12]}”是第{depth}级标题，报告最多三级标题，已作为正文导入（保留原编号）",
                    f"depth{line.index}",
                )
                container = stack[-1][1] if stack else root
                self.add_segments(items, self.segments(line.text, container, line), line, False)
                continue
            marker = cls.marker
            if marker is not None:
                if not line.auto:
                    self.removed.append(marker.text)
                if marker.flagged:
                    self.warn(
                        f"第{line.index}段：标题序号“{marker.text.strip()}”应为“{marker.text.strip()[:-1]}、”，已按一级标题识别，请校对"
                    )
                if marker.rank != depth:
                    pattern = numbering.get(str(depth), DEFAULT_NUMBERING["3"])
                    shown = re.sub(r"[0-9０-９]+|[一二三四五六七八九十]+", "…", marker.text.strip())
                    self.warn(
                        f"“{shown}”形式的标题在本文中处于第{depth}级，导出时按第{depth}级统一编号"
                        f"（“{format_number(pattern, 1)}”“{format_number(pattern, 2)}”……）",
                        f"rank{marker.rank}-{depth}",
                    )
            title, rest, stop = split_heading(cls.body)
            if stop:
                self.removed.append(stop)
            heading = Item(
                HEADING,
                level=depth,
                title=title,
                run_in=bool(stop),
                marker=marker.text.strip() if marker else "",
                line=line.index,
            )
            items.append(heading)
            section = _Container()
            stack.append((cls.rank, section))
            if rest:
                segments = self.segments(rest, section, line)
                if segments and segments[0].marker is None:
                    heading.text = segments.pop(0).text
                self.add_segments(items, segments, line, True)
        if len(items) > MAX_BLOCKS:
            raise ImportRefused(too_many_blocks(len(items)))
        return items

    def closing(self, items: list[Item]) -> str:
        # k: the first of the trailing whole paragraphs (a plain paragraph and the points that
        # continue it, as in "下一步，…：一是…，二是…").
        k = len(items)
        while k > 0:
            start = k - 1
            while start > 0 and items[start].inline:
                start -= 1
            if items[start].type != PARAGRAPH or items[start].inline:
                break
            k = start
        if k == 0:  # no heading or point at all: nothing to close
            return ""
        last_section = next((i for i in reversed(items[:k]) if i.type == HEADING and i.level == 1), None)
        turn_allowed = last_section is not None and not _PROBLEMS_OR_PLANS.search(last_section.title)
        for j in range(k, len(items)):
            text = items[j].text
            if items[j].inline:
                continue
            if (
                _CLOSING_START.match(text)
                or _CLOSING_ANY.search(text)
                or (turn_allowed and _turns_to_the_whole(text))
            ):
                paragraphs: list[str] = []
                for item in items[j:]:
                    text = item.marker + item_text(item) if item.type == POINT else item.text
                    if item.inline and paragraphs:
                        paragraphs[-1] += text
                    else:
                        paragraphs.append(text)
                del items[j:]
                return "\n".join(paragraphs)
        return ""

    # --- the whole -----------------------------------------------------------------------------

    def parse(self) -> ParsedReport:
        lines = self.lines
        classes = [self.classify(line) for line in lines]
        if any(c is not None and c.source == "bold" for c in classes):
            ranks = {c.rank for c in classes if c is not None and c.kind == "heading" and c.source != "bold"}
            bold_rank = next((r for r in (1, 2, 3) if r not in ranks), 3)
            for c in classes:
                if c is not None and c.source == "bold":
                    c.rank = bold_rank
        start, title_lines, subject, subtitle = self.header(classes)
        end, signature, date = self.tail(classes, start)
        body = range(start, end)
        first = next((i for i in body if classes[i] is not None and classes[i].kind == "heading"), None)
        if first is None:
            first = next((i for i in body if classes[i] is not None), None)
        if first is None:
            # No heading and no point paragraph: points may still run inside later paragraphs.
            first = next((i for i in body if i > start and _has_sequence(lines[i].text)), end)
        opening = "\n".join(line.text for line in lines[start:first])
        items = self.body(lines[first:end], classes[first:end])
        closing = self.closing(items)
        structured = any(item.type in (HEADING, POINT) for item in items)
        report = ParsedReport(
            title="".join(title_lines),
            subject=subject,
            subtitle=subtitle,
            opening=opening,
            items=items,
            closing=closing,
            signature=signature,
            date=date,
            removed=self.removed,
            structured=structured,
        )
        report.kind = self.kind or guess_kind(report)
        report.year = guess_year(report)
        self.finish_warnings(report, bool(self.kind))
        report.warnings = self.warnings
        return report

    def finish_warnings(self, report: ParsedReport, kind_given: bool) -> None:
        if not report.structured:
            self.warn(_NO_STRUCTURE)
            return
        if not report.title:
            self.warn("未识别到标题（第一行不像标题），创建时将按报告类型生成标题，可在预览中修改")
        if report.kind and not kind_given:
            name = (kind_definition(report.kind) or {}).get("name", report.kind)
            self.warn(f"按内容判断为“{name}”，如不对请重新选择报告类型")
        elif not report.kind:
            self.warn("无法判断报告类型，请选择报告类型")
        if report.year is None:
            self.warn("未识别到年度，请填写年度")
        pattern = ((kind_definition(report.kind) or {}).get("numbering") or DEFAULT_NUMBERING).get(
            "point", "{cn}是"
        )
        wanted = format_number(pattern, 1)
        used = {item.marker[-1] for item in report.items if item.type == POINT and item.marker}
        others = sorted(m for m in used if m in "是要" and m != wanted[-1])
        if others or any(
            item.type == POINT and item.marker[:1] in ("第", "首", "其", "再", "最") for item in report.items
        ):
            self.warn(f"要点序号将按本类型统一为“{wanted}、{format_number(pattern, 2)}……”的形式")


def _turns_to_the_whole(text: str) -> bool:
    """今年以来，尽管我们做了大量工作，但…差距…下一步，… (see step 7 of the module docstring)."""
    if _TURN_NEXT.match(text):
        return True
    return bool(_TURN_START.match(text) and _SHORTCOMINGS.search(text) and _NEXT_STEPS.search(text))


def _has_sequence(text: str) -> bool:
    found = point_markers(text, ordinal=False, sequence=False)
    numbers = [m.number for m in found]
    return 1 in numbers and 2 in numbers[numbers.index(1) :]


def lead_like(text: str) -> bool:
    t = text.strip()
    return (
        2 <= len(t) <= 40
        and not re.search(r"[；;：:！？!?]", t)
        and t.count("，") + t.count(",") <= 2
        and not _LEAD_REFUSED.match(t)
        and not _FIGURE_LIKE.search(t)
    )


def split_lead(body: str) -> tuple[str, str, str]:
    """(lead, text, the stop removed between them); no lead: ("", body, "").

    The lead ends at the first 。 (removed: the renderer puts it back) or at a first ：that comes
    before any 。 ("一是加强学习：…"; the ：stays at the end of the stored lead, since the renderer
    keeps a lead's own end punctuation, and to_json leaves it out).
    """
    stop = STOP.search(body)
    colon = _COLON.search(body, 0, stop.start() if stop else len(body))
    if colon is not None:
        lead, rest = body[: colon.start()], body[colon.end() :].lstrip()
        if rest and lead_like(lead):
            return lead.strip() + colon.group(), rest, ""
        return "", body, ""
    if stop is None:
        return "", body, ""
    lead, rest = body[: stop.start()], body[stop.end() :].lstrip()
    if not rest or not lead_like(lead):
        return "", body, ""
    return lead.strip(), rest, stop.group()


def split_heading(body: str) -> tuple[str, str, str]:
    """(title, run-in text, the stop removed); a standalone heading: (body, "", "")."""
    stop = STOP.search(body)
    if stop is None:
        return body.strip(), "", ""
    return body[: stop.start()].strip(), body[stop.end() :].lstrip(), stop.group()


def lines_from_text(text: str) -> list[Line]:
    if len(text) > MAX_TEXT_CHARS:
        raise ImportRefused(f"内容过长（{len(text)}字），最多{MAX_TEXT_CHARS}字，请分开导入")
    lines = []
    for raw in clean_text(text).split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append(Line(stripped, len(lines) + 1))
    return lines


def lines_from_paragraphs(paragraphs: list[Paragraph]) -> list[Line]:
    lines: list[Line] = []
    total = 0
    for p in paragraphs:
        parts = [part.strip() for part in clean_text(p.text).split("\n")]
        parts = [part for part in parts if part]
        number = p.number.strip()
        if number and not parts:
            continue
        auto = False
        level = p.level
        if number:
            probe = number + "x"
            if heading_marker(probe) or point_markers(probe, ordinal=True, sequence=True):
                auto = True
            elif _LEGAL.fullmatch(number):  # 1.1 / 1.2.1: a heading of that depth
                level = level or min(len([n for n in number.split(".") if n]), 9)
                number = ""
            elif len(number) <= 2 and not any(ch.isalnum() for ch in number):
                number = ""  # a bullet: layout, not content
        for k, part in enumerate(parts):
            text = (number + part) if k == 0 and number else part
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise ImportRefused(f"文档文字过多（超过{MAX_TEXT_CHARS}字），请分开导入")
            lines.append(
                Line(
                    text,
                    len(lines) + 1,
                    level=level if k == 0 else None,
                    bold=p.bold,
                    role=p.role if k == 0 else "",
                    align=p.align,
                    auto=auto and k == 0,
                )
            )
    return lines


def parse_lines(lines: list[Line], kind: str | None = None, *, strict: bool = False) -> ParsedReport:
    """Raises ImportRefused for no lines (strict), more than MAX_PARAGRAPHS lines (before any is
    classified) or more than MAX_BLOCKS headings, points and paragraphs (as soon as it passes)."""
    if strict and not lines:
        raise ImportRefused("没有可导入的内容：文本是空的")
    if len(lines) > MAX_PARAGRAPHS:
        raise ImportRefused(
            f"段落过多（{len(lines)}段，上限{MAX_PARAGRAPHS}段），一份报告不会有这么多段，请精简或分开导入"
        )
    report = _Parser(lines, kind).parse()
    if strict and not report.structured:
        raise ImportRefused(_NO_STRUCTURE)
    return report


def parse_text(text: str, kind: str | None = None, *, strict: bool = False) -> ParsedReport:
    """Parse pasted or uploaded text.

    Never raises for any text within MAX_TEXT_CHARS, MAX_PARAGRAPHS lines and MAX_BLOCKS items
    (more: ImportRefused). With strict=True an
    empty text or one without any heading or point raises ImportRefused (the web and command-line
    imports use strict; the non-strict result of such a text has everything in `opening`).
    """
    return parse_lines(lines_from_text(text or ""), kind, strict=strict)


def parse_paragraphs(
    paragraphs: list[Paragraph], kind: str | None = None, *, strict: bool = False
) -> ParsedReport:
    """Parse the paragraphs read from a .docx (see docx.read_docx)."""
    return parse_lines(lines_from_paragraphs(paragraphs), kind, strict=strict)
