from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import services

        # Kinds are data files; mirror them into the database after every migrate.
        post_migrate.connect(services.kinds_sync_after_migrate, sender=self)
