"""The signed token a document's QR code carries: a compact JWS (Ed25519) over a small set of claims.

Claims (names kept short, the QR is smaller for it):

* ``typ`` document kind, ``fol`` folio, ``cod`` verification code, ``sub`` the masked RUN;
* ``iat`` issue time, ``nbf``/``exp`` the validity window (no ``exp``: valid until revoked);
* ``dig`` SHA-256 of the certified facts, so the online check also sees a changed database row.

The key id is in the protected header. Verification needs only the published keys (the JWKS), so
an officer's phone can check a QR offline; revocation of one document needs the online check.
This module is plain Python (joserfc), with no Django import.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from .keys import ALGORITHM, KeyRing

TOKEN_VERSION = 1
MAX_TOKEN_LENGTH = 2048


class TokenStatus(enum.StrEnum):
    VALID = "valid"
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    BAD_SIGNATURE = "bad_signature"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class TokenCheck:
    status: TokenStatus
    claims: dict[str, Any] | None = None
    key_id: str | None = None

    @property
    def is_authentic(self) -> bool:
        """Signed by one of our published keys and untouched (it may still be outside its window)."""
        return self.status in (TokenStatus.VALID, TokenStatus.NOT_YET_VALID, TokenStatus.EXPIRED)


def facts_digest(facts: list[dict[str, Any]]) -> str:
    canonical = json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def token_sign(
    *,
    key: OKPKey,
    kind: str,
    folio: str,
    code: str,
    masked_run: str,
    issued_at: dt.datetime,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
    digest: str,
) -> str:
    claims: dict[str, Any] = {
        "v": TOKEN_VERSION,
        "typ": kind,
        "fol": folio,
        "cod": code,
        "sub": masked_run,
        "iat": _epoch(issued_at),
        "nbf": _epoch(valid_from),
        "dig": digest,
    }
    if valid_until is not None:
        claims["exp"] = _epoch(valid_until)
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    header = {"alg": ALGORITHM, "kid": key.kid}
    return jws.serialize_compact(header, payload, key, algorithms=[ALGORITHM])


def _unverified_header(token: str) -> dict[str, Any]:
    encoded = token.split(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def token_verify(
    token: str,
    *,
    keys: Mapping[str, OKPKey],
    revoked: Mapping[str, OKPKey] | frozenset[str] = frozenset(),
    now: dt.datetime | None = None,
) -> TokenCheck:
    """Check a token against published keys; never raises on hostile input, the status says what is wrong."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        return TokenCheck(TokenStatus.MALFORMED)
    try:
        header = _unverified_header(token)
        kid = header.get("kid") if isinstance(header, dict) else None
        algorithm = header.get("alg") if isinstance(header, dict) else None
    except (ValueError, UnicodeDecodeError):
        return TokenCheck(TokenStatus.MALFORMED)
    if not isinstance(kid, str) or algorithm != ALGORITHM:
        return TokenCheck(TokenStatus.MALFORMED)
    if kid in revoked:
        return TokenCheck(TokenStatus.REVOKED_KEY, key_id=kid)
    key = keys.get(kid)
    if key is None:
        return TokenCheck(TokenStatus.UNKNOWN_KEY, key_id=kid)
    try:
        payload = jws.deserialize_compact(token, key, algorithms=[ALGORITHM]).payload
        claims = json.loads(payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        return TokenCheck(TokenStatus.BAD_SIGNATURE, key_id=kid)
    if not isinstance(claims, dict) or not {"typ", "fol", "cod", "sub", "nbf"} <= claims.keys():
        return TokenCheck(TokenStatus.MALFORMED, key_id=kid)
    moment = _epoch(now or dt.datetime.now(dt.UTC))
    status = TokenStatus.VALID
    if moment < claims["nbf"]:
        status = TokenStatus.NOT_YET_VALID
    elif "exp" in claims and moment >= claims["exp"]:
        status = TokenStatus.EXPIRED
    return TokenCheck(status, claims=claims, key_id=kid)


def token_verify_with(token: str, ring: KeyRing, *, now: dt.datetime | None = None) -> TokenCheck:
    return token_verify(token, keys=ring.verifying_keys, revoked=ring.revoked, now=now)


def token_verify_jwks(token: str, jwks: Mapping[str, Any], *, now: dt.datetime | None = None) -> TokenCheck:
    """What an offline verifier does with a downloaded JWKS (revoked keys are flagged in it)."""
    keys, revoked = {}, {}
    for entry in jwks.get("keys", []):
        parameters = {name: value for name, value in entry.items() if name in ("kty", "crv", "x", "kid")}
        (revoked if entry.get("revoked") else keys)[entry["kid"]] = OKPKey.import_key(parameters)
    return token_verify(token, keys=keys, revoked=revoked, now=now)
