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
