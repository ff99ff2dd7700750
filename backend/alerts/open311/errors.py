"""GeoReport v2 errors: ``<errors><error><code/><description/></error></errors>`` (JSON: ``[{code, description}]``).

The HTTP status is 404 for what does not exist, 403 for a missing, unknown or revoked api_key, 429 when a key is
over its limit, and 400 for anything else; each error's ``code`` is that status, and its description names the
field at fault (``lat: ...``), so a client can show it.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from backend.common.errors import DomainError, request_error
from backend.common.ratelimit import RateLimited

from .renderers import Document

ERROR_GENERAL = _("The request could not be processed.")
ERROR_NOT_FOUND = _("Not found.")
ERROR_METHOD = _("Method not allowed.")
ERROR_THROTTLED = _("Too many requests; try again in {seconds} s.")


class Open311Error(Exception):
    """One or more errors of one status, each a description (already naming its field)."""

    def __init__(self, status_code: int, *descriptions: str) -> None:
        super().__init__("; ".join(str(description) for description in descriptions))
        self.status_code = status_code
        self.descriptions = [str(description) for description in descriptions]


def field_error(field: str, message: str) -> str:
    return f"{field}: {message}"


def _validation_descriptions(detail, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        return [text for key, value in detail.items() for text in _validation_descriptions(value, f"{prefix}{key}")]
    if isinstance(detail, list):
        return [text for item in detail for text in _validation_descriptions(item, prefix)]
    return [field_error(prefix, str(detail)) if prefix and prefix != "non_field_errors" else str(detail)]


def _status_for_domain_error(error: DomainError) -> int:
    if error.status_code in (status.HTTP_403_FORBIDDEN, status.HTTP_404_NOT_FOUND, status.HTTP_429_TOO_MANY_REQUESTS):
        return error.status_code
    # 409, 413, 422 and the rest are "the request can not be fulfilled as expected": 400 in GeoReport v2.
    return status.HTTP_400_BAD_REQUEST


def error_response(status_code: int, descriptions: list[str], headers: dict | None = None) -> Response:
    content = [{"code": status_code, "description": description} for description in descriptions]
    return Response(Document(root="errors", content=content), status=status_code, headers=headers)


def open311_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = request_error(exc) or exc
    if isinstance(exc, Open311Error):
        return error_response(exc.status_code, exc.descriptions)
    if isinstance(exc, RateLimited):
        message = str(ERROR_THROTTLED).format(seconds=exc.retry_after_seconds)
        return error_response(status.HTTP_429_TOO_MANY_REQUESTS, [message], headers=exc.headers)
    if isinstance(exc, DomainError):
        message = field_error(exc.field, exc.message) if exc.field else str(exc.message)
        return error_response(_status_for_domain_error(exc), [message], headers=exc.headers)
    if isinstance(exc, exceptions.ValidationError):
        return error_response(status.HTTP_400_BAD_REQUEST, _validation_descriptions(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response(status.HTTP_404_NOT_FOUND, [str(ERROR_NOT_FOUND)])
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_response(status.HTTP_405_METHOD_NOT_ALLOWED, [str(ERROR_METHOD)])
    if isinstance(exc, exceptions.Throttled):
        seconds = int(exc.wait or 1)
        headers = {"Retry-After": str(seconds)}
        return error_response(exc.status_code, [str(ERROR_THROTTLED).format(seconds=seconds)], headers=headers)
    if isinstance(exc, exceptions.APIException):
        return error_response(status.HTTP_400_BAD_REQUEST, [str(exc.detail)])
    return None
