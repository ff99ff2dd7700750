"""Chilean RUT (Rol Único Tributario) validation and normalisation, on top of python-stdnum."""

from django.utils.translation import gettext_lazy
from stdnum import exceptions as stdnum_exceptions
from stdnum.cl import rut as stdnum_rut

ERROR_INVALID_RUT = gettext_lazy("Enter a valid RUT, e.g. 12.345.678-5 (the check digit does not match).")


class InvalidRut(ValueError):
    pass


def normalize_rut(value: str) -> str:
    """Return the canonical form ``12345678-5`` (no dots, upper-case K) or raise InvalidRut."""
    try:
        compact = stdnum_rut.validate(value)
    except stdnum_exceptions.ValidationError as error:
        raise InvalidRut(ERROR_INVALID_RUT) from error
    return f"{compact[:-1]}-{compact[-1]}"
