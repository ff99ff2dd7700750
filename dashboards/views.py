"""The web pages. Views only gate access and render; each page's script talks to the APIs."""

import datetime as dt
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language

from backend.accounts.scope import precincts_in_scope, staff_scope
from backend.accounts.services import neighbor_register, user_language_set
from backend.accounts.throttling import address_rate_allows
from backend.alerts.messaging import cap
from backend.common.errors import DomainError
from backend.station.identity.logout import provider_logout_url, signed_in_with_claveunica

from .access import ALERT_BUTTON_ROLES, COMMAND_ROLES, COMMUNITY_ROLES, DISPATCH_ROLES, role_required
from .forms import NeighborRegisterForm
from .js_catalog import catalog_url, catalog_version
from .lockout import too_many_attempts
from .page_config import base_config, transitions, url_pattern
from .pages import PAGES, landing_url

# Two years back, the span of the demo and of the trend charts' year-earlier line.
COMMAND_MONTHS_SHOWN = 25


def home(request):
    return render(request, "dashboards/home.html", {"pages": PAGES})


class LoginView(auth_views.LoginView):
    template_name = "dashboards/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class LogoutView(auth_views.LogoutView):
    """A ClaveÚnica session must end at ClaveÚnica too (its integration rules), which then sends the person back."""

    next_page = "dashboards:login"

    def post(self, request, *args, **kwargs):
        leave_claveunica = signed_in_with_claveunica(request)
        provider_url = provider_logout_url(request) if leave_claveunica else None
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response


def register(request):
    """A neighbor signs up, is logged in and lands on the alert button."""
    if request.user.is_authenticated:
        return redirect(landing_url(request.user))
    # The same per-address budget as the registration API, so neither path is a way around the other.
    if request.method == "POST" and not address_rate_allows(request, scope="registration"):
        return too_many_attempts(request, reason="registration")
    form = NeighborRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = neighbor_register(**form.service_arguments())
        except DomainError as error:
            form.add_service_error(error.field, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(landing_url(user))
    return render(request, "dashboards/register.html", {"form": form})


def language_set(request):
    """The language switcher: Django's cookie for the pages and, for a signed-in person, their stored preference,
    which API answers and pushes follow (backend/accounts/language.py)."""
    response = set_language(request)
    language = request.POST.get("language")
    chosen = request.method == "POST" and language in dict(settings.LANGUAGES)
    if chosen and request.user.is_authenticated and language != request.user.language:
        user_language_set(user=request.user, language=language)
    return response


def _page(request, template: str, config: dict):
    return render(request, template, {"config": {**base_config(request), **config}})


@never_cache
@role_required(*ALERT_BUTTON_ROLES)
def alert_button(request):
    return _page(
        request,
        "dashboards/alert_button.html",
        {
            "urls": {
                "alerts": url_pattern("alerts:alerts"),
                "alert_detail": url_pattern("alerts:alert-detail", "alert_id"),
                "mine": url_pattern("alerts:alert-mine"),
            }
        },
    )


@never_cache
@role_required(*DISPATCH_ROLES)
def dispatch(request):
    scope = staff_scope(request.user)
    return _page(
        request,
        "dashboards/dispatch.html",
        {
            "transitions": transitions(),
            "scope": {
                "precinct_ids": None if scope.precinct_ids is None else sorted(scope.precinct_ids),
                "agency": scope.agency,
            },
            "precincts": [
                {"id": precinct.id, "code": precinct.code, "name": precinct.name}
                for precinct in precincts_in_scope(request.user).order_by("name")
            ],
            "urls": {
                "precincts": url_pattern("geo:precinct-list"),
                "alerts": url_pattern("alerts:alerts"),
                "alert_detail": url_pattern("alerts:alert-detail", "alert_id"),
                "alert_steps": url_pattern("alerts:alert-step", "alert_id"),
                "alert_merge": url_pattern("alerts:alert-merge", "alert_id"),
                "photo_approve": url_pattern("alerts:photo-approve", "alert_id", "photo_id"),
                "information_hide": url_pattern("alerts:alert-information-hide", "alert_id", "information_id"),
                "messages": url_pattern("alerts:message-send"),
                "message_preview": url_pattern("alerts:message-preview"),
                "messages_active": url_pattern("alerts:message-active"),
                "message_update": url_pattern("alerts:message-update", "message_id"),
                "message_cancel": url_pattern("alerts:message-cancel", "message_id"),
            },
            "message_choices": {"severity": cap.SEVERITIES, "urgency": cap.URGENCIES, "certainty": cap.CERTAINTIES},
        },
    )


@never_cache
@role_required(*COMMUNITY_ROLES)
def community(request):
    return _page(
        request,
        "dashboards/community.html",
        {
            "urls": {
                "precincts": url_pattern("geo:precinct-list"),
                "alerts": url_pattern("alerts:community-alerts"),
                "alert": url_pattern("alerts:community-alert", "alert_id"),
                "information": url_pattern("alerts:alert-information", "alert_id"),
                "zones": url_pattern("alerts:zones"),
                "zone": url_pattern("alerts:zone", "zone_id"),
                "home_address": url_pattern("accounts:address"),
                "me": url_pattern("accounts:me"),
                "devices": url_pattern("alerts:device-list"),
                "device": url_pattern("alerts:device-delete", "device_id"),
                "preferences": url_pattern("alerts:push-preferences"),
                "vapid": url_pattern("alerts:device-webpush-key"),
                "messages_active": url_pattern("alerts:message-active"),
            },
        },
    )


def _month_options(today: dt.date, count: int) -> list[tuple[str, str]]:
    """(value, label) per month, newest first; the current month is labelled as partial."""
    months = _recent_months(today, count)
    return [(months[0], gettext("{month} (so far)").format(month=months[0])), *((month, month) for month in months[1:])]


def _recent_months(today: dt.date, count: int) -> list[str]:
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return labels


@never_cache
@role_required(*COMMAND_ROLES)
def command(request):
    precincts = list(precincts_in_scope(request.user).order_by("name"))
    month_options = _month_options(timezone.localdate(), COMMAND_MONTHS_SHOWN)
    months = [value for value, _label in month_options]
    chosen_precinct = request.GET.get("precinct", "")
    if chosen_precinct not in {precinct.code for precinct in precincts}:
        chosen_precinct = precincts[0].code if len(precincts) == 1 else ""
    chosen_month = request.GET.get("month", "")
    if chosen_month not in months:
        # The meeting reviews the last complete month; the current one is a few days old at best.
        chosen_month = months[1]
    return render(
        request,
        "dashboards/command.html",
        {
            "precincts": precincts,
            "months": month_options,
            "chosen_precinct": chosen_precinct,
            "chosen_month": chosen_month,
            "config": {
                **base_config(request),
                "precincts": [{"code": precinct.code, "name": precinct.name} for precinct in precincts],
                "current_month": months[0],
                "urls": {
                    "stop_pack": url_pattern("analytics:stop-pack"),
                    "stop_pack_pdf": url_pattern("analytics:stop-pack-pdf"),
                    "stop_pack_page": url_pattern("analytics:stop-pack-page"),
                    "dark_figure": url_pattern("analytics:dark-figure"),
                    "hotspots": url_pattern("analytics:hotspots"),
                    "adoption": url_pattern("analytics:adoption"),
                    "map": url_pattern("analytics:map"),
                },
            },
        },
    )


SHELL_ASSETS = (
    "dashboards/css/app.css",
    "dashboards/js/common.js",
    "dashboards/js/live.js",
    "dashboards/js/outbox.js",
    "dashboards/js/alert_button.js",
    "dashboards/js/session.js",
    "dashboards/icons/icon.svg",
    "dashboards/icons/icon-192.png",
    "dashboards/manifest.webmanifest",
)


@functools.cache
def shell_version() -> str:
    """A digest of the offline shell's files and translations: a new deployment's service worker replaces the old
    cache."""
    digest = hashlib.sha256()
    for path in SHELL_ASSETS:
        digest.update(Path(finders.find(path)).read_bytes())
    for language, _name in settings.LANGUAGES:
        digest.update(catalog_version(language).encode())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """The service worker lives at the site root so its scope covers every page."""
    context = {
        "shell_assets": SHELL_ASSETS,
        "shell_version": shell_version(),
        # The alert button works offline, in whichever language its page was last loaded.
        "catalog_urls": [catalog_url(language) for language, _name in settings.LANGUAGES],
        "catalog_prefix": reverse("dashboards:javascript-catalog", args=["x"]).removesuffix("x/"),
    }
    script = render_to_string("dashboards/sw.js", context, request=request)
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
