"""The Redis cache keeps one client per connection pool (``laichau_nsc.cache``)."""

import os
import uuid
from unittest import mock

import pytest
import redis

from laichau_nsc.cache import RedisCache
from tests.celery_worker import skip_or_fail


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        skip_or_fail("needs Redis: set CELERY_BROKER_URL=redis://… (CI does)")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis at {url} does not answer: {error}")
    return url


def test_cache_operations_share_one_client(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    with mock.patch.object(redis.Redis, "__init__", counting):
        cache.set("a", {"x": 1}, 30)
        assert cache.get("a") == {"x": 1}
        assert cache.add("b", 1, 30) is True
        assert cache.incr("b") == 2
        assert cache.get_many(["a", "b", "c"]) == {"a": {"x": 1}, "b": 2}
        cache.delete_many(["a", "b"])
        assert cache.get("a") is None

    # Django's client built one per operation (eight here).
    assert len(built) == 1


def test_the_redis_cache_url_selects_the_pooled_backend(monkeypatch, redis_url):
    import environ

    from laichau_nsc import settings

    monkeypatch.setenv("CACHE_URL", redis_url)
    backend = settings.cache_backend(environ.Env())
    assert backend["BACKEND"] == "laichau_nsc.cache.RedisCache"
    monkeypatch.setenv("CACHE_URL", "locmemcache://")
    assert settings.cache_backend(environ.Env())["BACKEND"].endswith("LocMemCache")


def test_a_window_counter_counts_and_expires(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert [cache.incr_window("w", 60) for _ in range(3)] == [1, 2, 3]
    assert cache.get("w") == 3  # what Django's incr would have left
    client = cache._cache.get_client()
    assert 55 < client.ttl(cache.make_and_validate_key("w")) <= 60
    cache.delete("w")


def test_a_window_counter_reads_other_keys_in_its_round_trip(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("token", "abc", 30)
    cache.set("n", 7, 30)
    assert cache.incr_window_reading("w", 60, ["token", "n", "missing"]) == (
        1,
        {"token": "abc", "n": 7},
    )
    assert cache.incr_window_reading("w", 60, []) == (2, {})
    assert cache.get("w") == 2
    client = cache._cache.get_client()
    assert 55 < client.ttl(cache.make_and_validate_key("w")) <= 60
    cache.delete_many(["w", "token", "n"])
