import itertools

from django.utils import timezone

from backend.accounts.models import IdentityVerification, Role
from tests.factories.accounts import UserFactory

# Valid RUTs (check digit computed), distinct per call.
_numbers = itertools.count(15_000_000)


def rut_for(number: int) -> str:
    total, factor = 0, 2
    for digit in reversed(str(number)):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    check = 11 - total % 11
    return f"{number}-{ {10: 'K', 11: '0'}.get(check, str(check)) }".replace(" ", "")


def verified_citizen(**kwargs):
    """A neighbor whose identity a police unit verified in person (as good as ClaveÚnica for filing)."""
    defaults = {
        "role": Role.NEIGHBOR,
        "rut": rut_for(next(_numbers)),
        "identity_verified_by": IdentityVerification.IN_PERSON,
        "identity_verified_at": timezone.now(),
        "first_name": "Valentina",
        "last_name": "Araya",
    }
    return UserFactory(**{**defaults, **kwargs})


def station_officer(precincts=(), **kwargs):
    return UserFactory(role=Role.STATION_OFFICER, precincts=list(precincts), **kwargs)
