"""Send the daily and weekly digests. For cron, once a day (say at 06:00): daily digests
cover the day before, weekly ones the ISO week before (sent on the first run of the week),
in the site's time zone. Running it again for the same period sends nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import EmailFrequency
from practices.services.emails import DIGEST_FREQUENCIES, digest_period, digests_send


class Command(BaseCommand):
    help = (
        "Send each member who wants a daily or weekly digest the digest of the last whole "
        "period, made from their own notifications. Empty digests are not sent; every period "
        "is recorded, so that no member gets the same period twice, even from two runs at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--frequency",
            choices=[str(value) for value in DIGEST_FREQUENCIES],
            help="Only this kind of digest (default: both).",
        )
        parser.add_argument(
            "--now",
            help="Pretend it is this time (ISO 8601 with a time zone), to catch up a missed run.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("now"):
            now = parse_datetime(options["now"])
            if now is None or now.tzinfo is None:
                raise CommandError("--now needs an ISO 8601 time with a time zone.")
        frequencies = (
            (EmailFrequency(options["frequency"]),)
            if options.get("frequency")
            else DIGEST_FREQUENCIES
        )
        run = digests_send(frequencies=frequencies, now=now)
        if options["verbosity"] >= 1:
            moment = now or timezone.now()
            for frequency in frequencies:
                start, end = digest_period(frequency=frequency, now=moment)
                self.stdout.write(
                    f"{frequency}: {start:%Y-%m-%d} to {end:%Y-%m-%d}, "
                    f"{run.by_frequency.get(frequency, 0)} sent"
                )
            self.stdout.write(
                f"Digests: {run.sent} sent, {run.empty} empty, {run.already} sent before, "
                f"{run.failed} failed."
            )
        if run.failed:
            raise CommandError(f"{run.failed} digest(s) could not be sent; the next run retries.")
