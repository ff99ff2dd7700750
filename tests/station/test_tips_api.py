"""Anonymous tips through the API: sending, the receipt code's mailbox, bad input, throttles and scope."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from backend.common.models import RateLimitBucket
from backend.common.photos import ERROR_TOO_LARGE
from backend.station.models import Tip, TipAttachment, TipMessage, TipStatus
from backend.station.tips.attachments import ERROR_ATTACHMENT, ERROR_UNCLEANABLE
from backend.station.tips.receipts import ALPHABET, receipt_normalize
from backend.station.tips.selectors import ERROR_RECEIPT_UNKNOWN
from backend.station.tips.serializers import ERROR_UNKNOWN_CATEGORY
from backend.station.tips.services import ERROR_OUTSIDE, ERROR_TIP_CLOSED, ERROR_UNKNOWN_COMUNA, tip_message_send
from tests.factories import PrecinctFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_tips import tip_body, tip_sent

pytestmark = pytest.mark.django_db
TIPS = "/api/station/tips/"
MAILBOX = "/api/station/tips/mailbox/"
ANSWER = "/api/station/tips/mailbox/answer/"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="La Granja")


def png(size=(24, 16)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "foto.png"
    return buffer


def nothing_written() -> bool:
    return (Tip.objects.count(), TipAttachment.objects.count(), TipMessage.objects.count()) == (0, 0, 0)


def test_anyone_sends_a_tip_and_gets_a_long_receipt_code_of_which_only_a_digest_is_kept(api_client, precinct):
    # when someone sends a tip about drugs at a point of the precinct
    response = api_client.post(TIPS, tip_body(urgency="high"), format="json")

    # then it is stored, routed to the precinct, dated by the day, with a 28-symbol (140-bit) code
    assert response.status_code == 201, response.json()
    body = response.json()
    code = receipt_normalize(body["receipt_code"])
    assert len(code) == 28
    assert set(code) <= set(ALPHABET)
    assert body["receipt_code"].count("-") == 0
    tip = Tip.objects.get()
    assert (tip.category, tip.precinct_id, tip.urgency, tip.status) == ("drugs", precinct.id, "high", "new")
    assert tip.received_on == timezone.localdate()
    assert body["received_on"] == tip.received_on.isoformat()
    # and the code itself is nowhere in the row
    assert code not in str(Tip.objects.values().get())
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_tip_can_name_a_comuna_instead_of_a_point_or_no_place_at_all(api_client, precinct):
    by_comuna = api_client.post(TIPS, tip_body(lat=None, lon=None, comuna=precinct.code), format="json")
    nowhere = api_client.post(TIPS, {"category": "organized_crime", "text": "Cobran protección a los almacenes."})

    assert (by_comuna.status_code, nowhere.status_code) == (201, 201)
    assert sorted(Tip.objects.values_list("category", "precinct_id", "location")) == [
        ("drugs", precinct.id, None),
        ("organized_crime", None, None),
    ]


def test_a_signed_in_person_sends_a_tip_that_is_still_tied_to_nobody(client_for, precinct, django_user_model):
    # given a neighbor signed in with a token
    citizen = verified_citizen()

    # when they send a tip from the same app
    response = client_for(citizen).post(TIPS, tip_body(), format="json")

    # then the tip is taken like anyone's: there is no field that could hold them
    assert response.status_code == 201
    assert [field.name for field in Tip._meta.fields if field.is_relation] == ["precinct"]


@pytest.mark.parametrize(
    ("overrides", "field", "message", "status"),
    [
        ({"text": ""}, "text", None, 400),
        ({"category": "littering"}, "category", ERROR_UNKNOWN_CATEGORY, 400),
        ({"lat": -20.0, "lon": -70.0}, "location", ERROR_OUTSIDE, 422),
        ({"lat": None, "lon": None, "comuna": "NOPE"}, "comuna", ERROR_UNKNOWN_COMUNA, 400),
    ],
)
def test_bad_input_is_refused_naming_the_problem_and_nothing_is_written(api_client, precinct, overrides, field,
                                                                         message, status):  # fmt: skip
    response = api_client.post(TIPS, tip_body(**overrides), format="json")

    assert response.status_code == status
    error = response.json()["error"]
    assert list(error["fields"]) == [field]
    if message is not None:
        assert error["fields"][field] == [str(message)]
    assert nothing_written()
    assert not RateLimitBucket.objects.filter(key__startswith="tips:submit:").exists()


def test_a_tip_without_text_is_refused(api_client, precinct):
    body = tip_body()
    del body["text"]

    response = api_client.post(TIPS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"text": ["Este campo es requerido."]}
    assert nothing_written()


def test_a_pdf_cannot_be_cleaned_so_it_is_refused_and_nothing_is_written(api_client, precinct):
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj << /Author (Juan Perez) >> endobj\ntrailer << >>\n%%EOF\n")
    pdf.name = "informe.pdf"

    response = api_client.post(TIPS, {**tip_body(), "attachments": [png(), pdf]}, format="multipart")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("invalid_attachment", "uncleanable")
    assert error["fields"] == {"attachments": [str(ERROR_ATTACHMENT.format(index=2, reason=ERROR_UNCLEANABLE))]}
    assert nothing_written()


def test_an_oversized_photo_is_refused_naming_the_limit(api_client, precinct):
    huge = io.BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * (10 * 1024 * 1024))
    huge.name = "grande.jpg"

    response = api_client.post(TIPS, {**tip_body(), "attachments": [huge]}, format="multipart")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["reason"] == "too_large"
    assert error["fields"] == {"attachments": [str(ERROR_ATTACHMENT.format(index=1, reason=ERROR_TOO_LARGE))]}
    assert nothing_written()


def test_more_than_three_photos_are_refused(api_client, precinct):
    response = api_client.post(TIPS, {**tip_body(), "attachments": [png() for _ in range(4)]}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["attachments"]
    assert nothing_written()


def test_the_receipt_code_opens_the_mailbox_typed_in_lower_case_with_spaces(api_client, precinct):
    # given a tip an officer replied to
    tip, code = tip_sent(column=0)
    officer = station_officer([precinct])
    tip_message_send(officer=officer, reference=tip.reference, kind="reply", body="Gracias, lo estamos revisando.")
    typed = " ".join(code[index : index + 4] for index in range(0, 28, 4)).lower()

    # when the tipster opens the mailbox with the code
    response = api_client.post(MAILBOX, {"receipt_code": typed}, format="json")

    # then they read the reply, dated by the day, with no officer named
    assert response.status_code == 200
    body = response.json()
    assert body["messages"] == [
        {"author": "officer", "kind": "reply", "body": "Gracias, lo estamos revisando.",
         "sent_on": timezone.localdate().isoformat()},
    ]  # fmt: skip
    assert (body["status"], body["category"]) == ("in_review", "drugs")
    assert officer.last_name not in response.content.decode()


def test_a_wrong_code_and_a_code_of_no_tip_get_the_same_answer_after_the_same_work(api_client, precinct):
    # given a tip, a code one symbol off its own, and a code of no tip at all
    _tip, code = tip_sent(column=0)
    near = code[:-1] + ("0" if code[-1] != "0" else "1")
    unknown = "Z" * 28

    # when both are tried, counting the database work of each
    answers = []
    for attempt in (near, unknown):
        with CaptureQueriesContext(connection) as queries:
            response = api_client.post(MAILBOX, {"receipt_code": attempt}, format="json")
        answers.append((response.status_code, response.content, [query["sql"].split(" WHERE ")[0]
                                                                  for query in queries.captured_queries]))  # fmt: skip

    # then status, body and the queries made are the same, and the body reveals nothing
    assert answers[0] == answers[1]
    status, content, _queries = answers[0]
    assert status == 404
    message = str(ERROR_RECEIPT_UNKNOWN)
    assert content.decode() == (
        f'{{"error":{{"code":"receipt_unknown","message":"{message}","fields":{{"receipt_code":["{message}"]}}}}}}'
    )


def test_guesses_are_throttled_per_client_without_keeping_the_address(api_client, precinct, settings):
    # given a limit of three mailbox tries a day, and a real tip
    settings.TIP_MAILBOX_REQUESTS_PER_CLIENT_PER_DAY = 3
    _tip, code = tip_sent(column=0)

    # when one client guesses three times
    statuses = [api_client.post(MAILBOX, {"receipt_code": f"{index}" * 28}).status_code for index in range(3)]
    # then the fourth try is refused even with the right code
    refused = api_client.post(MAILBOX, {"receipt_code": code})

    assert statuses == [404, 404, 404]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused.headers["Retry-After"]) > 0
    # and the count is kept under a keyed digest, not under the address
    (bucket,) = RateLimitBucket.objects.filter(key__startswith="tips:mailbox:")
    assert (bucket.count, bucket.window_seconds) == (3, 86_400)
    assert "127.0.0.1" not in bucket.key
    assert len(bucket.key) == len("tips:mailbox:") + 32


def test_sending_is_throttled_per_client_and_a_refused_tip_writes_nothing(api_client, precinct, settings):
    settings.TIP_SUBMISSIONS_PER_CLIENT_PER_DAY = 2

    statuses = [api_client.post(TIPS, tip_body(), format="json").status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    assert Tip.objects.count() == 2
    (bucket,) = RateLimitBucket.objects.filter(key__startswith="tips:submit:")
    assert (bucket.count, bucket.limit) == (2, 2)


def test_the_tipster_answers_a_question_and_the_tip_goes_back_to_review(api_client, precinct):
    # given a tip an officer asked a question about
    tip, code = tip_sent(column=0)
    officer = station_officer([precinct])
    tip_message_send(officer=officer, reference=tip.reference, kind="question", body="¿A qué hora venden?")
    assert Tip.objects.get().status == TipStatus.WAITING_FOR_TIPSTER

    # when the tipster answers with the code
    response = api_client.post(ANSWER, {"receipt_code": code, "body": "Desde las 22 h."}, format="json")

    # then the answer is in the mailbox and the tip is under review again
    assert response.status_code == 201
    assert [(m["author"], m["kind"], m["body"]) for m in response.json()["messages"]] == [
        ("officer", "question", "¿A qué hora venden?"),
        ("tipster", "answer", "Desde las 22 h."),
    ]
    assert Tip.objects.get().status == TipStatus.IN_REVIEW
    assert TipMessage.objects.get(author="tipster").sent_on == timezone.localdate()


def test_an_answer_with_a_wrong_code_writes_nothing_and_a_closed_tip_takes_no_answer(api_client, precinct):
    tip, code = tip_sent(column=0)

    wrong = api_client.post(ANSWER, {"receipt_code": "Z" * 28, "body": "Hola"}, format="json")
    Tip.objects.filter(id=tip.id).update(status=TipStatus.CLOSED)
    closed = api_client.post(ANSWER, {"receipt_code": code, "body": "Hola"}, format="json")

    assert (wrong.status_code, wrong.json()["error"]["code"]) == (404, "receipt_unknown")
    assert (closed.status_code, closed.json()["error"]["message"]) == (409, str(ERROR_TIP_CLOSED))
    assert TipMessage.objects.count() == 0


def test_the_code_never_travels_in_a_url(api_client, precinct):
    _tip, code = tip_sent(column=0)

    response = api_client.get(MAILBOX, {"receipt_code": code})

    assert response.status_code == 405


def test_the_service_catalogue_lists_the_tip_categories_and_urgencies(api_client):
    body = api_client.get("/api/station/services/", HTTP_ACCEPT_LANGUAGE="es").json()["tips"]

    assert [category["code"] for category in body["categories"]] == ["organized_crime", "vehicle_crimes", "drugs"]
    assert body["categories"][0]["title"] == "Crimen organizado"
    assert [urgency["value"] for urgency in body["urgencies"]] == ["low", "medium", "high", "immediate"]


def test_the_day_is_all_a_tip_keeps_of_its_time(api_client, precinct):
    api_client.post(TIPS, tip_body(), format="json")

    values = Tip.objects.values().get()
    assert [name for name, value in values.items() if isinstance(value, dt.datetime)] == []
    assert isinstance(values["received_on"], dt.date)
