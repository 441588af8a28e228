"""The benchmark: `make bench` (full sizes) and `make bench-quick` (small, for development
and CI). A script, not a test: it prints one table per step and says for each line of the
performance budget (ARCHITECTURE.md, docs/benchmarks.md) whether it is met, with the
measured ratio, and writes everything to var/bench/<profile>-<time>.json (and
var/bench/latest-<profile>.json and .md).

    .venv/bin/python scripts/bench.py            # 100,000 practices, 1,000,000 comments
    .venv/bin/python scripts/bench.py --quick    # 1,000 and 10,000 practices, short runs

What it does, against the local PostgreSQL and Redis:
1. two databases, seeded with `manage.py seed_bench` (small and large; a second run with the
   same sizes reuses them);
2. in-process, on each database: queries per page (cold and warm cache), the warm p50 and,
   with the cache emptied before every request, the cold p50 of the server time, for a
   visitor (the anonymous page cache on) and a member; EXPLAIN of the search;
3. the cluster (scripts/cluster.sh: gunicorn for pages, uvicorn for sockets, nginx in front)
   on the large database, and beside it the hello-world floor (scripts/floor_app.py) under
   gunicorn and under uvicorn; wrk, in rounds: the floors, the app's bare view, then every
   page, anonymous and logged in, through the production front and through the all-ASGI
   front, and, while members post comments and practices at 1 and 5 writes/s, through the
   production front again; ratios are taken within a round;
4. whether a write shows on the very next response: a comment on its practice's page, a
   new practice on the list, for a visitor and for another member;
5. idle cost: 1,000 sockets held open through nginx, the socket processes' CPU and memory;
6. live fan-out through nginx: one comment to 1, 100 and 1,000 sockets on one thread
   (spread over the socket processes), beside the minimal forwarding consumer
   (/ws/bench/floor/) on the same channel layer: delivery ratio, p50, p99;
7. posting cost: publishing a practice under the tag 10,000 members follow, and a comment,
   time and queries, beside a tag with few followers (in a transaction rolled back).

Every load targets 127.0.0.1 only, every loop is bounded in count and time, and every
process started here is stopped on exit (including Ctrl-C).
"""

# The commands run here are this project's own tools (manage.py, cluster.sh, gunicorn,
# uvicorn, wrk), and every URL opened is on 127.0.0.1.
# ruff: noqa: S603, S607, S310

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import http.client
import itertools
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
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
sys.path.insert(0, str(BASE_DIR))

# The shape of the JSON this script writes; --report refuses another.
FORMAT = 2

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
    # Requests timed on an emptied cache, per page and reader, in each in-process run.
    cold_repeats: int
    fanout_sizes: tuple[int, ...]
    fanout_messages: dict[int, int]
    idle_sockets: int
    idle_seconds: float
    posting_repeats: int
    # Site-wide writes per second while a page is read, each beside the read-only cell.
    write_rates: tuple[float, ...] = (1.0, 5.0)
    # Members who write (each with a session of their own).
    writers: int = 4
    # Tries of "does a write show on the next response", per kind of write.
    visibility_tries: int = 20
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
    cold_repeats=3,
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
    cold_repeats=3,
    # Fewer sockets than the full run, to stay within a few minutes.
    fanout_sizes=(1, 50, 200),
    fanout_messages={1: 5, 50: 3, 200: 3},
    idle_sockets=200,
    idle_seconds=5,
    posting_repeats=2,
    writers=3,
    visibility_tries=5,
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
WHO = ("anonymous", "member")
# Pages that no write of the mix changes: the write mix posts on other practices, whose tags
# are not the measured tag, and its new practices never carry it. The other pages show
# what the writes change (the newest practices, the search results) and are "touched".
UNTOUCHED = ("detail_20", "detail_100", "tag")

# The budget (ARCHITECTURE.md, "Performance budget").
FLOOR_SHARE = {"anonymous": 0.40, "member": 0.10}
WSGI_OVER_ASGI = 2.5
WRITE_KEEP = {1.0: 0.85, 5.0: 0.70}
COLD_OVER_WARM = 3.0

# What the write mix's new practices are called: the run removes them when it ends.
WRITE_TITLE = "Benchmark write"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def rate_key(rate: float) -> str:
    return f"w{rate:g}"


def page_cache_setting(settings_file: Path = BASE_DIR / "forum" / "settings.py") -> dict:
    """The environment variable that turns the anonymous page cache on and off, read from
    the settings module: ANON_PAGE_CACHE_SECONDS, or whatever page-cache setting replaced
    it. {"name": ..., "kind": "int" or "bool"}, or an empty dict if there is none."""
    text = settings_file.read_text()
    found = re.findall(r'env_(int|bool)\(\s*"([A-Z0-9_]*PAGE_CACHE[A-Z0-9_]*)"', text)
    for kind, name in found:
        if name == "ANON_PAGE_CACHE_SECONDS":
            return {"name": name, "kind": kind}
    anonymous = [(kind, name) for kind, name in found if "ANON" in name]
    for kind, name in anonymous or found:
        return {"name": name, "kind": kind}
    return {}


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


def practice_form_data(*, title: str, tag: str) -> dict[str, str]:
    """What the practice form needs to publish a practice (practices/forms.py). No word of
    it is a search term of the benchmark."""
    return {
        "title": title,
        "summary": "Written by the benchmark's write mix; removed when the run ends.",
        "description": "We met every week and wrote down what worked.",
        "country": "BE",
        "city": "Ghent",
        "organisation": "Benchmark",
        "organisation_type": "school",
        "area": "education",
        "stage": "running",
        "language": "en",
        "tags": tag,
        "action": "publish",
    }


def inner_prepare(db_url: str, writers: int) -> dict[str, Any]:
    """URLs, sessions (the reader and the writers), the practices for the live threads and
    for the write mix (large database)."""
    django_setup(db_url)
    from django.conf import settings
    from django.db.models import Count, Exists, OuterRef
    from django.test import Client

    from accounts.models import User
    from practices.forms import PracticeForm
    from practices.management.commands.seed_bench import BENCH_DOMAIN, FOLLOWED_TAG
    from practices.models import Practice, PracticeFollow, Tag

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    reader = bench_member()
    urls = page_urls()
    measured = [
        int(re.match(r"/practices/(\d+)/", urls[page]).group(1))
        for page in ("detail_20", "detail_100")
    ]
    # The live threads use practices of their own, so that the pages measured stay as seeded.
    live = list(
        Practice.objects.visible()
        .filter(comment_count__gt=0)
        .exclude(pk__in=measured)
        .order_by("-id")
        .values_list("pk", flat=True)[:120]
    )
    # The write mix's practices: none of the measured ones or the live ones, none under the
    # measured tag, none the reader follows (the reader's bell stays as it is), open threads.
    measured_tag = Tag.objects.get(name=FOLLOWED_TAG)
    targets = list(
        Practice.objects.visible()
        .filter(locked_at__isnull=True)
        .exclude(pk__in=measured + live)
        .exclude(tagged_items__tag=measured_tag)
        .exclude(author=reader)
        .exclude(pk__in=PracticeFollow.objects.filter(user=reader).values("practice"))
        .order_by("-id")[:13]
    )
    if len(targets) < 2:
        raise SystemExit("too few practices for the write mix: run seed_bench")
    # Writers: members who may post and whose practices are published without a moderator.
    visible_own = Practice.objects.visible().filter(author=OuterRef("pk"))
    members = list(
        User.objects.filter(
            email__endswith=f"@{BENCH_DOMAIN}",
            is_active=True,
            email_verified=True,
            suspended_until__isnull=True,
            moderator=False,
        )
        .exclude(pk=reader.pk)
        .filter(Exists(visible_own))
        .order_by("id")[:writers]
    )
    if len(members) < 2:
        raise SystemExit("too few members who may post for the write mix: run seed_bench")
    # New practices go under a tag with the fewest followers, not the measured one and not
    # one the reader follows.
    write_tag = (
        Tag.objects.exclude(pk=measured_tag.pk)
        .exclude(follows__user=reader)
        .annotate(n=Count("follows"))
        .order_by("n", "id")
        .first()
    )
    form = PracticeForm(data=practice_form_data(title=f"{WRITE_TITLE} check", tag=write_tag.name))
    if not form.is_valid():
        raise SystemExit(f"the write mix's practice would be refused: {form.errors.as_json()}")
    return {
        "urls": urls,
        "session_cookie": session(reader),
        "csrf_secret": secrets.token_hex(16),
        "live_practice": live[0],
        "idle_practices": live[1:101],
        "writers": [{"id": m.pk, "cookie": session(m)} for m in members],
        "write_targets": [{"pk": p.pk, "url": p.get_absolute_url()} for p in targets[1:]],
        "visibility_practice": {"pk": targets[0].pk, "url": targets[0].get_absolute_url()},
        "write_tag": write_tag.name,
        "measured_tag": FOLLOWED_TAG,
    }


def inner_pages(db_url: str, repeats: int, cold_repeats: int, page_cache: bool) -> dict[str, Any]:
    """Queries per page and the server time, in-process (no network), warm and cold (the
    cache emptied before each request), with the anonymous page cache on or off, beside
    the bare view's in the same process."""
    cache_setting = page_cache_setting()
    if cache_setting:
        on = "300" if cache_setting["kind"] == "int" else "1"
        os.environ[cache_setting["name"]] = on if page_cache else "0"
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
        "page_cache": {"setting": cache_setting.get("name"), "on": page_cache},
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

    def cold_p50_ms(client, url: str) -> float | None:
        times = []
        for _ in range(cold_repeats):
            cache.clear()
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times) if times else None

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
                "cold_p50_ms": cold_p50_ms(client, url),
            }
    result["bare"] = {who: p50_ms(client, "/bench/bare") for who, client in clients.items()}
    result["explain"] = explain_search()
    return result


def lowest_medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One in-process result from several runs on the same database: each page's and the
    bare view's p50 (warm and cold) is the lowest of the runs' medians (a run that a burst
    of other work on the machine slowed shows as a higher median, never a lower one); every
    run's median is kept beside it."""
    merged = json.loads(json.dumps(runs[0]))
    for key, page in merged["pages"].items():
        for name in ("p50_ms", "cold_p50_ms"):
            values = [run["pages"][key].get(name) for run in runs]
            page[f"{name}_runs"] = values
            measured = [value for value in values if value is not None]
            page[name] = min(measured) if measured else None
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


def inner_tidy(db_url: str) -> dict[str, Any]:
    """Remove the practices the write mix created (bench data only, never seeded data), so
    that a database reused by the next run holds what seed_bench wrote. The comments the
    run posted stay, as the fan-out step's always have: removing them would break the
    threads' sequence numbers."""
    django_setup(db_url)
    from practices.models import Practice

    try:
        deleted, _ = Practice.objects.filter(title__startswith=WRITE_TITLE).delete()
    except Exception as error:  # noqa: BLE001 - reported; the measurements stand
        return {"deleted": 0, "error": repr(error)}
    return {"deleted": deleted}


# --- Outside: databases, the servers, the load ---------------------------------------------


@dataclass
class Env:
    profile: Profile
    pg: str
    redis: str
    port: int
    out_dir: Path
    web_worker_class: str = "sync"
    web_threads: int = 4
    workers: int = 2
    socket_workers: int = 2
    prefix: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")

    @property
    def asgi_port(self) -> int:
        return self.port + 10

    @property
    def floor_wsgi_port(self) -> int:
        return self.port + 20

    @property
    def floor_asgi_port(self) -> int:
        return self.port + 21

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


def cluster_default(name: str, fallback: str) -> str:
    """A default of scripts/cluster.sh (`NAME=${NAME:-value}`), so that the floor runs with
    the same server settings as the cluster's pages."""
    text = (BASE_DIR / "scripts" / "cluster.sh").read_text()
    found = re.search(rf"^{name}=\$\{{{name}:-([^}}]+)\}}", text, re.MULTILINE)
    return found.group(1) if found else fallback


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def stop_group(process: subprocess.Popen | None, timeout: float = 20) -> None:
    """TERM to the process group this script started, then KILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Cluster:
    """scripts/cluster.sh in its own process group; stopped (TERM, then KILL) on exit."""

    def __init__(self, env: Env, db_name: str) -> None:
        self.env = env
        self.db_name = db_name
        self.dir = env.out_dir / "cluster"
        self.process: subprocess.Popen | None = None
        self.log = None

    def __enter__(self) -> Cluster:
        shutil.rmtree(self.dir / "var", ignore_errors=True)
        (self.dir / "ready").unlink(missing_ok=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        environment = {
            **self.env.django_env(self.db_name),
            # The cluster's connections carry the run's name: waiting for the database to be
            # idle counts only them, whatever else uses the same database.
            "DATABASE_URL": f"{self.env.db_url(self.db_name)}?application_name={self.env.prefix}",
            "REDIS_URL": self.env.redis,
            "CACHE_PREFIX": self.env.prefix,
            "CHANNEL_PREFIX": self.env.prefix,
            "BENCH_ENDPOINTS": "1",
            # The writers post far more than a person would: no limit may refuse them, and
            # their practices are published at once, without a moderator.
            "POST_RATE_LIMIT": "1000000",
            "PRACTICE_APPROVAL_FIRST": "0",
            "PORT": str(self.env.port),
            "ASGI_PORT": str(self.env.asgi_port),
            "WORKERS": str(self.env.workers),
            "WEB_WORKER_CLASS": self.env.web_worker_class,
            "WEB_THREADS": str(self.env.web_threads),
            "SOCKET_WORKERS": str(self.env.socket_workers),
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
        deadline = time.monotonic() + 180
        while not (self.dir / "ready").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise SystemExit(f"the cluster did not start; see {self.dir}/cluster.log")
            time.sleep(0.3)
        return self

    def web_pids(self) -> list[int]:
        """The gunicorn master and its workers (read afresh: the master replaces a worker
        that dies)."""
        master = int((self.dir / "web.pid").read_text())
        return [master, *child_pids(master)]

    def socket_pids(self) -> list[int]:
        return [
            int((self.dir / f"socket-{i}.pid").read_text())
            for i in range(1, self.env.socket_workers + 1)
        ]

    def pids(self) -> list[int]:
        return self.web_pids() + self.socket_pids()

    def __exit__(self, *exc: object) -> None:
        stop_group(self.process)
        self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


class Floors:
    """The hello-world floor (scripts/floor_app.py) under gunicorn, with the cluster's
    worker count and class, and under two uvicorn workers, each straight on its own port."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.dir = env.out_dir / "cluster"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: list[Any] = []

    @property
    def urls(self) -> dict[str, str]:
        return {
            "wsgi": f"http://127.0.0.1:{self.env.floor_wsgi_port}/",
            "asgi": f"http://127.0.0.1:{self.env.floor_asgi_port}/",
        }

    def __enter__(self) -> Floors:
        self.dir.mkdir(parents=True, exist_ok=True)
        env = self.env
        gunicorn = [
            str(BIN / "gunicorn"), "floor_app:application", "--chdir", str(BASE_DIR / "scripts"),
            "--bind", f"127.0.0.1:{env.floor_wsgi_port}", "--workers", str(env.workers),
            "--worker-class", env.web_worker_class, "--keep-alive", "5",
            "--graceful-timeout", "3", "--no-control-socket", "--log-level", "warning",
        ]  # fmt: skip
        if env.web_worker_class == "gthread":
            gunicorn += ["--threads", str(env.web_threads)]
        uvicorn = [
            str(BIN / "uvicorn"), "floor_app:asgi_application", "--app-dir",
            str(BASE_DIR / "scripts"), "--host", "127.0.0.1", "--port",
            str(env.floor_asgi_port), "--workers", str(env.socket_workers),
            "--lifespan", "off", "--no-access-log",
        ]  # fmt: skip
        environment = {
            key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
        }
        for name, command in (("wsgi", gunicorn), ("asgi", uvicorn)):
            out = open(self.dir / f"floor-{name}.log", "w")  # noqa: SIM115 - closed in __exit__
            self.logs.append(out)
            self.processes[name] = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        for name, url in self.urls.items():
            while fetch(url) != 200:
                if self.processes[name].poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise SystemExit(f"the {name} floor did not start; see {self.dir}")
                time.sleep(0.3)
        return self

    def pids(self) -> list[int]:
        pids = []
        for process in self.processes.values():
            pids += [process.pid, *child_pids(process.pid)]
        return pids

    def __exit__(self, *exc: object) -> None:
        for process in self.processes.values():
            stop_group(process)
        self.processes = {}
        for out in self.logs:
            out.close()
        self.logs = []


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


def wrk_seconds(seconds: float) -> int:
    return max(1, round(seconds))


def wrk(url: str, seconds: float, connections: int, cookie: str = "") -> dict[str, float]:
    script = WRK_SCRIPT_PATH
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{wrk_seconds(seconds)}s", "--timeout", "10s"]
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


def get(url: str, cookie: str = "") -> tuple[int, str]:
    """GET, following redirects: the status and the text (an error status is an answer)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def fetch(url: str, cookie: str = "") -> int:
    return get(url, cookie)[0]


def prime(url: str, cookie: str, count: int) -> None:
    """`count` GETs at once: every server process (whichever takes a connection) has
    answered the page and holds what it keeps per process before a cell is timed."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(lambda _: fetch(url, cookie), range(count)))


def post_form(port: int, path: str, fields: dict[str, str], cookie: str) -> tuple[int, str]:
    """A form POST to nginx, redirects not followed: the status and the Location."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            urllib.parse.urlencode(fields),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    except (OSError, http.client.HTTPException):
        return 0, ""
    finally:
        connection.close()


def proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds used so far, resident memory in bytes) of one process; zeros for one
    that has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


def settle(pids: list[int], db_url: str, application_name: str, limit: float = 180.0) -> None:
    """Wait until the servers are idle and the database runs none of their queries: a slow
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
                "AND state = 'active' AND application_name = %s",
                [application_name],
            ).fetchone()[0]
            if not busy and sum(proc_stats(pid)[0] for pid in pids) - before < 0.05:
                return


# --- Writes while pages are read ----------------------------------------------------------


class WriteMix:
    """Members posting at a fixed site-wide rate, in turn: a comment over the socket, a
    comment by form POST, a new practice published by form POST. Comments go to practices
    that are not measured and not under the measured tag; new practices never carry that tag.
    One instance for the run: its counter makes every write's text unique and rotates the
    kinds across cells."""

    KINDS = ("socket", "form", "practice")

    def __init__(self, env: Env, prepared: dict[str, Any]) -> None:
        self.env = env
        self.writers = prepared["writers"]
        self.targets = prepared["write_targets"]
        self.tag = prepared["write_tag"]
        self.csrf = prepared["csrf_secret"]
        # Comments by form go to other practices than the sockets' (one per writer).
        self.form_targets = self.targets[len(self.writers) :] or self.targets
        self.texts = itertools.count()
        self.turn = 0

    def cookie(self, writer: dict[str, Any]) -> str:
        return f"{writer['cookie']}; csrftoken={self.csrf}"

    def unique(self) -> str:
        return f"{self.env.prefix}-{next(self.texts)}"

    def post_comment(self, writer: dict[str, Any], target: dict[str, Any], text: str) -> bool:
        status, _ = post_form(
            self.env.port,
            f"/practices/{target['pk']}/comments/",
            {"body": text, "csrfmiddlewaretoken": self.csrf},
            self.cookie(writer),
        )
        return status == 302

    def post_practice(self, writer: dict[str, Any], title: str) -> bool:
        fields = practice_form_data(title=title, tag=self.tag)
        fields["csrfmiddlewaretoken"] = self.csrf
        status, location = post_form(self.env.port, "/practices/new/", fields, self.cookie(writer))
        return status == 302 and "/practices/new/" not in location

    async def run(self, rate: float, seconds: int) -> dict[str, Any]:
        """round(rate x seconds) writes, evenly spaced over `seconds`; each waits at most
        30 s for its answer."""
        from websockets.exceptions import ConnectionClosed, InvalidStatus

        origin = f"http://127.0.0.1:{self.env.port}"
        sockets = []
        pending: dict[str, asyncio.Future] = {}

        async def reader(ws) -> None:
            while True:
                message = json.loads(await ws.recv())
                waiting = pending.get(message.get("client_id") or "")
                if message.get("type") in ("ack", "error") and waiting and not waiting.done():
                    waiting.set_result(message["type"] == "ack")

        for number, writer in enumerate(self.writers):
            target = self.targets[number % len(self.targets)]
            url = f"ws://127.0.0.1:{self.env.port}/ws/practices/{target['pk']}/"
            try:
                sockets.append(await open_socket(url, origin, self.cookie(writer)))
            except (OSError, TimeoutError, InvalidStatus):
                # Counted: this writer's socket comments fail, the cell goes on.
                sockets.append(None)
        readers = [asyncio.create_task(reader(ws)) for ws in sockets if ws is not None]
        loop = asyncio.get_running_loop()

        async def write(number: int) -> tuple[str, bool, float]:
            kind = self.KINDS[number % len(self.KINDS)]
            slot = number // len(self.KINDS)
            writer_index = number % len(self.writers)
            writer = self.writers[writer_index]
            text = f"A note from the benchmark's write mix [{self.unique()}]."
            started = time.perf_counter()
            if kind == "socket":
                socket = sockets[writer_index]
                client_id = uuid.uuid4().hex
                pending[client_id] = loop.create_future()
                try:
                    if socket is None:
                        raise ConnectionError("no socket")
                    await socket.send(
                        json.dumps({"type": "comment.create", "client_id": client_id, "body": text})
                    )
                    ok = await asyncio.wait_for(pending[client_id], timeout=30)
                except (ConnectionError, ConnectionClosed, TimeoutError):
                    ok = False
            elif kind == "form":
                target = self.form_targets[slot % len(self.form_targets)]
                ok = await asyncio.to_thread(self.post_comment, writer, target, text)
            else:
                ok = await asyncio.to_thread(self.post_practice, writer, f"{WRITE_TITLE} {text}")
            return kind, ok, (time.perf_counter() - started) * 1000

        count = max(1, round(rate * seconds))
        first, self.turn = self.turn, self.turn + count
        tasks = []
        started = loop.time()
        try:
            for k in range(count):
                delay = started + (k + 0.5) / rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(write(first + k)))
            # The writes were sent over this window (each in the middle of its slot).
            sent_seconds = loop.time() - started + 0.5 / rate
            done = await asyncio.gather(*tasks)
        finally:
            for task in readers:
                task.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
            await close_all([ws for ws in sockets if ws is not None])
        by_kind: dict[str, list[int]] = {}
        for kind, ok, _ in done:
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += 1
            by_kind[kind][1] += ok
        return {
            "rate": rate,
            "planned": count,
            "attempted": len(done),
            "accepted": sum(ok for _, ok, _ in done),
            "by_kind": by_kind,
            "p50_ms": percentile([ms for _, _, ms in done], 0.5),
            "sent_seconds": sent_seconds,
        }


async def mixed_cell(
    mix: WriteMix, url: str, seconds: float, connections: int, cookie: str, rate: float
) -> dict[str, Any]:
    """wrk on one page while the writers post at `rate`: both start together."""
    load = asyncio.create_task(asyncio.to_thread(wrk, url, seconds, connections, cookie))
    writes = await mix.run(rate, wrk_seconds(seconds))
    result = await load
    result["writes"] = writes
    return result


def http_phase(
    env: Env, prepared: dict[str, Any], cluster: Cluster, floors: Floors, db_url: str
) -> dict[str, Any]:
    base = f"http://127.0.0.1:{env.port}"
    asgi = f"http://127.0.0.1:{env.asgi_port}"
    member_cookie = f"{prepared['session_cookie']}; csrftoken={prepared['csrf_secret']}"
    profile = env.profile
    mix = WriteMix(env, prepared)
    # Every page twice first through both fronts, one at a time: the kept parts are warm
    # before the load starts (a cold facet count over 100,000 practices takes seconds).
    for url in prepared["urls"].values():
        for front in (base, asgi):
            for cookie in ("", member_cookie, "", member_cookie):
                fetch(front + url, cookie)

    processes = 2 * max(env.workers, env.socket_workers)

    def cell(url: str, cookie: str = "", rate: float = 0.0) -> dict[str, Any]:
        settle(cluster.pids() + floors.pids(), db_url, env.prefix)
        # Once more just before: the cell before may have been a write cell, whose writes
        # emptied what this page keeps.
        prime(url, cookie, processes)
        if rate:
            return asyncio.run(
                mixed_cell(mix, url, profile.wrk_seconds, profile.connections, cookie, rate)
            )
        return wrk(url, profile.wrk_seconds, profile.connections, cookie)

    rounds = []
    for number in range(profile.rounds):
        started = time.monotonic()
        cells: dict[str, Any] = {}
        cells["floor/wsgi"] = cell(floors.urls["wsgi"])
        cells["floor/asgi"] = cell(floors.urls["asgi"])
        # The app's own stack around a view that does nothing, anonymous and with a member's
        # session: what the middleware costs over the floor.
        cells["bare/anonymous"] = cell(base + "/bench/bare")
        cells["bare/member"] = cell(base + "/bench/bare", member_cookie)
        for page in PAGES:
            path = prepared["urls"][page]
            for who, cookie in (("anonymous", ""), ("member", member_cookie)):
                key = f"{page}/{who}"
                order = [(key, base, 0.0), (f"{key}/asgi", asgi, 0.0)]
                order += [(f"{key}/{rate_key(r)}", base, r) for r in profile.write_rates]
                # Every other round backwards: no cell always follows the same one.
                for name, front, rate in order[:: -1 if number % 2 else 1]:
                    cells[name] = cell(front + path, cookie, rate)
        rounds.append(cells)
        log(
            f"round {number + 1}/{profile.rounds} ({time.monotonic() - started:.0f} s): "
            f"floor {cells['floor/wsgi']['rps']:.0f} req/s (ASGI "
            f"{cells['floor/asgi']['rps']:.0f}), detail_20 member "
            f"{cells['detail_20/member']['rps']:.0f} (ASGI "
            f"{cells['detail_20/member/asgi']['rps']:.0f}, at 5 writes/s "
            f"{cells['detail_20/member/' + rate_key(profile.write_rates[-1])]['rps']:.0f})"
        )
    return {"rounds": rounds}


def visibility_phase(env: Env, prepared: dict[str, Any]) -> dict[str, Any]:
    """A write, then the very next GET of the page that shows it, as a visitor (no cookie)
    and as another member: is the write on it? The pages are read just before each write,
    so that whatever they keep is warm and would show the old state if it were kept wrong."""
    base = f"http://127.0.0.1:{env.port}"
    mix = WriteMix(env, prepared)
    poster, other = prepared["writers"][0], prepared["writers"][1]
    other_cookie = other["cookie"]
    practice = prepared["visibility_practice"]
    checks = {
        "comment": base + practice["url"],
        "practice": base + prepared["urls"]["list_page_1"],
    }
    results: dict[str, Any] = {}
    for kind, url in checks.items():
        row: dict[str, list] = {"posted": [], "visitor": [], "member": []}
        for _ in range(env.profile.visibility_tries):
            fetch(url)
            fetch(url, other_cookie)
            token = f"seen{uuid.uuid4().hex[:12]}"
            if kind == "comment":
                posted = mix.post_comment(poster, practice, f"Visible at once? {token}")
            else:
                posted = mix.post_practice(poster, f"{WRITE_TITLE} {token}")
            row["posted"].append(posted)
            row["visitor"].append(token in get(url)[1])
            row["member"].append(token in get(url, other_cookie)[1])
        results[kind] = row
    return results


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
    """Wait until the socket processes use less than a tenth of a core together for a
    second: what a measurement before left behind (a thousand sockets closing, each
    announcing it) must not count in the next one. Returns the seconds waited."""
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
        "processes": len(pids),
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


async def idle_phase(env: Env, prepared: dict[str, Any], pids: list[int]) -> dict[str, Any]:
    """1,000 sockets through nginx's /ws/ (spread over the socket processes), on 100
    threads, then left alone: what do they cost those processes together?"""
    origin = f"http://127.0.0.1:{env.port}"
    practices = prepared["idle_practices"] or [prepared["live_practice"]]
    count = env.profile.idle_sockets

    def stats() -> tuple[float, int]:
        both = [proc_stats(pid) for pid in pids]
        return sum(cpu for cpu, _ in both), sum(rss for _, rss in both)

    await wait_quiet(pids)
    cpu0, rss0 = stats()
    await asyncio.sleep(env.profile.idle_seconds / 3)
    cpu1, _ = stats()
    baseline_cpu = (cpu1 - cpu0) / (env.profile.idle_seconds / 3)
    sockets = []
    for start in range(0, count, 50):
        sockets += await asyncio.gather(
            *(
                open_socket(
                    f"ws://127.0.0.1:{env.port}/ws/practices/{practices[i % len(practices)]}/",
                    origin,
                )
                for i in range(start, min(start + 50, count))
            )
        )
    reader = asyncio.create_task(drain(sockets, quiet=10_000, limit=3600))
    await wait_quiet(pids)
    cpu2, _ = stats()
    await asyncio.sleep(env.profile.idle_seconds)
    cpu3, rss3 = stats()
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)
    await close_all(sockets)
    return {
        "sockets": len(sockets),
        "processes": len(pids),
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


def ratio(rounds: list[dict[str, Any]], key: str, over: str) -> float:
    """Requests/s of cell `key` over cell `over`, within each round; the median."""
    return statistics.median(
        r[key]["rps"] / r[over]["rps"] if r[over]["rps"] else 0.0 for r in rounds
    )


def floor_share(rounds: list[dict[str, Any]], key: str) -> float:
    return ratio(rounds, key, "floor/wsgi")


@dataclass
class Line:
    text: str
    ok: bool
    measured: str


def page_budget(results: dict[str, Any]) -> list[Line]:
    """The lines measured through the cluster: floor shares, WSGI over ASGI, the write mix,
    errors, list depth and search."""
    lines: list[Line] = []
    rounds = results["http"]["rounds"]
    rates = results["profile"]["write_rates"]
    for page in PAGES:
        for who in WHO:
            value = floor_share(rounds, f"{page}/{who}")
            target = FLOOR_SHARE[who]
            lines.append(
                Line(
                    f"{page}, {who}, ≥ {target:.0%} of the WSGI hello world",
                    value >= target,
                    f"{value:.1%}",
                )
            )
    for page in PAGES:
        for who in WHO:
            value = ratio(rounds, f"{page}/{who}", f"{page}/{who}/asgi")
            lines.append(
                Line(
                    f"{page}, {who}, ≥ {WSGI_OVER_ASGI}x its requests/s on the all-ASGI topology",
                    value >= WSGI_OVER_ASGI,
                    f"{value:.2f}x",
                )
            )
    for page in UNTOUCHED:
        for who in WHO:
            for rate in rates:
                keep = WRITE_KEEP.get(rate)
                if keep is None:
                    continue
                value = ratio(rounds, f"{page}/{who}/{rate_key(rate)}", f"{page}/{who}")
                lines.append(
                    Line(
                        f"{page}, {who}, at {rate:g} write(s)/s keeps ≥ {keep:.0%} of its "
                        "read-only requests/s",
                        value >= keep,
                        f"{value:.1%}",
                    )
                )
    for rate in rates:
        writes = [r[key]["writes"] for r in rounds for key in r if key.endswith(rate_key(rate))]
        planned = sum(w["planned"] for w in writes)
        accepted = sum(w["accepted"] for w in writes)
        seconds = sum(w["sent_seconds"] for w in writes)
        lines.append(
            Line(
                f"the write mix at {rate:g}/s: every planned write made and accepted",
                accepted == planned and planned > 0,
                f"{accepted}/{planned} over {len(writes)} cells "
                f"(sent at {planned / seconds if seconds else 0:.1f} writes/s)",
            )
        )
    failed = sorted({key for r in rounds for key, cell in r.items() if cell.get("errors")})
    lines.append(
        Line(
            "every request answered in time, without an error status",
            not failed,
            "yes" if not failed else "errors or time-outs in " + ", ".join(failed),
        )
    )
    deep = ratio(rounds, "list_page_1/member", "list_page_500/member")
    lines.append(Line("list page 500 costs ≤ 2x page 1 (logged in)", deep <= 2, f"{deep:.2f}x"))
    rare = ratio(rounds, "detail_20/member", "search_rare/member")
    lines.append(Line("search for a rare term ≤ 3x the detail page", rare <= 3, f"{rare:.2f}x"))
    return lines


def visibility_budget(results: dict[str, Any]) -> list[Line]:
    lines = []
    shown = results["visibility"]
    for kind, label in (
        ("comment", "a comment posted by form is on its page's next response"),
        ("practice", "a new practice is on list page 1's next response"),
    ):
        row = shown[kind]
        for who, reader in (("visitor", "for a visitor"), ("member", "for another member")):
            seen = sum(row[who])
            posted = sum(row["posted"])
            lines.append(
                Line(
                    f"{label}, {reader}",
                    seen == len(row[who]) and posted == len(row["posted"]),
                    f"{seen}/{len(row[who])} (posted {posted}/{len(row['posted'])})",
                )
            )
    return lines


def inproc_budget(results: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    small, large = results["pages_small"], results["pages_large"]
    for page in PAGES:
        member = large["pages"][f"{page}/member"]
        visitor = large["pages"][f"{page}/anonymous"]
        if member.get("cold_p50_ms") is None:
            continue
        growth = member["cold_p50_ms"] / member["p50_ms"]
        lines.append(
            Line(
                f"{page}, member: cold p50 ≤ {COLD_OVER_WARM:g}x warm",
                growth <= COLD_OVER_WARM,
                f"{growth:.2f}x ({member['cold_p50_ms']:.1f} ms / {member['p50_ms']:.1f} ms)",
            )
        )
        lines.append(
            Line(
                f"{page}: a visitor's cold p50 ≤ a member's",
                visitor["cold_p50_ms"] <= member["cold_p50_ms"],
                f"{visitor['cold_p50_ms']:.1f} ms vs {member['cold_p50_ms']:.1f} ms",
            )
        )
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
    return lines


def live_budget(results: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    live = results["live"]
    sizes = sorted(int(n) for n in live["comment"])
    for count in sizes[1:]:
        value = live["comment"][str(count)]["ratio"]
        lines.append(
            Line(f"fan-out to {count:,} sockets delivers 100%", value >= 1, f"{value:.1%}")
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
    return lines


def posting_budget(results: dict[str, Any]) -> list[Line]:
    posting = results["posting"]
    followed, quiet = posting["publish_followed"], posting["publish_quiet"]
    return [
        Line(
            f"publishing under a tag with {posting['followers']:,} followers: same queries as "
            f"with {posting['quiet_tag_followers']}",
            followed["queries"] == quiet["queries"],
            f"{followed['queries']} vs {quiet['queries']} "
            f"({followed['notified']:,} notifications written)",
        )
    ]


def budget(results: dict[str, Any]) -> list[Line]:
    """Every line the measurements in `results` allow (an --only-http run has fewer)."""
    lines: list[Line] = []
    if "http" in results:
        lines += page_budget(results)
    if "visibility" in results:
        lines += visibility_budget(results)
    if "pages_large" in results:
        lines += inproc_budget(results)
    if "live" in results and "idle" in results:
        lines += live_budget(results)
    if "posting" in results:
        lines += posting_budget(results)
    return lines


def ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def report_inproc(results: dict[str, Any]) -> list[str]:
    out: list[str] = []
    small, large = results["pages_small"], results["pages_large"]
    cache_state = large.get("page_cache", {})
    runs = len(small.get("bare_runs", [0]))
    out.append(
        f"\nIn-process, the anonymous page cache {'on' if cache_state.get('on') else 'off'} "
        f"({cache_state.get('setting') or 'no page-cache setting found'}): queries (cold: an "
        f"empty cache; warm: what readers share kept) and warm p50 server time at "
        f"{small['practices']:,} and {large['practices']:,} practices (the lowest median of "
        f"{runs} run(s), the two databases in turn):\n"
    )
    out.append(f"| page | who | queries {small['practices']:,} | queries {large['practices']:,} "
               f"| p50 ms {small['practices']:,} | p50 ms {large['practices']:,} |")  # fmt: skip
    out.append("|---|---|---:|---:|---:|---:|")
    keys = [f"{page}/{who}" for page in PAGES for who in WHO]
    for key in keys:
        a, b = small["pages"][key], large["pages"][key]
        page, who = key.split("/")
        out.append(
            f"| {page} | {who} | {a['queries_cold']}/{a['queries_warm']} "
            f"| {b['queries_cold']}/{b['queries_warm']} | {a['p50_ms']:.1f} | {b['p50_ms']:.1f} |"
        )
    if "bare" in small and "bare" in large:
        out.append(
            "\nThe bare view in the same processes, p50 ms: "
            + ", ".join(f"{who} {small['bare'][who]:.1f} / {large['bare'][who]:.1f}" for who in WHO)
        )
    out.append(
        f"\nCold and warm, in-process at {large['practices']:,} practices: p50 with the cache "
        f"emptied before every request, and with it warm:\n"
    )
    out.append("| page | who | warm p50 ms | cold p50 ms | cold / warm | queries cold/warm |")
    out.append("|---|---|---:|---:|---:|---:|")
    for key in keys:
        row = large["pages"][key]
        page, who = key.split("/")
        cold = row.get("cold_p50_ms")
        factor = f"{cold / row['p50_ms']:.1f}x" if cold is not None else ""
        out.append(
            f"| {page} | {who} | {row['p50_ms']:.1f} | {ms(cold)} | {factor} "
            f"| {row['queries_cold']}/{row['queries_warm']} |"
        )
    return out


def report_http(results: dict[str, Any]) -> list[str]:
    out: list[str] = []
    rounds = results["http"]["rounds"]
    profile = results["profile"]
    topology = results.get("topology", {})
    out.append(
        f"\nFloors, wrk {profile['connections']} connections, {profile['wrk_seconds']} s a "
        f"cell, {len(rounds)} round(s), medians; shares are of the WSGI hello world within "
        f"each round:\n"
    )
    out.append("| what | served by | req/s | share of the floor | p50 ms | p99 ms | errors |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    rows = (
        ("floor/wsgi", "hello world (scripts/floor_app.py)",
         f"gunicorn, {topology.get('workers')} {topology.get('web_worker_class')} workers, direct"),
        ("floor/asgi", "hello world (scripts/floor_app.py)",
         f"uvicorn, {topology.get('socket_workers')} workers, direct"),
        ("bare/anonymous", "the app's bare view, visitor", "nginx, gunicorn"),
        ("bare/member", "the app's bare view, member", "nginx, gunicorn"),
    )  # fmt: skip
    for key, what, server in rows:
        out.append(
            f"| {what} | {server} | {median_of(rounds, key, 'rps'):,.0f} "
            f"| {floor_share(rounds, key):.1%} | {median_of(rounds, key, 'p50_ms'):.1f} "
            f"| {median_of(rounds, key, 'p99_ms'):.1f} | {sum(r[key]['errors'] for r in rounds)} |"
        )
    out.append(
        "\nPages through nginx: the production topology (pages on gunicorn) and the all-ASGI "
        "one (pages on the uvicorn socket processes), interleaved, medians of the rounds:\n"
    )
    out.append("| page | who | req/s | share of the floor | p50 ms | p99 ms | errors "
               "| all-ASGI req/s | WSGI / ASGI |")  # fmt: skip
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for page in PAGES:
        for who in WHO:
            key = f"{page}/{who}"
            errors = sum(r[key]["errors"] + r[f"{key}/asgi"]["errors"] for r in rounds)
            out.append(
                f"| {page} | {who} | {median_of(rounds, key, 'rps'):,.0f} "
                f"| {floor_share(rounds, key):.1%} | {median_of(rounds, key, 'p50_ms'):.1f} "
                f"| {median_of(rounds, key, 'p99_ms'):.1f} | {errors} "
                f"| {median_of(rounds, f'{key}/asgi', 'rps'):,.0f} "
                f"| {ratio(rounds, key, f'{key}/asgi'):.2f}x |"
            )
    rates = profile["write_rates"]
    out.append(
        "\nPages while members write (site-wide: comments over the socket and by form, new "
        "practices by form, in turn), beside the same page read-only in the same round; "
        '"touched" pages show what the writes change:\n'
    )
    header = "| page | who | pages | read-only req/s |"
    rule = "|---|---|---|---:|"
    for rate in rates:
        header += f" at {rate:g}/s req/s | share |"
        rule += "---:|---:|"
    out.append(header + " writes accepted |")
    out.append(rule + "---:|")
    for page in PAGES:
        for who in WHO:
            key = f"{page}/{who}"
            line = (
                f"| {page} | {who} | {'untouched' if page in UNTOUCHED else 'touched'} "
                f"| {median_of(rounds, key, 'rps'):,.0f} |"
            )
            accepted = planned = 0
            for rate in rates:
                mixed = f"{key}/{rate_key(rate)}"
                line += (
                    f" {median_of(rounds, mixed, 'rps'):,.0f} | {ratio(rounds, mixed, key):.1%} |"
                )
                accepted += sum(r[mixed]["writes"]["accepted"] for r in rounds)
                planned += sum(r[mixed]["writes"]["planned"] for r in rounds)
            out.append(f"{line} {accepted}/{planned} |")
    writes = [r[k]["writes"] for r in rounds for k in r if "writes" in r[k]]
    kinds: dict[str, list[int]] = {}
    for w in writes:
        for kind, (made, ok) in w["by_kind"].items():
            kinds.setdefault(kind, [0, 0])
            kinds[kind][0] += made
            kinds[kind][1] += ok
    if writes:
        out.append(
            "\nWrites made: "
            + ", ".join(f"{kind} {ok}/{made} accepted" for kind, (made, ok) in kinds.items())
            + f"; median time to an answer {statistics.median(w['p50_ms'] for w in writes):.0f} ms."
        )
    return out


def report_visibility(results: dict[str, Any]) -> list[str]:
    out = ["\nDoes a write show on the very next response (the page read warm just before)?\n"]
    out.append("| write | page read | posted | visitor saw it | another member saw it |")
    out.append("|---|---|---:|---:|---:|")
    for kind, write, page in (
        ("comment", "a comment by form", "its practice"),
        ("practice", "a new practice by form", "list page 1"),
    ):
        row = results["visibility"][kind]
        out.append(
            f"| {write} | {page} | {sum(row['posted'])}/{len(row['posted'])} "
            f"| {sum(row['visitor'])}/{len(row['visitor'])} "
            f"| {sum(row['member'])}/{len(row['member'])} |"
        )
    return out


def report_live(results: dict[str, Any]) -> list[str]:
    out: list[str] = []
    live = results["live"]
    out.append(
        f"\nLive fan-out through nginx to {live.get('processes', 2)} socket processes "
        f"(payload {live['payload_bytes']} bytes):\n"
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
        f"\nIdle: {idle['sockets']:,} sockets through nginx on {idle.get('processes', 2)} "
        f"socket processes for {idle['seconds']:.0f} s: {idle['cpu_share']:.1%} of a core "
        f"(before: {idle['cpu_share_before']:.1%}), RSS "
        f"{idle['rss_before_bytes'] / 2**20:.0f} → {idle['rss_after_bytes'] / 2**20:.0f} MiB, "
        f"{idle['bytes_per_socket'] / 1024:.0f} KB a socket."
    )
    return out


def report_posting(results: dict[str, Any]) -> list[str]:
    posting = results["posting"]
    out = ["\nPosting (in-process, in a transaction rolled back each time):\n"]
    out.append("| action | p50 ms | queries | notifications written |")
    out.append("|---|---:|---:|---:|")
    for key, label in (
        ("publish_followed", f"publish under a tag with {posting['followers']:,} followers"),
        ("publish_quiet", f"publish under a tag with {posting['quiet_tag_followers']} followers"),
        ("comment", "comment on a practice under that tag"),
    ):
        row = posting[key]
        out.append(f"| {label} | {row['p50_ms']:.1f} | {row['queries']} | {row['notified']:,} |")
    return out


def report(results: dict[str, Any]) -> str:
    out: list[str] = []
    if "pages_large" in results:
        out += report_inproc(results)
    if "http" in results:
        large = results.get("pages_large")
        if large:
            out.append(
                f"\nThe cluster on {large['practices']:,} practices, {large['comments']:,} comments."
            )
        out += report_http(results)
    if "visibility" in results:
        out += report_visibility(results)
    if "live" in results and "idle" in results:
        out += report_live(results)
    if "posting" in results:
        out += report_posting(results)
    out.append("\nBudget:\n")
    for line in results["budget"]:
        out.append(f"- {'met   ' if line['ok'] else 'MISSED'} {line['text']}: {line['measured']}")
    return "\n".join(out)


def write_results(out_dir: Path, results: dict[str, Any], name: str) -> None:
    """The measurements are written before they are judged: nothing measured is lost."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out_dir / f"{name}-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    results["budget"] = [line.__dict__ for line in budget(results)]
    text = report(results)
    print(text)
    for file_name in (f"{name}-{stamp}.json", f"latest-{name}.json"):
        (out_dir / file_name).write_text(json.dumps(results, indent=1, default=str))
    (out_dir / f"latest-{name}.md").write_text(text + "\n")


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
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "8300")),
        help="nginx's production front; the all-ASGI front is PORT+10, the floors PORT+20/21",
    )
    parser.add_argument(
        "--web-worker-class",
        default=os.environ.get("WEB_WORKER_CLASS") or cluster_default("WEB_WORKER_CLASS", "sync"),
        choices=["sync", "gthread"],
        help="gunicorn's worker class, for the cluster's pages and the floor alike",
    )
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "bench"))
    parser.add_argument(
        "--only-http",
        action="store_true",
        help="the cluster's cells only (floors, pages, both topologies, the write mix)",
    )
    parser.add_argument("--seconds", type=float, help="wrk seconds per cell (profile's default)")
    parser.add_argument("--rounds", type=int, help="rounds of cells (profile's default)")
    parser.add_argument("--report", help="print the report of a JSON file written earlier")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--cold-repeats", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--writers", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--page-cache",
        choices=["on", "off"],
        default="on",
        help="the anonymous page cache in the in-process step (on: what readers get)",
    )
    args = parser.parse_args()

    if args.inner:
        modes = {
            "prepare": lambda: inner_prepare(args.db, args.writers),
            "pages": lambda: inner_pages(
                args.db, args.repeats, args.cold_repeats, args.page_cache == "on"
            ),
            "posting": lambda: inner_posting(args.db, args.repeats),
            "tidy": lambda: inner_tidy(args.db),
        }
        print(json.dumps(modes[args.inner]()))
        return

    if args.report:
        results = json.loads(Path(args.report).read_text())
        if results.get("format") != FORMAT:
            raise SystemExit(
                f"{args.report} was written by an earlier version of this script; its report "
                "is the .md file written beside it"
            )
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
    env = Env(
        profile=profile,
        pg=args.pg,
        redis=args.redis,
        port=args.port,
        out_dir=out_dir,
        web_worker_class=args.web_worker_class,
        web_threads=int(os.environ.get("WEB_THREADS") or cluster_default("WEB_THREADS", "4")),
    )
    started = time.monotonic()
    log(f"bench ({profile.name}): databases")
    ensure_database(env, profile.small_db, profile.small_practices)
    ensure_database(env, profile.large_db, profile.large_practices)

    results: dict[str, Any] = {
        "format": FORMAT,
        "profile": profile.__dict__,
        "topology": {
            "workers": env.workers,
            "web_worker_class": env.web_worker_class,
            "web_threads": env.web_threads,
            "socket_workers": env.socket_workers,
        },
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg()},
    }
    if not args.only_http:
        log("queries and server time per page, warm and cold, in-process")
        runs: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
        knobs = ["--repeats", str(profile.inproc_repeats), "--cold-repeats"]
        knobs += [str(profile.cold_repeats), "--page-cache", args.page_cache]
        for _ in range(profile.inproc_runs):
            for size, db in (("small", profile.small_db), ("large", profile.large_db)):
                runs[size].append(run_inner(env, "pages", db, *knobs))
        results["pages_small"] = lowest_medians(runs["small"])
        results["pages_large"] = lowest_medians(runs["large"])
    prepared = run_inner(env, "prepare", profile.large_db, "--writers", str(profile.writers))
    results["urls"] = prepared["urls"]
    results["write_targets"] = {
        "practices": [target["pk"] for target in prepared["write_targets"]],
        "tag_of_new_practices": prepared["write_tag"],
        "measured_tag": prepared["measured_tag"],
        "writers": len(prepared["writers"]),
    }

    log(
        f"the cluster: nginx on 127.0.0.1:{env.port} (pages on {env.workers} gunicorn "
        f"{env.web_worker_class} workers, /ws/ on {env.socket_workers} uvicorn processes), "
        f"all-ASGI on {env.asgi_port}; the floors on {env.floor_wsgi_port} and "
        f"{env.floor_asgi_port}"
    )
    db_url = env.db_url(profile.large_db)
    try:
        with Cluster(env, profile.large_db) as cluster, Floors(env) as floors:
            results["http"] = http_phase(env, prepared, cluster, floors, db_url)
            if not args.only_http:
                log("does a write show on the next response")
                results["visibility"] = visibility_phase(env, prepared)
                # Idle sockets first: after the fan-out has held a thousand sockets, the
                # processes keep that memory, and new sockets would seem to cost none.
                log("idle sockets")
                results["idle"] = asyncio.run(idle_phase(env, prepared, cluster.socket_pids()))
                log("live fan-out")
                results["live"] = asyncio.run(live_phase(env, prepared, cluster.socket_pids()))
    finally:
        results["tidy"] = run_inner(env, "tidy", profile.large_db)
    if args.only_http:
        results["seconds"] = time.monotonic() - started
        write_results(out_dir, results, f"http-{profile.name}")
        return
    log("posting cost")
    results["posting"] = run_inner(
        env, "posting", profile.large_db, "--repeats", str(profile.posting_repeats)
    )
    results["seconds"] = time.monotonic() - started
    write_results(out_dir, results, profile.name)
    missed = sum(1 for line in results["budget"] if not line["ok"])
    log(
        f"done in {results['seconds']:.0f} s: {len(results['budget']) - missed} budget lines "
        f"met, {missed} missed; {out_dir}/latest-{profile.name}.json"
    )


if __name__ == "__main__":
    main()
