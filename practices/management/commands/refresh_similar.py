"""Recompute every visible practice's "practices like this" (after an import, or nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from practices.services.transfer import similar_refresh_all


class Command(BaseCommand):
    help = "Recompute the stored similar practices of every visible practice."

    def handle(self, *args: Any, **options: Any) -> None:
        count = similar_refresh_all()
        self.stdout.write(self.style.SUCCESS(f"Similar practices refreshed for {count}."))
