"""Ask authors whether their practices still run, a year after publication or the last
answer. For cron (daily); running it again asks nobody twice for the same period."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from practices.services.transfer import checkins_send


def parse_now(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now takes a date such as 2027-12-01, not {text!r}.") from None
    if value.tzinfo is None:
        if len(text) <= 10:
            value = datetime.combine(value.date(), time(12, 0))
        value = timezone.make_aware(value)
    return value


class Command(BaseCommand):
    help = "Send the check-ins that are due (a notification and an e-mail to each author)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now",
            help="Act as if it were this date or time (ISO, e.g. 2027-12-01); default: now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"]) if options.get("now") else timezone.now()
        run = checkins_send(now=now)
        self.stdout.write(
            self.style.SUCCESS(f"Check-ins: {run.asked} asked, {run.emailed} e-mailed.")
        )
