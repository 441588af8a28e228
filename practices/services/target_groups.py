"""The fixed list of whom a practice is for. Migration 0002 seeded it; a database emptied by a
flush (the live-server tests do that) gets it back from target_groups_ensure. The names are
stored in English and translated where they are shown (TargetGroup.label)."""

from django.db import transaction
from django.utils.translation import gettext_noop

from practices.models import TargetGroup

TARGET_GROUPS = [
    ("refugees", gettext_noop("Refugees and asylum seekers")),
    ("newcomers", gettext_noop("Newly arrived migrants")),
    ("pupils", gettext_noop("Pupils of migrant background")),
    ("unaccompanied-minors", gettext_noop("Unaccompanied minors")),
    ("parents", gettext_noop("Migrant parents")),
    ("women", gettext_noop("Migrant women")),
    ("youth", gettext_noop("Young people")),
    ("volunteers", gettext_noop("Migrant volunteers")),
    ("professionals", gettext_noop("Teachers and other professionals")),
    ("public-servants", gettext_noop("City staff and public servants")),
    ("residents", gettext_noop("Local residents")),
]


@transaction.atomic
def target_groups_ensure() -> dict[str, TargetGroup]:
    """Every target group of the list exists; returns them by slug. Adds only what is missing."""
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    missing = [
        TargetGroup(slug=slug, name=name, position=position)
        for position, (slug, name) in enumerate(TARGET_GROUPS)
        if slug not in groups
    ]
    if missing:
        TargetGroup.objects.bulk_create(missing)
        groups.update({group.slug: group for group in missing})
    return groups
