"""The Redis cache (``laichau_nsc.cache``): one client per pool, and the throttle's counter in
one round trip. Against the Redis of ``CELERY_BROKER_URL`` (CI has one)."""

import os
import uuid

import pytest

from laichau_nsc.cache import RedisCache
from tests.celery_worker import skip_or_fail


@pytest.fixture
def redis_cache():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        skip_or_fail("CELERY_BROKER_URL names no Redis to test the cache against")
    return RedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_the_cache_reuses_its_redis_client(redis_cache):
    redis_cache.set("a", 1)
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b", write=True) is client
    assert redis_cache.get("a") == 1


def test_a_window_counter_counts_and_expires(redis_cache):
    assert [redis_cache.incr_window("w", 60) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get("w") == 3  # what Django's incr would have left
    client = redis_cache._cache.get_client()
    assert 55 < client.ttl(redis_cache.make_and_validate_key("w")) <= 60
    redis_cache.delete("w")
