from django.urls import path

from . import import_urls, views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/trash/", views.report_trash, name="report_trash"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report_delete"),
    path("reports/<int:pk>/restore/", views.report_restore, name="report_restore"),
    path("reports/<int:pk>/purge/", views.report_purge, name="report_purge"),
    path("reports/<int:pk>/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/outline/", views.report_outline, name="report_outline"),
    path("reports/<int:pk>/fields/", views.report_fields_save, name="report_fields_save"),
    path("reports/<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("reports/<int:pk>/blocks/", views.block_add, name="block_add"),
    path("reports/<int:pk>/exports/", views.export_create, name="export_create"),
    path("blocks/<int:pk>/save/", views.block_save, name="block_save"),
    path("blocks/<int:pk>/delete/", views.block_delete, name="block_delete"),
    path("blocks/<int:pk>/move/", views.block_move, name="block_move"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export_retry"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("reports/<int:pk>/metric-picker/", views.metric_picker, name="metric_picker"),
    path("metrics/", views.metric_list, name="metric_list"),
    path("metrics/new/", views.metric_create, name="metric_create"),
    path("metrics/import/", views.metric_import, name="metric_import"),
    path("metrics/import/confirm/", views.metric_import_confirm, name="metric_import_confirm"),
    path("metrics/<int:pk>/", views.metric_update, name="metric_update"),
    path("metrics/<int:pk>/delete/", views.metric_delete, name="metric_delete"),
    path("reports/<int:pk>/submit/", views.report_transition, {"action": "submit"}, name="report_submit"),
    path(
        "reports/<int:pk>/withdraw/", views.report_transition, {"action": "withdraw"}, name="report_withdraw"
    ),
    path("reports/<int:pk>/redraft/", views.report_transition, {"action": "redraft"}, name="report_redraft"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("reports/<int:pk>/presence/", views.report_presence, name="report_presence"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("blocks/<int:pk>/assign/", views.section_assign, name="section_assign"),
    path("blocks/<int:pk>/done/", views.section_done, name="section_done"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", views.notifications, name="notifications"),
]

urlpatterns += import_urls.urlpatterns
