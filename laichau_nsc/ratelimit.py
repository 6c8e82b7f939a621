"""Fixed-window rate limits kept in the cache (Redis in production, shared by every process).

``over_limit("account-request", client_ip(request), limit=10)`` counts one attempt and says
whether this one goes over ``limit`` in the current window. Attempts are counted before they
are processed, so a refused attempt still counts.
"""

import hashlib

from django.core.cache import cache


def over_limit(scope: str, key: str, *, limit: int, window: int = 3600) -> bool:
    """Count an attempt for ``key`` in ``scope``: True when over ``limit`` per ``window`` s."""
    # Hashed: keys may hold e-mail addresses or characters the cache does not accept.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}"
    cache.add(cache_key, 0, timeout=window)
    try:
        return cache.incr(cache_key) > limit
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        return limit < 1
