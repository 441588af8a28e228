"""Settings come from the environment. Each case imports forum.settings in a fresh interpreter
with a clean environment, so nothing from the test run leaks in."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json
from forum import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "port": db.get("PORT", ""), "user": db.get("USER", ""),
    "conn_max_age": db.get("CONN_MAX_AGE", 0), "pool": db.get("OPTIONS", {}).get("pool"),
    "cache": s.CACHES["default"]["BACKEND"], "cache_location": s.CACHES["default"].get("LOCATION"),
    "layer": s.CHANNEL_LAYERS["default"]["BACKEND"],
    "layer_hosts": s.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "debug": s.DEBUG, "secret_key": s.SECRET_KEY, "allowed_hosts": s.ALLOWED_HOSTS,
}))
"""


def _run(env: dict[str, str], code: str = PRINT_SETTINGS) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(BASE_DIR)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(env: dict[str, str]) -> dict:
    result = _run(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_debug_a_missing_secret_key_stops_the_server_with_a_clear_message(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "forum.settings"}
    result = _run(env, "import forum.asgi")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_without_a_secret_key_commands_that_sign_nothing_still_run(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    for command in (["check"], ["makemigrations", "--check", "--dry-run"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr


def test_debug_without_secret_key_uses_a_development_key(tmp_path):
    found = _settings({"DEBUG": "1", "VAR_DIR": str(tmp_path)})
    assert found["debug"] is True
    assert found["secret_key"] == "development-only-insecure-key"


def test_defaults_need_nothing_installed(tmp_path):
    found = _settings({"SECRET_KEY": "k", "VAR_DIR": str(tmp_path)})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "db.sqlite3")
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["debug"] is False


def test_database_url_switches_to_postgresql_with_a_connection_pool(tmp_path):
    found = _settings(
        {
            "SECRET_KEY": "k",
            "VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://exchange:pw@db.internal:6543/exchange",
            "DB_POOL_MAX": "16",
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert (found["name"], found["host"], found["port"], found["user"]) == (
        "exchange",
        "db.internal",
        6543,
        "exchange",
    )
    # A pooled connection is handed back at the end of every request.
    assert found["pool"] == {"min_size": 2, "max_size": 16, "timeout": 10}
    assert found["conn_max_age"] == 0
    # No SQLite file is created when PostgreSQL is configured.
    assert not (tmp_path / "db.sqlite3").exists()


def test_without_the_pool_connections_are_kept_for_db_conn_max_age(tmp_path):
    found = _settings(
        {
            "SECRET_KEY": "k",
            "VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://exchange:pw@db.internal:6543/exchange",
            "DB_POOL_MAX": "0",
            "DB_CONN_MAX_AGE": "60",
        }
    )
    assert found["pool"] is None
    assert found["conn_max_age"] == 60


def test_redis_url_switches_cache_and_channel_layer(tmp_path):
    found = _settings(
        {"SECRET_KEY": "k", "VAR_DIR": str(tmp_path), "REDIS_URL": "redis://cache.internal:6380/2"}
    )
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache_location"] == "redis://cache.internal:6380/2"
    assert found["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert found["layer_hosts"] == ["redis://cache.internal:6380/2"]
    # The database stays on the default until DATABASE_URL is set as well.
    assert found["engine"] == "django.db.backends.sqlite3"


def test_allowed_hosts_come_from_a_comma_separated_list(tmp_path):
    found = _settings(
        {
            "SECRET_KEY": "k",
            "VAR_DIR": str(tmp_path),
            "ALLOWED_HOSTS": " exchange.example , b.example",
        }
    )
    assert found["allowed_hosts"] == ["exchange.example", "b.example"]


def test_every_environment_variable_is_documented_in_the_readme():
    source = (BASE_DIR / "forum" / "settings.py").read_text()
    names = set(
        re.findall(r'(?:os\.environ\.get|env_bool|env_int|env_list)\(\s*"([A-Z_]+)"', source)
    )
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CHANNEL_LAYER_BACKEND"} <= names
    readme = (BASE_DIR / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document {missing}"
