from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from backend.geo.models import Precinct, Prefecture

from .rut import InvalidRut, normalize_rut


class Role(models.TextChoices):
    NEIGHBOR = "neighbor", _("Neighbor")
    DISPATCHER = "dispatcher", _("Dispatcher")
    COMMANDER = "commander", _("Commander")
    AGENCY_OPERATOR = "agency_operator", _("Agency operator")
    ADMINISTRATOR = "administrator", _("Administrator")
    STATION_OFFICER = "station_officer", _("Station officer")


class Agency(models.TextChoices):
    CARABINEROS = "carabineros", _("Carabineros")
    BOMBEROS = "bomberos", _("Bomberos")
    AMBULANCE = "ambulance", _("Ambulance (SAMU)")
    MUNICIPALITY = "municipality", _("Municipality")


class IdentityVerification(models.TextChoices):
    """How we know a person is who their RUT says: filing a formal complaint needs one of these."""

    CLAVEUNICA = "claveunica", _("ClaveÚnica")
    IN_PERSON = "in_person", _("In person, with an identity card, at a police unit")


def validate_rut(value: str) -> None:
    try:
        normalize_rut(value)
    except InvalidRut as error:
        raise ValidationError(str(error), code="invalid_rut") from error


class User(AbstractUser):
    """A person using the platform; the role and the scope fields decide what they may see."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.NEIGHBOR, db_index=True)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    rut = models.CharField(max_length=12, unique=True, null=True, blank=True, validators=[validate_rut])
    phone = models.CharField(max_length=20, blank=True)
    precincts = models.ManyToManyField(Precinct, blank=True, related_name="staff")
    prefecture = models.ForeignKey(Prefecture, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    identity_verified_by = models.CharField(max_length=20, choices=IdentityVerification.choices, blank=True)
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    # What API answers (unless the client asks otherwise) and pushes are written in; see accounts/language.py.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)

    class Meta:
        constraints = [
            # A verified identity is always a verified RUT, and says how and when.
            models.CheckConstraint(
                condition=(
                    models.Q(identity_verified_by="", identity_verified_at__isnull=True)
                    | (
                        ~models.Q(identity_verified_by="")
                        & models.Q(identity_verified_at__isnull=False, rut__isnull=False)
                    )
                ),
                name="identity_verification_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="agency_operator") | ~models.Q(agency=""),
                name="agency_operator_has_agency",
            ),
        ]

    @property
    def is_identity_verified(self) -> bool:
        return bool(self.identity_verified_by and self.rut)

    def save(self, *args, **kwargs) -> None:
        if self.rut:
            self.rut = normalize_rut(self.rut)
        else:
            self.rut = None
        super().save(*args, **kwargs)


class AuthToken(AbstractAuthToken):
    """An API token (django-rest-knox: hashed, expiring, one per login), bound to the password it was issued under."""

    # A digest of the user's password hash at issue time: any change of the password, by whatever path, voids the token.
    password_fingerprint = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["expiry"], name="auth_token_expiry")]


class WebsocketTicket(models.Model):
    """A single-use, short-lived credential for opening one websocket, so no long-lived token goes into a URL."""

    digest = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="websocket_tickets")
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"ticket for {self.user_id} until {self.expires_at:%H:%M:%S}"
