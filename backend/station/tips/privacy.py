"""What the tip endpoints never keep: who sent a request, from where, with what, and exactly when.

For the public tip paths (``is_public_tip_path``: sending a tip, its mailbox, and their pages):

* ``TipPrivacyMiddleware`` runs first, before anything reads the request. It derives the one thing the throttles
  need, ``request.tip_client_key``: an HMAC of the client's address under a secret drawn at random for each UTC
  day and held only in the cache (Redis) or, if that is down, in this process's memory; once the day's secret
  expires the key cannot be traced back to an address, not even by us. Then it drops the address and every
  header but the few a page needs (the user agent, cookies, Authorization, Referer, X-Forwarded-For and the
  rest), also from the ASGI scope the server logs from, so no later layer (authentication, axes, the language
  choice, error reports) can see them. Only the language cookie is kept, read-only. On the way out it removes
  every cookie a layer below tried to set (session, CSRF) and asks browsers and proxies to store nothing.
* ``TipPathLogFilter``, installed on the request loggers (uvicorn's and daphne's access logs, ``django.request``,
  ``django.server``), drops their records about these paths: a log line carries the time, and the time of a
  request is what would tie a tip to a network log. Server errors (ERROR and above) are kept for operators;
  by then the request holds no address, agent or cookie.
* ``submission_digest`` keys an app's retry (its ``submission_key``) with the same day secret, so a stored tip
  stops being linkable to the key the app held once that day is over.

Not covered here, and said in the README: the server must not log below DEBUG (uvicorn's TRACE prints the
address of every connection before any path is known), a reverse proxy in front keeps its own logs, and
PostgreSQL must keep ``track_commit_timestamp`` off.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import uuid
from http.cookies import SimpleCookie

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

PUBLIC_TIP_PATH = re.compile(r"^/api/station/tips/?$|^/api/station/tips/mailbox(/|$)|^/comisaria/denuncia-anonima(/|$)")
# The only request headers a tip request keeps (Django's META names); everything else is dropped.
KEPT_HEADERS = frozenset(
    {"HTTP_HOST", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING", "CONTENT_TYPE", "CONTENT_LENGTH"}
)
KEPT_SCOPE_HEADERS = frozenset({b"host", b"accept", b"accept-language", b"accept-encoding", b"content-type",
                                b"content-length"})  # fmt: skip
DROPPED_META = ("REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT")
REQUEST_LOGGERS = ("uvicorn.access", "django.request", "django.server", "django.channels.server", "daphne.access")
CLIENT_KEY_LENGTH = 32
_SECRET_CACHE_KEY = "station:tips:client-secret:{day}"
_SUBMISSION_CONTEXT = b"vigia.station.tips.submission:"
_local_secrets: dict[str, str] = {}
_request_line = re.compile(r"^[A-Z]+ (\S+)")


def is_public_tip_path(path: str) -> bool:
    return bool(PUBLIC_TIP_PATH.match(path.split("?", 1)[0]))


def _seconds_to_day_end(now: dt.datetime) -> int:
    tomorrow = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((tomorrow - now).total_seconds()) + 60


def _day_secret(now: dt.datetime) -> str:
    day = now.date().isoformat()
    if day in _local_secrets:
        return _local_secrets[day]
    key = _SECRET_CACHE_KEY.format(day=day)
    try:
        # add() is SET NX: the first process of the day draws the secret, every other one reads that one. It
        # expires at the day's end whenever it was drawn, so its time to live tells nothing either.
        cache.add(key, secrets.token_hex(32), timeout=_seconds_to_day_end(now))
        shared = cache.get(key)
    except Exception:
        shared = None
    _local_secrets.clear()
    _local_secrets[day] = shared or secrets.token_hex(32)
    return _local_secrets[day]


def _network(address: str) -> str:
    """An IPv4 address, or the /64 of an IPv6 one (a phone may rotate through its /64 at will)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def client_key(address: str, *, now: dt.datetime | None = None) -> str:
    """The day's keyed digest of a client address: counts one client's requests without knowing who it is."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    digest = hmac.new(bytes.fromhex(_day_secret(now)), _network(address or "").encode(), hashlib.sha256)
    return digest.hexdigest()[:CLIENT_KEY_LENGTH]


def submission_digest(submission_key: uuid.UUID, *, now: dt.datetime | None = None) -> str:
    """The day's keyed digest of a client's submission key: finds a retried tip, and from the next day, nothing.

    Under the same day secret as ``client_key`` (another context, so the two never coincide), the digest stored
    with a tip can be matched to the key an app keeps only while that secret lives: once it expires, not even we
    can tell which tip a key sent. The price: a retry that crosses midnight UTC (or reaches a process that could
    not read the shared secret) is not recognised, and files a second tip, as a send without a key does.
    """
    now = (now or timezone.now()).astimezone(dt.UTC)
    message = _SUBMISSION_CONTEXT + str(submission_key).encode()
    return hmac.new(bytes.fromhex(_day_secret(now)), message, hashlib.sha256).hexdigest()


def _language_cookie(request) -> str:
    value = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return value if value in {code for code, _name in settings.LANGUAGES} else ""


def _scrub(request) -> None:
    language = _language_cookie(request)
    request.tip_client_key = client_key(request.META.get("REMOTE_ADDR", ""))
    for name in [name for name in request.META if name.startswith("HTTP_") or name in DROPPED_META]:
        if name not in KEPT_HEADERS:
            del request.META[name]
    if language:
        request.META["HTTP_COOKIE"] = f"{settings.LANGUAGE_COOKIE_NAME}={language}"
    request.__dict__.pop("COOKIES", None)
    scope = getattr(request, "scope", None)
    if scope is not None:
        # The server's own access log reads the client from this very dict.
        scope["client"] = None
        scope["headers"] = [(name, value) for name, value in scope.get("headers", []) if name in KEPT_SCOPE_HEADERS]


class TipPrivacyMiddleware:
    """First in MIDDLEWARE: tip requests lose their identifying data before any other layer reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_tip_path(request.path):
            return self.get_response(request)
        _scrub(request)
        response = self.get_response(request)
        response.cookies = SimpleCookie()
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response


def page_language_activate(request) -> None:
    """Tip pages keep no cookie of their own: the language switcher there sends ``lang`` with each request."""
    chosen = request.POST.get("lang") or request.GET.get("lang")
    if chosen in {code for code, _name in settings.LANGUAGES}:
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen


def _paths_of(record: logging.LogRecord) -> list[str]:
    paths = []
    request = getattr(record, "request", None)
    if request is not None and hasattr(request, "path"):
        paths.append(request.path)
    if isinstance(getattr(record, "path", None), str):
        paths.append(record.path)
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    for value in args:
        if isinstance(value, str):
            paths.append(value)
            if match := _request_line.match(value):
                paths.append(match.group(1))
    return paths


class TipPathLogFilter(logging.Filter):
    """Drops request-log records about the public tip paths (server errors excepted)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        return not any(is_public_tip_path(path) for path in _paths_of(record) if path.startswith("/"))


def log_filters_install() -> None:
    """Put the filter on every request logger (filters on a logger see only records made on it, so each one)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, TipPathLogFilter) for existing in logger.filters):
            logger.addFilter(TipPathLogFilter())
