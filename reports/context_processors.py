from . import permissions
from .selectors import members as member_selectors


def navigation(request) -> dict:
    """What the top bar needs on every page: role-dependent links and the unread notification count."""
    user = getattr(request, "user", None)  # absent when a request is refused before the auth middleware
    if user is None or not user.is_authenticated:
        return {}
    membership = member_selectors.membership_for(request.user)
    return {
        "nav_can_review": permissions.can_see_dashboard(membership),
        "nav_can_draft": membership is not None and membership.role == membership.Role.DRAFTER,
        "nav_unread": member_selectors.unread_count(user=request.user),
    }
