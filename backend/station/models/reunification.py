from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct


class ReunificationStatus(models.TextChoices):
    """The officers' statuses; the requester sees fewer (see reunification/selectors.py, REQUESTER_STATUS)."""

    RECEIVED = "received", _("Received")
    SEARCHING = "searching", _("Searching")
    FOUND = "found", _("Found: waiting for their decision")
    CONTACT_SHARED = "contact_shared", _("Closed: they agreed to share contact")
    CONTACT_REFUSED = "contact_refused", _("Closed: they refused contact")
    NOT_FOUND = "not_found", _("Closed: not found")


class Relationship(models.TextChoices):
    PARENT = "parent", _("My mother or father")
    CHILD = "child", _("My daughter or son")
    SIBLING = "sibling", _("My sister or brother")
    GRANDPARENT = "grandparent", _("My grandmother or grandfather")
    GRANDCHILD = "grandchild", _("My granddaughter or grandson")
    OTHER_RELATIVE = "other_relative", _("Another relative")
    FRIEND = "friend", _("A friend")


class ReunificationRequest(TimeStampedModel):
    """A request to find someone the requester lost contact with for personal reasons (not a missing person)."""

    folio = models.CharField(max_length=20, unique=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reunification_requests"
    )
    sought_name = models.CharField(max_length=200)
    sought_run = models.CharField(max_length=12, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    # The last known place routes the request: its comuna's precinct searches.
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="reunification_requests")
    last_known_place = models.CharField(max_length=300, blank=True)
    last_contact_year = models.PositiveSmallIntegerField(null=True, blank=True)
    how_contact_was_lost = models.TextField()
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=ReunificationStatus.choices, default=ReunificationStatus.RECEIVED)
    submission_key = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "submission_key"], name="reunification_submission_once"),
        ]
        indexes = [models.Index(fields=["precinct", "status", "created_at"], name="reunification_queue")]

    def __str__(self) -> str:
        return self.folio


class ReunificationStep(models.Model):
    """One step of the search, as the officer recorded it (internal: the requester never reads these)."""

    request = models.ForeignKey(ReunificationRequest, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=ReunificationStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    WRITING = "writing", _("In writing")


class ReunificationDecision(models.Model):
    """What the person found decided, as an officer recorded it: consent to share exactly these details, or refusal."""

    request = models.OneToOneField(ReunificationRequest, on_delete=models.CASCADE, related_name="decision")
    consents = models.BooleanField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    # Only what the person agreed to pass on; blank means not shared.
    shared_phone = models.CharField(max_length=20, blank=True)
    shared_email = models.EmailField(blank=True)
    shared_place = models.CharField(max_length=200, blank=True)
    shared_message = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(consents=False, shared_phone="", shared_email="", shared_place="", shared_message="")
                    | (Q(consents=True) & ~Q(shared_phone="", shared_email="", shared_place="", shared_message=""))
                ),
                name="reunificationdecision_refusal_shares_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {'consent' if self.consents else 'refusal'}"
