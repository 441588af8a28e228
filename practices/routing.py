"""WebSocket routes of the practices app: one live thread per practice."""

from django.urls import path

from practices.consumers.threads import ThreadConsumer

websocket_urlpatterns = [
    path("ws/practices/<int:pk>/", ThreadConsumer.as_asgi()),
]
