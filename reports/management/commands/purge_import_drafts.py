"""Delete import previews past their expiry (ImportDraft.TTL). Safe to run from cron at any time;
expired previews are also deleted whenever someone stores a new one."""

from django.core.management.base import BaseCommand

from reports.services import imports as import_services


class Command(BaseCommand):
    help = "删除已过期的导入预览（ImportDraft）。"

    def handle(self, *args, **options) -> None:
        deleted = import_services.import_drafts_purge()
        self.stdout.write(f"已删除过期的导入预览 {deleted} 条。")
