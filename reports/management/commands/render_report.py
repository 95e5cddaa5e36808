"""python manage.py render_report ID… --out DIR [--format docx|pdf]"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.core.docx_render import render_docx
from reports.models import Report
from reports.selectors import report_file_name, report_snapshot


class Command(BaseCommand):
    help = "将报告渲染为 GB/T 9704 版式的 Word（或经 LibreOffice 转成 PDF）文件。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="+", type=int, help="报告编号")
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")

    def handle(self, *args, ids: list[int], out: str, format: str, **options) -> None:
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        reports = {r.pk: r for r in Report.objects.select_related("kind").filter(pk__in=ids)}
        missing = [i for i in ids if i not in reports]
        if missing:
            raise CommandError(f"报告不存在：{', '.join(map(str, missing))}")
        for pk in ids:
            report = reports[pk]
            content = render_docx(report_snapshot(report), settings.DOCX_LAYOUT)
            name = report_file_name(report)
            if format == "pdf":
                from reports.core.pdf import docx_to_pdf

                content = docx_to_pdf(content)
                name = name.removesuffix(".docx") + ".pdf"
            path = out_dir / name
            path.write_bytes(content)
            self.stdout.write(f"{pk}\t{path}")
