"""Writes for constancias: validate, take a folio, sign and store at once; the email and PDF follow after commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from backend.common.errors import Conflict, DomainError
from backend.geo.models import Precinct

from ..documents.services import Fact, document_issue
from ..fields import display_value
from ..identity.checks import identity_verified_require
from ..models import Constancia, DocumentKind
from ..notifications.tasks import constancia_issued_email
from .catalogue import CONSTANCIA_KINDS

ERROR_UNKNOWN_COMUNA = gettext_lazy("Unknown comuna.")
ERROR_SUBMISSION_REUSED = gettext_lazy(
    "This form was already sent with other answers. Reload the form to ask for a new constancia."
)


@dataclass(frozen=True)
class ConstanciaInput:
    kind: str
    answers: dict
    submission_key: uuid.UUID
    contact_email: str = ""
    language: str = field(default_factory=lambda: translation.get_language() or "es-cl")

    def fingerprint(self) -> str:
        body = {"kind": self.kind, "answers": {key: str(value) for key, value in self.answers.items()}}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ConstanciaIssue:
    constancia: Constancia
    is_new: bool


def _replay(*, citizen, data: ConstanciaInput) -> Constancia | None:
    original = Constancia.objects.filter(citizen=citizen, submission_key=data.submission_key).first()
    if original is not None and original.request_fingerprint != data.fingerprint():
        raise Conflict(ERROR_SUBMISSION_REUSED, field="submission_key")
    return original


def constancia_issue(*, citizen, data: ConstanciaInput) -> ConstanciaIssue:
    """Issue a constancia now: the person gets the signed document (HTML at once, the PDF moments later)."""
    identity_verified_require(citizen)
    kind = CONSTANCIA_KINDS[data.kind]
    precinct = None
    if data.answers.get("comuna"):
        precinct = Precinct.objects.filter(code=data.answers["comuna"]).first()
        if precinct is None:
            raise DomainError(ERROR_UNKNOWN_COMUNA, field="answers.comuna")
    facts, public_facts = [], [Fact(gettext_noop("Constancia"), kind.title, translate=True)]
    for spec in kind.fields:
        value = data.answers.get(spec.name)
        text, translate = (precinct.name, False) if spec.kind == "comuna" and precinct else display_value(spec, value)
        if not text:
            continue
        facts.append(Fact(spec.label, text, translate=translate))
        if spec.public:
            public_facts.append(Fact(spec.label, text, translate=translate))
    now = timezone.now()
    valid_until = now + dt.timedelta(days=kind.validity_days) if kind.validity_days else None
    try:
        with transaction.atomic():
            document = document_issue(
                kind=DocumentKind.CONSTANCIA,
                owner=citizen,
                holder_run=citizen.rut,
                holder_name=citizen.get_full_name(),
                title=kind.title,
                subtitle=gettext_noop("Constancia"),
                facts=facts,
                public_facts=public_facts,
                language=data.language,
                valid_from=now,
                valid_until=valid_until,
            )
            constancia = Constancia.objects.create(
                document=document,
                folio=document.folio,
                citizen=citizen,
                kind=kind.code,
                occurred_on=data.answers.get(kind.occurred_field),
                precinct=precinct,
                details={key: str(value) for key, value in data.answers.items() if value not in (None, "")},
                contact_email=data.contact_email or citizen.email,
                submission_key=data.submission_key,
                request_fingerprint=data.fingerprint(),
            )
            if constancia.contact_email:
                transaction.on_commit(lambda: constancia_issued_email.delay(constancia.id))
    except IntegrityError:
        # The unique (citizen, submission_key) is the idempotency check: a repeat lands here, rolled back whole.
        original = _replay(citizen=citizen, data=data)
        if original is None:
            raise
        return ConstanciaIssue(constancia=original, is_new=False)
    return ConstanciaIssue(constancia=constancia, is_new=True)
