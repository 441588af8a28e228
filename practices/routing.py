"""WebSocket routes of the practices app: one live thread per practice, and each member's
notifications."""

from django.urls import path

from practices.consumers.notifications import NotificationConsumer
from practices.consumers.threads import ThreadConsumer

websocket_urlpatterns = [
    path("ws/practices/<int:pk>/", ThreadConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
