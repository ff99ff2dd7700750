"""Admin for the registries: batches and the query audit are read-only; overrides go through the service."""

from django import forms
from django.contrib import admin

from ..models import RegistryBatch, RegistryOverride, RegistryQuery
from .services import MAX_OVERRIDE_HOURS, registry_override_create, registry_override_withdraw


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegistryBatch)
class RegistryBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "registry", "effective_date", "row_count", "is_current", "source", "imported_at"]
    list_filter = ["registry", "is_current"]
    readonly_fields = ["registry", "source", "checksum", "row_count", "effective_date", "imported_at", "imported_by",
                       "is_current"]  # fmt: skip


@admin.register(RegistryQuery)
class RegistryQueryAdmin(ReadOnlyAdmin):
    list_display = ["asked_at", "procedure", "run", "registry", "result", "restrictions", "is_stale", "source",
                    "batch", "override", "asked_by"]  # fmt: skip
    list_filter = ["registry", "result", "procedure", "is_stale"]
    search_fields = ["=run"]
    date_hierarchy = "asked_at"
    list_select_related = ["asked_by", "batch", "override"]
    show_full_result_count = False


class OverrideForm(forms.ModelForm):
    hours = forms.IntegerField(min_value=1, max_value=MAX_OVERRIDE_HOURS, initial=6)

    class Meta:
        model = RegistryOverride
        fields = ["registry", "reason"]


@admin.register(RegistryOverride)
class RegistryOverrideAdmin(admin.ModelAdmin):
    """An administrator lets a registry answer from stale (or no) data for a few hours, with a reason on record."""

    form = OverrideForm
    list_display = ["registry", "created_at", "expires_at", "withdrawn_at", "created_by", "reason"]
    list_filter = ["registry"]
    actions = ["withdraw"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = registry_override_create(registry=form.cleaned_data["registry"], reason=form.cleaned_data["reason"],
                                           hours=form.cleaned_data["hours"], actor=request.user)  # fmt: skip
        obj.pk, obj.created_by, obj.created_at, obj.expires_at = (created.pk, created.created_by, created.created_at,
                                                                  created.expires_at)  # fmt: skip

    @admin.action(description="Withdraw the selected overrides", permissions=["view"])
    def withdraw(self, request, queryset):
        for override in queryset.filter(withdrawn_at__isnull=True):
            registry_override_withdraw(override_id=override.id, actor=request.user)
