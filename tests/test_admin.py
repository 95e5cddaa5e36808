"""Django admin pages for bureaus, departments, users (with membership) and kinds open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse


@pytest.mark.parametrize(
    "url_name",
    ["admin:reports_bureau_changelist", "admin:reports_department_changelist", "admin:auth_user_changelist",
     "admin:reports_reportkind_changelist", "admin:reports_report_changelist", "admin:reports_export_changelist"],
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
