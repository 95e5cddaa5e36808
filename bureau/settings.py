"""Settings, all from the environment.

DATABASE_URL  PostgreSQL URL (postgres://user:pass@host:5432/db). Unset: SQLite file db.sqlite3.
REDIS_URL     Redis URL for Celery. Unset: tasks run in-process (CELERY_TASK_ALWAYS_EAGER).
SECRET_KEY    required unless DEBUG is on.
DEBUG         "1"/"true" for development. Default off.
ALLOWED_HOSTS comma-separated. Default "localhost,127.0.0.1" (plus "*" when DEBUG).
Login, session and HTTPS settings: see the README's configuration table.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name} must be an integer >= {minimum}, got {value!r}")
    return number


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()
]
if DEBUG:
    ALLOWED_HOSTS.append("*")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "reports",  # first: its templates override the admin's (admin/search_form.html)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
]

MIDDLEWARE = [
    "reports.middleware.ContentSecurityPolicyMiddleware",  # first: every response, static files too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "reports.middleware.AuditContextMiddleware",
    "reports.middleware.AfterResponseMiddleware",  # work a service left for after the response
    "reports.middleware.SessionActivityMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into our Chinese login page
]

ROOT_URLCONF = "bureau.urls"
WSGI_APPLICATION = "bureau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every page is in Chinese whatever the browser asks for: no LocaleMiddleware, so LANGUAGE_CODE is
# the one language. locale/ fills the strings Django's own zh_Hans catalogs leave untranslated.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

CSRF_FAILURE_VIEW = "reports.views.common.csrf_failure"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account, or
# LOGIN_ADDRESS_FAILURE_LIMIT from one client address, that account / address is refused for
# LOGIN_LOCKOUT_MINUTES. Attempts
# during the lock-out are refused unrecorded: a flood against a locked account costs no password
# hashing and no write, and the lock-out ends on time. A bureau admin unlocks a user in the admin
# (action “解除登录锁定”); `python manage.py axes_reset_ip ADDRESS` unlocks an address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    "reports.auth.MemberBackend",  # ModelBackend whose get_user loads the membership with the user
]
AXES_ENABLED = env_bool("LOGIN_THROTTLING", True)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)  # per account
# Per client address: higher, because a whole office shares one (reports/throttling.py).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_FAILURE_LIMIT = "reports.throttling.failure_limit"
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks: by account and by address
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "reports.middleware.client_ip"  # the same address the audit log records
AXES_LOCKOUT_CALLABLE = "reports.views.common.login_locked_out"
AXES_ENABLE_ADMIN = False  # its pages are English and not bureau-scoped; the user admin unlocks
AXES_DISABLE_ACCESS_LOG = True  # successful logins need no second log; failures are what we count
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 8, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A session ends when the browser closes, or after SESSION_IDLE_HOURS without a request the user
# made (SessionActivityMiddleware extends it on every request except background polling).
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 8, minimum=1) * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "report_list"
LOGOUT_REDIRECT_URL = "login"

# Upload limits (Django layer). The import views and parsers add their own.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 5  # every upload form takes one file; the views say so in Chinese

# Celery. Export tasks are bounded: the hard limit is below Redis's visibility timeout,
# so a task held by a dead worker is redelivered only after it certainly stopped.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# With Redis, the cache is Redis and sessions are read from it (cached_db: written to the database
# too, read from the database when Redis misses), one statement less per request. The backend
# answers a Redis error as a miss (bureau/cache.py): an outage costs speed, never a request. Without
# Redis (the embedded mode) the local-memory cache and database sessions stay.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "bureau.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bureau",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A request that queues an export must not hang on a dead Redis: give up quickly and say so.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# CELERY_QUEUE names the queue (default "bureau"). Parallel test processes (pytest-xdist) share one
# Redis: each gets its own queue, so one process's worker never takes (or purges) another's tasks.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE") or (
    f"bureau-{_XDIST_WORKER}" if _XDIST_WORKER else "bureau"
)

# Layout options for the Word renderer (docs/layout.md §10).
DOCX_LAYOUT = {
    "h2_bold": env_bool("DOCX_H2_BOLD"),
    "h3_bold": env_bool("DOCX_H3_BOLD"),
}

# Behind an HTTPS reverse proxy that sets X-Forwarded-Proto.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY")
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many proxies in front of the app append to X-Forwarded-For (the audit log's 来源地址 is the
# address the outermost one saw: reports.middleware.client_ip). 0: ignore the header.
_proxies = os.environ.get("TRUSTED_PROXY_COUNT", "") or "1"
if not (_proxies.isascii() and _proxies.isdigit()):
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be a whole number ≥ 0, got {_proxies!r}")
TRUSTED_PROXY_COUNT = int(_proxies)

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)

# HTTPS only once the deployment says it is served over HTTPS (a plain-HTTP intranet install keeps
# working): redirect http:// to https:// and send HSTS. The app usually has a host of its own, so
# includeSubDomains covers nothing else; "preload" is inert unless the domain's owner submits it.
_HTTPS = not DEBUG and (BEHIND_HTTPS_PROXY or env_bool("SECURE_COOKIES"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy on every response (ContentSecurityPolicyMiddleware): only our own static
# files run or style the page (htmx is vendored, no inline script, style or on* handler, htmx eval
# off in base.html), no framing, forms post only to us.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
