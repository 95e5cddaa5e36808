"""The review workflow: every legal transition, every illegal one refused (with a Chinese message,
no audit row, nothing changed), two leaders approving at once on PostgreSQL (exactly one wins),
an approved report frozen against every service and view, and approved exports that a later metric
change cannot alter (while the dashboard raises 数据已变更)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from drafts import fill_required_sections

from reports.errors import DomainError, Forbidden, InvalidInput, NotEditable, WrongState
from reports.models import (
    AuditLog,
    Block,
    Bureau,
    Department,
    Membership,
    Metric,
    Notification,
    Report,
    ReportKind,
    Revision,
)
from reports.selectors import reports as report_selectors
from reports.selectors import review as review_selectors
from reports.services import exports as export_services
from reports.services import metrics as metric_services
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

HX = {"HTTP_HX_REQUEST": "true"}
Role = Membership.Role
METRIC = "一般公共预算收入"
STATES = ["draft", "submitted", "returned", "approved"]
STATE_LABEL = {"draft": "草稿", "submitted": "已提交", "returned": "退回修改", "approved": "已审定"}

# The workflow of issue 4, written out: (transition, source state) -> target state, and who acts.
LEGAL = {
    ("submit", "draft"): "submitted",
    ("submit", "returned"): "submitted",
    ("withdraw", "submitted"): "draft",
    ("approve", "submitted"): "approved",
    ("return", "submitted"): "returned",
    ("redraft", "approved"): "draft",
}
ACTOR = {
    "submit": "owner",
    "withdraw": "owner",
    "redraft": "owner",
    "approve": "supervisor",
    "return": "supervisor",
}
VERB = {
    "submit": "提交审核",
    "withdraw": "撤回提交",
    "approve": "审定",
    "return": "退回修改",
    "redraft": "重新起草",
}
TRANSITIONS = sorted(ACTOR)
ILLEGAL = [(name, state) for name in TRANSITIONS for state in STATES if (name, state) not in LEGAL]
PERSONAS = [
    "owner",
    "assigned",
    "other_drafter",
    "supervisor",
    "supervisor2",
    "other_leader",
    "admin",
    "outsider",
]
WRONG_ROLE = [
    (name, source, persona)
    for (name, source) in LEGAL
    for persona in PERSONAS
    if persona != ACTOR[name] and not (ACTOR[name] == "supervisor" and persona == "supervisor2")
]

CJK = re.compile(r"[\u4e00-\u9fff]")


def is_clear_chinese(message: str) -> bool:
    return bool(CJK.search(message)) and not re.search(r"[A-Za-z]{4,}", message)


@dataclass
class World:
    bureau: Bureau
    users: dict[str, Any]
    departments: dict[str, Department]
    report: Report
    s0: Block
    s1: Block
    p0: Block
    p1: Block
    metric: Metric

    def fresh(self) -> Report:
        return Report.objects.select_related("kind", "approved_revision", "department").get(pk=self.report.pk)

    def latest_revision(self) -> Revision | None:
        return Revision.objects.filter(report_id=self.report.pk).order_by("-number").first()


def _member(bureau, username, role, department, supervises=()):
    user = get_user_model().objects.create_user(username=username, password=None, first_name=username)
    membership = Membership.objects.create(user=user, bureau=bureau, department=department, role=role)
    if supervises:
        membership.supervises.set(supervises)
    return user


def make_world() -> World:
    report_services.kinds_sync()
    bureau = Bureau.objects.create(name="甲市财政局（流程）")
    d = {
        name: Department.objects.create(bureau=bureau, name=name)
        for name in ("办公室", "预算科", "国库科", "综合科")
    }
    other = Bureau.objects.create(name="乙县财政局（流程）")
    other_office = Department.objects.create(bureau=other, name="办公室")
    users = {
        "owner": _member(bureau, "w_owner", Role.DRAFTER, d["办公室"]),
        "assigned": _member(bureau, "w_assigned", Role.DRAFTER, d["预算科"]),
        "other_drafter": _member(bureau, "w_other_drafter", Role.DRAFTER, d["国库科"]),
        "supervisor": _member(bureau, "w_supervisor", Role.LEADER, d["综合科"], [d["办公室"]]),
        "supervisor2": _member(bureau, "w_supervisor2", Role.LEADER, d["综合科"], [d["办公室"], d["预算科"]]),
        "other_leader": _member(bureau, "w_other_leader", Role.LEADER, d["国库科"], [d["国库科"]]),
        "admin": _member(bureau, "w_admin", Role.ADMIN, d["办公室"]),
        "outsider": _member(other, "w_outsider", Role.DRAFTER, other_office),
    }
    metric = Metric.objects.create(
        bureau=bureau, year=2025, name=METRIC, value=Decimal("186.4"), unit="亿元", decimals=1
    )
    kind = ReportKind.objects.get(code="duty")
    owner = users["owner"]
    report = report_services.report_create(user=owner, kind=kind, year=2025, subject="局长 王建国")
    fill_required_sections(report)
    s0, s1 = list(report.blocks.filter(parent=None).order_by("position"))[:2]
    workflow_services.section_assign(block=s1, department=d["预算科"], user=owner)
    p0 = report_services.block_add(report=report, type="point", parent=s0, user=owner)
    p1 = report_services.block_add(report=report, type="point", parent=s1, user=users["assigned"])
    report_services.block_save(
        block=p0,
        version=1,
        data={"title": "坚定政治立场", "text": "全年一般公共预算收入{{" + METRIC + "}}亿元。"},
        user=owner,
    )
    report_services.block_save(
        block=p1, version=1, data={"text": "推进零基预算改革。"}, user=users["assigned"]
    )
    s0.refresh_from_db()
    s1.refresh_from_db()
    p0.refresh_from_db()
    p1.refresh_from_db()
    return World(bureau, users, d, Report.objects.get(pk=report.pk), s0, s1, p0, p1, metric)


@pytest.fixture
def world(db) -> World:
    return make_world()


def to_state(w: World, state: str) -> None:
    """Bring the report into `state` with the real services."""
    if state == "draft":
        return
    revision = workflow_services.report_submit(report=w.fresh(), user=w.users["owner"])
    if state == "returned":
        workflow_services.report_return(
            report=w.fresh(), user=w.users["supervisor"], reason="请补充数据来源", revision_id=revision.pk
        )
    elif state == "approved":
        workflow_services.report_approve(
            report=w.fresh(), user=w.users["supervisor"], revision_id=revision.pk
        )
    assert w.fresh().status == state


def transition(w: World, name: str, user) -> Any:
    report = w.fresh()
    latest = w.latest_revision()
    revision_id = latest.pk if latest else -1
    if name == "submit":
        return workflow_services.report_submit(report=report, user=user)
    if name == "withdraw":
        return workflow_services.report_withdraw(report=report, user=user)
    if name == "redraft":
        return workflow_services.report_redraft(report=report, user=user)
    if name == "approve":
        return workflow_services.report_approve(report=report, user=user, revision_id=revision_id)
    if name == "return":
        return workflow_services.report_return(
            report=report, user=user, reason="数据口径不一致，请核实", revision_id=revision_id
        )
    raise AssertionError(name)


def state_of(w: World) -> tuple:
    """The report's workflow state and everything a transition may write."""
    report = w.fresh()
    return (
        report.status,
        report.approved_revision_id,
        report.return_reason,
        tuple(Revision.objects.filter(report_id=report.pk).order_by("pk").values_list("pk", "number")),
        AuditLog.objects.filter(bureau=w.bureau).count(),
        Notification.objects.count(),
    )


# --- legal transitions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "source"), sorted(LEGAL), ids=[f"{n}-from-{s}" for n, s in sorted(LEGAL)])
def test_every_legal_transition(world, name, source):
    to_state(world, source)
    before = world.fresh()
    revisions_before = Revision.objects.filter(report=before).count()
    audit_before = set(AuditLog.objects.values_list("pk", flat=True))
    actor = world.users[ACTOR[name]]

    result = transition(world, name, actor)

    after = world.fresh()
    assert after.status == LEGAL[(name, source)]
    new_audit = AuditLog.objects.exclude(pk__in=audit_before)
    assert [(a.action, a.actor_id, a.report_id, a.bureau_id) for a in new_audit] == [
        (name, actor.pk, after.pk, world.bureau.pk)
    ], "exactly one audit row, naming the transition, the actor and the report"
    latest = world.latest_revision()
    if name == "submit":
        assert isinstance(result, Revision) and result.pk == latest.pk
        assert Revision.objects.filter(report=after).count() == revisions_before + 1
        assert latest.number == revisions_before + 1 and latest.created_by_id == actor.pk
        live = report_selectors.report_content_with_metrics(after)
        assert latest.snapshot == live, "a revision is the whole content plus the metric values it used"
        assert latest.snapshot["metrics"][METRIC]["value"] is not None
        assert after.return_reason == ""
        assert Notification.objects.filter(
            user=world.users["supervisor"], text__contains=after.title
        ).exists()
        assert Notification.objects.filter(
            user=world.users["supervisor2"], text__contains=after.title
        ).exists()
        assert not Notification.objects.filter(user=world.users["other_leader"]).exists()
    else:
        assert Revision.objects.filter(report=after).count() == revisions_before
    if name == "approve":
        assert after.approved_revision_id == latest.pk == result.pk
        assert Notification.objects.filter(user=world.users["owner"], text__contains="已审定").exists()
    if name == "return":
        assert after.return_reason == "数据口径不一致，请核实"
        assert Notification.objects.filter(user=world.users["owner"], text__contains="退回修改").exists()
        assert after.approved_revision_id is None
    if name == "redraft":
        assert after.approved_revision_id == before.approved_revision_id is not None, (
            "the approved revision stays"
        )
    if name == "withdraw":
        assert after.approved_revision_id is None


def test_the_whole_cycle_keeps_every_revision_immutable(world):
    owner, supervisor = world.users["owner"], world.users["supervisor"]
    rev1 = workflow_services.report_submit(report=world.fresh(), user=owner)
    workflow_services.comment_add(report=world.fresh(), user=supervisor, text="请补充数据", block=world.p0)
    workflow_services.report_return(
        report=world.fresh(), user=supervisor, reason="请补充数据", revision_id=rev1.pk
    )
    p0 = Block.objects.get(pk=world.p0.pk)
    report_services.block_save(block=p0, version=p0.version, data={"text": "补充后的文字。"}, user=owner)
    rev2 = workflow_services.report_submit(report=world.fresh(), user=owner)
    assert (rev1.number, rev2.number) == (1, 2)
    assert Revision.objects.get(pk=rev1.pk).snapshot == rev1.snapshot, "an earlier revision never changes"
    workflow_services.report_approve(report=world.fresh(), user=supervisor, revision_id=rev2.pk)
    workflow_services.report_redraft(report=world.fresh(), user=owner)
    p0 = Block.objects.get(pk=world.p0.pk)
    report_services.block_save(block=p0, version=p0.version, data={"text": "重新起草的文字。"}, user=owner)
    assert world.fresh().approved_revision_id == rev2.pk, "redraft keeps the approved revision as it was"
    assert "补充后的文字。" in str(Revision.objects.get(pk=rev2.pk).snapshot)
    assert "重新起草的文字。" not in str(Revision.objects.get(pk=rev2.pk).snapshot)
    rev3 = workflow_services.report_submit(report=world.fresh(), user=owner)
    workflow_services.report_approve(report=world.fresh(), user=supervisor, revision_id=rev3.pk)
    assert world.fresh().approved_revision_id == rev3.pk
    assert [r.snapshot for r in Revision.objects.filter(pk__in=[rev1.pk, rev2.pk]).order_by("number")] == [
        rev1.snapshot,
        rev2.snapshot,
    ]
    actions = list(
        AuditLog.objects.filter(report=world.report, action__in=VERB)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["submit", "return", "submit", "approve", "redraft", "submit", "approve"]


# --- illegal transitions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "state"), ILLEGAL, ids=[f"{n}-from-{s}" for n, s in ILLEGAL])
def test_a_transition_from_a_wrong_state_is_refused(world, name, state):
    to_state(world, state)
    before = state_of(world)
    with pytest.raises(WrongState) as refused:
        transition(world, name, world.users[ACTOR[name]])
    message = str(refused.value)
    assert is_clear_chinese(message), message
    assert STATE_LABEL[state] in message and VERB[name] in message, message
    assert state_of(world) == before, (
        "nothing written: no state change, no revision, no audit row, no notification"
    )


@pytest.mark.parametrize(
    ("name", "source", "persona"), WRONG_ROLE, ids=[f"{n}-from-{s}-as-{p}" for n, s, p in WRONG_ROLE]
)
def test_a_transition_by_the_wrong_role_is_refused(world, name, source, persona):
    to_state(world, source)
    before = state_of(world)
    with pytest.raises(Forbidden) as refused:
        transition(world, name, world.users[persona])
    assert is_clear_chinese(str(refused.value)), str(refused.value)
    assert state_of(world) == before


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_returning_requires_a_reason(world, reason):
    to_state(world, "submitted")
    before = state_of(world)
    with pytest.raises(InvalidInput, match="退回修改必须填写理由"):
        workflow_services.report_return(
            report=world.fresh(),
            user=world.users["supervisor"],
            reason=reason,
            revision_id=world.latest_revision().pk,
        )
    assert state_of(world) == before


@pytest.mark.parametrize("name", ["approve", "return"])
def test_a_leader_cannot_act_on_a_revision_they_did_not_see(world, name):
    """The leader read revision 1; the drafter withdrew, changed the text and submitted revision 2."""
    owner, supervisor = world.users["owner"], world.users["supervisor"]
    seen = workflow_services.report_submit(report=world.fresh(), user=owner)
    workflow_services.report_withdraw(report=world.fresh(), user=owner)
    p0 = Block.objects.get(pk=world.p0.pk)
    report_services.block_save(
        block=p0, version=p0.version, data={"text": "领导没有看到的文字。"}, user=owner
    )
    workflow_services.report_submit(report=world.fresh(), user=owner)
    before = state_of(world)
    with pytest.raises(WrongState) as refused:
        if name == "approve":
            workflow_services.report_approve(report=world.fresh(), user=supervisor, revision_id=seen.pk)
        else:
            workflow_services.report_return(
                report=world.fresh(), user=supervisor, reason="理由", revision_id=seen.pk
            )
    assert is_clear_chinese(str(refused.value)) and "重新提交" in str(refused.value)
    assert state_of(world) == before
    assert world.fresh().status == "submitted" and world.fresh().approved_revision_id is None


def test_a_submission_with_a_broken_placeholder_is_refused_and_nothing_is_written(world):
    p0 = Block.objects.get(pk=world.p0.pk)
    report_services.block_save(
        block=p0,
        version=p0.version,
        data={"text": "收入{{" + METRIC + " + }}亿元。"},
        user=world.users["owner"],
    )
    before = state_of(world)
    with pytest.raises(InvalidInput) as refused:
        workflow_services.report_submit(report=world.fresh(), user=world.users["owner"])
    assert is_clear_chinese(str(refused.value).split("：", 1)[0])
    assert state_of(world) == before and world.fresh().status == "draft"


ILLEGAL_BY_VIEW = [
    ("report_approve", "draft"),
    ("report_approve", "approved"),
    ("report_withdraw", "approved"),
    ("report_submit", "submitted"),
    ("report_redraft", "returned"),
    ("report_return", "returned"),
]


@pytest.mark.parametrize(("view", "state"), ILLEGAL_BY_VIEW)
def test_a_wrong_state_through_the_view_says_why(world, client, view, state):
    to_state(world, state)
    actor = "supervisor" if view in ("report_approve", "report_return") else "owner"
    client.force_login(world.users[actor])
    before = state_of(world)
    latest = world.latest_revision()
    response = client.post(
        reverse(view, args=[world.report.pk]),
        {"revision": latest.pk if latest else "", "reason": "理由"},
        **HX,
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert STATE_LABEL[state] in body and "不能" in body, body
    assert state_of(world) == before


# --- two leaders at once (PostgreSQL, real transactions) -------------------------------------------


def _race(functions):
    """Run the functions in threads that start together; each thread has its own DB connection."""
    barrier = threading.Barrier(len(functions))

    def run(fn):
        try:
            barrier.wait(timeout=30)
            return fn()
        except DomainError as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(len(functions)) as pool:
        return list(pool.map(run, functions))


def _approval_race(w: World, iterations: int) -> list[dict]:
    """Two supervising leaders approve the same submission at the same moment, `iterations` times."""
    leaders = [w.users["supervisor"], w.users["supervisor2"]]
    rounds = []
    for _ in range(iterations):
        revision = workflow_services.report_submit(report=w.fresh(), user=w.users["owner"])
        audit_before = AuditLog.objects.filter(report=w.report, action="approve").count()

        def approve(user, revision_id=revision.pk):
            report = Report.objects.select_related("kind").get(pk=w.report.pk)
            return workflow_services.report_approve(report=report, user=user, revision_id=revision_id)

        results = _race([lambda u=u: approve(u) for u in leaders])
        report = w.fresh()
        rounds.append(
            {
                "revision": revision.pk,
                "won": [r for r in results if isinstance(r, Revision)],
                "lost": [r for r in results if isinstance(r, DomainError)],
                "audit_rows": AuditLog.objects.filter(report=w.report, action="approve").count()
                - audit_before,
                "status": report.status,
                "approved_revision": report.approved_revision_id,
            }
        )
        workflow_services.report_redraft(report=report, user=w.users["owner"])
    return rounds


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.fail("the concurrency guarantees are PostgreSQL's: run the suite through scripts/test.sh")
    w = make_world()
    for round_ in _approval_race(w, 10):
        assert len(round_["won"]) == 1 and len(round_["lost"]) == 1, round_
        lost = round_["lost"][0]
        assert isinstance(lost, WrongState) and "已审定" in str(lost) and is_clear_chinese(str(lost)), str(
            lost
        )
        assert round_["audit_rows"] == 1, "exactly one approve audit row per approval"
        assert round_["status"] == "approved" and round_["approved_revision"] == round_["revision"]


@pytest.mark.django_db(transaction=True)
def test_the_approval_race_catches_a_check_then_write_transition(monkeypatch):
    """The same race against a deliberately wrong transition (status read in Python, then a plain
    UPDATE) lets both leaders win: the race above is able to see the bug it guards against."""
    if connection.vendor != "postgresql":
        pytest.fail("the concurrency guarantees are PostgreSQL's: run the suite through scripts/test.sh")
    import time

    from django.utils import timezone

    from reports.services import workflow

    def check_then_write(report, name, **updates):
        sources, target, verb = workflow.TRANSITIONS[name]
        current = Report.objects.filter(pk=report.pk).values_list("status", flat=True).first()
        if current not in sources:
            raise WrongState(f"报告当前状态为“{Report.Status(current).label}”，不能{verb}。")
        time.sleep(0.005)  # widen the window between the check and the write
        Report.objects.filter(pk=report.pk).update(status=target, updated_at=timezone.now(), **updates)
        report.status = target

    monkeypatch.setattr(workflow, "_apply", check_then_write)
    rounds = _approval_race(make_world(), 10)
    double = [r for r in rounds if len(r["won"]) == 2]
    assert double, "the wrong transition was never caught"
    assert all(r["audit_rows"] == 2 for r in double)


@pytest.mark.django_db(transaction=True)
def test_approve_and_return_at_once_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.fail("the concurrency guarantees are PostgreSQL's: run the suite through scripts/test.sh")
    w = make_world()
    for _ in range(10):
        revision = workflow_services.report_submit(report=w.fresh(), user=w.users["owner"])
        audit_before = AuditLog.objects.filter(report=w.report, action__in=["approve", "return"]).count()

        def approve(revision_id=revision.pk):
            return workflow_services.report_approve(
                report=w.fresh(), user=w.users["supervisor"], revision_id=revision_id
            )

        def give_back(revision_id=revision.pk):
            workflow_services.report_return(
                report=w.fresh(), user=w.users["supervisor2"], reason="退回", revision_id=revision_id
            )
            return "returned"

        results = _race([approve, give_back])
        winners = [r for r in results if not isinstance(r, DomainError)]
        assert len(winners) == 1, results
        report = w.fresh()
        assert report.status == ("approved" if isinstance(winners[0], Revision) else "returned")
        assert (
            AuditLog.objects.filter(report=w.report, action__in=["approve", "return"]).count()
            == audit_before + 1
        )
        if report.status == "approved":
            workflow_services.report_redraft(report=report, user=w.users["owner"])


# --- an approved report is frozen -----------------------------------------------------------------


def content_of(w: World) -> tuple:
    report = w.fresh()
    return (
        report_selectors.report_snapshot(report),
        tuple(
            Block.objects.filter(report=report)
            .order_by("pk")
            .values_list(
                "pk", "parent_id", "position", "version", "title", "text", "assigned_department_id", "done"
            )
        ),
        tuple(
            Report.objects.filter(pk=report.pk).values_list(
                *report_services.REPORT_FIELDS, "head_version", "tail_version", "status"
            )
        ),
        report.approved_revision.snapshot,
        AuditLog.objects.count(),
    )


def _edits(w: World):
    """Every service that changes content, as the person who could do it in a draft."""
    owner, assigned = w.users["owner"], w.users["assigned"]

    def block(b):
        return Block.objects.select_related("report", "report__kind").get(pk=b.pk)

    return {
        "block_save(owner)": lambda: report_services.block_save(
            block=block(w.p0), version=block(w.p0).version, data={"text": "改"}, user=owner
        ),
        "block_save(assigned)": lambda: report_services.block_save(
            block=block(w.p1), version=block(w.p1).version, data={"text": "改"}, user=assigned
        ),
        "block_add(top)": lambda: report_services.block_add(report=w.fresh(), type="heading", user=owner),
        "block_add(section)": lambda: report_services.block_add(
            report=w.fresh(), type="point", parent=block(w.s1), user=assigned
        ),
        "block_delete": lambda: report_services.block_delete(block=block(w.p0), user=owner),
        "block_delete(section)": lambda: report_services.block_delete(block=block(w.s1), user=owner),
        "block_move": lambda: report_services.block_move(block=block(w.p0), direction="down", user=owner),
        "report_update_fields": lambda: report_services.report_update_fields(
            report=w.fresh(),
            part="head",
            version=w.fresh().head_version,
            data={"title": "改过的标题"},
            user=owner,
        ),
        "section_assign(owner)": lambda: workflow_services.section_assign(
            block=block(w.s0), department=w.departments["国库科"], user=owner
        ),
        "section_set_done": lambda: workflow_services.section_set_done(
            block=block(w.s1), done=True, user=assigned
        ),
    }


EDITS = [
    "block_save(owner)",
    "block_save(assigned)",
    "block_add(top)",
    "block_add(section)",
    "block_delete",
    "block_delete(section)",
    "block_move",
    "report_update_fields",
    "section_assign(owner)",
    "section_set_done",
]


@pytest.mark.parametrize("edit", EDITS)
def test_approved_content_cannot_change_through_any_service(world, edit):
    to_state(world, "approved")
    before = content_of(world)
    with pytest.raises(DomainError) as refused:
        _edits(world)[edit]()
    assert isinstance(refused.value, (NotEditable, Forbidden, WrongState)), type(refused.value)
    assert is_clear_chinese(str(refused.value))
    assert content_of(world) == before


@pytest.mark.parametrize(
    "edit",
    [
        "block_save(owner)",
        "block_add(top)",
        "block_delete",
        "block_move",
        "report_update_fields",
        "section_assign(owner)",
    ],
)
def test_the_owner_is_told_that_the_report_is_approved(world, edit):
    """The owner may edit a draft, so the only reason for the refusal is the state: the message says so."""
    to_state(world, "approved")
    with pytest.raises(DomainError) as refused:
        _edits(world)[edit]()
    assert "已审定" in str(refused.value), f"{edit}: {refused.value}"


def _edit_posts(w: World):
    return [
        (
            "owner",
            reverse("block_save", args=[w.p0.pk]),
            {"version": str(Block.objects.get(pk=w.p0.pk).version), "text": "改"},
        ),
        (
            "assigned",
            reverse("block_save", args=[w.p1.pk]),
            {"version": str(Block.objects.get(pk=w.p1.pk).version), "text": "改"},
        ),
        ("owner", reverse("block_add", args=[w.report.pk]), {"type": "heading"}),
        ("assigned", reverse("block_add", args=[w.report.pk]), {"type": "point", "parent": str(w.s1.pk)}),
        ("owner", reverse("block_delete", args=[w.p0.pk]), {}),
        ("owner", reverse("block_move", args=[w.p0.pk]), {"direction": "down"}),
        (
            "owner",
            reverse("report_fields_save", args=[w.report.pk]),
            {"part": "head", "version": str(w.fresh().head_version), "title": "改过的标题", "opening": "改"},
        ),
        ("owner", reverse("section_assign", args=[w.s0.pk]), {"department": str(w.departments["国库科"].pk)}),
        ("assigned", reverse("section_done", args=[w.s1.pk]), {"done": "1"}),
    ]


@pytest.mark.parametrize("state", ["approved", "submitted"])
def test_approved_and_submitted_content_cannot_change_through_any_view(world, client, state):
    to_state(world, state)
    if state == "submitted":
        workflow_services.report_approve(
            report=world.fresh(), user=world.users["supervisor"], revision_id=world.latest_revision().pk
        )
        workflow_services.report_redraft(report=world.fresh(), user=world.users["owner"])
        workflow_services.report_submit(report=world.fresh(), user=world.users["owner"])
    before = content_of(world)
    for persona, url, data in _edit_posts(world):
        client.force_login(world.users[persona])
        response = client.post(url, data, **HX)
        assert response.status_code in (403, 409, 422), (url, persona, response.status_code)
        assert "HX-Redirect" not in response
    assert content_of(world) == before


# --- approved exports and the 数据已变更 flag -----------------------------------------------------


def test_a_metric_changed_after_approval_does_not_change_the_approved_export(world, client):
    to_state(world, "approved")
    supervisor = world.users["supervisor"]
    report = world.fresh()
    name, first = export_services.report_render(report=report)
    assert export_services.report_render(report=world.fresh())[1] == first, "rendering is deterministic"
    assert review_selectors.metrics_changed_since_approval(report) == []
    row = next(r for r in review_selectors.dashboard_rows(user=supervisor) if r.report.pk == report.pk)
    assert row.changed_metrics == []

    metric = Metric.objects.get(pk=world.metric.pk)
    metric_services.metric_save(
        bureau=world.bureau,
        year=metric.year,
        period=metric.period,
        metric=metric,
        user=world.users["admin"],
        data={"name": METRIC, "value": Decimal("200.0"), "unit": "亿元", "decimals": 1},
    )

    report = world.fresh()
    again_name, again = export_services.report_render(report=report)
    assert (again_name, again) == (name, first), (
        "the approved document is byte-identical after the metric change"
    )
    export = export_services.export_request(report=report, user=world.users["owner"], confirmed=True)
    assert export.snapshot == report.approved_revision.snapshot
    assert Decimal(export.snapshot["metrics"][METRIC]["value"]) == Decimal("186.4")

    assert review_selectors.metrics_changed_since_approval(report) == [METRIC]
    row = next(r for r in review_selectors.dashboard_rows(user=supervisor) if r.report.pk == report.pk)
    assert row.changed_metrics == [METRIC]
    client.force_login(supervisor)
    assert "数据已变更" in client.get(reverse("dashboard")).content.decode()

    # The check is meaningful: the live content (after 重新起草) does show the new value.
    workflow_services.report_redraft(report=report, user=world.users["owner"])
    live_name, live = export_services.report_render(report=world.fresh())
    assert live != first
    assert review_selectors.metrics_changed_since_approval(world.fresh()) == [], (
        "only approved reports carry the flag"
    )


def test_the_flag_is_not_raised_by_an_unrelated_metric(world):
    to_state(world, "approved")
    metric_services.metric_save(
        bureau=world.bureau,
        year=2025,
        period="",
        user=world.users["admin"],
        data={"name": "税收收入", "value": Decimal("1.0"), "unit": "亿元", "decimals": 1},
    )
    assert review_selectors.metrics_changed_since_approval(world.fresh()) == []
