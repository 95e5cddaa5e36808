"""python manage.py import_report FILE [--kind KIND] [--dry-run] [--json] [--user USERNAME] [--year YEAR]

Parse a .docx / .txt report. --json prints exactly one JSON object on stdout (the parsed
structure: see ParsedReport.to_json) and nothing else; messages go to stderr. With --user and
without --dry-run the report is created as a draft of that user's department, figures kept as
literal text; without --user nothing is created.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.core.importer import ImportRefused, kind_codes, parse_upload, size_limit
from reports.errors import DomainError
from reports.models import ReportKind
from reports.services import imports as import_services


class Command(BaseCommand):
    help = "导入 .docx 或 .txt 报告：解析标题、导语、各级标题、要点、结尾和落款，可输出 JSON 或直接新建报告草稿。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="要导入的 .docx 或 .txt 文件")
        parser.add_argument("--kind", choices=kind_codes(), help="报告类型（不填则按内容判断）")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不新建报告")
        parser.add_argument(
            "--json", action="store_true", help="以 JSON 输出解析结果（stdout 只有一个 JSON 对象）"
        )
        parser.add_argument("--user", help="新建报告的起草人用户名（不加 --dry-run 时必填）")
        parser.add_argument("--year", type=int, help="报告年度（不填则按内容判断）")

    def handle(
        self, *args, file: str, kind: str | None, dry_run: bool, json: bool, user: str | None, **options
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        limit = size_limit(path.name)
        size = path.stat().st_size
        if size > limit:  # checked before reading a byte
            raise CommandError(
                f"文件过大（{size / 1024 / 1024:.1f} MB），此类文件上限为 {limit // 1024 // 1024} MB"
            )
        owner = None
        if not dry_run and not user:
            # Nobody to own a new report: parse and print only (so `--json` alone is always safe).
            dry_run = True
            self.stderr.write("未指定 --user，只解析不新建报告（新建请加 --user 起草人用户名）。")
        if not dry_run:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"用户不存在：{user}")
        try:
            parsed = parse_upload(path.read_bytes(), path.name, kind)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from refused

        if json:
            self.stdout.write(_dumps(parsed.to_json()))
        else:
            self._summary(parsed)
        if dry_run:
            return

        year = options.get("year") or parsed.year
        if year is None:
            raise CommandError("未识别到报告年度，请用 --year 指定")
        if parsed.kind is None:
            raise CommandError("无法判断报告类型，请用 --kind 指定")
        kind_row = ReportKind.objects.filter(code=parsed.kind).first()
        if kind_row is None:
            raise CommandError(f"报告类型不存在：{parsed.kind}（请先运行 migrate）")
        try:
            result = import_services.report_import_create(user=owner, parsed=parsed, kind=kind_row, year=year)
        except DomainError as error:
            raise CommandError(str(error)) from error
        message = f"已新建报告 {result.report.pk}：{result.report.title}"
        (self.stderr if json else self.stdout).write(message)

    def _summary(self, parsed) -> None:
        out = self.stdout
        out.write(f"标题：{parsed.title or '（未识别）'}")
        out.write(f"类型：{parsed.kind or '（未识别）'}　年度：{parsed.year or '（未识别）'}")
        headings = [i for i in parsed.items if i.type == "heading"]
        points = [i for i in parsed.items if i.type == "point"]
        out.write(f"标题 {len(headings)} 个，要点 {len(points)} 个")
        for item in headings:
            out.write("　" * (item.level - 1) + f"{item.level}级：{item.title}")
        for warning in parsed.warnings:
            out.write(f"提示：{warning}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
