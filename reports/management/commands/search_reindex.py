"""Rebuild the search index (SearchEntry) of every report, or of one bureau's. Needed once on a
database whose reports predate the index; afterwards every write keeps it up to date (and a
report whose update was lost is caught up by the next search)."""

from django.core.management.base import BaseCommand, CommandError

from reports.models import Bureau
from reports.services import search as search_services


class Command(BaseCommand):
    help = "重建报告内容检索索引（全部报告，或 --bureau 指定的财政局）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bureau", help="只重建该财政局（名称）的报告")

    def handle(self, *args, **options) -> None:
        bureau_id = None
        if options["bureau"]:
            bureau = Bureau.objects.filter(name=options["bureau"]).first()
            if bureau is None:
                raise CommandError(f"没有名为“{options['bureau']}”的财政局。")
            bureau_id = bureau.pk
        reports, rows = search_services.search_reindex_all(bureau_id=bureau_id)
        self.stdout.write(f"检索索引已重建：报告 {reports} 份，段落 {rows} 条。")
