"""The GeoReport v2 shapes, field order as in the spec's examples.

A request record is the community's view of an alert: the ~100 m cell instead of the point, the comuna instead of
an address, no description, no media, no reporter, and the status of the latest step as its note. The integrator
that posted a request (it sends its api_key with the GET) is that request's reporter and sees what it sent: the
exact point, its address, description and media_url, and dispatch's notes to the reporter. Nobody's email, names,
phone or device ever appear: we never store them.
"""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Agency

from ..incidents.services import CLOSED_STATUSES
from ..models import Alert, AlertStatus, Open311ApiKey, Open311Service

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]
NOTE_DUPLICATE = _("Duplicate of request {id}.")


def w3c_datetime(value) -> str | None:
    """W3C/ISO 8601 with the offset (GeoReport v2 requires a zone), in local time, whole seconds."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _category_name(category) -> str:
    return category.label_en if (get_language() or "").startswith("en") else category.label_es


def service_view(service: Open311Service) -> dict:
    category = service.category
    return {
        "service_code": category.code,
        "service_name": _category_name(category),
        "description": service.description,
        "metadata": bool(service.attributes.all()),
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def service_definition_view(service: Open311Service) -> dict:
    return {
        "service_code": service.category.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description or None,
                "order": attribute.order,
                "description": attribute.description,
                "values": [{"key": value["key"], "name": value["name"]} for value in attribute.values],
            }
            for attribute in service.attributes.all()
        ],
    }


def discovery_view(*, url: str, changeset, contact: str, key_service: str, endpoint_type: str) -> dict:
    stamp = w3c_datetime(changeset) or ""
    return {
        "changeset": stamp,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {"specification": SPECIFICATION, "url": url, "changeset": stamp, "type": endpoint_type, "formats": FORMATS}
        ],
    }


def open_or_closed(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def _status_notes(alert: Alert, *, is_owner: bool) -> str:
    steps = list(alert.steps.all())
    last = steps[-1] if steps else None
    if is_owner and last is not None and last.note:
        return last.note
    if alert.status == AlertStatus.DUPLICATE and alert.merged_into_id:
        return str(NOTE_DUPLICATE).format(id=alert.merged_into_id)
    return str(AlertStatus(alert.status).label)


def request_view(alert: Alert, *, viewer: Open311ApiKey | None = None) -> dict:
    """One ``<request>``; see the module docstring for who sees what."""
    posted = getattr(alert, "open311_request", None)
    is_owner = viewer is not None and posted is not None and posted.api_key_id == viewer.id
    point = alert.location if is_owner else alert.community_location
    steps = list(alert.steps.all())
    service = getattr(alert.category, "open311", None)
    return {
        "service_request_id": alert.id,
        "status": open_or_closed(alert.status),
        "status_notes": _status_notes(alert, is_owner=is_owner),
        "service_name": _category_name(alert.category),
        "service_code": alert.category.code,
        "description": alert.description if is_owner else None,
        "agency_responsible": str(Agency(alert.agency).label),
        "service_notice": (service.service_notice if service else "") or None,
        "requested_datetime": w3c_datetime(alert.created_at),
        "updated_datetime": w3c_datetime(steps[-1].created_at if steps else alert.updated_at),
        "expected_datetime": None,
        "address": (posted.address_string if is_owner and posted.address_string else alert.precinct.name),
        "address_id": None,
        "zipcode": None,
        "lat": round(point.y, 7),
        "long": round(point.x, 7),
        "media_url": (posted.media_url or None) if is_owner else None,
    }


def created_view(alert: Alert, *, service_notice: str) -> dict:
    return {"service_request_id": alert.id, "service_notice": service_notice or None, "account_id": None}


def token_view(*, service_request_id: int, token: str) -> dict:
    return {"service_request_id": service_request_id, "token": token}
