"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` for every cache operation,
and each one fills its table of about 170 response parsers: more CPU than the round trip to
Redis itself. A request makes several cache calls (session, throttle counter, catalogue
tokens, session). A ``redis.Redis`` is safe to share between threads (each command takes a
connection from the pool), so one per pool is kept and reused.
"""

from collections.abc import Callable, Iterable

from django.core.cache.backends import redis

#: Count one call in KEYS[1] (made expiring in ARGV[1] seconds) and read KEYS[2…]: one command.
_COUNT_AND_READ = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if #KEYS == 1 then return {n} end
return {n, redis.call('MGET', unpack(KEYS, 2))}
"""

#: Reads that want to ride on a request's counter round trip (``riders``).
Rider = Callable[[], tuple[list[str], Callable[[dict], None]] | None]
_riders: list[Rider] = []


def ride_with_counter(rider: Rider) -> None:
    """``rider()`` names cache keys a request is about to read and a function taking what was
    found (a dict of the keys present), or None when it wants nothing now. The API's throttle
    reads them in its own round trip (``RedisCache.incr_window``), so a request that counts a
    call and then reads, say, the catalogues' tokens talks to Redis once."""
    if rider not in _riders:
        _riders.append(rider)


def riders() -> list[tuple[list[str], Callable[[dict], None]]]:
    return [wanted for wanted in (rider() for rider in _riders) if wanted]


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
        """Count one more call in the counter ``key``, made (expiring in ``timeout`` seconds)
        if missing, in one round trip instead of three (Django's ``add``, then ``incr``, which
        asks whether the key exists first). Returns the new count."""
        return self.incr_window_reading(key, timeout, (), version=version)[0]

    def incr_window_reading(
        self, key: str, timeout: int, keys: Iterable[str], version=None
    ) -> tuple[int, dict]:
        """``incr_window``, and ``get_many(keys)`` in the same command (a Lua script: atomic,
        one round trip)."""
        counter = self.make_and_validate_key(key, version=version)
        key_map = {self.make_and_validate_key(k, version=version): k for k in keys}
        client = self._cache.get_client(counter, write=True)
        script = self.__dict__.get("_count_and_read")
        if script is None:
            script = self._count_and_read = client.register_script(_COUNT_AND_READ)
        answer = script(keys=[counter, *key_map], args=[timeout], client=client)
        loads = self._cache._serializer.loads
        values = answer[1] if len(answer) > 1 else []
        found = {
            key_map[k]: loads(v) for k, v in zip(key_map, values, strict=True) if v is not None
        }
        return answer[0], found
