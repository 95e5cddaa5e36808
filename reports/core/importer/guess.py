"""Guessing a parsed report's kind and year from its words (the user confirms both in the preview)."""

from __future__ import annotations

import re

from ..years import year_in_range
from .model import HEADING, POINT, ParsedReport

_YEAR = re.compile(r"(?<![0-9０-９])((?:19|20)[0-9]{2})\s*年(?!\s*[—–\-~～至到]\s*[0-9])")
_PLAN_HEADING = re.compile(r"计划|打算|安排|思路|展望")


def guess_kind(report: ParsedReport) -> str | None:
    title, opening = report.title, report.opening
    if "述职" in title or "述廉" in title:
        return "party_duty" if "党建" in title else "duty"
    if "总结" in title:
        return "annual_summary"
    if "计划" in title or "要点" in title:
        return "work_plan"
    points = [item.marker for item in report.items if item.type == POINT and item.marker]
    if points and sum(m.endswith("要") for m in points) * 2 > len(points):
        return "work_plan"
    if "述职" in opening or "履职" in opening or "述廉" in opening:
        return "party_duty" if "党建" in opening else "duty"
    if "总结" in opening:
        return "annual_summary"
    headings = " ".join(item.title for item in report.items if item.type == HEADING and item.level == 1)
    if re.search(r"成效|存在的?问题|总结", headings):
        return "annual_summary"
    if "计划" in opening or "计划" in headings:
        return "work_plan"
    return None


def guess_year(report: ParsedReport) -> int | None:
    """The report's year: from the title, then the opening, then level-1 headings (a 下年计划
    heading counts as the year before), then the date."""

    def first_year(text: str) -> int | None:
        m = _YEAR.search(text)
        return int(m.group(1)) if m else None

    for text in (report.title, report.opening[:200]):
        year = first_year(text)
        if year_in_range(year):
            return year
    for item in report.items:
        if item.type == HEADING and item.level == 1:
            year = first_year(item.title)
            if year_in_range(year):
                plan = _PLAN_HEADING.search(item.title) and report.kind != "work_plan"
                return year - 1 if plan else year
    year = first_year(report.date)
    return year if year_in_range(year) else None
