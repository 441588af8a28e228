"""Every WebSocket route of the site, gathered from the apps."""

from django.urls import path

from forum.bench import FloorConsumer
from practices.routing import websocket_urlpatterns as practice_routes

websocket_urlpatterns = [
    *practice_routes,
    # Closed with 4404 unless BENCH_ENDPOINTS is on (forum/bench.py).
    path("ws/bench/floor/", FloorConsumer.as_asgi()),
]
