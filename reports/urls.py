"""Every route of the app, to the view module and function that answers it."""

from django.urls import path

from .views import editor, imports, metrics, packets, previews, proofread, reports, reuse, review, search

urlpatterns = [
    # the report list and the 回收站
    path("", reports.report_list, name="report_list"),
    path("reports/new/", reports.report_create, name="report_create"),
    path("reports/trash/", reports.report_trash, name="report_trash"),
    path("reports/<int:pk>/delete/", reports.report_delete, name="report_delete"),
    path("reports/<int:pk>/restore/", reports.report_restore, name="report_restore"),
    path("reports/<int:pk>/purge/", reports.report_purge, name="report_purge"),
    # search (检索) over the passages of every report the user may open
    path("search/", search.search, name="search"),
    # the editor
    path("reports/<int:pk>/", editor.report_edit, name="report_edit"),
    path("reports/<int:pk>/outline/", editor.report_outline, name="report_outline"),
    path("reports/<int:pk>/fields/", editor.report_fields_save, name="report_fields_save"),
    path("reports/<int:pk>/preview/", editor.report_preview, name="report_preview"),
    path("reports/<int:pk>/blocks/", editor.block_add, name="block_add"),
    path("blocks/<int:pk>/save/", editor.block_save, name="block_save"),
    path("blocks/<int:pk>/delete/", editor.block_delete, name="block_delete"),
    path("blocks/<int:pk>/move/", editor.block_move, name="block_move"),
    # 去年同节 and reuse of last year's text
    path("blocks/<int:pk>/last-year/", reuse.last_year_section, name="last_year_section"),
    path("blocks/<int:pk>/reuse/", reuse.block_reuse, name="block_reuse"),
    # proofreading (校对)
    path("reports/<int:pk>/proofread/", proofread.report_proofread, name="report_proofread"),
    path("reports/<int:pk>/proofread/fix/", proofread.report_proofread_fix, name="report_proofread_fix"),
    path("reports/<int:pk>/proofread/ignore/", proofread.finding_ignore, name="finding_ignore"),
    # exports
    path("reports/<int:pk>/exports/", editor.export_create, name="export_create"),
    path("exports/<int:pk>/", editor.export_status, name="export_status"),
    path("exports/<int:pk>/retry/", editor.export_retry, name="export_retry"),
    path("exports/<int:pk>/download/", editor.export_download, name="export_download"),
    # meeting packets (材料汇编)
    path("packets/", packets.packet_list, name="packet_list"),
    path("packets/new/", packets.packet_new, name="packet_new"),
    path("packets/rank/", packets.packet_rank_save, name="packet_rank_save"),
    path("packets/<int:pk>/", packets.packet_detail, name="packet_detail"),
    path("packets/<int:pk>/status/", packets.packet_status, name="packet_status"),
    path("packets/<int:pk>/retry/", packets.packet_retry, name="packet_retry"),
    path("packets/<int:pk>/download/", packets.packet_download, name="packet_download"),
    path("packets/<int:pk>/preview/", packets.packet_preview, name="packet_preview"),
    # the PDF preview in the browser (page images made by the workers)
    path("reports/<int:pk>/preview/pdf/", previews.report_pdf_preview, name="report_pdf_preview"),
    path("previews/<int:pk>/", previews.preview_detail, name="preview_detail"),
    path("previews/<int:pk>/retry/", previews.preview_retry, name="preview_retry"),
    path("previews/<int:pk>/pages/<int:number>.png", previews.preview_page_image, name="preview_page_image"),
    path("previews/<int:pk>/pdf/", previews.preview_pdf, name="preview_pdf"),
    # the 指标库
    path("reports/<int:pk>/metric-picker/", metrics.metric_picker, name="metric_picker"),
    path("metrics/", metrics.metric_list, name="metric_list"),
    path("metrics/new/", metrics.metric_create, name="metric_create"),
    path("metrics/import/", metrics.metric_import, name="metric_import"),
    path("metrics/import/confirm/", metrics.metric_import_confirm, name="metric_import_confirm"),
    path("metrics/<int:pk>/", metrics.metric_update, name="metric_update"),
    path("metrics/<int:pk>/delete/", metrics.metric_delete, name="metric_delete"),
    # the workflow
    path("reports/<int:pk>/submit/", review.report_submit, name="report_submit"),
    path("reports/<int:pk>/withdraw/", review.report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/redraft/", review.report_redraft, name="report_redraft"),
    path("reports/<int:pk>/approve/", review.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", review.report_return, name="report_return"),
    path(
        "reports/<int:pk>/approve-with-suggestions/",
        review.report_approve_with_suggestions,
        name="report_approve_with_suggestions",
    ),
    # leaders' suggestions (修改建议): made on the review page, decided in the editor
    path("blocks/<int:pk>/suggest/", review.suggestion_save, name="suggestion_save"),
    path("reports/<int:pk>/markup/", review.markup_import, name="markup_import"),
    path("suggestions/<int:pk>/accept/", editor.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:pk>/reject/", editor.suggestion_reject, name="suggestion_reject"),
    path(
        "reports/<int:pk>/suggestions/accept-all/",
        editor.suggestions_accept_all,
        name="suggestions_accept_all",
    ),
    # review, comments, sections, presence
    path("reports/<int:pk>/review/", review.report_review, name="report_review"),
    path("reports/<int:pk>/comments/", review.comment_add, name="comment_add"),
    path("reports/<int:pk>/presence/", review.report_presence, name="report_presence"),
    path("comments/<int:pk>/resolve/", review.comment_resolve, name="comment_resolve"),
    path("blocks/<int:pk>/assign/", review.section_assign, name="section_assign"),
    path("blocks/<int:pk>/done/", review.section_done, name="section_done"),
    path("dashboard/", review.dashboard, name="dashboard"),
    path("audit/", review.audit_log, name="audit_log"),
    path("notifications/", review.notifications, name="notifications"),
    # import and carry forward
    path("reports/import/", imports.report_import, name="report_import"),
    path("reports/import/preview/", imports.report_import_preview, name="report_import_preview"),
    path("reports/import/retype/", imports.report_import_retype, name="report_import_retype"),
    path("reports/import/split/", imports.report_import_split, name="report_import_split"),
    path("reports/import/merge/", imports.report_import_merge, name="report_import_merge"),
    path("reports/import/fields/", imports.report_import_fields, name="report_import_fields"),
    path("reports/import/create/", imports.report_import_create, name="report_import_create"),
    path("reports/<int:pk>/carry-forward/", imports.report_carry_forward, name="report_carry_forward"),
]
