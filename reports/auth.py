"""Authentication backend: Django's ModelBackend, but the signed-in user of each request comes with
their membership in the same query (member_selectors.membership_for reads it from the user), one
statement less on every request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("membership").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
