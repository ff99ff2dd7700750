"""Every response under ``/api/`` speaks the one error format, even when the error is Django's own.

DRF views already answer errors through ``errors.exception_handler``. What never reaches it gets
Django's HTML pages: an unknown URL (404), a size or field-count limit hit outside DRF (400), an
unhandled exception (500). This middleware turns those into ``{"error": {...}}`` JSON with the
same status (413 for a body over the limit), and leaves pages outside the API alone.
"""

import logging

from django.http import JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy

from .errors import error_body, request_error

API_PREFIX = "/api/"
JSON_MEDIA_TYPES = ("application/json", "application/geo+json")
STATUS_MESSAGES = {
    400: ("bad_request", gettext_lazy("The request could not be read.")),
    403: ("permission_denied", gettext_lazy("You may not do this.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("Method not allowed.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
    500: ("server_error", gettext_lazy("Server error.")),
}
ERROR_OTHER = gettext_lazy("Error.")
logger = logging.getLogger("django.request")


def _is_json(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type in JSON_MEDIA_TYPES or content_type.endswith("+json")


def status_error_response(status_code: int) -> JsonResponse:
    code, message = STATUS_MESSAGES.get(status_code, ("error" if status_code < 500 else "server_error", ERROR_OTHER))
    return JsonResponse(error_body(code=code, message=message), status=status_code)


class ApiErrorMiddleware:
    """Outermost middleware: JSON errors on ``/api/``; request-reading errors keep their meaning (413, 400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and response.status_code >= 400 and not _is_json(response):
            replacement = status_error_response(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        error = request_error(exception)
        if error is None:
            return None
        logger.warning("%s: %s", type(exception).__name__, request.path)
        return JsonResponse(error_body(code=error.code, message=error.message), status=error.status_code)
