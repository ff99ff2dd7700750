"""Logging in, in a real Chromium against a real server: what a person sees after too many wrong passwords."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def submit(page, username: str, password: str):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation() as navigation:
        page.locator("main button[type=submit]").click()
    return navigation.value


def test_after_five_wrong_passwords_the_login_page_says_to_wait_even_for_the_right_one(browser_context, screenshot):
    UserFactory(username="vecina")
    page = browser_context().new_page()
    page.goto("/accounts/login/")

    # Given four wrong passwords: each time the form says so and stays
    for _ in range(4):
        assert submit(page, "vecina", "wrong").status == 200
        expect(page.locator("form .error")).to_be_visible()

    # When the fifth is wrong too, the person is told to wait fifteen minutes
    assert submit(page, "vecina", "wrong").status == 429
    expect(page.locator("h1")).to_have_text("Demasiados intentos")
    expect(page.locator("main [role=alert]")).to_contain_text("Vuelve a intentarlo en 15 minutos.")
    screenshot(page, "login-locked-out")

    # And then even the right password does not get in
    page.goto("/accounts/login/")
    assert submit(page, "vecina", "correct horse battery").status == 429
    page.goto("/alerta/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/alerta/$"))
