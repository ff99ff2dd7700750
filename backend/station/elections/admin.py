from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from ..models import Election, PollingStation, VoterExcuse, VoterRegistration


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    """Configure an election: voter excuses open on its day only (00:00–23:59 Chile time)."""

    list_display = ["name", "election_date"]
    search_fields = ["name"]
    date_hierarchy = "election_date"


@admin.register(PollingStation)
class PollingStationAdmin(GISModelAdmin):
    list_display = ["code", "name", "comuna", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "comuna"]


@admin.register(VoterRegistration)
class VoterRegistrationAdmin(admin.ModelAdmin):
    list_display = ["run", "station"]
    search_fields = ["=run"]
    raw_id_fields = ["station"]
    list_select_related = ["station"]


@admin.register(VoterExcuse)
class VoterExcuseAdmin(admin.ModelAdmin):
    """Requests and issued excuses, read-only: only the voter files, only an officer in person issues."""

    list_display = ["folio", "election", "status", "distance_meters", "created_at", "confirmed_at", "confirmed_unit"]
    list_filter = ["election", "status"]
    search_fields = ["folio", "=run"]
    list_select_related = ["election"]
    readonly_fields = [field.name for field in VoterExcuse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
