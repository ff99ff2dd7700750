"""The API answers in the person's language: an Accept-Language we offer, else the user's preference, else Spanish.

Messages are asserted as literal Spanish and English text, so the committed catalogue is tested too.
"""

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.common.parsers import MAX_JSON_BODY_BYTES
from tests.factories import UserFactory, api_token

DEVICE = "/api/devices/987654/"
NO_DEVICE = {"es-cl": "No encontramos ese dispositivo.", "en": "No such device."}


def token_client(user, **headers) -> APIClient:
    client = APIClient(headers=headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.mark.django_db
def test_an_api_error_is_in_spanish_by_default_and_in_english_when_the_request_asks():
    body = {"username": "nadie", "password": "incorrecta"}

    spanish = APIClient().post("/api/accounts/token/", body, format="json")
    english = APIClient(headers={"accept-language": "en-US,en;q=0.9"}).post("/api/accounts/token/", body, format="json")

    assert spanish.status_code == english.status_code == 401
    assert spanish.json() == {
        "error": {
            "code": "authentication_failed",
            "message": "No pudimos ingresar con esos datos. Revisa tu usuario y contraseña.",
        }
    }
    assert english.json() == {
        "error": {"code": "authentication_failed", "message": "Unable to log in with those credentials."}
    }
    assert (spanish["Content-Language"], english["Content-Language"]) == ("es-cl", "en")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("preference", "header", "expected"),
    [
        ("es-cl", None, "es-cl"),
        ("en", None, "en"),
        # An explicit header wins over the stored preference, both ways.
        ("en", "es-CL", "es-cl"),
        ("es-cl", "en", "en"),
        # A header naming only languages we do not offer leaves the choice to the preference.
        ("en", "fr-FR, de;q=0.5", "en"),
        ("en", "*", "en"),
    ],
)
def test_a_token_user_reads_errors_in_their_preference_unless_the_request_names_a_language(
    preference, header, expected
):
    user = UserFactory(language=preference)
    client = token_client(user, **({"accept-language": header} if header else {}))

    response = client.delete(DEVICE)

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": NO_DEVICE[expected]}}


@pytest.mark.django_db
def test_a_session_user_reads_errors_in_their_preference():
    client = APIClient()
    client.force_login(UserFactory(language="en"))

    response = client.delete(DEVICE)

    assert response.json()["error"]["message"] == NO_DEVICE["en"]


@pytest.mark.django_db
def test_drf_field_errors_and_the_summary_are_translated():
    spanish = APIClient().post("/api/accounts/register/", {"username": "x"}, format="json")
    english = APIClient(headers={"accept-language": "en"}).post("/api/accounts/register/", {}, format="json")

    assert spanish.json() == {
        "error": {
            "code": "invalid",
            "message": "Revisa estos datos: username, password.",
            "fields": {
                "username": ["Este valor no coincide con el patrón requerido."],
                "password": ["Este campo es requerido."],
            },
        }
    }
    assert english.json() == {
        "error": {
            "code": "invalid",
            "message": "Invalid input: username, password.",
            "fields": {"username": ["This field is required."], "password": ["This field is required."]},
        }
    }
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "duplicate", "too_large"),
    [
        (
            "es-cl",
            "La clave aparece más de una vez en un mismo objeto JSON.",
            f"El cuerpo JSON supera los {MAX_JSON_BODY_BYTES} bytes.",
        ),
        (
            "en",
            "The key appears more than once in one JSON object.",
            f"The JSON body is larger than {MAX_JSON_BODY_BYTES} bytes.",
        ),
    ],
)
def test_parse_errors_and_the_size_limit_answer_in_the_request_language(language, duplicate, too_large):
    client = token_client(UserFactory(), **{"accept-language": language})
    oversized = json.dumps({"language": "en", "padding": "x" * MAX_JSON_BODY_BYTES})

    parse_error = client.patch(
        "/api/accounts/me/", '{"language": "en", "language": "en"}', content_type="application/json"
    )
    over_limit = client.patch("/api/accounts/me/", oversized, content_type="application/json")

    assert parse_error.status_code == 400
    assert parse_error.json() == {
        "error": {"code": "parse_error", "message": duplicate, "fields": {"language": [duplicate]}}
    }
    assert over_limit.status_code == 413
    assert over_limit.json() == {"error": {"code": "too_large", "message": too_large}}
    assert User.objects.get().language == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_an_unknown_api_url_answers_in_the_request_language():
    spanish = APIClient().get("/api/no-such-thing/")
    english = APIClient(headers={"accept-language": "en"}).get("/api/no-such-thing/")

    assert spanish.json() == {"error": {"code": "not_found", "message": "No encontrado."}}
    assert english.json() == {"error": {"code": "not_found", "message": "Not found."}}


@pytest.mark.django_db
def test_a_person_sets_their_language_through_the_api_and_later_answers_follow_it():
    user = UserFactory()
    client = token_client(user)
    assert client.get("/api/accounts/me/").json()["language"] == "es-cl"

    response = client.patch("/api/accounts/me/", {"language": "en"}, format="json")

    assert response.status_code == 200
    assert response.json()["language"] == "en"
    user.refresh_from_db()
    assert user.language == "en"
    assert client.delete(DEVICE).json()["error"]["message"] == NO_DEVICE["en"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["fr", "", None, True, ["en"]])
def test_a_language_we_do_not_offer_is_refused_naming_the_field_and_nothing_changes(value):
    user = UserFactory()

    response = token_client(user).patch("/api/accounts/me/", {"language": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["language"]
    assert response.json()["error"]["message"] == "Revisa estos datos: language."
    user.refresh_from_db()
    assert user.language == "es-cl"


@pytest.mark.django_db
def test_the_language_switcher_stores_a_signed_in_persons_choice(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_the_language_switcher_of_an_anonymous_visitor_only_sets_the_cookie(client):
    UserFactory()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert list(User.objects.values_list("language", flat=True)) == ["es-cl"]
