import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from backend.accounts.models import Role
from backend.alerts.incidents.services import ALERT_RATE_LIMITS, ERROR_BLOCKED_REPORTER, ERROR_IDEMPOTENCY_MISMATCH
from backend.alerts.models import Alert, AlertPhoto, AlertStep, Event, ReporterRecord
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db
PHOTO_WITH_GPS = Path(__file__).parents[1] / "fixtures" / "photo_with_gps.jpg"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, code="13130", name="San Miguel")


@pytest.fixture
def neighbor():
    return UserFactory(role=Role.NEIGHBOR, phone="+56911112222")


def body(**overrides) -> dict:
    lat, lon = cell_center(0)
    return {"category": "robbery_in_progress", "lat": lat, "lon": lon, "accuracy_meters": 12.5,
            "description": "Dos sujetos forzando un auto", **overrides}  # fmt: skip


def test_alert_is_created_routed_and_logged(client_for, precinct, neighbor):
    # when
    response = client_for(neighbor).post("/api/alerts/", body(), format="json")
    # then
    assert response.status_code == 201
    data = response.json()
    alert = Alert.objects.get()
    assert data["id"] == alert.id
    assert data["precinct"] == {"id": precinct.id, "code": "13130", "name": "San Miguel"}
    assert (data["agency"], data["status"]) == ("carabineros", "received")
    assert data["flags"] == {"is_overlap": False, "is_gap": False, "is_boundary_case": False}
    assert list(AlertStep.objects.values_list("status", flat=True)) == ["received"]
    assert list(Event.objects.values_list("type", "alert_id")) == [("alert.created", alert.id)]


@pytest.mark.parametrize(
    ("category", "agency"), [("fire", "bomberos"), ("medical", "ambulance"), ("stray_dogs", "municipality")]
)
def test_category_decides_the_agency(client_for, precinct, neighbor, category, agency):
    response = client_for(neighbor).post("/api/alerts/", body(category=category), format="json")
    assert response.json()["agency"] == agency


def test_same_idempotency_key_and_body_returns_the_original(client_for, precinct, neighbor):
    client = client_for(neighbor)
    first = client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Alert.objects.count() == 1
    assert Event.objects.count() == 1


def test_reused_idempotency_key_with_a_different_body_is_422(client_for, precinct, neighbor):
    client = client_for(neighbor)
    client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post("/api/alerts/", body(description="otra cosa"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == ERROR_IDEMPOTENCY_MISMATCH
    assert Alert.objects.count() == 1


def test_idempotency_key_older_than_24_hours_may_be_reused(client_for, precinct, neighbor):
    client = client_for(neighbor)
    first = client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1").json()["id"]
    Alert.objects.filter(id=first).update(created_at=timezone.now() - timedelta(hours=25))
    response = client.post("/api/alerts/", body(description="new"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201
    assert response.json()["id"] != first
    assert Alert.objects.get(id=first).idempotency_key == ""


def test_idempotency_key_is_per_user(client_for, precinct, neighbor):
    client_for(neighbor).post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    client_for(UserFactory()).post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert Alert.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": None}, "category"),
        ({"category": "alien_invasion"}, "category"),
        ({"lat": 95}, "lat"),
        ({"lon": "NaN"}, "lon"),
        ({"lat": None}, "lat"),
        ({"accuracy_meters": -1}, "accuracy_meters"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_creates_nothing(client_for, precinct, neighbor, overrides, field):
    data = {key: value for key, value in body(**overrides).items() if value is not None}
    response = client_for(neighbor).post("/api/alerts/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Alert.objects.exists()
    assert not Event.objects.exists()


def test_point_outside_every_jurisdiction_is_422_and_creates_nothing(client_for, precinct, neighbor):
    response = client_for(neighbor).post("/api/alerts/", body(lat=-20.2, lon=-70.1), format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "outside_jurisdiction"
    assert not Alert.objects.exists()


def test_photo_is_stored_without_gps_exif_and_with_a_thumbnail(client_for, precinct, neighbor):
    with PHOTO_WITH_GPS.open("rb") as photo:
        response = client_for(neighbor).post("/api/alerts/", {**body(), "photos": [photo]}, format="multipart")
    assert response.status_code == 201
    stored = AlertPhoto.objects.get()
    with default_storage.open(stored.image.name) as handle:
        content = handle.read()
    assert b"Exif" not in content
    image = Image.open(io.BytesIO(content))
    assert not image.getexif()
    assert (image.width, image.height) == (160, 240)  # orientation 6 applied to a 240 x 160 original
    assert max(Image.open(default_storage.open(stored.thumbnail.name)).size) <= 320
    assert response.json()["photos"][0]["id"] == stored.id


@pytest.mark.parametrize(
    "content",
    [b"this is not an image", PHOTO_WITH_GPS.read_bytes()[:900], b"\xff\xd8\xff" + b"\0" * 100],
    ids=["text", "truncated", "corrupt"],
)
def test_bad_photo_is_400_and_no_alert_is_created(client_for, precinct, neighbor, content):
    upload = io.BytesIO(content)
    upload.name = "photo.jpg"
    response = client_for(neighbor).post("/api/alerts/", {**body(), "photos": [upload]}, format="multipart")
    assert response.status_code == 400
    assert "photos" in response.json()["error"]["fields"]
    assert not Alert.objects.exists()
    assert not AlertPhoto.objects.exists()


def test_good_and_bad_photo_together_write_nothing(client_for, precinct, neighbor):
    bad = io.BytesIO(b"nope")
    bad.name = "bad.png"
    with PHOTO_WITH_GPS.open("rb") as good:
        response = client_for(neighbor).post("/api/alerts/", {**body(), "photos": [good, bad]}, format="multipart")
    assert response.status_code == 400
    assert not AlertPhoto.objects.exists()


def test_alert_creation_is_throttled_with_retry_after(client_for, precinct, neighbor):
    client = client_for(neighbor)
    limit = ALERT_RATE_LIMITS[0].count
    statuses = [
        client.post("/api/alerts/", body(description=f"#{i}"), format="json").status_code for i in range(limit + 1)
    ]
    assert statuses == [201] * limit + [429]
    response = client.post("/api/alerts/", body(description="again"), format="json")
    assert int(response["Retry-After"]) > 0
    assert Alert.objects.count() == limit


def test_idempotent_retries_do_not_count_against_the_throttle(client_for, precinct, neighbor):
    client = client_for(neighbor)
    statuses = [
        client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code for _ in range(8)
    ]
    assert statuses == [201] + [200] * 7


def test_blocked_reporter_gets_403_and_creates_nothing(client_for, precinct, neighbor):
    ReporterRecord.objects.create(user=neighbor, is_blocked=True)
    response = client_for(neighbor).post("/api/alerts/", body(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == ERROR_BLOCKED_REPORTER
    assert not Alert.objects.exists()


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.COMMANDER])
def test_staff_cannot_press_the_button(client_for, precinct, role):
    response = client_for(UserFactory(role=role)).post("/api/alerts/", body(), format="json")
    assert response.status_code == 403


def test_anonymous_cannot_alert(api_client, precinct):
    assert api_client.post("/api/alerts/", body(), format="json").status_code == 401


def test_category_catalogue_is_bilingual(api_client):
    categories = {item["code"]: item for item in api_client.get("/api/categories/").json()}
    assert categories["fire"] == {"code": "fire", "label_es": "Incendio", "label_en": "Fire", "agency": "bomberos",
                                  "priority": 1}  # fmt: skip
    assert {item["agency"] for item in categories.values()} == {"carabineros", "bomberos", "ambulance", "municipality"}
