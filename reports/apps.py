from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import middleware, tasks  # noqa: F401 — tasks: register them (services queue them by name)
        from .services import reports as report_services

        # Kinds are data files; mirror them into the database after every migrate.
        post_migrate.connect(report_services.kinds_sync_after_migrate, sender=self)
        # A login writes the session anyway: it counts as activity (no second write right after).
        user_logged_in.connect(middleware.session_mark_activity)
