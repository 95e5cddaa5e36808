"""Builders for drafts that are ready for the workflow (tests/conftest.py's report fixture and the
worlds of the workflow, concurrency and permission tests)."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.models import Block, Report, Revision
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


def approved_duty_copies(count: int, tag: str = "") -> list[int]:
    """`count` approved copies of the demo 述职报告 (seed_demo, approved once), each under its own
    subject ("{tag}干部{k}"): content no earlier packet has rendered when the tag is new."""
    demo = next(r for r in demo_reports() if r.kind.code == "duty")
    if not demo.approved_revision_id:
        approve(demo)
        demo = Report.objects.get(pk=demo.pk)
    ids = []
    for k in range(count):
        subject = f"{tag}干部{k + 1}"
        copy = Report.objects.create(
            bureau=demo.bureau,
            department=demo.department,
            kind=demo.kind,
            year=demo.year,
            title=demo.title,
            subject=subject,
            status=Report.Status.APPROVED,
            created_by=demo.created_by,
        )
        snapshot = dict(demo.approved_revision.snapshot, subtitle=f"（{subject}）")
        copy.approved_revision = Revision.objects.create(report=copy, number=1, snapshot=snapshot)
        copy.save(update_fields=["approved_revision"])
        ids.append(copy.pk)
    return ids
