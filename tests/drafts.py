"""Builders for drafts that are ready for the workflow (tests/conftest.py's report fixture and the
worlds of the workflow, concurrency and permission tests)."""

from __future__ import annotations

from reports.models import Block


def fill_required_sections(report) -> None:
    """Write a sentence into every empty required section of `report`: proofreading refuses to
    submit a report whose required sections (of its kind) are empty (D03)."""
    Block.objects.filter(report=report, parent=None, required=True, text="").update(text="本节已按要求撰写。")
