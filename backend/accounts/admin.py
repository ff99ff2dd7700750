from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency", "identity_verified_by", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "rut"]
    filter_horizontal = ["precincts", "groups", "user_permissions"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Role and scope", {"fields": ["role", "agency", "rut", "phone", "prefecture", "precincts"]}),
        ("Identity", {"fields": ["identity_verified_by", "identity_verified_at"]}),
    ]
