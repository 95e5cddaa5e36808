"""python manage.py proofread ID|FILE [--json]

Proofread (校对) a report by id (its live text, with the bureau's 提法 list, metrics and the kind's
sections) or a .txt / .docx file (read as the importer reads it, checked with the starter 提法
list). --json prints one object {"findings": [...]}: each finding has "paragraph" (for a FILE the
0-based index among the file's non-empty paragraphs — a .txt line, a .docx paragraph; for a report
the index among its non-empty texts in document order), "start"/"end" (offsets into that
paragraph's text), "text", "rule", "severity", "message", "fix"; a report's findings also say
where they are ("where", "block", "field"). Exits 0 whenever it ran, whatever it found.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.core.importer import ImportRefused
from reports.core.importer.upload import read_upload
from reports.core.proofread import load_phrases, paragraphs_json
from reports.models import Report
from reports.selectors import proofread as proofread_selectors

_KEYS = ("start", "end", "text", "rule", "severity", "message", "fix")


def file_paragraphs(path: Path) -> list[str]:
    """The paragraphs of a .txt (its lines) or a .docx (its paragraphs, table cells flattened) as
    the importer reads them; ImportRefused for a file it refuses."""
    content = read_upload(path.read_bytes(), path.name)
    if isinstance(content, str):
        return content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [p.text for p in content]


def report_json(report: Report) -> dict:
    """The open findings of a report, in the FILE answer's shape plus where each one is."""
    found = proofread_selectors.report_proofread(report)
    places = [p for p in found.places if p.text.strip()]
    index = {(p.block_id, p.field): i for i, p in enumerate(places)}
    out = []
    for item in found.items:
        paragraph = index.get((item.block_id, item.field))
        if paragraph is None:  # a section as a whole: its heading's title
            paragraph = index.get((item.block_id, "title"), index.get((item.block_id, "text")))
        out.append(
            {
                "paragraph": paragraph,
                **{key: getattr(item.finding, key) for key in _KEYS},
                "where": item.label,
                "block": item.block_id,
                "field": item.field,
            }
        )
    return {"findings": out, "ignored": len(found.ignored)}


class Command(BaseCommand):
    help = "校对报告（按编号）或 .txt / .docx 文件：标点、数字、提法、占位符、必填章节等，可输出 JSON。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("target", help="报告编号，或要校对的 .txt / .docx 文件")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（stdout 只有一个 JSON 对象）")

    def handle(self, *args, target: str, json: bool, **options) -> None:
        path = Path(target)
        if target.isdigit() and not path.is_file():
            report = (
                Report.objects.filter(pk=int(target), deleted_at__isnull=True).select_related("kind").first()
            )
            if report is None:
                raise CommandError(f"报告不存在：{target}")
            data = report_json(report)
            name = f"报告 {report.pk}《{report.title}》"
            paragraphs = None
        else:
            if not path.is_file():
                raise CommandError(f"文件不存在：{target}")
            try:
                paragraphs = [p for p in file_paragraphs(path) if p.strip()]
            except ImportRefused as refused:
                raise CommandError(str(refused)) from refused
            data = paragraphs_json(paragraphs, phrases=load_phrases())
            name = path.name
        if json:
            self.stdout.write(_dumps(data))
            return
        self._listing(name, data, paragraphs)

    def _listing(self, name: str, data: dict, paragraphs: list[str] | None) -> None:
        findings = data["findings"]
        errors = sum(1 for f in findings if f["severity"] == "error")
        self.stdout.write(
            f"{name}：发现 {len(findings)} 处（错误 {errors} 处，提示 {len(findings) - errors} 处）"
        )
        if data.get("ignored"):
            self.stdout.write(f"另有 {data['ignored']} 处已忽略。")
        for f in findings:
            where = f.get("where") or (f"第{f['paragraph'] + 1}段" if f["paragraph"] is not None else "")
            level = "错误" if f["severity"] == "error" else "提示"
            line = f"[{level} {f['rule']}] {where}"
            if f["text"]:
                line += f" “{f['text']}”"
            line += f"：{f['message']}"
            if f["fix"] is not None:
                line += f"（建议：{'改为“' + f['fix'] + '”' if f['fix'] else '删除'}）"
            self.stdout.write(line)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
