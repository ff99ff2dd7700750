"""Reunification requests for the tests: filed through the service, as a requester would."""

import uuid

from backend.station.reunification.services import ReunificationInput, reunification_request_file
from tests.factories.station import verified_citizen


def reunification_body(comuna: str, **overrides) -> dict:
    body = {
        "sought_name": "Rosa Elena Muñoz Pérez",
        "sought_run": "",
        "relationship": "sibling",
        "comuna": comuna,
        "last_known_place": "Población Los Aromos, pasaje 3",
        "last_contact_year": 2009,
        "how_contact_was_lost": "Nos distanciamos después de la muerte de nuestra madre y cambié de número.",
        "is_not_missing": True,
        "contact_email": "hermano@example.cl",
        "submission_key": str(uuid.uuid4()),
    }
    return {**body, **overrides}


def reunification_request(precinct, requester=None, **overrides):
    body = {
        key: value for key, value in reunification_body(precinct.code, **overrides).items() if key != "is_not_missing"
    }
    body["submission_key"] = uuid.UUID(body["submission_key"])
    return reunification_request_file(
        requester=requester or verified_citizen(), data=ReunificationInput(**body)
    ).request
