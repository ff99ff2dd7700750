from django.contrib import admin

from backend.common.admin import OfflineGISAdmin

from .models import FormalReport, IncidentLink, LinkageRun, OffenseType


@admin.register(OffenseType)
class OffenseTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_es", "label_en", "group"]
    list_filter = ["group"]
    filter_horizontal = ["compatible_categories"]


@admin.register(FormalReport)
class FormalReportAdmin(OfflineGISAdmin):
    list_display = ["external_id", "source", "offense_type", "occurred_at", "precinct", "is_overlap", "is_gap"]
    list_filter = ["source", "offense_type", "precinct", "is_overlap", "is_gap"]
    search_fields = ["external_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["offense_type", "precinct"]


@admin.register(IncidentLink)
class IncidentLinkAdmin(admin.ModelAdmin):
    list_display = ["id", "formal_report", "alert", "preset", "status", "distance_m", "hours_apart", "reviewed_by"]
    list_filter = ["preset", "status"]
    raw_id_fields = ["formal_report", "alert", "reviewed_by"]
    list_select_related = ["formal_report", "alert", "reviewed_by"]


@admin.register(LinkageRun)
class LinkageRunAdmin(admin.ModelAdmin):
    list_display = ["precinct", "month", "preset", "formal_count", "alert_count", "link_count", "ran_at"]
    list_filter = ["preset", "precinct"]
