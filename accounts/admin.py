from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "role",
        "organisation",
        "country",
        "email_verified",
        "moderator",
    ]
    list_filter = ["role", "email_verified", "moderator", "is_active", "is_staff"]
    search_fields = ["email", "display_name", "organisation", "city"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "role", "organisation", "city", "country", "bio")}),
        (
            "Standing",
            {"fields": ("email_verified", "moderator", "suspended_until", "suspension_reason")},
        ),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )
