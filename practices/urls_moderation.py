"""Reports, the moderation dashboard and actions, the audit log and collections."""

app_name = "moderation"

urlpatterns: list = []
