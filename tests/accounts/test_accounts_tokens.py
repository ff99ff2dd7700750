"""API tokens: a new one per login, hashed at rest, expiring, revoked by logout, logout-all and any password change."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.authentication import ERROR_TOKEN_REVOKED
from backend.accounts.models import AuthToken, Role, User, WebsocketTicket
from backend.accounts.services import (
    ERROR_WRONG_CURRENT_PASSWORD,
    credentials_prune,
    user_password_set,
    websocket_ticket_issue,
)
from tests.factories import UserFactory, api_token

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
NEW_PASSWORD = "lluvia-en-la-cordillera-42"


def app(token: str | None = None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def me_status(token: str) -> int:
    return app(token).get("/api/accounts/me/").status_code


def login(username: str, password: str = PASSWORD):
    return app().post("/api/accounts/token/", {"username": username, "password": password}, format="json")


def test_each_login_issues_a_new_token_and_both_devices_stay_signed_in():
    user = UserFactory(username="vecino")

    phone, tablet = login("vecino").json(), login("vecino").json()

    assert phone["token"] != tablet["token"]
    assert (me_status(phone["token"]), me_status(tablet["token"])) == (200, 200)
    assert phone["user"]["id"] == user.id
    assert AuthToken.objects.filter(user=user).count() == 2


def test_a_token_lapses_after_thirty_idle_days_and_is_stored_only_as_a_hash():
    UserFactory(username="vecino")
    before = timezone.now()

    body = login("vecino").json()

    stored = AuthToken.objects.get()
    expiry = dt.datetime.fromisoformat(body["expiry"])
    assert before + dt.timedelta(days=30) <= expiry <= timezone.now() + dt.timedelta(days=30)
    assert stored.expiry == expiry
    assert body["token"] not in (stored.digest, stored.token_key)
    assert body["token"].startswith(stored.token_key)
    assert len(stored.token_key) == 15


def test_an_expired_token_is_refused_and_deleted():
    user = UserFactory()
    token = api_token(user)
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))

    assert me_status(token) == 401
    assert not AuthToken.objects.exists()


def test_using_a_token_moves_its_expiry_forward_but_never_past_its_maximum_age():
    user = UserFactory()
    token = api_token(user)
    created = timezone.now() - dt.timedelta(days=360)
    AuthToken.objects.update(created=created, expiry=timezone.now() + dt.timedelta(days=1))

    assert me_status(token) == 200

    assert AuthToken.objects.get().expiry == created + dt.timedelta(days=365)


def test_using_a_fresh_token_again_writes_nothing():
    token = api_token(UserFactory())
    expiry = AuthToken.objects.get().expiry

    assert me_status(token) == 200

    assert AuthToken.objects.get().expiry == expiry


def test_a_deactivated_users_token_is_refused():
    user = UserFactory()
    token = api_token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert me_status(token) == 401


def test_made_up_and_malformed_tokens_are_401_in_our_error_format():
    api_token(UserFactory())
    for header in ("Token nope", "Token ", "Token a b", "Token " + "é" * 40, "Token " + "f" * 300):
        response = APIClient().get("/api/accounts/me/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert set(response.json()["error"]) >= {"code", "message"}


def test_logout_revokes_only_the_token_it_carries():
    UserFactory(username="vecino")
    phone, tablet = login("vecino").json()["token"], login("vecino").json()["token"]

    response = app(phone).post("/api/accounts/logout/")

    assert response.status_code == 204
    assert (me_status(phone), me_status(tablet)) == (401, 200)
    assert AuthToken.objects.count() == 1


def test_logout_needs_a_token():
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    api_token(user)

    assert client.post("/api/accounts/logout/").status_code == 401
    assert AuthToken.objects.count() == 1


def test_logout_all_revokes_every_token_of_that_user_only():
    user, other = UserFactory(), UserFactory()
    phone, tablet, others = api_token(user), api_token(user), api_token(other)
    websocket_ticket_issue(user=user)

    response = app(phone).post("/api/accounts/logout-all/")

    assert response.status_code == 204
    assert (me_status(phone), me_status(tablet), me_status(others)) == (401, 401, 200)
    assert not WebsocketTicket.objects.filter(user=user).exists()


def test_logout_all_from_a_browser_session_revokes_the_apps_and_keeps_the_session():
    user = UserFactory()
    phone = api_token(user)
    browser = Client(enforce_csrf_checks=False)
    browser.force_login(user)

    assert browser.post("/api/accounts/logout-all/").status_code == 204

    assert me_status(phone) == 401
    assert browser.get("/api/accounts/me/").status_code == 200


def password_change(client: APIClient, current: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post("/api/accounts/password/", {"current_password": current, "new_password": new}, format="json")


def test_changing_the_password_revokes_every_token_and_gives_this_device_a_new_one():
    user = UserFactory()
    phone, tablet = api_token(user), api_token(user)

    response = password_change(app(phone))

    assert response.status_code == 200
    body = response.json()
    assert (me_status(phone), me_status(tablet), me_status(body["token"])) == (401, 401, 200)
    assert body["expiry"] is not None
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuthToken.objects.filter(user=user).count() == 1


def test_changing_the_password_in_a_browser_keeps_that_session_and_ends_the_others():
    user = UserFactory()
    phone = api_token(user)
    this_browser, other_browser = Client(), Client()
    this_browser.force_login(user)
    other_browser.force_login(user)

    response = this_browser.post(
        "/api/accounts/password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["token"] is None
    assert this_browser.get("/api/accounts/me/").status_code == 200
    assert other_browser.get("/api/accounts/me/").status_code == 401
    assert SESSION_KEY not in other_browser.session
    assert me_status(phone) == 401


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("wrong", NEW_PASSWORD, "current_password"),
        (PASSWORD, "123456", "new_password"),
        (PASSWORD, "", "new_password"),
        ("", NEW_PASSWORD, "current_password"),
    ],
)
def test_a_refused_password_change_names_the_field_and_changes_nothing(current, new, field):
    user = UserFactory()
    token = api_token(user)

    response = password_change(app(token), current, new)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert me_status(token) == 200
    assert AuthToken.objects.count() == 1


def test_a_wrong_current_password_says_so():
    token = api_token(UserFactory())
    response = password_change(app(token), "wrong")
    assert response.json()["error"]["fields"] == {"current_password": [ERROR_WRONG_CURRENT_PASSWORD]}


def test_password_changes_are_throttled_per_user():
    user = UserFactory()
    token = api_token(user)
    statuses = [password_change(app(token), "wrong").status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]
    assert response_code(password_change(app(token), "wrong")) == "throttled"


def response_code(response) -> str:
    return response.json()["error"]["code"]


def test_the_password_service_revokes_tokens_and_tickets():
    user = UserFactory()
    token = api_token(user)
    websocket_ticket_issue(user=user)

    user_password_set(user=user, password=NEW_PASSWORD)

    assert me_status(token) == 401
    assert not AuthToken.objects.exists()
    assert not WebsocketTicket.objects.exists()


def test_disabling_the_password_revokes_tokens_too():
    user = UserFactory()
    token = api_token(user)

    user_password_set(user=user, password=None)

    assert not user.has_usable_password()
    assert me_status(token) == 401


def test_a_password_changed_outside_the_services_still_voids_old_tokens():
    # Given a token, and the password changed the way `manage.py changepassword` or a shell would
    user = UserFactory()
    token = api_token(user)
    user.set_password(NEW_PASSWORD)
    user.save()

    # Then the token is refused, says why, and is deleted on the spot
    response = app(token).get("/api/accounts/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == ERROR_TOKEN_REVOKED
    assert not AuthToken.objects.exists()


def admin_client() -> Client:
    administrator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(administrator)
    return client


def test_an_administrator_setting_a_users_password_revokes_that_users_tokens():
    user, bystander = UserFactory(), UserFactory()
    token, bystanders = api_token(user), api_token(bystander)

    response = admin_client().post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=user).exists()
    assert (me_status(token), me_status(bystanders)) == (401, 200)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_administrator_disabling_a_users_password_revokes_that_users_tokens():
    user = UserFactory()
    token = api_token(user)

    response = admin_client().post(
        f"/admin/accounts/user/{user.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302
    assert me_status(token) == 401
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_an_administrator_changing_their_own_password_voids_their_tokens():
    administrator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    token = api_token(administrator)
    client = Client()
    client.force_login(administrator)

    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert me_status(token) == 401


def test_an_administrator_revoking_a_token_in_the_admin_ends_it():
    user = UserFactory()
    token = api_token(user)
    stored = AuthToken.objects.get()

    response = admin_client().post(f"/admin/accounts/authtoken/{stored.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert me_status(token) == 401


def test_pruning_deletes_expired_tokens_and_tickets_only():
    user = UserFactory()
    live_token = api_token(user)
    api_token(user)
    AuthToken.objects.exclude(token_key=live_token[:15]).update(expiry=timezone.now() - dt.timedelta(minutes=1))
    websocket_ticket_issue(user=user)
    websocket_ticket_issue(user=user)
    WebsocketTicket.objects.filter(pk=WebsocketTicket.objects.first().pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    assert credentials_prune() == {"tokens": 1, "tickets": 1}

    assert me_status(live_token) == 200
    assert WebsocketTicket.objects.count() == 1


def test_a_websocket_ticket_needs_a_signed_in_user_and_is_short_lived():
    user = UserFactory()
    assert APIClient().post("/api/accounts/ws-ticket/").status_code == 401
    before = timezone.now()

    response = app(api_token(user)).post("/api/accounts/ws-ticket/")

    assert response.status_code == 201
    body = response.json()
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert before + dt.timedelta(seconds=30) <= expires_at <= timezone.now() + dt.timedelta(seconds=30)
    stored = WebsocketTicket.objects.get()
    assert (stored.user_id, stored.expires_at) == (user.id, expires_at)
    assert body["ticket"] != stored.digest


def test_the_openapi_schema_describes_the_token_endpoints_and_scheme():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path in ("logout/", "logout-all/", "password/", "ws-ticket/", "token/"):
        assert f"/api/accounts/{path}" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    login_schema = schema["components"]["schemas"]["Token"]
    assert set(login_schema["properties"]) == {"token", "expiry", "user"}
    assert schema["paths"]["/api/accounts/logout/"]["post"]["security"] == [{"tokenAuth": []}]
