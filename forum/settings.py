"""Settings for the practice exchange.

Everything comes from the environment, with defaults that need nothing installed:
SQLite under var/, the in-memory channel layer, the local-memory cache and console e-mail.
DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


# --- Core ---------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
MISSING_SECRET_KEY_MESSAGE = (
    "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for development."
)
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105
# With DEBUG off and no key, commands that sign nothing (check, makemigrations) still run;
# serving refuses to start (forum/asgi.py), and Django refuses anything that would sign.

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_ID = 1
SITE_NAME = os.environ.get("SITE_NAME", "Practice Exchange")
ROOT_URLCONF = "forum.urls"
ASGI_APPLICATION = "forum.asgi.application"
WSGI_APPLICATION = "forum.wsgi.application"

# --- Applications -------------------------------------------------------------------------
DJANGO_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "channels",
    "allauth",
    "allauth.account",
    "taggit",
    "django_countries",
    "django_filters",
]
LOCAL_APPS = [
    "accounts",
    "practices",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # Outermost: a stored page for an anonymous reader skips everything below.
    "practices.caching.pages.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum.context_processors.site",
                "forum.context_processors.chrome",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    }
    # A pool of open connections per process (psycopg-pool): each request borrows one
    # instead of opening its own, which costs more than a kept page's whole query.
    # DB_POOL_MAX=0 turns it off (then DB_CONN_MAX_AGE applies); see docs/deployment.md.
    DB_POOL_MAX = env_int("DB_POOL_MAX", 10)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env_int("DB_POOL_MIN", 2), DB_POOL_MAX),
            "max_size": DB_POOL_MAX,
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # A file-based test database, so that live-server tests share it across threads.
            "TEST": {"NAME": str(VAR_DIR / "test-db.sqlite3")},
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "exchange"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": os.environ.get(
                "CHANNEL_LAYER_BACKEND", "channels_redis.pubsub.RedisPubSubChannelLayer"
            ),
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANNEL_PREFIX", "exchange"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Sessions are read from the cache and written through to the database: a member's request
# costs no session query while the cache holds it, and emptying the cache logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts (django-allauth) -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# allauth's backend (e-mail and password), reading the member of a session from the cache
# (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.MemberBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "exchange@localhost")
# Used by the file-based backend (django.core.mail.backends.filebased.EmailBackend) only.
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC_STORAGE")
            else "forum.storage.StaticStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
# The interface's languages, each named in itself for the switcher. A member's choice is kept
# on their account (accounts.middleware); a visitor's in the language cookie, else the
# browser's Accept-Language.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["forum.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- The exchange -------------------------------------------------------------------------
PRACTICE_IMAGE_MAX_BYTES = env_int("PRACTICE_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
PRACTICES_PER_PAGE = env_int("PRACTICES_PER_PAGE", 20)
# The list counts at most this many matches; past it the page says "more than N".
PRACTICE_COUNT_CAP = env_int("PRACTICE_COUNT_CAP", 10_000)
# How long the list's match count and facet counts are cached (0 turns the cache off).
PRACTICE_LISTING_CACHE_SECONDS = env_int("PRACTICE_LISTING_CACHE_SECONDS", 60)
# Whole pages for visitors, dropped by the writes that change them (practices/caching/pages.py,
# docs/caching.md); 0: off.
ANON_PAGE_CACHE_SECONDS = env_int("ANON_PAGE_CACHE_SECONDS", 300)
COMMENT_EDIT_WINDOW_SECONDS = env_int("COMMENT_EDIT_WINDOW_SECONDS", 30 * 60)
COMMENT_MAX_LENGTH = env_int("COMMENT_MAX_LENGTH", 10_000)
# Posting limit per member, over HTTP and the socket alike: N posts per window.
POST_RATE_LIMIT = env_int("POST_RATE_LIMIT", 6)
POST_RATE_WINDOW_SECONDS = env_int("POST_RATE_WINDOW_SECONDS", 60)
WEBSOCKET_MAX_FRAME_BYTES = env_int("WEBSOCKET_MAX_FRAME_BYTES", 64 * 1024)

# --- Moderation ---------------------------------------------------------------------------
# A new member's first practice waits for a moderator's approval before it is public.
PRACTICE_APPROVAL_FIRST = env_bool("PRACTICE_APPROVAL_FIRST", True)

# --- Benchmark ----------------------------------------------------------------------------
# The bare view and the floor consumer that scripts/bench.py measures against; off: 404.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# --- Notifications and their e-mail ---------------------------------------------------------
# Links in e-mails are absolute: the address members reach the site at, without a slash.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long the unsubscribe link in an e-mail keeps working.
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env_int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", 60)
# How long the one-click answers in a check-in e-mail keep working.
CHECKIN_LINK_MAX_AGE_DAYS = env_int("CHECKIN_LINK_MAX_AGE_DAYS", 90)
# Notifications older than this are not e-mailed one by one any more (the digest has them).
NOTIFICATION_EMAIL_MAX_AGE_HOURS = env_int("NOTIFICATION_EMAIL_MAX_AGE_HOURS", 24)

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
    },
}
