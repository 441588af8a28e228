"""Practices like this: precomputed ranks, their quality on the demo data, the page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices.models import Practice, PracticeSimilarity
from practices.selectors.transfer import similar_for
from practices.services.practices import practice_create
from practices.services.transfer import similar_refresh

pytestmark = pytest.mark.django_db

TANDEMS = "Teacher tandems: reception-class teachers coach mainstream colleagues"
ADMISSIONS = "Balanced school admissions to reduce segregation"
PARENTS = "Parents' café: migrant parents at the heart of school life"
REFUGEE_TEACHERS = "From refugee to teacher with the European Qualifications Passport"
MENTORS = "Retired professionals mentor newcomers into skilled jobs"
ADVISERS = "Newcomer advisers on neighbourhood councils"
VOLUNTEERS = "Reaching migrant volunteers through their own channels"
SETTLEMENT = "Migrant organisations as settlement partners"
HOME_SHARING = "Home-sharing between young refugees and local residents"

# For each demo practice, practices that must be among its three closest. A change of the
# scoring that moves one of these out fails here: look at the ranks before changing them.
EXPECTED_IN_TOP_THREE = {
    TANDEMS: {PARENTS, ADMISSIONS},
    PARENTS: {TANDEMS, ADMISSIONS},
    ADMISSIONS: {TANDEMS, HOME_SHARING},
    REFUGEE_TEACHERS: {MENTORS},
    MENTORS: {REFUGEE_TEACHERS},
    ADVISERS: {VOLUNTEERS, SETTLEMENT},
    VOLUNTEERS: {ADVISERS, SETTLEMENT},
    HOME_SHARING: {ADMISSIONS},
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return {p.title: p for p in Practice.objects.all()}


def _top(practice: Practice, n: int = 3) -> list[str]:
    return [
        row.similar.title
        for row in PracticeSimilarity.objects.filter(practice=practice)
        .select_related("similar")
        .order_by("rank")[:n]
    ]


def test_demo_titles_in_the_expectations_exist(demo):
    named = set(EXPECTED_IN_TOP_THREE) | {t for ts in EXPECTED_IN_TOP_THREE.values() for t in ts}
    assert named <= set(demo)


@pytest.mark.parametrize("title", sorted(EXPECTED_IN_TOP_THREE))
def test_demo_practices_suggest_what_a_practitioner_would_expect(demo, title):
    top = _top(demo[title])
    missing = EXPECTED_IN_TOP_THREE[title] - set(top)
    assert not missing, f"{title!r} suggests {top}, not {sorted(missing)}"


def test_the_teacher_tandems_page_suggests_the_school_segregation_practice(client, demo):
    page = client.get(demo[TANDEMS].get_absolute_url()).content.decode()
    section = page.split('id="similar-heading"', 1)[1]
    assert ADMISSIONS in section
    assert section.index(ADMISSIONS) < section.index("Discussion")


def test_ranks_are_stable_across_a_full_refresh(demo):
    before = {title: _top(p, 6) for title, p in demo.items()}
    call_command("refresh_similar", stdout=StringIO())
    assert {title: _top(p, 6) for title, p in demo.items()} == before


def test_a_practice_is_never_similar_to_itself_and_ranks_are_ordered(demo):
    for practice in demo.values():
        rows = list(PracticeSimilarity.objects.filter(practice=practice).order_by("rank"))
        assert rows, practice.title
        assert all(row.similar_id != practice.pk for row in rows)
        scores = [row.score for row in rows]
        assert scores == sorted(scores, reverse=True)
        assert [row.rank for row in rows] == list(range(1, len(rows) + 1))


def test_publishing_computes_its_list_and_its_neighbours_learn_of_it(
    settings, member, practice_factory, django_capture_on_commit_callbacks
):
    settings.PRACTICE_APPROVAL_FIRST = False
    school = practice_factory(title="Homework club for newcomer pupils", tags=["newcomer pupils"])
    unrelated = practice_factory(
        title="Bike repair workshop", area="other", organisation_type="ngo", tags=["bikes"]
    )
    similar_refresh(practice_id=school.pk)
    data = {
        "title": "Reading club for newcomer pupils",
        "summary": "Pupils who arrived recently read together after school.",
        "description": "Weekly.",
        "country": "BE",
        "city": "Ghent",
        "organisation": "School",
        "organisation_type": "school",
        "area": "education",
        "stage": "running",
    }
    with django_capture_on_commit_callbacks(execute=True):
        new = practice_create(author=member, data=data, tags=["newcomer pupils"], publish=True)
    assert _top(new, 1) == [school.title]
    assert _top(school, 1) == [new.title]
    assert unrelated.title not in _top(new, 12)


def test_hidden_practices_are_not_suggested(client, demo, moderator):
    from practices.services.moderation import practice_hide

    practice_hide(practice=demo[ADMISSIONS], moderator=moderator, reason="test")
    result = similar_for(practice=demo[TANDEMS], user=client_user(None))
    assert ADMISSIONS not in [p.title for p in result.closest]


def client_user(user):
    from django.contrib.auth.models import AnonymousUser

    return user or AnonymousUser()


def test_in_a_context_like_yours_puts_the_members_kind_and_country_first(demo, user_factory):
    official = user_factory(role="city", country="NL")
    result = similar_for(practice=demo[TANDEMS], user=official)
    assert result.like_yours, "a city official in the Netherlands has a context"
    first = result.like_yours[0]
    assert first.title == ADMISSIONS  # a city administration, in the Netherlands
    for practice in result.like_yours:
        assert practice.organisation_type == "city" or str(practice.country) == "NL"
    assert similar_for(practice=demo[TANDEMS], user=client_user(None)).like_yours == []


def test_the_page_shows_the_context_section_to_members(client_for, demo, user_factory):
    official = user_factory(role="city", country="NL")
    page = client_for(official).get(demo[TANDEMS].get_absolute_url()).content.decode()
    assert "In a context like yours" in page


def test_similar_practices_cost_one_query_at_any_size(user_factory, practice_factory):
    member = user_factory(role="teacher", country="DE")
    first = practice_factory(tags=["school"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            similar_for(practice=first, user=member)
        return len(ctx.captured_queries)

    for _ in range(3):
        practice_factory(tags=["school"])
    similar_refresh(practice_id=first.pk)
    few = count()
    for _ in range(20):
        practice_factory(tags=["school"])
    similar_refresh(practice_id=first.pk)
    assert count() == few == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_refreshes_of_the_same_practice_at_once_each_leave_one_whole_list(practice_factory):
    """Two neighbours published together refresh the same practice at the same moment: each
    replaces its list whole, one after the other, and neither fails on the rank's uniqueness."""
    import threading

    from django.db import close_old_connections

    practices = [practice_factory(tags=["mentoring", "volunteers"]) for _ in range(6)]
    target = practices[0].pk
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def refresh() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(5):
                similar_refresh(practice_id=target, neighbours=False)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    ranks = list(
        PracticeSimilarity.objects.filter(practice_id=target).values_list("rank", flat=True)
    )
    assert ranks and sorted(ranks) == list(range(1, len(ranks) + 1))
