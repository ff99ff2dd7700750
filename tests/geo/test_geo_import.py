import json

import pytest
from django.core.management import CommandError, call_command

from backend.geo.boundary_files import ERROR_EMPTY_GEOMETRY, ERROR_INVALID_GEOMETRY, ERROR_WRONG_TYPE
from backend.geo.models import Precinct, Prefecture

pytestmark = pytest.mark.django_db

SQUARE = [[[-70.70, -33.60], [-70.68, -33.60], [-70.68, -33.58], [-70.70, -33.58], [-70.70, -33.60]]]
BOWTIE = [[[-70.70, -33.60], [-70.68, -33.58], [-70.68, -33.60], [-70.70, -33.58], [-70.70, -33.60]]]


def feature(code: str, geometry: dict, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": f"Comuna {code}", "population": 1000, "census_year": 2017, **properties},
        "geometry": geometry,
    }


def write(tmp_path, *features) -> str:
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return str(path)


def shifted(offset: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x + offset, y] for x, y in SQUARE[0]]]}


def load(path: str) -> None:
    call_command("load_precincts", path, "--prefecture", "PREF-X", "Prefectura X", verbosity=0)


def test_valid_file_imports_and_a_rerun_changes_nothing(tmp_path):
    path = write(tmp_path, feature("A", shifted(0)), feature("B", shifted(0.02)))
    load(path)
    first = {p.code: p.updated_at for p in Precinct.objects.all()}
    load(path)
    assert {p.code: p.updated_at for p in Precinct.objects.all()} == first
    assert Precinct.objects.count() == 2
    assert Prefecture.objects.get(code="PREF-X").population == 2000


def test_rerun_with_changes_updates_in_place_by_code(tmp_path):
    load(write(tmp_path, feature("A", shifted(0))))
    original_id = Precinct.objects.get(code="A").id
    load(write(tmp_path, feature("A", shifted(0.01), population=2500)))
    precinct = Precinct.objects.get(code="A")
    assert (precinct.id, precinct.population, round(precinct.boundary.extent[0], 2)) == (original_id, 2500, -70.69)


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        ({"type": "Polygon", "coordinates": BOWTIE}, ERROR_INVALID_GEOMETRY.split("{")[0]),
        (
            {"type": "Point", "coordinates": [-70.7, -33.6]},
            ERROR_WRONG_TYPE.format(feature="#2 (code BAD)", geom_type="Point"),
        ),
        ({"type": "Polygon", "coordinates": []}, ERROR_EMPTY_GEOMETRY.format(feature="#2 (code BAD)")),
    ],
)
def test_broken_feature_is_named_and_nothing_is_written(tmp_path, geometry, expected):
    path = write(tmp_path, feature("GOOD", shifted(0)), feature("BAD", geometry))
    with pytest.raises(CommandError) as error:
        load(path)
    assert expected in str(error.value)
    assert "#2 (code BAD)" in str(error.value)
    assert Precinct.objects.count() == 0
    assert Prefecture.objects.count() == 0


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        load(str(path))
    assert Precinct.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        load(str(tmp_path / "nope.geojson"))


def test_shapefile_and_geopackage_import_through_gdal(tmp_path):
    import subprocess

    from django.contrib.gis.gdal import OGRGeometry  # noqa: F401 - GDAL present

    source = write(tmp_path, feature("A", shifted(0)), feature("B", shifted(0.02)))
    for extension, driver in (("shp", "ESRI Shapefile"), ("gpkg", "GPKG")):
        target = tmp_path / f"boundaries.{extension}"
        subprocess.run(["ogr2ogr", "-f", driver, str(target), source], check=True)
        load(str(target))
    assert sorted(Precinct.objects.values_list("code", flat=True)) == ["A", "B"]
