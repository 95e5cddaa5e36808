"""The Redis cache that degrades instead of failing (sessions are read through it).

Django's RedisCache raises when Redis is unreachable, and the cached_db session store lets a failed
cache write or delete through: a Redis outage would turn every request into a server error. Here a
Redis error is logged and the call answers as a miss (get → default, set/add/delete → nothing
happened), so the session store falls back to its database rows and no save is lost. The socket
timeouts (settings) keep a dead Redis from stalling each request.

Known limit: a session ended during an outage (logout) is deleted from the database, but its cached
copy cannot be deleted; if Redis comes back with its data, that copy is read until it expires.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ForgivingRedisCache(RedisCache):
    def _forgive(self, name: str, call, fallback):
        try:
            return call()
        except RedisError as error:
            logger.warning("Redis cache %s failed (%s): answering as a miss", name, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._forgive(
            "get", lambda: super(ForgivingRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._forgive("get_many", lambda: super(ForgivingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._forgive("has_key", lambda: super(ForgivingRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forgive("set", lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(
            "add", lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._forgive("delete", lambda: super(ForgivingRedisCache, self).delete(key, version), False)
