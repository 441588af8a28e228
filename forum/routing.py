"""Every WebSocket route of the site, gathered from the apps."""

from practices.routing import websocket_urlpatterns as practice_routes

websocket_urlpatterns = [*practice_routes]
