from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from practices.admin_actions import ReasonForm, form_action, service_action


class SuspendActionForm(forms.Form):
    until = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The suspension ends at the start of this day. Empty: until further notice."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=services.SUSPENSION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member sees it on every page while suspended."),
    )

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean_until(self) -> Any:
        day = self.cleaned_data.get("until")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(gettext("Choose a day after today."), code="past")
        return day


def _suspend(user: User, actor: User, data: dict[str, Any]) -> User:
    day = data.get("until")
    until = timezone.make_aware(datetime.combine(day, time.min)) if day else None
    return services.user_suspend(user=user, moderator=actor, reason=data["reason"], until=until)


grant_moderation = service_action(
    lambda user, actor: services.user_set_moderator(user=user, moderator=True, actor=actor),
    description=_("Make the selected members moderators"),
    done=_("Now moderators"),
    name="grant_moderation",
)
revoke_moderation = service_action(
    lambda user, actor: services.user_set_moderator(user=user, moderator=False, actor=actor),
    description=_("Take moderation away from the selected members"),
    done=_("No longer moderators"),
    name="revoke_moderation",
)
suspend_members = form_action(
    _suspend,
    description=_("Suspend the selected members"),
    done=_("Suspended"),
    name="suspend_members",
    form_class=SuspendActionForm,
)
unsuspend_members = form_action(
    lambda user, actor, data: services.user_unsuspend(
        user=user, moderator=actor, reason=data.get("reason") or ""
    ),
    description=_("Lift the suspension of the selected members"),
    done=_("Suspension lifted"),
    name="unsuspend_members",
    form_class=ReasonForm,
    form_kwargs={"required": False},
)


class SuspendedFilter(admin.SimpleListFilter):
    title = _("suspended")
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Suspended now")), ("no", gettext("Not suspended"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(suspended_until__gt=now)
        if self.value() == "no":
            return queryset.exclude(suspended_until__gt=now)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    actions = [grant_moderation, revoke_moderation, suspend_members, unsuspend_members]
    # Moderation and suspensions go through the actions above (accounts.services), which keep
    # the "Moderators" group in step and write the moderation log; the verified flag mirrors
    # allauth's confirmed address and changes only when a member confirms it.
    readonly_fields = [
        "email_verified",
        "moderator",
        "suspended_until",
        "suspension_reason",
        "groups",
        "last_login",
        "date_joined",
    ]
    list_display = [
        "email",
        "display_name",
        "role",
        "organisation",
        "country",
        "email_verified",
        "moderator",
        "suspended_until",
    ]
    list_filter = ["role", "email_verified", "moderator", SuspendedFilter, "is_active", "is_staff"]
    search_fields = ["email", "display_name", "organisation", "city"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "role", "organisation", "city", "country", "bio")},
        ),
        (
            _("Standing"),
            {"fields": ("email_verified", "moderator", "suspended_until", "suspension_reason")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )
