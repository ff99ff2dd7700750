from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Open311Datatype(models.TextChoices):
    STRING = "string", _("Text without line breaks")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time (ISO 8601)")
    TEXT = "text", _("Text with line breaks")
    SINGLE_VALUE_LIST = "singlevaluelist", _("One value from a list")
    MULTI_VALUE_LIST = "multivaluelist", _("Several values from a list")


LIST_DATATYPES = (Open311Datatype.SINGLE_VALUE_LIST, Open311Datatype.MULTI_VALUE_LIST)


class Open311Service(models.Model):
    """A category as Open311 GeoReport v2 shows it: whether it is open to outside clients, and how it is described."""

    category = models.OneToOneField("alerts.Category", on_delete=models.CASCADE, related_name="open311")
    is_open = models.BooleanField(_("open to Open311"), default=False)
    description = models.TextField(_("service description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Comma-separated synonyms."))
    group = models.CharField(_("group"), max_length=80, blank=True)
    service_notice = models.CharField(
        _("service notice"), max_length=500, blank=True, help_text=_("What happens next, returned after a request.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")

    def __str__(self) -> str:
        return f"Open311: {self.category_id}"


class Open311Attribute(models.Model):
    """An extra question of an Open311 service (GeoReport v2 service definition attribute)."""

    service = models.ForeignKey(Open311Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("datatype"), max_length=20, choices=Open311Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    # False: the attribute only informs the person (shown, never answered).
    variable = models.BooleanField(_("needs an answer"), default=True)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("datatype description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"))
    # [{"key": ..., "name": ...}] for the list datatypes; empty otherwise.
    values = models.JSONField(_("values"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("Open311 attribute")
        verbose_name_plural = _("Open311 attributes")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="open311_attribute_code"),
            models.UniqueConstraint(fields=["service", "order"], name="open311_attribute_order"),
            models.CheckConstraint(condition=Q(order__gte=1), name="open311_attribute_order_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class Open311ApiKey(models.Model):
    """An outside client (integrator) allowed to post Open311 requests, within its categories and limits.

    The key itself is shown once; only its SHA-256 digest is kept. Each key posts as its own system neighbor
    (``reporter``), so the per-reporter limiter, idempotency and the false-alarm record apply to the integrator.
    """

    name = models.CharField(_("integrator"), max_length=120)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    key_prefix = models.CharField(max_length=12, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    reporter = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_api_key", editable=False
    )
    categories = models.ManyToManyField(
        "alerts.Category", related_name="+", verbose_name=_("categories it may post"), blank=True
    )
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=30)
    requests_per_day = models.PositiveIntegerField(_("requests per day"), default=2_000)
    is_active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        constraints = [
            models.CheckConstraint(condition=Q(requests_per_minute__gte=1), name="open311_key_minute_positive"),
            models.CheckConstraint(condition=Q(requests_per_day__gte=1), name="open311_key_day_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.is_active and self.revoked_at is None


class LocationSource(models.TextChoices):
    POINT = "point", _("Latitude and longitude")
    COMUNA = "comuna", _("Comuna named in address_string (its representative point)")


class Open311Request(models.Model):
    """What an Open311 POST carried beyond the alert it created; never any data about the person."""

    alert = models.OneToOneField("alerts.Alert", on_delete=models.CASCADE, related_name="open311_request")
    api_key = models.ForeignKey(Open311ApiKey, on_delete=models.PROTECT, related_name="requests")
    # The client's own token (our Idempotency-Key for Open311); ``tokens/{token}`` maps it to the request id.
    token = models.CharField(max_length=128, blank=True)
    location_source = models.CharField(max_length=10, choices=LocationSource.choices)
    address_string = models.CharField(max_length=300, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "token"], condition=~Q(token=""), name="open311_request_token")
        ]
        indexes = [models.Index(fields=["token"], name="open311_request_token_lookup")]

    def __str__(self) -> str:
        return f"Open311 request {self.alert_id}"
