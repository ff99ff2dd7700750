"""Writes for voter excuses: filing (folio at once), the officer's in-person confirmation that issues the signed
excuse, and the lapse of requests nobody confirmed on election day. The email follows after commit."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from backend.accounts.rut import InvalidRut, normalize_rut
from backend.common.errors import Conflict, DomainError, NotFound, Unprocessable

from ..documents.folios import folio_next
from ..documents.services import Fact, document_issue
from ..identity.checks import identity_verified_require
from ..models import DocumentKind, VoterExcuse, VoterExcuseStatus
from . import clock
from .selectors import ERROR_DESK_NOT_FOUND, chile_date, excuse_check, kilometres, run_number
from .tasks import voter_excuse_issued_email

REQUEST_SERIES = "voter_excuse_request"
ERROR_ALREADY_FILED = gettext_lazy("You already asked for an excuse for this election: your folio is {folio}.")
ERROR_ALREADY_ISSUED = gettext_lazy("This excuse was already issued, as document {folio}.")
ERROR_LAPSED = gettext_lazy(
    "This request lapsed: identity had to be confirmed on election day ({date}). No excuse can be issued for it."
)
ERROR_RUN_REQUIRED = gettext_lazy("Type the RUN printed on the identity card.")
ERROR_RUN_MISMATCH = gettext_lazy(
    "The RUN on the identity card does not match the request's RUN. Do not issue the excuse."
)


class AlreadyFiled(Conflict):
    code = "already_filed"


class RequestLapsed(Conflict):
    code = "lapsed"


class IdentityMismatch(Unprocessable):
    code = "identity_mismatch"


def _already_filed(excuse: VoterExcuse) -> AlreadyFiled:
    return AlreadyFiled(ERROR_ALREADY_FILED.format(folio=excuse.folio), extra={"folio": excuse.folio})


def voter_excuse_file(
    *,
    voter,
    lat: float,
    lon: float,
    position_source: str,
    contact_email: str,
    now: dt.datetime | None = None,
) -> VoterExcuse:
    """Check the day, the registry and the distance, then take a folio: any refusal writes nothing."""
    now = now or clock.now()
    identity_verified_require(voter)
    check = excuse_check(voter=voter, lat=lat, lon=lon, now=now)
    run = run_number(voter.rut)
    existing = VoterExcuse.objects.filter(election=check.election, run=run).first()
    if existing is not None:
        raise _already_filed(existing)
    if not check.is_far_enough:
        raise check.refusal()
    try:
        with transaction.atomic():
            return VoterExcuse.objects.create(
                folio=folio_next(REQUEST_SERIES),
                election=check.election,
                voter=voter,
                run=run,
                station=check.station,
                location=Point(lon, lat, srid=4326),
                position_source=position_source,
                distance_meters=int(check.distance_meters),
                contact_email=contact_email,
                language=translation.get_language() or "es-cl",
            )
    except IntegrityError:
        # A concurrent filing of the same voter won the unique (election, run): theirs is the answer.
        existing = VoterExcuse.objects.filter(election=check.election, run=run).first()
        if existing is None:
            raise
        raise _already_filed(existing) from None


def _facts(excuse: VoterExcuse, *, unit: str, now: dt.datetime) -> tuple[list[Fact], list[Fact]]:
    election = excuse.election
    day = formats.date_format(election.election_date, "d-m-Y")
    distance = f"{kilometres(excuse.distance_meters)} km"
    confirmed = timezone.localtime(now).strftime("%d-%m-%Y %H:%M")
    facts = [
        Fact(gettext_noop("Election"), election.name),
        Fact(gettext_noop("Election day"), day),
        Fact(gettext_noop("Polling station"), f"{excuse.station.name}, {excuse.station.comuna}"),
        Fact(gettext_noop("Where the voter was"), f"{excuse.location.y:.5f}, {excuse.location.x:.5f}"),
        Fact(gettext_noop("Distance to the polling station"), distance),
        Fact(gettext_noop("Request folio"), excuse.folio),
        Fact(gettext_noop("Identity confirmed in person"), f"{confirmed} · {unit}" if unit else confirmed),
    ]
    public = [
        Fact(gettext_noop("Election"), election.name),
        Fact(gettext_noop("Election day"), day),
        Fact(gettext_noop("Distance to the polling station"), distance),
        Fact(gettext_noop("Identity confirmed in person"), confirmed),
    ]
    return facts, public


def officer_unit(officer) -> str:
    """The police unit an officer works at, for the record: their first precinct by name."""
    precinct = officer.precincts.order_by("name").first()
    return precinct.name if precinct else ""


@transaction.atomic
def voter_excuse_confirm(*, officer, folio: str, card_run: str, now: dt.datetime | None = None) -> VoterExcuse:
    """An officer at any police unit saw the voter's identity card today: issue the signed excuse and email it."""
    now = now or clock.now()
    excuse = (
        VoterExcuse.objects.select_for_update(of=("self",))
        .select_related("election", "station", "voter")
        .filter(folio=folio.strip().upper())
        .first()
    )
    if excuse is None:
        raise NotFound(ERROR_DESK_NOT_FOUND)
    if excuse.status == VoterExcuseStatus.ISSUED:
        raise Conflict(ERROR_ALREADY_ISSUED.format(folio=excuse.document.folio))
    if excuse.status == VoterExcuseStatus.LAPSED or chile_date(now) != excuse.election.election_date:
        raise RequestLapsed(ERROR_LAPSED.format(date=formats.date_format(excuse.election.election_date, "DATE_FORMAT")))
    if not (card_run or "").strip():
        raise DomainError(ERROR_RUN_REQUIRED, field="card_run")
    try:
        card = normalize_rut(card_run)
    except InvalidRut as error:
        raise DomainError(error.args[0], field="card_run") from error
    if run_number(card) != excuse.run:
        raise IdentityMismatch(ERROR_RUN_MISMATCH, field="card_run")
    unit = officer_unit(officer)
    facts, public_facts = _facts(excuse, unit=unit, now=now)
    voter = excuse.voter
    excuse.document = document_issue(
        kind=DocumentKind.VOTER_EXCUSE,
        owner=voter,
        holder_run=voter.rut,
        holder_name=voter.get_full_name(),
        title=gettext_noop("Voter excuse"),
        subtitle=gettext_noop("More than 200 km from the polling station on election day"),
        facts=facts,
        public_facts=public_facts,
        language=excuse.language,
        valid_from=now,
    )
    excuse.status = VoterExcuseStatus.ISSUED
    excuse.confirmed_by = officer
    excuse.confirmed_at = now
    excuse.confirmed_unit = unit
    excuse.save(update_fields=["document", "status", "confirmed_by", "confirmed_at", "confirmed_unit", "updated_at"])
    excuse_id = excuse.id
    transaction.on_commit(lambda: voter_excuse_issued_email.delay(excuse_id))
    return excuse


def voter_excuses_lapse(*, now: dt.datetime | None = None) -> int:
    """Requests still waiting after their election day lapse (one UPDATE); returns how many did."""
    now = now or clock.now()
    return VoterExcuse.objects.filter(
        status=VoterExcuseStatus.PENDING, election__election_date__lt=chile_date(now)
    ).update(status=VoterExcuseStatus.LAPSED, lapsed_at=now, updated_at=now)
