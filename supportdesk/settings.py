"""SupportDesk settings, read from the environment at start-up.

Embedded default: SQLite (WAL) in ``$SUPPORTDESK_DATA_DIR`` (``./var``), Celery on a
broker kept on local disk. Scale-out: ``DATABASE_URL=postgres://...`` and
``CELERY_BROKER_URL=redis://...``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from supportdesk.lib.client_ip import parse_networks
from supportdesk.lib.env import data_dir, env_bool, env_int, env_list, env_str, env_url, parse_database_url
from supportdesk.lib.secret_key import secret_key_ensure, secret_key_read

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()
os.makedirs(DATA_DIR, exist_ok=True)

DEBUG = env_bool("SUPPORTDESK_DEBUG", False)
# Development (SUPPORTDESK_DEV=1, `supportdesk run`, tests) relaxes what production insists on.
DEVELOPMENT = DEBUG or env_bool("SUPPORTDESK_DEV", False)
# The environment, else $DATA_DIR/secret_key (see lib/secret_key.py). The development mode
# generates the file when there is none; otherwise the processes that start SupportDesk
# (wsgi.py, cli.py) do, and commands that serve no web requests run with no key at all:
# Django refuses an empty SECRET_KEY the moment anything reads it.
if DEVELOPMENT:
    SECRET_KEY = secret_key_ensure(data_dir=DATA_DIR)
else:
    SECRET_KEY = secret_key_read(data_dir=DATA_DIR)

ALLOWED_HOSTS = env_list("SUPPORTDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SUPPORTDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "supportdesk.policy",
    "supportdesk.audit",
    "supportdesk.accounts",
    "supportdesk.catalog",
    "supportdesk.customers",
    "supportdesk.outbox",
    "supportdesk.tickets",
    "supportdesk.mail",
    "supportdesk.replies",
    "supportdesk.phone",
    "supportdesk.kb",
    "supportdesk.portal",
    "supportdesk.releases",
    "supportdesk.search",
    "supportdesk.escalation",
    "supportdesk.presence",
    "supportdesk.notifications",
    "supportdesk.companies",
    "supportdesk.privacy",
    "supportdesk.reports",
    "supportdesk.webhooks",
    "supportdesk.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First, so that it sees every other middleware's response: a GET whose database connection
    # was lost (a restart) runs once more; a database outage is a 503 "retry", never a 500.
    "supportdesk.lib.db_outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files answered before sessions, CSP and the rest: compressed, cache-busted names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "supportdesk.lib.middleware.ExplicitLanguageMiddleware",
    "supportdesk.policy.middleware.OfficeTimeMiddleware",
    "supportdesk.lib.input_guard.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportdesk.audit.context.AuditActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "supportdesk.accounts.middleware.TwoFactorMiddleware",
    "supportdesk.lib.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "supportdesk.urls"
WSGI_APPLICATION = "supportdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [*([Path(env_str("SUPPORTDESK_TEMPLATE_DIR"))] if env_str("SUPPORTDESK_TEMPLATE_DIR") else []), PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "supportdesk.policy.context_processors.policy",
                "supportdesk.accounts.context_processors.roles",
                "supportdesk.notifications.context_processors.bell",
            ],
        },
    },
]

_db = parse_database_url(
    env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'supportdesk.sqlite3'}", base_dir=Path.cwd()
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL lets readers work while the intake writes; IMMEDIATE avoids
        # "database is locked" on read-then-write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **_db.get("OPTIONS", {}),
    }
    # Tests use a file, as production does, not SQLite's shared in-memory database: there a
    # live-server test's request thread shares the test thread's connection object, and a request
    # in flight when the test ends left the next test inside its transaction (CI, stop 29).
    # pytest-django adds _gw0, _gw1, ... per xdist worker; the file is removed after the run.
    _db["TEST"] = {"NAME": env_str("SUPPORTDESK_TEST_SQLITE", "") or str(DATA_DIR / "test.sqlite3")}
else:
    _db["CONN_MAX_AGE"] = env_int("SUPPORTDESK_CONN_MAX_AGE", 60)
    # A kept connection is checked before a request uses it: after a database restart the first
    # request reconnects instead of failing with 500 (found by bench/topology.py). A connection
    # lost during a request: supportdesk.lib.db_outage.
    _db["CONN_HEALTH_CHECKS"] = True
    # A server that takes the connection but never answers (a host gone behind a firewall, a hung
    # server) must not hold a request, a delivery or a retry (lib.db_retry) past its budget: libpq
    # gives up after this many seconds. A connect_timeout in DATABASE_URL's query string wins.
    # Parameters travel apart from the SQL (server-side binding), so a statement the process runs
    # again and again (every mail runs the same dozen) is prepared once per connection after
    # SUPPORTDESK_DB_PREPARE_THRESHOLD runs and is then neither quoted by psycopg nor parsed and
    # rewritten by PostgreSQL again. Each call is still planned for its own values
    # (plan_cache_mode=force_custom_plan): the generic plan PostgreSQL would otherwise switch to
    # cannot see a LIMIT or a rare value, and made the saved views' counts 2.6x slower in
    # bench/b2_workspace.py. 0 turns preparing off (a pooler in transaction mode that cannot keep
    # prepared statements, or refuses the "options" startup parameter: PgBouncer). A migration that
    # changes a column's type under a running process's prepared statements: lib.db_prepared.
    _prepare = env_int("SUPPORTDESK_DB_PREPARE_THRESHOLD", 5)
    _db["OPTIONS"] = {"connect_timeout": env_int("SUPPORTDESK_DB_CONNECT_TIMEOUT", 5), "server_side_binding": True,
                      **({"prepare_threshold": _prepare, "options": "-c plan_cache_mode=force_custom_plan"}
                         if _prepare > 0 else {"prepare_threshold": None}),
                      **_db.get("OPTIONS", {})}
DATABASES: dict[str, dict[str, Any]] = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
# The project package is not an app, so its static folder is named here.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("SUPPORTDESK_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "supportdesk.lib.static.StaticStorage"},
}
# Files not collected yet (tests, `run --dev`) come from the package; collected, hashed ones are
# served with a one-year immutable Cache-Control, the rest for a minute.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
ATTACHMENT_ROOT = Path(env_str("SUPPORTDESK_ATTACHMENT_DIR", str(DATA_DIR / "attachments")))
# Attachments in an S3-compatible bucket instead of ATTACHMENT_ROOT (django-storages); the keys come
# from the environment as boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), TLS verified.
S3_BUCKET = env_str("SUPPORTDESK_S3_BUCKET", "")
S3_ENDPOINT_URL = env_str("SUPPORTDESK_S3_ENDPOINT_URL", "")
S3_REGION = env_str("SUPPORTDESK_S3_REGION", "")
S3_PREFIX = env_str("SUPPORTDESK_S3_PREFIX", "attachments")
S3_CA_FILE = env_str("SUPPORTDESK_S3_CA_FILE", "")
# How often an open ticket page tells the server its agent is still there (the presence strip).
PRESENCE_POLL_SECONDS = env_int("SUPPORTDESK_PRESENCE_POLL_SECONDS", 3)
# A mail whose processing failed for a moment (disk full, database restarting) is tried again
# this long after it arrived, by the stale-mail job (also the wait for one a dead process left).
INBOUND_RETRY_SECONDS = env_int("SUPPORTDESK_INBOUND_RETRY_SECONDS", 300)
# The scheduled backup (supportdesk/backups.py): off unless a folder is named.
BACKUP_DIR = env_str("SUPPORTDESK_BACKUP_DIR", "")
BACKUP_KEEP = env_int("SUPPORTDESK_BACKUP_KEEP", 7)
BACKUP_HOUR = env_int("SUPPORTDESK_BACKUP_HOUR", 3)  # office time; the first run after it makes the day's backup

SUPPORTDESK_POLICY_FILE = env_str("SUPPORTDESK_POLICY", "")
# The public address of this installation, for links in mail (wins over the policy's base_url).
PUBLIC_URL = env_url("SUPPORTDESK_PUBLIC_URL")
# Larger mail is refused at SMTP/LMTP DATA with 552.
SUPPORTDESK_MAX_MAIL_BYTES = env_int("SUPPORTDESK_MAX_MAIL_BYTES", 25 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production is reached over https only (SUPPORTDESK_PUBLIC_URL must be one): cookies go over
# TLS only, browsers are told to use https for a year (HSTS) and plain http is redirected.
# The embedded development mode serves plain http on 127.0.0.1, so none of this applies there.
SESSION_COOKIE_SECURE = env_bool("SUPPORTDESK_SECURE_COOKIES", not DEVELOPMENT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 0 if DEVELOPMENT else env_int("SUPPORTDESK_HSTS_SECONDS", 365 * 24 * 3600)
# Sibling hosts of the vendor's domain are not ours to force onto https (nor the domain into
# browsers' preload lists), so both are opt-in and their deploy-check warnings silenced.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SUPPORTDESK_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SUPPORTDESK_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]) + (
    [] if SECURE_HSTS_PRELOAD else ["security.W021"])
SECURE_SSL_REDIRECT = env_bool("SUPPORTDESK_SSL_REDIRECT", not DEVELOPMENT)
# Behind a TLS-terminating proxy (SUPPORTDESK_TRUSTED_PROXIES): it says the scheme in
# X-Forwarded-Proto, which SecurityMiddleware then believes (the redirect, Secure cookies).
if env_list("SUPPORTDESK_TRUSTED_PROXIES", []):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every response: scripts only from our own static
# files (no inline scripts, no eval: htmx runs with allowEval off, see base.html), nothing
# framed, forms posted only here. Styles allow inline style attributes (see the report in
# issue 19: layout attributes in templates and Django admin widgets); sanitised mail HTML
# keeps no style at all (lib/html.py), so no mail can restyle the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Outgoing mail: the outbox worker sends through this SMTP server.
SMTP_HOST = env_str("SUPPORTDESK_SMTP_HOST", "127.0.0.1")
SMTP_PORT = env_int("SUPPORTDESK_SMTP_PORT", 25)
SMTP_USER = env_str("SUPPORTDESK_SMTP_USER", "")
SMTP_PASSWORD = env_str("SUPPORTDESK_SMTP_PASSWORD", "")
SMTP_STARTTLS = env_bool("SUPPORTDESK_SMTP_STARTTLS", False)
# STARTTLS verifies the server certificate: the system CA store, or only this CA file.
SMTP_CA_FILE = env_str("SUPPORTDESK_SMTP_CA_FILE", "")
SMTP_TIMEOUT = env_int("SUPPORTDESK_SMTP_TIMEOUT", 20)
# A mail being sent by a process that died is sent again (same Message-ID) once its claim is this
# old: keep it well above a slow SMTP conversation (several SMTP_TIMEOUTs).
OUTBOX_CLAIM_SECONDS = env_int("SUPPORTDESK_OUTBOX_CLAIM_SECONDS", 300)
DKIM_SELECTOR = env_str("SUPPORTDESK_DKIM_SELECTOR", "")
DKIM_DOMAIN = env_str("SUPPORTDESK_DKIM_DOMAIN", "")
DKIM_PRIVATE_KEY_FILE = env_str("SUPPORTDESK_DKIM_KEY_FILE", "")
# The name given in EHLO; empty: this host's fully qualified name (socket.getfqdn()).
SMTP_HELO = env_str("SUPPORTDESK_SMTP_HELO", "")
# The right-hand side of our Message-IDs; empty: the domain of the support address (policy).
MAIL_MESSAGE_ID_DOMAIN = env_str("SUPPORTDESK_MESSAGE_ID_DOMAIN", "")
# The authserv-ids of our own receiving MTAs: only their Authentication-Results headers are
# believed (anyone can write one); without them no sender counts as authenticated.
MAIL_AUTHSERV_IDS = env_list("SUPPORTDESK_AUTHSERV_IDS", [])

# Celery: the embedded default keeps its broker on local disk (no server).
CELERY_FS_DIR = DATA_DIR / "celery"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Outgoing webhooks: targets in private, loopback or link-local networks are refused (SSRF)
# unless one of these networks holds them (e.g. "10.0.5.0/24" for an integration on the LAN).
WEBHOOK_ALLOWED_NETWORKS = parse_networks(env_list("SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS", []),
                                          setting="SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS")
WEBHOOK_TIMEOUT = env_int("SUPPORTDESK_WEBHOOK_TIMEOUT", 10)  # seconds per connect/read
WEBHOOK_CA_FILE = env_str("SUPPORTDESK_WEBHOOK_CA_FILE", "")  # empty: the system's CA store

# ---- Client addresses, login lockout, rate limits (issue 19) ----------------------------------
# Behind a reverse proxy: the proxies' addresses or networks. A request from one of them is
# keyed by the client address the proxy appended to X-Forwarded-For (lib/client_ip.py).
TRUSTED_PROXIES = parse_networks(env_list("SUPPORTDESK_TRUSTED_PROXIES", []))
# The shared cache holds rate-limit counters for every web process: the database in the
# embedded mode (table created by `migrate`), Redis when scaled out.
_redis_cache = env_str("SUPPORTDESK_REDIS_CACHE")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_cache}
    if _redis_cache
    # Room for every client's counters: culling at the default 300 entries would let many
    # addresses (an IPv6 block) evict, and so reset, their own counters.
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "supportdesk_cache",
          "OPTIONS": {"MAX_ENTRIES": env_int("SUPPORTDESK_CACHE_MAX_ENTRIES", 200_000)}}
}
# django-axes: failed logins on /login/ and /admin/login/ are rows in the database, so the
# lockout holds across web processes. Keyed by user name and client address together: a
# guesser is stopped, and nobody can lock an agent out from the agent's own address.
AUTHENTICATION_BACKENDS = ["supportdesk.accounts.backends.LoginLockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("SUPPORTDESK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SUPPORTDESK_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "supportdesk.lib.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "supportdesk.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "supportdesk.accounts.lockout.login_username"
AXES_VERBOSE = False
# django-otp (two-factor sign-in): the name authenticator apps show; each wrong code doubles
# the wait before the device takes another (1, 2, 4, ... seconds).
OTP_TOTP_ISSUER = "SupportDesk"
OTP_TOTP_THROTTLE_FACTOR = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SUPPORTDESK_LOG_LEVEL", "WARNING")},
}


# ---- REST API (issue 21): /api/v1/, tokens per integration, one JSON error shape -------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "supportdesk.api.auth.TokenAuthentication",
        # The docs page's "Try it out" for a signed-in agent; DRF enforces CSRF on it.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["supportdesk.api.auth.ScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["supportdesk.api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "supportdesk.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SupportDesk API",
    "DESCRIPTION": "Tickets, replies and notes, calls, customers and companies, the knowledge base, releases and "
                   "reports. Authenticate with `Authorization: Bearer sdk_…` (a token an administrator issued); "
                   "errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`, the message in the "
                   "Accept-Language (ru by default, en).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "supportdesk.api.schema.add_error_responses",
        "supportdesk.api.schema.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "supportdesk.tickets.models.Status",
        "TicketPriorityEnum": "supportdesk.tickets.models.Priority",
        "ReleaseStatusEnum": "supportdesk.catalog.models.Release.Status",
    },
}
