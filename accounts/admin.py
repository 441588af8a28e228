from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts import services
from accounts.models import User


@admin.action(description="Make the selected members moderators")
def grant_moderation(modeladmin, request, queryset) -> None:
    for user in queryset:
        services.user_set_moderator(user=user, moderator=True)
    modeladmin.message_user(request, f"{len(queryset)} member(s) are now moderators.")


@admin.action(description="Take moderation away from the selected members")
def revoke_moderation(modeladmin, request, queryset) -> None:
    for user in queryset:
        services.user_set_moderator(user=user, moderator=False)
    modeladmin.message_user(request, f"{len(queryset)} member(s) are no longer moderators.")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    actions = [grant_moderation, revoke_moderation]
    # Moderation goes through the actions above (accounts.services); the verified flag mirrors
    # allauth's confirmed address and changes only when a member confirms it.
    readonly_fields = ["email_verified", "moderator", "last_login", "date_joined"]
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
