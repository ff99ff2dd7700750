"""Folios: one PostgreSQL sequence per document kind, so each kind counts on its own (DEN-00000042).

A sequence never rolls back, so the services validate everything first and take the folio only inside
the write that stores the document: bad input never burns a number.
"""

from django.db import connection

from ..models import DocumentKind

# kind → (prefix, sequence); a new kind adds its sequence in a migration (see 0001's RunSQL).
FOLIO_SERIES: dict[str, tuple[str, str]] = {
    DocumentKind.COMPLAINT_RECEIPT: ("DEN", "station_folio_complaint_receipt"),
    DocumentKind.CONSTANCIA: ("CON", "station_folio_constancia"),
    DocumentKind.PERMIT: ("PER", "station_folio_permit"),
    DocumentKind.OFFICER_COMPLAINT: ("REC", "station_folio_officer_complaint"),
    DocumentKind.OFFICER_COMMENDATION: ("FEL", "station_folio_officer_commendation"),
    DocumentKind.VOTER_EXCUSE: ("EXC", "station_folio_voter_excuse"),
    # Requests that are not documents themselves count on their own too.
    "voter_excuse_request": ("ELE", "station_folio_voter_excuse_request"),
    "reunification_request": ("REU", "station_folio_reunification_request"),
}
FOLIO_DIGITS = 8


def folio_sequence(kind: str) -> str:
    """The PostgreSQL sequence of a kind's folios, for a caller that takes the number inside its own statement."""
    return FOLIO_SERIES[kind][1]


def folio_format(kind: str, number: int) -> str:
    return f"{FOLIO_SERIES[kind][0]}-{number:0{FOLIO_DIGITS}d}"


def folio_next(kind: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass)", [folio_sequence(kind)])
        number = cursor.fetchone()[0]
    return folio_format(kind, number)
