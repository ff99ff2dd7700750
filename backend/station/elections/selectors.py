"""Reads for voter excuses: today's election (Chile time), the voter's polling station, the geodesic distance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy

from backend.common.errors import Conflict, NotFound, Unprocessable

from ..identity.checks import identity_verified_require
from ..models import EXCUSE_MINIMUM_METERS, Election, PollingStation, VoterExcuse, VoterExcuseStatus

CHILE = ZoneInfo("America/Santiago")
DESK_LIMIT = 50

ERROR_NO_ELECTION = gettext_lazy("No election is configured, so there is no voter excuse to ask for.")
ERROR_NOT_ELECTION_DAY = gettext_lazy(
    "Voter excuses are taken only on election day, from 00:00 to 23:59 Chile time. Today is not an election day."
)
ERROR_NOT_ELECTION_DAY_NEXT = gettext_lazy(
    "Voter excuses are taken only on election day, from 00:00 to 23:59 Chile time. The next one is {name}, on {date}."
)
ERROR_NO_POLLING_STATION = gettext_lazy(
    "Your RUN has no polling station in the electoral registry, so the distance cannot be measured. "
    "Check your registration with Servel."
)
ERROR_TOO_CLOSE = gettext_lazy(
    "An excuse needs you to be more than {minimum} km from your polling station. "
    "You are {distance} km from {station} ({comuna})."
)
ERROR_EXCUSE_NOT_FOUND = gettext_lazy("No voter excuse with this folio among yours.")
ERROR_DESK_NOT_FOUND = gettext_lazy("No voter excuse request with this folio.")


class NoElection(Conflict):
    code = "no_election"


class NotElectionDay(Conflict):
    code = "not_election_day"


class NoPollingStation(Unprocessable):
    code = "no_polling_station"


class TooClose(Unprocessable):
    code = "too_close"


def chile_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHILE).date()


def election_open(*, now: dt.datetime) -> Election:
    """The election held today in Chile, or the reason there is none."""
    today = chile_date(now)
    election = Election.objects.filter(election_date=today).first()
    if election is not None:
        return election
    upcoming = Election.objects.filter(election_date__gt=today).order_by("election_date").first()
    if upcoming is not None:
        raise NotElectionDay(
            ERROR_NOT_ELECTION_DAY_NEXT.format(
                name=upcoming.name, date=formats.date_format(upcoming.election_date, "DATE_FORMAT")
            )
        )
    if Election.objects.exists():
        raise NotElectionDay(ERROR_NOT_ELECTION_DAY)
    raise NoElection(ERROR_NO_ELECTION)


def run_number(rut: str) -> int:
    """``12345678-5`` → 12345678 (the RUT was validated, check digit included, when it was stored)."""
    return int(rut.partition("-")[0])


def polling_station_of(*, run: int) -> PollingStation:
    station = PollingStation.objects.filter(voters__run=run).first()
    if station is None:
        raise NoPollingStation(ERROR_NO_POLLING_STATION)
    return station


def geodesic_distance_meters(*, station: PollingStation, lat: float, lon: float) -> float:
    """The WGS84 geodesic from a point to the station: PostGIS geography distance (GeographicLib, Karney 2013)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) "
            "FROM station_pollingstation WHERE id = %s",
            [lon, lat, station.id],
        )
        return cursor.fetchone()[0]


def kilometres(meters: float) -> str:
    return formats.number_format(meters / 1000, decimal_pos=1, use_l10n=True)


@dataclass(frozen=True)
class ExcuseCheck:
    """The distance check: the election, the voter's station, how far the point is, and whether that is enough."""

    election: Election
    station: PollingStation
    distance_meters: float

    @property
    def is_far_enough(self) -> bool:
        return self.distance_meters > EXCUSE_MINIMUM_METERS

    def refusal(self) -> TooClose:
        return TooClose(
            ERROR_TOO_CLOSE.format(
                minimum=EXCUSE_MINIMUM_METERS // 1000,
                distance=kilometres(self.distance_meters),
                station=self.station.name,
                comuna=self.station.comuna,
            ),
            field="location",
            extra={"distance_meters": round(self.distance_meters), "minimum_meters": EXCUSE_MINIMUM_METERS},
        )


def excuse_check(*, voter, lat: float, lon: float, now: dt.datetime) -> ExcuseCheck:
    """What filing would decide about distance, without filing; raises when there is no election or station."""
    identity_verified_require(voter)
    election = election_open(now=now)
    station = polling_station_of(run=run_number(voter.rut))
    return ExcuseCheck(
        election=election, station=station, distance_meters=geodesic_distance_meters(station=station, lat=lat, lon=lon)
    )


def _excuses() -> QuerySet[VoterExcuse]:
    return VoterExcuse.objects.select_related("election", "station", "document", "voter", "confirmed_by")


def voter_excuses_of(*, voter) -> QuerySet[VoterExcuse]:
    return _excuses().filter(voter=voter).order_by("-created_at")


def voter_excuse_of(*, voter, folio: str) -> VoterExcuse:
    excuse = _excuses().filter(voter=voter, folio=folio).first()
    if excuse is None:
        raise NotFound(ERROR_EXCUSE_NOT_FOUND)
    return excuse


def excuse_desk(*, now: dt.datetime, query: str = "") -> list[VoterExcuse]:
    """Today's pending requests, for an officer at any police unit; ``query`` is a folio or a RUN (digits)."""
    queryset = _excuses().filter(election__election_date=chile_date(now), status=VoterExcuseStatus.PENDING)
    query = query.strip().upper()
    if query:
        digits = "".join(character for character in query.partition("-")[0] if character.isdigit())
        condition = Q(folio=query)
        if digits and not query.startswith("ELE"):
            condition |= Q(run=int(digits))
        queryset = queryset.filter(condition)
    return list(queryset.order_by("created_at")[:DESK_LIMIT])


def excuse_for_desk(*, folio: str) -> VoterExcuse:
    excuse = _excuses().filter(folio=folio.strip().upper()).first()
    if excuse is None:
        raise NotFound(ERROR_DESK_NOT_FOUND)
    return excuse
