from django.contrib import admin, messages

from backend.common.errors import DomainError

from ..models import CondolenceMessage, CondolenceStatus, FallenOfficer
from .services import condolence_moderate


@admin.register(FallenOfficer)
class FallenOfficerAdmin(admin.ModelAdmin):
    """The officers of the condolence book; the precinct says whose station officers moderate the book."""

    list_display = ["name", "rank", "unit", "died_on", "precinct", "is_published"]
    list_filter = ["is_published", "precinct"]
    search_fields = ["name", "unit"]
    prepopulated_fields = {"slug": ["rank", "name"]}
    date_hierarchy = "died_on"


@admin.register(CondolenceMessage)
class CondolenceMessageAdmin(admin.ModelAdmin):
    """Every message, pending ones first; approving or rejecting goes through the same service as the queue page."""

    list_display = ["id", "officer", "author_name", "short_text", "status", "created_at", "moderated_by"]
    list_filter = ["status", "officer"]
    search_fields = ["text", "author_name"]
    list_select_related = ["officer", "moderated_by"]
    readonly_fields = ["officer", "author_name", "text", "status", "created_at", "moderated_at", "moderated_by"]
    actions = ["approve", "reject"]

    @admin.display(description="Message")
    def short_text(self, message):
        return message.text[:80]

    def has_add_permission(self, request):
        return False

    def _moderate(self, request, queryset, decision: str) -> None:
        done = 0
        for message in queryset.filter(status=CondolenceStatus.PENDING):
            try:
                condolence_moderate(moderator=request.user, message_id=message.id, decision=decision)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{message.id}: {error.message}", messages.WARNING)
        skipped = queryset.exclude(status=CondolenceStatus.PENDING).count()
        self.message_user(request, f"{done} message(s) moderated; {skipped} were already moderated.", messages.SUCCESS)

    @admin.action(description="Approve the selected messages (they appear on the book)", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, "approve")

    @admin.action(description="Reject the selected messages", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, "reject")
