"""Grant or revoke moderation from the command line, or list the moderators.

    python manage.py moderator grant alice@example.org
    python manage.py moderator revoke alice@example.org
    python manage.py moderator list

Goes through accounts.services.user_set_moderator, like the admin: the `moderator` flag and
the "Moderators" group stay in step, and the change is written to the moderation log (with
no member as its author: it came from the command line).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import user_set_moderator


class Command(BaseCommand):
    help = "Grant or revoke moderation (grant|revoke EMAIL), or list the moderators (list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["grant", "revoke", "list"])
        parser.add_argument("email", nargs="?", help="the member's e-mail address")

    def handle(self, *args: Any, operation: str, email: str | None, **options: Any) -> None:
        if operation == "list":
            moderators = User.objects.filter(moderator=True).order_by("email")
            for user in moderators:
                self.stdout.write(f"{user.email}\t{user.display_name}")
            if not moderators:
                self.stdout.write("No moderators yet.")
            return
        if not email:
            raise CommandError(f"Say whose moderation to {operation}: moderator {operation} EMAIL")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No member has the e-mail address {email!r}.")
        grant = operation == "grant"
        if user.moderator == grant:
            user_set_moderator(user=user, moderator=grant)
            state = "already a moderator" if grant else "not a moderator"
            self.stdout.write(f"{user.email} is {state}; nothing changed.")
            return
        user_set_moderator(user=user, moderator=grant)
        state = "is now a moderator" if grant else "is no longer a moderator"
        self.stdout.write(self.style.SUCCESS(f"{user.email} {state}."))
