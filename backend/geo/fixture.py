"""The South Precinct fixture: the prefecture's seven comunas with their 2017 census populations."""

import json
from pathlib import Path

from django.conf import settings

from .dpa import DPA_SOURCE, iter_comunas

SOUTH_PREFECTURE_CODE = "PREF-SANTIAGO-SUR"
SOUTH_PREFECTURE_NAME = "Prefectura Santiago Sur"
CENSUS_YEAR = 2017
# INE, Censo 2017, población efectivamente censada por comuna.
SOUTH_PRECINCT_POPULATIONS = {
    "San Miguel": 107_954,
    "La Cisterna": 90_119,
    "San Joaquín": 94_492,
    "La Pintana": 177_335,
    "San Ramón": 82_900,
    "La Granja": 116_571,
    "El Bosque": 162_505,
}


def south_precinct_fixture_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "precincts" / "south_precinct.geojson"


def south_precinct_feature_collection() -> dict:
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": comuna.code,
                "name": comuna.name,
                "population": SOUTH_PRECINCT_POPULATIONS[comuna.name],
                "census_year": CENSUS_YEAR,
                "prefecture_code": SOUTH_PREFECTURE_CODE,
                "prefecture_name": SOUTH_PREFECTURE_NAME,
            },
            "geometry": comuna.geometry,
        }
        for comuna in sorted(iter_comunas(), key=lambda comuna: comuna.code)
        if comuna.region_code == "13" and comuna.name in SOUTH_PRECINCT_POPULATIONS
    ]
    return {"type": "FeatureCollection", "name": "south_precinct", "source": DPA_SOURCE, "features": features}


def write_south_precinct_fixture(path: Path | None = None) -> Path:
    path = path or south_precinct_fixture_path()
    path.write_text(json.dumps(south_precinct_feature_collection(), ensure_ascii=False, indent=1) + "\n")
    return path
