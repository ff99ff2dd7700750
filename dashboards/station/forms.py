"""Station forms on the page: the fields declared in the catalogues, the POST turned into the API's input,
and the API's errors turned into an error summary linked to each field. One validation path: the serializers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from backend.common.errors import _flatten
from backend.geo.models import Precinct
from backend.station.complaints.catalogue import ComplaintType
from backend.station.constancias.catalogue import ConstanciaKind
from backend.station.fields import Field

ITEM_ROWS = 3
# Names of the common complaint inputs and how the page labels them (English msgids).
COMPLAINT_LABELS = {
    "occurred_at": gettext_noop("When it happened"),
    "location": gettext_noop("Where it happened"),
    "address": gettext_noop("Address"),
    "comuna": gettext_noop("Comuna"),
    "narrative": gettext_noop("What happened"),
    "items": gettext_noop("What was taken"),
    "reported_elsewhere": gettext_noop("Did you already report this to the police or the Fiscalía?"),
    "contact_email": gettext_noop("Email for updates"),
    "evidence": gettext_noop("Photos (optional)"),
    "submission_key": gettext_noop("Form"),
}


@dataclass
class FieldView:
    """One input as a template draws it."""

    name: str
    label: str
    kind: str
    required: bool = True
    value: object = ""
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"id_{self.name}"


def comuna_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in Precinct.objects.order_by("name").values_list("code", "name")]


def field_views(specs: tuple[Field, ...], *, prefix: str, values: dict, errors: dict) -> list[FieldView]:
    views = []
    for spec in specs:
        name = f"{prefix}-{spec.name}"
        choices = (
            comuna_choices() if spec.kind == "comuna" else [(value, gettext(label)) for value, label in spec.choices]
        )
        views.append(
            FieldView(
                name=name,
                label=gettext(spec.label),
                kind=spec.kind,
                required=spec.required,
                value=values.get(name, ""),
                help=gettext(spec.help) if spec.help else "",
                choices=choices,
                errors=errors.get(f"{prefix_key(prefix)}.{spec.name}", []),
            )
        )
    return views


def prefix_key(prefix: str) -> str:
    return {"details": "details", "answers": "answers"}[prefix]


def _blank_to_none(value: str | None):
    return None if value in (None, "") else value


def complaint_data(post, files, *, complaint_type: ComplaintType, submission_key) -> dict:
    items = []
    for row in range(ITEM_ROWS):
        description = post.get(f"items-{row}-description", "").strip()
        value = post.get(f"items-{row}-value", "").strip().replace(".", "").replace("$", "")
        if description or value:
            items.append({"description": description, "value": value})
    return {
        "offense": complaint_type.code,
        "occurred_at": post.get("occurred_at", ""),
        "lat": _blank_to_none(post.get("lat")),
        "lon": _blank_to_none(post.get("lon")),
        "address": post.get("address", ""),
        "comuna": post.get("comuna", ""),
        "narrative": post.get("narrative", ""),
        "items": items,
        "details": {spec.name: post.get(f"details-{spec.name}", "") for spec in complaint_type.fields},
        "reported_elsewhere": post.get("reported_elsewhere", ""),
        "contact_email": post.get("contact_email", ""),
        "submission_key": str(submission_key),
        "evidence": files.getlist("evidence"),
    }


def constancia_data(post, *, kind: ConstanciaKind, submission_key) -> dict:
    answers = {}
    for spec in kind.fields:
        value = post.get(f"answers-{spec.name}", "")
        if value != "" or spec.required:
            answers[spec.name] = value
    return {
        "kind": kind.code,
        "answers": answers,
        "contact_email": post.get("contact_email", ""),
        "submission_key": str(submission_key),
    }


def flat_errors(detail) -> dict[str, list[str]]:
    """A serializer's (or a domain error's) messages by dotted field name, translated for the page."""
    flattened = _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": list(detail)}
    return {name: [gettext(str(message)) for message in messages] for name, messages in flattened.items()}


def anchor_for(name: str) -> str:
    """The id a summary entry links to: ``details.animal_type`` → ``id_details-animal_type``."""
    if name.startswith("items["):
        index = name[len("items[") : name.index("]")]
        rest = name.split(".", 1)[1] if "." in name else "description"
        return f"id_items-{index}-{rest}"
    if name in ("location", "lat", "lon"):
        return "id_address"
    if name == "reported_elsewhere":
        return "id_reported_elsewhere_no"
    return "id_" + name.replace(".", "-")


def error_summary(errors: dict[str, list[str]], labels: dict[str, str]) -> list[dict]:
    summary = []
    for name, messages in errors.items():
        label = labels.get(name) or labels.get(name.split(".", 1)[0].split("[", 1)[0], "")
        for message in messages:
            summary.append({"anchor": anchor_for(name), "label": gettext(label) if label else "", "message": message})
    return summary
