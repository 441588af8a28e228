"""What the practices app hears from the accounts app (connected in practices/apps.py)."""

from typing import Any

from accounts.signals import profile_changed
from practices import caching


def profile_changed_drop_pages(sender: Any, user: Any, **kwargs: Any) -> None:
    # Names and organisations show beside what members wrote, on pages of every kind.
    caching.drop_site()


def connect() -> None:
    profile_changed.connect(profile_changed_drop_pages, dispatch_uid="practices_profile_changed")
