from django.contrib import admin

from ..models import ReunificationDecision, ReunificationRequest, ReunificationStep


class StepInline(admin.TabularInline):
    model = ReunificationStep
    extra = 0
    can_delete = False
    readonly_fields = ["action", "status", "note", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.StackedInline):
    model = ReunificationDecision
    can_delete = False
    readonly_fields = [
        "consents",
        "method",
        "shared_phone",
        "shared_email",
        "shared_place",
        "shared_message",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReunificationRequest)
class ReunificationRequestAdmin(admin.ModelAdmin):
    """Read-only: steps and decisions are recorded by the precinct's officers, on their pages or the API."""

    list_display = ["folio", "precinct", "relationship", "status", "created_at"]
    list_filter = ["status", "precinct", "relationship"]
    search_fields = ["folio"]
    list_select_related = ["precinct"]
    inlines = [StepInline, DecisionInline]
    readonly_fields = [field.name for field in ReunificationRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
