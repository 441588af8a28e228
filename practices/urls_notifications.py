"""Follows, the personal feed, notifications, e-mail preferences and Atom feeds."""

from django.urls import path

from practices import feeds
from practices.views import follows, notifications

app_name = "notifications"

urlpatterns = [
    # The personal feed and what it is made of
    path("feed/", notifications.feed, name="feed"),
    path("follows/", follows.follows, name="follows"),
    path("follows/tags/<slug:slug>/", follows.tag_follow, name="tag_follow"),
    path("follows/practices/<int:pk>/", follows.practice_follow, name="practice_follow"),
    # Notifications (the live side is ws/notifications/, in routing.py)
    path("notifications/", notifications.notification_list, name="inbox"),
    path("notifications/read/", notifications.notification_read_all, name="read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="read"),
    path("notifications/email/", notifications.email_settings, name="email_settings"),
    path("email/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    path("api/members/", notifications.member_autocomplete, name="member_autocomplete"),
    # Atom feeds; tags/<slug>/ in practices/urls.py takes one segment, so this is reached.
    path("practices/feed/", feeds.latest_practices_feed, name="practices_feed"),
    path("tags/<slug:slug>/feed/", feeds.tag_practices_feed, name="tag_feed"),
]
