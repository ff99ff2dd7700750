"""The feedback form's questions, for the apps (GET /api/station/services/) and the page."""

from django.utils.translation import gettext_noop

from ..fields import Field
from ..models import FeedbackKind

FEEDBACK_KIND_DESCRIPTIONS = {
    FeedbackKind.COMPLAINT: gettext_noop("An officer or a unit treated you badly or did not do their duty."),
    FeedbackKind.COMMENDATION: gettext_noop("An officer or a unit did their work well and you want them to know."),
}
FEEDBACK_FIELDS: tuple[Field, ...] = (
    Field(
        "kind",
        gettext_noop("What do you want to tell us?"),
        kind="choice",
        choices=(
            (FeedbackKind.COMPLAINT.value, gettext_noop("A complaint about an officer or a unit")),
            (FeedbackKind.COMMENDATION.value, gettext_noop("A commendation of an officer or a unit")),
        ),
    ),
    Field(
        "precinct",
        gettext_noop("Precinct concerned"),
        kind="comuna",
        required=False,
        help=gettext_noop("Choose it, or mark the place on the map."),
    ),
    Field("occurred_at", gettext_noop("When it happened"), kind="datetime"),
    Field("officer_name", gettext_noop("Officer's name, if you know it"), required=False),
    Field("officer_rank", gettext_noop("Rank, if you know it"), required=False, max_length=60),
    Field("officer_badge", gettext_noop("Badge number, if you know it"), required=False, max_length=20),
    Field(
        "unit",
        gettext_noop("Unit or vehicle, if you know it"),
        required=False,
        help=gettext_noop("For example, a patrol car's number."),
    ),
    Field("narrative", gettext_noop("What happened"), kind="textarea"),
    Field("contact_email", gettext_noop("Email for updates"), kind="email", required=False),
)
