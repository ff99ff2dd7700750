"""The alert button's request path, statement by statement: it only writes to PostgreSQL (issue #13)."""

import pytest

from backend.alerts.incidents.selectors import category_cache_clear
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db

# In a test the request's transaction is a savepoint (2 statements) inside the test's own transaction.
# Then: lock the reporter's record, count against the limit, route the point (which also names the precinct),
# insert the alert with its first step (one statement), and its event (which also takes the ordering lock and
# NOTIFYs the relay).
NEW_ALERT_STATEMENTS = 2 + 5
# With an Idempotency-Key: one more read, whether the key was used already.
NEW_ALERT_WITH_KEY_STATEMENTS = NEW_ALERT_STATEMENTS + 1
# A retry: the lock, the key's alert, and the view logged when it was created.
RETRY_STATEMENTS = 2 + 3


@pytest.fixture
def client(client_for, settings):
    settings.ALERT_CATEGORY_CACHE_SECONDS = 60
    category_cache_clear()
    PrecinctFactory(column=0)
    client = client_for(UserFactory())
    client.post("/api/alerts/", body(description="warms the category catalogue"), format="json")
    return client


def body(**overrides) -> dict:
    lat, lon = cell_center(0)
    return {"category": "theft", "lat": lat, "lon": lon, "accuracy_meters": 5, **overrides}


def test_a_new_alert_costs_a_fixed_number_of_statements(client, django_assert_num_queries):
    with django_assert_num_queries(NEW_ALERT_STATEMENTS):
        assert client.post("/api/alerts/", body(), format="json").status_code == 201


def test_a_new_alert_with_a_key_costs_one_more(client, django_assert_num_queries):
    with django_assert_num_queries(NEW_ALERT_WITH_KEY_STATEMENTS):
        assert client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_a_retry_is_answered_from_the_logged_view(client, django_assert_num_queries):
    first = client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    with django_assert_num_queries(RETRY_STATEMENTS):
        retry = client.post("/api/alerts/", body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert retry.status_code == 200
    assert retry.json() == first.json()
