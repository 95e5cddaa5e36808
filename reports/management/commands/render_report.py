"""python manage.py render_report ID… --out DIR [--masked [--mask-years] [--metrics-only]] [--tracked] [--format docx|pdf]"""

from __future__ import annotations

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.errors import DomainError
from reports.models import Report
from reports.services import exports as export_services


class Command(BaseCommand):
    help = "将报告渲染为 GB/T 9704 版式的 Word（或经 LibreOffice 转成 PDF）文件，可输出脱敏稿。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="+", type=int, help="报告编号")
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument(
            "--masked",
            action="store_true",
            help="输出脱敏稿：全部数字替换为 *（保留报告年度及下一年度的年份），敏感词替换为 **",
        )
        parser.add_argument("--mask-years", action="store_true", help="脱敏稿中年份也替换为 ****")
        parser.add_argument(
            "--metrics-only",
            action="store_true",
            help="脱敏稿只隐去指标数字（不推荐：手工录入的数字原样保留）",
        )
        parser.add_argument(
            "--tracked",
            action="store_true",
            help="输出花脸稿：最近一次提交的文本，领导未处理的修改建议为 Word 修订、未解决的批注为 Word 批注（可与 --masked 同用）",
        )
        # Before the default masked every number this flag asked for it; still accepted, a no-op.
        parser.add_argument("--mask-all-numbers", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, ids: list[int], out: str, format: str, masked: bool, **options) -> None:
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        reports = {r.pk: r for r in Report.objects.select_related("kind").filter(pk__in=ids)}
        missing = [i for i in ids if i not in reports]
        if missing:
            raise CommandError(f"报告不存在：{', '.join(map(str, missing))}")
        for pk in ids:
            try:
                name, content = export_services.report_render(
                    report=reports[pk],
                    masked=masked,
                    mask_years=options["mask_years"],
                    metrics_only=options["metrics_only"],
                    tracked=options["tracked"],
                )
            except DomainError as error:
                raise CommandError(f"报告{pk}：{error}") from error
            if format == "pdf":
                from reports.core.pdf import docx_to_pdf

                content = docx_to_pdf(content)
                name = name.removesuffix(".docx") + ".pdf"
            path = out_dir / name
            path.write_bytes(content)
            self.stdout.write(f"{pk}\t{path}")
