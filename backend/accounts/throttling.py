"""DRF's per-address rate limits, usable from plain Django views so a page and its API share one budget."""

from rest_framework.throttling import SimpleRateThrottle


class AddressRateThrottle(SimpleRateThrottle):
    """The rate of ``DEFAULT_THROTTLE_RATES[scope]`` per client address.

    Its cache key is the one ScopedRateThrottle uses for an anonymous API call of the same scope, so the
    registration page and the registration API count against the same limit.
    """

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def address_rate_allows(request, *, scope: str) -> bool:
    """Count this request against the scope's per-address rate; False once the rate is used up."""
    return AddressRateThrottle(scope).allow_request(request, None)
