from django.contrib import admin

from ..models import FeedbackStatusChange, OfficerFeedback


class FeedbackStatusChangeInline(admin.TabularInline):
    model = FeedbackStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status", "note", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OfficerFeedback)
class OfficerFeedbackAdmin(admin.ModelAdmin):
    """Complaints and commendations about officers, read-only: commanders answer them on their queue."""

    list_display = ["folio", "kind", "precinct", "status", "officer_name", "created_at"]
    list_filter = ["kind", "status", "precinct"]
    search_fields = ["folio", "officer_name", "officer_badge"]
    list_select_related = ["precinct"]
    date_hierarchy = "created_at"
    inlines = [FeedbackStatusChangeInline]
    readonly_fields = [field.name for field in OfficerFeedback._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
