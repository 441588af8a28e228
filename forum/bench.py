"""Endpoints for the benchmark (scripts/bench.py), present only with BENCH_ENDPOINTS=1.

- `/bench/bare`: a view that does nothing, behind the app's own stack: the same server,
  processes and middleware as the pages, no template, no query. Beside the hello-world
  floor (scripts/floor_app.py: a new project's middleware, nothing of this app), it shows
  what this app's middleware costs before a page does anything.
- `/ws/bench/floor/`: the minimal forwarding consumer, the floor for the live fan-out: it
  joins one group, a text frame from any socket is group_sent as it is, and every socket in
  the group gets it. The same channel layer as the live threads, nothing else.

With the setting off (the default) both answer as if they did not exist: 404, and a socket
closed with 4404.
"""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from practices import broadcast

FLOOR_GROUP = "bench.floor"


def enabled() -> bool:
    return bool(getattr(settings, "BENCH_ENDPOINTS", False))


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    if not enabled():
        raise Http404("No such page.")
    return HttpResponse(b"ok", content_type="text/plain")


class FloorConsumer(AsyncWebsocketConsumer):
    joined = False

    async def connect(self) -> None:
        await self.accept()
        if not enabled():
            await self.close(code=4404)
            return
        self.joined = await broadcast.agroup_add(FLOOR_GROUP, self.channel_name)
        await self.send(text_data='{"type": "hello"}')

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await broadcast.agroup_discard(FLOOR_GROUP, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.joined and text_data is not None:
            await broadcast.agroup_send(FLOOR_GROUP, {"type": "bench.message", "text": text_data})

    async def bench_message(self, event: dict) -> None:
        await self.send(text_data=event["text"])
