"""Open311 services and integrators' keys, set up exactly as a test says (the seed migration opens three)."""

from backend.alerts.models import Category, Open311ApiKey, Open311Attribute, Open311Service
from backend.alerts.open311.services import open311_api_key_issue


def open311_only(*services: dict) -> dict[str, Open311Service]:
    """Close every category to Open311, then open these: ``{"code", "description"?, "notice"?, "attributes"?}``."""
    Open311Service.objects.all().delete()
    opened = {}
    for spec in services:
        service = Open311Service.objects.create(
            category=Category.objects.get(code=spec["code"]),
            is_open=True,
            description=spec.get("description", f"Reportes de {spec['code']}"),
            keywords=spec.get("keywords", ""),
            group=spec.get("group", "municipal"),
            service_notice=spec.get("notice", ""),
        )
        for order, attribute in enumerate(spec.get("attributes", ()), start=1):
            Open311Attribute.objects.create(service=service, order=order, **attribute)
        opened[spec["code"]] = service
    return opened


def open311_key(
    name: str = "FixMyStreet Santiago", *, codes=("street_lighting",), per_minute: int = 30, per_day: int = 2_000
) -> tuple[Open311ApiKey, str]:
    """A key allowed to post ``codes``; returns it and its value."""
    key = Open311ApiKey(name=name, requests_per_minute=per_minute, requests_per_day=per_day)
    raw = open311_api_key_issue(key=key)
    key.categories.set(Category.objects.filter(code__in=codes))
    return key, raw
