"""The permission matrix: every URL of reports.urls × every persona × every report state.

The cases are generated from the URL configuration: `test_every_view_has_a_case` fails when a view
has no entry in CASES, so a new view cannot ship without a rule. The expected outcome of each cell
is written here, independently of reports/permissions.py (it is the policy of issue 4, not a call
into the code under test):

- anonymous: 302 to the login page, everywhere (401 for htmx requests, so no autosave swallows a login page);
- a persona who may not open the report (drafter of another department, leader who does not
  supervise the owning department, user of another bureau): 404 on every URL that names the
  report or one of its objects, and on pages that are not about one report (list, dashboard,
  audit log, notifications, metrics) none of the report's title, text, comments or return reason;
- a persona who may open it but not do this: 403;
- the right persona in the wrong state: 409 or 422;
- when both the role and the state forbid an action, any of 403/409/422 (both are refusals).

Every refusal leaves bureau A's rows exactly as they were (counts, versions, texts, states), and
every allowed write really changes them. The world (two bureaus, seven users, one report in each
state) is built once for the module with the real services; every cell runs in a transaction that
is rolled back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drafts import fill_required_sections
from trackeddocx import document_xml, with_comments

from bureau.celery import app as celery_app
from reports.models import (
    AuditLog,
    Block,
    Bureau,
    Comment,
    Department,
    Export,
    ImportDraft,
    Membership,
    Metric,
    Notification,
    Packet,
    Presence,
    Preview,
    Report,
    ReportKind,
    Revision,
    Suggestion,
)
from reports.services import exports as export_services
from reports.services import members as member_services
from reports.services import packets as packet_services
from reports.services import previews as preview_services
from reports.services import reports as report_services
from reports.services import search as search_services
from reports.services import suggestions as suggestion_services
from reports.services import workflow as workflow_services
from reports.urls import urlpatterns

HX = {"HTTP_HX_REQUEST": "true"}
Role = Membership.Role

OWNER = "owner"  # drafter of the owning department (办公室)
OTHER_DRAFTER = "other_drafter"  # drafter of 国库科: same bureau, no section assigned
ASSIGNED = "assigned_drafter"  # drafter of 预算科, which has a section assigned
SUPERVISOR = "supervisor"  # leader (of 综合科) who supervises 办公室
OTHER_LEADER = "other_leader"  # leader who supervises 国库科 only
ADMIN = "admin"  # the bureau's admin
OUTSIDER = "outsider"  # drafter of another bureau
ANON = "anonymous"
PERSONAS = [OWNER, OTHER_DRAFTER, ASSIGNED, SUPERVISOR, OTHER_LEADER, ADMIN, OUTSIDER, ANON]

STATES = ["draft", "submitted", "returned", "approved"]
EDITABLE = {"draft", "returned"}

# Who may open a report of 办公室 that has a section assigned to 预算科 (the policy, written out).
SEES = {OWNER, ASSIGNED, SUPERVISOR, ADMIN}
BUREAU_MEMBERS = {OWNER, OTHER_DRAFTER, ASSIGNED, SUPERVISOR, OTHER_LEADER, ADMIN}
LEADERS_AND_ADMIN = {SUPERVISOR, OTHER_LEADER, ADMIN}

WRONG_STATE = frozenset({409, 422})
BOTH_WRONG = frozenset({403, 409, 422})
OK = frozenset({200})
FORBIDDEN = frozenset({403})

# Strings that exist only inside one report: none of them may reach a persona who cannot open it.
STATE_CN = {"draft": "草稿", "submitted": "已提交", "returned": "退回", "approved": "已审定"}


def secrets_of(state: str) -> dict[str, str]:
    tag = STATE_CN[state]
    return {
        "title": f"甲局{tag}态专项述职报告",
        "opening": f"{tag}态导语：全市财政运行总体平稳",
        "text": f"{tag}态机密正文：土地出让收入缺口较大",
        "assigned_text": f"{tag}态预算科撰写：零基预算改革",
        "comment": f"{tag}态机密批注：请核实缺口数字",
        "reason": f"{tag}态退回理由：数据口径不一致",
    }


B_SECRETS = {
    "title": "乙县内部述职报告",
    "metric": "乙县机密指标",
    "user": "yixian_outsider",
    "department": "乙县专属科",
}
METRIC_NAME = "一般公共预算收入"


# --- the world, built once ---------------------------------------------------------------------


@dataclass
class StateObjects:
    report: Report
    s0: Block  # top-level section, not assigned (the owner's)
    s1: Block  # top-level section assigned to 预算科
    p0: Block  # first point of s0
    p0b: Block
    p1: Block  # first point of s1
    p1b: Block
    comment: Comment
    export: Export
    preview: Preview  # the PDF preview of its Word file, made (pages and PDF stored)
    suggestion: Suggestion  # the supervisor's open suggestion on p0, made while it was submitted


@dataclass
class World:
    bureau: Bureau
    other_bureau: Bureau
    users: dict[str, Any]
    departments: dict[str, Department]
    metric: Metric
    kind: ReportKind
    states: dict[str, StateObjects] = field(default_factory=dict)
    b_report: Report | None = None
    b_metric: Metric | None = None
    b_export: Export | None = None
    packet: Packet | None = None  # a packet (.docx) of the approved report, built by the admin
    packet_preview: Preview | None = None  # a meeting packet's preview of bureau A (no report)
    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key (logged in once)


def _member(bureau, username, role, department, supervises=()):
    user = get_user_model().objects.create_user(username=username, password=None, first_name=username)
    membership = Membership.objects.create(user=user, bureau=bureau, department=department, role=role)
    if supervises:
        membership.supervises.set(supervises)
    return user


def _build_report(world: World, state: str) -> StateObjects:
    u, d, s = world.users, world.departments, secrets_of(state)
    report = report_services.report_create(user=u[OWNER], kind=world.kind, year=2025, subject="局长 王建国")
    report_services.report_update_fields(
        report=report, data={"title": s["title"], "opening": s["opening"]}, user=u[OWNER]
    )
    s0, s1 = list(report.blocks.filter(parent=None).order_by("position"))[:2]
    workflow_services.section_assign(block=s1, department=d["预算科"], user=u[OWNER])
    s1.refresh_from_db()
    p0 = report_services.block_add(report=report, type="point", parent=s0, user=u[OWNER])
    p0b = report_services.block_add(report=report, type="point", parent=s0, user=u[OWNER])
    p1 = report_services.block_add(report=report, type="point", parent=s1, user=u[ASSIGNED])
    p1b = report_services.block_add(report=report, type="point", parent=s1, user=u[ASSIGNED])
    report_services.block_save(
        block=p0,
        version=1,
        data={"title": "坚定政治立场", "text": s["text"] + "，收入{{" + METRIC_NAME + "}}亿元。"},
        user=u[OWNER],
    )
    report_services.block_save(block=p0b, version=1, data={"text": "第二个要点。"}, user=u[OWNER])
    report_services.block_save(block=p1, version=1, data={"text": s["assigned_text"]}, user=u[ASSIGNED])
    comment = workflow_services.comment_add(report=report, user=u[OWNER], text=s["comment"], block=p0)
    fill_required_sections(report)
    # Every report was submitted once and the supervisor suggested on p0 (the draft was withdrawn
    # after that), so each state has an open suggestion to accept, reject or apply.
    revision = workflow_services.report_submit(report=report, user=u[OWNER])
    suggestion = suggestion_services.suggestion_save(
        block=Block.objects.get(pk=p0.pk), field="text", text=s["text"] + "（领导建议）", user=u[SUPERVISOR]
    )
    if state == "draft":
        workflow_services.report_withdraw(report=report, user=u[OWNER])
    else:
        if state == "returned":
            workflow_services.comment_add(
                report=report, user=u[SUPERVISOR], text=s["comment"] + "（领导）", block=p0
            )
            workflow_services.report_return(
                report=report, user=u[SUPERVISOR], reason=s["reason"], revision_id=revision.pk
            )
        elif state == "approved":
            workflow_services.report_approve(report=report, user=u[SUPERVISOR], revision_id=revision.pk)
    report.refresh_from_db()
    export = export_services.export_request(
        report=report, user=u[OWNER], confirmed=True
    )  # rendered at once (eager)
    export.refresh_from_db()
    assert report.status == state and export.status == Export.Status.DONE, (state, export.error)
    preview = preview_services.report_preview_request(report=report, user=u[OWNER])
    preview.refresh_from_db()
    assert preview.status == Preview.Status.DONE, (state, preview.error)
    fresh = {b.pk: b for b in Block.objects.filter(report=report)}
    return StateObjects(
        report,
        fresh[s0.pk],
        fresh[s1.pk],
        fresh[p0.pk],
        fresh[p0b.pk],
        fresh[p1.pk],
        fresh[p1b.pk],
        comment,
        export,
        preview,
        suggestion,
    )


def _build_world() -> World:
    report_services.kinds_sync()
    bureau = Bureau.objects.create(name="甲市财政局（矩阵）")
    departments = {
        name: Department.objects.create(bureau=bureau, name=name)
        for name in ("办公室", "预算科", "国库科", "综合科")
    }
    other = Bureau.objects.create(name="乙县财政局（矩阵）")
    b_office = Department.objects.create(bureau=other, name=B_SECRETS["department"])
    users = {
        OWNER: _member(bureau, "m_owner", Role.DRAFTER, departments["办公室"]),
        OTHER_DRAFTER: _member(bureau, "m_other_drafter", Role.DRAFTER, departments["国库科"]),
        ASSIGNED: _member(bureau, "m_assigned", Role.DRAFTER, departments["预算科"]),
        SUPERVISOR: _member(
            bureau, "m_supervisor", Role.LEADER, departments["综合科"], [departments["办公室"]]
        ),
        OTHER_LEADER: _member(
            bureau, "m_other_leader", Role.LEADER, departments["国库科"], [departments["国库科"]]
        ),
        ADMIN: _member(bureau, "m_admin", Role.ADMIN, departments["办公室"]),
        OUTSIDER: _member(other, B_SECRETS["user"], Role.DRAFTER, b_office),
    }
    metric = Metric.objects.create(
        bureau=bureau, year=2025, name=METRIC_NAME, value=Decimal("186.4"), unit="亿元"
    )
    kind = ReportKind.objects.get(code="duty")
    world = World(bureau, other, users, departments, metric, kind)
    for state in STATES:
        world.states[state] = _build_report(world, state)
    b_report = report_services.report_create(user=users[OUTSIDER], kind=kind, year=2025, subject="县长")
    report_services.report_update_fields(
        report=b_report, data={"title": B_SECRETS["title"]}, user=users[OUTSIDER]
    )
    world.b_report = b_report
    world.b_metric = Metric.objects.create(
        bureau=other, year=2025, name=B_SECRETS["metric"], value=Decimal("9.9")
    )
    b_export = export_services.export_request(
        report=b_report, user=users[OUTSIDER], confirmed=True
    )  # an audit row that names it
    world.b_export = b_export
    world.packet = packet_services.packet_request(
        user=users[ADMIN],
        report_ids=[world.states["approved"].report.pk],
        meeting="矩阵会议",
        date=timezone.localdate(),
    )
    world.packet.refresh_from_db()
    assert world.packet.status == Packet.Status.DONE, world.packet.error
    world.packet_preview = preview_services.packet_preview_request(packet=world.packet, user=users[ADMIN])
    # The bureau admin gets the Django admin the way the app grants it (staff + the bureau-admin group).
    member_services.membership_sync_staff(users[ADMIN].membership)
    users[ADMIN].refresh_from_db()
    assert users[ADMIN].is_staff and not users[ADMIN].is_superuser
    for persona, user in users.items():
        client = Client()
        client.force_login(user)
        world.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    search_services.search_reindex_all()  # whether or not the services' after-commit updates ran
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    User = get_user_model()
    with django_db_blocker.unblock():
        users_before = set(User.objects.values_list("pk", flat=True))
        bureaus_before = set(Bureau.objects.values_list("pk", flat=True))
        groups_before = set(Group.objects.values_list("pk", flat=True))
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            built = _build_world()
        finally:
            celery_app.conf.task_always_eager = eager
        yield built
        Session.objects.filter(session_key__in=built.sessions.values()).delete()
        Bureau.objects.exclude(pk__in=bureaus_before).delete()
        User.objects.exclude(pk__in=users_before).delete()
        Group.objects.exclude(pk__in=groups_before).delete()


_FINGERPRINT_SQL = """
SELECT
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_report t WHERE t.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_block t
     JOIN reports_report r ON r.id = t.report_id WHERE r.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_comment t
     JOIN reports_report r ON r.id = t.report_id WHERE r.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_revision t
     JOIN reports_report r ON r.id = t.report_id WHERE r.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_export t
     JOIN reports_report r ON r.id = t.report_id WHERE r.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_presence t
     JOIN reports_report r ON r.id = t.report_id WHERE r.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_metric t WHERE t.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_auditlog t WHERE t.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_notification t
     JOIN reports_membership m ON m.user_id = t.user_id WHERE m.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_membership t WHERE t.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_department t WHERE t.bureau_id = %(b)s),
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM reports_suggestion t
     JOIN reports_report r ON r.id = t.report_id WHERE r.bureau_id = %(b)s)
"""
FINGERPRINT_PARTS = (
    "reports",
    "blocks",
    "comments",
    "revisions",
    "exports",
    "presence",
    "metrics",
    "audit log",
    "notifications",
    "memberships",
    "departments",
    "suggestions",
)


def fingerprint(bureau_id: int) -> dict[str, Any]:
    """Every row of bureau A that a request could change, whole (one query on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FINGERPRINT_SQL, {"b": bureau_id})
            return dict(zip(FINGERPRINT_PARTS, cursor.fetchone(), strict=True))
    in_bureau = {"report__bureau_id": bureau_id}
    return dict(
        zip(
            FINGERPRINT_PARTS,
            (
                list(Report.objects.filter(bureau_id=bureau_id).order_by("pk").values()),
                list(Block.objects.filter(**in_bureau).order_by("pk").values()),
                list(Comment.objects.filter(**in_bureau).order_by("pk").values()),
                list(Revision.objects.filter(**in_bureau).order_by("pk").values()),
                list(Export.objects.filter(**in_bureau).order_by("pk").values()),
                list(Presence.objects.filter(**in_bureau).order_by("pk").values()),
                list(Metric.objects.filter(bureau_id=bureau_id).order_by("pk").values()),
                list(AuditLog.objects.filter(bureau_id=bureau_id).order_by("pk").values()),
                list(
                    Notification.objects.filter(user__membership__bureau_id=bureau_id).order_by("pk").values()
                ),
                list(Membership.objects.filter(bureau_id=bureau_id).order_by("pk").values()),
                list(Department.objects.filter(bureau_id=bureau_id).order_by("pk").values()),
                list(Suggestion.objects.filter(**in_bureau).order_by("pk").values()),
            ),
            strict=True,
        )
    )


def changed_parts(before: dict, after: dict) -> list[str]:
    return [name for name in FINGERPRINT_PARTS if before[name] != after[name]]


# --- the cases: one or more per URL name --------------------------------------------------------


def _reach(rule) -> Any:
    """Expected statuses of a report-scoped URL: 404 for those who may not open the report."""

    def expect(p, state):
        return frozenset({404}) if p not in SEES else rule(p, state)

    return expect


def gate(role_ok: bool, state_ok: bool) -> frozenset:
    if role_ok and state_ok:
        return OK
    if role_ok:
        return WRONG_STATE
    if state_ok:
        return FORBIDDEN
    return BOTH_WRONG


def read(p, state):
    return OK


def edit_whole(p, state):  # report fields, top-level structure, the owner's own section
    return gate(p == OWNER, state in EDITABLE)


def edit_assigned(p, state):  # inside the section assigned to 预算科
    return gate(p in (OWNER, ASSIGNED), state in EDITABLE)


def transition(who: str, sources: set[str]):
    return lambda p, state: gate(p == who, state in sources)


def bureau_wide(
    p, state
):  # pages about the bureau, not one report: every member (each sees their own bureau)
    return OK


def drafters_only(p, state):  # creating a report: a department's drafter (in their own bureau)
    return OK if p in (OWNER, OTHER_DRAFTER, ASSIGNED, OUTSIDER) else FORBIDDEN


def visible_drafters(p, state):  # 以上年报告为基础新建: a drafter who may open the report
    return OK if p in (OWNER, ASSIGNED) else FORBIDDEN


def leaders_only(p, state):
    return OK if p in LEADERS_AND_ADMIN else FORBIDDEN


def delete_rule(p, state):  # 删除 (to the 回收站): the admin always, the owner a draft only
    return OK if p == ADMIN else gate(p == OWNER, state in EDITABLE)


def restore_rule(p, state):  # a report in the 回收站: whoever could have deleted it finds it there
    return OK if p == ADMIN or (p == OWNER and state in EDITABLE) else frozenset({404})


def purge_rule(p, state):  # 彻底删除: the admin; the owner sees it in the 回收站 but may not
    if p == ADMIN:
        return OK
    return FORBIDDEN if p == OWNER and state in EDITABLE else frozenset({404})


def nowhere(p, state):  # restoring a report that is not in the 回收站
    return frozenset({404})


def packet_build(p, state):  # 材料汇编 of a report: who may open it, of an approved one
    if p not in LEADERS_AND_ADMIN:
        return FORBIDDEN
    if p not in SEES:
        return frozenset({422})  # a report they may not open is refused as not found
    return OK if state == "approved" else WRONG_STATE


def packet_object(p, state):  # the world's packet: leaders who may open its report, and the admin
    return OK if p in (SUPERVISOR, ADMIN) else frozenset({404})


def packet_preview_rule(p, state):  # the packet's preview: made (or found) and redirected to
    return frozenset({302}) if p in (SUPERVISOR, ADMIN) else frozenset({404})


def packet_done(p, state):  # 重试 of a finished packet
    return WRONG_STATE if p in (SUPERVISOR, ADMIN) else frozenset({404})


def admin_only(p, state):
    return OK if p == ADMIN else FORBIDDEN


def packet_rule(p, state):  # a meeting packet's preview: whoever may see the packet
    return packet_object(p, state)


def bureau_object(p, state):  # an object of bureau A that is not a report (a metric): 404 outside A
    return OK if p in BUREAU_MEMBERS else frozenset({404})


@dataclass
class Case:
    view: str
    method: str
    obj: str | None  # attribute of StateObjects, "metric", "packet", or None
    expect: Any  # (persona, state) -> frozenset of acceptable statuses
    data: Any = None  # (world, state) -> dict
    htmx: bool = True
    writes: bool = False  # an allowed request must change bureau A
    label: str = ""
    session: Any = None  # (world) -> dict put in the session first
    args: tuple = ()  # further URL arguments after the object's id
    shows: bool = False  # a 200 to someone who may open the report shows its title
    setup: Any = None  # (world, state) -> None, run before the request (rolled back with the cell)

    @property
    def id(self) -> str:
        return self.view + (f"[{self.label}]" if self.label else "")


def _version(block_attr):
    def data(world, state):
        block = Block.objects.get(pk=getattr(world.states[state], block_attr).pk)
        return {"version": str(block.version), "title": block.title, "text": "矩阵新写入的文字"}

    return data


def _latest_revision(world, state):
    revision = world.states[state].report.revisions.order_by("-number").first()
    return "" if revision is None else str(revision.pk)


def _import_file(world, state):
    csv = "指标名称,数值,单位,小数位\n矩阵导入指标,12.5,亿元,1\n"
    upload = io.BytesIO(csv.encode("utf-8"))
    upload.name = "指标.csv"
    return {"year": "2025", "file": upload}


def _markup_file(world, state):
    """The submission's Word file with one Word comment (not anchored: kept as a report comment)."""
    revision = world.states[state].report.revisions.order_by("-number").first()
    if revision is None:
        docx = b"PK"
    else:
        report = world.states[state].report
        _name, docx = preview_services._revision_docx(report=report, revision=revision, masked=False)
        docx = with_comments(docx, document_xml(docx), [(0, "矩阵领导", "2026-01-01T00:00:00Z", "矩阵批注")])
    upload = io.BytesIO(docx)
    upload.name = "修改稿.docx"
    return {"file": upload}


def _pending_import(world, persona):
    return {
        "metric_import": {
            "year": 2025,
            "period": "",
            "rows": [
                {
                    "name": "矩阵确认指标",
                    "value": "7.5",
                    "unit": "亿元",
                    "decimals": 1,
                    "prior_value": None,
                    "budget_value": None,
                    "source": "",
                    "status": Metric.Status.PROVISIONAL,
                }
            ],
        }
    }


IMPORT_TEXT = (
    "甲市财政局2025年工作总结\n\n今年以来，全市财政运行平稳。\n\n一、主要工作\n\n"
    "（一）收入情况。全市一般公共预算收入186.4亿元。\n\n二、下一步工作\n\n继续深化改革。"
)


def _pending_report_import(world, persona):
    """The persona's own import preview (an ImportDraft row; the session names it)."""
    from reports.core.importer import parse_text

    draft = ImportDraft.objects.create(
        owner=world.users[persona],
        payload=parse_text(IMPORT_TEXT, None, strict=True).to_state(),
        expires_at=timezone.now() + ImportDraft.TTL,
    )
    return {"report_import": draft.pk}


METRIC_FORM = {
    "name": "矩阵新指标",
    "value": "3.5",
    "unit": "亿元",
    "decimals": "1",
    "status": "provisional",
    "year": "2025",
}


def _trash(world, state):
    """Move the state's report to the 回收站 (as the admin), for the cases that act on the trash."""
    report_services.report_delete(
        report=Report.objects.get(pk=world.states[state].report.pk), user=world.users[ADMIN]
    )


def _fail_export(world, state):
    """The state's export failed (only a failed or stuck export may be retried; the world's is done)."""
    Export.objects.filter(pk=world.states[state].export.pk).update(
        status=Export.Status.FAILED, error="测试失败"
    )


FIXABLE_TEXT = "统一思想,凝心聚力。"  # P01, safe
IGNORABLE_TEXT = "收入稳步增长，，支出结构优化。"  # P09 at 6–8, a warning


def _write_p0b(text):
    """Setup: put `text` into p0b as stored (its version unchanged, as if saved long ago)."""

    def setup(world, state):
        Block.objects.filter(pk=world.states[state].p0b.pk).update(text=text)

    return setup


def _panel_versions(world, state):
    """What the 校对 panel posts back for 修改全部安全项: the version of every place it showed."""
    report = Report.objects.get(pk=world.states[state].report.pk)
    data = {
        f"v-block-{pk}": str(v) for pk, v in Block.objects.filter(report=report).values_list("pk", "version")
    }
    return data | {"v-head": str(report.head_version), "v-tail": str(report.tail_version)}


def _ignore_p0b(world, state):
    return {
        "where": f"{world.states[state].p0b.pk}:text",
        "rule": "P09",
        "start": "6",
        "end": "8",
        "reason": "矩阵",
    }


def _reuse_source(world):
    """插入's source: a point of the approved report's approved revision (every persona who may open
    the target report may open that one too)."""
    approved = world.states["approved"]
    return {"source_report": str(approved.report.pk), "source_block": str(approved.p0.pk)}


CASES = [
    Case("report_list", "GET", None, bureau_wide, htmx=False, shows=True),
    Case(
        "report_list",
        "GET",
        None,
        bureau_wide,
        label="htmx-search",
        shows=True,
        data=lambda w, s: {"q": "专项 述职", "year": "2025", "status": s, "kind": "duty"},
    ),
    Case(
        "search",
        "GET",
        None,
        bureau_wide,
        htmx=False,
        shows=True,
        data=lambda w, s: {"q": f"{STATE_CN[s]}态机密正文 土地出让收入 财政运行"},
    ),
    Case(
        "search",
        "GET",
        None,
        bureau_wide,
        label="htmx-filters",
        shows=True,
        data=lambda w, s: {"q": "土地出让收入", "year": "2025", "kind": "duty", "approved_only": ""},
    ),
    Case("report_delete", "POST", "report", _reach(delete_rule), writes=True),
    Case("report_trash", "GET", None, bureau_wide, htmx=False),
    Case("report_trash", "GET", None, bureau_wide, htmx=False, label="with-deleted", setup=_trash),
    Case("report_restore", "POST", "report", restore_rule, writes=True, setup=_trash),
    Case("report_restore", "POST", "report", nowhere, label="not-deleted"),
    Case(
        "report_purge",
        "POST",
        "report",
        purge_rule,
        writes=True,
        setup=_trash,
        data=lambda w, s: {"confirm": "on"},
    ),
    Case("report_create", "GET", None, bureau_wide, htmx=False),
    Case("report_create", "GET", None, bureau_wide, label="htmx"),
    Case("report_edit", "GET", "report", _reach(read), htmx=False, shows=True),
    Case("report_edit", "GET", "report", _reach(read), label="htmx"),
    Case("report_outline", "GET", "report", _reach(read)),
    Case("report_preview", "GET", "report", _reach(read), htmx=False, shows=True),
    Case(
        "report_fields_save",
        "POST",
        "report",
        _reach(edit_whole),
        writes=True,
        data=lambda w, s: {
            "part": "head",
            "version": str(Report.objects.get(pk=w.states[s].report.pk).head_version),
            "opening": "矩阵改写的导语",
        },
    ),
    Case(
        "block_add",
        "POST",
        "report",
        _reach(edit_whole),
        writes=True,
        label="top-level",
        data=lambda w, s: {"type": "heading"},
    ),
    Case(
        "block_add",
        "POST",
        "report",
        _reach(edit_whole),
        writes=True,
        label="own-section",
        data=lambda w, s: {"type": "point", "parent": str(w.states[s].s0.pk)},
    ),
    Case(
        "block_add",
        "POST",
        "report",
        _reach(edit_assigned),
        writes=True,
        label="assigned-section",
        data=lambda w, s: {"type": "point", "parent": str(w.states[s].s1.pk)},
    ),
    # 去年同节: the lazy panel of a heading reads like the editor; 插入 writes like adding a point there
    Case("last_year_section", "GET", "s0", _reach(read)),
    Case("last_year_section", "GET", "s1", _reach(read), label="assigned-section"),
    Case(
        "block_reuse",
        "POST",
        "s0",
        _reach(edit_whole),
        writes=True,
        label="own-section",
        data=lambda w, s: _reuse_source(w),
    ),
    Case(
        "block_reuse",
        "POST",
        "s1",
        _reach(edit_assigned),
        writes=True,
        label="assigned-section",
        data=lambda w, s: _reuse_source(w),
    ),
    # confirmed: past the warning about empty points (tests/views/test_export_views.py covers the warning).
    Case("export_create", "POST", "report", _reach(read), writes=True, data=lambda w, s: {"confirmed": "1"}),
    Case(
        "block_save", "POST", "p0", _reach(edit_whole), writes=True, data=_version("p0"), label="own-section"
    ),
    Case(
        "block_save",
        "POST",
        "p1",
        _reach(edit_assigned),
        writes=True,
        data=_version("p1"),
        label="assigned-section",
    ),
    Case(
        "block_save",
        "POST",
        "s1",
        _reach(edit_assigned),
        writes=True,
        data=_version("s1"),
        label="assigned-heading",
    ),
    Case("block_delete", "POST", "p0b", _reach(edit_whole), writes=True, label="own-section"),
    Case("block_delete", "POST", "p1b", _reach(edit_assigned), writes=True, label="assigned-section"),
    Case("block_delete", "POST", "s1", _reach(edit_whole), writes=True, label="assigned-section-itself"),
    Case(
        "block_move",
        "POST",
        "p0",
        _reach(edit_whole),
        writes=True,
        label="own-section",
        data=lambda w, s: {"direction": "down"},
    ),
    Case(
        "block_move",
        "POST",
        "p1",
        _reach(edit_assigned),
        writes=True,
        label="assigned-section",
        data=lambda w, s: {"direction": "down"},
    ),
    Case(
        "block_move",
        "POST",
        "p1",
        _reach(edit_whole),
        writes=True,
        label="out-of-assigned-section",
        data=lambda w, s: {"direction": "up"},
    ),
    Case("export_status", "GET", "export", _reach(read)),
    Case("export_retry", "POST", "export", _reach(read), writes=True, label="failed", setup=_fail_export),
    Case("export_retry", "POST", "export", _reach(lambda p, state: frozenset({409})), label="done"),
    Case("export_download", "GET", "export", _reach(read), htmx=False),
    Case("report_pdf_preview", "GET", "report", _reach(read), htmx=False, shows=True),
    Case("report_pdf_preview", "GET", "report", _reach(read), label="htmx"),
    Case("preview_detail", "GET", "preview", _reach(read), htmx=False, shows=True),
    Case("preview_detail", "GET", "preview", _reach(read), label="htmx"),
    Case("preview_detail", "GET", "packet_preview", packet_rule, htmx=False, label="packet"),
    Case("preview_retry", "POST", "preview", _reach(read)),
    Case("preview_retry", "POST", "packet_preview", packet_rule, label="packet"),
    Case("preview_page_image", "GET", "preview", _reach(read), htmx=False, args=(1,)),
    Case("preview_page_image", "GET", "packet_preview", packet_rule, htmx=False, args=(1,), label="packet"),
    Case("preview_pdf", "GET", "preview", _reach(read), htmx=False),
    Case("preview_pdf", "GET", "packet_preview", packet_rule, htmx=False, label="packet"),
    Case("metric_picker", "GET", "report", _reach(read)),
    Case("metric_list", "GET", None, bureau_wide, htmx=False),
    Case("metric_list", "GET", None, bureau_wide, label="htmx"),
    Case("metric_create", "POST", None, bureau_wide, writes=True, data=lambda w, s: dict(METRIC_FORM)),
    Case("metric_import", "POST", None, bureau_wide, data=_import_file),
    Case(
        "metric_import_confirm",
        "POST",
        None,
        bureau_wide,
        writes=True,
        data=lambda w, s: {"year": "2025"},
        session=_pending_import,
    ),
    Case(
        "metric_update",
        "POST",
        "metric",
        bureau_object,
        writes=True,
        data=lambda w, s: dict(METRIC_FORM, name=METRIC_NAME, value="190.2"),
    ),
    Case("metric_delete", "GET", "metric", bureau_object, label="confirm"),
    Case("metric_delete", "POST", "metric", bureau_object, writes=True, label="delete"),
    Case("report_submit", "POST", "report", _reach(transition(OWNER, {"draft", "returned"})), writes=True),
    Case("report_withdraw", "POST", "report", _reach(transition(OWNER, {"submitted"})), writes=True),
    Case("report_redraft", "POST", "report", _reach(transition(OWNER, {"approved"})), writes=True),
    Case(
        "report_approve",
        "POST",
        "report",
        _reach(transition(SUPERVISOR, {"submitted"})),
        writes=True,
        data=lambda w, s: {"revision": _latest_revision(w, s)},
    ),
    Case(
        "report_return",
        "POST",
        "report",
        _reach(transition(SUPERVISOR, {"submitted"})),
        writes=True,
        data=lambda w, s: {"reason": "矩阵退回理由", "revision": _latest_revision(w, s)},
    ),
    Case(
        "report_approve_with_suggestions",
        "POST",
        "report",
        _reach(transition(SUPERVISOR, {"submitted"})),
        writes=True,
        data=lambda w, s: {"revision": _latest_revision(w, s)},
    ),
    Case(
        "suggestion_save",
        "POST",
        "p0",
        _reach(transition(SUPERVISOR, {"submitted"})),
        writes=True,
        data=lambda w, s: {"text": "矩阵领导的修改建议。"},
    ),
    Case(
        "markup_import",
        "POST",
        "report",
        _reach(transition(SUPERVISOR, {"submitted"})),
        writes=True,
        data=_markup_file,
    ),
    Case(
        "suggestion_accept",
        "POST",
        "suggestion",
        _reach(edit_whole),
        writes=True,
        data=lambda w, s: {"version": str(Block.objects.get(pk=w.states[s].p0.pk).version)},
    ),
    Case("suggestion_reject", "POST", "suggestion", _reach(edit_whole), writes=True),
    Case("suggestions_accept_all", "POST", "report", _reach(edit_whole), writes=True),
    Case("report_review", "GET", "report", _reach(read), htmx=False, shows=True),
    Case(
        "report_review",
        "GET",
        "report",
        _reach(read),
        label="htmx-diff",
        data=lambda w, s: {"view": "previous"},
    ),
    Case(
        "comment_add",
        "POST",
        "report",
        _reach(read),
        writes=True,
        data=lambda w, s: {"text": "矩阵新批注", "block": str(w.states[s].p0.pk)},
    ),
    Case("report_presence", "GET", "report", _reach(read)),
    Case("report_presence", "POST", "report", _reach(read), writes=True, label="touch"),
    Case(
        "comment_resolve", "POST", "comment", _reach(read), writes=True, data=lambda w, s: {"resolved": "1"}
    ),
    Case(
        "section_assign",
        "POST",
        "s0",
        _reach(edit_whole),
        writes=True,
        data=lambda w, s: {"department": str(w.departments["国库科"].pk)},
    ),
    Case("section_done", "POST", "s1", _reach(edit_assigned), writes=True, data=lambda w, s: {"done": "1"}),
    Case("dashboard", "GET", None, leaders_only, htmx=False, shows=True),
    Case("dashboard", "GET", None, leaders_only, label="htmx"),
    Case("audit_log", "GET", None, leaders_only, htmx=False),
    Case("audit_log", "GET", None, leaders_only, label="htmx"),
    Case("notifications", "GET", None, bureau_wide, htmx=False),
    Case("notifications", "POST", None, bureau_wide, label="mark-read"),
    Case("report_import", "GET", None, bureau_wide, htmx=False),
    Case(
        "report_import_preview",
        "POST",
        None,
        bureau_wide,
        data=lambda w, s: {"text": IMPORT_TEXT, "kind": "", "year": "2025"},
    ),
    *(
        Case(
            f"report_import_{fix}",
            "POST",
            None,
            bureau_wide,
            session=_pending_report_import,
            data=lambda w, s: {"revision": "1", "index": "1", "kind-1": "point", "at-1": "收入"},
        )
        for fix in ("retype", "split", "merge", "fields")
    ),
    Case(
        "report_import_create",
        "POST",
        None,
        drafters_only,
        writes=True,
        session=_pending_report_import,
        data=lambda w, s: {
            "revision": "1",
            "kind": "annual_summary",
            "year": "2025",
            "title": "导入的总结",
            "subject": "",
        },
    ),
    Case("report_carry_forward", "POST", "report", _reach(visible_drafters), writes=True),
    Case("report_proofread", "GET", "report", _reach(read), htmx=False, shows=True),
    Case("report_proofread", "GET", "report", _reach(read), label="htmx"),
    Case(
        "report_proofread_fix",
        "POST",
        "report",
        _reach(edit_whole),
        writes=True,
        data=_panel_versions,
        setup=_write_p0b(FIXABLE_TEXT),
    ),
    Case("packet_list", "GET", None, leaders_only, htmx=False),
    Case("packet_new", "GET", None, leaders_only, htmx=False),
    Case(
        "packet_new",
        "POST",
        None,
        packet_build,
        writes=True,
        label="build",
        data=lambda w, s: {
            "report": [str(w.states[s].report.pk)],
            "meeting": "矩阵新会议",
            "date": "2026-01-15",
            "format": "zip",
            "masked": "0",
        },
    ),
    Case("packet_rank_save", "POST", None, admin_only, writes=True, data=lambda w, s: {"rank_list": "局长"}),
    Case("packet_detail", "GET", "packet", packet_object, htmx=False),
    Case("packet_status", "GET", "packet", packet_object),
    Case("packet_retry", "POST", "packet", packet_done),
    Case("packet_download", "GET", "packet", packet_object, htmx=False),
    Case("packet_preview", "GET", "packet", packet_preview_rule, htmx=False),
    Case(
        "finding_ignore",
        "POST",
        "report",
        _reach(edit_whole),
        writes=True,
        data=_ignore_p0b,
        setup=_write_p0b(IGNORABLE_TEXT),
    ),
]


def test_every_view_has_a_case():
    """Generated from the URL configuration: a view without an expectation fails here."""
    assert {p.name for p in urlpatterns} - {c.view for c in CASES} == set()
    assert {c.view for c in CASES} - {p.name for p in urlpatterns} == set()


def test_the_world_is_what_the_matrix_assumes(world, db):
    """Guard the fixture: each report is in its state, with its assigned section and its metric."""
    for state, objs in world.states.items():
        assert Report.objects.get(pk=objs.report.pk).status == state
        assert Block.objects.get(pk=objs.s1.pk).assigned_department == world.departments["预算科"]
        assert METRIC_NAME in Block.objects.get(pk=objs.p0.pk).text
    assert world.states["approved"].report.approved_revision_id is not None


def _url(case: Case, world: World, state: str) -> str:
    if case.obj is None:
        return reverse(case.view)
    if case.obj == "metric":
        return reverse(case.view, args=[world.metric.pk, *case.args])
    if case.obj == "packet":
        return reverse(case.view, args=[world.packet.pk, *case.args])
    if case.obj == "packet_preview":
        return reverse(case.view, args=[world.packet_preview.pk, *case.args])
    return reverse(case.view, args=[getattr(world.states[state], case.obj).pk, *case.args])


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=[c.id + "-" + c.method for c in CASES])
def test_cell(world, db, client, case, persona, state):
    url = _url(case, world, state)
    if persona != ANON:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
        if case.session:
            session = client.session
            session.update(case.session(world, persona))
            session.save()
    data = case.data(world, state) if case.data else {}
    if case.setup:
        case.setup(world, state)
    before = fingerprint(world.bureau.pk)
    headers = HX if case.htmx else {}
    send = client.get if case.method == "GET" else client.post
    response = send(url, data, **headers)
    after = fingerprint(world.bureau.pk)
    body = _body(response)

    if persona == ANON:
        if case.htmx:  # an htmx request gets 401 (an autosave must not "succeed" on the login page)
            assert response.status_code == 401 and "登录" in body, body[:300]
        else:
            assert response.status_code == 302, body[:300]
            assert response["Location"].startswith(reverse("login"))
        assert after == before
        return

    expected = case.expect(persona, state)
    assert response.status_code in expected, (
        f"{case.id} {case.method} as {persona} on a {state} report: got {response.status_code}, "
        f"expected {sorted(expected)}: {body[:400]}"
    )

    if persona in SEES and case.shows and response.status_code == 200:
        assert secrets_of(state)["title"] in body, (
            f"{case.id} as {persona} ({state}) does not show the report"
        )
    if persona not in SEES:
        leaked = [name for name, text in secrets_of(state).items() if text in body]
        assert not leaked, f"{case.id} as {persona} ({state}) shows the report's {leaked}"

    changed = changed_parts(before, after)
    allowed = response.status_code == 200
    if not allowed or case.method == "GET":
        assert not changed, (
            f"{case.id} as {persona} ({state}) answered {response.status_code} but changed {changed}"
        )
    elif persona == OUTSIDER:
        assert not changed, f"{case.id} as {persona} changed bureau A's {changed}"
    elif case.writes:
        assert changed, f"{case.id} as {persona} ({state}) answered 200 but changed nothing"


def test_report_create_post_only_for_drafters(world, db, client):
    """Creating a report: drafters of a department only; leaders and admins are refused and nothing is created."""
    for persona in PERSONAS:
        client.logout()
        if persona != ANON:
            client.force_login(world.users[persona])
        count = Report.objects.count()
        response = client.post(
            reverse("report_create"), {"kind": world.kind.pk, "year": "2025", "subject": "矩阵"}
        )
        if persona in (OWNER, OTHER_DRAFTER, ASSIGNED, OUTSIDER):
            assert response.status_code == 302 and "/reports/" in response["Location"], persona
            created = Report.objects.order_by("-pk").first()
            assert Report.objects.count() == count + 1
            assert created.department_id == world.users[persona].membership.department_id
            assert created.bureau_id == world.users[persona].membership.bureau_id
        elif persona == ANON:
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
            assert Report.objects.count() == count
        else:
            assert response.status_code in (200, 403, 422), persona
            assert "只有各科室的起草人可以新建报告" in response.content.decode(), persona
            assert Report.objects.count() == count, persona


@pytest.mark.parametrize("persona", [OUTSIDER, OTHER_DRAFTER, OTHER_LEADER])
def test_ids_of_objects_in_posted_fields_are_checked(world, db, client, persona):
    """A block, parent or comment id of a report one cannot open, smuggled into a form field of a
    report one can open (the outsider posts into their own bureau's report): 404, nothing changes."""
    client.force_login(world.users[persona])
    if persona == OUTSIDER:
        own = world.b_report
    else:
        own = report_services.report_create(user=world.users[OWNER], kind=world.kind, year=2026)
        workflow_services.section_assign(
            block=own.blocks.filter(parent=None).first(),
            user=world.users[OWNER],
            department=world.users[persona].membership.department
            if persona == OTHER_DRAFTER
            else world.departments["国库科"],
        )
    if persona == OTHER_LEADER:
        # make the leader's own report visible: the leader supervises 国库科, the owner's is 办公室
        Report.objects.filter(pk=own.pk).update(department=world.departments["国库科"])
    foreign = world.states["draft"]
    before = (
        foreign.report.blocks.count(),
        Comment.objects.count(),
        Block.objects.filter(report=own).count(),
    )
    for url, data in [
        (reverse("block_add", args=[own.pk]), {"type": "point", "parent": foreign.s0.pk}),
        (reverse("block_add", args=[own.pk]), {"type": "point", "after": foreign.p0.pk}),
        (reverse("comment_add", args=[own.pk]), {"text": "x", "block": foreign.p0.pk}),
        (reverse("comment_add", args=[own.pk]), {"text": "x", "parent": foreign.comment.pk}),
    ]:
        response = client.post(url, data, **HX)
        assert response.status_code == 404, (url, data, response.status_code)
        body = response.content.decode()
        assert not [t for t in secrets_of("draft").values() if t in body]
    assert (
        foreign.report.blocks.count(),
        Comment.objects.count(),
        Block.objects.filter(report=own).count(),
    ) == before


# --- the Django admin ------------------------------------------------------------------------------


ADMIN_TARGETS = {
    "report_changelist": ("admin:reports_report_changelist", None),
    "report_change": ("admin:reports_report_change", "b_report"),
    "user_changelist": ("admin:auth_user_changelist", None),
    "user_change": ("admin:auth_user_change", "b_user"),
    "metric_changelist": ("admin:reports_metric_changelist", None),
    "metric_change": ("admin:reports_metric_change", "b_metric"),
    "membership_changelist": ("admin:reports_membership_changelist", None),
    "membership_change": ("admin:reports_membership_change", "b_membership"),
    "department_changelist": ("admin:reports_department_changelist", None),
    "export_changelist": ("admin:reports_export_changelist", None),
    "export_change": ("admin:reports_export_change", "b_export"),
    "auditlog_changelist": ("admin:reports_auditlog_changelist", None),
}
# What bureau A's admin must find in their own changelists (so an empty page does not pass).
A_VISIBLE = {
    "report_changelist": lambda w: secrets_of("draft")["title"],
    "user_changelist": lambda w: "m_owner",
    "metric_changelist": lambda w: METRIC_NAME,
    "membership_changelist": lambda w: "m_assigned",
    "department_changelist": lambda w: "综合科",
}


def _admin_url(world, target):
    name, obj = ADMIN_TARGETS[target]
    if obj is None:
        return reverse(name)
    pk = {
        "b_report": world.b_report.pk,
        "b_user": world.users[OUTSIDER].pk,
        "b_metric": world.b_metric.pk,
        "b_membership": world.users[OUTSIDER].membership.pk,
        "b_export": world.b_export.pk,
    }[obj]
    return reverse(name, args=[pk])


def _admin_page_hides(client, world, target, hidden: dict[str, str]) -> str:
    response = client.get(_admin_url(world, target))
    body = response.content.decode("utf-8", "replace")
    if target.endswith("_changelist"):
        assert response.status_code in (200, 403), f"{target}: {response.status_code}"
    else:
        assert response.status_code in (302, 403, 404), (
            f"{target}: another bureau's object opens ({response.status_code})"
        )
    leaked = [name for name, text in hidden.items() if text in body]
    assert not leaked, f"{target}: another bureau's {leaked} shown"
    return body


@pytest.mark.parametrize("target", sorted(ADMIN_TARGETS))
def test_the_bureau_admin_sees_only_their_bureau_in_the_django_admin(world, db, client, target):
    """Bureau A's admin (staff, not superuser, as the app makes them): no row of bureau B, by list or by id."""
    client.force_login(world.users[ADMIN])
    assert client.get(reverse("admin:index")).status_code == 200
    body = _admin_page_hides(client, world, target, B_SECRETS)
    if target in A_VISIBLE:
        assert A_VISIBLE[target](world) in body, f"{target}: bureau A's own rows are missing"


@pytest.mark.parametrize("persona", [OWNER, SUPERVISOR, OUTSIDER])
def test_non_admins_cannot_enter_the_django_admin(world, db, client, persona):
    client.force_login(world.users[persona])
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(_admin_url(world, "report_changelist")).status_code == 302


def test_the_demo_admin_sees_only_their_bureau_in_the_django_admin(world, db, client):
    """The admin as seed_demo makes them sees neither bureau A nor bureau B (both are other bureaus)."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    demo_admin = get_user_model().objects.get(username="admin")
    assert not demo_admin.is_superuser
    client.force_login(demo_admin)
    hidden = B_SECRETS | {f"A {k}": v for k, v in secrets_of("draft").items()} | {"A user": "m_owner"}
    failures = []
    for target in sorted(ADMIN_TARGETS):
        try:
            _admin_page_hides(client, world, target, hidden)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)


TRASH_VIEWS = {"report_restore", "report_purge"}


@pytest.mark.parametrize("persona", [OWNER, ADMIN])
@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.obj not in (None, "metric", "packet", "packet_preview") and c.view not in TRASH_VIEWS
    ],
    ids=lambda c: c.id + "-" + c.method,
)
def test_a_deleted_report_is_absent_from_every_url(world, db, client, case, persona):
    """Generated from CASES: once in the 回收站, every URL of the report or of its objects answers
    404 to everyone, even its owner and the admin, and changes nothing."""
    _trash(world, "draft")
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    before = fingerprint(world.bureau.pk)
    send = client.get if case.method == "GET" else client.post
    response = send(_url(case, world, "draft"), case.data(world, "draft") if case.data else {}, **HX)
    assert response.status_code == 404, (case.id, persona, response.status_code)
    assert changed_parts(before, fingerprint(world.bureau.pk)) == []


@pytest.mark.parametrize("persona", [SUPERVISOR, ADMIN])
def test_a_packet_of_a_deleted_report_is_absent(world, db, client, persona):
    """A packet shows its reports: once one of them is in the 回收站, the packet answers 404 and
    leaves the list, for the admin too."""
    _trash(world, "approved")
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    assert client.get(reverse("packet_detail", args=[world.packet.pk])).status_code == 404
    assert client.get(reverse("packet_download", args=[world.packet.pk])).status_code == 404
    assert "矩阵会议" not in client.get(reverse("packet_list")).content.decode()


# Not notifications: a notification already delivered stays in the inbox as it was sent (its link 404s).
@pytest.mark.parametrize("view", ["report_list", "dashboard", "audit_log", "metric_list"])
def test_a_deleted_report_is_absent_from_every_page(world, db, client, view):
    """Pages that list reports do not show a deleted one (the admin finds it in the 回收站, and in
    the audit log, which is the bureau's record of what happened to it)."""
    _trash(world, "draft")
    title = secrets_of("draft")["title"]
    for persona in (OWNER, ADMIN, SUPERVISOR, ASSIGNED):
        if view == "audit_log" and persona == ADMIN:
            continue
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
        assert title not in client.get(reverse(view)).content.decode(), (view, persona)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[ADMIN]
    assert title in client.get(reverse("report_trash")).content.decode()
