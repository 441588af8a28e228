"""The fixed list of whom a practice is for. Migration 0002 seeded it; a database emptied by a
flush (the live-server tests do that) gets it back from target_groups_ensure."""

from django.db import transaction

from practices.models import TargetGroup

TARGET_GROUPS = [
    ("refugees", "Refugees and asylum seekers"),
    ("newcomers", "Newly arrived migrants"),
    ("pupils", "Pupils of migrant background"),
    ("unaccompanied-minors", "Unaccompanied minors"),
    ("parents", "Migrant parents"),
    ("women", "Migrant women"),
    ("youth", "Young people"),
    ("volunteers", "Migrant volunteers"),
    ("professionals", "Teachers and other professionals"),
    ("public-servants", "City staff and public servants"),
    ("residents", "Local residents"),
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
