"""What a locked-out login gets (django-axes' lockout callable): a page for people, our JSON error for the API."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from backend.accounts.lockout import CODE_LOCKED_OUT, ERROR_LOCKED_OUT, lockout_minutes
from backend.common.errors import error_body

API_PREFIX = "/api/"


def lockout_response(request, *args, **kwargs) -> HttpResponse:
    # axes passes (request, response, credentials) or, from its async middleware, (request, credentials): use neither.
    minutes = lockout_minutes()
    if request.path.startswith(API_PREFIX):
        body = error_body(code=CODE_LOCKED_OUT, message=ERROR_LOCKED_OUT.format(minutes=minutes))
        response = JsonResponse(body, status=429)
    else:
        response = too_many_attempts(request, reason="login", minutes=minutes)
    response["Retry-After"] = str(minutes * 60)
    return response


def too_many_attempts(request, *, reason: str, minutes: int | None = None) -> HttpResponse:
    """The 429 page: ``reason`` is "login" (locked out) or "registration" (too many sign-ups from this address)."""
    return render(request, "dashboards/too_many_attempts.html", {"reason": reason, "minutes": minutes}, status=429)
