"""Settings, all from the environment (django-environ), each with a safe development default.

PostgreSQL is the only database engine. `make run` and `make test` point DATABASE_URL and
CELERY_BROKER_URL at the configured servers or at embedded ones (scripts/services.py); with no
CELERY_BROKER_URL at all, Celery tasks run eagerly in-process.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import environ
import structlog
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Only a development process (DJANGO_DEBUG=true) may run on a published key; anything else
# refuses to start without its own.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set "
            "DJANGO_DEBUG=true for a development process."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only
# Demo data and demo logins (published passwords) only when asked for: `bootstrap --demo`, or
# this. Never in production.
DEMO = env.bool("DJANGO_DEMO", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS (cookiecutter-django's names): each on unless DEBUG, each can be turned off for a
# deployment whose TLS proxy does the job itself.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    # The TLS proxy in front says the original request was HTTPS; it must overwrite the header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The docker healthcheck asks over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
# Start low and raise to a year (31536000) once every subdomain is served over HTTPS.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = env.bool("DJANGO_SECURE_CONTENT_TYPE_NOSNIFF", default=True)
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from here, not from a CDN
    "django_celery_beat",
    "axes",
    "core",
    "accounts",
    "ledger",
    "programmes",
    "vouchers",
    "providers",
    "marketplace",
    "settlement",
    "django_htmx",
    "portal",  # the web pages: on top of every app (imports their services), imported by none
]

MIDDLEWARE = [
    "core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the set_language cookie, else the browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out admin login
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/subsidy")
}
# Each process keeps its connection (opening one per request cost two thirds of the order
# API's throughput), checked before a request reuses it, so a restarted database costs no
# failed requests. Safe behind PgBouncer in transaction mode too.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault(
    "CONN_HEALTH_CHECKS", env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
)
# Parameters bound by the server, and a statement run this many times on one connection is
# prepared: PostgreSQL then skips parsing and planning it, which was half of its CPU per order.
# 0 turns preparing off (needed behind PgBouncer in transaction mode before 1.21); Django's
# default would be client-side binding and no prepared statements.
_prepare_threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
DATABASES["default"].setdefault("OPTIONS", {}).update(
    server_side_binding=True, prepare_threshold=_prepare_threshold or None
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds throttle counters and login lockouts, so every process must share it: Redis
# whenever Redis is configured. CACHE_URL wins; else the server of REDIS_URL, on the next
# database index (the broker's keys stay apart, and clearing the cache never drops tasks);
# process-local memory only when neither is set.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif env.str("REDIS_URL", default=""):
    _redis = urlsplit(env.str("REDIS_URL"))
    _redis_db = int(_redis.path.strip("/") or 0) + 1
    if _redis_db > 15:
        raise ImproperlyConfigured("REDIS_URL uses database 15: set CACHE_URL for the cache.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urlunsplit(_redis._replace(path=f"/{_redis_db}")),
        }
    }
else:
    CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
    # With no Redis at all (a single process: `manage.py` commands, lint), the cache is this
    # process's memory; axes warns that lockouts would not be shared, which is true and moot.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login
    "django.contrib.auth.backends.ModelBackend",
]

# --- Login lockout (django-axes; accounts/lockout.py) ---------------------------------------
# Failures are counted in the cache (shared by every process when Redis is configured), per
# e-mail and client address; a success resets the count. Not the database: a refused login's
# transaction rolls back, and its count with it.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
# The portal answers its own sign-in form's lockout with its page; elsewhere accounts.lockout.
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # its admin shows the database handler's tables, unused here
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "DJANGO_PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

# English is the fallback (and the API's language); the portal follows the browser's
# Accept-Language or the language switcher's cookie (LocaleMiddleware).
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The portal's session sign-in (portal/urls.py).
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="subsidy@localhost")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated request answers 401 rather than 403.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only (bounded in size and depth); the statement upload
    # (settlement.apis.BankStatementsApi) takes multipart.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["core.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "register": env.str("THROTTLE_REGISTER", default="30/hour"),
        "login": env.str("THROTTLE_LOGIN", default="60/minute"),
        "password": env.str("THROTTLE_PASSWORD_CHANGE", default="10/hour"),
        "members": env.str("THROTTLE_MEMBERS", default="60/hour"),
        "statements": env.str("THROTTLE_STATEMENTS", default="30/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Trust X-Forwarded-For only behind that many proxies; 0 keys throttles on REMOTE_ADDR,
    # so a client cannot dodge the register throttle by sending its own header.
    "NUM_PROXIES": env.int("DRF_NUM_PROXIES", default=0),
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24 * 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    # A new login beyond this many live tokens revokes the user's oldest (accounts.services);
    # 0: no limit.
    "TOKEN_LIMIT_PER_USER": env.int("API_TOKEN_LIMIT_PER_USER", default=10) or None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "City AI subsidy platform API",
    "DESCRIPTION": (
        "Vouchers, orders, settlement and reconciliation for city AI subsidy programmes."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The docs load their assets from this server (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "core.money.Category.choices",
        "OrderStatusEnum": "config.schema_enums.ORDER_STATUS",
        "OfferingStatusEnum": "config.schema_enums.OFFERING_STATUS",
        "VoucherStatusEnum": "config.schema_enums.VOUCHER_STATUS",
        "DecisionStatusEnum": "config.schema_enums.DECISION_STATUS",
        "AccreditationStatusEnum": "config.schema_enums.ACCREDITATION_STATUS",
        "UnitEnum": "config.schema_enums.UNIT",
        "OrganisationKindEnum": "config.schema_enums.ORGANISATION_KIND",
        "MembershipRoleEnum": "config.schema_enums.MEMBERSHIP_ROLE",
        "OrganisationRoleEnum": "config.schema_enums.ORGANISATION_ROLE",
        "ReconciliationExceptionKindEnum": "config.schema_enums.RECONCILIATION_EXCEPTION_KIND",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.strip_trailing_slashes",
        "core.schema.public_operations_take_no_credentials",
        "core.schema.add_error_responses",
    ],
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task whose worker died is redelivered after the visibility timeout
# (Redis). The default of one hour would leave a batch `preparing` that long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=600)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-keys": {
        "task": "core.tasks.purge_idempotency_keys",
        "schedule": timedelta(hours=1),
    },
    "purge-expired-api-tokens": {
        "task": "accounts.tasks.purge_expired_tokens",
        "schedule": timedelta(hours=6),
    },
    "expire-vouchers": {
        "task": "vouchers.tasks.expire_vouchers",
        "schedule": timedelta(minutes=15),
    },
    "auto-confirm-orders": {
        "task": "marketplace.tasks.auto_confirm_orders",
        "schedule": timedelta(minutes=15),
    },
    "prepare-payout-batches": {
        "task": "settlement.tasks.prepare_due_batches",
        "schedule": timedelta(hours=1),
    },
    "expire-unaccepted-orders": {
        "task": "marketplace.tasks.expire_unaccepted_orders",
        "schedule": timedelta(minutes=15),
    },
}

IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="console")  # "console" or "json"

_shared_processors: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso"),
]
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,  # drop filtered events before doing any work
        *_shared_processors,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "foreign_pre_chain": _shared_processors,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer()
                if LOG_FORMAT == "json"
                else structlog.dev.ConsoleRenderer(colors=False),
            ],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
