from django.utils.functional import SimpleLazyObject

from . import permissions
from .core.years import YEAR_MAX, YEAR_MIN
from .selectors import members as member_selectors


def navigation(request) -> dict:
    """What every page needs: role-dependent links, the unread notification count, the year range."""
    user = getattr(request, "user", None)  # absent when a request is refused before the auth middleware
    if user is None or not user.is_authenticated:
        return {}
    membership = member_selectors.membership_for(request.user)
    return {
        "year_min": YEAR_MIN,  # the min/max of every year input
        "year_max": YEAR_MAX,
        "nav_can_review": permissions.can_see_dashboard(membership),
        "nav_can_draft": membership is not None and membership.role == membership.Role.DRAFTER,
        "nav_can_search": membership is not None,
        # Counted only when a template shows it (full pages), not for every htmx fragment.
        "nav_unread": SimpleLazyObject(lambda: member_selectors.unread_count(user=request.user)),
    }
