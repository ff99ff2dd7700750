"""Elections, polling stations and registered voters for the voter-excuse tests (real places, WGS84)."""

import datetime as dt

from django.contrib.gis.geos import Point

from backend.station.models import Election, PollingStation, VoterRegistration
from tests.factories.station import verified_citizen

# Points of the sample registry's polling stations, and of places a voter may be on election day.
SANTIAGO = (-33.44580, -70.65380)  # Instituto Nacional
CONCEPCION = (-36.81530, -73.02640)
PUNTA_ARENAS = (-53.16380, -70.91710)
# Due south of SANTIAGO along its meridian, 150.0 km away on the WGS84 geodesic (pyproj Geod.fwd).
SOUTH_150_KM = (-34.79807, -70.65380)
# The 2024 municipal elections' second day, a Sunday; Chile was on summer time (UTC-3).
ELECTION_DAY = dt.date(2024, 10, 27)


def election(day: dt.date = ELECTION_DAY, name: str = "Elecciones Municipales 2024") -> Election:
    return Election.objects.create(name=name, election_date=day)


def polling_station(
    code: str = "SCL-001", name: str = "Instituto Nacional", comuna: str = "Santiago", at=SANTIAGO
) -> PollingStation:
    return PollingStation.objects.create(
        code=code,
        name=name,
        comuna=comuna,
        address="Alameda 1667",
        region="Metropolitana",
        location=Point(at[1], at[0]),
    )


def registered_voter(station: PollingStation, **kwargs):
    """A verified citizen whose RUN the registry sends to ``station``."""
    voter = verified_citizen(**kwargs)
    VoterRegistration.objects.create(run=int(voter.rut.split("-")[0]), station=station)
    return voter
