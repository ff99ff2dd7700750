"""Failed logins lock out on every login path (django-axes), and sign-ups share one per-address budget."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from backend.accounts.lockout import CODE_LOCKED_OUT, ERROR_LOCKED_OUT
from backend.accounts.models import AuthToken, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
STRONG_PASSWORD = "lluvia-en-la-cordillera-42"
FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 30
HOME = "10.1.1.1"
ELSEWHERE = "10.2.2.2"


def page_login(username: str, password: str, *, address: str = HOME, path: str = "/accounts/login/"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password})
    return client, response


def admin_login(username: str, password: str, *, address: str = HOME):
    return page_login(username, password, address=address, path="/admin/login/?next=/admin/")


def api_login(username: str, password: str, *, address: str = HOME, **headers):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/accounts/token/", {"username": username, "password": password}, format="json", **headers
    )


def fail(times: int, login=page_login, username: str = "vecino", **kwargs) -> list[int]:
    results = [login(username, "wrong", **kwargs) for _ in range(times)]
    return [(result[1] if isinstance(result, tuple) else result).status_code for result in results]


# axes' convention: the failure that reaches the limit is already answered with the lockout.
LOCKING_FAILURES = [200] * (FAILURE_LIMIT - 1) + [429]


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_login_page_locks_out_at_the_fifth_failure_even_for_the_right_password():
    UserFactory(username="vecino")
    assert fail(FAILURE_LIMIT) == LOCKING_FAILURES

    client, response = page_login("vecino", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    assert response["Retry-After"] == "900"
    assert "15" in response.content.decode()
    assert "dashboards/too_many_attempts.html" in [template.name for template in response.templates]


def test_the_admin_login_locks_out_the_same_way():
    UserFactory(username="jefa", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    assert fail(FAILURE_LIMIT, admin_login, "jefa") == LOCKING_FAILURES

    client, response = admin_login("jefa", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)


def test_the_token_api_locks_out_with_our_json_error_and_issues_no_token():
    UserFactory(username="vecino")
    assert fail(FAILURE_LIMIT, api_login) == [401] * (FAILURE_LIMIT - 1) + [429]

    response = api_login("vecino", PASSWORD)

    assert response.status_code == 429
    assert response.json() == {"error": {"code": CODE_LOCKED_OUT, "message": ERROR_LOCKED_OUT.format(minutes=15)}}
    assert response["Retry-After"] == "900"
    assert not AuthToken.objects.exists()


def test_failures_on_one_path_count_on_the_others():
    UserFactory(username="vecino")
    assert fail(2) + fail(2, admin_login) == [200] * 4
    assert api_login("vecino", "wrong").status_code == 429

    _, response = page_login("vecino", PASSWORD)

    assert response.status_code == 429


def test_the_lockout_holds_only_that_username_from_that_address():
    UserFactory(username="vecino")
    UserFactory(username="vecina")
    fail(FAILURE_LIMIT)

    elsewhere, from_elsewhere = page_login("vecino", PASSWORD, address=ELSEWHERE)
    neighbor, same_address = page_login("vecina", PASSWORD)

    assert (from_elsewhere.status_code, same_address.status_code) == (302, 302)
    assert signed_in(elsewhere)
    assert signed_in(neighbor)


def test_the_lockout_lifts_fifteen_minutes_after_the_last_failure():
    UserFactory(username="vecino")
    fail(FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15, seconds=1))

    client, response = page_login("vecino", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_attempts_during_a_lockout_do_not_extend_it():
    UserFactory(username="vecino")
    fail(FAILURE_LIMIT)
    assert fail(3) == [429] * 3
    assert AccessAttempt.objects.get().failures_since_start == FAILURE_LIMIT


def test_a_successful_login_clears_that_usernames_failures():
    UserFactory(username="vecino")
    fail(FAILURE_LIMIT - 1)
    assert page_login("vecino", PASSWORD)[1].status_code == 302

    assert fail(FAILURE_LIMIT - 1) == [200] * (FAILURE_LIMIT - 1)
    assert page_login("vecino", PASSWORD)[1].status_code == 302


def test_a_successful_token_login_clears_that_usernames_failures_too():
    UserFactory(username="vecino")
    fail(FAILURE_LIMIT - 1, api_login)
    assert api_login("vecino", PASSWORD).status_code == 200

    assert fail(FAILURE_LIMIT - 1, api_login) == [401] * (FAILURE_LIMIT - 1)
    assert api_login("vecino", PASSWORD).status_code == 200


def test_one_address_trying_many_usernames_is_locked_out_after_thirty_failures():
    # Given an address that failed with 15 usernames, twice each (under the per-username limit)
    UserFactory(username="vecino")
    for index in range(ADDRESS_FAILURE_LIMIT // 2):
        assert fail(2, username=f"guess{index}") == [200, 200]

    # Then it may not log in anyone, while another address still can
    assert page_login("vecino", PASSWORD)[1].status_code == 429
    assert page_login("vecino", PASSWORD, address=ELSEWHERE)[1].status_code == 302


def test_a_forged_forwarded_for_header_changes_nothing_without_a_trusted_proxy():
    # Given failures, each claiming another client address through X-Forwarded-For
    UserFactory(username="vecino")
    statuses = [
        api_login("vecino", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{index}").status_code
        for index in range(FAILURE_LIMIT)
    ]
    assert statuses == [401] * (FAILURE_LIMIT - 1) + [429]

    # Then they all counted against the connecting address
    assert api_login("vecino", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}


def test_the_token_api_also_keeps_its_per_address_rate_over_all_usernames():
    statuses = [api_login(f"guess{index}", "wrong").status_code for index in range(11)]
    assert statuses == [401] * 10 + [429]
    assert api_login("guess0", "wrong", address=ELSEWHERE).status_code == 401


def register_page(index: int, *, address: str = HOME):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/register/",
        {"username": f"vecina{index}", "password": STRONG_PASSWORD, "password_again": STRONG_PASSWORD},
    )


def register_api(index: int, *, address: str = HOME):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/accounts/register/", {"username": f"vecina{index}", "password": STRONG_PASSWORD}, format="json"
    )


def test_the_registration_page_and_api_share_one_budget_of_twenty_an_hour_per_address():
    # Given ten sign-ups through the page and ten through the API from one address
    assert [register_page(index).status_code for index in range(10)] == [302] * 10
    assert [register_api(index).status_code for index in range(10, 20)] == [201] * 10

    # Then neither path takes another one from there, and nothing is written
    page = register_page(20)
    api = register_api(21)
    assert (page.status_code, api.status_code) == (429, 429)
    assert "dashboards/too_many_attempts.html" in [template.name for template in page.templates]
    assert not User.objects.filter(username__in=["vecina20", "vecina21"]).exists()
    assert User.objects.count() == 20

    # While another address still can
    assert register_page(22, address=ELSEWHERE).status_code == 302


def test_opening_the_registration_page_costs_nothing():
    statuses = [Client(REMOTE_ADDR=HOME).get("/accounts/register/").status_code for _ in range(25)]
    assert statuses == [200] * 25
    assert register_page(0).status_code == 302
