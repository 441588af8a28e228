"""Who hears about what: the notification rules, deduplication, fan-out cost, the live
unread nudges, and the notifications page."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from practices import broadcast, online
from practices.models import (
    Comment,
    Notification,
    NotificationKind,
    PracticeFollow,
    Status,
    Tag,
    TagFollow,
)
from practices.services.comments import comment_create, comment_edit
from practices.services.curation import practice_feature, practice_validate
from practices.services.follows import practice_mute, tag_follow
from practices.services.notifications import (
    mentioned_handles,
    notification_mark_all_read,
    notification_send,
    practice_published_fanout,
)
from practices.services.practices import practice_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _publish_at_once(settings):
    # These tests are about what publication tells people, not about the approval queue.
    settings.PRACTICE_APPROVAL_FIRST = False


@pytest.fixture
def sent(monkeypatch):
    """Every live event sent through the broadcast wrapper, as (group, payload)."""
    calls: list[tuple[str, dict]] = []

    async def fake_send(group, message):
        calls.append((group, message))
        return True

    monkeypatch.setattr(broadcast, "agroup_send", fake_send)
    return calls


def publish(author, tags, title="Language cafe for parents"):
    return practice_create(
        author=author,
        data={
            "title": title,
            "summary": "Parents meet every week.",
            "description": "We met every Friday.",
            "country": "BE",
            "city": "Ghent",
            "organisation": "School",
            "organisation_type": "school",
            "area": "language",
            "stage": "running",
        },
        tags=tags,
        publish=True,
    )


def follow_tag(user, name):
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})
    return tag_follow(user=user, tag=tag)


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- A new practice under a followed tag --------------------------------------------------


def test_new_practice_under_a_followed_tag_notifies_the_follower(
    django_capture_on_commit_callbacks, member, other_member
):
    follow_tag(member, "language learning")
    with django_capture_on_commit_callbacks(execute=True):
        practice = publish(other_member, ["language learning", "parents"])
    (notification,) = Notification.objects.filter(recipient=member)
    assert notification.kind == NotificationKind.NEW_PRACTICE
    assert notification.practice_id == practice.pk
    assert notification.actor_id == other_member.pk
    assert notification.dedupe_key == f"practice:{practice.pk}:published"
    assert notification.read_at is None and notification.emailed_at is None


def test_a_follower_of_several_of_its_tags_gets_one_notification(member, other_member):
    for name in ("language learning", "parents", "schools"):
        follow_tag(member, name)
    publish(other_member, ["language learning", "parents", "schools"])
    assert kinds_for(member) == [NotificationKind.NEW_PRACTICE]


def test_nobody_is_told_of_a_practice_under_a_tag_they_do_not_follow(
    member, other_member, user_factory
):
    follow_tag(member, "housing")
    bystander = user_factory()
    publish(other_member, ["language learning"])
    assert kinds_for(member) == []
    assert kinds_for(bystander) == []


def test_the_author_is_not_told_of_their_own_practice(member):
    follow_tag(member, "language learning")
    publish(member, ["language learning"])
    assert kinds_for(member) == []


def test_a_draft_tells_nobody_until_it_is_published(member, other_member):
    follow_tag(member, "language learning")
    draft = practice_create(
        author=other_member,
        data={
            "title": "Draft",
            "summary": "s",
            "description": "d",
            "country": "BE",
            "city": "Ghent",
            "organisation": "School",
            "organisation_type": "school",
            "area": "language",
        },
        tags=["language learning"],
    )
    assert kinds_for(member) == []
    from practices.services.practices import practice_publish

    practice_publish(practice=draft, user=other_member)
    assert kinds_for(member) == [NotificationKind.NEW_PRACTICE]


def test_a_practice_waiting_for_approval_tells_nobody(member, practice_factory, other_member):
    follow_tag(member, "language learning")
    waiting = practice_factory(
        author=other_member, status=Status.PENDING, published_at=None, tags=["language learning"]
    )
    practice_published_fanout(practice=waiting)
    assert kinds_for(member) == []


def test_fanout_twice_for_one_practice_tells_nobody_twice(member, other_member):
    follow_tag(member, "language learning")
    practice = publish(other_member, ["language learning"])
    practice_published_fanout(practice=practice)
    assert Notification.objects.filter(recipient=member).count() == 1


def test_a_member_who_muted_the_practice_is_not_told_of_it(member, other_member, practice_factory):
    follow_tag(member, "language learning")
    practice = practice_factory(author=other_member, tags=["language learning"])
    practice_mute(user=member, practice=practice)
    practice_published_fanout(practice=practice)
    assert kinds_for(member) == []


def test_deactivated_followers_are_not_told(member, other_member):
    follow_tag(member, "language learning")
    User.objects.filter(pk=member.pk).update(is_active=False)
    publish(other_member, ["language learning"])
    assert kinds_for(member) == []


def test_publishing_follows_the_practice_for_its_author(member):
    practice = publish(member, ["x"])
    follow = PracticeFollow.objects.get(user=member, practice=practice)
    assert follow.muted is False


# --- Comments: new comment, reply, mention ------------------------------------------------


@pytest.fixture
def thread(practice_factory, member):
    """A practice by `member`, who follows it (as publishing would have done)."""
    practice = practice_factory(author=member, title="Teacher tandems")
    PracticeFollow.objects.create(user=member, practice=practice)
    return practice


def test_a_comment_notifies_the_practices_followers_but_not_the_commenter(
    thread, member, other_member, user_factory
):
    follower = user_factory()
    PracticeFollow.objects.create(user=follower, practice=thread)
    comment = comment_create(practice=thread, author=other_member, body="We tried this too.")
    assert kinds_for(member) == [NotificationKind.NEW_COMMENT]
    assert kinds_for(follower) == [NotificationKind.NEW_COMMENT]
    assert kinds_for(other_member) == []
    notification = Notification.objects.get(recipient=follower)
    assert notification.comment_id == comment.pk
    assert notification.dedupe_key == f"comment:{comment.pk}"


def test_commenting_follows_the_practice(thread, other_member, user_factory):
    comment_create(practice=thread, author=other_member, body="First.")
    assert PracticeFollow.objects.filter(user=other_member, practice=thread, muted=False).exists()
    # So the next comment by someone else reaches them.
    comment_create(practice=thread, author=user_factory(), body="Second.")
    assert kinds_for(other_member) == [NotificationKind.NEW_COMMENT]


def test_a_reply_notifies_the_author_of_the_comment_answered(
    thread, member, other_member, user_factory
):
    parent = comment_create(practice=thread, author=other_member, body="How many pupils?")
    PracticeFollow.objects.filter(user=other_member).delete()
    replier = user_factory()
    comment_create(practice=thread, author=replier, body="Forty.", parent=parent.pk)
    (notification,) = Notification.objects.filter(recipient=other_member)
    assert notification.kind == NotificationKind.REPLY
    assert notification.actor_id == replier.pk


def test_a_reply_to_ones_own_comment_tells_nobody_of_a_reply(thread, member, other_member):
    parent = comment_create(practice=thread, author=other_member, body="A question.")
    comment_create(practice=thread, author=other_member, body="Answering myself.", parent=parent)
    assert kinds_for(other_member) == []


def test_a_mention_notifies_the_member_named(thread, other_member, user_factory):
    named = user_factory(handle="hawa-diallo", display_name="Hawa Diallo")
    comment_create(practice=thread, author=other_member, body="@hawa-diallo, you did this too?")
    assert kinds_for(named) == [NotificationKind.MENTION]


def test_a_mention_links_to_the_members_profile_and_stays_linked_after_an_edit(
    thread, other_member, user_factory
):
    named = user_factory(handle="hawa-diallo", display_name="Hawa Diallo")
    user_factory(handle="gone-member", is_active=False)
    comment = comment_create(
        practice=thread, author=other_member, body="@hawa-diallo and @gone-member, and @nobody?"
    )
    profile = f'<a href="/members/{named.pk}/" class="mention" rel="nofollow noopener ugc">'
    assert f"{profile}@hawa-diallo</a>" in comment.body_html
    assert "@gone-member, and @nobody?" in comment.body_html
    edited = comment_edit(comment=comment, editor=other_member, body="Thanks, @hawa-diallo!")
    assert f"Thanks, {profile}@hawa-diallo</a>!" in edited.body_html


def test_mention_beats_reply_beats_new_comment(thread, member, other_member):
    # The practice's author follows it, wrote the comment answered, and is named: one
    # notification, the strongest.
    parent = comment_create(practice=thread, author=member, body="Ask me anything.")
    Notification.objects.all().delete()
    comment_create(
        practice=thread, author=other_member, body=f"Thanks @{member.handle}!", parent=parent
    )
    assert kinds_for(member) == [NotificationKind.MENTION]


def test_reply_beats_new_comment_for_a_follower(thread, member, other_member):
    parent = comment_create(practice=thread, author=member, body="Ask me anything.")
    comment_create(practice=thread, author=other_member, body="How long?", parent=parent)
    assert kinds_for(member) == [NotificationKind.REPLY]


def test_mentioning_oneself_tells_nobody(thread, other_member):
    comment_create(practice=thread, author=other_member, body=f"Note to @{other_member.handle}")
    assert kinds_for(other_member) == []


def test_mentions_of_unknown_or_inactive_members_are_ignored(thread, other_member, user_factory):
    gone = user_factory(handle="gone-member", is_active=False)
    comment = comment_create(
        practice=thread, author=other_member, body="Ask @nobody-here or @gone-member."
    )
    assert kinds_for(gone) == []
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_an_email_address_is_not_a_mention():
    assert mentioned_handles("Write to amira@example.org or @jonas-berg.") == ["jonas-berg"]
    assert mentioned_handles("@Amira, @amira and (@jonas) and @a-") == ["amira", "jonas", "a"]
    assert mentioned_handles("no mentions here") == []


def test_a_member_who_muted_the_practice_hears_nothing_not_even_mentions(
    thread, member, other_member
):
    parent = comment_create(practice=thread, author=member, body="Mine.")
    practice_mute(user=member, practice=thread)
    comment_create(
        practice=thread, author=other_member, body=f"@{member.handle} look", parent=parent
    )
    assert kinds_for(member) == []


def test_commenting_does_not_follow_again_a_muted_practice(thread, other_member):
    practice_mute(user=other_member, practice=thread)
    comment_create(practice=thread, author=other_member, body="Just this once.")
    follow = PracticeFollow.objects.get(user=other_member, practice=thread)
    assert follow.muted is True


def test_on_a_hidden_practice_only_its_author_and_moderators_are_told(
    practice_factory, member, other_member, moderator, user_factory
):
    practice = practice_factory(author=member, hidden_at=timezone.now())
    reader = user_factory(handle="just-a-reader")
    PracticeFollow.objects.create(user=reader, practice=practice)
    comment_create(
        practice=practice,
        author=moderator,
        body=f"@{member.handle} @just-a-reader please fix the figures.",
    )
    assert kinds_for(member) == [NotificationKind.MENTION]
    assert kinds_for(reader) == []


# --- Moderators' curation -------------------------------------------------------------------


def test_validating_and_featuring_tell_the_author_once_each(practice_factory, member, moderator):
    practice = practice_factory(author=member)
    practice_validate(practice=practice, moderator=moderator)
    practice_validate(practice=practice, moderator=moderator)
    practice_feature(practice=practice, moderator=moderator)
    assert sorted(kinds_for(member)) == [
        NotificationKind.PRACTICE_FEATURED,
        NotificationKind.PRACTICE_VALIDATED,
    ]


# --- notification_send ----------------------------------------------------------------------


def test_notification_send_is_once_per_event_and_never_for_ones_own_action(
    member, other_member, practice_factory
):
    practice = practice_factory(author=member)
    first = notification_send(
        recipient=member,
        kind=NotificationKind.MODERATION,
        dedupe_key="moderation:1",
        actor=other_member,
        practice=practice,
        message="A moderator edited your practice.",
    )
    again = notification_send(
        recipient=member, kind=NotificationKind.MODERATION, dedupe_key="moderation:1"
    )
    own = notification_send(
        recipient=member, kind=NotificationKind.MODERATION, dedupe_key="moderation:2", actor=member
    )
    assert first is not None and again is None and own is None
    assert Notification.objects.filter(recipient=member).count() == 1


# --- Cost: a constant number of queries whatever the followers ----------------------------


def _followers(tag: Tag, n: int) -> None:
    """n members following `tag`, written in bulk."""
    password = make_password("x")
    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(
                email=f"follower{start + i}@example.org",
                display_name=f"Follower {start + i}",
                handle=f"follower-{start + i}",
                email_verified=True,
                password=password,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    TagFollow.objects.bulk_create(
        [TagFollow(user=user, tag=tag) for user in users], batch_size=1000
    )


def _publish_queries(author, tag_name: str, title: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        publish(author, [tag_name], title=title)
    return len(queries.captured_queries)


def test_posting_costs_the_same_queries_at_10_and_10000_followers(
    django_capture_on_commit_callbacks, user_factory
):
    author = user_factory()
    few = Tag.objects.create(name="few", slug="few")
    many = Tag.objects.create(name="many", slug="many")
    _followers(few, 10)
    _followers(many, 10_000)
    # Warm up whatever is loaded once per process (content types, the target groups).
    publish(author, ["warm up"], title="Warm up")

    with django_capture_on_commit_callbacks(execute=True):
        at_10 = _publish_queries(author, "few", "Ten")
    with django_capture_on_commit_callbacks(execute=True):
        at_10000 = _publish_queries(author, "many", "Ten thousand")

    assert at_10 == at_10000
    assert Notification.objects.filter(practice__title="Ten").count() == 10
    assert Notification.objects.filter(practice__title="Ten thousand").count() == 10_000


def test_commenting_costs_the_same_queries_at_10_and_2000_followers(practice_factory, user_factory):
    author = user_factory()
    small = practice_factory(title="Small")
    large = practice_factory(title="Large")
    for practice, n in ((small, 10), (large, 2000)):
        tag = Tag.objects.create(name=f"t{n}", slug=f"t{n}")
        _followers(tag, n)
        PracticeFollow.objects.bulk_create(
            [
                PracticeFollow(user_id=user_id, practice=practice)
                for user_id in TagFollow.objects.filter(tag=tag).values_list("user_id", flat=True)
            ],
            batch_size=1000,
        )
    comment_create(practice=small, author=author, body="warm up")

    def cost(practice) -> int:
        with CaptureQueriesContext(connection) as queries:
            comment_create(practice=practice, author=author, body="@follower-1 have a look")
        return len(queries.captured_queries)

    assert cost(small) == cost(large)
    assert Notification.objects.filter(practice=large, kind="new_comment").count() == 2000


# --- Live unread counts after commit ---------------------------------------------------------


def test_only_online_recipients_get_a_live_unread_count_and_only_after_commit(
    django_capture_on_commit_callbacks, sent, member, other_member, user_factory
):
    offline = user_factory()
    follow_tag(member, "language learning")
    follow_tag(offline, "language learning")
    online.online_join(user_id=member.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(other_member, ["language learning"])
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [(f"user.{member.pk}", {"type": "unread", "count": 1})]


def test_a_rolled_back_post_sends_nothing(sent, member, other_member):
    from django.db import transaction

    follow_tag(member, "language learning")
    online.online_join(user_id=member.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(other_member, ["language learning"])
        raise RuntimeError("roll back")
    assert sent == []
    assert Notification.objects.count() == 0


def test_marking_all_read_sends_zero_to_the_members_sockets(
    django_capture_on_commit_callbacks, sent, member, other_member
):
    follow_tag(member, "language learning")
    publish(other_member, ["language learning"])
    online.online_join(user_id=member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_mark_all_read(user=member) == 1
    assert sent == [(f"user.{member.pk}", {"type": "unread", "count": 0})]


def test_a_failing_channel_layer_does_not_fail_the_post(
    django_capture_on_commit_callbacks, monkeypatch, member, other_member
):
    async def broken(group, message):
        raise ConnectionError("redis down")

    monkeypatch.setattr(broadcast, "agroup_send", broken)
    follow_tag(member, "language learning")
    online.online_join(user_id=member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        practice = publish(other_member, ["language learning"])
    assert Notification.objects.filter(recipient=member, practice=practice).exists()


# --- The notifications page -----------------------------------------------------------------


def notification(recipient, practice=None, comment=None, kind="new_practice", **extra):
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        practice=practice,
        comment=comment,
        actor=extra.pop("actor", None),
        dedupe_key=extra.pop("dedupe_key", f"test:{Notification.objects.count()}"),
        **extra,
    )


def test_notifications_page_needs_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_notifications_page_lists_newest_first_with_links_to_the_target(
    member_client, member, other_member, practice_factory
):
    practice = practice_factory(author=member, title="Teacher tandems")
    comment = Comment.objects.create(
        practice=practice, author=other_member, seq=1, changed_seq=1, body="Great", body_html="x"
    )
    notification(member, practice, kind="new_practice", actor=other_member)
    notification(member, practice, comment, kind="reply", actor=other_member)
    html = member_client.get("/notifications/").content.decode()
    reply_at = html.index("replied to your comment on")
    new_at = html.index("shared a practice under a tag you follow")
    assert reply_at < new_at
    assert f'href="{practice.get_absolute_url()}#comment-{comment.pk}"' in html
    assert html.count("badge-unread") == 2
    assert "Mark all as read" in html


def test_a_notification_about_a_practice_no_longer_readable_has_no_link(
    member_client, member, practice_factory
):
    gone = practice_factory(title="Spam practice", hidden_at=timezone.now())
    notification(member, gone)
    html = member_client.get("/notifications/").content.decode()
    assert "no longer available" in html
    assert gone.get_absolute_url() not in html


def test_notifications_page_escapes_what_members_typed(
    member_client, member, user_factory, practice_factory
):
    actor = user_factory(display_name="<script>alert(1)</script>")
    practice = practice_factory(title="<img src=x onerror=alert(2)>")
    comment = Comment.objects.create(
        practice=practice,
        author=actor,
        seq=1,
        changed_seq=1,
        body="<b>bold</b> & <i>",
        body_html="",
    )
    notification(member, practice, comment, kind="mention", actor=actor)
    html = member_client.get("/notifications/").content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;" in html


def test_notifications_page_costs_the_same_queries_at_two_sizes(
    member_client, member, other_member, practice_factory, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            practice = practice_factory(author=other_member)
            notification(member, practice, actor=other_member)

    add(2)
    assert member_client.get("/notifications/").status_code == 200
    # The bell's count, the page's count, the page with what it points at (the session and
    # the member are read from the cache).
    with django_assert_num_queries(3):
        assert member_client.get("/notifications/").status_code == 200
    add(60)
    with django_assert_num_queries(3):
        response = member_client.get("/notifications/?page=2")
    assert len(response.context["page"].object_list) == 30


def test_the_bell_shows_the_unread_count_in_its_accessible_name(
    member_client, member, practice_factory
):
    html = member_client.get("/").content.decode()
    assert re.search(r"Notifications</span>.*?\(none unread\)", html, re.S)
    for _ in range(3):
        notification(member, practice_factory())
    html = member_client.get("/practices/").content.decode()
    bell = re.search(r'<a class="bell has-unread" href="/notifications/".*?</a>', html, re.S)
    assert bell is not None
    assert ">3</span>" in bell.group(0)
    assert "(3 unread)" in bell.group(0)
    assert 'role="status" data-bell-announcer' in html


def test_the_bell_says_99_plus_past_99(member_client, member, practice_factory):
    practice = practice_factory()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=member, kind="new_practice", practice=practice, dedupe_key=f"k{i}"
            )
            for i in range(150)
        ]
    )
    html = member_client.get("/").content.decode()
    assert ">99+</span>" in html
    assert "(more than 99 unread)" in html


def test_visitors_see_no_bell_and_no_notifications_script(client):
    html = client.get("/practices/").content.decode()
    assert "data-bell" not in html
    assert "notifications.js" not in html


# --- Marking read ---------------------------------------------------------------------------


def test_marking_one_read(member_client, member, practice_factory):
    item = notification(member, practice_factory())
    other = notification(member, practice_factory())
    response = member_client.post(f"/notifications/{item.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    item.refresh_from_db()
    other.refresh_from_db()
    assert item.read_at is not None and other.read_at is None


def test_marking_read_answers_json_to_scripts(member_client, member, practice_factory):
    item = notification(member, practice_factory())
    notification(member, practice_factory())
    response = member_client.post(f"/notifications/{item.pk}/read/", HTTP_ACCEPT="application/json")
    assert response.json() == {"id": item.pk, "unread": 1}


def test_marking_someone_elses_notification_read_is_404_and_changes_nothing(
    client_for, member, other_member, practice_factory
):
    theirs = notification(other_member, practice_factory())
    response = client_for(member).post(f"/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_post_only_and_needs_the_csrf_token(member, practice_factory):
    item = notification(member, practice_factory())
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(f"/notifications/{item.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{item.pk}/read/").status_code == 403
    assert client.post("/notifications/read/").status_code == 403
    item.refresh_from_db()
    assert item.read_at is None


def test_mark_all_as_read_marks_only_the_members_own(
    member_client, member, other_member, practice_factory
):
    mine = [notification(member, practice_factory()) for _ in range(3)]
    theirs = notification(other_member, practice_factory())
    response = member_client.post("/notifications/read/", follow=True)
    assert "3 notifications marked as read." in response.content.decode()
    assert (
        Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Member suggestions for @mentions -------------------------------------------------------


def test_member_suggestions_need_login(client):
    assert client.get("/api/members/?q=am").status_code == 401


def test_member_suggestions_match_handles_and_names_and_put_the_thread_first(
    member_client, member, user_factory, practice_factory, django_assert_num_queries
):
    user_factory(handle="amir-stranger", display_name="Amir Stranger")
    talker = user_factory(handle="zora-amari", display_name="Zora Amari")
    user_factory(handle="amelie-gone", display_name="Amelie Gone", is_active=False)
    practice = practice_factory()
    Comment.objects.create(
        practice=practice, author=talker, seq=1, changed_seq=1, body="hi", body_html="hi"
    )
    response = member_client.get(f"/api/members/?q=am&practice={practice.pk}")
    rows = response.json()
    handles = [row["handle"] for row in rows]
    # Zora is in the thread; the member typing (Amira) is never suggested to herself.
    assert handles == ["zora-amari", "amir-stranger"]
    assert rows[0] == {
        "handle": "zora-amari",
        "name": "Zora Amari",
        "organisation": talker.organisation,
    }
    assert member_client.get("/api/members/?q=").json() == []
    assert member_client.get("/api/members/?q=%00&practice=x").json() == []
    # The suggestions (the session and the member are read from the cache).
    with django_assert_num_queries(1):
        member_client.get("/api/members/?q=a")


def test_on_the_notifications_page_the_bell_is_the_current_page(member_client):
    html = member_client.get("/notifications/").content.decode()
    assert '<a href="/practices/" aria-current="page">' not in html
    assert re.search(r'href="/notifications/" data-bell[^>]*aria-current="page"', html)


def test_moderation_messages_show_their_text_and_link_the_practice(
    member_client, member, practice_factory
):
    practice = practice_factory(author=member, title="Parents' café")
    notification(
        member,
        practice,
        kind="report_resolved",
        message="Thank you: the comment you reported was hidden.",
    )
    notification(member, None, kind="moderation", message="Your account is in good standing.")
    html = member_client.get("/notifications/").content.decode()
    assert "Thank you: the comment you reported was hidden." in html
    assert f'About <a class="notification-link" href="{practice.get_absolute_url()}"' in html
    assert "Your account is in good standing." in html
