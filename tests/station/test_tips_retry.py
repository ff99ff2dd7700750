"""An app retrying a lost answer files one tip: the submission key, kept only as the day's keyed digest."""

import datetime as dt
import hashlib
import io
import re
import uuid

import pytest
from django.utils import timezone
from PIL import Image

from backend.common.models import RateLimitBucket
from backend.station.models import Tip, TipAttachment
from backend.station.tips.privacy import submission_digest
from backend.station.tips.receipts import receipt_digest
from backend.station.tips.services import ERROR_SUBMISSION_REUSED, MESSAGE_ALREADY_RECEIVED
from tests.factories import PrecinctFactory
from tests.factories.station_tips import tip_body

pytestmark = pytest.mark.django_db
TIPS = "/api/station/tips/"
FORM = "/comisaria/denuncia-anonima/"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="La Granja")


def photo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "foto.png"
    return buffer


def written() -> tuple[int, int, int]:
    bucket = RateLimitBucket.objects.filter(key__startswith="tips:submit:").first()
    return Tip.objects.count(), TipAttachment.objects.count(), bucket.count if bucket else 0


def test_a_retry_with_the_same_key_gets_the_same_answer_and_nothing_is_written(api_client, precinct):
    # given a tip sent with a submission key
    key = str(uuid.uuid4())
    first = api_client.post(TIPS, tip_body(submission_key=key), format="json")
    assert first.status_code == 201, first.json()
    before = written()

    # when the app, which lost that answer, sends it again
    retry = api_client.post(TIPS, tip_body(submission_key=key), format="json")

    # then it is told the tip was already received, with what the first answer said and no receipt code
    assert retry.status_code == 200, retry.json()
    assert retry.json() == {
        "already_received": True,
        "message": str(MESSAGE_ALREADY_RECEIVED),
        "category": "drugs",
        "received_on": first.json()["received_on"],
    }
    assert first.json()["receipt_code"] not in retry.content.decode()
    # and nothing was written: no tip, no photo, not even a count against the client's daily limit
    assert written() == before == (1, 0, 1)
    # and the same retry answers the same again
    assert api_client.post(TIPS, tip_body(submission_key=key), format="json").json() == retry.json()


def test_a_retry_with_photos_is_recognised(api_client, precinct):
    key = str(uuid.uuid4())

    statuses = [
        api_client.post(
            TIPS, {**tip_body(submission_key=key), "attachments": [photo()]}, format="multipart"
        ).status_code
        for _ in range(2)
    ]

    assert statuses == [201, 200]
    assert written() == (1, 1, 1)


@pytest.mark.parametrize(
    "changed", [{"text": "Otra cosa."}, {"urgency": "high"}, {"lat": None, "lon": None}, {"category": "vehicle_crimes"}]
)
def test_the_same_key_with_other_content_is_refused_naming_the_key(api_client, precinct, changed):
    key = str(uuid.uuid4())
    assert api_client.post(TIPS, tip_body(submission_key=key), format="json").status_code == 201

    response = api_client.post(TIPS, tip_body(submission_key=key, **changed), format="json")

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["fields"]) == ("submission_reused", {"submission_key": [str(ERROR_SUBMISSION_REUSED)]})
    assert "receipt_code" not in response.json()
    assert written() == (1, 0, 1)


def test_a_retry_that_races_the_first_send_gets_the_first_tip(api_client, precinct, monkeypatch):
    # given a tip sent with a key, and a retry that checks before the first one commits (it sees no tip)
    from backend.station.tips import services

    key = str(uuid.uuid4())
    assert api_client.post(TIPS, tip_body(submission_key=key), format="json").status_code == 201
    real, calls = services._retried, []

    def late(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_retried", late)

    # when the retry's insert meets the unique digest
    response = api_client.post(TIPS, tip_body(submission_key=key), format="json")

    # then it answers with the first tip, and its rolled-back insert left nothing, not even a count
    assert (response.status_code, response.json()["already_received"], len(calls)) == (200, True, 2)
    assert written() == (1, 0, 1)


def test_without_a_key_each_send_is_a_new_tip_as_before(api_client, precinct):
    first = api_client.post(TIPS, tip_body(), format="json")
    second = api_client.post(TIPS, tip_body(), format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["receipt_code"] != second.json()["receipt_code"]
    assert list(Tip.objects.values_list("submission_digest", flat=True)) == [None, None]
    assert written() == (2, 0, 2)


def test_two_tips_with_two_keys_are_two_tips(api_client, precinct):
    statuses = [
        api_client.post(TIPS, tip_body(submission_key=str(uuid.uuid4())), format="json").status_code for _ in range(2)
    ]

    assert statuses == [201, 201]
    assert Tip.objects.count() == 2


def test_a_key_that_is_not_a_uuid_is_refused(api_client, precinct):
    response = api_client.post(TIPS, tip_body(submission_key="mi-clave"), format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["submission_key"]
    assert written() == (0, 0, 0)


def test_only_the_days_keyed_digest_of_the_key_is_kept(api_client, precinct):
    # given a tip sent with a key
    key = uuid.uuid4()
    response = api_client.post(TIPS, tip_body(submission_key=str(key)), format="json")

    # then the row holds the day's HMAC of the key: not the key, nor a plain hash of it anyone could recompute
    row = Tip.objects.values().get()
    assert row["submission_digest"] == submission_digest(key)
    text = str(row)
    for form in (str(key), key.hex, hashlib.sha256(str(key).encode()).hexdigest(), receipt_digest(str(key))):
        assert form not in text
    assert response.json()["receipt_code"] not in text
    # and under another day's secret the same key digests otherwise: once the day is over, it matches nothing
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert submission_digest(key, now=tomorrow) != row["submission_digest"]


def test_the_form_page_sends_a_submission_key(client, precinct):
    # given the tip form, which carries a fresh submission key next to its sealed receipt code
    page = client.get(FORM).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    sealed = re.search(r'name="receipt" value="([^"]+)"', page).group(1)
    assert uuid.UUID(key).version == 4

    # when it is sent twice (a double click)
    body = {"category": "drugs", "text": "Venden en la plaza.", "comuna": precinct.code, "receipt": sealed,
            "submission_key": key}  # fmt: skip
    first, second = client.post(FORM, body), client.post(FORM, body)

    # then one tip exists, with the key's digest, and both answers show the same receipt code
    assert (first.status_code, second.status_code) == (200, 200)
    assert Tip.objects.get().submission_digest == submission_digest(uuid.UUID(key))
    codes = [
        re.search(r'id="receipt-code"[^>]*>([^<]+)<', answer.content.decode()).group(1) for answer in (first, second)
    ]
    assert codes[0] == codes[1]
