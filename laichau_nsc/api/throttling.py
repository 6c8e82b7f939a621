"""Throttling per API token, else per signed-in user, else per client address (read in one
place, ``laichau_nsc.client``); counters live in the cache shared by every process."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

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
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
