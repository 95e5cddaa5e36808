"""Routes of the report import and carry-forward (include from reports/urls.py)."""

from django.urls import path

from .views import imports

urlpatterns = [
    path("reports/import/", imports.report_import, name="report_import"),
    path("reports/import/preview/", imports.report_import_preview, name="report_import_preview"),
    path("reports/import/create/", imports.report_import_create, name="report_import_create"),
    path("reports/<int:pk>/carry-forward/", imports.report_carry_forward, name="report_carry_forward"),
]
