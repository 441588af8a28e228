"""Unique slugs for rows people name: "Teacher tandems" -> "teacher-tandems", then -2, -3…"""

from django.db.models import QuerySet


def free_slug(base: str, *, taken: QuerySet, field: str = "slug") -> str:
    """The first of base, base-2, base-3… that no row of `taken` uses in `field`.
    Costs one query, whatever the number of rows."""
    names = set(taken.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    if base not in names:
        return base
    n = 2
    while f"{base}-{n}" in names:
        n += 1
    return f"{base}-{n}"
