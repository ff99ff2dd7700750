"""The voter excuse as the service catalogue describes it to apps (GET /api/station/services/)."""

from django.utils.translation import gettext_noop

from ..fields import Field
from ..models import EXCUSE_MINIMUM_METERS

TITLE = gettext_noop("Voter excuse")
DESCRIPTION = gettext_noop(
    "On election day, if you are more than 200 km from your polling station, ask for your excuse here and "
    "confirm it at any police unit."
)
MINIMUM_METERS = EXCUSE_MINIMUM_METERS
FIELDS = (
    Field("lat", gettext_noop("Latitude"), kind="text"),
    Field("lon", gettext_noop("Longitude"), kind="text"),
    Field(
        "position_source",
        gettext_noop("Where you are now"),
        kind="choice",
        choices=(
            ("device", gettext_noop("This device's location")),
            ("map", gettext_noop("A point chosen on the map")),
        ),
    ),
    Field("contact_email", gettext_noop("Email for the excuse"), kind="email"),
)
