"""The 花脸稿: leaders' suggestions and comments as native Word revisions and comments, both ways.

Out: `render_tracked_docx(snapshot, options)` renders a snapshot whose blocks carry
``"suggestions"`` (a leader's proposed full title and/or text of the block, made on the block as it
is in the snapshot) and ``"comments"`` (with ``"replies"``) as a GB/T 9704 .docx in which every
suggestion is a character-level ``w:del`` / ``w:ins`` by its author and date, and every comment a
Word comment anchored on the block's runs of its first paragraph. "全部接受" in Word gives the
render of `apply_suggestions(snapshot)`, "全部拒绝" the render of the snapshot itself.

    block["suggestions"] = [{"author": "王建国", "date": "2026-01-10T09:30:00",
                             "title": "…" or None, "text": "…" or None}]
    block["comments"] = [{"author": "…", "date": "…", "text": "…",
                          "replies": [{"author": "…", "date": "…", "text": "…"}]}]

A suggestion's "title" is a heading's title or a point's lead sentence. Suggestions on one block
are taken by date; one whose changes overlap (or touch) those of an earlier one in the same field
is not rendered and is listed in `TrackedRender.skipped` (it stays a suggestion in the app).
The report's own fields (title, opening, closing, signature, date) carry no suggestions.

In: `read_tracked(docx)` reads a marked-up file (ours, after Word or WPS) paragraph by paragraph
with its revisions and comments; `place_suggestions(read, snapshot)` turns them into suggestions
and comments on the blocks of the snapshot the file was exported from, and lists what it cannot
place (a whole paragraph added or deleted, a change across two blocks) with a Chinese reason.

Pure: no Django, no Celery.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .diff import DELETE, EQUAL, INSERT, diff_text
from .document import _END_PUNCT, Para, Run, layout_paragraphs
from .docx_render import (
    _LEADING_SPACE,
    _NOT_TEXT,
    _Package,
    _sanitize,
    base_package,
    body_xml,
    escape_text,
    package_parts,
    zip_parts,
)
from .importer.docx import _rel_targets, check_docx_size, parse_xml, read_main_part, zip_message
from .importer.limits import MAX_PART_BYTES, ZIP_LIMITS, ImportRefused
from .safezip import UnsafeZip, check_zip, read_member
from .tree import walk

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PIECES = "_tracked_pieces"  # set on a block copy by _plan: field -> list[Piece]
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"

# The block key a suggestion's field lands on: a point's "title" is its lead sentence.
_TEXT_FIELDS = ("title", "text")


def block_key(block: Mapping[str, Any], field_name: str) -> str:
    """The snapshot key of a suggestion field on this block ("title" of a point is "lead")."""
    if field_name == "title" and block.get("type") == "point":
        return "lead"
    return field_name


def word_date(value: Any) -> str:
    """An ISO 8601 date as Word writes w:date, in UTC: "2026-01-10T09:30:00Z" ("" if unreadable).

    A naive date is taken as UTC; an aware one is converted."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
        except ValueError:
            return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# Pieces: a field's text as equal / deleted / inserted stretches


@dataclass(frozen=True)
class Revision:
    author: str
    date: str  # word_date(), "" when unknown


Source = tuple[Any, str, int]  # (block id, block key, offset in that field's original text)


@dataclass(frozen=True)
class Piece:
    op: str  # EQUAL | INSERT | DELETE
    text: str
    rev: Revision | None = None
    src: Source | None = None  # where text[0] is in the original field (EQUAL and DELETE pieces)

    def sources(self) -> list[Source | None]:
        if self.src is None or self.op == INSERT:
            return [None] * len(self.text)
        block_id, key, start = self.src
        return [(block_id, key, start + i) for i in range(len(self.text))]


def _view(pieces: Iterable[Piece], accepted: bool) -> str:
    hidden = DELETE if accepted else INSERT
    return "".join(p.text for p in pieces if p.op != hidden)


@dataclass(frozen=True)
class _Hunk:
    start: int  # in the original text
    end: int
    inserted: str
    rev: Revision


def _hunks(old: str, new: str, rev: Revision) -> list[_Hunk]:
    """The changed stretches of `old` (a replacement is one hunk: deleted, then inserted text)."""
    out: list[_Hunk] = []
    pos = 0
    start: int | None = None
    inserted = ""
    for seg in diff_text(old, new):
        if seg.op == EQUAL:
            if start is not None:
                out.append(_Hunk(start, pos, inserted, rev))
                start, inserted = None, ""
            pos += len(seg.text)
            continue
        if start is None:
            start = pos
        if seg.op == DELETE:
            pos += len(seg.text)
        else:
            inserted += seg.text
    if start is not None:
        out.append(_Hunk(start, pos, inserted, rev))
    return out


def _overlaps(a: _Hunk, b: _Hunk) -> bool:
    """Touching counts: two changes at one place cannot both be taken independently."""
    return a.start <= b.end and b.start <= a.end


def _pieces(text: str, hunks: list[_Hunk], block_id: Any, key: str) -> list[Piece]:
    out: list[Piece] = []
    pos = 0
    for hunk in sorted(hunks, key=lambda h: h.start):
        if hunk.start > pos:
            out.append(Piece(EQUAL, text[pos : hunk.start], None, (block_id, key, pos)))
        if hunk.end > hunk.start:
            out.append(Piece(DELETE, text[hunk.start : hunk.end], hunk.rev, (block_id, key, hunk.start)))
        if hunk.inserted:
            out.append(Piece(INSERT, hunk.inserted, hunk.rev))
        pos = hunk.end
    if pos < len(text):
        out.append(Piece(EQUAL, text[pos:], None, (block_id, key, pos)))
    return out


def _plan(snapshot: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A copy of the snapshot whose blocks with suggestions carry their fields as pieces (_PIECES),
    and the suggestions not rendered because they overlap an earlier one."""
    planned = _sanitize(snapshot)
    skipped: list[dict[str, Any]] = []
    for visit in walk(planned.get("blocks") or ()):
        block = visit.node
        suggestions = block.get("suggestions") or ()
        if not suggestions:
            continue
        order = sorted(range(len(suggestions)), key=lambda i: (word_date(suggestions[i].get("date")), i))
        taken: dict[str, list[_Hunk]] = {}
        for index in order:
            suggestion = suggestions[index]
            rev = Revision(str(suggestion.get("author") or ""), word_date(suggestion.get("date")))
            mine: dict[str, list[_Hunk]] = {}
            for name in _TEXT_FIELDS:
                proposed = suggestion.get(name)
                if proposed is None:
                    continue
                key = block_key(block, name)
                mine[key] = _hunks(block.get(key) or "", proposed, rev)
            clash = next(
                (
                    other.rev
                    for key, hunks in mine.items()
                    for hunk in hunks
                    for other in taken.get(key, ())
                    if _overlaps(hunk, other)
                ),
                None,
            )
            if clash is not None:
                skipped.append(
                    {
                        "block_id": block.get("id"),
                        "index": index,
                        "author": rev.author,
                        "date": suggestion.get("date"),
                        "reason": f"与{clash.author}的修改建议位置重叠，未写入花脸稿",
                    }
                )
                continue
            for key, hunks in mine.items():
                taken.setdefault(key, []).extend(hunks)
        block[_PIECES] = {
            key: _pieces(block.get(key) or "", hunks, block.get("id"), key) for key, hunks in taken.items()
        }
    return planned, skipped


def apply_suggestions(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot with every rendered suggestion applied (the 花脸稿's "全部接受" text).

    Each block's title/lead and text become the text with its suggestions' changes; suggestions
    that do not overlap are all applied, one that overlaps an earlier one (by date) is not (see
    render_tracked_docx's skipped). The "suggestions" key is removed; comments are kept."""
    planned, _ = _plan(snapshot)
    for visit in walk(planned.get("blocks") or ()):
        block = visit.node
        for key, pieces in block.pop(_PIECES, {}).items():
            block[key] = _view(pieces, accepted=True)
        block.pop("suggestions", None)
    return planned


# ---------------------------------------------------------------------------------------------
# Layout with marked runs


@dataclass
class TrackedRun(Run):
    op: str = EQUAL
    rev: Revision | None = None
    sources: list[Source | None] = field(default_factory=list)


@dataclass
class TrackedPara(Para):
    mark: Piece | None = None  # an inserted or deleted paragraph mark (the end of this paragraph)
    anchors: list[tuple[int, int, list[int]]] = field(default_factory=list)  # run start, end, comment ids


@dataclass(frozen=True)
class Comment:
    id: int
    author: str
    date: str
    text: str


def _runs(pieces: Iterable[Piece], style: str = "") -> list[TrackedRun]:
    """Runs of one block's contribution: adjacent pieces with the same change are one run."""
    out: list[TrackedRun] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1].op == piece.op and out[-1].rev == piece.rev:
            out[-1].text += piece.text
            out[-1].sources.extend(piece.sources())
        else:
            out.append(TrackedRun(piece.text, style, piece.op, piece.rev, piece.sources()))
    return out


def _field(block: Mapping[str, Any], key: str) -> list[Piece]:
    planned = block.get(_PIECES, {})
    if key in planned:
        return planned[key]
    text = block.get(key, "") or ""
    return [Piece(EQUAL, text, None, (block.get("id"), key, 0))] if text else []


def _change(pieces: Iterable[Piece]) -> Revision | None:
    return next((p.rev for p in pieces if p.op != EQUAL), None)


def _separator(needed_before: bool, needed_after: bool, rev: Revision | None) -> list[Piece]:
    """The computed "。" between a lead (or run-in heading) and its text, in both views."""
    if needed_before == needed_after:
        return [Piece(EQUAL, "。")] if needed_after else []
    return [Piece(INSERT if needed_after else DELETE, "。", rev)]


def _point_separator(lead: list[Piece], text: list[Piece]) -> list[Piece]:
    def needed(accepted: bool) -> bool:
        head, tail = _view(lead, accepted), _view(text, accepted)
        return bool(head and tail) and head[-1:] not in _END_PUNCT

    return _separator(needed(False), needed(True), _change([*lead, *text]))


def _run_in_separator(label: list[Piece]) -> list[Piece]:
    def needed(accepted: bool) -> bool:
        return _view(label, accepted)[-1:] not in _END_PUNCT

    return _separator(needed(False), needed(True), _change(label))


def _lines(pieces: list[Piece]) -> list[tuple[list[Piece], Piece | None]]:
    """A multi-line field split at its newlines (equal, inserted or deleted): each line with the
    newline that ends it (None for the last); lines blank in both views are dropped, as
    split_paragraphs drops them."""
    lines: list[tuple[list[Piece], Piece | None]] = []
    current: list[Piece] = []
    for piece in pieces:
        start = 0
        for i, ch in enumerate(piece.text):
            if ch != "\n":
                continue
            if i > start:
                current.append(_slice(piece, start, i))
            lines.append((current, _slice(piece, i, i + 1)))
            current, start = [], i + 1
        if start < len(piece.text):
            current.append(_slice(piece, start, len(piece.text)))
    lines.append((current, None))
    return [(line, mark) for line, mark in lines if _view(line, True).strip() or _view(line, False).strip()]


def _slice(piece: Piece, start: int, end: int) -> Piece:
    src = None
    if piece.src is not None:
        src = (piece.src[0], piece.src[1], piece.src[2] + start)
    return Piece(piece.op, piece.text[start:end], piece.rev, src)


def _mark(mark: Piece | None) -> Piece | None:
    return mark if mark is not None and mark.op != EQUAL else None


def _comments_of(block: Mapping[str, Any], out: list[Comment]) -> list[int]:
    ids = []
    for comment in block.get("comments") or ():
        for item in (comment, *(comment.get("replies") or ())):
            out.append(
                Comment(
                    len(out),
                    str(item.get("author") or ""),
                    word_date(item.get("date")),
                    item.get("text") or "",
                )
            )
            ids.append(out[-1].id)
    return ids


def _flattener(comments: list[Comment]):
    """A flatten for layout_paragraphs (the twin of reports.core.document._flatten) that writes
    each block's fields as pieces and anchors its comments; comments are collected in `comments`."""

    def flatten(blocks: Iterable[Mapping[str, Any]], out: list[Para]) -> None:
        for visit in walk(blocks):
            block = visit.node
            kind = block["type"]
            ids = [block["id"]] if block.get("id") is not None else []
            joinable = bool(out) and out[-1].role == "body"
            first: tuple[Para, int, int] | None = None
            number = [Piece(EQUAL, block["number"])]
            if kind == "heading":
                role = f"h{min(block['level'], 4)}"
                label = number + _field(block, "title")
                text = _field(block, "text")
                head = len(out)
                if block.get("run_in"):
                    runs = _runs(label + _run_in_separator(label), role) + _runs(text)
                    out.append(TrackedPara("body", runs, block_ids=ids))
                else:
                    out.append(TrackedPara(role, _runs(label), keep_next=True, block_ids=ids))
                    for line, mark in _lines(text):
                        out.append(TrackedPara("body", _runs(line), block_ids=ids, mark=_mark(mark)))
                first = (out[head], 0, -1)
            elif kind == "point":
                lead, text = _field(block, "lead"), _field(block, "text")
                runs = _runs(number + lead + _point_separator(lead, text) + text)
                if block.get("inline") and joinable:
                    first = (out[-1], len(out[-1].runs), len(out[-1].runs) + len(runs))
                    out[-1].runs.extend(runs)
                    out[-1].block_ids.extend(ids)
                else:
                    out.append(TrackedPara("body", runs, block_ids=ids))
                    first = (out[-1], 0, -1)
            else:
                lines = _lines(_field(block, "text"))
                if lines and block.get("inline") and joinable:
                    line, mark = lines.pop(0)
                    runs = _runs(line)
                    first = (out[-1], len(out[-1].runs), len(out[-1].runs) + len(runs))
                    out[-1].runs.extend(runs)
                    out[-1].block_ids.extend(ids)
                    if _mark(mark):
                        out[-1].mark = mark  # type: ignore[attr-defined]
                start = len(out)
                out.extend(
                    TrackedPara("body", _runs(line), block_ids=ids, mark=_mark(mark)) for line, mark in lines
                )
                if first is None and len(out) > start:
                    first = (out[start], 0, -1)
            comment_ids = _comments_of(block, comments)
            if comment_ids and first is not None:
                para, begin, end = first
                para.anchors.append((begin, len(para.runs) if end < 0 else end, comment_ids))  # type: ignore[attr-defined]

    return flatten


# ---------------------------------------------------------------------------------------------
# Writing


def _attr(value: str) -> str:
    return escape_text(value).replace('"', "&quot;")


def _change_attrs(rev: Revision | None, ids: Iterable[int]) -> str:
    rev = rev or Revision("", "")
    date = f' w:date="{rev.date}"' if rev.date else ""
    return f'w:id="{next(iter(ids))}" w:author="{_attr(rev.author)}"{date}'


def _tracked_paragraph_xml(para: TrackedPara, pkg: _Package, ids: Iterable[int]) -> str:
    """Like docx_render._paragraph_xml (same bytes when nothing is marked), with w:ins / w:del
    runs, a marked paragraph mark and comment ranges."""
    role = pkg.blank_role if para.role == "blank" else para.role
    out = [pkg.para_open[role]]
    if para.keep_next and not pkg.style_keep_next[role]:
        out.append("<w:keepNext/>")
    if para.keep_lines:
        out.append("<w:keepLines/>")
    if para.mark is not None:
        tag = "ins" if para.mark.op == INSERT else "del"
        out.append(f"<w:rPr><w:{tag} {_change_attrs(para.mark.rev, ids)}/></w:rPr>")
    out.append("</w:pPr>")
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for begin, end, comment_ids in para.anchors:
        starts.setdefault(begin, []).extend(comment_ids)
        ends.setdefault(end, []).extend(comment_ids)

    def close(index: int) -> None:
        for cid in ends.get(index, ()):
            out.append(f'<w:commentRangeEnd w:id="{cid}"/><w:r><w:commentReference w:id="{cid}"/></w:r>')

    first = True
    for index, run in enumerate(para.runs):
        close(index)
        for cid in starts.get(index, ()):
            out.append(f'<w:commentRangeStart w:id="{cid}"/>')
        text = _NOT_TEXT.sub("", run.text)
        if first:
            text = text.lstrip(_LEADING_SPACE)
        if not text:
            continue
        first = False
        opening = pkg.run_open.get(run.style, pkg.run_open[""])
        body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        op = getattr(run, "op", EQUAL)
        if op == EQUAL:
            out.append(f"{opening}{body}</w:t></w:r>")
        elif op == INSERT:
            out.append(f"<w:ins {_change_attrs(run.rev, ids)}>{opening}{body}</w:t></w:r></w:ins>")
        else:
            opening = opening.replace("<w:t ", "<w:delText ")
            out.append(f"<w:del {_change_attrs(run.rev, ids)}>{opening}{body}</w:delText></w:r></w:del>")
    for cid in starts.get(len(para.runs), ()):
        out.append(f'<w:commentRangeStart w:id="{cid}"/>')
    close(len(para.runs))
    out.append("</w:p>")
    return "".join(out)


def _comments_xml(comments: list[Comment]) -> bytes:
    items = []
    for c in comments:
        date = f' w:date="{c.date}"' if c.date else ""
        lines = c.text.split("\n") or [""]
        paras = "".join(
            "<w:p>"
            + ("<w:r><w:annotationRef/></w:r>" if n == 0 else "")
            + f'<w:r><w:t xml:space="preserve">{escape_text(line)}</w:t></w:r></w:p>'
            for n, line in enumerate(lines)
        )
        items.append(f'<w:comment w:id="{c.id}" w:author="{_attr(c.author)}"{date}>{paras}</w:comment>')
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:comments xmlns:w="{_W_NS}">' + "".join(items) + "</w:comments>"
    )
    return xml.encode("utf-8")


def _with_comments(parts: list[tuple[str, bytes]], comments: list[Comment]) -> list[tuple[str, bytes]]:
    """The package parts plus word/comments.xml, its content type and its relationship."""
    out = []
    for name, data in parts:
        if name == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                f'<Override PartName="/word/comments.xml" ContentType="{_COMMENTS_TYPE}"/></Types>'.encode(),
            )
        elif name == "word/_rels/document.xml.rels":
            data = data.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdComments" Type="{_COMMENTS_REL}" Target="comments.xml"/>'
                "</Relationships>".encode(),
            )
        out.append((name, data))
    out.append(("word/comments.xml", _comments_xml(comments)))
    return out


@dataclass(frozen=True)
class TrackedRender:
    docx: bytes
    skipped: list[dict[str, Any]]  # {"block_id", "index", "author", "date", "reason"}
    comments: int = 0
    revisions: int = 0


def tracked_paragraphs(snapshot: Mapping[str, Any]) -> tuple[list[Para], list[Comment], list[dict[str, Any]]]:
    """The printed paragraphs of the 花脸稿 (block paragraphs as TrackedPara), its comments and the
    skipped suggestions."""
    planned, skipped = _plan(snapshot)
    comments: list[Comment] = []
    paras = layout_paragraphs(planned, flatten=_flattener(comments))
    return paras, comments, skipped


def render_tracked_docx(
    snapshot: Mapping[str, Any], options: Mapping[str, Any] | None = None
) -> TrackedRender:
    """The 花脸稿 of a snapshot: render_docx's layout with every suggestion as w:del / w:ins
    (w:author, w:date in UTC) at character level and every comment (and reply) as a Word comment
    on its block. Without suggestions and comments the bytes are render_docx's. A masked 花脸稿
    is the render of a masked snapshot (resolve_snapshot masks suggestions and comments too)."""
    pkg = base_package(options)
    paras, comments, skipped = tracked_paragraphs(snapshot)
    counter = itertools.count(len(comments))  # comment ids first, then one id per revision
    strings = body_xml(paras, pkg)
    for index, para in enumerate(paras):
        if isinstance(para, TrackedPara):
            strings[index] = _tracked_paragraph_xml(para, pkg, counter)
    parts = package_parts(pkg, pkg.head + "".join(strings) + pkg.tail)
    if comments:
        parts = _with_comments(parts, comments)
    revisions = next(counter) - len(comments)
    return TrackedRender(zip_parts(parts), skipped, len(comments), revisions)


# ---------------------------------------------------------------------------------------------
# Reading a marked-up file back


@dataclass(frozen=True)
class ReadChange:
    kind: str  # INSERT | DELETE
    author: str
    date: str
    text: str
    start: int  # offsets into the paragraph's rejected (original) text; start == end for an insertion
    end: int


@dataclass(frozen=True)
class ReadComment:
    author: str
    date: str
    text: str
    paragraph: int  # index of the paragraph of its commentRangeStart (or of its commentReference)
    offset: int  # where in that paragraph's rejected text the range starts


@dataclass
class ReadParagraph:
    accepted: str = ""
    rejected: str = ""
    changes: list[ReadChange] = field(default_factory=list)
    mark: str = ""  # INSERT / DELETE when the paragraph mark itself is a revision
    mark_author: str = ""


@dataclass
class TrackedRead:
    paragraphs: list[ReadParagraph]
    comments: list[ReadComment]


def _read_package(data: bytes) -> tuple[Any, bytes | None]:
    """word/document.xml parsed safely (the importer's zip and XML guards) and word/comments.xml."""
    check_docx_size(data)
    try:
        with check_zip(data, ZIP_LIMITS) as archive:
            main, document = read_main_part(archive)
            target = _rel_targets(archive, main).get("comments")
            comments = read_member(archive, target, MAX_PART_BYTES) if target else None
    except UnsafeZip as exc:
        raise ImportRefused(zip_message(exc)) from exc
    return parse_xml(document), (parse_xml(comments) if comments else None)


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _w(el: Any, name: str) -> str:
    return el.get(f"{{{_W_NS}}}{name}") or ""


def read_tracked(data: bytes) -> TrackedRead:
    """The body paragraphs of a .docx (in order, table cells flattened) with their accepted and
    rejected texts, their revisions (w:ins / w:del, w:moveTo / w:moveFrom) and the comments anchored
    in them. Raises reports.core.importer.ImportRefused (a Chinese message) for an unsafe or broken
    file; a file without revisions reads as paragraphs without changes."""
    root, comments_root = _read_package(data)
    body = root.find(f"{{{_W_NS}}}body")
    paragraphs: list[ReadParagraph] = []
    anchors: dict[str, tuple[int, int]] = {}
    references: dict[str, tuple[int, int]] = {}
    for p in body.iter(f"{{{_W_NS}}}p") if body is not None else ():
        para = ReadParagraph()
        index = len(paragraphs)
        for el in p.iter():
            name = _local(el)
            if name in ("ins", "del") and _local(el.getparent()) == "rPr":
                if _local(el.getparent().getparent()) == "pPr":
                    para.mark = INSERT if name == "ins" else DELETE
                    para.mark_author = _w(el, "author")
                continue
            if name == "commentRangeStart":
                anchors.setdefault(_w(el, "id"), (index, len(para.rejected)))
            elif name == "commentReference":
                references.setdefault(_w(el, "id"), (index, len(para.rejected)))
            if name not in ("t", "delText") or not el.text:
                continue
            # Only the text of this paragraph, not of one nested in a text box inside it.
            owner = next(a for a in el.iterancestors() if _local(a) == "p")
            if owner is not p:
                continue
            change = next(
                (a for a in el.iterancestors() if _local(a) in ("ins", "del", "moveTo", "moveFrom")), None
            )
            kind = None if change is None else (INSERT if _local(change) in ("ins", "moveTo") else DELETE)
            if name == "delText" and kind is None:
                kind = DELETE
            text = el.text
            start = len(para.rejected)
            if kind != INSERT:
                para.rejected += text
            if kind != DELETE:
                para.accepted += text
            if kind is None:
                continue
            author, date = (
                _w(change, "author") if change is not None else "",
                (_w(change, "date") if change is not None else ""),
            )
            last = para.changes[-1] if para.changes else None
            end = len(para.rejected)
            if last and last.kind == kind and last.author == author and last.end == start:
                para.changes[-1] = ReadChange(kind, author, last.date, last.text + text, last.start, end)
            else:
                para.changes.append(ReadChange(kind, author, date, text, start, end))
        paragraphs.append(para)
    comments: list[ReadComment] = []
    for comment in comments_root.iter(f"{{{_W_NS}}}comment") if comments_root is not None else ():
        cid = _w(comment, "id")
        where = anchors.get(cid) or references.get(cid)
        text = "\n".join(
            "".join(t.text or "" for t in p.iter(f"{{{_W_NS}}}t")) for p in comment.iter(f"{{{_W_NS}}}p")
        )
        comments.append(ReadComment(_w(comment, "author"), _w(comment, "date"), text, *(where or (-1, 0))))
    return TrackedRead(paragraphs, comments)


@dataclass
class Placement:
    suggestions: list[dict[str, Any]]  # {"block_id", "field": "title" | "text", "author", "date", "text"}
    comments: list[dict[str, Any]]  # {"block_id", "author", "date", "text"}
    unplaced: list[dict[str, Any]]  # {"reason", "author", "text"}


def _source_map(para: Para) -> tuple[str, list[Source | None]]:
    """The paragraph's text as written to the file (what _tracked_paragraph_xml keeps of it) and,
    per character, the block field it comes from (None: numbering, a computed "。")."""
    text: list[str] = []
    sources: list[Source | None] = []
    for run in para.runs:
        run_sources = getattr(run, "sources", None) or [None] * len(run.text)
        for ch, src in zip(run.text, run_sources, strict=True):
            if _NOT_TEXT.match(ch) or (not text and ch in _LEADING_SPACE):
                continue
            text.append(ch)
            sources.append(src)
    return "".join(text), sources


def _apply(original: str, changes: list[tuple[int, int, str]]) -> str:
    """Field text with (start, end, inserted) changes applied (offsets into `original`)."""
    out: list[str] = []
    pos = 0
    for start, end, inserted in sorted(changes, key=lambda c: (c[0], c[1])):
        out.append(original[pos:start])
        out.append(inserted)
        pos = max(pos, end)
    out.append(original[pos:])
    return "".join(out)


def place_suggestions(read: TrackedRead, snapshot: Mapping[str, Any]) -> Placement:
    """The revisions and comments of a marked-up file as suggestions and comments on the blocks of
    `snapshot` (the submission the file was exported from), one suggestion per block, field and
    author, with the field's full proposed text. Paragraphs are matched by their original text in
    order; what cannot be placed is in `unplaced` with a Chinese reason, never dropped."""
    planned = _sanitize(snapshot)
    layout = layout_paragraphs(planned, flatten=_flattener([]))
    maps = [_source_map(p) for p in layout]
    texts: dict[tuple[Any, str], str] = {}
    for visit in walk(planned.get("blocks") or ()):
        for key in ("title", "lead", "text"):
            texts[(visit.node.get("id"), key)] = visit.node.get(key) or ""
    placement = Placement([], [], [])
    edits: dict[tuple[Any, str, str], list[tuple[int, int, str]]] = {}
    dates: dict[tuple[Any, str, str], str] = {}

    def lost(reason: str, author: str, text: str) -> None:
        placement.unplaced.append({"reason": reason, "author": author, "text": text})

    matched: dict[int, int] = {}  # read paragraph -> layout paragraph
    cursor = 0
    for index, para in enumerate(read.paragraphs):
        if not para.rejected:
            continue
        j = next((k for k in range(cursor, len(maps)) if maps[k][0] == para.rejected), None)
        if j is not None:
            matched[index] = j
            cursor = j + 1

    for index, para in enumerate(read.paragraphs):
        if not para.changes and not para.mark:
            continue
        author = para.changes[0].author if para.changes else para.mark_author
        if not para.rejected:
            lost("新增的整段文字无法对应到原文中的段落，请手工处理", author, para.accepted)
            continue
        if para.mark or index not in matched:
            reason = "拆分或合并了段落" if para.mark else "这一段与导出时的原文对不上"
            lost(f"{reason}，无法对应到原文中的段落，请手工处理", author, para.accepted)
            continue
        if not para.accepted:
            lost("整段删除无法作为修改建议，请手工处理", author, para.rejected)
            continue
        if not layout[matched[index]].block_ids:
            lost(
                "报告标题、导语、结语、署名和日期的修改暂不能作为修改建议，请手工处理", author, para.accepted
            )
            continue
        sources = maps[matched[index]][1]
        for change in para.changes:
            if change.kind == DELETE:
                spots = [s for s in sources[change.start : change.end] if s is not None]
            else:
                before = sources[change.start - 1] if change.start else None
                after = sources[change.start] if change.start < len(sources) else None
                spots = [before or after] if (before or after) else []
            fields = {(s[0], s[1]) for s in spots}
            if len(fields) != 1:
                reason = "修改跨越了两处内容" if fields else "修改的是自动生成的编号或标点"
                lost(f"{reason}，无法作为修改建议，请手工处理", change.author, change.text)
                continue
            block_id, key = fields.pop()
            if change.kind == DELETE:
                start, end = spots[0][2], spots[-1][2] + 1
                edit = (start, end, "")
            else:
                at = before[2] + 1 if before is not None else after[2]  # type: ignore[index]
                edit = (at, at, change.text)
            slot = (block_id, key, change.author)
            edits.setdefault(slot, []).append(edit)
            dates.setdefault(slot, change.date)

    for (block_id, key, author), changes in edits.items():
        placement.suggestions.append(
            {
                "block_id": block_id,
                "field": "title" if key in ("title", "lead") else "text",
                "author": author,
                "date": dates[(block_id, key, author)],
                "text": _apply(texts[(block_id, key)], changes),
            }
        )

    for comment in read.comments:
        if comment.paragraph not in matched:
            lost("批注不在正文的标题、要点或段落上，无法挂到具体内容", comment.author, comment.text)
            continue
        sources = maps[matched[comment.paragraph]][1]
        spot = next((s for s in sources[comment.offset :] if s is not None), None)
        spot = spot or next((s for s in sources if s is not None), None)
        if spot is None:
            lost("批注不在正文的标题、要点或段落上，无法挂到具体内容", comment.author, comment.text)
            continue
        placement.comments.append(
            {"block_id": spot[0], "author": comment.author, "date": comment.date, "text": comment.text}
        )
    return placement
