"""Interoperability: Open311 posts and listings, the CAP feed and the webhook sink, each beside a baseline of the
same run, in one process (Django's test client, no network), on the South Precinct.

  * POST /open311/v2/requests.json (key check, attributes, comuna routing, alert_create) vs POST /api/alerts/ (JSON)
    by a neighbor with a token, the same point and category: the cost of the Open311 layer per alert;
  * GET /open311/v2/requests.{json,xml} with 1,000 records (the spec's cap) vs the dispatch list of the same
    alerts (GET /api/alerts/?page_size=500, twice for 1,000);
  * GET /cap/feed.atom with 20 messages in force (each carrying its CAP document) vs GET /api/messages/active/;
  * the relay's webhook sink: matching a batch of 500 events against 10 endpoints (the queueing itself is timed
    apart, as it is Celery's, not ours).

Run: .venv/bin/python bench/bench_interop.py [--rounds 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("BENCH_DATABASE", "vigia_interop_bench")
os.environ.setdefault("ALERT_CATEGORY_CACHE_SECONDS", "60")

from _django import machine, setup_django  # noqa: E402


def timed(function, repeat: int) -> float:
    """Median milliseconds of ``function()``."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    setup_django()

    from django.contrib.gis.geos import Point
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from backend.accounts.models import Role, User
    from backend.alerts.catalogue import open311_services_seed
    from backend.alerts.incidents.services import AlertInput, alert_create
    from backend.alerts.messaging.services import MessageContent, MessageTarget, mass_message_send
    from backend.alerts.models import (
        Alert,
        Category,
        Event,
        MassMessage,
        Open311ApiKey,
        Open311Attribute,
        Open311Service,
        WebhookEndpoint,
    )
    from backend.alerts.open311.services import open311_api_key_issue
    from backend.alerts.webhooks.selectors import endpoint_hears, webhook_endpoints_active
    from backend.common.ratelimit import Limit
    from backend.geo.models import Precinct

    print(f"Machine: {machine()}")
    # A clean slate each run: alerts, events and messages of earlier runs would change the listings.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE alerts_alert, alerts_event, alerts_massmessage, alerts_open311request, alerts_webhookendpoint, "
            "common_ratelimitbucket CASCADE"
        )
    open311_services_seed(Category, Open311Service, Open311Attribute)
    precinct = Precinct.objects.get(name="San Ramón")
    point = precinct.boundary.point_on_surface
    Open311ApiKey.objects.filter(name="bench").delete()
    key = Open311ApiKey(name="bench", requests_per_minute=1_000_000, requests_per_day=1_000_000)
    raw_key = open311_api_key_issue(key=key)
    key.categories.set(Category.objects.filter(code__in=["street_lighting", "rubbish", "stray_dogs"]))
    neighbors = [
        User.objects.get_or_create(username=f"bench-neighbor-{index}", defaults={"role": Role.NEIGHBOR})[0]
        for index in range(options.rounds * 40)
    ]
    dispatcher, _ = User.objects.get_or_create(username="bench-dispatch", defaults={"role": Role.DISPATCHER})
    dispatcher.precincts.set(Precinct.objects.all())

    # 1. Posting: Open311 vs the app's API, one request each, alternating so the load is the same for both
    open311_ms, api_ms = [], []
    form = {"api_key": raw_key, "service_code": "street_lighting", "lat": point.y, "long": point.x,
            "description": "Luminaria apagada", "attribute[pole_number]": "P-1"}  # fmt: skip
    body = {"category": "street_lighting", "lat": point.y, "lon": point.x, "accuracy_meters": 30,
            "description": "Luminaria apagada"}  # fmt: skip
    for neighbor in neighbors:
        client = APIClient()
        client.force_authenticate(user=neighbor)
        started = time.perf_counter()
        assert Client().post("/open311/v2/requests.json", form).status_code == 201
        open311_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert client.post("/api/alerts/", body, format="json").status_code == 201
        api_ms.append((time.perf_counter() - started) * 1000)
    post_open311, post_api = statistics.median(open311_ms), statistics.median(api_ms)
    print(f"POST: Open311 {post_open311:.1f} ms, /api/alerts/ {post_api:.1f} ms (ratio {post_open311 / post_api:.2f}), "
          f"n={len(neighbors)} each")  # fmt: skip

    # 2. Listing 1,000 requests (bulk-created alerts, as many as the spec returns at most)
    reporter = neighbors[0]
    while Alert.objects.count() < 1_000:
        lat = point.y + (Alert.objects.count() % 50) * 0.0002
        data = AlertInput(category="rubbish", lat=lat, lon=point.x, accuracy_meters=10)
        alert_create(reporter=reporter, data=data, limits=(Limit(count=10**9, per_seconds=60),))
    dispatch = APIClient()
    dispatch.force_authenticate(user=dispatcher)
    json_ms = timed(lambda: Client().get("/open311/v2/requests.json"), options.rounds)
    xml_ms = timed(lambda: Client().get("/open311/v2/requests.xml"), options.rounds)
    listed = len(Client().get("/open311/v2/requests.json").json())

    def dispatch_pages():
        for page in (1, 2):
            assert dispatch.get(f"/api/alerts/?page_size=500&page={page}").status_code == 200

    dispatch_ms = timed(dispatch_pages, options.rounds)
    print(f"GET {listed} requests: JSON {json_ms:.0f} ms, XML {xml_ms:.0f} ms; dispatch list of 1,000 "
          f"{dispatch_ms:.0f} ms (ratios {json_ms / dispatch_ms:.2f}, {xml_ms / dispatch_ms:.2f})")  # fmt: skip

    # 3. The CAP feed with 20 messages in force
    MassMessage.objects.all().delete()
    for index in range(20):
        mass_message_send(sender=dispatcher, precinct_id=precinct.id,
                          content=MessageContent(headline=f"Aviso {index}", body="Evite la zona."),
                          target=MessageTarget(kind="radius", center=Point(point.x, point.y, srid=4326),
                                               radius_meters=500))  # fmt: skip
    feed_ms = timed(lambda: Client().get("/cap/feed.atom"), options.rounds * 4)
    active_ms = timed(lambda: Client().get("/api/messages/active/"), options.rounds * 4)
    print(f"CAP feed of 20: {feed_ms:.1f} ms; /api/messages/active/ {active_ms:.1f} ms "
          f"(ratio {feed_ms / active_ms:.2f})")  # fmt: skip

    # 4. The webhook sink's matching: 500 events against 10 endpoints
    for index in range(10):
        endpoint = WebhookEndpoint.objects.create(
            name=f"bench-{index}", url="https://93.184.216.34/h", secret="whsec_x",
            event_types=["alert.created", "alert.step_added", "message.sent"],
        )  # fmt: skip
        if index % 2:
            endpoint.precincts.set([precinct])
    events = list(Event.objects.order_by("-id")[:500])

    def match():
        endpoints = webhook_endpoints_active()
        return sum(1 for event in events for endpoint in endpoints if endpoint_hears(endpoint, event))

    matches = match()
    match_ms = timed(match, options.rounds * 4)
    print(f"Webhook sink matching, 500 events x 10 endpoints: {match_ms:.1f} ms ({matches} jobs to queue)")


if __name__ == "__main__":
    main()
