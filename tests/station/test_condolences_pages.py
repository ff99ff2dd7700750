"""The condolence book's pages through Django's test client: writing, errors, the honeypot, the limit, moderation."""

import pytest

from backend.station.condolences import services
from backend.station.models import CondolenceMessage, CondolenceStatus
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_condolences import condolence, fallen_officer

pytestmark = pytest.mark.django_db
BOOKS = "/comisaria/libro-de-condolencias/"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="La Pintana")


@pytest.fixture
def officer(precinct):
    return fallen_officer(precinct)


def test_the_book_lists_the_officers_and_shows_only_approved_messages(client, officer):
    condolence(officer, status=CondolenceStatus.APPROVED, text="Mensaje aprobado")
    condolence(officer, text="Mensaje pendiente")
    condolence(officer, status=CondolenceStatus.REJECTED, text="Mensaje rechazado")

    listing = client.get(BOOKS).content.decode()
    book = client.get(f"{BOOKS}{officer.slug}/").content.decode()

    assert f'href="{BOOKS}{officer.slug}/"' in listing
    assert "1 mensaje" in listing
    assert "Mensaje aprobado" in book
    assert "Mensaje pendiente" not in book
    assert "Mensaje rechazado" not in book
    assert "Sargento 2° Ana Rojas Fuentes" in book


def test_a_visitor_writes_and_is_told_it_awaits_moderation(client, officer):
    response = client.post(f"{BOOKS}{officer.slug}/", {"text": "Gracias por todo.", "author_name": ""})

    assert response["Location"] == f"{BOOKS}{officer.slug}/?enviado=1#write-heading"
    page = client.get(response["Location"]).content.decode()
    assert "Tu mensaje espera moderación" in page
    assert "Gracias por todo." not in page
    assert CondolenceMessage.objects.get().status == CondolenceStatus.PENDING


def test_an_empty_message_shows_a_linked_summary_and_writes_nothing(client, officer):
    response = client.post(f"{BOOKS}{officer.slug}/", {"text": " ", "author_name": "Pedro"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_text"' in html
    assert 'value="Pedro"' in html
    assert CondolenceMessage.objects.count() == 0


def test_a_filled_honeypot_is_answered_like_a_message_but_writes_nothing(client, officer):
    response = client.post(f"{BOOKS}{officer.slug}/", {"text": "Buy now", "website": "http://spam.example"})

    assert response["Location"] == f"{BOOKS}{officer.slug}/?enviado=1#write-heading"
    assert CondolenceMessage.objects.count() == 0


def test_past_the_limit_the_page_answers_429_and_writes_nothing(client, officer):
    for _ in range(services.CLIENT_LIMITS[0].count):
        client.post(f"{BOOKS}{officer.slug}/", {"text": "Condolencias"})

    response = client.post(f"{BOOKS}{officer.slug}/", {"text": "Otra vez"})

    assert response.status_code == 429
    assert "Demasiadas solicitudes" in response.content.decode()
    assert 'value="Otra vez"' not in response.content.decode()  # a textarea keeps it as text
    assert "Otra vez" in response.content.decode()
    assert CondolenceMessage.objects.count() == services.CLIENT_LIMITS[0].count


def test_an_unknown_book_is_a_404(client):
    assert client.get(f"{BOOKS}nadie/").status_code == 404
    assert client.post(f"{BOOKS}nadie/", {"text": "Hola"}).status_code == 404
    assert CondolenceMessage.objects.count() == 0


def test_moderation_is_for_the_books_station_officers_and_administrators(client, officer, precinct):
    message = condolence(officer, text="Para moderar")
    client.force_login(verified_citizen())
    assert client.get("/comisaria/moderacion/condolencias/").status_code == 403

    client.force_login(station_officer([PrecinctFactory(column=1)]))
    assert "Para moderar" not in client.get("/comisaria/moderacion/condolencias/").content.decode()
    client.post("/comisaria/moderacion/condolencias/", {"message": message.id, "decision": "approve"})
    assert CondolenceMessage.objects.get().status == CondolenceStatus.PENDING

    client.force_login(station_officer([precinct]))
    assert "Para moderar" in client.get("/comisaria/moderacion/condolencias/").content.decode()
    response = client.post(
        "/comisaria/moderacion/condolencias/", {"message": message.id, "decision": "approve"}, follow=True
    )
    assert "Aprobado: el mensaje está en el libro." in response.content.decode()
    assert CondolenceMessage.objects.get().status == CondolenceStatus.APPROVED


def test_the_admin_approves_pending_messages_through_the_service(client, officer):
    message = condolence(officer)
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)

    response = client.post(
        "/admin/station/condolencemessage/", {"action": "approve", "_selected_action": [message.id]}, follow=True
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.moderated_by) == (CondolenceStatus.APPROVED, administrator)
    assert client.get("/admin/station/fallenofficer/add/").status_code == 200


def test_the_admin_refuses_a_reserved_address(client, precinct):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/station/fallenofficer/add/",
        {"slug": "moderation", "name": "X", "rank": "Cabo", "unit": "U", "died_on": "2024-01-01", "is_published": "on"},
    )

    assert response.status_code == 200
    assert "reservada" in response.content.decode()


def test_the_book_in_english(client, officer):
    client.cookies["django_language"] = "en"

    html = client.get(f"{BOOKS}{officer.slug}/").content.decode()

    assert "Leave a message" in html
    assert '<html lang="en">' in html


def test_a_long_book_is_read_page_by_page_newest_first(client, officer):
    for number in range(51):
        condolence(officer, status=CondolenceStatus.APPROVED, text=f"Mensaje número {number:02d}")

    first = client.get(f"{BOOKS}{officer.slug}/").content.decode()
    second = client.get(f"{BOOKS}{officer.slug}/?pagina=2").content.decode()

    assert "Mensaje número 50" in first
    assert "Mensaje número 00" not in first
    assert 'href="?pagina=2"' in first
    assert "Página 1 de 2" in first
    assert "Mensaje número 00" in second
    assert "Mensaje número 50" not in second
