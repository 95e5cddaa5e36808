"""Search report passages from the command line, exactly as USERNAME would on the search page
(the same selector, the same permissions). --json prints {"hits": [...]} best first."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.models import ReportKind
from reports.selectors import search as search_selectors
from reports.services import search as search_services


def _marked(hit) -> str:
    return "".join(f"【{s.text}】" if s.hit else s.text for s in hit.snippet)


class Command(BaseCommand):
    help = '按指定用户的权限检索报告内容：search_reports "预算绩效管理" --user drafter [--year 2024] [--kind duty] [--json]'

    def add_arguments(self, parser) -> None:
        parser.add_argument("query", help="要查找的词语")
        parser.add_argument("--user", required=True, help="以该用户的权限检索（用户名）")
        parser.add_argument("--year", type=int, help="只查该年度")
        parser.add_argument("--kind", help="只查该类型（代码，如 duty、annual_summary）")
        parser.add_argument("--limit", type=int, default=20, help="最多列出的条数（默认20）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"没有用户“{options['user']}”。")
        kind = None
        if options["kind"]:
            kind = ReportKind.objects.filter(code=options["kind"]).first()
            if kind is None:
                codes = "、".join(ReportKind.objects.values_list("code", flat=True))
                raise CommandError(f"没有“{options['kind']}”这种报告类型（可用：{codes}）。")
        search_services.search_catch_up()
        result = search_selectors.search(
            user=user, q=options["query"], year=options["year"], kind=kind, limit=max(1, options["limit"])
        )
        if options["json"]:
            self._json(result)
        else:
            self._text(result)

    def _json(self, result) -> None:
        hits = [
            {
                "report": h.report.pk,
                "title": h.report.title,
                "year": h.report.year,
                "path": h.path,
                "snippet": h.snippet_text,
                "score": h.score,
            }
            for h in result.hits
        ]
        data = {"hits": hits, **({"message": result.message} if result.message else {})}
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _text(self, result) -> None:
        if result.message:
            self.stdout.write(result.message)
            return
        if not result.hits:
            self.stdout.write(f"没有找到含“{result.q}”的段落。")
            return
        for n, h in enumerate(result.hits, 1):
            self.stdout.write(
                f"{n}. 《{h.report.title}》 {h.report.year}年度 {h.path}（{h.report.get_status_display()}，得分 {h.score}）"
            )
            self.stdout.write(f"   {_marked(h)}")
