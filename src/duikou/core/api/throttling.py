"""API rate limits (docs/security.md): per signed-in user, and per address for anonymous requests.

DRF's own classes read the rates once, when they are imported; these read them on every request, so
that a changed setting (a test's override, a reload) takes effect. A rate of None turns a limit off.
The client's address is DRF's, with `NUM_PROXIES` set from DUIKOU_PROXY_COUNT like login throttling's.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class CurrentRatesMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(CurrentRatesMixin, throttling.AnonRateThrottle):
    """Requests without a user: the public schema and docs, counted by address."""


class UserRateThrottle(CurrentRatesMixin, throttling.UserRateThrottle):
    """Requests of a signed-in user (token or session), counted by user whatever the address."""
