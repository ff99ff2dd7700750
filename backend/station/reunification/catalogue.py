"""Family reunification as the service catalogue describes it to apps (GET /api/station/services/)."""

from django.utils.translation import gettext_noop

from ..fields import Field
from ..models import Relationship

TITLE = gettext_noop("Find a family member")
DESCRIPTION = gettext_noop(
    "Lost contact with a relative or friend for personal reasons? We look for them, and they decide whether we "
    "pass on their contact."
)
FIELDS = (
    Field("sought_name", gettext_noop("Full name of the person you are looking for")),
    Field("sought_run", gettext_noop("Their RUN, if you know it"), kind="rut", required=False),
    Field(
        "relationship",
        gettext_noop("Who they are to you"),
        kind="choice",
        # Lazy labels: they render in the language of the request.
        choices=tuple(Relationship.choices),
    ),
    Field("comuna", gettext_noop("Comuna of the last place you know they lived"), kind="comuna"),
    Field("last_known_place", gettext_noop("Address or sector, if you know it"), required=False, max_length=300),
    Field("last_contact_year", gettext_noop("Year of your last contact"), kind="count", required=False),
    Field("how_contact_was_lost", gettext_noop("How you lost contact"), kind="textarea"),
    Field("is_not_missing", gettext_noop("This person is not missing"), kind="yesno"),
    Field("contact_email", gettext_noop("Email for updates"), kind="email", required=False),
)
