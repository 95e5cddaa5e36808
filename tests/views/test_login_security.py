"""Login throttling (django-axes, through the real login view), the admin's unlock action, password
rules with Chinese messages, and session expiry after inactivity or on browser close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.management.commands.seed_demo import OUTSIDER, USERS
from reports.middleware import ACTIVITY_KEY
from reports.models import AuditLog, Membership
from reports.services import members as member_services

pytestmark = pytest.mark.django_db

LOCKED = "已被暂时锁定"
WRONG = "用户名或密码不正确"


def attempt(client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_an_account_after_the_failure_limit_and_refuses_even_the_right_password(client, drafter):
    limit = settings.LOGIN_FAILURE_LIMIT
    assert limit == 5  # LOGIN_FAILURE_LIMIT's default
    for n in range(limit - 1):
        response = attempt(client, "drafter", f"wrong-{n}")
        assert response.status_code == 200 and WRONG in response.content.decode()
    response = attempt(client, "drafter", "wrong-last")
    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in body and "15 分钟" in body and "管理员解除锁定" in body
    assert 'value="drafter"' in body  # the login page again, not a bare English page

    # From another address too: the account itself is locked.
    response = attempt(client, "drafter", "pw-drafter", ip="10.2.2.2")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)


def test_it_locks_an_address_that_tries_many_accounts(client, drafter, leader):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit == 20  # LOGIN_ADDRESS_FAILURE_LIMIT's default
    for n in range(limit - 1):
        assert attempt(client, f"guess{n}", "123456", ip="10.6.6.6").status_code == 200
    response = attempt(client, "guess-last", "123456", ip="10.6.6.6")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    response = attempt(client, "leader", "pw-leader", ip="10.6.6.6")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)
    # The same user from their own address is not affected.
    response = attempt(client, "leader", "pw-leader", ip="10.1.1.9")
    assert response.status_code == 302 and logged_in(client)


def test_a_colleague_behind_the_same_office_address_is_not_locked_out(client, drafter, leader):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "drafter", f"typo-{n}", ip="10.8.8.8")
    assert attempt(client, "drafter", "pw-drafter", ip="10.8.8.8").status_code == 429
    response = attempt(client, "leader", "pw-leader", ip="10.8.8.8")
    assert response.status_code == 302 and logged_in(client)


def test_a_success_before_the_limit_clears_the_failures(client, drafter):
    for n in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, "drafter", f"wrong-{n}")
    assert attempt(client, "drafter", "pw-drafter").status_code == 302
    client.logout()
    for n in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, "drafter", f"again-{n}").status_code == 200
    assert attempt(client, "drafter", "pw-drafter").status_code == 302


def test_the_admin_login_page_is_throttled_too(client, drafter):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(
            reverse("admin:login"), {"username": "drafter", "password": f"x{n}"}, REMOTE_ADDR="10.3.3.3"
        )
    assert response.status_code == 429 and LOCKED in response.content.decode()


def bureau_admin(admin_user):
    membership = Membership.objects.get(user=admin_user)
    member_services.membership_sync_staff(membership)
    admin_user.refresh_from_db()
    return admin_user


def test_a_bureau_admin_unlocks_a_user_and_it_is_audited(client, drafter, admin_user):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, "drafter", f"wrong-{n}")
    assert attempt(client, "drafter", "pw-drafter").status_code == 429

    client.force_login(bureau_admin(admin_user))
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "解除登录锁定" in changelist
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_login", "_selected_action": [drafter.pk]},
        follow=True,
    )
    assert "已解除 1 个用户的登录锁定" in response.content.decode()
    row = AuditLog.objects.get(summary__startswith="解除登录锁定")
    assert row.actor == admin_user and "drafter" in row.summary
    client.logout()

    assert attempt(client, "drafter", "pw-drafter").status_code == 302 and logged_in(client)


@pytest.mark.parametrize(
    "password, message",
    [
        ("1", "密码太短，至少需要 8 个字符。"),
        ("12345678", "密码只包含数字。"),
        ("password", "这个密码太常见了。"),
    ],
)
def test_the_admin_refuses_a_weak_password_in_chinese(client, password, message):
    root = get_user_model().objects.create_superuser("root", password="Root-pass-2025")
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "password1": password, "password2": password, "usable_password": "true"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_password_like_the_username_is_refused(drafter):
    with pytest.raises(ValidationError) as error:
        validate_password("drafter1", user=drafter)
    assert "太相似" in " ".join(error.value.messages)


def test_the_demo_passwords_pass_the_rules():
    User = get_user_model()
    for username, full_name, _role, _dept, password in [*USERS, OUTSIDER]:
        validate_password(password, user=User(username=username, first_name=full_name))


def test_the_session_ends_with_the_browser_and_after_a_working_day_idle():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_the_login_cookie_is_a_browser_session_cookie(client, drafter):
    response = attempt(client, "drafter", "pw-drafter")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def age_session(client, hours: float) -> dt.datetime:
    """Pretends the last request was `hours` ago; returns the expiry that leaves."""
    session = client.session
    session[ACTIVITY_KEY] -= int(hours * 3600)
    session.save()
    expire = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) - dt.timedelta(hours=hours)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=expire)
    # With Redis the session is cached (cached_db) until the same expiry, a TTL this cannot move
    # back: drop the cached copy so that the row, as aged, is what the next request reads.
    caches[settings.SESSION_CACHE_ALIAS].delete(cached_db.KEY_PREFIX + client.session.session_key)
    return expire


def test_activity_extends_the_session_but_background_polling_does_not(client, report, drafter):
    client.force_login(drafter)
    stale = age_session(client, hours=7)
    client.post(reverse("report_presence", args=[report.pk]))  # the editor's 20 s poll
    assert session_row(client).expire_date == stale

    client.get(reverse("report_list"))  # the user did something
    refreshed = session_row(client).expire_date
    assert refreshed - stale > dt.timedelta(hours=6, minutes=59)

    client.get(reverse("report_list"))  # within the minute: no second write
    assert session_row(client).expire_date == refreshed


def test_a_session_idle_for_more_than_a_working_day_is_over(client, drafter):
    client.force_login(drafter)
    age_session(client, hours=8.1)
    response = client.get(reverse("report_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]
