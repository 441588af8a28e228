"""E-mail each new notification to the members who want e-mail right away. For cron, every
minute: posting never waits for the mail server, and running it twice sends nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from practices.services.emails import notification_emails_send


class Command(BaseCommand):
    help = (
        "Send one e-mail per unread notification to members whose preference is 'right away'. "
        "Each notification is e-mailed at most once (its emailed_at is set before sending); "
        "notifications older than NOTIFICATION_EMAIL_MAX_AGE_HOURS are left to the digest."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notification_emails_send()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} notification e-mail{'s' if sent != 1 else ''} sent.")
