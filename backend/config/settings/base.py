"""Settings shared by every environment. Everything deployment-specific comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[3]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Production refuses this value (see production.py).
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "knox",
    "axes",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "backend.common",
    "backend.geo",
    "backend.accounts",
    "backend.alerts",
    "backend.station",
    "backend.analytics",
    "mozilla_django_oidc",
    "dashboards",
]

MIDDLEWARE = [
    # Before anything reads a request: anonymous tips lose the sender's address, agent and cookies (tips/privacy.py).
    "backend.station.tips.privacy.TipPrivacyMiddleware",
    # Outermost, so that Django's own error pages under /api/ become the API's JSON error format too.
    "backend.common.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware for pages; for the API it needs the user, so it comes after authentication.
    "backend.accounts.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during authenticate() into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.config.urls"
ASGI_APPLICATION = "backend.config.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/vigia"),
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# Under ASGI each request may run on another thread, so persistent per-thread connections pile up;
# a psycopg pool per process bounds them instead (CONN_MAX_AGE must then be 0).
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
    "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
    "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses locked-out attempts before any backend checks a password.
# axes first: it refuses a locked-out login before any backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "backend.station.identity.backend.ClaveUnicaBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "es-cl"
LANGUAGES = [("es-cl", "Español (Chile)"), ("en", "English")]
# Inside a package, so an installed (pip) copy keeps its Spanish.
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]
TIME_ZONE = "America/Santiago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

# Photos go to the filesystem unless an S3 bucket is configured (django-storages).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"file_overwrite": False, "default_acl": "private"}}
        if AWS_STORAGE_BUCKET_NAME
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve assets straight from the apps in development and tests, so no collectstatic step is needed there.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("WHITENOISE_USE_FINDERS", default=False)
# Photos are private: they are served by scoped views, never from a public media URL.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "backend.common.cache.RedisCache",
        "LOCATION": env.str("CACHE_URL", default="redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="vigia"),
    }
}

# Channel layer: redis-py may default to a 5 s socket timeout and a small pool, which makes
# channels-redis drop idle websockets (DESIGN §8). Overflow is dropped silently, so capacity is high.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": env.str("CHANNEL_LAYER_URL", default="redis://127.0.0.1:6379/2"),
                    "socket_timeout": None,
                    "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=10_000),
                }
            ],
            "capacity": env.int("CHANNEL_LAYER_CAPACITY", default=5_000),
            "expiry": 60,
            "group_expiry": 86_400,
            "prefix": env.str("CHANNEL_LAYER_PREFIX", default="vigia"),
        },
    }
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/3")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "backend.common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.common.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "backend.common.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("THROTTLE_LOGIN", default="10/minute"),
        "registration": env.str("THROTTLE_REGISTRATION", default="20/hour"),
        "password_change": env.str("THROTTLE_PASSWORD_CHANGE", default="10/hour"),
        "websocket_ticket": env.str("THROTTLE_WEBSOCKET_TICKET", default="60/minute"),
        "station_filing": env.str("THROTTLE_STATION_FILING", default="10/hour"),
        "station_verification": env.str("THROTTLE_STATION_VERIFICATION", default="120/minute"),
        # Open311 GeoReport v2 reads, per client address (posts are limited per api_key).
        "open311_read": env.str("THROTTLE_OPEN311_READ", default="120/minute"),
    },
    # The client address is REMOTE_ADDR, already resolved from X-Forwarded-For of TRUSTED_PROXIES only (asgi.py);
    # DRF's own NUM_PROXIES would believe the header from anyone.
    "NUM_PROXIES": 0,
}

# Reverse proxies (IPs or CIDRs) whose X-Forwarded-For / X-Forwarded-Proto we believe; nobody's by default.
# Run uvicorn with --no-proxy-headers: its own default trusts X-Forwarded-For from 127.0.0.1.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# API tokens (django-rest-knox), hashed at rest. Each use slides the idle expiry forward (written at most hourly),
# up to an absolute age; logout, logout-all and any password change revoke them.
KNOX_TOKEN_MODEL = "accounts.AuthToken"
# knox's migrations would still create its own, swapped-out token table, which `flush` then cannot truncate.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("TOKEN_IDLE_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env.int("TOKEN_MAX_AGE_DAYS", default=365)),
    "MIN_REFRESH_INTERVAL": 3600,
    "AUTH_HEADER_PREFIX": "Token",
}
# A websocket ticket opens one socket, once, within this many seconds of being issued.
WEBSOCKET_TICKET_TTL_SECONDS = env.int("WEBSOCKET_TICKET_TTL_SECONDS", default=30)

# django-axes: every authenticate() call (the login page, the admin login, the token API) counts failures in
# PostgreSQL. One username from one address is locked out after LOGIN_FAILURE_LIMIT failures, one address after
# LOGIN_ADDRESS_FAILURE_LIMIT over all usernames; either lifts LOGIN_LOCKOUT_MINUTES after the last failure.
AXES_HANDLER = "backend.accounts.lockout.LoginAttemptHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out are refused without being counted, so nobody can keep a victim locked forever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "backend.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "dashboards.lockout.lockout_response"
AXES_VERBOSE = False

SPECTACULAR_SETTINGS = {
    "TITLE": "Vigía API",
    "DESCRIPTION": (
        "Neighborhood alerts, live dispatch and crime analytics.\n\n"
        'Errors always have the shape `{"error": {"code", "message", "fields"}}` (`fields` names the inputs '
        "at fault). JSON bodies are strict: no repeated keys, no NaN or Infinity, at most 32 levels deep and 2 MB.\n\n"
        "Geographic bodies are GeoJSON (RFC 7946: outer rings counter-clockwise) served as `application/geo+json`, "
        "or as `application/json` when asked. Endpoints for one alert, the zones and the active messages return a "
        "plain object by default and their GeoJSON Feature or FeatureCollection for `Accept: application/geo+json` "
        "or `?format=geojson`."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("status", "kind", "preset") get their own readable enum names.
    "ENUM_NAME_OVERRIDES": {
        "AlertStatusEnum": "backend.alerts.models.AlertStatus",
        "MessageStatusEnum": "backend.alerts.models.MessageStatus",
        "ZoneKindEnum": "backend.alerts.models.ZoneKind",
        "DeviceKindEnum": "backend.alerts.models.DeviceKind",
        "LinkStatusEnum": "backend.analytics.models.LinkStatus",
        "LinkagePresetEnum": "backend.analytics.models.LinkagePresetName",
        "AreaKindEnum": "backend.analytics.schemas.AREA_KINDS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.common.openapi.error_responses_hook",
    ],
}

# The category catalogue changes a few times a year: each process keeps it this long, so an alert costs no
# query for it; an administrator's change reaches every process within this time.
ALERT_CATEGORY_CACHE_SECONDS = env.float("ALERT_CATEGORY_CACHE_SECONDS", default=60.0)

# Routing a point that falls in a gap between precinct polygons (DESIGN §4).
GEO_GAP_TOLERANCE_METERS = env.float("GEO_GAP_TOLERANCE_METERS", default=500.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes logs every failed login at WARNING (a security trail); its INFO chatter is not needed. WeasyPrint
    # reports every layout step at INFO; fontTools every subset.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Debian 12 ships GDAL 3.6, which cannot block network access from spatial references; only
# administrators load boundary files, and the machines have no outside network.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Realtime (event log, websockets) and push notifications.
EVENT_LOG_RETENTION_DAYS = env.int("EVENT_LOG_RETENTION_DAYS", default=30)
# The relay wakes on NOTIFY; the poll is the fallback. Standbys try for the lease this often (the failover time).
RELAY_POLL_SECONDS = env.float("RELAY_POLL_SECONDS", default=1.0)
RELAY_STANDBY_SECONDS = env.float("RELAY_STANDBY_SECONDS", default=0.5)
# Where the relay delivers each batch of the event log, in order.
RELAY_SINKS = [
    "backend.alerts.realtime.broadcasts.ChannelLayerSink",
    "backend.alerts.notifications.sinks.PushSink",
    "backend.alerts.webhooks.sinks.WebhookSink",
]
CAP_SENDER = env.str("CAP_SENDER", default="vigia@carabineros.example.cl")
# The CAP feed (/cap/feed.atom) keeps a Cancel notice listed this long, so hubs that poll hear of it.
CAP_FEED_CANCEL_HOURS = env.int("CAP_FEED_CANCEL_HOURS", default=24)

# Open311 GeoReport v2 (/open311/v2/): what discovery tells clients.
OPEN311_CONTACT = env.str("OPEN311_CONTACT", default="Mesa de ayuda Vigía: soporte@vigia.example.cl")
OPEN311_KEY_SERVICE = env.str(
    "OPEN311_KEY_SERVICE",
    default="Las claves (api_key) las emite el administrador de la plataforma: soporte@vigia.example.cl",
)
OPEN311_ENDPOINT_TYPE = env.str("OPEN311_ENDPOINT_TYPE", default="production")

# Signed webhooks (backend/alerts/webhooks): each delivery is retried with exponential backoff and jitter.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3_600.0)
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOK_READ_TIMEOUT_SECONDS = env.float("WEBHOOK_READ_TIMEOUT_SECONDS", default=10.0)
# Webhook URLs that resolve to loopback, private, link-local or reserved addresses are refused (SSRF), when
# registered and again at each delivery; only tests, whose receivers listen on 127.0.0.1, allow loopback.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)
# FCM: a service-account JSON file, or Application Default Credentials when GOOGLE_APPLICATION_CREDENTIALS is set.
FCM_CREDENTIALS_FILE = env.str("FCM_CREDENTIALS_FILE", default="")
FCM_PROJECT_ID = env.str("FCM_PROJECT_ID", default="")
# Only for contract tests against a local fake of the FCM v1 API (e.g. http://127.0.0.1:8765).
FCM_ENDPOINT_OVERRIDE = env.str("FCM_ENDPOINT_OVERRIDE", default="")
FCM_HTTP_TIMEOUT_SECONDS = env.float("FCM_HTTP_TIMEOUT_SECONDS", default=10.0)
# Web Push: a VAPID private key (PEM file path, or base64url raw/DER) and its public key for browsers.
WEBPUSH_VAPID_PRIVATE_KEY = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_PUBLIC_KEY = env.str("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_SUBJECT = env.str("WEBPUSH_VAPID_SUBJECT", default="mailto:soporte@vigia.example.cl")
WEBPUSH_TIMEOUT_SECONDS = env.float("WEBPUSH_TIMEOUT_SECONDS", default=10.0)
# The worker POSTs to subscription endpoints: only known push services may be registered.
WEBPUSH_ALLOWED_SCHEMES = env.list("WEBPUSH_ALLOWED_SCHEMES", default=["https"])
WEBPUSH_ALLOWED_HOSTS = env.list(
    "WEBPUSH_ALLOWED_HOSTS",
    default=["fcm.googleapis.com", "push.services.mozilla.com", "notify.windows.com", "push.apple.com"],
)
PUSH_RETRY_BASE_SECONDS = env.float("PUSH_RETRY_BASE_SECONDS", default=15.0)
PUSH_MAX_RETRIES = env.int("PUSH_MAX_RETRIES", default=5)
CELERY_BEAT_SCHEDULE = {
    "prune-event-log": {"task": "alerts.event_log_prune", "schedule": 6 * 3600},
    "prune-rate-limit-buckets": {"task": "common.rate_limit_buckets_prune", "schedule": 3600},
    "prune-credentials": {"task": "backend.accounts.tasks.credentials_prune", "schedule": 3600},
    "lapse-voter-excuses": {"task": "backend.station.elections.tasks.voter_excuses_lapse_task", "schedule": 3600},
    # The safety net behind the per-complaint sync sent after each commit (station never imports analytics).
    "sync-online-complaints": {
        "task": "backend.analytics.tasks.online_complaints_sync",
        "schedule": env.int("ONLINE_COMPLAINTS_SYNC_SECONDS", default=900),
    },
}
# channels-redis' pub/sub layer: one PUBLISH per group, and each server process fans a message out to
# its own sockets in memory instead of popping one Redis message per socket. It keeps no backlog,
# which the event log already covers (clients resume from it).
if env.bool("CHANNEL_LAYER_PUBSUB", default=False):
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"
    for _option in ("capacity", "expiry", "group_expiry"):
        CHANNEL_LAYERS["default"]["CONFIG"].pop(_option, None)

# Street base map. By default maps show only our precinct boundaries (offline). A force with a tile
# server sets MAP_TILES_URL (an XYZ template such as https://tiles.example/{z}/{x}/{y}.png); or it
# points MAP_PMTILES_FILE at a PMTiles extract of its area, which we serve ourselves with range
# requests at MAP_PMTILES_URL (README: "A street base map").
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
MAP_PMTILES_FILE = env.str("MAP_PMTILES_FILE", default="")
MAP_PMTILES_URL = env.str("MAP_PMTILES_URL", default="/tiles/basemap.pmtiles")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="© OpenStreetMap contributors")
MAP_TILES_MAX_ZOOM = env.int("MAP_TILES_MAX_ZOOM", default=19)

# The virtual police station (backend/station).
# ClaveÚnica (OpenID Connect). The defaults point at the local fake that `make demo` starts
# (`manage.py claveunica_fake`); production sets the real ones: https://accounts.claveunica.gob.cl
CLAVEUNICA_BASE_URL = env.str("CLAVEUNICA_BASE_URL", default="http://127.0.0.1:8001").rstrip("/")
CLAVEUNICA_ISSUER = env.str("CLAVEUNICA_ISSUER", default=f"{CLAVEUNICA_BASE_URL}/openid")
CLAVEUNICA_LOGOUT_URL = env.str("CLAVEUNICA_LOGOUT_URL", default=f"{CLAVEUNICA_BASE_URL}/api/v1/accounts/app/logout")
OIDC_RP_CLIENT_ID = env.str("CLAVEUNICA_CLIENT_ID", default="vigia-demo")
OIDC_RP_CLIENT_SECRET = env.str("CLAVEUNICA_CLIENT_SECRET", default="vigia-demo-secret")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{CLAVEUNICA_ISSUER}/authorize/"
OIDC_OP_TOKEN_ENDPOINT = f"{CLAVEUNICA_ISSUER}/token/"
OIDC_OP_USER_ENDPOINT = f"{CLAVEUNICA_ISSUER}/userinfo/"
OIDC_OP_JWKS_ENDPOINT = f"{CLAVEUNICA_ISSUER}/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid run name"
OIDC_USE_NONCE = True
# ClaveÚnica asks for a state of at least 30 characters.
OIDC_STATE_SIZE = 40
OIDC_TIMEOUT = env.float("CLAVEUNICA_TIMEOUT_SECONDS", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?claveunica=failed"
OIDC_OP_LOGOUT_URL_METHOD = "backend.station.identity.logout.provider_logout_url"

# Signed documents: Ed25519 keys in files, never in the database (manage.py station_signing_keys).
STATION_SIGNING_KEYS_DIR = env.path("STATION_SIGNING_KEYS_DIR", default=str(BASE_DIR / "var" / "station-keys"))
# The address printed in QR codes and emails.
STATION_PUBLIC_URL = env.str("STATION_PUBLIC_URL", default="http://127.0.0.1:8000")
# Station form pages end an idle session after this long, and warn two minutes before.
STATION_SESSION_IDLE_SECONDS = env.int("STATION_SESSION_IDLE_SECONDS", default=1800)

# Anonymous tips: requests per client and UTC day, the client known only by a keyed digest of its address that
# changes every day (backend/station/tips/privacy.py). Opening the mailbox counts every try, right code or wrong.
TIP_SUBMISSIONS_PER_CLIENT_PER_DAY = env.int("TIP_SUBMISSIONS_PER_CLIENT_PER_DAY", default=10)
TIP_MAILBOX_REQUESTS_PER_CLIENT_PER_DAY = env.int("TIP_MAILBOX_REQUESTS_PER_CLIENT_PER_DAY", default=60)

# Email (status changes of complaints and constancias). Without EMAIL_HOST, mail goes to the log.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Comisaría Virtual <no-responder@vigia.example.cl>")
