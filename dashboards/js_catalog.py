"""The pages' scripts read their strings from Django's JavaScript catalogue (``djangojs``), served by us.

``make messages`` extracts every ``t("...")`` and ``gettext_noop("...")`` from ``static/dashboards/js/`` into
``locale/<lang>/LC_MESSAGES/djangojs.po`` (``dashboards/management/commands/makemessages.py``). The catalogue
of a language is rendered once per process, as Django keeps its other catalogues, and served at
``/jsi18n/<language>/?v=<digest>``: the language is in the path and the digest changes with the translations,
so browsers and the alert button's service worker keep it for a year without ever keeping a stale one.
"""

import functools
import hashlib

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation
from django.views.i18n import JavaScriptCatalog

# Only our scripts' strings (the root locale/ is always read); the admin's own are served by the admin.
PACKAGES = ["dashboards"]
CACHE_FOREVER = "public, max-age=31536000, immutable"


@functools.cache
def catalog_script(language: str) -> bytes:
    view = JavaScriptCatalog(packages=PACKAGES)
    with translation.override(language):
        view.translation = DjangoTranslation(language, domain=view.domain, localedirs=view.get_paths(PACKAGES))
        return view.render_to_response(view.get_context_data()).content


def catalog_version(language: str) -> str:
    return hashlib.sha256(catalog_script(language)).hexdigest()[:12]


def catalog_url(language: str) -> str:
    """The address of ``language``'s catalogue, as the pages and the service worker ask for it."""
    return f"{reverse('dashboards:javascript-catalog', args=[language])}?v={catalog_version(language)}"


def javascript_catalog(request, language: str):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponse(catalog_script(language), content_type="text/javascript; charset=utf-8")
    # An old digest (a page cached before a deployment) still gets today's catalogue, but only for a moment.
    response["Cache-Control"] = CACHE_FOREVER if request.GET.get("v") == catalog_version(language) else "no-cache"
    return response
