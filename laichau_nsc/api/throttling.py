"""Throttling per API token, else per signed-in user, else per client address (read in one
place, ``laichau_nsc.client``); counters live in the cache shared by every process.

A counter per fixed window (``API_THROTTLE_RATE`` = 600/min: at most 600 calls in each clock
minute), not DRF's list of every call's time: that list (up to 600 timestamps) was read,
rewritten and sent back to the cache on every call, and two processes could each read it
before the other wrote, losing calls. ``cache.incr`` is one atomic step on Redis.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ..cache import riders
from ..client import client_ip
from ..models import ApiToken


class PortalApiThrottle(SimpleRateThrottle):
    scope = "api"

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"

    def get_rate(self) -> str:
        # Read when asked, not at import: the rates are settings (API_THROTTLE_RATE…).
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        # The scope decides the rate: signed-in callers share "api", anonymous ones "api_anon".
        self.scope = "api" if request.user and request.user.is_authenticated else "api_anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"{self.get_cache_key(request, view)}:{window}"
        # The key outlives its window by a little, so a late increment still finds it.
        return self.count(key, self.duration + 5) <= self.num_requests

    def count(self, key: str, timeout: int) -> int:
        incr_window_reading = getattr(self.cache, "incr_window_reading", None)
        if incr_window_reading is not None:  # Redis (laichau_nsc.cache): one round trip
            # What the request is about to read (the catalogues' tokens) comes with it.
            wanted = riders()
            count, found = incr_window_reading(key, timeout, [k for ks, _ in wanted for k in ks])
            for keys, receive in wanted:
                receive({k: found[k] for k in keys if k in found})
            return count
        self.cache.add(key, 0, timeout)
        try:
            return self.cache.incr(key)
        except ValueError:  # evicted between the two calls
            self.cache.set(key, 1, timeout)
            return 1

    def wait(self) -> float:
        return max(self.window_end - self.now, 0.0)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
