from django.db import migrations, models
from django.utils.text import slugify


def fill_handles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken: set[str] = set()
    for user in User.objects.order_by("pk"):
        base = slugify(user.display_name or user.email.split("@")[0])[:36].strip("-") or "member"
        handle, n = base, 2
        while handle in taken:
            handle, n = f"{base}-{n}", n + 1
        taken.add(handle)
        User.objects.filter(pk=user.pk).update(handle=handle)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            # No index yet: the AlterField below adds the unique one (and, on PostgreSQL,
            # its _like index, which would otherwise be created twice).
            field=models.SlugField(max_length=40, null=True, db_index=False),
        ),
        migrations.RunPython(fill_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="handle",
            field=models.SlugField(max_length=40, unique=True),
        ),
        migrations.AddField(
            model_name="user",
            name="email_frequency",
            field=models.CharField(
                choices=[
                    ("none", "No e-mail"),
                    ("immediate", "Right away"),
                    ("daily", "Daily digest"),
                    ("weekly", "Weekly digest"),
                ],
                default="weekly",
                max_length=10,
                verbose_name="e-mail me",
            ),
        ),
    ]
