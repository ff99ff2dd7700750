import pytest

from backend.accounts.authentication import token_user
from backend.accounts.models import AuthToken, Role, User
from backend.accounts.rut import ERROR_INVALID_RUT, normalize_rut
from backend.geo.models import RegisteredAddress
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "lluvia-en-la-cordillera-42"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("12.345.678-5", "12345678-5"),
        ("123456785", "12345678-5"),
        ("7.654.321-6", "7654321-6"),
        ("10.000.013-k", "10000013-K"),
    ],
)
def test_rut_normalisation(raw, normalized):
    assert normalize_rut(raw) == normalized


def test_register_returns_a_token_and_creates_a_neighbor(api_client):
    response = api_client.post(
        "/api/accounts/register/",
        {"username": "vecina", "password": STRONG_PASSWORD, "rut": "12.345.678-5", "first_name": "Rosa"},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="vecina")
    assert (user.role, user.rut, user.first_name) == (Role.NEIGHBOR, "12345678-5", "Rosa")
    assert token_user(response.json()["token"]) == user


def test_register_with_invalid_rut_is_400_naming_rut_and_creates_nothing(api_client):
    response = api_client.post(
        "/api/accounts/register/", {"username": "vecina", "password": STRONG_PASSWORD, "rut": "12.345.678-9"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"rut": [ERROR_INVALID_RUT]}
    assert not User.objects.exists()


def test_register_with_weak_password_is_400_naming_password(api_client):
    response = api_client.post("/api/accounts/register/", {"username": "vecina", "password": "123456"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["password"]
    assert not User.objects.exists()


def test_register_duplicate_username_is_400(api_client):
    UserFactory(username="vecina")
    response = api_client.post("/api/accounts/register/", {"username": "vecina", "password": STRONG_PASSWORD})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["username"]


def test_token_login_and_me(api_client):
    user = UserFactory(username="vecino")
    response = api_client.post("/api/accounts/token/", {"username": "vecino", "password": "correct horse battery"})
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/accounts/me/").json()["id"] == user.id


def test_wrong_password_is_401_and_issues_no_token(api_client):
    UserFactory(username="vecino")
    response = api_client.post("/api/accounts/token/", {"username": "vecino", "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert not AuthToken.objects.exists()


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/accounts/me/")
    assert response.status_code == 401


def test_neighbor_registers_home_address_routed_to_precinct(client_for):
    precinct = PrecinctFactory(column=3)
    user = UserFactory()
    lat, lon = cell_center(3)
    response = client_for(user).put("/api/accounts/me/address/", {"lat": lat, "lon": lon}, format="json")
    assert response.status_code == 200
    assert response.json()["home"]["precinct"] == precinct.code
    client_for(user).put("/api/accounts/me/address/", {"lat": lat + 0.001, "lon": lon}, format="json")
    assert RegisteredAddress.objects.filter(user=user).count() == 1


def test_home_address_outside_jurisdiction_is_422_and_nothing_written(client_for):
    PrecinctFactory(column=0)
    user = UserFactory()
    response = client_for(user).put("/api/accounts/me/address/", {"lat": -20, "lon": -70}, format="json")
    assert response.status_code == 422
    assert not RegisteredAddress.objects.exists()


def test_staff_cannot_register_a_home_address(client_for):
    dispatcher = UserFactory(role=Role.DISPATCHER)
    response = client_for(dispatcher).put("/api/accounts/me/address/", {"lat": -33.5, "lon": -70.6}, format="json")
    assert response.status_code == 403
