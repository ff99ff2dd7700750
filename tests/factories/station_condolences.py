"""The condolence book: a fallen officer (a book) and its messages in each state."""

import datetime as dt
import itertools

from django.utils import timezone

from backend.station.models import CondolenceMessage, CondolenceStatus, FallenOfficer

_numbers = itertools.count(1)


def fallen_officer(precinct=None, **kwargs) -> FallenOfficer:
    number = next(_numbers)
    defaults = {
        "slug": f"sargento-segundo-ana-rojas-{number}",
        "name": "Ana Rojas Fuentes",
        "rank": "Sargento 2°",
        "unit": "42ª Comisaría de La Pintana",
        "died_on": dt.date(2024, 4, 27),
        "biography": "Veinte años de servicio en el sur de Santiago.",
        "precinct": precinct,
    }
    return FallenOfficer.objects.create(**{**defaults, **kwargs})


def condolence(officer, *, status: str = CondolenceStatus.PENDING, moderator=None, **kwargs) -> CondolenceMessage:
    moderated = {"moderated_at": timezone.now(), "moderated_by": moderator}
    if status == CondolenceStatus.PENDING:
        moderated = {}
    defaults = {"text": "Gracias por su entrega.", "author_name": "Vecina de La Pintana"}
    return CondolenceMessage.objects.create(officer=officer, status=status, **moderated, **{**defaults, **kwargs})
