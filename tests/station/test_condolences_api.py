"""The condolence book through the API: public reading and writing, moderation before anything shows, bad input,
the spam limits per client and for the whole book, and who moderates which book."""

import pytest
from rest_framework import serializers

from backend.accounts.models import Role
from backend.common.models import RateLimitBucket
from backend.common.ratelimit import Limit
from backend.station.condolences import services
from backend.station.condolences.services import (
    ERROR_ALREADY_MODERATED,
    ERROR_EMPTY_MESSAGE,
    ERROR_MESSAGE_NOT_FOUND,
    ERROR_UNKNOWN_OFFICER,
    MAX_AUTHOR_NAME_LENGTH,
    MAX_MESSAGE_LENGTH,
)
from backend.station.models import CondolenceMessage, CondolenceStatus
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_condolences import condolence, fallen_officer

pytestmark = pytest.mark.django_db
BOOKS = "/api/station/condolences/"


def too_long(limit: int) -> str:
    return str(serializers.CharField.default_error_messages["max_length"]).format(max_length=limit)


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="La Pintana")


@pytest.fixture
def officer(precinct):
    return fallen_officer(precinct)


def write(api_client, officer, address: str = "203.0.113.7", **body):
    return api_client.post(
        f"{BOOKS}{officer.slug}/messages/",
        {"text": "Mis condolencias a su familia.", **body},
        format="json",
        REMOTE_ADDR=address,
    )


def published(api_client, officer) -> list[str]:
    return [message["text"] for message in api_client.get(f"{BOOKS}{officer.slug}/messages/").json()["results"]]


def test_anyone_writes_without_an_account_and_the_message_awaits_moderation(api_client, officer):
    # when a visitor without an account writes a message, with no name
    response = write(api_client, officer, text="  Descanse en paz, sargento.  ")

    # then it is stored as pending, without an author, and the writer is told so
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["text"], body["author_name"]) == ("pending", "Descanse en paz, sargento.", "")
    message = CondolenceMessage.objects.get()
    assert (message.status, message.moderated_at, message.moderated_by) == (CondolenceStatus.PENDING, None, None)


def test_an_unmoderated_message_is_not_public_and_appears_once_approved(
    api_client, client, client_for, officer, precinct
):
    # given a pending message
    write(api_client, officer, text="Gracias por cuidarnos.", author_name="Familia Muñoz")
    message = CondolenceMessage.objects.get()

    # then neither the API nor the public page shows it, and the book counts no message
    assert published(api_client, officer) == []
    assert api_client.get(f"{BOOKS}{officer.slug}/").json()["message_count"] == 0
    assert (
        "Gracias por cuidarnos." not in client.get(f"/comisaria/libro-de-condolencias/{officer.slug}/").content.decode()
    )

    # when the book's moderator approves it
    moderator = station_officer([precinct])
    approved = client_for(moderator).post(f"{BOOKS}moderation/{message.id}/", {"decision": "approve"}, format="json")

    # then it is on the book, in the API and on the page
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert published(api_client, officer) == ["Gracias por cuidarnos."]
    book = api_client.get(f"{BOOKS}{officer.slug}/messages/").json()["results"][0]
    assert (book["author_name"], book["id"]) == ("Familia Muñoz", message.id)
    assert api_client.get(f"{BOOKS}{officer.slug}/").json()["message_count"] == 1
    assert "Gracias por cuidarnos." in client.get(f"/comisaria/libro-de-condolencias/{officer.slug}/").content.decode()
    message.refresh_from_db()
    assert message.moderated_by == moderator


def test_a_rejected_message_never_shows_and_cannot_be_moderated_again(api_client, client_for, officer, precinct):
    write(api_client, officer, text="Compre seguidores baratos en ejemplo.com")
    message = CondolenceMessage.objects.get()
    moderator = station_officer([precinct])

    rejected = client_for(moderator).post(f"{BOOKS}moderation/{message.id}/", {"decision": "reject"}, format="json")
    again = client_for(moderator).post(f"{BOOKS}moderation/{message.id}/", {"decision": "approve"}, format="json")

    assert rejected.json()["status"] == "rejected"
    assert again.status_code == 409
    assert again.json()["error"]["message"] == ERROR_ALREADY_MODERATED
    assert published(api_client, officer) == []
    assert client_for(moderator).get(f"{BOOKS}moderation/").json() == []
    assert CondolenceMessage.objects.get().status == CondolenceStatus.REJECTED


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": ""}, "text", serializers.CharField.default_error_messages["blank"]),
        ({"text": "   "}, "text", serializers.CharField.default_error_messages["blank"]),
        ({"text": "x" * (MAX_MESSAGE_LENGTH + 1)}, "text", too_long(MAX_MESSAGE_LENGTH)),
        ({"author_name": "x" * (MAX_AUTHOR_NAME_LENGTH + 1)}, "author_name", too_long(MAX_AUTHOR_NAME_LENGTH)),
        ({"text": None}, "text", serializers.Field.default_error_messages["null"]),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api_client, officer, body, field, message):
    response = write(api_client, officer, **body)

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["fields"] == {field: [str(message)]}
    assert CondolenceMessage.objects.count() == 0
    assert RateLimitBucket.objects.count() == 0


def test_a_message_for_an_unknown_or_unpublished_officer_is_a_404(api_client, officer):
    hidden = fallen_officer(is_published=False)

    unknown = api_client.post(f"{BOOKS}nadie/messages/", {"text": "Hola"}, format="json")
    unpublished = api_client.post(f"{BOOKS}{hidden.slug}/messages/", {"text": "Hola"}, format="json")

    assert (unknown.status_code, unpublished.status_code) == (404, 404)
    assert unknown.json()["error"]["message"] == ERROR_UNKNOWN_OFFICER
    assert api_client.get(f"{BOOKS}nadie/").status_code == 404
    assert api_client.get(f"{BOOKS}{hidden.slug}/messages/").status_code == 404
    assert [book["slug"] for book in api_client.get(BOOKS).json()] == [officer.slug]
    assert CondolenceMessage.objects.count() == 0


def test_the_service_refuses_empty_and_over_long_text_itself(officer):
    with pytest.raises(services.DomainError) as empty:
        services.condolence_write(slug=officer.slug, text=" \n ", client="203.0.113.7")
    with pytest.raises(services.DomainError) as long:
        services.condolence_write(slug=officer.slug, text="x" * (MAX_MESSAGE_LENGTH + 1), client="203.0.113.7")

    assert (empty.value.field, empty.value.message) == ("text", ERROR_EMPTY_MESSAGE)
    assert long.value.field == "text"
    assert CondolenceMessage.objects.count() == 0


def test_writing_is_throttled_per_client_and_a_refusal_writes_nothing(api_client, officer):
    # given a client that wrote as many messages as the short window allows
    limit = services.CLIENT_LIMITS[0]
    for _ in range(limit.count):
        assert write(api_client, officer).status_code == 201

    # when it writes once more
    refused = write(api_client, officer, text="Uno más")

    # then it gets a 429 naming the limit, with Retry-After, and nothing more was written
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert f"{limit.count}" in error["message"]
    assert int(refused["Retry-After"]) == error["retry_after"] > 0
    assert CondolenceMessage.objects.count() == limit.count
    # and another client may still write
    assert write(api_client, officer, address="198.51.100.20").status_code == 201


def test_the_limiter_keeps_no_address(api_client, officer):
    write(api_client, officer, address="203.0.113.7")

    keys = list(RateLimitBucket.objects.values_list("key", flat=True))
    assert len(keys) == 4
    assert not any("203.0.113.7" in key for key in keys)


def test_the_whole_book_has_a_ceiling_whatever_the_client(api_client, officer, monkeypatch):
    # given a ceiling of two messages an hour for every client together
    monkeypatch.setattr(services, "GLOBAL_LIMITS", (Limit(count=2, per_seconds=3_600),))
    assert write(api_client, officer, address="198.51.100.1").status_code == 201
    assert write(api_client, officer, address="198.51.100.2").status_code == 201

    # when a third client writes
    refused = write(api_client, officer, address="198.51.100.3")

    # then it is refused, and its own count was taken back with the refusal
    assert refused.status_code == 429
    assert CondolenceMessage.objects.count() == 2
    third = RateLimitBucket.objects.filter(key=services.client_rate_key("198.51.100.3"))
    assert third.count() == 0


def test_moderators_are_station_officers_of_the_books_precinct_or_administrators(client_for, api_client, precinct):
    # given a book of La Pintana, a book of no precinct, and a pending message in each
    ours = fallen_officer(precinct)
    national = fallen_officer(None, unit="GOPE")
    write(api_client, ours, text="Para La Pintana")
    write(api_client, national, address="198.51.100.9", text="Para el GOPE")
    local, national_message = CondolenceMessage.objects.order_by("id")
    officer_here = station_officer([precinct])
    officer_elsewhere = station_officer([PrecinctFactory(column=1)])
    administrator = UserFactory(role=Role.ADMINISTRATOR)

    # then each sees only the books they moderate
    def queue(user):
        return [item["text"] for item in client_for(user).get(f"{BOOKS}moderation/").json()]

    assert queue(officer_here) == ["Para La Pintana"]
    assert queue(officer_elsewhere) == []
    assert queue(administrator) == ["Para La Pintana", "Para el GOPE"]
    # and an officer elsewhere cannot moderate this one: it does not exist for them
    refused = client_for(officer_elsewhere).post(
        f"{BOOKS}moderation/{local.id}/", {"decision": "approve"}, format="json"
    )
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == ERROR_MESSAGE_NOT_FOUND
    assert (
        client_for(officer_here)
        .post(f"{BOOKS}moderation/{national_message.id}/", {"decision": "approve"}, format="json")
        .status_code
        == 404
    )
    assert set(CondolenceMessage.objects.values_list("status", flat=True)) == {CondolenceStatus.PENDING}


@pytest.mark.parametrize("kind", ["anonymous", "neighbor", "commander", "dispatcher"])
def test_only_moderators_open_the_queue(client_for, api_client, officer, precinct, kind):
    write(api_client, officer)
    message = CondolenceMessage.objects.get()
    client = {
        "anonymous": lambda: api_client,
        "neighbor": lambda: client_for(verified_citizen()),
        "commander": lambda: client_for(staff_user(Role.COMMANDER, [precinct])),
        "dispatcher": lambda: client_for(staff_user(Role.DISPATCHER, [precinct])),
    }[kind]()

    expected = 401 if kind == "anonymous" else 403
    assert client.get(f"{BOOKS}moderation/").status_code == expected
    assert client.post(f"{BOOKS}moderation/{message.id}/", {"decision": "approve"}, format="json").status_code == (
        expected
    )
    assert CondolenceMessage.objects.get().status == CondolenceStatus.PENDING


def test_the_book_lists_officers_with_their_approved_message_count(api_client, officer):
    condolence(officer, status=CondolenceStatus.APPROVED)
    condolence(officer, status=CondolenceStatus.APPROVED, text="Otro")
    condolence(officer)
    condolence(officer, status=CondolenceStatus.REJECTED)

    books = api_client.get(BOOKS).json()

    assert books == [
        {
            "slug": officer.slug,
            "name": "Ana Rojas Fuentes",
            "rank": "Sargento 2°",
            "unit": "42ª Comisaría de La Pintana",
            "died_on": "2024-04-27",
            "biography": "Veinte años de servicio en el sur de Santiago.",
            "message_count": 2,
        }
    ]


def test_the_services_catalogue_describes_the_book_and_the_feedback_forms(api_client):
    catalogue = api_client.get("/api/station/services/").json()

    book = catalogue["condolence_book"]
    assert book["title"] == "Libro de condolencias"
    assert [(field["name"], field["required"]) for field in book["fields"]] == [("text", True), ("author_name", False)]
    feedback = catalogue["officer_feedback"]
    assert [kind["code"] for kind in feedback["kinds"]] == ["complaint", "commendation"]
    assert [kind["title"] for kind in feedback["kinds"]] == [
        "Reclamo sobre un funcionario",
        "Felicitación a un funcionario",
    ]
