"""Form fields declared once per service type and turned into DRF serializers (API and pages share them).

Labels, help texts and choice labels are English msgids (``gettext_noop``): documents store them as
they are and translate them when shown, so a constancia reads in the language of whoever opens it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop
from rest_framework import serializers

from backend.accounts.rut import InvalidRut, normalize_rut

ERROR_NOT_JSON = gettext_lazy("Send a JSON value here.")
ERROR_IN_FUTURE = gettext_lazy("The date cannot be in the future.")
ERROR_TOO_OLD = gettext_lazy("The date is too far in the past; we take facts from the last {years} years.")
ERROR_INVALID_RUT = gettext_lazy("Enter a valid RUT, e.g. 12.345.678-5 (the check digit does not match).")
ERROR_INVALID_PLATE = gettext_lazy("Enter a Chilean licence plate, e.g. BCDF-12 or AB-1234.")
ERROR_INVALID_IMEI = gettext_lazy("The IMEI has 15 digits and its last digit does not match. Dial *#06# to see it.")
ERROR_INVALID_PHONE = gettext_lazy("Enter a phone number with 8 to 15 digits.")
MAX_TEXT = 200
MAX_NARRATIVE = 4000
MAX_MONEY = 10**12
OLDEST_FACT_YEARS = 10
PLATE = re.compile(r"^([A-Z]{4}\d{2}|[A-Z]{2}\d{4})$")


@dataclass(frozen=True)
class Field:
    """One input of a station form."""

    name: str
    label: str
    # text | textarea | choice | comuna | date | datetime | money | count | rut | yesno | email | phone | plate | imei
    kind: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    public: bool = False  # also printed on the public verification page
    max_length: int = MAX_TEXT

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


def _not_future(value):
    now = timezone.now()
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
    if moment > now + dt.timedelta(minutes=5):
        raise serializers.ValidationError(ERROR_IN_FUTURE)
    if moment < now - dt.timedelta(days=365 * OLDEST_FACT_YEARS):
        raise serializers.ValidationError(ERROR_TOO_OLD.format(years=OLDEST_FACT_YEARS))


def _rut(value: str) -> str:
    try:
        return normalize_rut(value)
    except InvalidRut as error:
        raise serializers.ValidationError(ERROR_INVALID_RUT) from error


def _plate(value: str) -> str:
    compact = re.sub(r"[\s.·-]", "", value).upper()
    if not PLATE.match(compact):
        raise serializers.ValidationError(ERROR_INVALID_PLATE)
    return compact


def _imei(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    total = 0
    for index, digit in enumerate(int(char) for char in reversed(digits)):
        doubled = digit * 2 if index % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    if len(digits) != 15 or total % 10:
        raise serializers.ValidationError(ERROR_INVALID_IMEI)
    return digits


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if not 8 <= len(digits) <= 15:
        raise serializers.ValidationError(ERROR_INVALID_PHONE)
    return ("+" if value.strip().startswith("+") else "") + digits


class _Normalized(serializers.CharField):
    def __init__(self, normalizer, **kwargs):
        self.normalizer = normalizer
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return self.normalizer(value) if value else value


def drf_field(field: Field) -> serializers.Field:
    common = {"required": field.required, "help_text": field.help or field.label, "label": field.label}
    optional_text = {"allow_blank": not field.required, "default": ""} if not field.required else {}
    if not field.required:
        common.pop("required")
    kind = field.kind
    if kind == "textarea":
        return serializers.CharField(max_length=MAX_NARRATIVE, **common, **optional_text)
    if kind == "choice":
        return serializers.ChoiceField(choices=list(field.choices), **common, **optional_text)
    if kind == "date":
        return serializers.DateField(
            validators=[_not_future], **common, **({"default": None} if not field.required else {})
        )
    if kind == "datetime":
        return serializers.DateTimeField(validators=[_not_future], **common)
    if kind in ("money", "count"):
        return serializers.IntegerField(
            min_value=0, max_value=MAX_MONEY, **common, **({"default": None} if not field.required else {})
        )
    if kind == "yesno":
        return serializers.BooleanField(**common)
    if kind == "email":
        return serializers.EmailField(**common, **optional_text)
    if kind == "comuna":
        # A precinct code; the service resolves it (and names the field if it is unknown).
        return serializers.CharField(max_length=32, **common, **optional_text)
    normalizers = {"rut": _rut, "plate": _plate, "imei": _imei, "phone": _phone}
    if kind in normalizers:
        return _Normalized(normalizers[kind], max_length=40, **common, **optional_text)
    return serializers.CharField(max_length=field.max_length, **common, **optional_text)


def serializer_for(name: str, fields: tuple[Field, ...]) -> type[serializers.Serializer]:
    """A DRF serializer class with one field per declared field (drf-spectacular documents it as ``name``)."""
    attributes = {field.name: drf_field(field) for field in fields}
    return type(name, (serializers.Serializer,), attributes)


def display_value(field: Field, value) -> tuple[str, bool]:
    """(text, is a msgid to translate) of a cleaned value, for a document's facts."""
    if value in (None, ""):
        return "", False
    if field.kind == "choice":
        return field.choice_label(value), True
    if field.kind == "yesno":
        return (gettext_noop("Yes") if value else gettext_noop("No")), True
    if field.kind == "datetime":
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M"), False
    if field.kind == "date":
        return value.strftime("%d-%m-%Y"), False
    if field.kind == "money":
        return f"${value:,.0f}".replace(",", "."), False
    return str(value), False


class JsonInForms(serializers.Field):
    """Multipart forms carry nested values as JSON text; JSON bodies carry them as they are."""

    def __init__(self, inner: serializers.Field, **kwargs):
        self.inner = inner
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else self.inner.get_default()
            except ValueError as error:
                raise serializers.ValidationError(ERROR_NOT_JSON) from error
        return self.inner.run_validation(data)

    def to_representation(self, value):
        return value
