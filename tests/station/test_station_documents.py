"""Constancias and the document machinery: codes, signatures, key rotation, verification, revocation, PDF."""

import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from backend.station.documents.codes import (
    ERROR_CODE_CHECK,
    InvalidCode,
    code_format,
    code_new,
    code_parse,
)
from backend.station.documents.keys import key_revoke, key_rotate, keyring_read
from backend.station.documents.selectors import (
    MESSAGE_REVOKED,
    MESSAGE_UNKNOWN,
    VerificationStatus,
    document_verify,
)
from backend.station.documents.services import Fact, document_issue
from backend.station.documents.tasks import document_pdf_render
from backend.station.documents.tokens import TokenStatus, token_verify_jwks, token_verify_with
from backend.station.models import Constancia, DocumentKind, IssuedDocument
from tests.factories import PrecinctFactory
from tests.factories.station import rut_for, verified_citizen

pytestmark = pytest.mark.django_db


def constancia_body(**overrides) -> dict:
    body = {
        "kind": "lost_mobile_phone",
        "answers": {
            "phone_number": "+56 9 8765 4321",
            "carrier": "entel",
            "imei": "490154203237518",
            "model": "Moto G",
            "occurred_on": "2025-05-01",
            "comuna": "P000",
        },
        "contact_email": "valentina@example.cl",
        "submission_key": str(uuid.uuid4()),
    }
    return {**body, **overrides}


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="San Miguel")


@pytest.fixture
def keys_directory(tmp_path, settings):
    """A key directory of this test's own, so rotating and revoking leaves the session's keys alone."""
    settings.STATION_SIGNING_KEYS_DIR = str(tmp_path / "keys")
    key_rotate(Path(settings.STATION_SIGNING_KEYS_DIR))
    return Path(settings.STATION_SIGNING_KEYS_DIR)


def issue(owner=None, **kwargs) -> IssuedDocument:
    owner = owner or verified_citizen()
    defaults = {
        "kind": DocumentKind.CONSTANCIA,
        "owner": owner,
        "holder_run": owner.rut,
        "holder_name": owner.get_full_name(),
        "title": "Lost documents",
        "facts": [Fact("Which documents you lost", "Cédula de identidad")],
        "public_facts": [Fact("Constancia", "Lost documents", translate=True)],
        "language": "es-cl",
    }
    return document_issue(**{**defaults, **kwargs})


# Codes (no database)


@pytest.mark.django_db(False)
def test_codes_are_grouped_case_insensitive_and_forgive_i_l_o():
    code = code_new()
    formatted = code_format(code)

    assert len(code) == 13
    assert formatted.count("-") == 3
    assert code_parse(formatted.lower()) == code
    assert code_parse(f"  {formatted.replace('-', ' ')} ") == code
    assert code_parse(code.replace("1", "l").replace("0", "o")) == code


@pytest.mark.django_db(False)
def test_every_single_typo_and_every_swap_of_neighbours_is_caught_by_the_check_symbol():
    code = code_new()
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    typos = {code[:i] + symbol + code[i + 1 :] for i in range(12) for symbol in alphabet if symbol != code[i]}
    swaps = {code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(11) if code[i] != code[i + 1]}

    for wrong in typos | swaps:
        with pytest.raises(InvalidCode) as error:
            code_parse(wrong)
        assert error.value.message == ERROR_CODE_CHECK


# Constancias through the API


def test_a_constancia_is_issued_at_once_and_verifies_on_the_public_page(client_for, precinct, api_client):
    # given a verified citizen
    citizen = verified_citizen()

    # when they ask for a lost-phone constancia
    response = client_for(citizen).post("/api/station/constancias/", constancia_body(), format="json")

    # then it is issued now, with a folio and a code
    assert response.status_code == 201, response.json()
    constancia = Constancia.objects.get()
    assert constancia.folio.startswith("CON-")
    assert constancia.precinct == precinct
    # and the public check says valid and shows only what it certifies
    check = api_client.get(f"/api/station/verify/{code_format(constancia.document.code).lower()}/").json()
    assert check["status"] == "valid"
    assert check["document"]["folio"] == constancia.folio
    assert check["document"]["holder_run_masked"] == f"**.***.{citizen.rut[-5:-2]}-{citizen.rut[-1]}"
    assert check["document"]["facts"] == [
        {"label": "Constancia", "value": "Extravío de teléfono celular"},
        {"label": "Compañía de teléfono", "value": "Entel"},
        {"label": "Fecha del hecho", "value": "01-05-2025"},
        {"label": "Comuna donde ocurrió", "value": "San Miguel"},
    ]
    text = str(check)
    assert citizen.rut not in text
    assert "490154203237518" not in text
    assert "8765" not in text


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"imei": "490154203237519"}, "answers.imei"),
        ({"occurred_on": "2099-01-01"}, "answers.occurred_on"),
        ({"carrier": "telefonica"}, "answers.carrier"),
        ({"comuna": "NOPE"}, "answers.comuna"),
    ],
)
def test_a_bad_constancia_answer_names_the_field_and_issues_nothing(client_for, precinct, answers, field):
    body = constancia_body()
    body["answers"] = {**body["answers"], **answers}

    response = client_for(verified_citizen()).post("/api/station/constancias/", body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert Constancia.objects.count() == 0
    assert IssuedDocument.objects.count() == 0


def test_a_labor_breach_with_an_invalid_employer_rut_is_refused(client_for, precinct):
    valid = rut_for(76123456)
    wrong_check = valid[:-1] + ("1" if valid[-1] != "1" else "2")
    body = constancia_body(
        kind="labor_breach",
        answers={
            "declarant_side": "worker",
            "counterpart_name": "Panadería Los Aromos",
            "counterpart_rut": wrong_check,
            "breach": "unpaid_wages",
            "occurred_on": "2025-04-30",
            "comuna": precinct.code,
            "narrative": "No me pagaron abril.",
        },
    )

    response = client_for(verified_citizen()).post("/api/station/constancias/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["answers.counterpart_rut"]


def test_every_constancia_kind_can_be_issued(client_for, precinct):
    from backend.station.constancias.catalogue import CONSTANCIA_KINDS

    samples = {
        "text": "Texto",
        "textarea": "Un relato breve.",
        "date": "2025-04-01",
        "comuna": precinct.code,
        "rut": "11.111.111-1",
        "money": 150000,
        "count": 3,
        "phone": "+56 9 1111 2222",
        "imei": "490154203237518",
        "yesno": False,
    }
    for kind in CONSTANCIA_KINDS.values():
        citizen = verified_citizen()
        answers = {
            field.name: field.choices[0][0] if field.kind == "choice" else samples[field.kind] for field in kind.fields
        }
        response = client_for(citizen).post(
            "/api/station/constancias/", constancia_body(kind=kind.code, answers=answers), format="json"
        )
        assert response.status_code == 201, (kind.code, response.json())
    assert Constancia.objects.count() == 9


# Verification


def test_verification_says_plainly_what_is_wrong_and_never_fails(api_client, keys_directory):
    document = issue()
    code = code_format(document.code)
    wrong_check = code[:-1] + ("0" if code[-1] != "0" else "1")
    unknown = code_format(code_new())

    answers = {text: api_client.get(f"/api/station/verify/{text}/") for text in (code, wrong_check, unknown, "%%%")}

    assert {text: response.status_code for text, response in answers.items()} == dict.fromkeys(answers, 200)
    assert answers[code].json()["status"] == "valid"
    assert answers[wrong_check].json()["status"] == "mistyped"
    assert answers[wrong_check].json()["document"] is None
    assert answers[unknown].json()["status"] == "unknown"
    assert (
        answers[unknown].json()["message"]
        == "No emitimos ningún documento con este código. Revisa el código: el documento podría ser falso."
    )
    assert answers["%%%"].json()["status"] == "mistyped"


def test_a_revoked_document_verifies_as_revoked(api_client, keys_directory, admin_client):
    document = issue()

    # when an administrator revokes it from the admin, with a reason
    response = admin_client.post(
        "/admin/station/issueddocument/",
        {"action": "revoke", "_selected_action": [document.id], "apply": "1", "reason": "Emitido por error."},
    )

    # then it verifies as revoked
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.revoked_reason) == ("revoked", "Emitido por error.")
    check = document_verify(code_text=document.code)
    assert (check.status, check.message) == (VerificationStatus.REVOKED, MESSAGE_REVOKED)
    assert api_client.get(f"/api/station/verify/{document.code}/").json()["status"] == "revoked"


def test_the_admin_asks_for_a_reason_before_revoking(admin_client, keys_directory):
    document = issue()

    page = admin_client.post("/admin/station/issueddocument/", {"action": "revoke", "_selected_action": [document.id]})

    assert page.status_code == 200
    assert b"Revoke documents" in page.content
    document.refresh_from_db()
    assert document.status == "valid"


def test_an_expired_document_verifies_as_expired(keys_directory):
    start = timezone.now() - dt.timedelta(days=10)
    document = issue(valid_from=start, valid_until=start + dt.timedelta(days=1))

    assert document_verify(code_text=document.code).status == VerificationStatus.EXPIRED


def test_any_change_to_a_signed_field_fails_verification(keys_directory):
    # given a document whose database row someone edits afterwards
    document = issue()
    IssuedDocument.objects.filter(id=document.id).update(
        public_facts=[{"label": "Constancia", "value": "Permanencia definitiva", "translate": False}]
    )

    # then the check refuses it and shows nothing it claims
    check = document_verify(code_text=document.code)
    assert check.status == VerificationStatus.TAMPERED
    assert check.document is None


def test_a_tampered_qr_token_fails_and_says_so(api_client, keys_directory):
    document = issue()
    header, payload, signature = document.token.split(".")
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    forged = f"{header}.{forged_payload}.{signature}"

    by_code = api_client.get(f"/api/station/verify/{document.code}/", {"t": forged}).json()
    by_token = api_client.post("/api/station/verify/token/", {"token": forged}, format="json").json()
    garbage = api_client.post("/api/station/verify/token/", {"token": "not.a.token"}, format="json")

    assert by_code["status"] == "tampered"
    assert by_code["document"] is None
    assert by_token["status"] == "tampered"
    assert garbage.status_code == 200
    assert garbage.json()["status"] == "tampered"


def test_old_documents_verify_after_a_rotation_and_fail_once_their_key_is_revoked(keys_directory, api_client):
    # given a document signed with the first key
    old = issue()
    first_kid = old.key_id

    # when the keys rotate, old and new documents both verify, each with its key id
    second_kid = key_rotate(keys_directory)
    new = issue()
    ring = keyring_read(keys_directory)
    assert (new.key_id, ring.active_kid) == (second_kid, second_kid)
    assert not (keys_directory / f"{first_kid}.private.pem").exists()
    assert document_verify(code_text=old.code).status == VerificationStatus.VALID
    assert document_verify(code_text=new.code).status == VerificationStatus.VALID
    assert {key["kid"] for key in api_client.get("/api/station/keys/").json()["keys"]} == {first_kid, second_kid}

    # when the first key is revoked, its documents fail; the new ones still verify
    key_revoke(keys_directory, first_kid)
    assert document_verify(code_text=old.code).status == VerificationStatus.KEY_WITHDRAWN
    assert document_verify(code_text=new.code).status == VerificationStatus.VALID
    jwks = api_client.get("/api/station/keys/").json()
    assert {key["kid"]: key.get("revoked", False) for key in jwks["keys"]} == {first_kid: True, second_kid: False}


def test_an_officer_phone_verifies_a_token_offline_with_the_published_keys(keys_directory, api_client):
    document = issue()
    jwks = api_client.get("/api/station/keys/").json()

    check = token_verify_jwks(document.token, jwks)

    assert check.status == TokenStatus.VALID
    assert (check.claims["fol"], check.claims["typ"], check.key_id) == (document.folio, "constancia", document.key_id)
    assert check.claims["sub"] == document.holder_run_masked
    # and a token signed by a key nobody published is refused
    foreign = keys_directory.parent / "foreign"
    key_rotate(foreign)
    assert token_verify_with(document.token, keyring_read(foreign)).status == TokenStatus.UNKNOWN_KEY


def test_unknown_and_mistyped_codes_on_the_public_page(client, keys_directory):
    unknown = client.get(f"/verificar/{code_format(code_new())}/")
    assert unknown.status_code == 200
    assert MESSAGE_UNKNOWN not in unknown.content.decode()  # shown in Spanish
    assert "No emitimos ningún documento con este código" in unknown.content.decode()


def test_verification_is_throttled_per_ip(api_client, keys_directory, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    # The rates DRF read at import: restored as they were (re-reading api_settings here would keep the override).
    original_rates = SimpleRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "station_verification": "3/minute",
        },
    }
    # The class keeps the rates it read; the settings fixture restores settings only after the test, so put back
    # the original rates here (restoring from api_settings inside the test would keep 3/minute for later tests).
    original_rates = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        statuses = [api_client.get(f"/api/station/verify/{code_new()}/").status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original_rates
    assert statuses == [200, 200, 200, 429]


# The PDF


def test_the_pdf_is_tagged_with_its_language_and_shows_folio_and_code(client_for, keys_directory):
    citizen = verified_citizen()
    document = issue(owner=citizen)
    pending = client_for(citizen).get(f"/api/station/documents/{document.folio}/pdf/")
    assert pending.status_code == 202

    document_pdf_render(document.id)

    response = client_for(citizen).get(f"/api/station/documents/{document.folio}/pdf/")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "es-cl"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    text = "".join(page.extract_text() for page in reader.pages)
    assert document.folio in text
    assert code_format(document.code) in text
    assert reader.metadata.title == f"Extravío de documentos {document.folio}"


def test_rendering_a_pdf_leaves_the_photo_sanitiser_strict(keys_directory):
    from PIL import ImageFile

    from backend.station.documents.pdf import document_pdf_bytes

    document_pdf_bytes(issue())

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
