"""The condolence book's form, for the apps (GET /api/station/services/)."""

from django.utils.translation import gettext_noop

from ..fields import Field
from .services import MAX_AUTHOR_NAME_LENGTH, MAX_MESSAGE_LENGTH

CONDOLENCE_FIELDS: tuple[Field, ...] = (
    Field("text", gettext_noop("Your message"), kind="textarea", max_length=MAX_MESSAGE_LENGTH),
    Field(
        "author_name",
        gettext_noop("Your name"),
        required=False,
        help=gettext_noop("Leave it empty to sign as anonymous."),
        max_length=MAX_AUTHOR_NAME_LENGTH,
    ),
)
