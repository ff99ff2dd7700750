from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.common.models import TimeStampedModel


class DocumentKind(models.TextChoices):
    """Every kind of document the station issues; each has its own folio sequence (see documents/folios.py)."""

    COMPLAINT_RECEIPT = "complaint_receipt", _("Complaint receipt")
    CONSTANCIA = "constancia", _("Constancia")
    PERMIT = "permit", _("Safe-conduct permit")
    OFFICER_COMPLAINT = "officer_complaint", _("Complaint about an officer")
    OFFICER_COMMENDATION = "officer_commendation", _("Commendation of an officer")
    VOTER_EXCUSE = "voter_excuse", _("Voter excuse")


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class IssuedDocument(TimeStampedModel):
    """A document we issued: folio, typeable code and signed token; the public page shows ``public_facts`` only."""

    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    folio = models.CharField(max_length=20, unique=True)
    # Normalised: 13 Crockford symbols (12 random + 1 check), no hyphens.
    code = models.CharField(max_length=13, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="station_documents")
    holder_run = models.CharField(max_length=12)
    holder_run_masked = models.CharField(max_length=16)
    holder_name = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=10, default="es-cl")
    title = models.CharField(max_length=200, help_text="English msgid, translated when shown.")
    subtitle = models.CharField(max_length=200, blank=True, help_text="English msgid, translated when shown.")
    # [{"label": English msgid, "value": str}] — the holder's copy shows facts, the public page public_facts.
    facts = models.JSONField(default=list)
    public_facts = models.JSONField(default=list)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    key_id = models.CharField(max_length=64)
    token = models.TextField()
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(upload_to="station/documents/%Y/%m/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    # Kinds rendered on request (permits): when the holder last asked for the PDF and a render was queued.
    pdf_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="issueddocument_validity_window",
            ),
            models.CheckConstraint(
                condition=(Q(status="valid", revoked_at__isnull=True))
                | (Q(status="revoked", revoked_at__isnull=False) & ~Q(revoked_reason="")),
                name="issueddocument_revocation_complete",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="issueddocument_owner_created")]

    def __str__(self) -> str:
        return self.folio
