"""Administrators register webhook endpoints (URL, secret, event types, trust and scope) and read the delivery log."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import WEBHOOK_EVENT_TYPES, DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .services import webhook_endpoint_problems
from .signing import secret_generate
from .tasks import webhook_deliver

MESSAGE_RETRIED = _("Queued {count} delivery(ies) again.")


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label=_("URL"))
    event_types = forms.MultipleChoiceField(
        choices=WEBHOOK_EVENT_TYPES, widget=forms.CheckboxSelectMultiple, label=_("event types")
    )
    secret = forms.CharField(
        required=False, max_length=120, label=_("secret"), help_text=_("Leave empty to generate one (whsec_...).")
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "event_types", "is_active", "is_trusted_agency", "precincts", "agency"]

    def clean(self):
        data = super().clean()
        problems = webhook_endpoint_problems(
            url=data.get("url") or "",
            event_types=data.get("event_types") or [],
            is_trusted_agency=bool(data.get("is_trusted_agency")),
            has_scope=bool(data.get("agency")) or bool(data.get("precincts")),
            secret=data.get("secret") or "",
        )
        if problems:
            raise ValidationError(problems)
        if not data.get("secret"):
            data["secret"] = self.instance.secret or secret_generate()
        return data


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "is_active", "is_trusted_agency", "agency", "created_at"]
    list_filter = ["is_active", "is_trusted_agency"]
    filter_horizontal = ["precincts"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "status_code", "error", "response_excerpt"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_type", "event_id", "endpoint", "status", "attempt_count", "last_status_code",
                    "next_attempt_at", "created_at"]  # fmt: skip
    list_filter = ["status", "event_type", "endpoint"]
    readonly_fields = ["endpoint", "event_id", "event_type", "status", "attempt_count", "last_status_code",
                       "next_attempt_at", "created_at", "delivered_at"]  # fmt: skip
    inlines = [WebhookAttemptInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    # One more attempt each (a delivery given up on stays given up if that one fails too).
    @admin.action(description=_("Try the selected deliveries again"))
    def retry(self, request, queryset):
        again = list(queryset.exclude(status=DeliveryStatus.SUCCEEDED))
        WebhookDelivery.objects.filter(id__in=[delivery.id for delivery in again]).update(status=DeliveryStatus.PENDING)
        for delivery in again:
            webhook_deliver.delay(delivery.endpoint_id, delivery.event_id)
        self.message_user(request, str(MESSAGE_RETRIED).format(count=len(again)), messages.INFO)
