"""Every write to a member's account goes through here."""

from datetime import UTC, datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import signals
from accounts.backends import member_forget
from accounts.models import EmailFrequency, Role, User
from practices.slugs import free_slug

PROFILE_FIELDS = ("display_name", "role", "organisation", "city", "country", "bio")


def normalise_display_name(name: str) -> str:
    return " ".join((name or "").split())


HANDLE_MAX_LENGTH = 40


def handle_for(name: str, *, exclude_pk: int | None = None) -> str:
    """A free @handle made from a name: "Amira Haddad" -> "amira-haddad", then -2, -3…"""
    base = slugify(name)[: HANDLE_MAX_LENGTH - 4].strip("-") or "member"
    taken = User.objects.all() if exclude_pk is None else User.objects.exclude(pk=exclude_pk)
    return free_slug(base, taken=taken, field="handle")


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str,
    role: str = Role.OTHER,
    organisation: str = "",
    city: str = "",
    country: str = "",
    bio: str = "",
    email_verified: bool = False,
) -> User:
    """Create a member outside the sign-up form (demo data, scripts), with allauth's address row.

    Sign-up through the site goes through allauth and AccountAdapter.save_user instead.
    """
    user = User(
        email=User.objects.normalize_email(email).lower(),
        display_name=normalise_display_name(display_name),
        handle=handle_for(display_name),
        role=role,
        organisation=organisation.strip(),
        city=city.strip(),
        country=country,
        bio=bio.strip(),
        email_verified=email_verified,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=email_verified, primary=True)
    return user


@transaction.atomic
def user_mark_email_verified(*, user: User, email: str) -> User:
    """Mirror allauth's verified primary address onto the user row (idempotent)."""
    if user.email.lower() == email.lower() and not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        member_forget(user.pk)
        user.email_verified = True
    return user


def user_apply_signup_profile(*, user: User, data: dict[str, Any]) -> User:
    """Fill the profile of a member who is signing up; allauth saves the row afterwards."""
    user.display_name = normalise_display_name(data["display_name"])
    user.handle = handle_for(user.display_name)
    user.role = data["role"]
    user.organisation = (data.get("organisation") or "").strip()
    user.city = (data.get("city") or "").strip()
    user.country = data.get("country") or ""
    # They signed up reading the site in this language: write to them in it until they choose.
    if translation.get_language() in dict(settings.LANGUAGES):
        user.language = translation.get_language()
    return user


@transaction.atomic
def user_update_profile(*, user: User, data: dict[str, Any]) -> User:
    """Save the profile fields given in data; on invalid input raise and leave user untouched."""
    changes: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "display_name":
            value = normalise_display_name(value)
        elif isinstance(value, str):
            value = value.strip()
        changes[field] = value
    original = {field: getattr(user, field) for field in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        user.full_clean(
            exclude=[f.name for f in User._meta.fields if f.name not in changes],
            validate_unique=False,
        )
    except ValidationError:
        for field, value in original.items():
            setattr(user, field, value)
        raise
    if changes:
        user.save(update_fields=list(changes))
        signals.profile_changed.send(sender=User, user=user)
    return user


@transaction.atomic
def user_set_moderator(*, user: User, moderator: bool, actor: User | None = None) -> User:
    """Grant or revoke moderation: the `moderator` flag and membership of the "Moderators"
    group (with the moderation permissions, for the admin) are kept in step. Setting the value
    it already has changes and records nothing. `actor` is the superuser acting in the admin,
    or None on the command line; either way the change is audited."""
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied(_("Only an administrator may grant or revoke moderation."))
    group = moderator_group()
    in_group = user.groups.filter(pk=group.pk).exists()
    if moderator and not in_group:
        user.groups.add(group)
    elif not moderator and in_group:
        user.groups.remove(group)
    if user.moderator != moderator:
        user.moderator = moderator
        user.save(update_fields=["moderator"])
        from practices.services.moderation import moderation_action_record

        moderation_action_record(
            actor=actor,
            action="user.grant_moderation" if moderator else "user.revoke_moderation",
            target=user,
            data={} if actor is not None else {"via": "command line"},
        )
    return user


# --- E-mail preference ----------------------------------------------------------------------


def _user_set_choice(*, user: User, field: str, value: str, allowed: Any, message: str) -> User:
    """Save one of a member's choices; a value not in `allowed` is refused with a
    ValidationError on `field` and changes nothing. The value it already has saves nothing."""
    if value not in allowed:
        raise ValidationError({field: message}, code="invalid_choice")
    if getattr(user, field) != value:
        setattr(user, field, value)
        user.save(update_fields=[field])
    return user


def user_set_email_frequency(*, user: User, frequency: str) -> User:
    """How often the member wants e-mail about what they follow (one of EmailFrequency)."""
    return _user_set_choice(
        user=user,
        field="email_frequency",
        value=frequency,
        allowed=EmailFrequency.values,
        message=_("Choose one of the options in the list."),
    )


def user_set_language(*, user: User, language: str) -> User:
    """The interface language the member reads in, on every device they log in from (one of
    settings.LANGUAGES)."""
    return _user_set_choice(
        user=user,
        field="language",
        value=language,
        allowed=dict(settings.LANGUAGES),
        message=_("Choose one of the languages in the list."),
    )


# --- Moderation: the moderators' group, suspensions -----------------------------------------

MODERATOR_GROUP = "Moderators"
# What the "Moderators" group may see and change in the admin (staff members only reach the
# admin); the moderation pages ask for the `moderator` flag, which the group mirrors.
MODERATOR_PERMISSIONS = {
    "practices": (
        "view_practice",
        "change_practice",
        "view_comment",
        "change_comment",
        "view_report",
        "change_report",
        "view_moderationaction",
        "view_collection",
        "add_collection",
        "change_collection",
        "view_collectionitem",
        "view_tag",
        "change_tag",
        "view_tagredirect",
        "view_tagfollow",
        "view_practicefollow",
    ),
    "accounts": ("view_user", "change_user"),
}
# Suspended "until further notice" is stored as this far-away moment.
SUSPENDED_INDEFINITELY = datetime(9999, 1, 1, tzinfo=UTC)
SUSPENSION_REASON_MAX_LENGTH = 500


def moderator_group() -> Group:
    """The "Moderators" group with its permissions, created the first time it is needed."""
    group, _created = Group.objects.get_or_create(name=MODERATOR_GROUP)
    wanted = Permission.objects.filter(
        Q(content_type__app_label="practices", codename__in=MODERATOR_PERMISSIONS["practices"])
        | Q(content_type__app_label="accounts", codename__in=MODERATOR_PERMISSIONS["accounts"])
    )
    missing = wanted.exclude(pk__in=group.permissions.values("pk"))
    if missing.exists():
        group.permissions.add(*missing)
    return group


def suspension_is_indefinite(user: User) -> bool:
    return user.suspended_until is not None and user.suspended_until >= SUSPENDED_INDEFINITELY


@transaction.atomic
def user_suspend(
    *, user: User, moderator: User, reason: str, until: datetime | None = None
) -> User:
    """Suspend a member until a time, or indefinitely (until=None), with a reason they will
    see on every page. While suspended they cannot post, comment, report or follow; their
    open sockets are told on commit and close. Suspending again changes the end and reason.
    Moderators cannot be suspended (take moderation away first), nor can one suspend oneself."""
    from practices import events
    from practices.models import NotificationKind
    from practices.services.moderation import (
        clean_reason,
        moderation_action_record,
        moderation_check,
    )
    from practices.services.notifications import notification_send

    moderation_check(moderator)
    reason = clean_reason(reason, required=True, max_length=SUSPENSION_REASON_MAX_LENGTH)
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot suspend yourself."), code="self")
    if user.is_moderator:
        raise ValidationError(
            _("Moderators cannot be suspended: take moderation away first."), code="moderator"
        )
    if until is not None and until <= timezone.now():
        raise ValidationError({"until": _("Choose a moment in the future.")}, code="past")
    current = User.objects.select_for_update().get(pk=user.pk)
    previous = current.suspended_until if current.is_suspended else None
    current.suspended_until = until or SUSPENDED_INDEFINITELY
    current.suspension_reason = reason
    current.save(update_fields=["suspended_until", "suspension_reason"])
    indefinite = until is None
    entry = moderation_action_record(
        actor=moderator,
        action="user.suspend",
        target=current,
        reason=reason,
        data={
            "until": None if indefinite else until.isoformat(),
            "previous_until": previous.isoformat() if previous else None,
        },
    )
    events.user_suspended(user_id=current.pk, until=None if indefinite else until.isoformat())
    if indefinite:
        message = _("Your account is suspended until further notice. Reason: %(reason)s") % {
            "reason": reason
        }
    else:
        message = _("Your account is suspended until %(end)s. Reason: %(reason)s") % {
            "end": date_format(timezone.localtime(until), "d F Y, H:i"),
            "reason": reason,
        }
    notification_send(
        recipient=current,
        kind=NotificationKind.MODERATION,
        dedupe_key=f"moderation:{entry.pk}",
        actor=moderator,
        message=message,
    )
    user.suspended_until = current.suspended_until
    user.suspension_reason = current.suspension_reason
    return current


@transaction.atomic
def user_unsuspend(*, user: User, moderator: User, reason: str = "") -> User:
    """Lift a suspension before its end."""
    from practices.models import NotificationKind
    from practices.services.moderation import (
        clean_reason,
        moderation_action_record,
        moderation_check,
    )
    from practices.services.notifications import notification_send

    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    current = User.objects.select_for_update().get(pk=user.pk)
    if not current.is_suspended:
        raise ValidationError(_("This member is not suspended."), code="not_suspended")
    previous_until, previous_reason = current.suspended_until, current.suspension_reason
    current.suspended_until = None
    current.suspension_reason = ""
    current.save(update_fields=["suspended_until", "suspension_reason"])
    entry = moderation_action_record(
        actor=moderator,
        action="user.unsuspend",
        target=current,
        reason=reason,
        data={"until": previous_until.isoformat(), "suspension_reason": previous_reason},
    )
    notification_send(
        recipient=current,
        kind=NotificationKind.MODERATION,
        dedupe_key=f"moderation:{entry.pk}",
        actor=moderator,
        message=_("Your suspension is lifted: welcome back.") + (f" {reason}" if reason else ""),
    )
    user.suspended_until = None
    user.suspension_reason = ""
    return current
