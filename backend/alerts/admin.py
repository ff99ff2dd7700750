from django.contrib import admin

from backend.common.admin import OfflineGISAdmin

from .models import Alert, AlertStep, Category, MassMessage, ReporterRecord, Zone


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "label_es", "label_en", "agency", "priority", "is_active"]
    list_editable = ["label_es", "label_en", "agency", "priority", "is_active"]
    list_filter = ["agency", "is_active"]


class AlertStepInline(admin.TabularInline):
    model = AlertStep
    extra = 0
    readonly_fields = ["status", "actor", "note", "created_at"]
    can_delete = False


@admin.register(Alert)
class AlertAdmin(OfflineGISAdmin):
    list_display = ["id", "category", "agency", "precinct", "status", "created_at", "is_overlap", "is_gap"]
    list_filter = ["status", "agency", "precinct", "category"]
    date_hierarchy = "created_at"
    raw_id_fields = ["reporter", "merged_into"]
    inlines = [AlertStepInline]
    list_select_related = ["category", "precinct"]


@admin.register(ReporterRecord)
class ReporterRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "false_alarm_count", "is_blocked"]
    list_filter = ["is_blocked"]
    list_editable = ["is_blocked"]
    raw_id_fields = ["user"]


@admin.register(Zone)
class ZoneAdmin(OfflineGISAdmin):
    list_display = ["name", "member", "kind", "radius_meters"]
    raw_id_fields = ["member"]


@admin.register(MassMessage)
class MassMessageAdmin(OfflineGISAdmin):
    list_display = ["headline", "precinct", "status", "sent_at"]
    list_filter = ["status", "precinct"]
    raw_id_fields = ["sender", "replaces"]


# Open311 and webhook settings live with their subpackages; importing them registers their admin pages.
from .open311 import admin as open311_admin  # noqa: E402, F401
from .webhooks import admin as webhooks_admin  # noqa: E402, F401
