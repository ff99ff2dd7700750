"""Tips in the admin: read-only, scoped like the queue. There is no sender to show: no such field exists."""

from django.contrib import admin

from backend.accounts.scope import staff_scope

from ..models import Tip, TipAction, TipAttachment, TipMessage


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TipMessageInline(_ReadOnlyInline):
    model = TipMessage
    fields = readonly_fields = ["author", "kind", "body", "officer", "sent_on"]


class TipAttachmentInline(_ReadOnlyInline):
    model = TipAttachment
    fields = readonly_fields = ["file", "content_type", "size", "width", "height"]


class TipActionInline(_ReadOnlyInline):
    model = TipAction
    fields = readonly_fields = ["action", "detail", "officer", "created_at"]


HIDDEN = ("receipt_digest", "request_fingerprint")


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ["reference", "category", "precinct", "urgency", "status", "received_on"]
    list_filter = ["category", "status", "urgency", "precinct"]
    search_fields = ["reference"]
    list_select_related = ["precinct"]
    date_hierarchy = "received_on"
    inlines = [TipMessageInline, TipAttachmentInline, TipActionInline]
    # The receipt digest and the form's fingerprint are for lookups, not for reading.
    exclude = HIDDEN
    readonly_fields = [field.name for field in Tip._meta.fields if field.name not in HIDDEN]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = staff_scope(request.user)
        if scope.precinct_ids is None:
            return queryset
        return queryset.filter(precinct_id__in=scope.precinct_ids) | queryset.filter(precinct__isnull=True)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
