"""Builders for drafts that are ready for the workflow (tests/conftest.py's report fixture and the
worlds of the workflow, concurrency and permission tests)."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.models import Block, Report
from reports.services import workflow as workflow_services


def fill_required_sections(report) -> None:
    """Write a sentence into every empty required section of `report`: proofreading refuses to
    submit a report whose required sections (of its kind) are empty (D03)."""
    Block.objects.filter(report=report, parent=None, required=True, text="").update(text="本节已按要求撰写。")


def demo_reports() -> list[Report]:
    """The demo bureau's reports (seed_demo), in creation order."""
    call_command("seed_demo", stdout=io.StringIO())
    return list(Report.objects.filter(bureau__name="示范市财政局").order_by("pk"))


def approve(report) -> None:
    """Submit as the demo drafter and approve as the demo leader (the report's approved revision)."""
    users = get_user_model().objects
    revision = workflow_services.report_submit(report=report, user=users.get(username="drafter"))
    workflow_services.report_approve(
        report=Report.objects.get(pk=report.pk), user=users.get(username="leader"), revision_id=revision.pk
    )
