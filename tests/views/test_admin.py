"""Django admin pages for bureaus, departments, users (with membership) and kinds open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:reports_bureau_changelist",
        "admin:reports_department_changelist",
        "admin:auth_user_changelist",
        "admin:reports_reportkind_changelist",
        "admin:reports_report_changelist",
        "admin:reports_export_changelist",
    ],
)
def test_admin_changelists_open(client, report, url_name):
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get(reverse(url_name)).status_code == 200


def test_the_user_page_edits_membership(client, drafter):
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    page = client.get(reverse("admin:auth_user_change", args=[drafter.pk])).content.decode()
    assert "所属财政局、科室与角色" in page and "起草人" in page


def test_a_drafter_cannot_enter_the_admin(client, drafter):
    client.force_login(drafter)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_bureau_admin_sees_only_their_bureau(client, admin_user, outsider, report, kinds):
    from reports.models import Membership, Metric
    from reports.services import members as member_services
    from reports.services import reports as report_services

    membership = Membership.objects.get(user=admin_user)
    membership.role = Membership.Role.ADMIN
    membership.save()
    member_services.membership_sync_staff(membership)
    theirs = report_services.report_create(
        user=outsider, kind=kinds["work_plan"], year=2026, subject="邻县财政局"
    )
    Metric.objects.create(bureau=theirs.bureau, year=2026, name="邻县收入")
    client.force_login(admin_user)
    for url_name, ours, other in [
        ("admin:reports_report_changelist", report.title, theirs.title),
        ("admin:auth_user_changelist", "drafter", "outsider"),
        ("admin:reports_metric_changelist", None, "邻县收入"),
        ("admin:reports_department_changelist", "预算科", None),
    ]:
        page = client.get(reverse(url_name))
        assert page.status_code == 200, url_name
        body = page.content.decode()
        if ours:
            assert ours in body, url_name
        if other:
            assert other not in body, url_name
    assert client.get(reverse("admin:reports_report_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:auth_user_change", args=[outsider.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:reports_auditlog_changelist")).status_code == 200


def test_the_audit_log_cannot_be_edited_in_the_admin(client, report, drafter):
    from reports.models import AuditLog

    entry = AuditLog.objects.create(bureau=report.bureau, actor=drafter, action="test", summary="x")
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    assert (
        client.post(reverse("admin:reports_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditLog.objects.filter(pk=entry.pk).exists()


# --- issue 8, item 9: duplicates get a form error; a bureau admin sees only their bureau -----------


@pytest.fixture
def bureau_admin(admin_user):
    """The bureau's admin as the app makes one: staff, in the bureau-admin group, not a superuser."""
    from reports.services import members as member_services

    member_services.membership_sync_staff(admin_user.membership)
    admin_user.refresh_from_db()
    assert admin_user.is_staff and not admin_user.is_superuser
    return admin_user


def _duplicates(bureau, kinds):
    """(admin add URL name, model, POST data of a row that exists already, the Chinese error)."""
    from reports.models import Deadline, Department, Metric, SensitiveTerm

    SensitiveTerm.objects.create(bureau=bureau, term="某某产业园")
    Metric.objects.create(bureau=bureau, year=2025, name="一般公共预算收入")
    Deadline.objects.create(bureau=bureau, kind=kinds["duty"], year=2025, due_date="2026-01-10")
    return [
        ("admin:reports_department_add", Department, {"name": "预算科"}, "本局已有同名科室。"),
        ("admin:reports_sensitiveterm_add", SensitiveTerm, {"term": "某某产业园"}, "本局已有这个敏感词。"),
        (
            "admin:reports_metric_add",
            Metric,
            {
                "year": "2025",
                "period": "",
                "name": "一般公共预算收入",
                "decimals": "1",
                "status": "provisional",
            },
            "本局该年度、该期间已有同名指标。",
        ),
        (
            "admin:reports_deadline_add",
            Deadline,
            {"kind": str(kinds["duty"].pk), "year": "2025", "due_date": "2026-01-10"},
            "本局已设置该年度这类报告的截止日期。",
        ),
    ]


@pytest.mark.parametrize("as_superuser", [False, True], ids=["bureau-admin", "superuser"])
def test_it_answers_a_duplicate_with_a_chinese_form_error(client, bureau, kinds, bureau_admin, as_superuser):
    user = get_user_model().objects.create_superuser("root", password="pw") if as_superuser else bureau_admin
    client.force_login(user)
    for url_name, model, data, message in _duplicates(bureau, kinds):
        if as_superuser:
            data = data | {"bureau": str(bureau.pk)}
        count = model.objects.count()
        response = client.post(reverse(url_name), data)
        assert response.status_code == 200, (url_name, response.status_code)
        assert message in response.content.decode(), url_name
        assert model.objects.count() == count, url_name


def test_it_answers_a_rename_to_an_existing_name_with_a_form_error(client, bureau, bureau_admin):
    client.force_login(bureau_admin)
    treasury = bureau.departments.get(name="国库科")
    response = client.post(reverse("admin:reports_department_change", args=[treasury.pk]), {"name": "预算科"})
    assert response.status_code == 200 and "本局已有同名科室。" in response.content.decode()
    treasury.refresh_from_db()
    assert treasury.name == "国库科"


def test_it_answers_a_duplicate_department_in_the_bureau_page_with_a_form_error(client, bureau, bureau_admin):
    """The 科室 rows inline on the 财政局 page: the bureau is the inline's parent, not a form field."""
    client.force_login(bureau_admin)
    existing = list(bureau.departments.order_by("pk"))
    data = {
        "name": bureau.name,
        "departments-TOTAL_FORMS": str(len(existing) + 1),
        "departments-INITIAL_FORMS": str(len(existing)),
        "departments-MIN_NUM_FORMS": "0",
        "departments-MAX_NUM_FORMS": "1000",
    }
    for i, department in enumerate(existing):
        data |= {
            f"departments-{i}-id": str(department.pk),
            f"departments-{i}-bureau": str(bureau.pk),
            f"departments-{i}-name": department.name,
        }
    data |= {
        f"departments-{len(existing)}-bureau": str(bureau.pk),
        f"departments-{len(existing)}-name": "预算科",
    }
    response = client.post(reverse("admin:reports_bureau_change", args=[bureau.pk]), data)
    assert response.status_code == 200 and "本局已有同名科室。" in response.content.decode()
    assert bureau.departments.count() == len(existing)


def test_it_refuses_a_second_membership_for_a_user_in_chinese(client, bureau, drafter, bureau_admin):
    from reports.models import Membership

    client.force_login(bureau_admin)
    data = {"user": str(drafter.pk), "role": "leader", "department": str(bureau.departments.first().pk)}
    response = client.post(reverse("admin:reports_membership_add"), data)
    assert response.status_code == 200 and "用户" in response.content.decode()
    assert "已存在" in response.content.decode()
    assert Membership.objects.filter(user=drafter).get().role == Membership.Role.DRAFTER


def test_the_bureau_admin_never_sees_another_bureau_anywhere_in_the_admin(
    client, bureau, other_bureau, outsider, drafter, kinds, bureau_admin
):
    """Every admin page a bureau admin can reach (lists, filters, add and change forms with every
    choice list): nothing of the other bureau, and no superuser; people without a bureau yet are
    offered in the 成员 form, since they are the ones to add."""
    from crawling import crawl

    from reports.models import Deadline, Department, Metric, SensitiveTerm
    from reports.services import reports as report_services

    Department.objects.create(bureau=other_bureau, name="邻县专属科")
    Metric.objects.create(bureau=other_bureau, year=2025, name="邻县收入")
    SensitiveTerm.objects.create(bureau=other_bureau, term="邻县敏感词")
    Deadline.objects.create(bureau=other_bureau, kind=kinds["duty"], year=2025, due_date="2026-01-10")
    theirs = report_services.report_create(user=outsider, kind=kinds["duty"], year=2025, subject="邻县局长")
    report_services.report_update_fields(report=theirs, data={"title": "邻县述职报告"}, user=outsider)
    report_services.report_create(user=drafter, kind=kinds["duty"], year=2025, subject="局长")
    User = get_user_model()
    User.objects.create_superuser("rootadmin", password="pw")
    User.objects.create_user("newcomer", password="pw")
    hidden = ["outsider", "邻县", "rootadmin"]
    leaks: dict[str, list[str]] = {}

    def visit(url, response):
        assert response.status_code < 500, url
        body = response.content.decode("utf-8", "replace")
        if found := [h for h in hidden if h in body]:
            leaks[url] = found

    client.force_login(bureau_admin)
    read = crawl(client, ["/admin/"], visit, within="/admin/")
    assert read > 40
    assert not leaks, leaks
    form = client.get(reverse("admin:reports_membership_add")).content.decode()
    assert "newcomer" in form and "drafter" in form and "预算科" in form
