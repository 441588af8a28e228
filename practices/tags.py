"""Tag names are normalised so that "Social media", "social-media" and " social  media " are one."""

import re

from django.core.exceptions import ValidationError

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
            f"At most {MAX_TAGS} tags, please (you gave {len(names)}).", code="too_many_tags"
        )
    too_long = [n for n in names if len(n) > MAX_TAG_LENGTH]
    if too_long:
        raise ValidationError(
            f"A tag may have at most {MAX_TAG_LENGTH} characters: “{too_long[0][:60]}…” is too long.",
            code="tag_too_long",
        )
    return names
