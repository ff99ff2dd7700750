"""Input of the GeoReport v2 methods: the POST form and the GET filters, checked field by field.

``attribute[code]`` answers are checked against the service's definition in ``attributes_validate``.
"""

import math
import re

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.common.coordinates import LatitudeField, LongitudeField
from backend.common.fields import IntegerField

from ..incidents.serializers import idempotency_key_valid
from ..models import LIST_DATATYPES, Open311Datatype, Open311Service
from .errors import field_error

MAX_DESCRIPTION_LENGTH = 4_000  # GeoReport v2: "free form text limited to 4,000 characters"
MAX_ADDRESS_LENGTH = 300
MAX_PERSON_FIELD_LENGTH = 200
MAX_STRING_ANSWER_LENGTH = 500
MAX_LISTED_IDS = 1_000
MAX_SPAN_DAYS = 90

ERROR_LOCATION_MISSING = _("A location is required: lat and long, or address_string naming a comuna we serve.")
ERROR_LAT_LONG_PAIR = _("lat and long must be sent together.")
ERROR_ADDRESS_ID = _("address_id is not supported here; send lat and long.")
ERROR_ADDRESS_UNKNOWN = _(
    "We cannot locate this address without lat and long: name one of the comunas we serve, or send lat and long."
)
ERROR_TOKEN = _("token must be 1 to 128 printable ASCII characters, without '/' or '.'.")
ERROR_ATTRIBUTE_UNKNOWN = _("not a question of this service.")
ERROR_ATTRIBUTE_INFORMATIONAL = _("this question is informational and takes no answer.")
ERROR_ATTRIBUTE_REQUIRED = _("an answer is required.")
ERROR_ATTRIBUTE_ONE_VALUE = _("give exactly one value.")
ERROR_ATTRIBUTE_NOT_A_CHOICE = _("{value!r} is not one of {choices}.")
ERROR_ATTRIBUTE_NUMBER = _("must be a finite number.")
ERROR_ATTRIBUTE_DATETIME = _("must be an ISO 8601 date and time with its offset.")
ERROR_ATTRIBUTE_LINE_BREAK = _("must be one line.")
ERROR_ATTRIBUTE_LENGTH = _("at most {limit} characters.")
ERROR_ATTRIBUTE_REPEATED = _("a value is repeated.")
ERROR_IDS = _("service_request_id must be a comma-separated list of up to 1,000 request ids.")
ERROR_STATUS = _("status must be open, closed or both, comma-separated.")
ERROR_DATE = _("must be a W3C date and time with its zone, e.g. 2025-01-31T00:00:00-03:00.")
ERROR_DATE_ORDER = _("end_date must be after start_date.")
ERROR_DATE_SPAN = _("start_date and end_date may be at most 90 days apart.")

ATTRIBUTE_KEY = re.compile(r"^attribute\[(?P<code>[^\[\]]{1,60})\](?P<many>\[\])?$")


class RequestCreateSerializer(serializers.Serializer):
    """POST requests, everything but api_key and attribute[...]. The person's data is checked and then dropped."""

    service_code = serializers.SlugField(max_length=40)
    lat = LatitudeField(required=False)
    long = LongitudeField(required=False)
    address_string = serializers.CharField(required=False, allow_blank=True, max_length=MAX_ADDRESS_LENGTH)
    address_id = serializers.CharField(required=False, allow_blank=True, max_length=MAX_ADDRESS_LENGTH)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_DESCRIPTION_LENGTH, default="", trim_whitespace=False
    )
    media_url = serializers.URLField(required=False, allow_blank=True, max_length=500, default="")
    token = serializers.CharField(required=False, allow_blank=True, max_length=128, default="")
    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    # Accepted as the spec lists them, never stored (see presenters.py).
    email = serializers.EmailField(required=False, allow_blank=True, max_length=MAX_PERSON_FIELD_LENGTH)
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PERSON_FIELD_LENGTH)
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PERSON_FIELD_LENGTH)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PERSON_FIELD_LENGTH)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PERSON_FIELD_LENGTH)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=MAX_PERSON_FIELD_LENGTH)

    def validate_token(self, value: str) -> str:
        # tokens/{token}.xml must be able to name it: no path separator, no extension dot.
        if value and (not idempotency_key_valid(value) or "/" in value or "." in value):
            raise serializers.ValidationError(ERROR_TOKEN)
        return value

    def validate(self, data: dict) -> dict:
        has_lat, has_long = "lat" in data, "long" in data
        if has_lat != has_long:
            raise serializers.ValidationError({"lat" if not has_lat else "long": ERROR_LAT_LONG_PAIR})
        if not has_lat and data.get("address_id"):
            raise serializers.ValidationError({"address_id": ERROR_ADDRESS_ID})
        if not has_lat and not data.get("address_string", "").strip():
            raise serializers.ValidationError({"lat": ERROR_LOCATION_MISSING})
        return data


def attribute_answers(form) -> dict[str, list[str]]:
    """The ``attribute[code]`` and ``attribute[code][]`` fields of a form, as code → values."""
    answers: dict[str, list[str]] = {}
    for key in form:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            values = form.getlist(key) if hasattr(form, "getlist") else [form[key]]
            answers.setdefault(match["code"], []).extend(str(value) for value in values)
    return answers


def attribute_form_keys(form) -> list[str]:
    """Form fields that look like attributes but are not ``attribute[code]``: refused, not ignored."""
    return [key for key in form if key.startswith("attribute") and not ATTRIBUTE_KEY.match(key)]


def _answer_errors(attribute, values: list[str]) -> list[str]:
    datatype = attribute.datatype
    if datatype == Open311Datatype.MULTI_VALUE_LIST:
        choices = [value["key"] for value in attribute.values]
        wrong = [value for value in values if value not in choices]
        if wrong:
            return [str(ERROR_ATTRIBUTE_NOT_A_CHOICE).format(value=wrong[0], choices=", ".join(choices))]
        return [str(ERROR_ATTRIBUTE_REPEATED)] if len(set(values)) != len(values) else []
    if len(values) != 1:
        return [str(ERROR_ATTRIBUTE_ONE_VALUE)]
    value = values[0]
    if datatype == Open311Datatype.SINGLE_VALUE_LIST:
        choices = [choice["key"] for choice in attribute.values]
        return (
            []
            if value in choices
            else [str(ERROR_ATTRIBUTE_NOT_A_CHOICE).format(value=value, choices=", ".join(choices))]
        )
    if datatype == Open311Datatype.NUMBER:
        try:
            return [] if math.isfinite(float(value)) else [str(ERROR_ATTRIBUTE_NUMBER)]
        except ValueError:
            return [str(ERROR_ATTRIBUTE_NUMBER)]
    if datatype == Open311Datatype.DATETIME:
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        return [] if parsed is not None and parsed.tzinfo is not None else [str(ERROR_ATTRIBUTE_DATETIME)]
    limit = MAX_STRING_ANSWER_LENGTH if datatype == Open311Datatype.STRING else MAX_DESCRIPTION_LENGTH
    if len(value) > limit:
        return [str(ERROR_ATTRIBUTE_LENGTH).format(limit=limit)]
    if datatype == Open311Datatype.STRING and ("\n" in value or "\r" in value):
        return [str(ERROR_ATTRIBUTE_LINE_BREAK)]
    return []


def attributes_validate(service: Open311Service, answers: dict[str, list[str]]) -> tuple[dict, list[str]]:
    """The answers kept (code → value, or list for multivaluelist) and every error, each naming its field."""
    attributes = {attribute.code: attribute for attribute in service.attributes.all()}
    errors: list[str] = []
    kept: dict = {}
    for code, values in answers.items():
        field = f"attribute[{code}]"
        attribute = attributes.get(code)
        if attribute is None:
            errors.append(field_error(field, ERROR_ATTRIBUTE_UNKNOWN))
            continue
        if not attribute.variable:
            errors.append(field_error(field, ERROR_ATTRIBUTE_INFORMATIONAL))
            continue
        values = [value for value in values if value.strip()]
        if not values:
            continue
        problems = _answer_errors(attribute, values)
        errors.extend(field_error(field, problem) for problem in problems)
        if not problems:
            kept[code] = values if attribute.datatype == Open311Datatype.MULTI_VALUE_LIST else values[0]
    for code, attribute in attributes.items():
        field = f"attribute[{code}]"
        already_refused = any(error.startswith(f"{field}:") for error in errors)
        if attribute.variable and attribute.required and code not in kept and not already_refused:
            errors.append(field_error(field, ERROR_ATTRIBUTE_REQUIRED))
    return kept, errors


def attributes_text(service: Open311Service, answers: dict) -> str:
    """The answers as lines for dispatch, appended to the alert's description: ``question: answer``."""
    lines = []
    for attribute in service.attributes.all():
        if attribute.code not in answers:
            continue
        answer = answers[attribute.code]
        names = {value["key"]: value["name"] for value in attribute.values}
        if attribute.datatype in LIST_DATATYPES:
            answer = ", ".join(names.get(value, value) for value in (answer if isinstance(answer, list) else [answer]))
        lines.append(f"{attribute.description}: {answer}")
    return "\n".join(lines)


class W3cDateTimeField(serializers.Field):
    """A W3C datetime that must carry its zone (Z or ±hh:mm)."""

    def to_internal_value(self, data):
        try:
            parsed = parse_datetime(str(data))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise serializers.ValidationError(ERROR_DATE)
        return parsed

    def to_representation(self, value):
        return value.isoformat()


class RequestFilterSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=2_000)
    start_date = W3cDateTimeField(required=False)
    end_date = W3cDateTimeField(required=False)
    status = serializers.CharField(required=False, allow_blank=True, max_length=40)
    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    api_key = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_service_request_id(self, value: str) -> tuple[int, ...]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        field = IntegerField(min_value=1)
        try:
            ids = tuple(field.to_internal_value(part) for part in parts)
        except serializers.ValidationError as error:
            raise serializers.ValidationError(ERROR_IDS) from error
        if len(ids) > MAX_LISTED_IDS:
            raise serializers.ValidationError(ERROR_IDS)
        return ids

    def validate_service_code(self, value: str) -> tuple[str, ...]:
        return tuple(code.strip() for code in value.split(",") if code.strip())

    def validate_status(self, value: str) -> tuple[str, ...]:
        statuses = tuple(status.strip() for status in value.split(",") if status.strip())
        if any(status not in ("open", "closed") for status in statuses):
            raise serializers.ValidationError(ERROR_STATUS)
        return statuses

    def validate(self, data: dict) -> dict:
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end <= start:
                raise serializers.ValidationError({"end_date": ERROR_DATE_ORDER})
            if (end - start).total_seconds() > MAX_SPAN_DAYS * 86_400:
                raise serializers.ValidationError({"end_date": ERROR_DATE_SPAN})
        return data


class ApiKeyQuerySerializer(serializers.Serializer):
    """The optional api_key of a GET: the integrator then sees its own requests as their reporter."""

    api_key = serializers.CharField(required=False, allow_blank=True, max_length=200)
    jurisdiction_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
