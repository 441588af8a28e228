"""Writes for transfer: adaptations of a practice, the precomputed "practices like this",
and the yearly check-ins with their signed one-click links.

Adaptations change the original's `adaptation_count` in the same transaction, so the list's
"has been adapted" filter and "most adapted" sort read one indexed column. Similar practices
are computed when a practice is saved or published (after commit, bounded work) and by
`manage.py refresh_similar`; pages only read the stored ranks. Check-ins take `now` so that
tests and `send_checkins --now` need no clock mocking.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import EmailFrequency, User
from practices import caching
from practices.markdown import render_markdown
from practices.models import (
    Adaptation,
    CheckIn,
    CheckInAnswer,
    Notification,
    NotificationKind,
    Practice,
    PracticeFollow,
    PracticeSimilarity,
    TaggedPractice,
)
from practices.services import notifications
from practices.services.emails import _message, absolute_url
from practices.services.moderation import (
    clean_reason,
    moderation_action_record,
    moderation_check,
)

logger = logging.getLogger(__name__)

ADAPTATION_FIELDS = (
    "city",
    "country",
    "organisation",
    "organisation_type",
    "changes",
    "outcome",
    "stage",
)
ADAPTATION_MARKDOWN = ("changes", "outcome")


# --- Adaptations -----------------------------------------------------------------------------


def _check_may_post(user: Any) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to record an adaptation."))
    if not user.can_post:
        raise PermissionDenied(_("Verify your e-mail address, or wait for your suspension to end."))


def adaptation_may_edit(*, adaptation: Adaptation, user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and adaptation.author_id == user.pk)


def _clean_own_practice(*, own_practice: Practice | None, author: User, original: Practice):
    if own_practice is None:
        return None
    if own_practice.author_id != author.pk:
        raise ValidationError({"own_practice": _("Choose one of your own practices.")})
    if own_practice.pk == original.pk:
        raise ValidationError({"own_practice": _("A practice cannot be an adaptation of itself.")})
    return own_practice


def _apply_adaptation(adaptation: Adaptation, data: dict[str, Any]) -> None:
    for name in ADAPTATION_FIELDS:
        if name in data:
            value = data[name]
            setattr(adaptation, name, value.strip() if isinstance(value, str) else value)
    adaptation.full_clean(exclude=["original", "author", "own_practice", "rendered"])
    adaptation.rendered = {
        name: render_markdown(getattr(adaptation, name)) for name in ADAPTATION_MARKDOWN
    }


def _count_adaptation(practice_id: int, delta: int) -> None:
    Practice.objects.filter(pk=practice_id).update(
        adaptation_count=Greatest(F("adaptation_count") + delta, 0)
    )


def adaptation_fanout(*, adaptation: Adaptation) -> None:
    """Call inside the transaction that saved the adaptation: the original's author and its
    followers hear (not those who muted it, not the adapter). A constant number of queries."""
    original = adaptation.original
    followers = (
        PracticeFollow.objects.filter(practice_id=original.pk, muted=False, user__is_active=True)
        .exclude(user_id=adaptation.author_id)
        .order_by()
        .annotate(recipient=F("user_id"))
        .values("recipient")
    )
    common = {
        "kind": NotificationKind.ADAPTATION,
        "dedupe_key": f"adaptation:{adaptation.pk}",
        "actor_id": adaptation.author_id,
        "practice_id": original.pk,
        "comment_id": None,
    }
    muted = PracticeFollow.objects.filter(practice_id=original.pk, muted=True).values("user_id")
    author = (
        User.objects.filter(pk=original.author_id, is_active=True)
        .exclude(pk=adaptation.author_id)
        .exclude(pk__in=muted)
        .annotate(recipient=F("pk"))
        .values("recipient")
    )
    notifications._insert_for_recipients(author, **common)
    notifications._insert_for_recipients(followers, **common)
    notifications.unread_push_on_commit(
        user_ids=lambda: [original.author_id, *followers.values_list("recipient", flat=True)]
    )


@transaction.atomic
def adaptation_create(
    *,
    original: Practice,
    author: User,
    data: dict[str, Any],
    own_practice: Practice | None = None,
) -> Adaptation:
    """Record that `author` adapted `original`. The original must be visible to everyone;
    its author and followers are told after commit."""
    _check_may_post(author)
    original = Practice.objects.select_for_update().get(pk=original.pk)
    if not original.is_visible:
        raise ValidationError(_("Only a published practice can be adapted."), code="unavailable")
    adaptation = Adaptation(original=original, author=author)
    _apply_adaptation(adaptation, data)
    adaptation.own_practice = _clean_own_practice(
        own_practice=own_practice, author=author, original=original
    )
    adaptation.save()
    _count_adaptation(original.pk, 1)
    adaptation_fanout(adaptation=adaptation)
    caching.drop_practice(original.pk)
    return adaptation


@transaction.atomic
def adaptation_update(
    *,
    adaptation: Adaptation,
    editor: User,
    data: dict[str, Any],
    own_practice: Practice | None = None,
) -> Adaptation:
    """Save its author's edit. Nobody else edits an adaptation (moderators hide it)."""
    if not adaptation_may_edit(adaptation=adaptation, user=editor):
        raise PermissionDenied(_("Only its author may edit this adaptation."))
    _check_may_post(editor)
    current = (
        Adaptation.objects.select_for_update(of=("self",))
        .select_related("original")
        .get(pk=adaptation.pk)
    )
    _apply_adaptation(current, data)
    current.own_practice = _clean_own_practice(
        own_practice=own_practice, author=editor, original=current.original
    )
    current.save()
    caching.drop_practice(current.original_id)
    return current


def _locked_adaptation(adaptation: Adaptation) -> Adaptation:
    return (
        Adaptation.objects.select_for_update(of=("self",))
        .select_related("author", "original")
        .get(pk=adaptation.pk)
    )


@transaction.atomic
def adaptation_hide(*, adaptation: Adaptation, moderator: User, reason: str) -> Adaptation:
    """Hide an adaptation from everyone but its author and the moderators; it no longer
    counts for the original. Logged, and its author is told why."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=True)
    current = _locked_adaptation(adaptation)
    if current.hidden_at is not None:
        raise ValidationError(_("This adaptation is already hidden."), code="already_hidden")
    current.hidden_at = timezone.now()
    current.hidden_reason = reason
    current.save(update_fields=["hidden_at", "hidden_reason"])
    _count_adaptation(current.original_id, -1)
    entry = moderation_action_record(
        actor=moderator,
        action="adaptation.hide",
        target=current,
        reason=reason,
        data={"practice": current.original_id},
    )
    notifications.notification_send(
        recipient=current.author,
        kind=NotificationKind.MODERATION,
        dedupe_key=f"moderation:{entry.pk}",
        actor=moderator,
        practice=current.original,
        message=lambda: (
            _("A moderator hid your adaptation of “%(title)s”. Reason: %(reason)s")
            % {"title": current.original.title, "reason": reason}
        ),
    )
    caching.drop_practice(current.original_id)
    return current


@transaction.atomic
def adaptation_restore(*, adaptation: Adaptation, moderator: User, reason: str = "") -> Adaptation:
    """Show a hidden adaptation again."""
    moderation_check(moderator)
    reason = clean_reason(reason, required=False)
    current = _locked_adaptation(adaptation)
    if current.hidden_at is None:
        raise ValidationError(_("This adaptation is not hidden."), code="not_hidden")
    previous = current.hidden_reason
    current.hidden_at = None
    current.hidden_reason = ""
    current.save(update_fields=["hidden_at", "hidden_reason"])
    _count_adaptation(current.original_id, 1)
    entry = moderation_action_record(
        actor=moderator,
        action="adaptation.restore",
        target=current,
        reason=reason,
        data={"practice": current.original_id, "hidden_reason": previous},
    )
    notifications.notification_send(
        recipient=current.author,
        kind=NotificationKind.MODERATION,
        dedupe_key=f"moderation:{entry.pk}",
        actor=moderator,
        practice=current.original,
        message=lambda: (
            _("A moderator restored your adaptation of “%(title)s”.")
            % {"title": current.original.title}
        ),
    )
    caching.drop_practice(current.original_id)
    return current


# --- Practices like this ------------------------------------------------------------------------

SIMILAR_KEEP = 12
# Candidates per source (shared tags, same area, shared target groups): the work per
# practice is bounded whatever the size of the site.
CANDIDATES_PER_SOURCE = 150
WEIGHTS = {
    "tags": 3.0,
    "text": 4.0,
    "area": 1.5,
    "groups": 1.5,
    "setting": 1.5,
    "organisation_type": 0.5,
}
# Where a practice happens, recognised from its words, tags and target groups: two practices
# in schools are alike even when one is filed under education and the other under housing.
SETTINGS = {
    "school": {"school", "pupil", "teacher", "classroom", "class", "classe", "student", "lesson"},
    "work": {"job", "employer", "work", "employment", "workplace", "career"},
    "home": {"housing", "flat", "home", "tenancy", "landlord", "room"},
    "health": {"health", "doctor", "patient", "clinic", "hospital"},
    "civic": {"council", "democracy", "volunteer", "volunteering", "vote", "election"},
}
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
STOPWORDS = frozenset(
    """
    about after also before being between both city cities could each every first from have
    into just like made more most need only other over same some such than that their them
    then there these they this those through under very were what when where which while
    with within without would year years your week weeks month months help helps people
    """.split()  # noqa: SIM905 - a paragraph reads better than a list of 70 strings
)


def _words(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall((text or "").lower()):
        if word in STOPWORDS:
            continue
        # A light stem: "schools" and "school", "teachers" and "teacher" meet.
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


@dataclass
class _Features:
    pk: int
    area: str
    organisation_type: str
    tags: set[int]
    groups: set[int]
    words: set[str]
    settings: set[str]


def _features(ids: set[int]) -> dict[int, _Features]:
    """Three queries for any number of practices: their fields, tags and target groups."""
    rows = (
        Practice.objects.visible()
        .filter(pk__in=ids)
        .values("pk", "title", "summary", "area", "organisation_type")
    )
    texts = {row["pk"]: [row["title"], row["summary"]] for row in rows}
    found = {
        row["pk"]: _Features(
            pk=row["pk"],
            area=row["area"],
            organisation_type=row["organisation_type"],
            tags=set(),
            groups=set(),
            words=set(),
            settings=set(),
        )
        for row in rows
    }
    for practice_id, tag_id, name in TaggedPractice.objects.filter(
        content_object_id__in=found
    ).values_list("content_object_id", "tag_id", "tag__name"):
        found[practice_id].tags.add(tag_id)
        texts[practice_id].append(name)
    through = Practice.target_groups.through
    for practice_id, group_id, slug in through.objects.filter(practice_id__in=found).values_list(
        "practice_id", "targetgroup_id", "targetgroup__slug"
    ):
        found[practice_id].groups.add(group_id)
        texts[practice_id].append(slug.replace("-", " "))
    for pk, features in found.items():
        features.words = _words(" ".join(texts[pk]))
        features.settings = {name for name, words in SETTINGS.items() if features.words & words}
    return found


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _idf(sets: list[set]) -> dict[Any, float]:
    """Rarity of each element among the sets: what few practices share says more."""
    counts: dict[Any, int] = {}
    for items in sets:
        for item in items:
            counts[item] = counts.get(item, 0) + 1
    return {item: math.log((len(sets) + 1) / n) for item, n in counts.items()}


def _weighted_jaccard(a: set, b: set, idf: dict[Any, float]) -> float:
    union = sum(idf.get(item, 0.0) for item in a | b)
    return sum(idf.get(item, 0.0) for item in a & b) / union if union else 0.0


@dataclass
class _Rarity:
    words: dict[Any, float]
    tags: dict[Any, float]
    groups: dict[Any, float]

    @classmethod
    def among(cls, features: list[_Features]) -> _Rarity:
        return cls(
            words=_idf([f.words for f in features]),
            tags=_idf([f.tags for f in features]),
            groups=_idf([f.groups for f in features]),
        )


def similarity_score(a: _Features, b: _Features, rarity: _Rarity) -> float:
    """How alike two practices are: shared tags, words (of title, summary, tags and target
    groups) and target groups, each weighted by rarity among the candidates; the same
    setting, area and kind of organisation."""
    return (
        WEIGHTS["tags"] * _weighted_jaccard(a.tags, b.tags, rarity.tags)
        + WEIGHTS["text"] * _weighted_jaccard(a.words, b.words, rarity.words)
        + WEIGHTS["area"] * (a.area == b.area)
        + WEIGHTS["groups"] * _weighted_jaccard(a.groups, b.groups, rarity.groups)
        + WEIGHTS["setting"] * _jaccard(a.settings, b.settings)
        + WEIGHTS["organisation_type"] * (a.organisation_type == b.organisation_type)
    )


def _candidates(practice: _Features) -> set[int]:
    visible = Practice.objects.visible().exclude(pk=practice.pk)
    ids: set[int] = set()
    if practice.tags:
        ids.update(
            TaggedPractice.objects.filter(tag_id__in=practice.tags)
            .exclude(content_object_id=practice.pk)
            .order_by("-content_object_id")
            .values_list("content_object_id", flat=True)
            .distinct()[:CANDIDATES_PER_SOURCE]
        )
    ids.update(
        visible.filter(area=practice.area).values_list("pk", flat=True)[:CANDIDATES_PER_SOURCE]
    )
    if practice.groups:
        ids.update(
            visible.filter(target_groups__in=practice.groups)
            .values_list("pk", flat=True)
            .distinct()[:CANDIDATES_PER_SOURCE]
        )
    return ids


@transaction.atomic
@transaction.atomic
def _similar_replace(practice_id: int) -> list[PracticeSimilarity]:
    """Replace one practice's stored closest practices. The practice's row is locked first:
    two refreshes of the same practice at once (two neighbours published together) would
    otherwise both delete and both insert, and the second insert break the rank's
    uniqueness."""
    Practice.objects.select_for_update().filter(pk=practice_id).values_list("pk").first()
    PracticeSimilarity.objects.filter(practice_id=practice_id).delete()
    own = _features({practice_id}).get(practice_id)
    if own is None:
        return []
    others = _features(_candidates(own))
    rarity = _Rarity.among([own, *others.values()])
    scored = sorted(
        ((similarity_score(own, other, rarity), other.pk) for other in others.values()),
        key=lambda pair: (-pair[0], -pair[1]),
    )
    return PracticeSimilarity.objects.bulk_create(
        [
            PracticeSimilarity(practice_id=practice_id, similar_id=pk, score=score, rank=rank)
            for rank, (score, pk) in enumerate(
                [pair for pair in scored if pair[0] > 0][:SIMILAR_KEEP], start=1
            )
        ]
    )


def similar_refresh(*, practice_id: int, neighbours: bool = True) -> list[PracticeSimilarity]:
    """Recompute the stored closest practices of one practice (nothing for one that is not
    visible), and, with `neighbours`, of the practices it is now closest to and of those
    that listed it before, so that a new or changed practice appears in their lists too."""
    before = set(
        PracticeSimilarity.objects.filter(similar_id=practice_id).values_list(
            "practice_id", flat=True
        )[:SIMILAR_KEEP]
    )
    rows = _similar_replace(practice_id)
    if neighbours:
        for other_id in sorted(before | {row.similar_id for row in rows}):
            similar_refresh(practice_id=other_id, neighbours=False)
    return rows


def similar_refresh_on_commit(*, practice_id: int) -> None:
    """After the saving transaction commits; a failure is logged, the save stands."""

    def refresh() -> None:
        try:
            similar_refresh(practice_id=practice_id)
        except Exception:
            logger.exception("similar practices of %s not refreshed", practice_id)
            return
        # Its own page lists its new neighbours now; theirs list it when their kept
        # fragments expire (docs/caching.md).
        caching.drop(caching.practice_scope(practice_id))

    transaction.on_commit(refresh)


def similar_refresh_all() -> int:
    """Recompute every visible practice's list (manage.py refresh_similar). Returns how many."""
    ids = list(Practice.objects.visible().order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        similar_refresh(practice_id=pk, neighbours=False)
    PracticeSimilarity.objects.exclude(practice_id__in=ids).delete()
    return len(ids)


# --- Check-ins --------------------------------------------------------------------------------

CHECKIN_SALT = "practices.transfer.checkin"
CHECKIN_PURPOSE = "checkin"
# Without an answer this long after the question, a practice is "not recently confirmed".
UNCONFIRMED_AFTER = timedelta(days=90)


class CheckInError(Exception):
    """A check-in link that cannot answer: `code` is "invalid", "expired" or "used"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def checkin_token(*, checkin: CheckIn, answer: str) -> str:
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign_object(
        {"c": checkin.pk, "a": answer, "p": CHECKIN_PURPOSE}
    )


def checkin_url(*, checkin: CheckIn, answer: str) -> str:
    token = checkin_token(checkin=checkin, answer=answer)
    return absolute_url(reverse("practices:checkin_link", kwargs={"token": token}))


def checkin_from_token(*, token: str) -> tuple[CheckIn, str]:
    """The check-in and answer a link was made for. CheckInError if it was changed, is too
    old, names nothing, or was answered already. Reads only."""
    signer = signing.TimestampSigner(salt=CHECKIN_SALT)
    max_age = timedelta(days=settings.CHECKIN_LINK_MAX_AGE_DAYS)
    invalid = CheckInError("invalid", _("This check-in link is not valid."))
    try:
        data = signer.unsign_object(token or "", max_age=max_age)
    except signing.SignatureExpired:
        raise CheckInError(
            "expired", _("This check-in link is too old. Answer from the practice's page.")
        ) from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise invalid from None
    if not isinstance(data, dict) or data.get("p") != CHECKIN_PURPOSE:
        raise invalid
    checkin_id, answer = data.get("c"), data.get("a")
    if isinstance(checkin_id, bool) or not isinstance(checkin_id, int):
        raise invalid
    if answer not in CheckInAnswer.values:
        raise invalid
    checkin = CheckIn.objects.select_related("practice", "author").filter(pk=checkin_id).first()
    if checkin is None or not checkin.author.is_active:
        raise invalid
    if checkin.answered_at is not None:
        raise CheckInError("used", _("This check-in was answered already; nothing was changed."))
    return checkin, answer


def _clean_answer(answer: Any, note: Any) -> tuple[str, str]:
    if answer not in CheckInAnswer.values:
        raise ValidationError({"answer": _("Choose one of the four answers.")})
    note = " ".join(str(note or "").split())
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the line under 500 characters.")})
    return answer, note


@transaction.atomic
def checkin_answer(
    *,
    checkin: CheckIn,
    user: Any,
    answer: str,
    note: str = "",
    now: datetime | None = None,
) -> CheckIn:
    """The practice's author answers a check-in. Only once: an answered check-in is refused
    (code "used") and stays as it was."""
    now = now or timezone.now()
    if not (user.is_authenticated and user.is_active and user.pk == checkin.author_id):
        raise PermissionDenied(_("Only the practice's author can check in."))
    answer, note = _clean_answer(answer, note)
    current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if current.answered_at is not None:
        raise ValidationError(_("This check-in was answered already."), code="used")
    current.answer = answer
    current.note = note
    current.answered_at = now
    current.save(update_fields=["answer", "note", "answered_at"])
    Notification.objects.filter(
        recipient_id=user.pk, dedupe_key=f"checkin:{current.pk}", read_at__isnull=True
    ).update(read_at=now)
    caching.drop_practice(current.practice_id)
    return current


@transaction.atomic
def checkin_answer_by_token(*, token: str, note: str = "", now: datetime | None = None) -> CheckIn:
    """Answer from an e-mail link, without logging in: the signed token names the check-in
    and the answer, and works once. CheckInError for a bad, old or used link."""
    checkin, answer = checkin_from_token(token=token)
    try:
        return checkin_answer(
            checkin=checkin, user=checkin.author, answer=answer, note=note, now=now
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "used":
            raise CheckInError("used", _("This check-in was answered already.")) from None
        raise


def checkin_due_on(*, published_at: datetime, last_answered_at: datetime | None) -> date:
    start = last_answered_at or published_at
    return add_year(timezone.localdate(start))


def _checkin_email(checkin: CheckIn) -> Any:
    user = checkin.author
    with translation.override(user.preferred_language):
        return _message(
            user=user,
            subject=_("Is “%(title)s” still running?") % {"title": checkin.practice.title},
            template="checkin",
            context={
                "checkin": checkin,
                "practice": checkin.practice,
                "practice_url": absolute_url(checkin.practice.get_absolute_url()),
                "answers": [
                    (label, checkin_url(checkin=checkin, answer=value))
                    for value, label in CheckInAnswer.choices
                ],
            },
        )


@dataclass
class CheckInRun:
    asked: int = 0
    emailed: int = 0


def checkins_send(*, now: datetime | None = None) -> CheckInRun:
    """Ask the author of every visible practice whose check-in is due (twelve months after
    publication or the last answer) and not asked yet: a notification and an e-mail with
    one-click answers. Never asks twice for the same period (the unique practice and due
    date), and never while an earlier question is open."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_checkins = CheckIn.objects.filter(practice=OuterRef("pk"), answered_at__isnull=True)
    due = (
        Practice.objects.visible()
        .filter(published_at__lte=now - timedelta(days=365))
        .annotate(last_answered=Max("checkins__answered_at"), waiting=Exists(open_checkins))
        .filter(waiting=False)
        .select_related("author")
        .order_by("pk")
    )
    run = CheckInRun()
    asked: list[CheckIn] = []
    for practice in due.iterator(chunk_size=500):
        due_on = checkin_due_on(
            published_at=practice.published_at, last_answered_at=practice.last_answered
        )
        if due_on > today or not practice.author.is_active:
            continue
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    practice=practice, author=practice.author, due_on=due_on, asked_at=now
                )
                notification = notifications.notification_send(
                    recipient=practice.author,
                    kind=NotificationKind.CHECKIN,
                    dedupe_key=f"checkin:{checkin.pk}",
                    practice=practice,
                    message=lambda title=practice.title: (
                        _("Is “%(title)s” still running? One click answers.") % {"title": title}
                    ),
                )
                if notification is not None:
                    # This e-mail is the check-in's own, with its answer links.
                    Notification.objects.filter(pk=notification.pk).update(emailed_at=now)
        except IntegrityError:
            continue
        run.asked += 1
        asked.append(checkin)
    wanting = [c for c in asked if c.author.email_frequency != EmailFrequency.NONE]
    if wanting:
        with get_connection(fail_silently=False) as mail:
            for checkin in wanting:
                try:
                    mail.send_messages([_checkin_email(checkin)])
                    run.emailed += 1
                except Exception:
                    logger.exception("check-in e-mail %s not sent", checkin.pk)
    return run
