from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from backend.common.errors import Conflict

from .condolences import admin as condolences_admin  # noqa: F401 - registers its models
from .documents.codes import code_format
from .documents.services import MAX_REVOCATION_REASON, document_revoke
from .elections import admin as elections_admin  # noqa: F401 - registers the voter-excuse models
from .feedback import admin as feedback_admin  # noqa: F401 - registers its models
from .models import Complaint, ComplaintStatusChange, Constancia, IssuedDocument
from .permits import admin as permits_admin  # noqa: F401 - registers the permit models
from .registries import admin as registries_admin  # noqa: F401 - registers the registry models
from .reunification import admin as reunification_admin  # noqa: F401 - registers the reunification models


class RevocationForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REVOCATION_REASON, widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the record."
    )


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Every document the station issued; the only change allowed is revoking, with a reason."""

    list_display = ["folio", "kind", "title", "holder_run_masked", "status", "created_at", "valid_until", "key_id"]
    list_filter = ["kind", "status", "key_id"]
    search_fields = ["folio", "code"]
    date_hierarchy = "created_at"
    actions = ["revoke"]
    readonly_fields = [
        "kind",
        "folio",
        "verification_code",
        "owner",
        "holder_name",
        "holder_run_masked",
        "title",
        "subtitle",
        "public_facts",
        "valid_from",
        "valid_until",
        "key_id",
        "status",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "pdf",
        "pdf_rendered_at",
        "created_at",
    ]
    fields = readonly_fields

    @admin.display(description="Verification code")
    def verification_code(self, document):
        return code_format(document.code)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description="Revoke the selected documents (asks for a reason)", permissions=["change"])
    def revoke(self, request, queryset):
        form = RevocationForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for document in queryset:
                try:
                    document_revoke(document_id=document.id, reason=form.cleaned_data["reason"], actor=request.user)
                    revoked += 1
                except Conflict:
                    self.message_user(request, f"{document.folio} was already revoked.", messages.WARNING)
            self.message_user(request, f"Revoked {revoked} document(s).", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/station/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": "Revoke documents",
                "documents": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


class StatusChangeInline(admin.TabularInline):
    model = ComplaintStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status", "note", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["folio", "offense", "precinct", "status", "created_at"]
    list_filter = ["offense", "status", "precinct"]
    search_fields = ["folio"]
    list_select_related = ["precinct"]
    inlines = [StatusChangeInline]
    readonly_fields = [field.name for field in Complaint._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Constancia)
class ConstanciaAdmin(admin.ModelAdmin):
    list_display = ["folio", "kind", "precinct", "created_at"]
    list_filter = ["kind"]
    search_fields = ["folio"]
    readonly_fields = [field.name for field in Constancia._meta.fields]

    def has_add_permission(self, request):
        return False


from .tips import admin as tips_admin  # noqa: E402, F401
