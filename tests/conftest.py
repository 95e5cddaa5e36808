"""Shared fixtures: personas (drafter, leader, admin of one bureau; outsider of another), a report."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from drafts import fill_required_sections
from personas import make_member

from bureau.celery import app as celery_app
from reports.models import Bureau, Department, Membership, Metric, ReportKind
from reports.services import reports as report_services

# The suite runs with DEBUG=0 and seeds the demo bureau on purpose (seed_demo refuses that unless
# forced; tests/services/test_commands.py checks the refusal with this unset).
os.environ["SEED_DEMO"] = "force"


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in-process unless a test starts a real worker (tests/services/test_worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def kinds(db):
    report_services.kinds_sync()
    return {k.code: k for k in ReportKind.objects.all()}


@pytest.fixture
def bureau(db):
    bureau = Bureau.objects.create(name="测试市财政局")
    for name in ("办公室", "预算科", "国库科"):
        Department.objects.create(bureau=bureau, name=name)
    return bureau


@pytest.fixture
def other_bureau(db):
    bureau = Bureau.objects.create(name="邻县财政局")
    Department.objects.create(bureau=bureau, name="办公室")
    return bureau


@pytest.fixture
def drafter(bureau):
    return make_member(bureau, "drafter", Membership.Role.DRAFTER)


@pytest.fixture
def leader(bureau):
    return make_member(bureau, "leader", Membership.Role.LEADER)


@pytest.fixture
def admin_user(bureau):
    return make_member(bureau, "admin", Membership.Role.ADMIN)


@pytest.fixture
def wang(bureau):
    """A second leader, 王建国 (of 预算科), who supervises 办公室: reviews the report fixture."""
    user = make_member(bureau, "wang", Membership.Role.LEADER, department="预算科")
    user.first_name = "王建国"
    user.save()
    user.membership.supervises.set([bureau.departments.get(name="办公室")])
    return user


@pytest.fixture
def outsider(other_bureau):
    return make_member(other_bureau, "outsider", Membership.Role.DRAFTER)


@pytest.fixture
def report(drafter, kinds):
    """A 述职报告 draft of the drafter's department, its required sections written (so it may be
    submitted: proofreading refuses empty required sections)."""
    report = report_services.report_create(user=drafter, kind=kinds["duty"], year=2025, subject="局长 王建国")
    fill_required_sections(report)
    return report


@pytest.fixture
def blank_report(drafter, kinds):
    """The same report as created, before anything is written (every section empty)."""
    return report_services.report_create(user=drafter, kind=kinds["duty"], year=2025, subject="局长 王建国")


@pytest.fixture
def income(report):
    """A metric of the report's bureau and year, with its prior-year and budget values."""
    return Metric.objects.create(
        bureau=report.bureau,
        year=2025,
        name="一般公共预算收入",
        value=Decimal("186.4"),
        unit="亿元",
        decimals=1,
        prior_value=Decimal("175.5"),
        budget_value=Decimal("182.2"),
    )
