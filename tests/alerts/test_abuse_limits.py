"""One atomic per-reporter limiter that counts only created alerts, and bounded photo work (issue #10, 9-12)."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from PIL import Image
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.alerts.incidents.information import INFORMATION_LIMITS
from backend.alerts.incidents.services import ALERT_RATE_LIMITS, ERROR_BLOCKED_REPORTER
from backend.alerts.models import Alert, AlertInformation, AlertPhoto, ReporterRecord
from backend.common.models import RateLimitBucket
from backend.common.photos import CODE_REQUEST_PIXELS, CODE_TOO_LARGE, MAX_PHOTO_PIXELS, MAX_REQUEST_PIXELS
from backend.common.ratelimit import rate_limit_buckets_prune
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.alerts import AlertFactory, ZoneFactory
from tests.factories.geo import cell_center

BURST = ALERT_RATE_LIMITS[0].count


def body(**overrides) -> dict:
    lat, lon = cell_center(0)
    return {"category": "robbery_in_progress", "lat": lat, "lon": lon, "accuracy_meters": 10, **overrides}


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 90).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.png") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def truncated_png() -> bytes:
    """A PNG whose header is fine (so the cheap checks pass) but whose pixels cannot be decoded."""
    data = png_bytes((400, 300))
    return data[: len(data) // 2]


def concurrently(count: int, request) -> list[int]:
    """Run ``request(index)`` from ``count`` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)

    def run(index: int) -> int:
        try:
            barrier.wait()
            return request(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.mark.django_db(transaction=True)
def test_concurrent_distinct_alerts_get_exactly_the_burst_limit():
    # given a neighbor sending 20 different alerts at the same moment
    PrecinctFactory(column=0)
    neighbor = UserFactory(role=Role.NEIGHBOR)

    def send(index: int) -> int:
        return client_of(neighbor).post("/api/alerts/", body(description=f"#{index}"), format="json").status_code

    statuses = concurrently(20, send)
    # then exactly the limit are created and the rest are told to wait
    assert sorted(statuses) == [201] * BURST + [429] * (20 - BURST)
    assert Alert.objects.count() == BURST


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_key_count_once_and_leave_room_for_the_next_alert():
    PrecinctFactory(column=0)
    neighbor = UserFactory(role=Role.NEIGHBOR)

    def retry(index: int) -> int:
        return client_of(neighbor).post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code

    statuses = concurrently(20, retry)
    assert sorted(statuses) == [200] * 19 + [201]
    assert Alert.objects.count() == 1
    # the next real alerts still fit in the burst window
    followers = [client_of(neighbor).post("/api/alerts/", body(description=f"{i}"), format="json") for i in range(4)]
    assert [response.status_code for response in followers] == [201] * 4


@pytest.mark.django_db
def test_refused_alerts_do_not_use_up_the_limit(client_for):
    PrecinctFactory(column=0)
    neighbor = UserFactory(role=Role.NEIGHBOR)
    client = client_for(neighbor)
    outside = [client.post("/api/alerts/", body(lat=-20.0, lon=-70.0), format="json").status_code for _ in range(5)]
    unknown = [client.post("/api/alerts/", body(category="nope"), format="json").status_code for _ in range(3)]
    bad_photo = client.post("/api/alerts/", {**body(), "photos": [upload(truncated_png())]}, format="multipart")
    created = [client.post("/api/alerts/", body(description=f"{i}"), format="json").status_code for i in range(BURST)]
    assert outside == [422] * 5
    assert unknown == [400] * 3
    assert bad_photo.status_code == 400
    assert created == [201] * BURST
    refused = client.post("/api/alerts/", body(), format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "throttled"


@pytest.mark.django_db
def test_a_blocked_reporter_is_refused_before_any_photo_is_decoded(client_for):
    PrecinctFactory(column=0)
    neighbor = UserFactory(role=Role.NEIGHBOR)
    ReporterRecord.objects.create(user=neighbor, is_blocked=True)
    # the photo would fail decoding (400), so a 403 shows the cheap check ran first
    response = client_for(neighbor).post(
        "/api/alerts/", {**body(), "photos": [upload(truncated_png())]}, format="multipart"
    )
    assert (response.status_code, response.json()["error"]["message"]) == (403, ERROR_BLOCKED_REPORTER)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_throttled_reporter_is_refused_before_any_photo_is_decoded(client_for):
    PrecinctFactory(column=0)
    neighbor = UserFactory(role=Role.NEIGHBOR)
    client = client_for(neighbor)
    for index in range(BURST):
        assert client.post("/api/alerts/", body(description=f"{index}"), format="json").status_code == 201
    response = client.post("/api/alerts/", {**body(), "photos": [upload(truncated_png())]}, format="multipart")
    assert response.status_code == 429
    assert Alert.objects.count() == BURST


@pytest.mark.django_db
def test_one_request_has_a_total_pixel_budget(client_for):
    PrecinctFactory(column=0)
    side = int((MAX_REQUEST_PIXELS / 4.5) ** 0.5)  # five photos just over the budget, each well under the per-photo cap
    assert side * side < MAX_PHOTO_PIXELS
    data = png_bytes((side, side))
    photos = [upload(data, f"{index}.png") for index in range(5)]
    response = client_for(UserFactory()).post("/api/alerts/", {**body(), "photos": photos}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["reason"], list(error["fields"])) == (CODE_REQUEST_PIXELS, ["photos"])
    assert not Alert.objects.exists()
    assert not AlertPhoto.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["alert", "information"])
def test_a_photo_over_12_mb_is_a_400_not_a_500(client_for, endpoint):
    # given an upload large enough to be spooled to a temporary file
    PrecinctFactory(column=0)
    neighbor = UserFactory()
    big = upload(png_bytes() + b"\0" * (12 * 1024 * 1024 + 100), "big.png")
    if endpoint == "alert":
        response = client_for(neighbor).post("/api/alerts/", {**body(), "photos": [big]}, format="multipart")
    else:
        alert = AlertFactory(reporter=neighbor)
        response = client_for(neighbor).post(
            f"/api/alerts/{alert.id}/information/", {"text": "foto", "photos": [big]}, format="multipart"
        )
    assert response.status_code == 400
    assert response.json()["error"]["reason"] == CODE_TOO_LARGE
    assert not AlertPhoto.objects.exists()
    assert not AlertInformation.objects.exists()


@pytest.mark.django_db
def test_a_body_over_the_request_limit_is_413_in_our_format(client_for):
    PrecinctFactory(column=0)
    huge = upload(b"\0" * (52 * 1024 * 1024), "huge.png")
    response = client_for(UserFactory()).post("/api/alerts/", {**body(), "photos": [huge]}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_adding_information_is_rate_limited_per_author(client_for):
    alert = AlertFactory(precinct=PrecinctFactory(column=0))
    member = UserFactory()
    ZoneFactory(member=member)
    client = client_for(member)
    limit = INFORMATION_LIMITS[0].count
    statuses = [
        client.post(f"/api/alerts/{alert.id}/information/", {"text": f"{i}"}, format="json").status_code
        for i in range(limit + 1)
    ]
    assert statuses == [201] * limit + [429]
    assert AlertInformation.objects.count() == limit


@pytest.mark.django_db
def test_ended_windows_are_pruned(client_for, rate_limit_now):
    from datetime import timedelta

    PrecinctFactory(column=0)
    client_for(UserFactory()).post("/api/alerts/", body(), format="json")
    assert RateLimitBucket.objects.count() == len(ALERT_RATE_LIMITS)
    assert rate_limit_buckets_prune(now=rate_limit_now + timedelta(minutes=2)) == 1
    assert rate_limit_buckets_prune(now=rate_limit_now + timedelta(days=2)) == 1
    assert not RateLimitBucket.objects.exists()
