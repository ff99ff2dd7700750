"""A database outage is a 503 with Retry-After in our error format, not a 500: clients retry the same request."""

from django import db
from rest_framework.test import APIRequestFactory

from backend.common.errors import DATABASE_RETRY_AFTER_SECONDS, ERROR_DATABASE_UNAVAILABLE, exception_handler


def test_an_unreachable_database_answers_503_with_retry_after():
    request = APIRequestFactory().post("/api/alerts/")
    for error in (db.OperationalError("server closed the connection unexpectedly"), db.InterfaceError("closed")):
        response = exception_handler(error, {"request": request})
        assert response.status_code == 503
        assert response["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
        assert response.data == {"error": {"code": "unavailable", "message": str(ERROR_DATABASE_UNAVAILABLE)}}
