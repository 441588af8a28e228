"""The benchmark: `make bench` (full sizes) and `make bench-quick` (small, for development
and CI). A script, not a test: it prints a table, says for each line of the performance
budget (ARCHITECTURE.md, docs/benchmarks.md) whether it is met, with the measured ratio, and
writes everything to var/bench/<time>.json (and var/bench/latest.json).

    .venv/bin/python scripts/bench.py            # 100,000 practices, 1,000,000 comments
    .venv/bin/python scripts/bench.py --quick    # 1,000 and 10,000 practices, short runs

What it does, against the local PostgreSQL and Redis:
1. two databases, seeded with `manage.py seed_bench` (small and large; a second run with the
   same sizes reuses them);
2. in-process, on each database: queries per page (cold and warm cache) and the
   p50 of the server time, anonymous (page cache off) and logged in; EXPLAIN of the search;
3. the cluster (scripts/cluster.sh: 2 uvicorn workers behind nginx) on the large database,
   then wrk through nginx: the bare view and every page, anonymous and logged in,
   interleaved, for several rounds; ratios are taken within a round;
4. live fan-out through nginx: one comment to 1, 100 and 1,000 sockets on one thread
   (spread over the two workers by nginx), beside the minimal forwarding consumer
   (/ws/bench/floor/) on the same channel layer: delivery ratio, p50, p99;
5. idle cost: 1,000 sockets held open on one worker, its CPU and memory;
6. posting cost: publishing a practice under the tag 10,000 members follow, and a comment,
   time and queries, beside a tag with few followers (in a transaction rolled back).

Every load targets 127.0.0.1 only, every loop is bounded, and every process started here
is stopped on exit (including Ctrl-C).
"""

# The commands run here are this project's own tools (manage.py, cluster.sh, wrk, git).
# ruff: noqa: S603, S607, S310

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(BASE_DIR))

# --- Sizes and knobs ----------------------------------------------------------------------


@dataclass
class Profile:
    name: str
    small_practices: int
    large_practices: int
    wrk_seconds: float
    rounds: int
    connections: int
    inproc_repeats: int
    # The in-process step runs this many times, the two databases in turn; each page's p50
    # is the lowest of the runs' medians.
    inproc_runs: int
    fanout_sizes: tuple[int, ...]
    fanout_messages: dict[int, int]
    idle_sockets: int
    idle_seconds: float
    posting_repeats: int
    small_db: str = "exchange_bench_small"
    large_db: str = "exchange_bench"


FULL = Profile(
    name="full",
    small_practices=10_000,
    large_practices=100_000,
    wrk_seconds=5,
    rounds=3,
    connections=16,
    # The kept pages take a few milliseconds: medians of fewer requests move with the load.
    inproc_repeats=30,
    inproc_runs=3,
    fanout_sizes=(1, 100, 1000),
    fanout_messages={1: 30, 100: 15, 1000: 10},
    idle_sockets=1000,
    idle_seconds=30,
    posting_repeats=5,
)
QUICK = Profile(
    name="quick",
    small_practices=1_000,
    large_practices=10_000,
    wrk_seconds=1,
    rounds=1,
    connections=8,
    inproc_repeats=10,
    inproc_runs=1,
    # Fewer sockets than the full run, to stay within a couple of minutes.
    fanout_sizes=(1, 50, 200),
    fanout_messages={1: 5, 50: 3, 200: 3},
    idle_sockets=200,
    idle_seconds=5,
    posting_repeats=2,
    small_db="exchange_bench_quick_small",
    large_db="exchange_bench_quick",
)

PAGES = [
    "home",
    "list_page_1",
    "list_page_500",
    "tag",
    "search_rare",
    "search_common",
    "detail_20",
    "detail_100",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


# --- Inside Django (run as subprocesses, one database each) -------------------------------


def django_setup(db_url: str, *, redis: bool = False) -> None:
    os.environ["DATABASE_URL"] = db_url
    if not redis:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("PLAIN_STATIC_STORAGE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()


def page_urls(max_page_wanted: int = 500) -> dict[str, str]:
    """The URLs of the benchmarked pages on the current database."""
    from django.conf import settings

    from practices.management.commands.seed_bench import COMMON_TERM, FOLLOWED_TAG, RARE_TERM
    from practices.models import Practice, Tag

    def detail(length: int) -> str:
        practice = (
            Practice.objects.visible()
            .filter(comment_count=length, comment_seq=length)
            .order_by("-id")
            .first()
        )
        if practice is None:
            raise SystemExit(f"no practice with exactly {length} comments: run seed_bench")
        return practice.get_absolute_url()

    visible = Practice.objects.visible().count()
    last_page = max(1, -(-visible // settings.PRACTICES_PER_PAGE))
    deep = min(max_page_wanted, last_page)
    tag = Tag.objects.get(name=FOLLOWED_TAG)
    return {
        "home": "/",
        "list_page_1": "/practices/",
        "list_page_500": f"/practices/?page={deep}",
        "tag": tag.get_absolute_url(),
        "search_rare": f"/practices/?q={RARE_TERM}",
        "search_common": f"/practices/?q={COMMON_TERM}",
        "detail_20": detail(20),
        "detail_100": detail(100),
    }


def bench_member():
    from accounts.models import User
    from practices.management.commands.seed_bench import MARKER_EMAIL

    return User.objects.get(email=MARKER_EMAIL)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def count_queries():
    """Counts every query on the default connection, across reconnects (the request's
    signals empty Django's own query log)."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def inner_prepare(db_url: str) -> dict[str, Any]:
    """URLs, a logged-in session and the practice for the live threads (large database)."""
    django_setup(db_url)
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(bench_member())
    urls = page_urls()
    match = re.match(r"/practices/(\d+)/", urls["detail_20"])
    assert match
    from practices.models import Practice

    # The live threads use practices of their own, so that the pages measured stay as seeded.
    live = list(
        Practice.objects.visible()
        .filter(comment_count__gt=0)
        .exclude(pk=int(match.group(1)))
        .order_by("-id")
        .values_list("pk", flat=True)[:120]
    )
    return {
        "urls": urls,
        "session_cookie": f"{settings.SESSION_COOKIE_NAME}="
        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "csrf_secret": secrets.token_hex(16),
        "live_practice": live[0],
        "idle_practices": live[1:101],
    }


def inner_pages(db_url: str, repeats: int) -> dict[str, Any]:
    """Queries per page and the server time, in-process (no network, no page cache), beside
    the bare view's in the same process."""
    os.environ["ANON_PAGE_CACHE_SECONDS"] = "0"
    os.environ["BENCH_ENDPOINTS"] = "1"
    django_setup(db_url)
    from django.core.cache import cache
    from django.test import Client

    from practices.models import Comment, Practice

    urls = page_urls()
    member = Client()
    member.force_login(bench_member())
    clients = {"anonymous": Client(), "member": member}
    result: dict[str, Any] = {
        "practices": Practice.objects.count(),
        "comments": Comment.objects.count(),
        "urls": urls,
        "pages": {},
    }

    def p50_ms(client, url: str) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    for page, url in urls.items():
        for who, client in clients.items():
            cache.clear()
            with count_queries() as cold:
                status = client.get(url).status_code
            # The first request after the cache was emptied starts the content generation,
            # the second keeps what readers share under it: the third is a warm one.
            client.get(url)
            with count_queries() as warm:
                client.get(url)
            result["pages"][f"{page}/{who}"] = {
                "status": status,
                "queries_cold": cold.count,
                "queries_warm": warm.count,
                "p50_ms": p50_ms(client, url),
            }
    result["bare"] = {who: p50_ms(client, "/bench/bare") for who, client in clients.items()}
    result["explain"] = explain_search()
    return result


def lowest_medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One in-process result from several runs on the same database: each page's and the
    bare view's p50 is the lowest of the runs' medians (a run that a burst of other work on
    the machine slowed shows as a higher median, never a lower one); every run's median is
    kept beside it."""
    merged = json.loads(json.dumps(runs[0]))
    for key, page in merged["pages"].items():
        page["p50_ms_runs"] = [run["pages"][key]["p50_ms"] for run in runs]
        page["p50_ms"] = min(page["p50_ms_runs"])
    merged["bare_runs"] = [run["bare"] for run in runs]
    merged["bare"] = {who: min(run["bare"][who] for run in runs) for who in merged["bare"]}
    return merged


def explain_search() -> dict[str, Any]:
    """EXPLAIN ANALYZE of the rare-term search as the list runs it: does it use the GIN
    index?"""
    from django.db import connection

    from practices.filters import search_query
    from practices.management.commands.seed_bench import COMMON_TERM, RARE_TERM
    from practices.models import Practice

    plans = {}
    for name, term in (("rare", RARE_TERM), ("common", COMMON_TERM)):
        queryset = Practice.objects.visible().filter(search_vector=search_query(term))
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans[name] = {"uses_gin": "practice_search_gin" in plan, "plan": plan}
    return plans


def inner_posting(db_url: str, repeats: int) -> dict[str, Any]:
    """Publishing under the tag 10,000 members follow, and commenting, against a tag with
    few followers: time and queries, each in a transaction that is rolled back."""
    django_setup(db_url)
    from django.db import transaction
    from django.db.models import Count

    from practices.management.commands.seed_bench import FOLLOWED_TAG
    from practices.models import Notification, Practice, Tag, TagFollow
    from practices.services.comments import comment_create
    from practices.services.practices import practice_create

    followed = Tag.objects.get(name=FOLLOWED_TAG)
    quiet = Tag.objects.annotate(n=Count("follows")).filter(n__gt=0).order_by("n", "id").first()
    # An author whose practices are already public, so that no approval step intervenes.
    author = (
        Practice.objects.visible()
        .exclude(author__tag_follows__tag=followed)
        .filter(author__email_verified=True, author__suspended_until__isnull=True)
        .order_by("id")
        .first()
        .author
    )
    commenter = bench_member()
    data = {
        "title": "Bench practice",
        "summary": "Measured, then rolled back.",
        "description": "We met every week.",
        "country": "BE",
        "city": "Ghent",
        "organisation": "Bench",
        "organisation_type": "school",
        "area": "education",
        "stage": "running",
    }

    def measure(action) -> dict[str, Any]:
        times, queries, notified = [], [], []
        for _ in range(repeats):
            with transaction.atomic():
                before = Notification.objects.count()
                with count_queries() as counted:
                    started = time.perf_counter()
                    action()
                    times.append((time.perf_counter() - started) * 1000)
                queries.append(counted.count)
                notified.append(Notification.objects.count() - before)
                transaction.set_rollback(True)
        return {
            "p50_ms": statistics.median(times),
            "queries": max(queries),
            "notified": max(notified),
        }

    def publish(tag: Tag):
        return lambda: practice_create(author=author, data=data, tags=[tag.name], publish=True)

    practice = Practice.objects.visible().filter(tagged_items__tag=followed).order_by("-id")[0]
    return {
        "followers": TagFollow.objects.filter(tag=followed).count(),
        "quiet_tag_followers": TagFollow.objects.filter(tag=quiet).count(),
        "publish_followed": measure(publish(followed)),
        "publish_quiet": measure(publish(quiet)),
        "comment": measure(
            lambda: comment_create(practice=practice, author=commenter, body="Bench comment.")
        ),
    }


# --- Outside: databases, the cluster, the load ---------------------------------------------


@dataclass
class Env:
    profile: Profile
    pg: str
    redis: str
    port: int
    out_dir: Path
    prefix: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")

    def db_url(self, name: str) -> str:
        return f"{self.pg.rstrip('/')}/{name}"

    def django_env(self, db_name: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.db_url(db_name),
            "SECRET_KEY": "bench-only",
            "PLAIN_STATIC_STORAGE": "1",
            "LOG_LEVEL": "ERROR",
        }


def run_inner(env: Env, mode: str, db_name: str, *extra: str) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, __file__, "--inner", mode, "--db", env.db_url(db_name), *extra],
        cwd=BASE_DIR,
        env=env.django_env(db_name),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"bench step {mode} on {db_name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_database(env: Env, name: str, practices: int) -> None:
    import psycopg

    with psycopg.connect(env.db_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    django_env = env.django_env(name)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=django_env,
        check=True,
        timeout=600,
    )
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "seed_bench", "--practices", str(practices), "--replace"],
        cwd=BASE_DIR,
        env=django_env,
        check=True,
        timeout=3600,
    )
    log(f"database {name}: {practices:,} practices ready ({time.monotonic() - started:.0f} s)")


class Cluster:
    """scripts/cluster.sh in its own process group; stopped (TERM, then KILL) on exit."""

    def __init__(self, env: Env, db_name: str, server: str = "uvicorn") -> None:
        self.env = env
        self.db_name = db_name
        self.server = server
        self.dir = env.out_dir / "cluster"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Cluster:
        shutil.rmtree(self.dir / "var", ignore_errors=True)
        (self.dir / "ready").unlink(missing_ok=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        environment = {
            **self.env.django_env(self.db_name),
            "REDIS_URL": self.env.redis,
            "CACHE_PREFIX": self.env.prefix,
            "CHANNEL_PREFIX": self.env.prefix,
            "BENCH_ENDPOINTS": "1",
            "POST_RATE_LIMIT": "1000000",
            "PORT": str(self.env.port),
            "WORKERS": "2",
            "SERVER": self.server,
            "CLUSTER_DIR": str(self.dir),
            "SKIP_MIGRATE": "1",
            "PYTHON": PYTHON,
        }
        environment.pop("PLAIN_STATIC_STORAGE", None)
        self.log = open(self.dir / "cluster.log", "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            ["bash", str(BASE_DIR / "scripts" / "cluster.sh")],
            cwd=BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not (self.dir / "ready").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise SystemExit(f"the cluster did not start; see {self.dir}/cluster.log")
            time.sleep(0.3)
        return self

    def worker_pids(self) -> list[int]:
        return [int((self.dir / f"worker-{i}.pid").read_text()) for i in (1, 2)]

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
        self.log.close()


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %f, "errors": %d, "p50_ms": %f, "p99_ms": %f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


WRK_SCRIPT_PATH = BASE_DIR / "var" / "bench" / "wrk-report.lua"


def wrk(url: str, seconds: float, connections: int, cookie: str = "") -> dict[str, float]:
    script = WRK_SCRIPT_PATH
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    command += ["-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {url}:\n{out}")
    data = json.loads(line[len("WRKJSON ") :])
    data["rps"] = data["requests"] / data["seconds"] if data["seconds"] else 0.0
    return data


def fetch(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        return response.status


def settle(pids: list[int], db_url: str, limit: float = 180.0) -> None:
    """Wait until the workers are idle and the database runs none of their queries: a slow
    cell leaves requests (and their queries) behind after wrk stops, and they must not be
    billed to the next cell."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(db_url, autocommit=True) as conn:
        while time.monotonic() - started < limit:
            before = sum(proc_stats(pid)[0] for pid in pids)
            time.sleep(0.5)
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            if not busy and sum(proc_stats(pid)[0] for pid in pids) - before < 0.05:
                return


def http_phase(env: Env, prepared: dict[str, Any], pids: list[int], db_url: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{env.port}"
    member_cookie = f"{prepared['session_cookie']}; csrftoken={prepared['csrf_secret']}"
    profile = env.profile
    # Every page twice first, one at a time: the page cache and the listing cache are warm
    # before the load starts (a cold facet count over 100,000 practices takes seconds).
    for url in prepared["urls"].values():
        for cookie in ("", member_cookie, "", member_cookie):
            fetch(base + url, cookie)
    rounds = []
    for number in range(profile.rounds):
        cells: dict[str, Any] = {}
        settle(pids, db_url)
        cells["bare/anonymous"] = wrk(
            base + "/bench/bare", profile.wrk_seconds, profile.connections
        )
        # The same view with a member's session: what every logged-in page pays before its
        # own work (the session, the member).
        settle(pids, db_url)
        cells["bare/member"] = wrk(
            base + "/bench/bare", profile.wrk_seconds, profile.connections, member_cookie
        )
        for page in PAGES:
            url = base + prepared["urls"][page]
            for who, cookie in (("anonymous", ""), ("member", member_cookie)):
                settle(pids, db_url)
                cells[f"{page}/{who}"] = wrk(url, profile.wrk_seconds, profile.connections, cookie)
        rounds.append(cells)
        log(
            f"round {number + 1}/{profile.rounds}: bare {cells['bare/anonymous']['rps']:.0f} "
            f"req/s, detail_20 member {cells['detail_20/member']['rps']:.0f} req/s"
        )
    return {"rounds": rounds}


# --- WebSockets ---------------------------------------------------------------------------


async def open_socket(url: str, origin: str, cookie: str = ""):
    from websockets.asyncio.client import connect

    headers = {"Cookie": cookie} if cookie else None
    return await connect(
        url,
        origin=origin,
        additional_headers=headers,
        open_timeout=30,
        ping_interval=None,
        max_queue=None,
        compression=None,
    )


async def drain(sockets, quiet: float = 1.0, limit: float = 120.0) -> None:
    """Read and drop whatever the sockets receive until none has had a message for `quiet`
    seconds (or `limit` passes): the join announcements settle before a measurement."""
    last = time.monotonic()
    deadline = last + limit

    async def reader(ws):
        nonlocal last
        while True:
            await ws.recv()
            last = time.monotonic()

    tasks = [asyncio.create_task(reader(ws)) for ws in sockets]
    try:
        while time.monotonic() - last < quiet and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def connect_many(url: str, origin: str, count: int, batch: int = 50) -> list:
    sockets = []
    for start in range(0, count, batch):
        sockets += await asyncio.gather(
            *(open_socket(url, origin) for _ in range(min(batch, count - start)))
        )
    return sockets


async def close_all(sockets) -> None:
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def fanout_once(
    listeners, send, matches, messages: int, timeout: float = 15.0, gap: float = 0.3
) -> dict[str, Any]:
    """Send `messages` times; each listener records when it got each one."""
    latencies: list[float] = []
    received = 0
    sent_at: dict[int, float] = {}
    expected = len(listeners) * messages

    async def listen(ws):
        nonlocal received
        while True:
            raw = await ws.recv()
            number = matches(raw)
            if number is not None and number in sent_at:
                latencies.append((time.perf_counter() - sent_at[number]) * 1000)
                received += 1

    tasks = [asyncio.create_task(listen(ws)) for ws in listeners]
    try:
        for number in range(messages):
            target = received + len(listeners)
            sent_at[number] = time.perf_counter()
            await send(number)
            deadline = time.monotonic() + timeout
            while received < target and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            await asyncio.sleep(gap)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "sockets": len(listeners),
        "messages": messages,
        "delivered": received,
        "expected": expected,
        "ratio": received / expected if expected else 0.0,
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
    }


async def wait_quiet(pids: list[int], limit: float = 180.0) -> float:
    """Wait until the workers use less than a tenth of a core together for a second: what
    a measurement before left behind (a thousand sockets closing, each announcing it) must
    not count in the next one. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = sum(proc_stats(pid)[0] for pid in pids)
        await asyncio.sleep(1.0)
        if sum(proc_stats(pid)[0] for pid in pids) - before < 0.1:
            break
    return time.monotonic() - started


async def live_phase(env: Env, prepared: dict[str, Any], pids: list[int]) -> dict[str, Any]:
    base = f"ws://127.0.0.1:{env.port}"
    origin = f"http://127.0.0.1:{env.port}"
    practice = prepared["live_practice"]
    thread_url = f"{base}/ws/practices/{practice}/"
    floor_url = f"{base}/ws/bench/floor/"
    results: dict[str, Any] = {
        "comment": {},
        "floor": {},
        "connect_seconds": {},
        "settle_seconds": {},
    }
    poster = await open_socket(thread_url, origin, prepared["session_cookie"])
    floor_sender = await open_socket(floor_url, origin)
    await drain([poster, floor_sender], quiet=0.5)
    body = "A comment from the benchmark: " + "we tried this in our city. " * 6
    payload_size = 0

    for count in env.profile.fanout_sizes:
        messages = env.profile.fanout_messages[count]
        started = time.monotonic()
        listeners = await connect_many(thread_url, origin, count)
        await drain([*listeners, poster], quiet=1.0)
        results["connect_seconds"][str(count)] = time.monotonic() - started
        tag = uuid.uuid4().hex[:8]

        async def post(number: int, tag: str = tag) -> None:
            await poster.send(
                json.dumps(
                    {
                        "type": "comment.create",
                        "client_id": f"{tag}-{number}",
                        "body": f"{body} [{tag}-{number}]",
                    }  # fmt: skip
                )
            )

        def comment_number(raw: str, tag: str = tag) -> int | None:
            nonlocal payload_size
            if '"comment.created"' not in raw:
                return None
            found = re.search(rf"\[{tag}-(\d+)\]", raw)
            if found:
                payload_size = len(raw)
                return int(found.group(1))
            return None

        # The poster reads its own socket too (acks, events), so that it never backs up.
        poster_reader = asyncio.create_task(drain([poster], quiet=10_000, limit=3600))
        results["comment"][str(count)] = await fanout_once(
            listeners, post, comment_number, messages
        )
        poster_reader.cancel()
        await asyncio.gather(poster_reader, return_exceptions=True)
        await close_all(listeners)
        results["settle_seconds"][str(count)] = await wait_quiet(pids)

        floor_listeners = await connect_many(floor_url, origin, count)
        await drain(floor_listeners, quiet=0.5)
        filler = "x" * max(payload_size - 60, 100)

        async def floor_send(number: int, filler: str = filler) -> None:
            await floor_sender.send(json.dumps({"type": "bench", "n": number, "pad": filler}))

        def floor_number(raw: str) -> int | None:
            found = re.match(r'\{"type": "bench", "n": (\d+)', raw)
            return int(found.group(1)) if found else None

        sender_reader = asyncio.create_task(drain([floor_sender], quiet=10_000, limit=3600))
        results["floor"][str(count)] = await fanout_once(
            floor_listeners, floor_send, floor_number, messages
        )
        sender_reader.cancel()
        await asyncio.gather(sender_reader, return_exceptions=True)
        await close_all(floor_listeners)
        log(
            f"fan-out to {count}: comment p99 {results['comment'][str(count)]['p99_ms']:.1f} ms "
            f"({results['comment'][str(count)]['ratio']:.0%}), floor p99 "
            f"{results['floor'][str(count)]['p99_ms']:.1f} ms"
        )
        await wait_quiet(pids)
    await close_all([poster, floor_sender])
    results["payload_bytes"] = payload_size
    return results


def proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds used so far, resident memory in bytes) of one process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


async def idle_phase(env: Env, prepared: dict[str, Any], worker_pid: int) -> dict[str, Any]:
    """1,000 sockets straight to one worker (no proxy), spread over 100 threads, then left
    alone: what do they cost that worker?"""
    port = env.port + 1
    origin = f"http://127.0.0.1:{env.port}"
    practices = prepared["idle_practices"] or [prepared["live_practice"]]
    count = env.profile.idle_sockets
    await wait_quiet([worker_pid])
    cpu0, rss0 = proc_stats(worker_pid)
    await asyncio.sleep(env.profile.idle_seconds / 3)
    cpu1, _ = proc_stats(worker_pid)
    baseline_cpu = (cpu1 - cpu0) / (env.profile.idle_seconds / 3)
    sockets = []
    for start in range(0, count, 50):
        sockets += await asyncio.gather(
            *(
                open_socket(
                    f"ws://127.0.0.1:{port}/ws/practices/{practices[i % len(practices)]}/", origin
                )
                for i in range(start, min(start + 50, count))
            )
        )
    reader = asyncio.create_task(drain(sockets, quiet=10_000, limit=3600))
    await wait_quiet([worker_pid])
    cpu2, rss2 = proc_stats(worker_pid)
    await asyncio.sleep(env.profile.idle_seconds)
    cpu3, rss3 = proc_stats(worker_pid)
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)
    await close_all(sockets)
    return {
        "sockets": len(sockets),
        "seconds": env.profile.idle_seconds,
        "cpu_share": (cpu3 - cpu2) / env.profile.idle_seconds,
        "cpu_share_before": baseline_cpu,
        "rss_before_bytes": rss0,
        "rss_after_bytes": rss3,
        "bytes_per_socket": max(rss3 - rss0, 0) / max(len(sockets), 1),
    }


# --- The report ---------------------------------------------------------------------------


def median_of(rounds: list[dict[str, Any]], key: str, field_name: str) -> float:
    return statistics.median(r[key][field_name] for r in rounds)


def ratio_per_round(rounds: list[dict[str, Any]], key: str) -> float:
    """The page's requests/s over the bare view's, within each round; the median."""
    return statistics.median(r[key]["rps"] / r["bare/anonymous"]["rps"] for r in rounds)


@dataclass
class Line:
    text: str
    ok: bool
    measured: str


def budget(results: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    rounds = results["http"]["rounds"]

    def share(key: str, floor: float, label: str) -> None:
        value = ratio_per_round(rounds, key)
        lines.append(
            Line(f"{label} ≥ {floor:.0%} of the bare view", value >= floor, f"{value:.1%}")
        )

    share("detail_20/member", 0.20, "detail (20 comments), logged in,")
    share("detail_100/member", 0.20, "detail (100 comments), logged in,")
    share("list_page_1/member", 0.15, "list page 1, logged in,")
    share("tag/member", 0.15, "tag page, logged in,")
    for page in PAGES:
        share(f"{page}/anonymous", 0.50, f"{page}, anonymous,")

    failed = sorted({key for r in rounds for key, cell in r.items() if cell["errors"]})
    lines.append(
        Line(
            "every request answered in time, without an error status",
            not failed,
            "yes" if not failed else "errors or time-outs in " + ", ".join(failed),
        )
    )

    small, large = results["pages_small"], results["pages_large"]
    for key in sorted(large["pages"]):
        a, b = small["pages"][key], large["pages"][key]
        same = (a["queries_cold"], a["queries_warm"]) == (b["queries_cold"], b["queries_warm"])
        lines.append(
            Line(
                f"queries of {key}: same at {small['practices']:,} and {large['practices']:,}",
                same,
                f"{a['queries_cold']}/{a['queries_warm']} vs {b['queries_cold']}/{b['queries_warm']}",
            )
        )
    for key in sorted(large["pages"]):
        growth = large["pages"][key]["p50_ms"] / small["pages"][key]["p50_ms"]
        lines.append(
            Line(f"p50 of {key} grows ≤ 1.5x over 10x data", growth <= 1.5, f"{growth:.2f}x")
        )
    d20, d100 = large["pages"]["detail_20/member"], large["pages"]["detail_100/member"]
    lines.append(
        Line(
            "queries of the detail page: same at 20 and 100 comments",
            d20["queries_warm"] == d100["queries_warm"],
            f"{d20['queries_warm']} vs {d100['queries_warm']}",
        )
    )
    deep = ratio_per_round(rounds, "list_page_1/member") / ratio_per_round(
        rounds, "list_page_500/member"
    )
    lines.append(Line("list page 500 costs ≤ 2x page 1 (logged in)", deep <= 2, f"{deep:.2f}x"))
    # A term in most practices is better read in date order than through the index; the
    # planner decides that, and the rare term is what the index is for.
    gin = large["explain"]["rare"]["uses_gin"]
    common = "yes" if large["explain"]["common"]["uses_gin"] else "no, date order"
    lines.append(
        Line(
            "search for a rare term goes through the GIN index",
            gin,
            f"{'yes' if gin else 'no'} (common term: {common})",
        )
    )
    rare = ratio_per_round(rounds, "detail_20/member") / ratio_per_round(
        rounds, "search_rare/member"
    )
    lines.append(Line("search for a rare term ≤ 3x the detail page", rare <= 3, f"{rare:.2f}x"))

    live = results["live"]
    sizes = sorted(int(n) for n in live["comment"])
    for count in sizes[1:]:
        ratio = live["comment"][str(count)]["ratio"]
        lines.append(
            Line(f"fan-out to {count:,} sockets delivers 100%", ratio >= 1, f"{ratio:.1%}")
        )
    if len(sizes) > 1:
        most = str(sizes[-1])
        p99 = live["comment"][most]["p99_ms"]
        single = live["comment"][str(sizes[0])]["p50_ms"]
        lines.append(
            Line(
                f"p99 at {sizes[-1]:,} sockets ≤ 50x single-socket p50",
                p99 <= 50 * single,
                f"{p99 / single:.1f}x ({p99:.1f} ms / {single:.1f} ms)",
            )
        )
        floor = live["floor"][most]["p99_ms"]
        lines.append(
            Line(
                f"p99 at {sizes[-1]:,} sockets ≤ 1.5x the minimal consumer's",
                p99 <= 1.5 * floor,
                f"{p99 / floor:.2f}x ({p99:.1f} ms / {floor:.1f} ms)",
            )
        )
    idle = results["idle"]
    lines.append(
        Line(
            f"{idle['sockets']:,} idle sockets cost < 5% of a core",
            idle["cpu_share"] < 0.05,
            f"{idle['cpu_share']:.1%}",
        )
    )
    lines.append(
        Line(
            "idle sockets cost < 100 KB each",
            idle["bytes_per_socket"] < 100 * 1024,
            f"{idle['bytes_per_socket'] / 1024:.0f} KB",
        )
    )
    posting = results["posting"]
    followed, quiet = posting["publish_followed"], posting["publish_quiet"]
    lines.append(
        Line(
            f"publishing under a tag with {posting['followers']:,} followers: same queries as "
            f"with {posting['quiet_tag_followers']}",
            followed["queries"] == quiet["queries"],
            f"{followed['queries']} vs {quiet['queries']} "
            f"({followed['notified']:,} notifications written)",
        )
    )
    return lines


def report(results: dict[str, Any]) -> str:
    out: list[str] = []
    rounds = results["http"]["rounds"]
    small, large = results["pages_small"], results["pages_large"]
    out.append(
        f"\nPages through nginx and 2 {results['server']} workers, {large['practices']:,} "
        f"practices, {large['comments']:,} comments; wrk {results['profile']['connections']} "
        f"connections, {results['profile']['wrk_seconds']} s a cell, "
        f"{len(rounds)} round(s), medians:\n"
    )
    out.append("| page | who | req/s | share of bare | p50 ms | p99 ms | errors |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    keys = ["bare/anonymous"] + [f"{p}/{w}" for p in PAGES for w in ("anonymous", "member")]
    if all("bare/member" in r for r in rounds):
        keys.insert(1, "bare/member")
    for key in keys:
        page, who = key.split("/")
        out.append(
            f"| {page} | {who} | {median_of(rounds, key, 'rps'):,.0f} "
            f"| {ratio_per_round(rounds, key):.1%} | {median_of(rounds, key, 'p50_ms'):.1f} "
            f"| {median_of(rounds, key, 'p99_ms'):.1f} "
            f"| {sum(r[key]['errors'] for r in rounds)} |"
        )
    out.append(
        f"\nIn-process, page cache off: queries (cold: an empty cache; warm: what readers share "
        f"kept) and p50 server time at {small['practices']:,} and {large['practices']:,} "
        f"practices (the lowest median of {len(small.get('bare_runs', [0]))} run(s), the two "
        f"databases in turn):\n"
    )
    out.append(f"| page | who | queries {small['practices']:,} | queries {large['practices']:,} "
               f"| p50 ms {small['practices']:,} | p50 ms {large['practices']:,} |")  # fmt: skip
    out.append("|---|---|---:|---:|---:|---:|")
    for key in sorted(large["pages"], key=lambda k: (PAGES.index(k.split("/")[0]), k)):
        a, b = small["pages"][key], large["pages"][key]
        page, who = key.split("/")
        out.append(
            f"| {page} | {who} | {a['queries_cold']}/{a['queries_warm']} "
            f"| {b['queries_cold']}/{b['queries_warm']} | {a['p50_ms']:.1f} | {b['p50_ms']:.1f} |"
        )
    if "bare" in small and "bare" in large:
        out.append(
            "\nThe bare view in the same processes, p50 ms: "
            + ", ".join(
                f"{who} {small['bare'][who]:.1f} / {large['bare'][who]:.1f}"
                for who in ("anonymous", "member")
            )
        )
    live = results["live"]
    out.append(
        f"\nLive fan-out through nginx to 2 workers (payload {live['payload_bytes']} bytes):\n"
    )
    out.append("| sockets | consumer | delivered | p50 ms | p99 ms | connect s |")
    out.append("|---:|---|---:|---:|---:|---:|")
    for count in live["comment"]:
        for kind in ("comment", "floor"):
            row = live[kind][count]
            name = "thread (comment.create)" if kind == "comment" else "minimal forwarder"
            connect = f"{live['connect_seconds'][count]:.1f}" if kind == "comment" else ""
            out.append(
                f"| {count} | {name} | {row['delivered']}/{row['expected']} "
                f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {connect} |"
            )
    idle = results["idle"]
    out.append(
        f"\nIdle: {idle['sockets']:,} sockets on one worker for {idle['seconds']:.0f} s: "
        f"{idle['cpu_share']:.1%} of a core (before: {idle['cpu_share_before']:.1%}), "
        f"RSS {idle['rss_before_bytes'] / 2**20:.0f} → {idle['rss_after_bytes'] / 2**20:.0f} MiB, "
        f"{idle['bytes_per_socket'] / 1024:.0f} KB a socket."
    )
    posting = results["posting"]
    out.append("\nPosting (in-process, in a transaction rolled back each time):\n")
    out.append("| action | p50 ms | queries | notifications written |")
    out.append("|---|---:|---:|---:|")
    for key, label in (
        ("publish_followed", f"publish under a tag with {posting['followers']:,} followers"),
        ("publish_quiet", f"publish under a tag with {posting['quiet_tag_followers']} followers"),
        ("comment", "comment on a practice under that tag"),
    ):
        row = posting[key]
        out.append(f"| {label} | {row['p50_ms']:.1f} | {row['queries']} | {row['notified']:,} |")
    out.append("\nBudget:\n")
    for line in results["budget"]:
        out.append(f"- {'met   ' if line['ok'] else 'MISSED'} {line['text']}: {line['measured']}")
    return "\n".join(out)


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, short runs")
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8300")))
    parser.add_argument("--server", default="uvicorn", choices=["uvicorn", "daphne"])
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "bench"))
    parser.add_argument(
        "--only-http",
        action="store_true",
        help="pages through the cluster only (to compare --server uvicorn and daphne)",
    )
    parser.add_argument("--seconds", type=float, help="wrk seconds per cell (profile's default)")
    parser.add_argument("--rounds", type=int, help="rounds of cells (profile's default)")
    parser.add_argument("--report", help="print the report of a JSON file written earlier")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=5, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.inner:
        modes = {
            "prepare": lambda: inner_prepare(args.db),
            "pages": lambda: inner_pages(args.db, args.repeats),
            "posting": lambda: inner_posting(args.db, args.repeats),
        }
        print(json.dumps(modes[args.inner]()))
        return

    if args.report:
        results = json.loads(Path(args.report).read_text())
        results["budget"] = [line.__dict__ for line in budget(results)]
        print(report(results))
        return

    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is missing: make bench-tools")
    profile = QUICK if args.quick else FULL
    if args.seconds:
        profile.wrk_seconds = args.seconds
    if args.rounds:
        profile.rounds = args.rounds
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = Env(profile=profile, pg=args.pg, redis=args.redis, port=args.port, out_dir=out_dir)
    started = time.monotonic()
    log(f"bench ({profile.name}): databases")
    ensure_database(env, profile.small_db, profile.small_practices)
    ensure_database(env, profile.large_db, profile.large_practices)

    results: dict[str, Any] = {
        "profile": profile.__dict__,
        "server": args.server,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg()},
    }
    if not args.only_http:
        log("queries and server time per page, in-process")
        repeats = str(profile.inproc_repeats)
        runs: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
        for _ in range(profile.inproc_runs):
            for size, db in (("small", profile.small_db), ("large", profile.large_db)):
                runs[size].append(run_inner(env, "pages", db, "--repeats", repeats))
        results["pages_small"] = lowest_medians(runs["small"])
        results["pages_large"] = lowest_medians(runs["large"])
    prepared = run_inner(env, "prepare", profile.large_db)
    results["urls"] = prepared["urls"]

    log(f"the cluster: 2 {args.server} workers behind nginx on 127.0.0.1:{args.port}")
    with Cluster(env, profile.large_db, server=args.server) as cluster:
        results["http"] = http_phase(
            env, prepared, cluster.worker_pids(), env.db_url(profile.large_db)
        )
        if not args.only_http:
            log("live fan-out")
            results["live"] = asyncio.run(live_phase(env, prepared, cluster.worker_pids()))
            log("idle sockets")
            results["idle"] = asyncio.run(idle_phase(env, prepared, cluster.worker_pids()[0]))
    if args.only_http:
        rounds = results["http"]["rounds"]
        print(f"\n{args.server}, 2 processes behind nginx ({len(rounds)} rounds, medians):\n")
        print("| page | who | req/s | share of bare | p50 ms | p99 ms |")
        print("|---|---|---:|---:|---:|---:|")
        for key in rounds[0]:
            page, who = key.split("/")
            print(
                f"| {page} | {who} | {median_of(rounds, key, 'rps'):,.0f} "
                f"| {ratio_per_round(rounds, key):.1%} | {median_of(rounds, key, 'p50_ms'):.1f} "
                f"| {median_of(rounds, key, 'p99_ms'):.1f} |"
            )
        name = f"http-{args.server}-{profile.name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        (out_dir / name).write_text(json.dumps(results, indent=1, default=str))
        return
    log("posting cost")
    results["posting"] = run_inner(
        env, "posting", profile.large_db, "--repeats", str(profile.posting_repeats)
    )
    results["seconds"] = time.monotonic() - started
    stamp = time.strftime("%Y%m%d-%H%M%S")
    # The measurements are written before they are judged: nothing measured is lost.
    (out_dir / f"{profile.name}-{stamp}.json").write_text(json.dumps(results, default=str))
    results["budget"] = [line.__dict__ for line in budget(results)]
    text = report(results)
    print(text)
    for name in (f"{profile.name}-{stamp}.json", f"latest-{profile.name}.json"):
        (out_dir / name).write_text(json.dumps(results, indent=1, default=str))
    (out_dir / f"latest-{profile.name}.md").write_text(text + "\n")
    missed = sum(1 for line in results["budget"] if not line["ok"])
    log(
        f"done in {results['seconds']:.0f} s: {len(results['budget']) - missed} budget lines "
        f"met, {missed} missed; {out_dir}/latest-{profile.name}.json"
    )


if __name__ == "__main__":
    main()
