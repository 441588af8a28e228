"""The admin: a window onto every model, and a second tool for staff next to the moderation
pages.

Nothing here writes to the domain directly: practices, comments, reports, revisions and the
moderation log are read-only, and every change (hiding, approving, validating, resolving
reports, merging tags…) is an action that calls the same service as the moderation pages,
which checks who acts and writes the moderation log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from taggit.models import Tag as UnusedTaggitTag

from practices.admin_actions import form_action, service_action
from practices.models import (
    Adaptation,
    CheckIn,
    Collection,
    CollectionItem,
    Comment,
    DigestDelivery,
    ModerationAction,
    Notification,
    Practice,
    PracticeFollow,
    PracticeRevision,
    PracticeSimilarity,
    Report,
    ReportResolution,
    Tag,
    TagFollow,
    TaggedPractice,
    TagRedirect,
    TargetGroup,
)
from practices.selectors.tags import tags_with_counts
from practices.services import collections as collection_services
from practices.services import curation, moderation, reports, tags, transfer
from practices.tags import MAX_TAG_LENGTH, normalise_tag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _reason(data: dict) -> str:
    return data.get("reason") or ""


class PracticeActionsMixin:
    """The moderators' actions on practices, through the services."""

    actions = [
        form_action(
            lambda p, u, d: moderation.practice_hide(practice=p, moderator=u, reason=_reason(d)),
            description=_("Hide the selected practices"),
            done=_("Hidden"),
            name="hide_practices",
        ),
        form_action(
            lambda p, u, d: moderation.practice_restore(practice=p, moderator=u, reason=_reason(d)),
            description=_("Restore the selected hidden practices"),
            done=_("Restored"),
            name="restore_practices",
            form_kwargs={"required": False},
        ),
        service_action(
            lambda p, u: moderation.practice_approve(practice=p, moderator=u),
            description=_("Approve and publish the selected waiting practices"),
            done=_("Approved"),
            name="approve_practices",
        ),
        form_action(
            lambda p, u, d: moderation.practice_reject(practice=p, moderator=u, reason=_reason(d)),
            description=_("Send the selected waiting practices back to their authors"),
            done=_("Sent back"),
            name="reject_practices",
        ),
        service_action(
            lambda p, u: curation.practice_validate(practice=p, moderator=u),
            description=_("Validate the selected practices"),
            done=_("Validated"),
            name="validate_practices",
        ),
        service_action(
            lambda p, u: curation.practice_unvalidate(practice=p, moderator=u),
            description=_("Withdraw the validation of the selected practices"),
            done=_("Validation withdrawn"),
            name="unvalidate_practices",
        ),
        service_action(
            lambda p, u: curation.practice_feature(practice=p, moderator=u),
            description=_("Feature the selected practices on the start page"),
            done=_("Featured"),
            name="feature_practices",
        ),
        service_action(
            lambda p, u: curation.practice_unfeature(practice=p, moderator=u),
            description=_("Stop featuring the selected practices"),
            done=_("No longer featured"),
            name="unfeature_practices",
        ),
        service_action(
            lambda p, u: moderation.practice_lock(practice=p, moderator=u),
            description=_("Close the discussions of the selected practices"),
            done=_("Discussion closed"),
            name="lock_practices",
        ),
        service_action(
            lambda p, u: moderation.practice_unlock(practice=p, moderator=u),
            description=_("Reopen the discussions of the selected practices"),
            done=_("Discussion reopened"),
            name="unlock_practices",
        ),
    ]


@admin.register(Practice)
class PracticeAdmin(PracticeActionsMixin, ReadOnlyAdmin):
    list_display = [
        "title",
        "author",
        "status",
        "country",
        "city",
        "area",
        "stage",
        "published_at",
        "is_validated",
        "is_featured",
        "is_hidden",
        "comment_count",
    ]
    list_filter = [
        "status",
        ("validated_at", admin.EmptyFieldListFilter),
        ("featured_at", admin.EmptyFieldListFilter),
        ("hidden_at", admin.EmptyFieldListFilter),
        ("locked_at", admin.EmptyFieldListFilter),
        "area",
        "stage",
        "organisation_type",
        ("country", CountryFilter),
    ]
    search_fields = [
        "title",
        "summary",
        "organisation",
        "city",
        "author__email",
        "author__display_name",
    ]
    list_select_related = ["author"]
    date_hierarchy = "published_at"
    exclude = ["search_vector", "rendered"]
    show_full_result_count = False

    @admin.display(boolean=True, description=_("validated"), ordering="validated_at")
    def is_validated(self, obj: Practice) -> bool:
        return obj.validated_at is not None

    @admin.display(boolean=True, description=_("featured"), ordering="featured_at")
    def is_featured(self, obj: Practice) -> bool:
        return obj.featured_at is not None

    @admin.display(boolean=True, description=_("hidden"), ordering="hidden_at")
    def is_hidden(self, obj: Practice) -> bool:
        return obj.hidden_at is not None


@admin.register(PracticeRevision)
class PracticeRevisionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "number", "editor", "created_at"]
    list_select_related = ["practice", "editor"]
    search_fields = ["practice__title", "editor__email", "editor__display_name"]
    list_filter = ["created_at"]
    raw_id_fields = ["practice", "editor"]


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "is_official", "description"]

    def clean_name(self) -> str:
        name = normalise_tag(self.cleaned_data.get("name") or "")
        if not name:
            raise forms.ValidationError(gettext("A tag needs a name."), code="required")
        if len(name) > MAX_TAG_LENGTH:
            raise forms.ValidationError(
                gettext("A tag may have at most %(max_length)s characters."),
                code="max_length",
                params={"max_length": MAX_TAG_LENGTH},
            )
        clash = Tag.objects.filter(name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                gettext("The tag “%(name)s” already exists."), code="exists", params={"name": name}
            )
        return name


class TagMergeActionForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.none(),
        help_text=_(
            "The tag that stays; the selected ones move into it and are removed, "
            "their addresses redirecting to it. The tag that stays cannot be one of the selected."
        ),
    )

    def __init__(self, *args, queryset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        selected = queryset.values("pk") if queryset is not None else []
        self.fields["target"].queryset = Tag.objects.exclude(pk__in=selected).order_by("name")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Official status and descriptions are curated here, and tags merged (an action);
    renaming is done on the tag's page, where the old address keeps a redirect."""

    form = TagAdminForm
    list_display = ["name", "slug", "is_official", "practice_count"]
    list_filter = ["is_official"]
    search_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return tags_with_counts()

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # A renamed tag would no longer match what members type; names are set once.
        return ["name", "slug"] if obj is not None else ["slug"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Tag, form, change: bool) -> None:
        """Through the services (checked and audited): a new tag, or the change form's two
        fields. A refusal (not a moderator) raises, and nothing is saved."""
        if not change:
            created = tags.tag_create(
                moderator=request.user,
                name=obj.name,
                description=obj.description,
                official=obj.is_official,
            )
            obj.pk, obj.slug = created.pk, created.slug
            return
        current = Tag.objects.get(pk=obj.pk)
        tags.tag_describe(tag=current, moderator=request.user, description=obj.description)
        tags.tag_set_official(tag=current, moderator=request.user, official=obj.is_official)

    actions = [
        service_action(
            lambda t, u: tags.tag_set_official(tag=t, moderator=u, official=True),
            description=_("Mark the selected tags official"),
            done=_("Marked official"),
            name="mark_official",
        ),
        service_action(
            lambda t, u: tags.tag_set_official(tag=t, moderator=u, official=False),
            description=_("Unmark the selected official tags"),
            done=_("No longer official"),
            name="unmark_official",
        ),
        form_action(
            lambda t, u, d: tags.tag_merge(source=t, target=d["target"], moderator=u),
            description=_("Merge the selected tags into another"),
            done=_("Merged"),
            name="merge_tags",
            form_class=TagMergeActionForm,
        ),
    ]

    @admin.display(description=_("visible practices"), ordering="count")
    def practice_count(self, obj: Tag) -> int:
        return obj.count


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Practices point at target groups; removing one would silently change them.
        return False


# --- Comments, reports and the moderation log ------------------------------------------------


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "practice", "created_at", "is_deleted", "is_hidden"]
    list_select_related = ["author", "practice"]
    list_filter = [
        ("hidden_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = ["body", "author__email", "author__display_name", "practice__title"]
    raw_id_fields = ["practice", "author", "parent"]
    exclude = ["body_html"]
    show_full_result_count = False
    actions = [
        form_action(
            lambda c, u, d: moderation.comment_hide(comment=c, moderator=u, reason=_reason(d)),
            description=_("Hide the selected comments"),
            done=_("Hidden"),
            name="hide_comments",
        ),
        form_action(
            lambda c, u, d: moderation.comment_restore(comment=c, moderator=u, reason=_reason(d)),
            description=_("Restore the selected hidden comments"),
            done=_("Restored"),
            name="restore_comments",
            form_kwargs={"required": False},
        ),
    ]

    @admin.display(boolean=True, description=_("deleted"), ordering="deleted_at")
    def is_deleted(self, obj: Comment) -> bool:
        return obj.deleted_at is not None

    @admin.display(boolean=True, description=_("hidden"), ordering="hidden_at")
    def is_hidden(self, obj: Comment) -> bool:
        return obj.hidden_at is not None


def _report_items(objects: list[Report]) -> list[Report]:
    """One report per item: resolving it resolves every open report on that item."""
    seen: dict[tuple, Report] = {}
    for report in objects:
        if report.resolved_at is None:
            seen.setdefault((report.practice_id, report.comment_id), report)
    return list(seen.values())


def _resolve(resolution: str) -> Callable[[Report, Any, dict], Any]:
    def call(report: Report, user: Any, data: dict) -> Any:
        return reports.report_resolve(
            moderator=user,
            practice=None if report.comment_id else report.practice,
            comment=report.comment,
            resolution=resolution,
            reason=_reason(data),
        )

    return call


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "reason", "reporter", "created_at", "resolution", "resolved_by"]
    list_select_related = ["reporter", "resolved_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "reason", "resolution"]
    search_fields = ["note", "resolution_reason", "reporter__email", "practice__title"]
    raw_id_fields = ["practice", "comment", "reporter", "resolved_by"]
    date_hierarchy = "created_at"
    actions = [
        form_action(
            _resolve(ReportResolution.DISMISSED),
            description=_("Dismiss the reports on the selected items"),
            done=_("Items resolved"),
            name="dismiss_reports",
            group=_report_items,
        ),
        form_action(
            _resolve(ReportResolution.HIDDEN),
            description=_("Hide the reported items and resolve their reports"),
            done=_("Items hidden and resolved"),
            name="hide_reported",
            group=_report_items,
        ),
    ]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit log: read-only for everyone, superusers included."""

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "target_repr"]
    list_select_related = ["actor"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["target_repr", "reason", "actor__email", "actor__display_name"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}


# --- Collections and tag redirects ----------------------------------------------------------


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    fields = ["position", "practice", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _set_public(public: bool) -> Callable[[Collection, Any], Collection]:
    def call(collection: Collection, user: Any) -> Collection:
        return collection_services.collection_update(
            collection=collection,
            moderator=user,
            title=collection.title,
            introduction=collection.introduction,
            is_public=public,
        )

    return call


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    """Collections are built on the site (moderation pages); here they are listed, and
    published or withdrawn."""

    list_display = ["title", "slug", "is_public", "created_by", "updated_at"]
    list_filter = ["is_public"]
    search_fields = ["title", "introduction"]
    list_select_related = ["created_by"]
    exclude = ["introduction_html"]
    inlines = [CollectionItemInline]
    actions = [
        service_action(
            _set_public(True),
            description=_("Make the selected collections public"),
            done=_("Public"),
            name="publish_collections",
        ),
        service_action(
            _set_public(False),
            description=_("Withdraw the selected collections from the public"),
            done=_("Withdrawn"),
            name="withdraw_collections",
        ),
    ]


@admin.register(TaggedPractice)
class TaggedPracticeAdmin(ReadOnlyAdmin):
    """Which practice carries which tag; changed through the practice form and tag merges."""

    list_display = ["content_object", "tag"]
    list_select_related = ["content_object", "tag"]
    search_fields = ["tag__name", "content_object__title"]
    show_full_result_count = False


@admin.register(TagRedirect)
class TagRedirectAdmin(ReadOnlyAdmin):
    list_display = ["old_slug", "old_name", "tag", "created_at"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "old_name", "tag__name"]


# --- Follows and notifications (read-only windows) --------------------------------------------


@admin.register(TagFollow)
class TagFollowAdmin(ReadOnlyAdmin):
    list_display = ["user", "tag", "created_at"]
    list_select_related = ["user", "tag"]
    search_fields = ["user__email", "user__display_name", "tag__name"]
    list_filter = ["created_at"]


@admin.register(PracticeFollow)
class PracticeFollowAdmin(ReadOnlyAdmin):
    list_display = ["user", "practice", "muted", "created_at"]
    list_select_related = ["user", "practice"]
    search_fields = ["user__email", "user__display_name", "practice__title"]
    list_filter = ["muted", "created_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "actor", "created_at", "read_at", "emailed_at"]
    list_select_related = ["recipient", "actor"]
    search_fields = ["recipient__email", "message", "dedupe_key"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    raw_id_fields = ["recipient", "actor", "practice", "comment"]
    show_full_result_count = False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["user", "frequency", "period_start", "period_end", "items", "sent_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    list_filter = ["frequency", ("sent_at", admin.EmptyFieldListFilter)]


@admin.register(Adaptation)
class AdaptationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "original", "country", "stage", "created_at"]
    list_select_related = ["author", "original"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter), "stage", "created_at"]
    search_fields = ["city", "organisation", "changes", "author__email", "original__title"]
    raw_id_fields = ["original", "author", "own_practice"]
    exclude = ["rendered"]
    actions = [
        form_action(
            lambda a, u, d: transfer.adaptation_hide(adaptation=a, moderator=u, reason=_reason(d)),
            description=_("Hide the selected adaptations"),
            done=_("Hidden"),
            name="hide_adaptations",
        ),
        form_action(
            lambda a, u, d: transfer.adaptation_restore(
                adaptation=a, moderator=u, reason=_reason(d)
            ),
            description=_("Restore the selected hidden adaptations"),
            done=_("Restored"),
            name="restore_adaptations",
            form_kwargs={"required": False},
        ),
    ]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["practice", "author", "due_on", "asked_at", "answered_at", "answer"]
    list_select_related = ["practice", "author"]
    list_filter = ["answer", ("answered_at", admin.EmptyFieldListFilter), "due_on"]
    search_fields = ["practice__title", "author__email", "note"]
    raw_id_fields = ["practice", "author"]


@admin.register(PracticeSimilarity)
class PracticeSimilarityAdmin(ReadOnlyAdmin):
    list_display = ["practice", "rank", "similar", "score"]
    list_select_related = ["practice", "similar"]
    search_fields = ["practice__title", "similar__title"]
    raw_id_fields = ["practice", "similar"]


# django-taggit registers its own Tag model; the site's tags are practices.Tag, above.
if admin.site.is_registered(UnusedTaggitTag):
    admin.site.unregister(UnusedTaggitTag)
