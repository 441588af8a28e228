"""Real ASGI server processes, and a minimal WebSocket client, for the tests that need them:
the browser tests and the two-process test.

Each server is `daphne forum.asgi:application` on a free 127.0.0.1 port, pointed at the
database the test runs on (the file-based SQLite test database, or the PostgreSQL test
database), so a test that commits its rows (transactional django_db) shares them.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import json
import os
import socket
import struct
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_env() -> dict[str, str]:
    """Environment that points a server process at the database this test uses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return {"DATABASE_URL": f"postgres://{auth}{host}:{port}/{db['NAME']}"}


# What Django's file-based e-mail backend writes after every message.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def sent_mail(folder: Path) -> list[EmailMessage]:
    """Every e-mail a server process wrote to `folder` (EMAIL_BACKEND=...filebased), oldest
    first. The backend writes one file per connection, each message followed by a rule."""
    messages = []
    for path in sorted(folder.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


class ServerProcess:
    """One `daphne forum.asgi:application` process; start, stop and start again."""

    def __init__(self, *, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = Path(settings.VAR_DIR) / f"test-server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        daphne = Path(sys.executable).parent / "daphne"
        return [str(daphne), "-b", "127.0.0.1", "-p", str(self.port), "forum.asgi:application"]

    def answers(self) -> bool:
        """Whether the server takes connections yet."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def start(self, timeout: float = 30.0) -> ServerProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "forum.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "PLAIN_STATIC_STORAGE": "1",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "VAR_DIR": str(settings.VAR_DIR),
            **database_env(),
            **self.extra_env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child process writes to it
        self.process = subprocess.Popen(
            self.command(), cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            if self.answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


class WebSocketClient:
    """Just enough RFC 6455 for tests: connect with headers, send and receive text frames."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(
        cls, url: str, *, origin: str, cookie: str = "", timeout: float = 5.0
    ) -> WebSocketClient:
        assert url.startswith("ws://")
        hostport, _, path = url[len("ws://") :].partition("/")
        host, _, port = hostport.partition(":")
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, int(port or 80)), timeout
        )
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET /{path} HTTP/1.1",
            f"Host: {hostport}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {origin}",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            writer.close()
            raise ConnectionError(f"handshake refused: {status.decode(errors='replace')}")
        return cls(reader, writer)

    async def send_json(self, message: dict) -> None:
        payload = json.dumps(message).encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 1 << 16:
            header.append(0x80 | 126)
            header += struct.pack("!H", len(payload))
        else:
            header.append(0x80 | 127)
            header += struct.pack("!Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes(header) + mask + masked)
        await self.writer.drain()

    async def receive_json(self, timeout: float = 5.0) -> dict:
        return await asyncio.wait_for(self._receive_text(), timeout)

    async def _receive_text(self) -> dict:
        while True:
            first, second = await self.reader.readexactly(2)
            opcode = first & 0x0F
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            if second & 0x80:
                mask = await self.reader.readexactly(4)
                data = bytes(
                    b ^ mask[i % 4] for i, b in enumerate(await self.reader.readexactly(length))
                )
            else:
                data = await self.reader.readexactly(length)
            if opcode == 0x1:
                return json.loads(data)
            if opcode == 0x8:
                raise ConnectionError("server closed the connection")
            if opcode == 0x9:
                self.writer.write(bytes([0x8A, 0x80 | len(data)]) + b"\0\0\0\0" + data)
                await self.writer.drain()

    async def receive_type(self, *types: str, timeout: float = 5.0) -> dict:
        """The next message of one of these types; others are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            message = await self.receive_json(timeout=max(deadline - time.monotonic(), 0.01))
            if message.get("type") in types:
                return message

    async def close(self) -> None:
        try:
            self.writer.write(bytes([0x88, 0x82]) + b"\0\0\0\0" + struct.pack("!H", 1000))
            await self.writer.drain()
        except (ConnectionError, RuntimeError):
            pass
        self.writer.close()
