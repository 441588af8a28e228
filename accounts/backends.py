"""Who a request's member is, read once per change of the member rather than per request.

Every logged-in request and socket asks the authentication backend for the member whose id
its session holds. The member's row is kept in the cache beside the session (which
`cached_db` keeps there too), so a member's request reads neither from the database while the
cache holds both. Logging in (allauth's e-mail and password, the admin's form) is allauth's
backend unchanged.

The kept row is dropped whenever the member's row is written: `member_forget`, from the
`post_save` and `post_delete` of the user model (accounts/apps.py) and from the services that
write with `.update()`. A signal, not the services alone, because allauth (password change and
reset, e-mail confirmation, last login) and the admin save members without going through
them, and a member whose password changed or who was suspended must be told so at their next
request. It is dropped again when the write commits, so that a request which read the old row
while the write was under way does not keep it; `MEMBER_SECONDS` bounds what such a race,
or a write beside the model (raw SQL), can leave behind.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

MEMBER_SECONDS = 600
# Part of the key: a release that changes the user model's fields changes this, so no
# process reads a row pickled with other fields.
MEMBER_LAYOUT = 1


def member_key(user_id: Any) -> str:
    return f"member:{MEMBER_LAYOUT}:{user_id}"


def member_forget(user_id: Any) -> None:
    """Drop the kept row of this member now and when the current transaction commits."""
    key = member_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def member_row_written(sender: type, instance: Any, **kwargs: Any) -> None:
    member_forget(instance.pk)


class MemberBackend(AuthenticationBackend):
    def get_user(self, user_id: Any) -> Any:
        key = member_key(user_id)
        user = cache.get(key)
        if user is None:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            cache.set(key, user, MEMBER_SECONDS)
        return user if self.user_can_authenticate(user) else None
