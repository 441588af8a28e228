"""Build a large, realistic data set for the benchmark (scripts/bench.py), quickly.

    python manage.py seed_bench --practices 100000 --comments 1000000

Rows are built in Python and loaded in bulk: COPY on PostgreSQL, batched INSERTs on SQLite.
Nothing goes through the services (they are what the benchmark measures), so this command
keeps by itself what the services keep: rendered HTML, the stored search vector, one
revision per practice, per-thread sequence numbers (seq and changed_seq, edits and deletions
drawing from the same counter), and comment_count / comment_seq / last_activity_at on every
practice agreeing with its comments.

The data: members in every role (a few moderators, suspended and unverified ones), tags on
a long-tail (Zipf) distribution, practices across Europe in every area, stage and status,
threads of varied length (most short, a few long; some of exactly 20 and 100 comments for
the detail pages), replies, edits and deletions, tag and practice follows, and one tag
(FOLLOWED_TAG) followed by --tag-followers members.

A marker row records the sizes. Running again with the same sizes does nothing; other sizes
are refused unless --replace, which empties the tables first. The command refuses to touch a
database that holds members who are not bench members.
"""

from __future__ import annotations

import bisect
import json
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Role, User
from practices.markdown import render_markdown
from practices.models import (
    Area,
    Comment,
    OrganisationType,
    Practice,
    PracticeFollow,
    PracticeRevision,
    Stage,
    Status,
    Tag,
    TagFollow,
    TaggedPractice,
    TargetGroup,
)
from practices.services.practices import MARKDOWN_FIELDS, practice_slug

BENCH_DOMAIN = "bench.example"
MARKER_EMAIL = f"reader@{BENCH_DOMAIN}"
MARKER_PREFIX = "seed_bench:"
BENCH_PASSWORD = "bench-password"
DATA_VERSION = 3
# The tag that --tag-followers members follow: posting under it is the fan-out benchmark.
FOLLOWED_TAG = "language learning"
# Search terms with known frequencies: the rare one is in about 1 practice in 10,000, the
# common one in most of them.
RARE_TERM = "samovar"
COMMON_TERM = "language"
# Thread lengths the detail-page benchmark looks for (comment_count == comment_seq == n).
FIXED_THREADS = (20, 100)
FIXED_THREAD_COPIES = 3

# --- Vocabulary -----------------------------------------------------------------------------

CITIES = [
    ("BE", "Ghent"), ("BE", "Antwerp"), ("BE", "Brussels"), ("BE", "Liège"),
    ("NL", "Rotterdam"), ("NL", "Utrecht"), ("NL", "Amsterdam"), ("DE", "Leipzig"),
    ("DE", "Hamburg"), ("DE", "Munich"), ("DE", "Cologne"), ("DE", "Berlin"),
    ("FR", "Lyon"), ("FR", "Marseille"), ("FR", "Lille"), ("FR", "Nantes"),
    ("IT", "Bologna"), ("IT", "Milan"), ("IT", "Turin"), ("IT", "Palermo"),
    ("ES", "Barcelona"), ("ES", "Valencia"), ("ES", "Bilbao"), ("PT", "Lisbon"),
    ("PT", "Porto"), ("AT", "Vienna"), ("AT", "Graz"), ("CH", "Zurich"),
    ("SE", "Malmö"), ("SE", "Gothenburg"), ("DK", "Aarhus"), ("FI", "Tampere"),
    ("FI", "Helsinki"), ("NO", "Oslo"), ("PL", "Gdańsk"), ("PL", "Wrocław"),
    ("CZ", "Brno"), ("GR", "Athens"), ("GR", "Thessaloniki"), ("IE", "Dublin"),
]  # fmt: skip
FIRST_NAMES = [
    "Amira", "Jonas", "Sofia", "Luca", "Fatima", "Ahmed", "Eva", "Mateo", "Nadia", "Pieter",
    "Léa", "Yusuf", "Ingrid", "Omar", "Chiara", "Milan", "Aylin", "Tomás", "Greta", "Samir",
]  # fmt: skip
LAST_NAMES = [
    "Haddad", "Berg", "Rossi", "Novak", "Diallo", "Janssens", "Moreau", "Kaya", "Müller",
    "García", "Nilsen", "Kowalska", "Papadopoulos", "Silva", "Byrne", "Horvat", "Okafor",
]  # fmt: skip
ORGANISATIONS = [
    "Stadtteilschule Nord", "City of {city}", "Welcome Centre {city}", "{city} Refugee Council",
    "Migrant Women's Network", "Open School {city}", "Newcomers' Association", "Youth Bridge",
]  # fmt: skip
TAG_WORDS = [
    "language", "learning", "mentoring", "volunteers", "school", "parents", "employment",
    "housing", "health", "participation", "sport", "culture", "women", "youth", "training",
    "social media", "outreach", "reception", "orientation", "citizenship", "digital",
    "intercultural", "neighbourhood", "trauma", "childcare", "recognition", "skills",
    "entrepreneurship", "library", "theatre", "music", "cooking", "gardening", "football",
    "buddy", "peer support", "translation", "interpreting", "legal advice", "counselling",
]  # fmt: skip
TITLES = [
    "{a} for newly arrived families in {city}",
    "Peer {a} between specialised and mainstream teachers",
    "Reaching migrant volunteers through {a}",
    "A {a} programme run with the city of {city}",
    "Bringing migrants into local democracy with {a}",
    "{a} in the neighbourhood: what {city} learned",
]  # fmt: skip
PARAGRAPHS = [
    "We started with a small group of {n} participants and met every week in the school "
    "library. Language support came from volunteers who had arrived a few years earlier.",
    "The city paid for **one coordinator** and the rooms; everything else was done by "
    "volunteers. After the first year {n} families had taken part.",
    "Teachers from the reception classes swapped know-how with mainstream teachers: "
    "joint lessons, shared materials and a short language guide for every subject.",
    "- weekly meetings\n- a buddy for every newcomer\n- a small budget for trips\n"
    "- one evening a month for parents",
    "Targeted messages on social media, in the languages people speak at home, brought "
    "more volunteers than posters ever did. Personal contact did the rest.",
    "Results: {n} participants, {m} of them still involved after a year. The evaluation "
    "by the university found better attendance and more confidence in speaking.",
    "Difficulties: rooms were hard to find in the evening, and interpreting cost more "
    "than planned. Childcare during the sessions made the difference for mothers.",
    "Tips for transfer: start small, ask the people concerned what they need, and keep "
    "the city informed from the first day. A shared calendar helps.",
    "The migrant organisation ran the sessions; the city provided training and a "
    "[short guide](https://example.org/guide) that others may reuse.",
    "Housing officers and school staff met once a month to plan together, so that "
    "families who moved were not lost between services.",
]  # fmt: skip
SUMMARIES = [
    "How {org} in {city} helped newcomers with {a}, and what other cities can take from it.",
    "A {a} project for migrants and refugees in {city}: who did what, with which results.",
    "What {city} did about {a}, with numbers after {n} months and tips for transfer.",
]  # fmt: skip
COMMENTS = [
    "Thank you for sharing this. We tried something similar in our city.",
    "How did you find the volunteers? We struggle with that in **our** school.",
    "Did the city pay for the coordinator after the pilot, or did you find other funding?",
    "We adapted this for parents of pupils in reception classes: it worked well.",
    "Interesting! What did the evaluation measure exactly?",
    "One tip from us: do not forget childcare, or mothers cannot come.",
    "Could you share the language guide? The link seems to be [here](https://example.org).",
    "We had the same difficulty with rooms in the evening. The library helped us out.",
    "- start small\n- ask people\n- keep the city informed\n\nThat matches our experience.",
    "How many sessions did a participant attend on average?",
    "Great practice. We will present it at our next network meeting.",
    "Did you work with interpreters, or with volunteers who speak the languages?",
]  # fmt: skip


def zipf_weights(count: int, exponent: float = 1.07) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


# --- Loading rows ---------------------------------------------------------------------------


class Loader:
    """Writes rows (tuples in the order of `fields`) to a model's table: COPY on PostgreSQL,
    executemany in batches elsewhere."""

    BATCH = 2000

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.columns = [model._meta.get_field(name).column for name in fields]

    def load(self, rows: Iterable[tuple]) -> int:
        if connection.vendor == "postgresql":
            return self._copy(rows)
        return self._insert(rows)

    def _copy(self, rows: Iterable[tuple]) -> int:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        count = 0
        sql = f"COPY {self.table} ({quoted}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def _insert(self, rows: Iterable[tuple]) -> int:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {self.table} ({quoted}) VALUES ({marks})"  # noqa: S608
        count = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) >= self.BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


# --- The plan -------------------------------------------------------------------------------


@dataclass
class ThreadPlan:
    """What one practice's thread will hold: `created` comments, of which `edited` are later
    edited and `deleted` later deleted, each change taking the next sequence number."""

    created: int = 0
    edited: int = 0
    deleted: int = 0
    gap_seconds: int = 3600

    @property
    def comment_count(self) -> int:
        return self.created - self.deleted

    @property
    def comment_seq(self) -> int:
        return self.created + self.edited + self.deleted


@dataclass
class Sizes:
    practices: int
    comments: int
    members: int
    tags: int
    tag_followers: int
    seed: int

    def as_dict(self) -> dict[str, int]:
        # The version changes whenever the data this command writes changes.
        return {**self.__dict__, "version": DATA_VERSION}


class Command(BaseCommand):
    help = (
        "Build a large benchmark data set with bulk inserts: members, long-tail tags, "
        "practices, threads, follows. Same sizes again: nothing to do."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--practices", type=int, default=100_000)
        parser.add_argument("--comments", type=int, default=None, help="default: 10 per practice")
        parser.add_argument(
            "--members", type=int, default=None, help="default: max(practices/4, followers+2000)"
        )
        parser.add_argument("--tags", type=int, default=None, help="default: practices/40")
        parser.add_argument(
            "--tag-followers",
            type=int,
            default=10_000,
            help=f"members who follow the tag '{FOLLOWED_TAG}'",
        )
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty the bench tables first when the database holds other sizes",
        )

    # --- Entry ----------------------------------------------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        practices = max(options["practices"], 10)
        followers = max(options["tag_followers"], 0)
        sizes = Sizes(
            practices=practices,
            comments=options["comments"] if options["comments"] is not None else practices * 10,
            members=options["members"] or max(practices // 4, followers + 2000, 50),
            tags=options["tags"] or max(practices // 40, 30),
            tag_followers=followers,
            seed=options["seed"],
        )
        if sizes.tag_followers > sizes.members - 2:
            raise CommandError("--tag-followers must be smaller than --members.")
        existing = self._existing_sizes()
        if existing == sizes.as_dict():
            self.stdout.write(f"Bench data with these sizes is already loaded: {existing}")
            return
        if existing is not None or self._has_data():
            if not options["replace"]:
                raise CommandError(
                    f"This database already holds data ({existing or 'not bench data'}). "
                    "Run with --replace to empty it and load the new sizes, or use another "
                    "database."
                )
            self._refuse_foreign_members()
            self._empty()
        started = time.monotonic()
        # Reproducible data, not secrets.
        self.rng = random.Random(sizes.seed)  # noqa: S311
        self.sizes = sizes
        with transaction.atomic():
            self._load(sizes)
        self._after_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {sizes.members:,} members, {sizes.tags:,} tags, "
                f"{sizes.practices:,} practices, {self.comments_written:,} comments in "
                f"{time.monotonic() - started:.0f} s."
            )
        )

    # --- Marker and safety ------------------------------------------------------------------

    def _existing_sizes(self) -> dict | None:
        bio = User.objects.filter(email=MARKER_EMAIL).values_list("bio", flat=True).first()
        if not bio or not bio.startswith(MARKER_PREFIX):
            return None
        try:
            return json.loads(bio[len(MARKER_PREFIX) :])
        except ValueError:
            return None

    def _has_data(self) -> bool:
        return User.objects.exists() or Practice.objects.exists()

    def _refuse_foreign_members(self) -> None:
        foreign = User.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").count()
        if foreign:
            raise CommandError(
                f"This database has {foreign} members who are not bench members; seed_bench "
                "empties only databases that hold bench data alone. Use another database."
            )

    def _empty(self) -> None:
        self.stdout.write("Emptying the bench tables…")
        tables = [
            m._meta.db_table
            for m in (
                Comment,
                PracticeFollow,
                TagFollow,
                PracticeRevision,
                TaggedPractice,
                Practice.target_groups.through,
                Practice,
                Tag,
                EmailAddress,
                User,
            )
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            else:
                with transaction.atomic():
                    # Rows of other tables that point at these go too, as TRUNCATE … CASCADE
                    # does on PostgreSQL (foreign keys are checked at commit).
                    for table in [*_referencing_tables(tables), *tables]:
                        cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    # --- Loading --------------------------------------------------------------------------

    def _step(self, label: str, started: float) -> float:
        now = time.monotonic()
        self.stdout.write(f"  {label} ({now - started:.1f} s)")
        return now

    def _load(self, sizes: Sizes) -> None:
        t = time.monotonic()
        self.now = datetime.now(UTC).replace(microsecond=0)
        member_ids = self._members(sizes)
        t = self._step(f"{sizes.members:,} members", t)
        tag_ids, tag_names = self._tags(sizes)
        t = self._step(f"{sizes.tags:,} tags", t)
        plans, published = self._plan_threads(sizes)
        self._practices(sizes, member_ids, tag_ids, tag_names, plans, published)
        t = self._step(f"{sizes.practices:,} practices with tags, groups and revisions", t)
        self.comments_written = self._comments(plans, member_ids)
        t = self._step(f"{self.comments_written:,} comments", t)
        self._follows(sizes, member_ids, tag_ids)
        t = self._step("follows", t)
        self._reset_sequences()
        User.objects.filter(email=MARKER_EMAIL).update(
            bio=MARKER_PREFIX + json.dumps(sizes.as_dict(), sort_keys=True)
        )

    def _members(self, sizes: Sizes) -> list[int]:
        """Member 1 is the bench reader (verified, the marker), member 2 a moderator."""
        password = make_password(BENCH_PASSWORD)
        roles = [choice for choice, _ in Role.choices]
        rng = self.rng
        fields = [
            "id", "password", "is_superuser", "is_staff", "is_active", "date_joined", "email",
            "display_name", "handle", "role", "organisation", "city", "country", "bio",
            "email_frequency", "email_verified", "moderator", "suspended_until",
            "suspension_reason",
        ]  # fmt: skip
        verified: list[tuple[int, str, bool]] = []

        def rows() -> Iterator[tuple]:
            for i in range(1, sizes.members + 1):
                country, city = CITIES[i % len(CITIES)]
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                email = MARKER_EMAIL if i == 1 else f"member{i}@{BENCH_DOMAIN}"
                is_verified = i <= 2 or rng.random() > 0.02
                suspended = None
                if i > 2 and rng.random() < 0.005:
                    suspended = self.now + timedelta(days=30)
                verified.append((i, email, is_verified))
                yield (
                    i, password, False, False, True,
                    self.now - timedelta(days=rng.randint(1, 2000)), email,
                    "Bench Reader" if i == 1 else name, f"bench-{i}",
                    roles[i % len(roles)], rng.choice(ORGANISATIONS).format(city=city), city,
                    country, "", "weekly", is_verified, i == 2 or (i > 2 and i % 100 == 0),
                    suspended, "Bench suspension" if suspended else "",
                )  # fmt: skip

        Loader(User, fields).load(rows())
        Loader(EmailAddress, ["user", "email", "verified", "primary"]).load(
            (i, email, ok, True) for i, email, ok in verified
        )
        return list(range(1, sizes.members + 1))

    def _tags(self, sizes: Sizes) -> tuple[list[int], list[str]]:
        names: list[str] = [FOLLOWED_TAG]
        seen = {FOLLOWED_TAG}
        words = TAG_WORDS
        for word in words:
            if len(names) >= sizes.tags:
                break
            if word not in seen:
                names.append(word)
                seen.add(word)
        n = 0
        while len(names) < sizes.tags:
            first, second = words[n % len(words)], words[(n // len(words) + n + 1) % len(words)]
            n += 1
            name = f"{first} {second}" if n < len(words) ** 2 else f"{first} {second} {n}"
            if first != second and name not in seen:
                names.append(name)
                seen.add(name)
        slugs = set()
        rows = []
        for i, name in enumerate(names, start=1):
            slug = Tag().slugify(name)
            while slug in slugs:
                slug = f"{slug}-{i}"
            slugs.add(slug)
            rows.append((i, name, slug, f"Practices about {name}.", i <= 20))
        Loader(Tag, ["id", "name", "slug", "description", "is_official"]).load(rows)
        return [r[0] for r in rows], names

    def _plan_threads(self, sizes: Sizes) -> tuple[list[ThreadPlan], list[bool]]:
        """Statuses and thread lengths for every practice, before any row is written."""
        rng = self.rng
        count = sizes.practices
        published = [rng.random() < 0.96 for _ in range(count)]
        plans = [ThreadPlan() for _ in range(count)]
        # Long tail of thread lengths: a few long threads, most short ones, many empty.
        candidates = [i for i in range(count) if published[i]]
        fixed: list[tuple[int, int]] = []
        # Recent practices, a few weeks old (1% from the newest): their threads are complete.
        wanted = 2 * FIXED_THREAD_COPIES * len(FIXED_THREADS)
        end = len(candidates) - max(len(candidates) // 100, wanted)
        recent = candidates[max(end - wanted, 0) : end] or candidates[-wanted:]
        for n, length in enumerate(FIXED_THREADS):
            for copy in range(FIXED_THREAD_COPIES):
                index = recent[((n * FIXED_THREAD_COPIES + copy) * 2) % len(recent)]
                fixed.append((index, length))
        fixed_index = {i for i, _ in fixed}
        remaining = sizes.comments - sum(length for _, length in fixed)
        for index, length in fixed:
            plans[index].created = length
        others = [i for i in candidates if i not in fixed_index]
        if remaining > 0 and others:
            weights = [rng.lognormvariate(0, 1.3) for _ in others]
            for index in rng.choices(others, weights=weights, k=remaining):
                plans[index].created += 1
        for i, plan in enumerate(plans):
            if plan.created and i not in fixed_index:
                plan.edited = sum(1 for _ in range(plan.created) if rng.random() < 0.02)
                plan.deleted = sum(
                    1 for _ in range(plan.created - plan.edited) if rng.random() < 0.01
                )
            # Every comment is in the past, the last one at least two hours ago.
            age = (self.now - self._published_at(i)).total_seconds() - 7200
            plan.gap_seconds = max(1, min(rng.randint(600, 86_400), int(age) // (plan.created + 1)))
        return plans, published

    def _published_at(self, index: int) -> datetime:
        # Spread over five years, older practices first, so that ids follow dates.
        span = 5 * 365 * 86_400
        return self.now - timedelta(
            seconds=span - int(span * index / max(self.sizes.practices, 1)) + 3600
        )

    def _practices(
        self,
        sizes: Sizes,
        member_ids: list[int],
        tag_ids: list[int],
        tag_names: list[str],
        plans: list[ThreadPlan],
        published: list[bool],
    ) -> None:
        rng = self.rng
        # Rendered once: the numbers are put into the text and the HTML alike afterwards.
        rendered_paragraphs = [render_markdown(p) for p in PARAGRAPHS]
        areas = [c for c, _ in Area.choices]
        org_types = [c for c, _ in OrganisationType.choices]
        stages = [c for c, _ in Stage.choices]
        group_ids = list(TargetGroup.objects.values_list("id", flat=True))
        tag_weights = zipf_weights(len(tag_ids))
        cumulative = list(_accumulate(tag_weights))
        practice_fields = [
            "id", "author", "title", "slug", "summary", "challenge", "description", "results",
            "resources", "difficulties", "transfer_tips", "rendered", "country", "city",
            "organisation", "organisation_type", "area", "started_on", "ended_on",
            "still_running", "stage", "links", "image", "status", "published_at",
            "validated_at", "featured_at", "hidden_at", "hidden_reason", "created_at",
            "updated_at", "last_activity_at", "comment_count", "comment_seq", "locked_at",
        ]  # fmt: skip
        tagged: list[tuple[int, int]] = []
        grouped: list[tuple[int, int]] = []
        revisions: list[tuple] = []
        authors = member_ids[2:] or member_ids
        featured_left = 10
        # About ten featured practices at any size (one in a thousand from 10,000 on), so that
        # the home page reads the same things on the small data as on the large.
        featured_chance = max(0.001, featured_left / sizes.practices)

        def pick_paragraphs(k: int, n: int, m: int) -> tuple[str, str]:
            chosen = rng.sample(range(len(PARAGRAPHS)), k)
            text = "\n\n".join(PARAGRAPHS[c] for c in chosen)
            html = "".join(rendered_paragraphs[c] for c in chosen)
            return text.format(n=n, m=m), html.format(n=n, m=m)

        def rows() -> Iterator[tuple]:
            nonlocal featured_left
            for index in range(sizes.practices):
                pk = index + 1
                plan = plans[index]
                country, city = CITIES[rng.randrange(len(CITIES))]
                k = rng.randint(1, 6)
                chosen_tags: set[int] = set()
                while len(chosen_tags) < k:
                    chosen_tags.add(_weighted_pick(rng, cumulative) + 1)
                topic = tag_names[min(chosen_tags) - 1]
                title = rng.choice(TITLES).format(a=topic, city=city)[:120]
                title = title[:1].upper() + title[1:]
                org = rng.choice(ORGANISATIONS).format(city=city)
                n, m = rng.randint(8, 400), rng.randint(2, 60)
                summary = rng.choice(SUMMARIES).format(org=org, city=city, a=topic, n=n)
                if pk % 10_000 == 7:
                    summary += f" We served tea from a {RARE_TERM} at every meeting."
                fields: dict[str, str] = {}
                html: dict[str, str] = {}
                for name in MARKDOWN_FIELDS:
                    if name != "description" and rng.random() < 0.3:
                        fields[name], html[name] = "", ""
                        continue
                    fields[name], html[name] = pick_paragraphs(rng.randint(1, 3), n, m)
                status = Status.PUBLISHED if published[index] else Status.DRAFT
                if status == Status.DRAFT and rng.random() < 0.3:
                    status = Status.PENDING
                published_at = self._published_at(index)
                visible_published = status == Status.PUBLISHED
                hidden = visible_published and plan.created == 0 and rng.random() < 0.01
                featured = None
                if visible_published and not hidden and featured_left and rng.random() < featured_chance:
                    featured = published_at + timedelta(days=1)
                    featured_left -= 1
                validated = published_at + timedelta(days=2) if rng.random() < 0.05 else None
                last_activity = (
                    published_at + timedelta(seconds=plan.gap_seconds * plan.created)
                    if visible_published
                    else None
                )
                started = (published_at - timedelta(days=rng.randint(30, 900))).date()
                still_running = rng.random() < 0.5
                author = authors[rng.randrange(len(authors))]
                for tag in chosen_tags:
                    tagged.append((tag, pk))
                for group in rng.sample(group_ids, min(rng.randint(1, 3), len(group_ids))):
                    grouped.append((pk, group))
                snapshot = {
                    "title": title,
                    "summary": summary,
                    **fields,
                    "city": city,
                    "organisation": org,
                    "country": country,
                    "tags": sorted(tag_names[t - 1] for t in chosen_tags),
                    "status": status,
                }
                revisions.append((pk, 1, author, published_at, json.dumps(snapshot)))
                yield (
                    pk, author, title, practice_slug(title), summary, fields["challenge"],
                    fields["description"], fields["results"], fields["resources"],
                    fields["difficulties"], fields["transfer_tips"], json.dumps(html), country,
                    city, org, rng.choice(org_types), rng.choice(areas), started,
                    None if still_running else started + timedelta(days=rng.randint(60, 700)),
                    still_running, rng.choice(stages), "[]", "", status,
                    published_at if visible_published else None, validated, featured,
                    published_at + timedelta(days=3) if hidden else None,
                    "Bench: hidden" if hidden else "", published_at - timedelta(days=1),
                    published_at, last_activity,
                    plan.comment_count if visible_published else 0,
                    plan.comment_seq if visible_published else 0, None,
                )  # fmt: skip

        Loader(Practice, practice_fields).load(rows())
        Loader(TaggedPractice, ["tag", "content_object"]).load(tagged)
        through = Practice.target_groups.through
        Loader(through, ["practice", "targetgroup"]).load(grouped)
        Loader(PracticeRevision, ["practice", "number", "editor", "created_at", "data"]).load(
            revisions
        )

    def _comments(self, plans: list[ThreadPlan], member_ids: list[int]) -> int:
        rng = self.rng
        bodies = [(text, render_markdown(text)) for text in COMMENTS]
        commenters = member_ids[2:] or member_ids
        fields = [
            "practice", "author", "parent", "seq", "changed_seq", "body", "body_html",
            "created_at", "edited_at", "deleted_at", "hidden_at", "hidden_reason",
        ]  # fmt: skip
        # Comment ids are assigned here so that replies can name their parent.
        next_id = 1

        def rows() -> Iterator[tuple]:
            nonlocal next_id
            for index, plan in enumerate(plans):
                if not plan.created:
                    continue
                practice_id = index + 1
                published_at = self._published_at(index)
                changes = rng.sample(range(plan.created), plan.edited + plan.deleted)
                edited = set(changes[: plan.edited])
                deleted = set(changes[plan.edited :])
                change_seq = plan.created
                top_level: list[int] = []
                for j in range(plan.created):
                    pk = next_id
                    next_id += 1
                    parent = None
                    if top_level and rng.random() < 0.3:
                        parent = top_level[rng.randrange(len(top_level))]
                    else:
                        top_level.append(pk)
                    created_at = published_at + timedelta(seconds=plan.gap_seconds * (j + 1))
                    seq = j + 1
                    changed_seq = seq
                    edited_at = deleted_at = None
                    if j in edited:
                        change_seq += 1
                        changed_seq = change_seq
                        edited_at = created_at + timedelta(minutes=5)
                    if j in deleted:
                        change_seq += 1
                        changed_seq = change_seq
                        deleted_at = created_at + timedelta(minutes=10)
                    body, html = bodies[rng.randrange(len(bodies))]
                    yield (
                        pk, practice_id, commenters[rng.randrange(len(commenters))], parent, seq,
                        changed_seq, body, html, created_at, edited_at, deleted_at, None, "",
                    )  # fmt: skip

        # Edits and deletions take sequence numbers after every creation of their thread.
        return Loader(Comment, ["id", *fields]).load(rows())

    def _follows(
        self,
        sizes: Sizes,
        member_ids: list[int],
        tag_ids: list[int],
    ) -> None:
        rng = self.rng
        pairs: set[tuple[int, int]] = set()
        followed_tag = tag_ids[0]
        # The followers of FOLLOWED_TAG: members 3 … (the reader and moderator are not).
        for member in member_ids[2 : 2 + sizes.tag_followers]:
            pairs.add((member, followed_tag))
        cumulative = list(_accumulate(zipf_weights(len(tag_ids))))
        for member in member_ids:
            for _ in range(rng.randint(0, 4)):
                pairs.add((member, _weighted_pick(rng, cumulative) + 1))
        created = self.now - timedelta(days=1)
        Loader(TagFollow, ["user", "tag", "created_at"]).load(
            (user, tag, created) for user, tag in sorted(pairs)
        )
        authors = dict(
            Practice.objects.filter(status=Status.PUBLISHED).values_list("id", "author_id")
        )
        follows: set[tuple[int, int]] = {(author, pk) for pk, author in authors.items()}
        extra = min(len(authors), sizes.practices // 2)
        practice_ids = list(authors)
        for _ in range(extra):
            follows.add((rng.choice(member_ids), rng.choice(practice_ids)))
        Loader(PracticeFollow, ["user", "practice", "muted", "created_at"]).load(
            (user, practice, rng.random() < 0.02, created) for user, practice in sorted(follows)
        )

    def _reset_sequences(self) -> None:
        models_with_ids = [User, EmailAddress, Tag, Practice, TaggedPractice, PracticeRevision]
        models_with_ids += [Comment, TagFollow, PracticeFollow, Practice.target_groups.through]
        statements = connection.ops.sequence_reset_sql(no_style(), models_with_ids)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _after_load(self) -> None:
        """On PostgreSQL: the search vectors in one UPDATE (the GIN index rebuilt around it),
        then fresh planner statistics."""
        if connection.vendor != "postgresql":
            return
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS practice_search_gin")
            cursor.execute(
                """
                UPDATE practices_practice SET search_vector =
                    setweight(to_tsvector('simple', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('simple', coalesce(summary, '')), 'B')
                    || setweight(to_tsvector('simple', concat_ws(' ',
                        challenge, description, results, transfer_tips, organisation, city
                    )), 'C')
                """
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS practice_search_gin "
                "ON practices_practice USING gin (search_vector)"
            )
            self._step("search vectors and their index", started)
            cursor.execute("VACUUM ANALYZE")
        self._step("statistics", started)


def _accumulate(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _weighted_pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])


def _referencing_tables(tables: list[str]) -> list[str]:
    from django.apps import apps

    result = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables:
            continue
        for field in model._meta.concrete_fields:
            remote = getattr(field, "related_model", None)
            if remote is not None and remote._meta.db_table in tables:
                result.append(table)
                break
    return result
