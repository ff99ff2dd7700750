"""Short verification codes a person can type: Crockford base32 with a mod-37 check symbol.

A code is 12 random symbols (60 bits) and a check symbol, shown in groups of four
(``7K3M-9QXD-2HPA-Z``). Crockford's alphabet has no I, L, O or U; reading is case-insensitive,
reads i and l as 1 and o as 0, and ignores hyphens and spaces. The check symbol catches every
single mistyped symbol and every swap of two neighbours before any database lookup (37 is prime).
Its five extra values (``*~$=U``) are awkward to type, so codes whose check would be one of them
are drawn again: 32/37 of draws are kept, which costs about 0.2 bits of the 60.
This module is plain Python, tested without a database.
"""

import secrets

import base32_crockford
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

DATA_SYMBOLS = 12
CODE_LENGTH = DATA_SYMBOLS + 1
GROUP_SIZE = 4
TYPEABLE = frozenset(base32_crockford.symbols)

ERROR_CODE_EMPTY = gettext_lazy("Type the verification code.")
ERROR_CODE_CHARACTERS = gettext_lazy("The code has characters that are not used in codes.")
ERROR_CODE_LENGTH = format_lazy(
    gettext_lazy("The code has {length} characters (letters and digits)."), length=CODE_LENGTH
)
ERROR_CODE_CHECK = gettext_lazy("The code has a typo: check each character and try again.")


class InvalidCode(ValueError):
    """A code that cannot be one of ours; ``message`` says why, for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_symbol(number: int) -> str:
    return base32_crockford.encode(number, checksum=True)[-1]


def code_new() -> str:
    """A fresh random code in its normalised form (13 symbols, no hyphens)."""
    while True:
        number = secrets.randbits(5 * DATA_SYMBOLS)
        check = _check_symbol(number)
        if check in TYPEABLE:
            return base32_crockford.encode(number).rjust(DATA_SYMBOLS, "0") + check


def code_format(code: str) -> str:
    """``7K3M9QXD2HPAZ`` → ``7K3M-9QXD-2HPA-Z``."""
    return "-".join(code[index : index + GROUP_SIZE] for index in range(0, len(code), GROUP_SIZE))


def code_parse(text: str) -> str:
    """The normalised code a person meant, or InvalidCode naming what is wrong (checked without a lookup)."""
    compact = "".join((text or "").split()).replace("-", "").replace("–", "")
    if not compact:
        raise InvalidCode(ERROR_CODE_EMPTY)
    try:
        normalized = base32_crockford.normalize(compact)
    except ValueError as error:
        raise InvalidCode(ERROR_CODE_CHARACTERS) from error
    if len(normalized) != CODE_LENGTH:
        raise InvalidCode(ERROR_CODE_LENGTH)
    try:
        base32_crockford.decode(normalized, checksum=True)
    except (ValueError, KeyError) as error:
        raise InvalidCode(ERROR_CODE_CHECK) from error
    return normalized
