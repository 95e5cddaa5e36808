"""去年同节: last year's matching section beside a heading (loaded when opened), and 插入."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..errors import DomainError
from ..selectors import members as member_selectors
from ..selectors import metrics as metric_selectors
from ..selectors import reports as report_selectors
from ..selectors import reuse as reuse_selectors
from ..services import reports as report_services
from ..services import reuse as reuse_services
from . import editor
from .common import login_required, parse_int


@require_GET
@login_required
def last_year_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The body of heading `pk`'s 去年同节: last year's points and paragraphs of the matched section
    (or of the section picked with ?section=<id>), each with 插入 for whoever may edit this section;
    without a match, last year's sections to pick from."""
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    choice = parse_int(request.GET["section"]) if request.GET.get("section") else None
    last, section = reuse_selectors.last_year_section(user=request.user, block=block, choice=choice)
    membership = member_selectors.membership_for(request.user)
    department_id = report_services.section_department_id(block)
    context = {
        "block": block,
        "report": block.report,
        "last": last,
        "section": section,
        "can_insert": permissions.can_edit_section(membership, block.report, department_id),
    }
    return render(request, "reports/_last_year.html", context)


@require_POST
@login_required
def block_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    """插入: a copy of last year's point or paragraph at the end of heading `pk`'s section (or after
    the block `after`); the answer places the new block (as an add does) and says what became of its
    figures."""
    section = report_selectors.block_get_for_user(user=request.user, pk=pk)
    before = report_selectors.report_numbers(section.report)
    after = None
    if request.POST.get("after"):
        after = report_selectors.block_get_for_user(user=request.user, pk=parse_int(request.POST["after"]))
    try:
        result = reuse_services.block_reuse(
            user=request.user,
            section=section,
            source_report_id=parse_int(request.POST.get("source_report")),
            source_block_id=parse_int(request.POST.get("source_block")),
            after=after,
        )
    except DomainError as error:
        return editor.structure_error(request, error, section.pk)
    return editor.structure_response(
        request,
        section.report,
        before,
        block_id=result.block.pk,
        placement=editor.placement(section, after),
        metrics=metric_selectors.metric_values_for_report(section.report),
        note=result.message,
    )
