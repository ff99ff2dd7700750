"""Loading the electoral registry from CSV: the shipped sample, and bad files that report every bad row and
apply nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backend.station.elections.registry import registry_read
from backend.station.models import PollingStation, VoterRegistration
from tests.factories.station_elections import polling_station

pytestmark = pytest.mark.django_db
STATIONS_HEADER = "code,name,address,comuna,region,lat,lon\n"
VOTERS_HEADER = "run,dv,station_code\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_registry_loads_and_reloading_changes_nothing(capsys):
    call_command("polling_registry_load", "--sample")
    call_command("polling_registry_load", "--sample")

    assert PollingStation.objects.count() == 8
    assert VoterRegistration.objects.count() == 44
    # the ClaveÚnica sandbox RUN 88.888.888-8 votes in Punta Arenas
    assert VoterRegistration.objects.get(run=88_888_888).station.comuna == "Punta Arenas"
    station = PollingStation.objects.get(code="CCP-001")
    assert (round(station.location.y, 4), round(station.location.x, 4)) == (-36.8153, -73.0264)
    assert capsys.readouterr().out.count("Loaded 8 station(s), 44 voter(s).") == 2


def test_every_bad_row_is_reported_and_nothing_is_applied(tmp_path):
    # given a stations file with a bad latitude, a missing name and a duplicate code
    rows = ["A1,Escuela A,,Arica,,-18.47,-70.30", "B2,Escuela B,,Iquique,,-95,-70.1", "C3,,,Calama,,-22.4,-68.9",
            "A1,Escuela A bis,,Arica,,-18.4,-70.3"]  # fmt: skip
    stations = write(tmp_path, "stations.csv", STATIONS_HEADER + "\n".join(rows) + "\n")
    # and a voters file with a wrong check digit, a duplicate RUN, a RUN that is not a number and an unknown station
    voters = write(tmp_path, "voters.csv", VOTERS_HEADER + "44444444,4,A1\n55555555,4,A1\n44444444,4,A1\n"
                   "12x,1,A1\n99999999,9,ZZ-9\n")  # fmt: skip

    # when the command loads them
    with pytest.raises(CommandError, match="7 bad row"):
        call_command("polling_registry_load", "--stations", str(stations), "--voters", str(voters))

    # then each bad row is named with its line, and nothing was written
    load = registry_read(stations_path=stations, voters_path=voters)
    assert [str(error) for error in load.errors] == [
        "stations.csv:3: lat '-95' is not a number between -90 and 90",
        "stations.csv:4: name is empty",
        "stations.csv:5: station A1 is also on line 2",
        "voters.csv:3: the check digit of RUN 55555555 is 5, not '4'",
        "voters.csv:4: RUN 44444444 is also on line 2",
        "voters.csv:5: run '12x' is not a whole number between 1 and 99999999",
        "voters.csv:6: station 'ZZ-9' is neither in the stations file nor loaded",
    ]
    assert PollingStation.objects.count() == 0
    assert VoterRegistration.objects.count() == 0


def test_wrong_columns_are_reported_once(tmp_path):
    voters = write(tmp_path, "voters.csv", "rut,station\n44444444-4,A1\n")

    load = registry_read(stations_path=None, voters_path=voters)

    assert [str(error) for error in load.errors] == [
        "voters.csv:1: the columns are rut,station; expected run,dv,station_code"
    ]


def test_voters_may_point_at_stations_already_loaded(tmp_path):
    polling_station(code="SCL-001")
    voters = write(tmp_path, "voters.csv", VOTERS_HEADER + "44444444,4,scl-001\n")

    call_command("polling_registry_load", "--voters", str(voters))

    assert VoterRegistration.objects.get(run=44_444_444).station.code == "SCL-001"
