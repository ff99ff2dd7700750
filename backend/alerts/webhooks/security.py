"""Where a webhook may point: http(s) only, and never at our own network (SSRF).

A URL is checked when it is registered and again before every delivery, since DNS can change; at delivery the
connection itself is also pinned to the address checked (requests-hardened), so a name cannot resolve to a
public address for the check and a private one for the connection.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

ALLOWED_SCHEMES = ("http", "https")
ERROR_SCHEME = _("Webhook URLs must start with http:// or https://.")
ERROR_HOST = _("The URL has no host.")
ERROR_CREDENTIALS = _("The URL may not carry a user name or password.")
ERROR_PORT = _("The URL's port is not valid.")
ERROR_UNRESOLVED = _("The URL's host does not resolve to any address.")
ERROR_PRIVATE_ADDRESS = _(
    "The URL's host resolves to {address}, a private, loopback, link-local or reserved address; webhooks go to "
    "public addresses only."
)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if allow_loopback and address.is_loopback:
        return True
    # is_global is False for private, loopback, link-local, reserved, shared (100.64/10) and unspecified ranges.
    return address.is_global and not address.is_multicast


def url_refusal(url: str, *, allow_loopback: bool) -> str | None:
    """Why ``url`` may not receive webhooks, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return str(ERROR_SCHEME)
    if parts.username or parts.password:
        return str(ERROR_CREDENTIALS)
    host = parts.hostname
    if not host:
        return str(ERROR_HOST)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return str(ERROR_PORT)
    try:
        resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return str(ERROR_UNRESOLVED)
    for *_info, socket_address in resolved:
        address = ipaddress.ip_address(socket_address[0].split("%", 1)[0])
        if not _is_public(address, allow_loopback=allow_loopback):
            return str(ERROR_PRIVATE_ADDRESS).format(address=address)
    return None
