"""The QR code of a document: the verification page's URL carrying the signed token (segno, no network)."""

from urllib.parse import quote

import segno
from django.conf import settings

from .codes import code_format

QR_ERROR_CORRECTION = "m"


def verification_url(code: str) -> str:
    return f"{settings.STATION_PUBLIC_URL.rstrip('/')}/verificar/{code_format(code)}/"


def qr_payload(*, code: str, token: str) -> str:
    """What the QR holds: a phone's camera opens the page; an officer's app reads ``t`` and checks it offline."""
    return f"{verification_url(code)}?t={quote(token, safe='')}"


def qr_svg_data_uri(*, code: str, token: str, scale: int = 4) -> str:
    qr = segno.make(qr_payload(code=code, token=token), error=QR_ERROR_CORRECTION)
    return qr.svg_data_uri(scale=scale, border=2, dark="#111111")
