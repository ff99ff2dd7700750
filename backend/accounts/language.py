"""Which language a person reads: pages, API answers, websocket errors and pushes follow one rule each.

* Pages: Django's ``LocaleMiddleware`` order (the switcher's cookie, then the browser's ``Accept-Language``).
* The API and websockets: an ``Accept-Language`` we support wins (an app says what it displays; our pages send
  theirs), else the signed-in person's ``User.language``, else Spanish (``LANGUAGE_CODE``).
* Pushes: the recipient's ``User.language``, since nobody is asking at that moment.

For the API the person is known at different moments: a session user as soon as ``AuthenticationMiddleware``
ran, a token user only inside the view, when DRF calls ``TokenAuthentication.authenticate`` (after every
middleware). ``LanguageMiddleware`` decides with what it knows, and ``TokenAuthentication`` calls
``api_language_activate`` again once the token's user is found, before permissions, throttles and the view run.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Django's own parser (also used by get_language_from_request): sorted by q, bounded against huge headers.
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"


def supported_language(code: str | None) -> str | None:
    """The code in ``settings.LANGUAGES`` that ``code`` names ("es", "es-CL", "en-US"...), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def accepted_language(header: str) -> str | None:
    """The first supported language of an ``Accept-Language`` value by preference, or None (absent, ``*``...)."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            return None
        if language := supported_language(code):
            return language
    return None


def user_language(user) -> str:
    """The language a person chose (pushes, and the API when the client does not say), Spanish by default."""
    chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    return supported_language(chosen) or settings.LANGUAGE_CODE


def api_language(*, accept_language: str, user) -> str:
    # ``user`` may be a lazy object (the session user): it is only evaluated when the header does not decide.
    return accepted_language(accept_language) or user_language(user)


def api_language_activate(request, user) -> None:
    """Activate the API language for ``request`` now that its ``user`` is known."""
    language = api_language(accept_language=request.META.get("HTTP_ACCEPT_LANGUAGE", ""), user=user)
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for pages; the API rule above for ``/api/``. Goes after AuthenticationMiddleware."""

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            api_language_activate(request, getattr(request, "user", None))
        else:
            super().process_request(request)
