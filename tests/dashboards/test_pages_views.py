"""The page views through Django's test client: role gates, login, registration, config and the service worker."""

import json
import re

import pytest
from django.urls import reverse

from backend.accounts.models import Agency, Role, User
from backend.alerts.incidents.services import TRANSITIONS
from dashboards.js_catalog import catalog_url
from tests.factories import PrecinctFactory, UserFactory, staff_user

PAGES = {
    "/alerta/": {Role.NEIGHBOR},
    "/comunidad/": {Role.NEIGHBOR},
    "/despacho/": {Role.DISPATCHER, Role.AGENCY_OPERATOR, Role.ADMINISTRATOR},
    "/mando/": {Role.COMMANDER, Role.ADMINISTRATOR},
}
PASSWORD = "correct horse battery"


def user_with_role(role: str) -> User:
    precinct = PrecinctFactory()
    agency = Agency.BOMBEROS if role == Role.AGENCY_OPERATOR else ""
    return staff_user(role, precincts=[precinct], agency=agency)


def page_config(response) -> dict:
    match = re.search(r'<script id="page-config" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


@pytest.mark.parametrize("path", list(PAGES))
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role"), [(path, role) for path in PAGES for role in Role.values])
def test_each_page_opens_for_its_roles_and_refuses_the_others(client, path, role):
    client.force_login(user_with_role(role))

    response = client.get(path)

    if role in PAGES[path]:
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("max-age=0")
    else:
        assert response.status_code == 403
        assert "dashboards/forbidden.html" in [template.name for template in response.templates]


@pytest.mark.django_db
def test_the_console_gets_the_legal_next_steps_from_the_server_table(client):
    client.force_login(user_with_role(Role.DISPATCHER))

    config = page_config(client.get("/despacho/"))

    assert config["transitions"] == {
        status: [target for target in config["status_order"] if target in targets]
        for status, targets in TRANSITIONS.items()
    }
    assert config["transitions"]["received"] == ["acknowledged", "false_alarm"]
    assert config["urls"]["alert_steps"] == "/api/alerts/{alert_id}/steps/"
    assert config["urls"]["photo_approve"] == "/api/alerts/{alert_id}/photos/{photo_id}/approve/"
    assert config["urls"]["messages"] == "/api/messages/"
    assert config["websockets"]["dispatch"] == "/ws/dispatch/"


@pytest.mark.django_db
def test_pages_speak_chilean_spanish_by_default_and_english_on_request(client):
    client.force_login(UserFactory(role=Role.NEIGHBOR))

    spanish = client.get("/alerta/")
    english = client.get("/alerta/", headers={"accept-language": "en"})

    assert "Enviar alerta" in spanish.content.decode()
    assert page_config(spanish)["statuses"]["received"] == "Recibida"
    assert catalog_url("es-cl") in spanish.content.decode()
    assert '<html lang="es-cl">' in spanish.content.decode()
    assert "Send alert" in english.content.decode()
    assert catalog_url("en") in english.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_remembers_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert "Log in" in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.NEIGHBOR, "/alerta/"),
        (Role.DISPATCHER, "/despacho/"),
        (Role.AGENCY_OPERATOR, "/despacho/"),
        (Role.COMMANDER, "/mando/"),
        (Role.ADMINISTRATOR, "/despacho/"),
    ],
)
def test_logging_in_lands_on_the_page_of_the_role(client, role, landing):
    user = user_with_role(role)

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == landing


@pytest.mark.django_db
def test_logging_in_returns_to_the_page_asked_for(client):
    user = user_with_role(Role.ADMINISTRATOR)

    response = client.post("/accounts/login/?next=/mando/", {"username": user.username, "password": PASSWORD,
                                                             "next": "/mando/"})  # fmt: skip

    assert response["Location"] == "/mando/"


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_and_logs_nobody_in(client):
    user = UserFactory(role=Role.NEIGHBOR)

    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory(role=Role.NEIGHBOR))

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/alerta/").status_code == 302


@pytest.mark.django_db
def test_registration_creates_a_neighbor_and_opens_the_alert_button(client):
    response = client.post(
        "/accounts/register/",
        {
            "username": "vecina.nueva",
            "first_name": "Rosa",
            "last_name": "Díaz",
            "phone": "+56 9 5555 0000",
            "password": "una clave bastante larga",
            "password_again": "una clave bastante larga",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/alerta/"
    user = User.objects.get(username="vecina.nueva")
    assert (user.role, user.phone, user.rut) == (Role.NEIGHBOR, "+56 9 5555 0000", None)
    assert client.get("/alerta/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"username": "taken"}, "username", "Ese nombre de usuario ya está registrado."),
        ({"password": "short", "password_again": "short"}, "password", "La contraseña es demasiado corta."),
        ({"password_again": "something else entirely"}, "password_again", "Las dos contraseñas no coinciden."),
        ({"rut": "12.345.678-0"}, "rut", "Ingresa un RUT válido"),
    ],
)
def test_registration_names_the_field_in_error_and_creates_nobody(client, fields, field, message):
    UserFactory(username="taken")
    data = {"username": "someone", "password": "una clave bastante larga", "password_again": "una clave bastante larga"}

    response = client.post("/accounts/register/", {**data, **fields})

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message in " ".join(errors)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_home_lists_every_page_and_the_navigation_only_those_of_the_role(client):
    client.force_login(UserFactory(role=Role.NEIGHBOR))

    html = client.get("/").content.decode()

    for path in PAGES:
        assert f'href="{path}"' in html
    navigation = html[html.index('<ul class="nav-links">') : html.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', navigation) == ["/alerta/", "/comunidad/", "/comisaria/"]


def test_the_service_worker_is_served_from_the_root_and_never_caches_the_api(client):
    response = client.get(reverse("dashboards:service-worker"))

    script = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert '"/static/dashboards/js/alert_button.js"' in script
    assert 'const PAGE = "/alerta/";' in script
    assert 'const NEVER_CACHED = ["/api/", "/ws/", "/admin/", "/accounts/", "/i18n/"];' in script
    # The scripts' translations in every language, so the alert button works offline in either.
    assert f'"{catalog_url("es-cl")}"' in script
    assert f'"{catalog_url("en")}"' in script
    assert 'const CATALOG_PREFIX = "/jsi18n/";' in script


def test_the_manifest_opens_the_alert_button_and_its_icons_exist(client):
    from django.contrib.staticfiles import finders

    manifest = json.loads(open(finders.find("dashboards/manifest.webmanifest"), encoding="utf-8").read())

    assert (manifest["start_url"], manifest["display"]) == ("/alerta/", "standalone")
    for icon in manifest["icons"]:
        assert finders.find(f"dashboards/{icon['src']}"), icon["src"]
