from django.db import migrations

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


def add_target_groups(apps, schema_editor):
    TargetGroup = apps.get_model("practices", "TargetGroup")
    for position, (slug, name) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def search_index_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS practice_search_gin "
            "ON practices_practice USING gin (search_vector)"
        )


def search_index_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS practice_search_gin")


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.RunPython(add_target_groups, migrations.RunPython.noop),
        # The GIN index exists on PostgreSQL only; SQLite searches with a simpler fallback.
        migrations.RunPython(search_index_forwards, search_index_backwards),
    ]
