"""Receipt codes: the tipster's only key to their tip, 140 random bits shown once, of which we keep a digest.

A code is 28 Crockford base32 symbols shown in seven groups of four (``7K3M-9QXD-...``). It is read as
document codes are (case-insensitive, i and l as 1, o as 0, hyphens and spaces ignored), but it has no check
symbol and is never validated on its own: whatever is typed is normalised, digested and looked up, so a typo,
a guess and a code of no tip all take the same path and get the same answer. 140 bits need no slow hash; a
plain SHA-256 digest of a random value cannot be reversed, and the unique index makes the lookup one probe.

The form page draws its code before the tipster writes a word and signs it (``receipt_seal``): a double click
or a reload sends the same code twice, and the second send finds the first tip instead of filing another one.
This module is plain Python, tested without a database.
"""

import hashlib
import secrets

from django.core import signing

SYMBOLS = 28
GROUP_SIZE = 4
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_TYPED_LENGTH = 80
_DIGEST_CONTEXT = b"vigia.station.tips.receipt:"
_SEAL_SALT = "vigia.station.tips.receipt-seal"
# Crockford's reading of look-alike letters.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


class SealInvalid(ValueError):
    """A sealed code that this server did not draw (tampered with, or from another installation)."""


def receipt_new() -> str:
    """A fresh code in its normalised form (28 symbols, no hyphens)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))


def receipt_format(code: str) -> str:
    return "-".join(code[index : index + GROUP_SIZE] for index in range(0, len(code), GROUP_SIZE))


def receipt_normalize(text: str) -> str:
    return "".join((text or "").split()).replace("-", "").replace("–", "").upper().translate(_READ_AS)


def receipt_digest(text: str) -> str:
    """The digest stored and looked up for whatever was typed (normalised first)."""
    return hashlib.sha256(_DIGEST_CONTEXT + receipt_normalize(text).encode()).hexdigest()


def receipt_seal(code: str) -> str:
    return signing.Signer(salt=_SEAL_SALT).sign(code)


def receipt_unseal(sealed: str) -> str:
    try:
        code = signing.Signer(salt=_SEAL_SALT).unsign(sealed or "")
    except signing.BadSignature as error:
        raise SealInvalid(sealed) from error
    if len(code) != SYMBOLS or set(code) - set(ALPHABET):
        raise SealInvalid(sealed)
    return code
