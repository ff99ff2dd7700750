"""Signing in with ClaveÚnica against a local provider that speaks the real protocol over loopback."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY

from backend.accounts.models import IdentityVerification, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start(client, next_url="/comisaria/"):
    """Our side of step 1: the authenticate view redirects to ClaveÚnica's authorize endpoint."""
    response = client.get("/claveunica/authenticate/", {"next": next_url})
    assert response.status_code == 302
    return urlparse(response["Location"])


def pick(authorize, run_number: int) -> urlparse:
    """The person picks a test RUN on ClaveÚnica's page; ClaveÚnica redirects back with a code."""
    query = {key: values[0] for key, values in parse_qs(authorize.query).items()}
    page = requests.get(authorize._replace(query="").geturl(), params=query, timeout=5)
    assert page.status_code == 200
    assert "44.444.444-4" in page.text
    answer = requests.post(
        authorize._replace(query="").geturl(), data={**query, "run": str(run_number)}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302
    return urlparse(answer.headers["Location"])


def sign_in(client, claveunica, run_number: int = 44444444):
    authorize = start(client)
    callback = pick(authorize, run_number)
    return client.get(f"{callback.path}?{callback.query}")


def test_claveunica_sign_in_creates_one_verified_account_keyed_by_run(client, claveunica):
    # when a person signs in with ClaveÚnica as 44.444.444-4
    authorize = start(client)
    query = parse_qs(authorize.query)
    callback = pick(authorize, 44444444)
    response = client.get(f"{callback.path}?{callback.query}")

    # then the request asked for the ClaveÚnica scopes with a long state and a nonce
    assert authorize.geturl().startswith(f"{claveunica.issuer}/authorize/")
    assert query["scope"] == ["openid run name"]
    assert len(query["state"][0]) >= 30
    assert query["nonce"][0]
    # and they land where they were going, signed in through the ClaveÚnica backend
    assert response.status_code == 302
    assert response["Location"] == "/comisaria/"
    user = User.objects.get()
    assert client.session[SESSION_KEY] == str(user.id)
    assert client.session[BACKEND_SESSION_KEY] == "backend.station.identity.backend.ClaveUnicaBackend"
    # and the account is the RUN's, with names from the arrays, verified by ClaveÚnica, with no usable password
    assert (user.rut, user.first_name, user.last_name) == ("44444444-4", "María José", "González Soto")
    assert user.identity_verified_by == IdentityVerification.CLAVEUNICA
    assert user.is_identity_verified
    assert not user.has_usable_password()
    assert user.email == ""
    # and userinfo was called with POST and the bearer token, and the token request carried the state
    userinfo = [entry for entry in claveunica.requests if entry["path"] == "/openid/userinfo/"]
    assert [entry["method"] for entry in userinfo] == ["POST"]
    assert userinfo[0]["headers"]["Authorization"].startswith("Bearer ")
    token_request = next(entry for entry in claveunica.requests if entry["path"] == "/openid/token/")
    assert parse_qs(token_request["body"].decode())["state"] == query["state"]


def test_claveunica_links_to_the_local_account_with_the_same_rut_and_never_creates_a_second(client, claveunica):
    # given a local account with the RUT 55.555.555-5 and a password
    local = UserFactory(username="juanpablo", rut="55.555.555-5", first_name="Juan", last_name="Muñoz")

    # when that person signs in with ClaveÚnica, twice
    sign_in(client, claveunica, 55555555)
    client.logout()
    sign_in(client, claveunica, 55555555)

    # then it is the same account, now verified, and still with its password
    assert User.objects.count() == 1
    local.refresh_from_db()
    assert client.session[SESSION_KEY] == str(local.id)
    assert local.identity_verified_by == IdentityVerification.CLAVEUNICA
    assert local.has_usable_password()
    assert (local.first_name, local.last_name) == ("Juan", "Muñoz")


@pytest.mark.parametrize("misbehave", ["foreign_key", "wrong_nonce", "wrong_audience"])
def test_an_id_token_that_fails_any_check_signs_nobody_in(client, claveunica, misbehave):
    # given a provider whose ID token is signed with an unpublished key, or has another nonce or audience
    claveunica.misbehave = misbehave

    # when a person completes the flow
    response = sign_in(client, claveunica)

    # then they are sent back to the login page with the failure flag, and no account exists
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?claveunica=failed"
    assert SESSION_KEY not in client.session
    assert User.objects.count() == 0


def test_a_callback_with_a_forged_state_signs_nobody_in(client, claveunica):
    # given a real code, but a state that is not the one this browser was given
    authorize = start(client)
    callback = pick(authorize, 88888888)
    forged = {key: values[0] for key, values in parse_qs(callback.query).items()} | {"state": "x" * 40}

    # when the callback arrives
    response = client.get(callback.path, forged)

    # then nothing happens but a failure
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?claveunica=failed"
    assert User.objects.count() == 0


def test_logging_out_of_a_claveunica_session_ends_it_at_claveunica(client, claveunica):
    # given a person signed in with ClaveÚnica
    sign_in(client, claveunica, 99999999)

    # when they log out
    response = client.post("/accounts/logout/")

    # then our session ends and the browser goes to ClaveÚnica's logout, which brings them back to our login
    assert SESSION_KEY not in client.session
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{claveunica.url}/api/v1/accounts/app/logout"
    assert parse_qs(location.query)["redirect"] == ["http://testserver/accounts/login/"]
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.headers["Location"] == "http://testserver/accounts/login/"


def test_logging_out_of_a_local_session_stays_here(client):
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
