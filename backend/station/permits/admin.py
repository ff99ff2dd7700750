"""Admin for permits: types, their phase rules and each comuna's phase are configuration; permits are read-only."""

from django.contrib import admin

from ..models import ComunaPhase, Permit, PermitRescan, PermitRule, PermitType


class PermitRuleInline(admin.TabularInline):
    model = PermitRule
    extra = 0


@admin.register(PermitType)
class PermitTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "window", "duration_minutes", "earliest_start", "latest_end",
                    "effect_delay_minutes", "is_collective", "is_active"]  # fmt: skip
    list_filter = ["is_active", "is_collective", "window"]
    inlines = [PermitRuleInline]


@admin.register(ComunaPhase)
class ComunaPhaseAdmin(admin.ModelAdmin):
    list_display = ["precinct", "phase", "since"]
    list_filter = ["phase"]
    list_editable = ["phase"]
    list_select_related = ["precinct"]


@admin.register(Permit)
class PermitAdmin(admin.ModelAdmin):
    list_display = ["folio", "permit_type", "precinct", "starts_at", "ends_at", "status", "status_code"]
    list_filter = ["status", "permit_type", "status_code"]
    search_fields = ["folio", "=run"]
    list_select_related = ["permit_type", "precinct"]
    readonly_fields = [field.name for field in Permit._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PermitRescan)
class PermitRescanAdmin(admin.ModelAdmin):
    list_display = ["batch", "started_at", "finished_at", "active_count", "revoked_count", "flagged_count"]
    readonly_fields = [field.name for field in PermitRescan._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
