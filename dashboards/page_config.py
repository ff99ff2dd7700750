"""The JSON each page's script reads from a <script type="application/json"> tag: URLs, labels and rules.

Rules the server owns (the timeline's legal steps, the category catalogue) are rendered from the Python
constants here, so the pages never keep a second copy of them.
"""

from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from backend.alerts.incidents.serializers import CategorySerializer
from backend.alerts.incidents.services import CLOSED_STATUSES, TRANSITIONS
from backend.alerts.models import AlertStatus, Category
from backend.common.basemap import basemap_config

WEBSOCKET_PATHS = {
    "dispatch": "/ws/dispatch/",
    "community": "/ws/community/",
    "alert": "/ws/alerts/{alert_id}/",
}
_SENTINEL = 987_654_320


def url_pattern(name: str, *placeholders: str) -> str | None:
    """A reversed URL with ``{placeholder}`` where each integer argument goes; None if the route does not exist."""
    sentinels = {key: _SENTINEL + index for index, key in enumerate(placeholders)}
    try:
        url = reverse(name, kwargs=sentinels)
    except NoReverseMatch:
        return None
    for key, value in sentinels.items():
        url = url.replace(str(value), "{" + key + "}")
    return url


def status_order() -> list[str]:
    return [status.value for status in AlertStatus]


def transitions() -> dict[str, list[str]]:
    order = status_order()
    return {str(status): sorted(targets, key=order.index) for status, targets in TRANSITIONS.items()}


def categories() -> list[dict]:
    return CategorySerializer(Category.objects.filter(is_active=True), many=True).data


def base_config(request) -> dict:
    user = request.user
    return {
        "language": get_language(),
        "csrf_token": get_token(request),
        "user": {"id": user.id, "username": user.username, "role": user.role} if user.is_authenticated else None,
        "statuses": {status.value: str(status.label) for status in AlertStatus},
        "status_order": status_order(),
        "closed_statuses": sorted(str(status) for status in CLOSED_STATUSES),
        "categories": categories(),
        "websockets": WEBSOCKET_PATHS,
        "basemap": basemap_config(),
        "urls": {
            "categories": url_pattern("alerts:categories"),
            "precincts": url_pattern("geo:precinct-list"),
        },
    }
