"""Optimistic locking and the approve-versus-edit race, against PostgreSQL with real transactions.

Every client runs in its own thread with its own database connection (closed when it is done, so
a pool of 16 workers never holds more than ~17 connections).

(a) 100 clients each append their own token to one block, retrying on conflict: no token may be
    lost. The same test is run against two deliberately wrong writes — the join-filter queryset
    update (`id IN (subquery)`, which PostgreSQL does not re-check after waiting on the row lock)
    and a check-then-write — to show that it catches them.
(b) The blind race: 100 saves from one version → exactly one success and 99 conflicts.
(c) A leader approves while a drafter resubmits and another drafter keeps typing: the approved
    revision is always exactly what the leader was shown, and no save lands after the submission.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drafts import fill_required_sections

from reports.errors import BlockConflict, InvalidInput
from reports.models import (
    AuditLog,
    Block,
    Bureau,
    Department,
    Membership,
    Metric,
    Report,
    ReportKind,
    Revision,
)
from reports.services import audit as audit_services
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

pytestmark = pytest.mark.django_db(transaction=True)

Role = Membership.Role
CLIENTS = 100
WORKERS = 16
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("these races are about PostgreSQL's behaviour: run the suite through scripts/test.sh")


@dataclass
class World:
    bureau: Bureau
    owner: Any
    assigned: Any
    supervisor: Any
    report: Report
    section: Block  # assigned to 预算科
    block: Block  # a point in that section: both drafters may edit it
    own_block: Block  # a point in the owner's section


def _member(bureau, username, role, department, supervises=()):
    user = get_user_model().objects.create_user(username=username, password=None)
    membership = Membership.objects.create(user=user, bureau=bureau, department=department, role=role)
    if supervises:
        membership.supervises.set(supervises)
    return user


def make_world() -> World:
    report_services.kinds_sync()
    bureau = Bureau.objects.create(name="甲市财政局（并发）")
    office = Department.objects.create(bureau=bureau, name="办公室")
    budget = Department.objects.create(bureau=bureau, name="预算科")
    owner = _member(bureau, "c_owner", Role.DRAFTER, office)
    assigned = _member(bureau, "c_assigned", Role.DRAFTER, budget)
    supervisor = _member(bureau, "c_supervisor", Role.LEADER, None, [office])
    Metric.objects.create(
        bureau=bureau, year=2025, name="一般公共预算收入", value=Decimal("186.4"), unit="亿元"
    )
    report = report_services.report_create(
        user=owner, kind=ReportKind.objects.get(code="duty"), year=2025, subject="局长 王建国"
    )
    first, section = list(report.blocks.filter(parent=None).order_by("position"))[:2]
    workflow_services.section_assign(block=section, department=budget, user=owner)
    block = report_services.block_add(report=report, type="point", parent=section, user=owner)
    report_services.block_save(
        block=block, version=1, data={"title": "推进预算改革", "text": "起始。"}, user=owner
    )
    own_block = report_services.block_add(report=report, type="point", parent=first, user=owner)
    report_services.block_save(
        block=own_block, version=1, data={"text": "收入{{一般公共预算收入}}亿元。"}, user=owner
    )
    fill_required_sections(report)
    return World(
        bureau, owner, assigned, supervisor, Report.objects.get(pk=report.pk), section, block, own_block
    )


def _fresh_block(pk: int) -> Block:
    return Block.objects.select_related("report", "report__kind").get(pk=pk)


def token(i: int) -> str:
    return f"〔客户{i:03d}〕"


# --- (a) 100 appenders with retry ------------------------------------------------------------------


@dataclass
class AppendRun:
    start_version: int
    final_text: str = ""
    final_version: int = 0
    successes: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)  # database errors (a user would get a 500)
    lost: list[str] = field(default_factory=list)
    audit_rows: int = 0


def run_appenders(w: World, save, clients: int = CLIENTS) -> AppendRun:
    """`clients` clients, `WORKERS` at a time, each: read, append its token, save with the version
    read, retry on BlockConflict. `save` has the signature of report_services.block_save. A database error
    (deadlock) stops the run at once: it is a failure of its own, and PostgreSQL needs a second
    (deadlock_timeout) to detect each one."""
    start = _fresh_block(w.block.pk)
    run = AppendRun(start_version=start.version)
    audit_before = AuditLog.objects.filter(report=w.report, action="block_save").count()
    lock = threading.Lock()
    go, abort = threading.Event(), threading.Event()

    def client(i: int) -> None:
        user = w.owner if i % 2 else w.assigned
        go.wait()
        try:
            for _attempt in range(10_000):
                if abort.is_set():
                    return
                block = _fresh_block(w.block.pk)
                read_version = block.version
                try:
                    save(block=block, version=read_version, data={"text": block.text + token(i)}, user=user)
                except BlockConflict:
                    with lock:
                        run.conflicts += 1
                    continue
                except DatabaseError as error:
                    with lock:
                        run.errors.append(f"client {i}: {type(error).__name__}: {error}")
                    abort.set()
                    return
                with lock:
                    run.successes += 1
                return
            raise AssertionError(f"client {i} never got its save in")
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(client, i) for i in range(clients)]
        go.set()
        for future in futures:
            future.result()
    final = _fresh_block(w.block.pk)
    run.final_text, run.final_version = final.text, final.version
    run.lost = [token(i) for i in range(clients) if token(i) not in final.text]
    run.audit_rows = AuditLog.objects.filter(report=w.report, action="block_save").count() - audit_before
    return run


def test_100_concurrent_appenders_lose_nothing():
    w = make_world()
    run = run_appenders(w, report_services.block_save)
    assert run.errors == [], "a concurrent save failed with a database error:\n" + "\n".join(run.errors[:3])
    assert run.lost == [], f"{len(run.lost)} of {CLIENTS} tokens lost"
    assert all(run.final_text.count(token(i)) == 1 for i in range(CLIENTS)), "each token exactly once"
    assert run.final_text.startswith("起始。")
    assert run.successes == CLIENTS
    assert run.final_version == run.start_version + CLIENTS
    assert run.audit_rows == CLIENTS, "exactly one block_save audit row per successful save"
    assert run.conflicts > 0, "the clients did race (otherwise this test proves nothing)"
    print(f"\n100 appenders: {run.conflicts} conflicts retried, 0 tokens lost")


# Two deliberately wrong writes (and the right one, as a control). Everything but the version check
# is the real block_save, except
# that the report row is not touched afterwards (that touch makes concurrent saves deadlock, see
# test_two_saves_in_one_report_at_once_do_not_deadlock, and would hide what is measured here).


def _wrong_block_save(write):
    @transaction.atomic
    def block_save(*, block: Block, version: int, data: dict[str, Any], user) -> Block:
        report_services._guard_edit(report=block.report, user=user, section=block)
        text = report_services._clean_field("text", data.get("text", block.text))
        now = timezone.now()
        if not write(block, version, text, now):
            current = Block.objects.filter(pk=block.pk).first()
            if current is None:
                raise InvalidInput("此段已被删除")
            raise BlockConflict(current)
        block.text, block.version = text, version + 1
        audit_services.audit(
            bureau_id=block.report.bureau_id,
            actor=user,
            action="block_save",
            report=block.report,
            summary="修改",
            detail={"block": block.pk, "version": block.version},
        )
        return block

    return block_save


def _conditional_write(block, version, text, now) -> bool:
    """The right form (as in report_services.block_save): one conditional UPDATE on the block's own row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_block SET text = %s, version = version + 1, updated_at = %s "
            "WHERE id = %s AND version = %s",
            [text, now, block.pk, version],
        )
        return cursor.rowcount == 1


def _join_filter_write(block, version, text, now) -> bool:
    """Looks right, loses updates: Django turns the join into `id IN (subquery)`."""
    return (
        Block.objects.filter(pk=block.pk, version=version, report__bureau=block.report.bureau_id).update(
            text=text, version=F("version") + 1, updated_at=now
        )
        == 1
    )


def _check_then_write(block, version, text, now) -> bool:
    """Looks right, loses updates: the version is compared in Python, then a plain UPDATE."""
    if Block.objects.filter(pk=block.pk).values_list("version", flat=True).get() != version:
        return False
    return Block.objects.filter(pk=block.pk).update(text=text, version=F("version") + 1, updated_at=now) == 1


@pytest.mark.parametrize(
    "write", [_join_filter_write, _check_then_write], ids=["join-filter-update", "check-then-write"]
)
def test_the_appender_test_catches_a_wrong_version_check(monkeypatch, write):
    """The test above, against a wrong write: it must see lost tokens."""
    w = make_world()
    monkeypatch.setattr(report_services, "block_save", _wrong_block_save(write))
    run = run_appenders(w, report_services.block_save)
    print(
        f"\n{write.__name__}: {len(run.lost)} of {CLIENTS} tokens lost, {run.conflicts} conflicts, "
        f"version {run.start_version}→{run.final_version}, {run.audit_rows} audit rows"
    )
    assert run.errors == []
    assert run.lost, "the wrong implementation lost nothing: the appender test would not catch it"
    # the correct test's assertions: the lost tokens make it fail (version and audit rows look fine)
    assert run.successes == CLIENTS and run.audit_rows == CLIENTS


def test_the_same_harness_with_the_right_write_loses_nothing(monkeypatch):
    """Control for the test above: only the version check differs, and nothing is lost."""
    w = make_world()
    monkeypatch.setattr(report_services, "block_save", _wrong_block_save(_conditional_write))
    run = run_appenders(w, report_services.block_save)
    assert (run.errors, run.lost) == ([], [])
    assert (
        run.final_version == run.start_version + CLIENTS and run.audit_rows == CLIENTS and run.conflicts > 0
    )


def test_the_join_filter_update_is_a_subquery_on_postgresql():
    """Why the wrong form is wrong: the WHERE on the row is inside `IN (SELECT …)`."""
    w = make_world()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        Block.objects.filter(pk=w.block.pk, version=10**6, report__bureau=w.bureau.pk).update(text="x")
    sql = queries.captured_queries[-1]["sql"]
    assert re.search(r"WHERE .*\"id\" IN \(SELECT", sql), sql


# --- (b) the blind race --------------------------------------------------------------------------


def test_100_blind_saves_from_one_version_exactly_one_wins():
    w = make_world()
    start = _fresh_block(w.block.pk)
    audit_before = AuditLog.objects.filter(report=w.report, action="block_save").count()
    go, abort = threading.Event(), threading.Event()

    def client(i: int):
        go.wait()
        if abort.is_set():
            return ("skipped", i)
        try:
            block = _fresh_block(w.block.pk)
            report_services.block_save(
                block=block,
                version=start.version,
                data={"text": f"盲写{i:03d}"},
                user=w.owner if i % 2 else w.assigned,
            )
            return ("ok", i)
        except BlockConflict as conflict:
            return ("conflict", conflict.current.version, conflict.current.text, str(conflict))
        except DatabaseError as error:
            abort.set()
            return ("error", f"client {i}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(client, i) for i in range(CLIENTS)]
        go.set()
        results = [f.result() for f in futures]
    errors = [r[1] for r in results if r[0] == "error"]
    assert errors == [], "a concurrent save failed with a database error:\n" + "\n".join(errors[:3])
    won = [r for r in results if r[0] == "ok"]
    conflicts = [r for r in results if r[0] == "conflict"]
    assert (len(won), len(conflicts)) == (1, CLIENTS - 1)
    final = _fresh_block(w.block.pk)
    assert final.version == start.version + 1 and final.text == f"盲写{won[0][1]:03d}"
    assert AuditLog.objects.filter(report=w.report, action="block_save").count() == audit_before + 1
    # every loser is shown the winner's text, with a Chinese explanation, to choose from
    assert {(v, t) for _, v, t, _m in conflicts} == {(final.version, final.text)}
    assert all("已被他人修改" in m for *_rest, m in conflicts)


# --- two edits of one report at the same moment ------------------------------------------------------


def _edit(w: World, what: str):
    if what == "owner saves own_block":
        return lambda: report_services.block_save(
            block=_fresh_block(w.own_block.pk),
            version=_fresh_block(w.own_block.pk).version,
            data={"text": "牵头科室同时修改。"},
            user=w.owner,
        )
    if what == "assigned saves block":
        return lambda: report_services.block_save(
            block=_fresh_block(w.block.pk),
            version=_fresh_block(w.block.pk).version,
            data={"text": "预算科同时修改。"},
            user=w.assigned,
        )
    if what == "owner saves the title":
        return lambda: report_services.report_update_fields(
            report=Report.objects.get(pk=w.report.pk), data={"title": "新标题"}, user=w.owner
        )
    if what == "owner saves the opening":
        return lambda: report_services.report_update_fields(
            report=Report.objects.get(pk=w.report.pk), data={"opening": "新导语"}, user=w.owner
        )
    raise AssertionError(what)


PAIRS = [
    ("owner saves own_block", "assigned saves block"),
    ("assigned saves block", "owner saves the title"),
    ("owner saves the title", "owner saves the opening"),
]


@pytest.mark.parametrize("pair", PAIRS, ids=[" + ".join(p) for p in PAIRS])
def test_two_edits_in_one_report_at_once_do_not_deadlock(monkeypatch, pair):
    """Two departments typing in the same report at the same moment (different blocks, or a block
    and the title): both saves must succeed. Both start together and each pauses while holding
    whatever report-row lock it took (in _guard_edit), so a lock upgrade later in the transaction
    would deadlock (the bug this catches: FOR SHARE, then UPDATE of the report row)."""
    w = make_world()
    start = threading.Barrier(2)
    real_clean_field = report_services._clean_field
    state = threading.local()

    def clean_field_holding_the_lock(name, value):
        if not getattr(state, "waited", False):
            state.waited = True
            time.sleep(0.5)  # the other edit reaches its own lock request meanwhile
        return real_clean_field(name, value)

    monkeypatch.setattr(report_services, "_clean_field", clean_field_holding_the_lock)

    def run(fn):
        try:
            start.wait(timeout=10)
            fn()
            return "ok"
        except DatabaseError as error:
            return f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, [_edit(w, what) for what in pair]))
    assert results == ["ok", "ok"], "\n".join(results)


# --- (c) approve versus edit -------------------------------------------------------------------------


REVISION_IN_FORM = re.compile(r'name="revision" value="(\d+)"')


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _snapshot_text(snapshot: dict, block_id: int) -> str:
    def walk(blocks):
        for b in blocks:
            if b["id"] == block_id:
                return b["text"]
            found = walk(b.get("children", []))
            if found is not None:
                return found
        return None

    return walk(snapshot["blocks"])


def _to_returned(w: World) -> None:
    report = Report.objects.get(pk=w.report.pk)
    if report.status == Report.Status.APPROVED:
        workflow_services.report_redraft(report=report, user=w.owner)
    report = Report.objects.get(pk=w.report.pk)
    if report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
        workflow_services.report_submit(report=report, user=w.owner)
    latest = Revision.objects.filter(report=w.report).order_by("-number").first()
    workflow_services.report_return(
        report=Report.objects.get(pk=w.report.pk), user=w.supervisor, reason="请修改", revision_id=latest.pk
    )


def _approve_versus_edit_round(w: World, iteration: int, outcomes: dict) -> None:
    """One round: the report is 退回修改; at once, the owner resubmits (every third round also
    withdraws and resubmits again), the 预算科 drafter keeps saving the block, and the leader
    approves the first new revision their review page offers."""
    _to_returned(w)
    previous = set(Revision.objects.filter(report=w.report).values_list("pk", flat=True))
    stop = threading.Event()
    barrier = threading.Barrier(3)
    saves: list[str] = []  # texts of successful saves, in order (one editor, sequential)
    seen: dict[str, Any] = {}
    resubmit_twice = iteration % 3 == 2

    def editor():
        client = _logged_in(w.assigned)
        try:
            barrier.wait(timeout=30)
            k = 0
            while not stop.is_set():
                k += 1
                text = f"第{iteration}轮第{k}次修改。"
                version = Block.objects.filter(pk=w.block.pk).values_list("version", flat=True).get()
                response = client.post(
                    reverse("block_save", args=[w.block.pk]),
                    {"version": str(version), "title": "推进预算改革", "text": text},
                    **HX,
                )
                if response.status_code == 200:
                    saves.append(text)
                elif response.status_code == 422:
                    outcomes["saves_refused_after_submit"] += 1
                else:
                    assert response.status_code == 409, response.status_code
        finally:
            connection.close()

    def drafter():
        client = _logged_in(w.owner)
        try:
            barrier.wait(timeout=30)
            time.sleep(0.002 * (iteration % 5))
            assert client.post(reverse("report_submit", args=[w.report.pk]), **HX).status_code == 200
            withdrawn = (
                resubmit_twice
                and client.post(reverse("report_withdraw", args=[w.report.pk]), **HX).status_code == 200
            )
            if withdrawn:
                assert client.post(reverse("report_submit", args=[w.report.pk]), **HX).status_code == 200
        finally:
            connection.close()

    def leader():
        client = _logged_in(w.supervisor)
        try:
            barrier.wait(timeout=30)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                page = client.get(reverse("report_review", args=[w.report.pk])).content.decode()
                match = REVISION_IN_FORM.search(page)
                if match and int(match.group(1)) not in previous:
                    revision = Revision.objects.get(pk=int(match.group(1)))
                    seen.update(id=revision.pk, snapshot=revision.snapshot, page=page)
                    response = client.post(
                        reverse("report_approve", args=[w.report.pk]), {"revision": str(revision.pk)}, **HX
                    )
                    seen["status"] = response.status_code
                    return
                time.sleep(0.001)
            raise AssertionError("the leader never saw the submission")
        finally:
            connection.close()

    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(fn) for fn in (editor, drafter, leader)]
        try:
            futures[1].result()
            futures[2].result()
            time.sleep(0.01)  # the editor keeps trying a little after the approval
        finally:
            stop.set()
        futures[0].result()

    outcomes["saves"] += len(saves)
    shown_text = _snapshot_text(seen["snapshot"], w.block.pk)
    assert shown_text in seen["page"], "the review page shows the revision it offers to approve"
    report = Report.objects.select_related("approved_revision").get(pk=w.report.pk)
    live = Block.objects.get(pk=w.block.pk).text
    latest = Revision.objects.filter(report=w.report).order_by("-number").first()
    if seen["status"] == 200:
        outcomes["approved"] += 1
        assert report.status == Report.Status.APPROVED
        assert report.approved_revision_id == seen["id"], "approved a revision the leader did not see"
        assert report.approved_revision.snapshot == seen["snapshot"], "the approved content is what was shown"
        assert latest.pk == seen["id"]
        assert _snapshot_text(report.approved_revision.snapshot, w.block.pk) == live, (
            "a save landed after the submission: the live text differs from the approved text"
        )
    else:
        outcomes["refused"] += 1
        assert seen["status"] == 409, seen["status"]
        assert not (report.status == Report.Status.APPROVED and report.approved_revision_id == seen["id"])
        if report.status == Report.Status.SUBMITTED:
            assert _snapshot_text(latest.snapshot, w.block.pk) == live, "a save landed after the submission"
    if saves and report.status in (Report.Status.SUBMITTED, Report.Status.APPROVED):
        assert saves[-1] == live, "the last successful save is the stored text"


def test_approve_versus_edit_the_leader_approves_exactly_what_they_saw():
    w = make_world()
    iterations = 30
    outcomes = {"approved": 0, "refused": 0, "saves": 0, "saves_refused_after_submit": 0}
    for iteration in range(iterations):
        _approve_versus_edit_round(w, iteration, outcomes)
    print(f"\napprove-versus-edit, {iterations} rounds: {outcomes}")
    assert outcomes["approved"] > 0
    assert outcomes["saves_refused_after_submit"] > 0, "the editor did race the submission"
