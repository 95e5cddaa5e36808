"""python manage.py seed_demo — idempotent demo bureau, users and one report of each kind.

Demo accounts have public passwords, so the command refuses to run when DEBUG is off unless it is
forced (`--force`, or SEED_DEMO=force in the environment, as docker-compose passes it). A demo
password is set only on a user it creates or whose password is unusable or still the demo one: a
password that an operator changed is never reset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports.models import Bureau, Deadline, Department, Membership, Metric, Report, ReportKind, SensitiveTerm
from reports.services import members as member_services
from reports.services import proofread as proofread_services
from reports.services import reports as report_services
from reports.services import search as search_services
from reports.services import suggestions as suggestion_services
from reports.services import workflow as workflow_services

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
BUREAU = "示范市财政局"
DEPARTMENTS = ["办公室", "预算科", "国库科", "综合科"]
OUTSIDER_BUREAU = "邻市财政局"
# kind, year, due date (the 2025 ones are past due in the demo, so the dashboard shows 已逾期)
DEADLINES = [
    ("duty", 2025, dt.date(2026, 1, 10)),
    ("party_duty", 2025, dt.date(2026, 1, 10)),
    ("annual_summary", 2025, dt.date(2026, 1, 20)),
    ("work_plan", 2026, dt.date(2026, 12, 20)),
]
# username, full name, role, department, password (demo only: printed; set on creation only)
USERS = [
    ("drafter", "李文", Membership.Role.DRAFTER, "办公室", "drafter-demo-2025"),
    ("budget", "陈静", Membership.Role.DRAFTER, "预算科", "budget-demo-2025"),
    ("leader", "王建国", Membership.Role.LEADER, "办公室", "leader-demo-2025"),
    ("admin", "赵敏", Membership.Role.ADMIN, "办公室", "admin-demo-2025"),
]
OUTSIDER = ("outsider", "周强", Membership.Role.DRAFTER, "办公室", "outsider-demo-2025")


def demo_contents() -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(DEMO_DIR.glob("*.json"))
        if p.name != "metrics.json"
    ]


def seed_metrics(bureau: Bureau, user) -> int:
    """The demo 指标库 from reports/demo/metrics.json (values reset on every run). A metric's own
    "year" overrides the file's (the 2026 工作计划's targets are 2026 metrics)."""
    path = DEMO_DIR / "metrics.json"
    if not path.exists():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["metrics"]:
        Metric.objects.update_or_create(
            bureau=bureau,
            year=item.get("year", data["year"]),
            period=data.get("period", ""),
            name=item["name"],
            defaults={
                "value": _decimal(item.get("value")),
                "unit": item.get("unit", ""),
                "decimals": item.get("decimals", 1),
                "prior_value": _decimal(item.get("prior")),
                "budget_value": _decimal(item.get("budget")),
                "source": item.get("source", ""),
                "status": Metric.Status.CONFIRMED if item.get("confirmed") else Metric.Status.PROVISIONAL,
                "updated_by": user,
            },
        )
    for term in data.get("sensitive_terms", []):
        SensitiveTerm.objects.get_or_create(bureau=bureau, term=term)
    return len(data["metrics"])


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


REFUSED = (
    "DEBUG 未开启，拒绝创建演示数据：演示账号（admin 等）的密码是公开的。"
    "确需在此环境创建，请运行 seed_demo --force（或设置 SEED_DEMO=force）。\n"
    "Refusing to seed demo data with DEBUG off: demo accounts have public passwords. "
    "Use seed_demo --force (or SEED_DEMO=force) if you really mean it."
)


def _user(bureau: Bureau, spec: tuple) -> tuple[object, bool]:
    """The demo user and whether it has the demo password (False: an operator changed it, kept)."""
    username, full_name, role, department_name, password = spec
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
    demo_password = created or not user.has_usable_password()
    if demo_password:
        user.set_password(password)
        user.save()
    department = Department.objects.get(bureau=bureau, name=department_name)
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"bureau": bureau, "department": department, "role": role}
    )
    if role == Membership.Role.LEADER:
        membership.supervises.set(bureau.departments.all())
    member_services.membership_sync_staff(membership)  # the admin gets the bureau-scoped Django admin
    return user, demo_password or user.check_password(password)


# The report that shows leaders' suggestions (留痕) at first login: submitted, with the demo
# leader's insertion, deletion and replacement, and a comment. Kept out of DEMO_DIR's top level so
# the four reports above keep their order (tests approve the first three).
SUGGESTED = DEMO_DIR / "suggestions" / "duty_deputy.json"


def seed_suggestions(bureau: Bureau, users: dict) -> int:
    """Create the submitted 副局长 述职报告 with three suggestions and a comment (once). Returns 1
    when it was created."""
    content = json.loads(SUGGESTED.read_text(encoding="utf-8"))
    kind = ReportKind.objects.get(code=content["kind"])
    if Report.objects.filter(bureau=bureau, kind=kind, subject=content["subject"]).exists():
        return 0
    report = report_services.report_create_from_content(
        user=users["drafter"], bureau=bureau, kind=kind, content=content
    )
    workflow_services.report_submit(report=report, user=users["drafter"])
    report = Report.objects.get(pk=report.pk)
    first, second, third = report.blocks.filter(type="point").order_by("position", "id")[:3]
    leader = users["leader"]

    def suggest(block, field: str, text: str) -> None:
        suggestion_services.suggestion_save(block=block, field=field, text=text, user=leader)

    # an insertion, a deletion (the last clause) and a replacement (the lead's first words)
    suggest(first, "text", first.text.rstrip("。") + "，切实把学习成果转化为推动财政高质量发展的实际成效。")
    cut = second.text.rstrip("。").rfind("，")
    suggest(second, "text", second.text[:cut] + "。" if cut > 0 else second.text[: len(second.text) // 2])
    suggest(
        second, "title", "坚持" + second.title[4:] if len(second.title) > 4 else second.title + "（修改）"
    )
    workflow_services.comment_add(
        report=report, user=leader, block=third, text="请补充重点任务的完成情况和具体成效。"
    )
    return 1


# Last year's 工作总结 of the same bureau, approved: 去年同节 beside the 2025 one (some sections
# renamed or moved, one point nearly copied, which the check panel flags). Kept out of DEMO_DIR's
# top level like the report above.
LAST_YEAR = DEMO_DIR / "last_year" / "annual_summary_2024.json"


def seed_last_year(bureau: Bureau, users: dict) -> int:
    """Create and approve the 2024 工作总结 (once). Returns 1 when it was created."""
    content = json.loads(LAST_YEAR.read_text(encoding="utf-8"))
    kind = ReportKind.objects.get(code=content["kind"])
    if Report.objects.filter(bureau=bureau, kind=kind, title=content["title"]).exists():
        return 0
    report = report_services.report_create_from_content(
        user=users["drafter"], bureau=bureau, kind=kind, content=content
    )
    revision = workflow_services.report_submit(report=report, user=users["drafter"])
    workflow_services.report_approve(
        report=Report.objects.get(pk=report.pk), user=users["leader"], revision_id=revision.pk
    )
    return 1


class Command(BaseCommand):
    help = "创建（或更新）演示数据：示范市财政局、各角色用户、每类报告各一份。可重复运行。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="DEBUG 未开启时也创建（演示账号密码公开，慎用）"
        )

    def handle(self, *args, **options) -> None:
        forced = options["force"] or os.environ.get("SEED_DEMO", "").lower() == "force"
        if not settings.DEBUG and not forced:
            raise CommandError(REFUSED)
        if not settings.DEBUG:
            self.stderr.write("警告：DEBUG 未开启，仍按 --force 创建演示账号，其密码是公开的。")
        self._seed()
        # the index follows every write after commit; this also builds it for demo reports made
        # before search existed (a re-run creates nothing new)
        for name in (BUREAU, OUTSIDER_BUREAU):
            search_services.search_reindex_all(bureau_id=Bureau.objects.get(name=name).pk)

    @transaction.atomic
    def _seed(self) -> None:
        report_services.kinds_sync()
        bureau, _ = Bureau.objects.get_or_create(name=BUREAU)
        for name in DEPARTMENTS:
            Department.objects.get_or_create(bureau=bureau, name=name)
        outsider_bureau, _ = Bureau.objects.get_or_create(name=OUTSIDER_BUREAU)
        Department.objects.get_or_create(bureau=outsider_bureau, name="办公室")
        for each in (bureau, outsider_bureau):
            proofread_services.phrases_seed(bureau=each)  # the starter 提法 list
        seeded = {spec[0]: _user(bureau, spec) for spec in USERS}
        seeded[OUTSIDER[0]] = _user(outsider_bureau, OUTSIDER)
        users = {name: user for name, (user, _demo_password) in seeded.items()}

        metric_count = seed_metrics(bureau, users["admin"])
        for code, year, due in DEADLINES:
            Deadline.objects.get_or_create(
                bureau=bureau, kind=ReportKind.objects.get(code=code), year=year, defaults={"due_date": due}
            )
        created = 0
        for content in demo_contents():
            kind = ReportKind.objects.get(code=content["kind"])
            if Report.objects.filter(bureau=bureau, kind=kind, title=content["title"]).exists():
                continue
            report_services.report_create_from_content(
                user=users["drafter"], bureau=bureau, kind=kind, content=content
            )
            created += 1
        created += seed_suggestions(bureau, users)
        created += seed_last_year(bureau, users)

        self.stdout.write(
            f"演示数据就绪：{BUREAU}，新建报告 {created} 份（已有的不重复创建），指标 {metric_count} 项。"
        )
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, full_name, role, _dept, password in [*USERS, OUTSIDER]:
            shown = password if seeded[username][1] else "（密码已被修改，未重置）"
            self.stdout.write(f"  {username} / {shown} / {Membership.Role(role).label}（{full_name}）")
