"""A member of a bureau with a role, for the persona fixtures (tests/conftest.py) and for tests that
need one more user than the fixtures give."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from reports.models import Membership


def make_member(bureau, username: str, role: str, department: str = "办公室"):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(
        user=user, bureau=bureau, department=bureau.departments.get(name=department), role=role
    )
    return user
