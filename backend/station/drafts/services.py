"""Save-and-resume: one draft per person and form, holding the answers typed so far and the submission key.

The key is what makes a submit idempotent: it is drawn once per draft, so the same form sent twice (a double
click, the back button) carries the same key, and the service files it once. Filing deletes the draft.
"""

import uuid

from django.db import transaction
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError, NotFound

from ..complaints.catalogue import COMPLAINT_TYPES
from ..constancias.catalogue import CONSTANCIA_KINDS
from ..models import FormDraft

MAX_DRAFT_BYTES = 64 * 1024
ERROR_DRAFT_TOO_LARGE = gettext_lazy("This draft is too large to save.")
# Files are never kept in drafts; the person attaches them when sending.
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken", "evidence", "action"})


FORMS = frozenset(
    [f"complaint:{code}" for code in COMPLAINT_TYPES] + [f"constancia:{code}" for code in CONSTANCIA_KINDS]
)
ERROR_UNKNOWN_FORM = gettext_lazy("No such form.")


def _known(form: str) -> None:
    if form not in FORMS:
        raise NotFound(ERROR_UNKNOWN_FORM)


def draft_get(*, user, form: str) -> FormDraft:
    _known(form)
    draft, _ = FormDraft.objects.get_or_create(user=user, form=form, defaults={"submission_key": uuid.uuid4()})
    return draft


@transaction.atomic
def draft_save(*, user, form: str, data: dict) -> FormDraft:
    _known(form)
    data = {key: value for key, value in data.items() if key not in SKIPPED_FIELDS}
    if len(repr(data).encode()) > MAX_DRAFT_BYTES:
        raise DomainError(ERROR_DRAFT_TOO_LARGE, field="data")
    draft, created = FormDraft.objects.select_for_update().get_or_create(
        user=user, form=form, defaults={"submission_key": uuid.uuid4(), "data": data}
    )
    if not created:
        draft.data = data
        draft.save(update_fields=["data", "updated_at"])
    return draft


def draft_discard(*, user, form: str) -> None:
    FormDraft.objects.filter(user=user, form=form).delete()
