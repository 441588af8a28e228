"""The admin: a window onto practices and revisions, and the place to curate tags.

Practices and their revisions are read-only here: every write to them goes through the
services (the site's edit form, the moderation pages), which keep revisions, render
Markdown and update the search index.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_countries.filters import CountryFilter

from practices.models import Practice, PracticeRevision, Tag, TargetGroup
from practices.selectors.tags import tags_with_counts
from practices.tags import MAX_TAG_LENGTH, normalise_tag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
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

    @admin.display(boolean=True, description="validated", ordering="validated_at")
    def is_validated(self, obj: Practice) -> bool:
        return obj.validated_at is not None

    @admin.display(boolean=True, description="featured", ordering="featured_at")
    def is_featured(self, obj: Practice) -> bool:
        return obj.featured_at is not None

    @admin.display(boolean=True, description="hidden", ordering="hidden_at")
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
            raise forms.ValidationError("A tag needs a name.")
        if len(name) > MAX_TAG_LENGTH:
            raise forms.ValidationError(f"A tag may have at most {MAX_TAG_LENGTH} characters.")
        clash = Tag.objects.filter(name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"The tag “{name}” already exists.")
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Official status and descriptions are curated here; renaming and merging are not."""

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

    @admin.display(description="visible practices", ordering="count")
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
