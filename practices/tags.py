"""Tag names are normalised so that "Social media", "social-media" and " social  media " are one."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_TAGS = 10
MAX_TAG_LENGTH = 50
_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_tag(name: str) -> str:
    return _SEPARATORS.sub(" ", name).strip().lower()


def parse_tags(raw: str | list[str]) -> list[str]:
    """Split a comma-separated string (or take a list), normalise, and drop duplicates in order."""
    parts = raw.split(",") if isinstance(raw, str) else raw
    seen: dict[str, None] = {}
    for part in parts:
        name = normalise_tag(part)
        if name:
            seen.setdefault(name, None)
    return list(seen)


def validate_tags(names: list[str]) -> list[str]:
    if len(names) > MAX_TAGS:
        raise ValidationError(
            _("At most %(max_tags)s tags, please (you gave %(count)s)."),
            code="too_many_tags",
            params={"max_tags": MAX_TAGS, "count": len(names)},
        )
    too_long = [n for n in names if len(n) > MAX_TAG_LENGTH]
    if too_long:
        raise ValidationError(
            _("A tag may have at most %(max_length)s characters: “%(tag)s…” is too long."),
            code="tag_too_long",
            params={"max_length": MAX_TAG_LENGTH, "tag": too_long[0][:60]},
        )
    return names
