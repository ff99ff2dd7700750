from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from .models import AuthToken, User
from .services import token_revoke, user_password_set


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" form, saving through the service so the user's tokens are revoked."""

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        user_password_set(user=self.user, password=password)
        return self.user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = PasswordChangeForm
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency", "identity_verified_by", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "rut"]
    filter_horizontal = ["precincts", "groups", "user_permissions"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Role and scope", {"fields": ["role", "agency", "rut", "phone", "prefecture", "precincts"]}),
        ("Identity", {"fields": ["identity_verified_by", "identity_verified_at"]}),
        ("Preferences", {"fields": ["language"]}),
    ]


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Who holds API tokens, for revoking one (a lost phone); keys are stored hashed and cannot be shown."""

    list_display = ["token_key", "user", "created", "expiry"]
    search_fields = ["token_key", "user__username"]
    list_select_related = ["user"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        token_revoke(token=obj)
