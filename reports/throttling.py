"""Login throttling policy for django-axes: one limit per account, a higher one per address.

django-axes locks when the larger of (failures of this account, failures from this address)
reaches one limit. A bureau works behind one office address, so that single limit would let one
colleague's typos lock everyone out. `failure_limit` gives axes the account limit once the
account has reached it, and the address limit otherwise, which locks exactly when
    account failures >= LOGIN_FAILURE_LIMIT  or  address failures >= LOGIN_ADDRESS_FAILURE_LIMIT.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def account_failures(username: str | None) -> int:
    """Failed logins of this account inside the current cool-off window (all addresses)."""
    from axes.models import AccessAttempt

    if not username:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: see the module docstring."""
    from axes.helpers import get_client_username

    if account_failures(get_client_username(request, credentials)) >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT
