"""The editor page's context: the numbered outline with previews, access, comments and
proofreading findings, the check panel, the latest export, and what the user may do."""

from __future__ import annotations

from typing import Any

from .. import permissions
from ..core.outline import section_stats
from ..core.tree import walk
from ..models import Report
from . import exports as export_selectors
from . import members as member_selectors
from . import metrics as metric_selectors
from . import proofread as proofread_selectors
from . import reports as report_selectors
from . import reuse as reuse_selectors
from . import review as review_selectors
from . import suggestions as suggestion_selectors

__all__ = ["editor_context"]


def editor_context(*, report: Report, user) -> dict[str, Any]:
    """Everything reports/report_edit.html renders, for `user` (who may open `report`)."""
    membership = member_selectors.membership_for(user)
    tree = report_selectors.report_tree(report)
    metrics = metric_selectors.metric_values_for_report(report)
    report_selectors.annotate_previews(tree, metrics)
    comments = review_selectors.report_comments(report)
    open_by_block = review_selectors.comments_by_block([c for c in comments if not c.resolved])
    report_selectors.annotate_access(tree, membership, report, open_by_block)
    can_edit_report = permissions.can_edit_report(membership, report)
    proofread = proofread_selectors.report_proofread(report, tree=tree, metrics=metrics)
    findings = proofread_selectors.report_findings_by_block(proofread)
    suggestions = suggestion_selectors.suggestions_by_block(report)
    for visit in walk(tree, children=lambda n: n.children):
        visit.node.findings = findings.get(visit.node.block.pk, [])
        visit.node.suggestions = suggestions.get(visit.node.block.pk, [])
    last_year = reuse_selectors.last_year_for_editor(user=user, report=report, tree=tree)
    return {
        "last_year": last_year,
        "proofread": proofread,
        "fields_findings": proofread_selectors.fields_findings_of(proofread),
        "report": report,
        "tree": tree,
        "stats": section_stats(tree),
        "total_chars": report_selectors.report_body_chars(report, tree),
        "check": report_selectors.report_check(report, tree, metrics),
        "export": export_selectors.export_latest(report=report),
        "membership": membership,
        "can_edit_report": can_edit_report,
        "can_submit": permissions.can_submit(membership, report),
        "can_review": permissions.can_review(membership, report),
        "report_comments": open_by_block.get(None, []),
        "suggestion_authors": suggestion_selectors.suggestion_authors(suggestions),
        "suggestion_count": sum(len(v) for v in suggestions.values()),
        "suggestion_stale": sum(v.stale for views in suggestions.values() for v in views),
        "departments": report.bureau.departments.all() if can_edit_report else [],
    }
