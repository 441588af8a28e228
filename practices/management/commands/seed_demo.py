"""Load the demo members and practices. Safe to run again: what exists is left as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import user_create, user_set_moderator
from practices.demo import (
    ADAPTATIONS,
    COLLECTIONS,
    DEMO_PASSWORD,
    FOLLOWS,
    MEMBERS,
    PRACTICES,
)
from practices.models import Adaptation, Collection, Practice, Status, Tag
from practices.services.collections import collection_add_practice, collection_create
from practices.services.curation import practice_feature, practice_validate
from practices.services.follows import tag_follow
from practices.services.moderation import practice_approve
from practices.services.practices import EDITABLE_FIELDS, practice_create
from practices.services.target_groups import target_groups_ensure
from practices.services.transfer import adaptation_create, similar_refresh_all


class Command(BaseCommand):
    help = (
        "Create the demo members (password 'exchange-demo'), a dozen published practices and "
        "a collection. Idempotent: members are found by e-mail, practices by title and "
        "collections by title, and nothing that exists already is changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            members, new_members = self._members()
            new_practices = self._practices(members)
            new_collections = self._collections(members)
            self._follows(members)
            new_adaptations = self._adaptations(members)
            # Computed afresh each time: the same demo practices give the same ranks.
            similar_refresh_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {new_members} new members, {new_practices} new practices, "
                f"{new_collections} new collections, {new_adaptations} new adaptations "
                f"({len(MEMBERS)} members, "
                f"{len(PRACTICES)} practices and {len(COLLECTIONS)} collections in the demo set)."
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
        groups = target_groups_ensure()
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
                    data={field: spec[field] for field in EDITABLE_FIELDS if field in spec},
                    tags=spec["tags"],
                    target_groups=[groups[slug] for slug in spec["target_groups"]],
                    publish=True,
                )
                created += 1
            if practice.status == Status.PENDING:
                # A new member's first practice waits for approval; the demo's are approved.
                practice = practice_approve(practice=practice, moderator=moderator)
            if not practice.is_visible:
                continue
            if spec.get("validated"):
                practice_validate(practice=practice, moderator=moderator)
            if spec.get("featured"):
                practice_feature(practice=practice, moderator=moderator)
        return created

    def _collections(self, members: dict[str, User]) -> int:
        moderator = next(members[m["email"]] for m in MEMBERS if m.get("moderator"))
        titles = [title for spec in COLLECTIONS for title in spec["practices"]]
        practices = {p.title: p for p in Practice.objects.visible().filter(title__in=titles)}
        existing = set(
            Collection.objects.filter(title__in=[c["title"] for c in COLLECTIONS]).values_list(
                "title", flat=True
            )
        )
        created = 0
        for spec in COLLECTIONS:
            if spec["title"] in existing:
                continue
            collection = collection_create(
                moderator=moderator, title=spec["title"], introduction=spec["introduction"]
            )
            for title in spec["practices"]:
                if title in practices:
                    collection_add_practice(
                        collection=collection, moderator=moderator, practice=practices[title]
                    )
            created += 1
        return created

    # --- Follows ------------------------------------------------------------------------------

    def _follows(self, members: dict[str, User]) -> None:
        """The demo members' tags (practices.demo.FOLLOWS); following again changes nothing."""
        wanted = {name for names in FOLLOWS.values() for name in names}
        tags = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
        for email, names in FOLLOWS.items():
            for name in names:
                if name in tags:
                    tag_follow(user=members[email], tag=tags[name])

    def _adaptations(self, members: dict[str, User]) -> int:
        """The demo's adaptations; one that exists (same author and original) is left alone."""
        titles = [spec["original"] for spec in ADAPTATIONS]
        originals = {p.title: p for p in Practice.objects.visible().filter(title__in=titles)}
        created = 0
        for spec in ADAPTATIONS:
            original = originals.get(spec["original"])
            author = members[spec["author"]]
            if original is None:
                continue
            if Adaptation.objects.filter(original=original, author=author).exists():
                continue
            fields = ("city", "country", "organisation", "organisation_type", "changes")
            data = {name: spec[name] for name in (*fields, "outcome", "stage")}
            adaptation_create(original=original, author=author, data=data)
            created += 1
        return created
