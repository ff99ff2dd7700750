"""Ed25519 signing keys in files, outside the database, with ids, rotation and revocation.

The directory (``STATION_SIGNING_KEYS_DIR``) holds:

* ``ACTIVE``: the id of the key that signs new documents;
* ``<kid>.private.pem``: the active key's private half (PKCS#8, mode 0600), and no other;
* ``<kid>.public.pem``: every published key: the active one and the retired ones, which still
  verify the documents they signed;
* ``<kid>.revoked.pem``: withdrawn keys (e.g. leaked). Known, published as revoked, never accepted.

Rotation writes a new pair, points ``ACTIVE`` at it and deletes the previous private half, so a
retired key can verify but never sign again. This module is plain Python (cryptography, joserfc).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc.jwk import OKPKey

ACTIVE_FILE = "ACTIVE"
PRIVATE_SUFFIX = ".private.pem"
PUBLIC_SUFFIX = ".public.pem"
REVOKED_SUFFIX = ".revoked.pem"
ALGORITHM = "Ed25519"

ERROR_NO_ACTIVE_KEY = "No active signing key in {directory}: run `manage.py station_signing_keys rotate`."
ERROR_UNKNOWN_KEY = "No key {kid} in {directory}."
ERROR_REVOKE_ACTIVE = "Key {kid} is the active key: rotate first, then revoke it."


class KeyStoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class KeyRing:
    """What one directory holds: the signing key (if any), the keys that verify, and the revoked ones."""

    active_kid: str | None
    signing_key: OKPKey | None
    verifying_keys: dict[str, OKPKey]
    revoked: dict[str, OKPKey]

    def jwks(self) -> dict:
        """The published keys as a JWKS; revoked keys are listed with ``"revoked": true`` so verifiers drop them."""
        keys = [{**key.as_dict(private=False), "alg": ALGORITHM, "use": "sig"} for key in self.verifying_keys.values()]
        keys += [
            {**key.as_dict(private=False), "alg": ALGORITHM, "use": "sig", "revoked": True}
            for key in self.revoked.values()
        ]
        return {"keys": sorted(keys, key=lambda key: key["kid"])}


def _jwk(public_pem: bytes, kid: str) -> OKPKey:
    return OKPKey.import_key(public_pem, parameters={"kid": kid})


def _public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def keyring_read(directory: Path) -> KeyRing:
    verifying, revoked = {}, {}
    if directory.is_dir():
        for path in directory.iterdir():
            if path.name.endswith(PUBLIC_SUFFIX):
                kid = path.name.removesuffix(PUBLIC_SUFFIX)
                verifying[kid] = _jwk(path.read_bytes(), kid)
            elif path.name.endswith(REVOKED_SUFFIX):
                kid = path.name.removesuffix(REVOKED_SUFFIX)
                revoked[kid] = _jwk(path.read_bytes(), kid)
    active_path = directory / ACTIVE_FILE
    active_kid = active_path.read_text().strip() if active_path.exists() else None
    signing = None
    private_path = directory / f"{active_kid}{PRIVATE_SUFFIX}"
    if active_kid and active_kid in verifying and private_path.exists():
        signing = OKPKey.import_key(private_path.read_bytes(), parameters={"kid": active_kid})
    return KeyRing(active_kid=active_kid, signing_key=signing, verifying_keys=verifying, revoked=revoked)


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple, KeyRing]] = {}


def keyring_load(directory: Path) -> KeyRing:
    """The directory's keyring, re-read only when a file in it was added, renamed or removed."""
    try:
        stat = os.stat(directory)
        active = os.stat(directory / ACTIVE_FILE)
        stamp = (stat.st_mtime_ns, stat.st_ino, active.st_mtime_ns)
    except FileNotFoundError:
        stamp = ()
    with _cache_lock:
        cached = _cache.get(directory)
        if cached and cached[0] == stamp and stamp:
            return cached[1]
    ring = keyring_read(directory)
    with _cache_lock:
        _cache[directory] = (stamp, ring)
    return ring


def _write(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def key_rotate(directory: Path, *, now: dt.datetime | None = None) -> str:
    """Create a key, make it the active one and retire the previous one (its private half is deleted)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    moment = now or dt.datetime.now(dt.UTC)
    kid = f"st-{moment:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(directory / f"{kid}{PUBLIC_SUFFIX}", _public_pem(key), 0o644)
    _write(directory / f"{kid}{PRIVATE_SUFFIX}", private_pem, 0o600)
    previous = keyring_read(directory).active_kid
    _write(directory / ACTIVE_FILE, kid.encode() + b"\n", 0o644)
    if previous and previous != kid:
        (directory / f"{previous}{PRIVATE_SUFFIX}").unlink(missing_ok=True)
    return kid


def key_revoke(directory: Path, kid: str) -> None:
    """Withdraw a retired key: documents it signed stop verifying."""
    ring = keyring_read(directory)
    if kid == ring.active_kid:
        raise KeyStoreError(ERROR_REVOKE_ACTIVE.format(kid=kid))
    public = directory / f"{kid}{PUBLIC_SUFFIX}"
    if not public.exists():
        raise KeyStoreError(ERROR_UNKNOWN_KEY.format(kid=kid, directory=directory))
    os.replace(public, directory / f"{kid}{REVOKED_SUFFIX}")
    (directory / f"{kid}{PRIVATE_SUFFIX}").unlink(missing_ok=True)


def key_ensure(directory: Path) -> str:
    """The active key id, creating the first key when the directory has none (demo and tests)."""
    ring = keyring_read(directory)
    if ring.signing_key is not None:
        return ring.active_kid
    return key_rotate(directory)
