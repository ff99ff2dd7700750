"""Standard Webhooks signatures (standardwebhooks.com): ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``.

Receivers verify the signature with the shared secret and refuse timestamps more than five minutes away, which
stops replays; the id stays the same across retries, so they can also drop a repeat they already took.
"""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# Standard Webhooks secrets are 24 to 64 random bytes.
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_valid(secret: str) -> bool:
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except ValueError:
        return False
    return SECRET_MIN_BYTES <= len(raw) <= SECRET_MAX_BYTES


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    # The library reads the time as UTC whatever its zone, so hand it UTC.
    at = at.astimezone(UTC)
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }
