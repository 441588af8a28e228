"""The benchmark data set (seed_bench) at small sizes: every count and sequence agrees with
the rows, as the services would have left them."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Q

from accounts.models import Role, User
from practices.management.commands.seed_bench import (
    FIXED_THREADS,
    FOLLOWED_TAG,
    MARKER_EMAIL,
    RARE_TERM,
)
from practices.models import Comment, Practice, PracticeRevision, Status, Tag, TagFollow

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = ["--practices", "300", "--comments", "2500", "--members", "120", "--tag-followers", "50"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_bench", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    seed(*SIZES)


def test_sizes_are_as_asked(seeded):
    assert Practice.objects.count() == 300
    assert Comment.objects.count() == 2500
    assert User.objects.count() == 120
    assert PracticeRevision.objects.count() == 300
    assert Tag.objects.count() >= 30


def test_every_thread_agrees_with_its_practice(seeded):
    comments = defaultdict(list)
    for row in Comment.objects.values(
        "id", "practice_id", "parent_id", "seq", "changed_seq", "deleted_at", "created_at"
    ):
        comments[row["practice_id"]].append(row)
    by_id = {row["id"]: row for rows in comments.values() for row in rows}
    for practice in Practice.objects.all():
        rows = comments.get(practice.pk, [])
        assert sorted(r["seq"] for r in rows) == list(range(1, len(rows) + 1))
        changed = [r["changed_seq"] for r in rows]
        assert len(set(changed)) == len(changed), "each change takes its own number"
        assert practice.comment_seq == max(changed, default=0)
        assert practice.comment_count == sum(1 for r in rows if r["deleted_at"] is None)
        for row in rows:
            assert row["changed_seq"] >= row["seq"]
            if row["parent_id"]:
                parent = by_id[row["parent_id"]]
                assert parent["practice_id"] == practice.pk
                assert parent["parent_id"] is None
                assert parent["seq"] < row["seq"]
        if rows:
            assert practice.is_published
            assert practice.last_activity_at == max(r["created_at"] for r in rows)
        elif practice.is_published:
            assert practice.last_activity_at == practice.published_at


def test_every_comment_is_in_the_past(seeded):
    from django.utils import timezone

    assert not Comment.objects.filter(created_at__gt=timezone.now()).exists()


def test_the_detail_page_threads_exist(seeded):
    for length in FIXED_THREADS:
        assert Practice.objects.visible().filter(comment_count=length, comment_seq=length).exists()


def test_members_in_every_role_and_the_followed_tag(seeded):
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {choice for choice, _ in Role.choices}
    assert User.objects.filter(moderator=True).exists()
    tag = Tag.objects.get(name=FOLLOWED_TAG)
    assert TagFollow.objects.filter(tag=tag).count() >= 50
    reader = User.objects.get(email=MARKER_EMAIL)
    assert reader.email_verified and reader.can_post


def test_tags_have_a_long_tail(seeded):
    counts = list(
        Tag.objects.annotate(n=Count("tagged_practices")).order_by("-n").values_list("n", flat=True)
    )
    assert counts[0] > 5 * counts[len(counts) // 2]


def test_statuses_and_rendered_text(seeded):
    statuses = set(Practice.objects.values_list("status", flat=True))
    assert Status.PUBLISHED in statuses and Status.DRAFT in statuses
    assert not Comment.objects.filter(practice__status=Status.DRAFT).exists()
    practice = Practice.objects.visible().first()
    assert practice.rendered["description"].startswith("<")
    assert practice.slug
    assert Practice.objects.filter(summary__contains=RARE_TERM).count() <= 1


def test_a_second_run_with_the_same_sizes_changes_nothing(seeded):
    before = Comment.objects.aggregate(n=Count("id"), last=Max("id"))
    assert "already loaded" in seed(*SIZES)
    assert Comment.objects.aggregate(n=Count("id"), last=Max("id")) == before


def test_other_sizes_are_refused_without_replace(seeded):
    with pytest.raises(CommandError, match="--replace"):
        seed("--practices", "200", "--members", "120", "--tag-followers", "50")
    assert Practice.objects.count() == 300


def test_replace_loads_the_new_sizes(seeded):
    seed("--replace", "--practices", "100", "--comments", "400", "--members", "80",
         "--tag-followers", "20")  # fmt: skip
    assert Practice.objects.count() == 100
    assert Comment.objects.count() == 400
    assert not Comment.objects.filter(~Q(practice__in=Practice.objects.all())).exists()


def test_a_database_with_real_members_is_never_emptied(user_factory):
    user_factory(email="someone@example.org")
    with pytest.raises(CommandError):
        seed(*SIZES, "--replace")
    assert User.objects.filter(email="someone@example.org").exists()
