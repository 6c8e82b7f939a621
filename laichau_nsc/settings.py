"""Settings: one file, every deployment difference comes from the environment.

Development (``make run``): ``DEBUG=1``, SQLite, Celery tasks inline.
Production: ``DEBUG`` unset, ``SECRET_KEY``, ``DATABASE_URL``, ``CELERY_BROKER_URL``,
``ALLOWED_HOSTS`` … as listed in README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# pytest (>= 8.2) announces itself; the suite gets a throw-away key and fast hashing.
TESTING = "PYTEST_VERSION" in os.environ

_DEV_SECRET_KEY = "django-insecure-dev-only-never-in-production"
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
INTERNAL_IPS = ["127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    # Not "rest_framework": installed, its Vietnamese catalogue would replace Django's own
    # messages on the pages ("Nhập địa chỉ email." → "Nhập một địa chỉ email hợp lệ."). The API
    # renders JSON only and needs none of its templates; its messages are ours (api/).
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "laichau_nsc",
    "enterprises",
    "standards",
    "programs",
    "imports",
]

MIDDLEWARE = [
    # The header-setting middlewares come first, so that they wrap every other one: a response
    # made by a middleware (a 400 for a bad Host, a redirect, an axes lockout, a 500 page)
    # passes back through them and carries the security headers too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "laichau_nsc.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside MessageMiddleware: tells the user about work saved but not yet queued.
    "laichau_nsc.middleware.JobNoticeMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "laichau_nsc.urls"
WSGI_APPLICATION = "laichau_nsc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "laichau_nsc.context_processors.portal",
            ],
        },
    },
]

# Django's form renderer, with <input> widgets drawn in Python (laichau_nsc/forms_renderer.py).
FORM_RENDERER = "laichau_nsc.forms_renderer.PortalFormRenderer"

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # SQLite: wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------


def cache_backend(env: environ.Env) -> dict:
    """``CACHE_URL``'s cache; Redis with one client per connection pool (laichau_nsc.cache)."""
    backend = env.cache("CACHE_URL", default="locmemcache://")
    if backend["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        backend["BACKEND"] = "laichau_nsc.cache.RedisCache"
    return backend


CACHES = {"default": cache_backend(env)}
# Sessions are read on every signed-in request: from the cache when every web process shares it
# (Redis), with the database behind it (a cache flush signs nobody out). A per-process cache
# cannot hold them: a session ended (logout) in one process would live on in the others.
SHARED_CACHE = CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] not in ("LocMemCache", "DummyCache")
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if SHARED_CACHE else "db")

# --- Authentication ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the roles read with the user (one query a request).
    "laichau_nsc.backends.PortalModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling: five wrong passwords for one username from one address lock it for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=not TESTING)
# Reverse proxies in front of the portal that append to X-Forwarded-For: the client's address is
# read from there (laichau_nsc/client.py), for axes, rate limits and logs alike. Without this
# every visitor behind the proxy would share its address (and one lockout). AXES_PROXY_COUNT is
# the variable's older name.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "laichau_nsc.client.client_ip"

# --- Internationalisation ---------------------------------------------------------------------
# Source strings are Vietnamese: the default language never depends on a compiled catalogue.
# English lives in locale/en, compiled by scripts/compile_messages.py (pure Python, no gettext).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["laichau_nsc.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the static root and are served only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and development run without collectstatic; WhiteNoise need not warn about it.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Scans and dossiers (laichau_nsc/files.py): at most this many bytes, and images of at most this
# many pixels (an A4 page scanned at 600 dpi is 35 million), so a decompression bomb is refused
# before it is decoded.
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_UPLOAD_MAX_PIXELS = env.int("PORTAL_UPLOAD_MAX_PIXELS", default=50_000_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="NSC Lai Châu <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that accepts the connection and then hangs must not hold a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
ADMINS = [("Quản trị", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Security ---------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_FAILURE_VIEW = "laichau_nsc.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Celery -----------------------------------------------------------------------------------
# Without a broker every task runs inline in the caller (development, SQLite demo, plain tests).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    # Celery still opens a (never used) connection for an inline task; an in-memory one with a
    # host name, or kombu logs "No hostname was supplied" on the first export of each process.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
# Job state lives in our own rows (laichau_nsc/jobs.py); Celery's result store is not needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A message whose worker died is delivered again (acks_late + reject_on_worker_lost); the job's
# lease decides whether the new delivery runs it, so a redelivery is never a second run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Jobs hold a lease on their row, renewed every third of JOB_LEASE_SECONDS while they run. A job
# whose worker died is taken over once its lease lapses: at once by a redelivered message on the
# same host, otherwise by the sweep (celery beat, every minute).
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=60)
# A queued job the broker took but no worker started is sent again after this long.
JOB_REDISPATCH_SECONDS = env.int("JOB_REDISPATCH_SECONDS", default=600)
# Redis gives an unacknowledged message to another worker after the visibility timeout (when the
# whole worker was killed). The lease makes that redelivery harmless while the job runs, and the
# sweep does not wait for it; 15 minutes only bounds how long an orphaned message lingers. It must
# exceed the longest countdown of a task (we schedule none).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60),
    # A broker that does not answer must not hold a web request for long: the job stays
    # pending in the database and the sweep sends it later.
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_SOFT_TIME_LIMIT = 50 * 60
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Third-party UI -------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- REST API (laichau_nsc/api/) ----------------------------------------------------------------
# Token (our own hashed keys, laichau_nsc.api.authentication) or the portal's session with CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "laichau_nsc.api.authentication.ApiTokenAuthentication",
        "laichau_nsc.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["laichau_nsc.api.permissions.PortalRolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["laichau_nsc.api.filters.PortalFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "laichau_nsc.api.pagination.PortalPageNumberPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["laichau_nsc.api.throttling.PortalApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": env("API_THROTTLE_RATE", default="600/min"),
        "api_anon": env("API_ANON_THROTTLE_RATE", default="60/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "laichau_nsc.api.exceptions.api_exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # ?format=csv is ours (laichau_nsc.api.exports), not DRF's
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API cổng NSC Lai Châu",
    "DESCRIPTION": (
        "API của cổng NSC Lai Châu. Xác thực bằng khóa API (tiêu đề `Authorization: Token "
        "nsc_…`, tạo bằng `manage.py api_token`) hoặc phiên đăng nhập của cổng (gửi kèm "
        "`X-CSRFToken` khi ghi). Mỗi người chỉ thấy các bản ghi trong phạm vi của mình. Lỗi "
        'luôn có dạng `{"error": {"code": …, "message": …, "fields": {…}}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseStatusEnum": "enterprises.choices.EnterpriseStatus",
        "AdoptionStatusEnum": "standards.choices.AdoptionStatus",
        "StandardKindEnum": "standards.choices.StandardKind",
        "DeclarationKindEnum": "standards.choices.DeclarationKind",
        "SupportKindEnum": "programs.choices.SupportKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "laichau_nsc.api.schema.add_error_responses",
    ],
}

# --- Portal -----------------------------------------------------------------------------------
PORTAL_PROVINCE_NAME = env("PORTAL_PROVINCE_NAME", default="Lai Châu")
PORTAL_DEPARTMENT_NAME = env("PORTAL_DEPARTMENT_NAME", default="Sở Khoa học và Công nghệ")
# The yearly report's issuing body block (Decree 30/2020/ND-CP), printed as written: the
# superior body, the Department, and the Department's abbreviation in the document's symbol.
REPORT_SUPERIOR_BODY = env(
    "REPORT_SUPERIOR_BODY", default=f"UBND TỈNH {PORTAL_PROVINCE_NAME.upper()}"
)
REPORT_ISSUING_BODY = env("REPORT_ISSUING_BODY", default=PORTAL_DEPARTMENT_NAME.upper())
REPORT_ISSUER_ABBREVIATION = env("REPORT_ISSUER_ABBREVIATION", default="SKHCN")
# Lists stop counting and paging past this many rows; searching narrows further.
# The address the portal is served on, for links in e-mails, printed documents and command
# output (no trailing slash). PORTAL_BASE_URL is its older name, still read.
SITE_URL = env("SITE_URL", default=env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")).rstrip(
    "/"
)
# Account-request attempts accepted from one address per hour (each success creates a login).
PORTAL_ACCOUNT_REQUESTS_PER_HOUR = env.int("PORTAL_ACCOUNT_REQUESTS_PER_HOUR", default=10)
# Password-reset requests accepted from one address, and for one e-mail address, per hour.
PORTAL_PASSWORD_RESETS_PER_HOUR = env.int("PORTAL_PASSWORD_RESETS_PER_HOUR", default=5)
PORTAL_PASSWORD_RESETS_PER_ACCOUNT = env.int("PORTAL_PASSWORD_RESETS_PER_ACCOUNT", default=3)
# Public certificate checks accepted from one address per hour (then a 429 page).
PORTAL_CERTIFICATE_CHECKS_PER_HOUR = env.int("PORTAL_CERTIFICATE_CHECKS_PER_HOUR", default=120)
# Public traceability pages (a product's QR code) served to one address per hour, then a 429
# page. Generous: a shop's Wi-Fi or a mobile carrier's NAT puts many shoppers behind one address.
PORTAL_PUBLIC_PAGES_PER_HOUR = env.int("PORTAL_PUBLIC_PAGES_PER_HOUR", default=3000)
PORTAL_LIST_MAX_ROWS = env.int("PORTAL_LIST_MAX_ROWS", default=1000)
PORTAL_EXPORT_MAX_ROWS = env.int("PORTAL_EXPORT_MAX_ROWS", default=200_000)

# Bulk import (imports/): the largest file, what its zip may unpack to and how tightly packed a
# member may be (a zip bomb is refused before it is opened), the most rows read, and how many
# messages and sample rows a check keeps (memory stays flat whatever the file).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=300 * 1024 * 1024)
IMPORT_MAX_RATIO = env.int("IMPORT_MAX_RATIO", default=200)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=500)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_MESSAGES = env.int("IMPORT_MAX_MESSAGES", default=1000)
IMPORT_SAMPLE_ROWS = env.int("IMPORT_SAMPLE_ROWS", default=50)
IMPORT_BATCH_ROWS = env.int("IMPORT_BATCH_ROWS", default=500)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "laichau_nsc.auth": {"level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING" if TESTING else "INFO"},
    },
}

# The dashboard's summaries (programs/summaries.py): a change to a record asks for a rebuild at
# the end of a window of this many seconds, so a burst of edits makes one rebuild per year.
SUMMARY_DEBOUNCE_SECONDS = env.int("SUMMARY_DEBOUNCE_SECONDS", default=20)
# Without a worker and beat (embedded mode), the dashboard rebuilds stale years itself.
SUMMARY_REFRESH_ON_VIEW = env.bool("SUMMARY_REFRESH_ON_VIEW", default=CELERY_TASK_ALWAYS_EAGER)
