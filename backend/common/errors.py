"""One error format for the whole API, and the domain errors services raise.

Every error response has the shape::

    {"error": {"code": "invalid", "message": "...", "fields": {"lat": ["..."]}}}

``fields`` is present only when specific inputs are at fault, so clients can point at them.
"""

import logging
from typing import Any

from django import db
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """Base for errors raised by services and selectors; the API maps them to HTTP in one place."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    @property
    def headers(self) -> dict[str, str]:
        return {}


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Forbidden(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "forbidden"


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class Unprocessable(DomainError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "unprocessable"


ERROR_BODY_TOO_LARGE = gettext_lazy("The request body is larger than {limit} bytes (files not counted).")
ERROR_TOO_MANY_FIELDS = gettext_lazy("The request has more than {limit} fields.")
ERROR_TOO_MANY_FILES = gettext_lazy("The request has more than {limit} files.")
ERROR_BAD_REQUEST = gettext_lazy("The request could not be read.")
ERROR_INVALID_INPUT = gettext_lazy("Invalid input: {fields}.")
ERROR_INVALID = gettext_lazy("Invalid input.")


ERROR_DATABASE_UNAVAILABLE = gettext_lazy("The service is briefly unavailable. Try again in a moment.")
DATABASE_RETRY_AFTER_SECONDS = 2


class ServiceUnavailable(DomainError):
    """The database is restarting or out of reach: nothing was written, and the same request will work again."""

    status_code = 503
    code = "unavailable"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}


class TooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "too_large"


class BadRequestBody(DomainError):
    code = "bad_request"


def request_error(exc: Exception) -> DomainError | None:
    """What Django raises while reading a request (size and count limits, malformed multipart) as a DomainError."""
    if isinstance(exc, RequestDataTooBig):
        return TooLarge(ERROR_BODY_TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    if isinstance(exc, TooManyFieldsSent):
        return BadRequestBody(ERROR_TOO_MANY_FIELDS.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
    if isinstance(exc, TooManyFilesSent):
        return BadRequestBody(ERROR_TOO_MANY_FILES.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES))
    if isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):
        return BadRequestBody(ERROR_BAD_REQUEST)
    return None


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    fields[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub_key, sub_value in _flatten(item).items():
                        fields[f"{key}[{index}].{sub_key}"] = sub_value
            else:
                fields[key] = [str(item) for item in (value if isinstance(value, list) else [value])]
        return fields
    return {"non_field_errors": [str(item) for item in (detail if isinstance(detail, list) else [detail])]}


def error_body(*, code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any) -> dict:
    # str(): messages are lazy translations, written out in the language active for this request.
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES, and our parser imports this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    exc = request_error(exc) or exc
    if isinstance(exc, db.OperationalError | db.InterfaceError):
        logger.warning("Database unavailable during %s: %s", context.get("request") and context["request"].path, exc)
        exc = ServiceUnavailable(ERROR_DATABASE_UNAVAILABLE)
    if isinstance(exc, DomainError):
        fields = {exc.field: [str(exc.message)]} if exc.field else None
        body = error_body(code=exc.code, message=exc.message, fields=fields, **exc.extra)
        return Response(body, exc.status_code, headers=exc.headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        names = ", ".join(name for name in fields if name != "non_field_errors")
        message = (
            ERROR_INVALID_INPUT.format(fields=names)
            if names
            else "; ".join(fields.get("non_field_errors", [str(ERROR_INVALID)]))
        )
        response.data = error_body(code="invalid", message=message, fields=fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(code=str(code), message=str(detail))
    return response
