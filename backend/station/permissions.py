from rest_framework.throttling import SimpleRateThrottle

from backend.accounts.models import Role
from backend.accounts.permissions import HasRole

IsStationOfficer = HasRole.of(Role.STATION_OFFICER, Role.ADMINISTRATOR)


class FilingThrottle(SimpleRateThrottle):
    """Filings per person (``THROTTLE_STATION_FILING``), complaints and constancias together; reads are free."""

    scope = "station_filing"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk or self.get_ident(request)}


class VerificationThrottle(SimpleRateThrottle):
    """Checks per IP address, signed in or not (``THROTTLE_STATION_VERIFICATION``): guessing codes costs time."""

    scope = "station_verification"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
