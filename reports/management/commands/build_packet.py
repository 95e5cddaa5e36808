"""python manage.py build_packet ID… --out FILE [--title …] [--date YYYY-MM-DD] [--masked]
[--format docx|pdf|zip] [--drafts] [--double-sided]"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.core.pdf import PdfConversionError
from reports.errors import DomainError, WrongState
from reports.models import Report
from reports.services import packets as packet_services


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "将多份报告的审定版本按顺序汇编为一本 GB/T 9704 版式的会议材料（封面、目录、连续页码）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="+", type=int, help="报告编号，按汇编顺序")
        parser.add_argument("--out", required=True, help="输出文件")
        parser.add_argument("--title", default="", help="会议名称（默认：“<年度>年度工作会议”）")
        parser.add_argument("--date", type=_date, default=None, help="封面日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--masked", action="store_true", help="输出脱敏稿（与单份脱敏稿相同的规则）")
        parser.add_argument("--format", choices=packet_services.PACKET_FORMATS, default="docx")
        parser.add_argument(
            "--drafts", action="store_true", help="使用当前文本（含未审定报告）试排，封面标注“征求意见稿”"
        )
        parser.add_argument("--double-sided", action="store_true", help="双面印刷：每份报告从奇数页开始")

    def handle(self, *args, ids: list[int], out: str, **options) -> None:
        found = {
            r.pk: r
            for r in Report.objects.select_related("kind", "bureau", "approved_revision").filter(pk__in=ids)
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise CommandError(f"报告不存在：{', '.join(map(str, missing))}")
        reports = [found[pk] for pk in ids]
        title = options["title"] or f"{max(r.year for r in reports)}年度工作会议"
        try:
            name, content = packet_services.packet_render(
                reports=reports,
                meeting=title,
                date=options["date"] or timezone.localdate(),
                masked=options["masked"],
                drafts=options["drafts"],
                double_sided=options["double_sided"],
                format=options["format"],
            )
        except WrongState as error:
            raise CommandError(f"{error}如需用当前文本试排，请加 --drafts。") from error
        except DomainError as error:
            raise CommandError(str(error)) from error
        except PdfConversionError as error:
            raise CommandError(f"PDF 转换失败（需要 LibreOffice）：{error}") from error
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stdout.write(f"{path}\t{name}\t{len(reports)} 份报告")
