"""Every write to a member's account goes through here."""

from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_mark_email_verified(*, user: User, email: str) -> User:
    if user.email.lower() == email.lower() and not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True
    return user


@transaction.atomic
def user_update_profile(*, user: User, data: dict) -> User:
    fields = ["display_name", "role", "organisation", "city", "country", "bio"]
    for field in fields:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save(update_fields=[f for f in fields if f in data])
    return user


@transaction.atomic
def user_set_moderator(*, user: User, moderator: bool) -> User:
    user.moderator = moderator
    user.save(update_fields=["moderator"])
    return user
