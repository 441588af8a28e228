"""Load the demo members and practices. Safe to run again: what exists is left as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import user_create, user_set_moderator
from practices.demo import DEMO_PASSWORD, MEMBERS, PRACTICE_FIELDS, PRACTICES
from practices.models import Practice, TargetGroup
from practices.services.curation import practice_feature, practice_validate
from practices.services.practices import practice_create


class Command(BaseCommand):
    help = (
        "Create the demo members (password 'exchange-demo') and a dozen published practices. "
        "Idempotent: members are found by e-mail and practices by title, and nothing that "
        "exists already is changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            members, new_members = self._members()
            new_practices = self._practices(members)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {new_members} new members, {new_practices} new practices "
                f"({len(MEMBERS)} members and {len(PRACTICES)} practices in the demo set)."
            )
        )

    def _members(self) -> tuple[dict[str, User], int]:
        members: dict[str, User] = {}
        created = 0
        for spec in MEMBERS:
            user = User.objects.filter(email=spec["email"]).first()
            if user is None:
                user = user_create(
                    email=spec["email"],
                    password=DEMO_PASSWORD,
                    display_name=spec["display_name"],
                    role=spec["role"],
                    organisation=spec["organisation"],
                    city=spec["city"],
                    country=spec["country"],
                    bio=spec["bio"],
                    email_verified=True,
                )
                created += 1
            if spec.get("moderator"):
                user = user_set_moderator(user=user, moderator=True)
            members[spec["email"]] = user
        return members, created

    def _practices(self, members: dict[str, User]) -> int:
        moderator = next(members[m["email"]] for m in MEMBERS if m.get("moderator"))
        groups = {group.slug: group for group in TargetGroup.objects.all()}
        existing = {
            practice.title: practice
            for practice in Practice.objects.filter(title__in=[p["title"] for p in PRACTICES])
        }
        created = 0
        for spec in PRACTICES:
            practice = existing.get(spec["title"])
            if practice is None:
                practice = practice_create(
                    author=members[spec["author"]],
                    data={field: spec[field] for field in PRACTICE_FIELDS if field in spec},
                    tags=spec["tags"],
                    target_groups=[groups[slug] for slug in spec["target_groups"]],
                    publish=True,
                )
                created += 1
            if not practice.is_visible:
                continue
            if spec.get("validated"):
                practice_validate(practice=practice, moderator=moderator)
            if spec.get("featured"):
                practice_feature(practice=practice, moderator=moderator)
        return created
