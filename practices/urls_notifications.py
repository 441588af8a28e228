"""Follows, the personal feed, notifications, e-mail preferences and Atom feeds."""

app_name = "notifications"

urlpatterns: list = []
