"""Permits in a real Chromium: refused for quarantine; issued, checked at a checkpoint, then flagged by an import."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from backend.station.models import Permit, PermitType
from backend.station.registries.runs import run_format
from tests.factories.station import station_officer
from tests.factories.station_permits import permit_world
from tests.factories.station_registries import csv_text, quarantine
from tests.plugins.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def ask_for_shopping(page, precinct):
    page.goto("/comisaria/")
    page.get_by_role("link", name="Pide un permiso de desplazamiento").click()
    page.get_by_label("Compra de insumos básicos").check()
    page.get_by_label("Comuna desde la que sales").select_option(precinct.code)
    page.get_by_label("Adónde vas").fill("Supermercado, Santa Rosa 8000")
    page.get_by_role("button", name="Obtener mi permiso").click()


def valid_now(code: str) -> None:
    """The type takes effect at once and fits any hour, so the permit asked for "now" is valid during the test."""
    PermitType.objects.filter(code=code).update(
        effect_delay_minutes=0, earliest_start=dt.time(0, 0), latest_end=dt.time(23, 59), duration_minutes=10
    )


def test_a_person_in_quarantine_is_refused_with_the_reason_and_what_to_do(browser_context, screenshot):
    # given a citizen that MINSAL's current file has in quarantine
    precinct, citizen, run = permit_world(quarantined=["self"])
    valid_now("shopping")

    # when they ask for a shopping permit on their phone
    page = browser_context(citizen, viewport=PHONE).new_page()
    ask_for_shopping(page, precinct)

    # then the refusal takes the focus, names the reason and says what to do; no permit exists
    refusal = page.locator("#refusal")
    expect(refusal).to_be_focused()
    expect(refusal).to_have_attribute("data-reason", "health_quarantine")
    expect(refusal).to_contain_text("No podemos emitir este permiso")
    expect(page.locator("#refusal-message")).to_contain_text("debes hacer cuarentena hasta el")
    expect(page.locator("#refusal-what-to-do")).to_contain_text("Salud Responde al 600 360 7777")
    screenshot(page, "permit-refused-quarantine", full_page=True)
    assert Permit.objects.count() == 0
    assert page.context.problems == []


def test_a_permit_is_issued_verified_at_a_checkpoint_and_flagged_after_an_import(browser_context, screenshot, tmp_path):
    # given a citizen the registries do not restrict, and a station officer at a checkpoint
    precinct, citizen, run = permit_world()
    valid_now("shopping")
    officer = station_officer([precinct], first_name="Carla", last_name="Pizarro")

    # when the citizen asks for a shopping permit
    page = browser_context(citizen, viewport=PHONE).new_page()
    ask_for_shopping(page, precinct)

    # then it is issued with its QR, and listed among their permits
    expect(page.get_by_role("heading", name="Tu permiso está listo")).to_be_visible()
    permit = Permit.objects.get()
    expect(page.locator("#folio")).to_have_text(permit.folio)
    expect(page.locator("#permit-status")).to_have_text("Vigente")
    expect(page.get_by_role("img", name="Código QR para el control")).to_be_visible()
    screenshot(page, "permit-issued", full_page=True)
    page.get_by_role("link", name="Ver mis permisos").first.click()
    expect(page.locator(f"[data-folio='{permit.folio}'] .status")).to_have_text("Vigente")

    # when the officer scans its QR at the checkpoint
    desk = browser_context(officer).new_page()
    desk.goto("/comisaria/control/")
    from backend.station.documents.qr import qr_payload

    scanned = qr_payload(code=permit.document.code, token=permit.document.token)
    desk.get_by_label("Código QR o código de verificación").fill(scanned)
    desk.get_by_role("button", name="Revisar el permiso").click()

    # then the signature and the permit are valid, with the holder to compare with the identity card
    result = desk.locator("#checkpoint-result")
    expect(result).to_have_attribute("data-status", "valid")
    expect(result).to_have_attribute("data-signature", "valid")
    expect(result).to_contain_text("Firma válida y permiso vigente.")
    expect(result).to_contain_text(citizen.get_full_name())
    screenshot(desk, "permit-checkpoint-valid")

    # when MINSAL's next file puts the holder in quarantine and is imported (which re-scans the permits)
    daily = tmp_path / "minsal.csv"
    daily.write_text(csv_text("health", [quarantine(run), quarantine(11111111)]))
    call_command("registry_import", "health", str(daily), verbosity=0)

    # then the same QR at the checkpoint: valid signature, but the permit was revoked for quarantine
    desk.get_by_label("Código QR o código de verificación").fill(scanned)
    desk.get_by_role("button", name="Revisar el permiso").click()
    expect(result).to_have_attribute("data-status", "revoked")
    expect(result).to_have_attribute("data-signature", "valid")
    expect(result).to_contain_text("Firma válida, pero este permiso fue revocado")
    expect(result).to_contain_text("cuarentena")
    expect(desk.locator("#signature")).to_have_text("Firma válida")
    screenshot(desk, "permit-checkpoint-revoked")

    # and the officer finds it in the list of the precinct's revoked permits, with the reason
    desk.get_by_role("link", name="Permisos de tus comisarías revocados o marcados tras una carga de registros").click()
    row = desk.locator(f"#flagged-permits [data-folio='{permit.folio}']")
    expect(row.locator(".status")).to_have_text("Revocado")
    expect(row.locator(".reason")).to_contain_text("cuarentena")
    screenshot(desk, "permits-flagged")

    # and the holder sees it revoked
    page.goto(f"/comisaria/permisos/{permit.folio}/")
    expect(page.locator("#permit-status")).to_have_text("Revocado")
    assert Permit.objects.get().status_code == "health_quarantine"
    assert run_format(run) == citizen.rut
    for context_page in (page, desk):
        assert context_page.context.problems == []


def test_the_holder_downloads_the_pdf_rendered_on_first_request(browser_context, celery_worker):
    # given a citizen with a permit just issued (no PDF yet: it is rendered only when asked for)
    precinct, citizen, run = permit_world()
    valid_now("shopping")
    page = browser_context(citizen, viewport=PHONE).new_page()
    ask_for_shopping(page, precinct)
    expect(page.get_by_role("heading", name="Tu permiso está listo")).to_be_visible()
    document = Permit.objects.get().document
    assert (document.pdf.name, document.pdf_requested_at) == ("", None)

    # when they ask for the PDF, the page says it is being prepared and tries again by itself
    with page.expect_download(timeout=30_000) as downloaded:
        page.get_by_role("link", name="Descargar el PDF").click()
        expect(page.get_by_role("heading", name="Preparando tu PDF")).to_be_visible()

    # then the worker's render arrives as the file, named by the folio
    assert downloaded.value.suggested_filename == f"{document.folio}.pdf"
    assert Path(downloaded.value.path()).read_bytes().startswith(b"%PDF")
    document.refresh_from_db()
    assert document.pdf
    assert document.pdf_requested_at is not None


def test_the_checkpoint_works_in_english_and_names_a_missing_scan(browser_context):
    officer = station_officer()
    desk = browser_context(officer, locale="en-GB", extra_http_headers={"Accept-Language": "en"}).new_page()
    desk.goto("/comisaria/control/")
    desk.get_by_role("button", name="Check the permit").click()
    summary = desk.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Scan the QR code or type the verification code.")
    expect(desk.locator("#id_scanned")).to_have_attribute("aria-invalid", "true")
