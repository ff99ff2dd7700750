"""Tips made through the real service (a receipt code is only ever known to the caller)."""

from backend.station.tips.services import TipInput, tip_submit
from tests.factories.geo import cell_center


def tip_sent(*, column: int | None = None, client_key: str = "factory", **fields):
    """Send a tip (at the centre of grid cell ``column``, if given); returns (tip, receipt code)."""
    if column is not None:
        fields["lat"], fields["lon"] = cell_center(column)
    data = TipInput(**{"category": "drugs", "text": "Venden droga en la esquina de noche.", **fields})
    submission = tip_submit(data=data, client_key=client_key)
    return submission.tip, submission.receipt_code


def tip_body(**overrides) -> dict:
    """A tip as an app sends it to the API: drugs, at the centre of grid cell 0."""
    lat, lon = cell_center(0)
    return {"category": "drugs", "text": "Venden pasta base en el pasaje 3, casa azul.", "lat": lat, "lon": lon,
            **overrides}  # fmt: skip
