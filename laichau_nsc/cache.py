"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` for every cache operation,
and each one fills its table of about 170 response parsers: more CPU than the round trip to
Redis itself. A request makes several cache calls (session, throttle counter, catalogue
tokens, session). A ``redis.Redis`` is safe to share between threads (each command takes a
connection from the pool), so one per pool is kept and reused.
"""

from django.core.cache.backends import redis


class ReusedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # Two threads may both make one; either serves.
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def incr_window(self, key: str, timeout: int, version=None) -> int:
        """Count one more call in the counter ``key``, made (at 0, expiring in ``timeout``
        seconds) if missing: ``add`` then ``incr`` in one round trip instead of three (Django's
        ``incr`` asks whether the key exists first). Returns the new count."""
        key = self.make_and_validate_key(key, version=version)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]
