"""The Redis cache that sessions are read from degrades when Redis is unreachable (bureau/cache.py):
a miss, never an error, so a session falls back to its database row and no save is lost."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches
from django.test import override_settings

from bureau.cache import ForgivingRedisCache
from tests.reliability.probes import free_port

DEAD = {
    "default": {
        "BACKEND": "bureau.cache.ForgivingRedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_an_unreachable_redis_answers_as_a_miss():
    cache = ForgivingRedisCache(DEAD["default"]["LOCATION"], {"OPTIONS": DEAD["default"]["OPTIONS"]})
    assert cache.get("k", "default") == "default"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False and cache.delete("k") is False
    assert "k" not in cache and cache.get_many(["k"]) == {}


@pytest.mark.django_db
@override_settings(CACHES=DEAD, SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_sessions_live_in_the_database_while_redis_is_down():
    caches.close_all()
    store = SessionStore()
    store["who"] = "drafter"
    store.save()  # written to the database; the cache write fails quietly
    again = SessionStore(session_key=store.session_key)
    assert again["who"] == "drafter"  # the cache misses, the database answers
    assert again.exists(store.session_key)
    again.delete()
    assert not SessionStore().exists(store.session_key)


@override_settings(CACHES=DEAD, SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_an_autosave_goes_through_while_redis_is_down(client, report, drafter):
    from django.urls import reverse

    from reports.models import Block

    caches.close_all()
    client.force_login(drafter)
    block = report.blocks.get(parent=None, position=0)
    response = client.post(
        reverse("block_save", args=[block.pk]),
        {"version": str(block.version), "text": "断了缓存也保存"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Block.objects.get(pk=block.pk).text == "断了缓存也保存"
