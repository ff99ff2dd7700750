"""Administrators open categories to Open311 (with their questions) and issue, limit and revoke integrators' keys."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import LIST_DATATYPES, Open311ApiKey, Open311Attribute, Open311Service
from .services import open311_api_key_issue, open311_api_key_revoke

ERROR_VALUES_SHAPE = _('Values must be a list of {"key": "...", "name": "..."} with distinct keys.')
ERROR_VALUES_NEEDED = _("A list question needs at least one value.")
ERROR_VALUES_UNEXPECTED = _("Only list questions take values.")
MESSAGE_KEY_ISSUED = _("The api_key for {name} is {key}. Copy it now: it is not stored and will not be shown again.")
MESSAGE_REVOKED = _("Revoked {count} key(s).")


class Open311AttributeForm(forms.ModelForm):
    class Meta:
        model = Open311Attribute
        fields = ["order", "code", "description", "datatype", "required", "variable", "datatype_description", "values"]

    def clean(self):
        data = super().clean()
        values = data.get("values") or []
        shaped = isinstance(values, list) and all(
            isinstance(value, dict)
            and set(value) == {"key", "name"}
            and all(isinstance(v, str) and v for v in value.values())
            for value in values
        )
        if not shaped or len({value["key"] for value in values}) != len(values):
            raise ValidationError({"values": ERROR_VALUES_SHAPE})
        if data.get("datatype") in LIST_DATATYPES and not values:
            raise ValidationError({"values": ERROR_VALUES_NEEDED})
        if data.get("datatype") not in LIST_DATATYPES and values:
            raise ValidationError({"values": ERROR_VALUES_UNEXPECTED})
        return data


class Open311AttributeInline(admin.StackedInline):
    model = Open311Attribute
    form = Open311AttributeForm
    extra = 0


@admin.register(Open311Service)
class Open311ServiceAdmin(admin.ModelAdmin):
    list_display = ["category", "is_open", "group", "updated_at"]
    list_filter = ["is_open"]
    list_editable = ["is_open"]
    inlines = [Open311AttributeInline]


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "is_active", "revoked_at", "requests_per_minute", "requests_per_day",
                    "last_used_at"]  # fmt: skip
    list_filter = ["is_active"]
    filter_horizontal = ["categories"]
    readonly_fields = ["key_prefix", "reporter", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        raw_key = open311_api_key_issue(key=obj)
        self.message_user(request, str(MESSAGE_KEY_ISSUED).format(name=obj.name, key=raw_key), messages.WARNING)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = sum(open311_api_key_revoke(key_id=key.id) for key in queryset)
        self.message_user(request, str(MESSAGE_REVOKED).format(count=count))
