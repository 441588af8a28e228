"""Every write to a member's account goes through here."""

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Role, User

PROFILE_FIELDS = ("display_name", "role", "organisation", "city", "country", "bio")


def normalise_display_name(name: str) -> str:
    return " ".join((name or "").split())


HANDLE_MAX_LENGTH = 40


def handle_for(name: str, *, exclude_pk: int | None = None) -> str:
    """A free @handle made from a name: "Amira Haddad" -> "amira-haddad", then -2, -3…"""
    base = slugify(name)[: HANDLE_MAX_LENGTH - 4].strip("-") or "member"
    taken = User.objects.filter(handle__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    names = set(taken.values_list("handle", flat=True))
    if base not in names:
        return base
    n = 2
    while f"{base}-{n}" in names:
        n += 1
    return f"{base}-{n}"


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
    return user


@transaction.atomic
def user_set_moderator(*, user: User, moderator: bool) -> User:
    """Grant or revoke moderation; setting the value it already has writes nothing."""
    if user.moderator != moderator:
        user.moderator = moderator
        user.save(update_fields=["moderator"])
    return user
