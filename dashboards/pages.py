"""The pages of the site, who opens each one, and where a person lands after logging in."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Role
from backend.accounts.scope import user_has_role

from .access import (
    ALERT_BUTTON_ROLES,
    COMMAND_ROLES,
    COMMUNITY_ROLES,
    DISPATCH_ROLES,
    STATION_REVIEW_ROLES,
    STATION_ROLES,
)


@dataclass(frozen=True)
class Page:
    url_name: str
    title: Promise
    description: Promise
    roles: tuple[str, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    @property
    def role_names(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


PAGES = (
    Page(
        "dashboards:alert-button",
        _("Alert button"),
        _("Send an alert with your location and a photo, and follow the police response live."),
        ALERT_BUTTON_ROLES,
    ),
    Page(
        "dashboards:community",
        _("My community"),
        _("Alerts and messages in your zones, your zones and your notifications."),
        COMMUNITY_ROLES,
    ),
    Page(
        "dashboards:dispatch",
        _("Dispatch console"),
        _("The live map of your precincts: answer alerts step by step and send mass messages."),
        DISPATCH_ROLES,
    ),
    Page(
        "dashboards:command",
        _("Command dashboard"),
        _("The monthly STOP pack: maps, hotspots, dark figure and adoption, with CSV downloads."),
        COMMAND_ROLES,
    ),
    Page(
        "dashboards:station-services",
        _("Comisaría Virtual"),
        _("File a complaint or get a constancia online, and follow it with its folio."),
        STATION_ROLES,
    ),
    Page(
        "dashboards:station-review",
        _("Complaint review"),
        _("Online complaints of your precincts: accept, ask for more information, reject or forward."),
        STATION_REVIEW_ROLES,
    ),
)


def pages_for(user) -> list[Page]:
    return [page for page in PAGES if user_has_role(user, *page.roles)]


def landing_url(user) -> str:
    """A person's main page: the first page their role opens, else the home page."""
    pages = pages_for(user)
    return pages[0].url if pages else reverse("dashboards:home")
