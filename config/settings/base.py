"""Settings shared by every environment. Values that differ per deployment come from config.env."""

from datetime import timedelta

from csp.constants import NONCE, NONE, SELF

from config.env import BASE_DIR, database_config, env_bool, env_int, env_list, env_str

SHARED_DIR = BASE_DIR.parent / "shared"
REFERENCE_DIR = SHARED_DIR / "reference"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # Safehub, in dependency order (HOUSE.md).
    "safehub.platform",
    "safehub.accounts",
    "safehub.audit",
    "safehub.access",
    "safehub.reference_data",
    "safehub.people",
    "safehub.casework",
    "safehub.early_help",
    "safehub.child_protection",
    "safehub.looked_after",
    "safehub.front_door",
    "safehub.learning",
    "safehub.reporting",
    "safehub.returns",
    "safehub.web",
    "safehub.api",
    "safehub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safehub.web.middleware.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "safehub.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "safehub.web.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "safehub.web.middleware.RequireMFAMiddleware",
    # Axes last so that it sees the outcome of authentication (its documented position).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "safehub.web.forms.renderer.GovukFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Listed first so our GOV.UK versions of allauth's templates win over allauth's own
        # (the app-directories loader would find allauth's first: it precedes safehub.web).
        "DIRS": [BASE_DIR / "src" / "safehub" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "safehub.web.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", ""), conn_max_age=env_int("SAFEHUB_DB_CONN_MAX_AGE", 60)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out (username, IP) pair is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account_login"

# R8: length over composition; the context list adds council, team and system names.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 15}},
    {"NAME": "safehub.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "safehub.accounts.passwords.ContextWordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # R11: one hour, not Django's three days.

# --- django-allauth: staff accounts are created by administrators, never by sign-up. ----------
ACCOUNT_ADAPTER = "safehub.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# A staff member's address is their identity; administrators change it, not the user (R12).
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# R13: tell people by e-mail when their password or second factor changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_ADAPTER = "safehub.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env_str("SAFEHUB_COUNCIL_NAME", "Safehub")
MFA_PASSKEY_LOGIN_ENABLED = False
USERSESSIONS_TRACK_ACTIVITY = True

# --- django-axes: lock out (username, IP) pairs, so colleagues behind one council NAT are safe (R9).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("SAFEHUB_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SAFEHUB_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "safehub.accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "safehub.accounts.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("SAFEHUB_TRUSTED_PROXY_COUNT", 0)
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# --- Sessions (R3, R14, R15). -----------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SAFEHUB_SESSION_IDLE_SECONDS = env_int("SAFEHUB_SESSION_IDLE_MINUTES", 30) * 60
SAFEHUB_SESSION_ABSOLUTE_SECONDS = env_int("SAFEHUB_SESSION_ABSOLUTE_HOURS", 10) * 60 * 60
SAFEHUB_SESSION_WARNING_SECONDS = 5 * 60

# --- Security headers (R2, R38). --------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "report-uri": "/csp-report/",
    }
}
SAFEHUB_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# --- Audit (R27-R29). The key lives outside the database so a DBA cannot rebuild the chain. ----
SAFEHUB_AUDIT_HMAC_KEY = env_str("SAFEHUB_AUDIT_HMAC_KEY", "")

# --- Person merges (issue 3). On: a merge waits until a second person with the function approves it.
SAFEHUB_MERGE_SECOND_APPROVER = env_bool("SAFEHUB_MERGE_SECOND_APPROVER", False)

# --- Council and working-day calendar. ---------------------------------------------------------
SAFEHUB_COUNCIL_NAME = env_str("SAFEHUB_COUNCIL_NAME", "Safehub City Council")
# The address staff use to reach Safehub, for links in e-mails (e.g. https://safehub.council.example).
SAFEHUB_BASE_URL = env_str("SAFEHUB_BASE_URL", "")
SAFEHUB_OFFICE_OPENS = env_str("SAFEHUB_OFFICE_OPENS", "09:00")
SAFEHUB_OFFICE_CLOSES = env_str("SAFEHUB_OFFICE_CLOSES", "17:00")
SAFEHUB_PHASE = env_str("SAFEHUB_PHASE", "Beta")
SAFEHUB_REFERENCE_DIR = env_str("SAFEHUB_REFERENCE_DIR", str(REFERENCE_DIR))
# The council's own ONS code (e.g. E06000045): the returns' LA code, and a placement whose postcode
# lies elsewhere is out of area. SAFEHUB_LOCAL_AUTHORITY_CODE is the older name, still read.
SAFEHUB_LA_CODE = env_str("SAFEHUB_LA_CODE", env_str("SAFEHUB_LOCAL_AUTHORITY_CODE", ""))
SAFEHUB_LOCAL_AUTHORITY_CODE = SAFEHUB_LA_CODE
# The council's old three-digit code (CIN census <LEA>, e.g. 852) and the software code DfE knows
# this system by in the CIN header.
SAFEHUB_LA_OLD_CODE = env_str("SAFEHUB_LA_OLD_CODE", "")
SAFEHUB_RETURNS_SOFTWARE_CODE = env_str("SAFEHUB_RETURNS_SOFTWARE_CODE", "Safehub")
# The account `safehub returns ...` commands act as when --as-user is not given (a scheduled job's
# service account, with the returns function); empty: every command must name one.
SAFEHUB_RETURNS_USER = env_str("SAFEHUB_RETURNS_USER", "")

# --- Returns (issue 7). The DfE validators need pandas < 2 and Python <= 3.11, so they run out of
# process from their own virtual environment (`make validators`).
SAFEHUB_VALIDATORS_PYTHON = env_str(
    "SAFEHUB_VALIDATORS_PYTHON", str(BASE_DIR / "var" / "validators-venv" / "bin" / "python")
)
SAFEHUB_VALIDATORS_TIMEOUT = env_int("SAFEHUB_VALIDATORS_TIMEOUT", 900)
# The DfE children's social care API feed: off unless SAFEHUB_DFE_API_SEND is true and the
# endpoint and credentials are set. The secret comes from the environment only.
SAFEHUB_DFE_API = {
    "send": env_bool("SAFEHUB_DFE_API_SEND", False),
    "endpoint": env_str("SAFEHUB_DFE_API_ENDPOINT", ""),
    "token_endpoint": env_str("SAFEHUB_DFE_API_TOKEN_ENDPOINT", ""),
    "client_id": env_str("SAFEHUB_DFE_API_CLIENT_ID", ""),
    "client_secret": env_str("SAFEHUB_DFE_API_CLIENT_SECRET", ""),
    "scope": env_str("SAFEHUB_DFE_API_SCOPE", ""),
    "supplier_key": env_str("SAFEHUB_DFE_API_SUPPLIER_KEY", ""),
    "batch_size": env_int("SAFEHUB_DFE_API_BATCH_SIZE", 100),
}

# Case documents (R43): bytes under random names outside the web root, served only through the
# authorised download view; quarantined until ClamAV passes them. With the scanner off, uploads
# stay quarantined and the page says so (R57). Put a body-size limit on the reverse proxy too.
SAFEHUB_DOCUMENT_ROOT = env_str("SAFEHUB_DOCUMENT_ROOT", str(BASE_DIR / "var" / "documents"))
SAFEHUB_DOCUMENT_MAX_BYTES = env_int("SAFEHUB_DOCUMENT_MAX_MB", 20) * 1024 * 1024
SAFEHUB_CLAMAV = {
    "mode": env_str("SAFEHUB_CLAMAV_MODE", "off"),  # off | clamscan | clamd
    "database": env_str("SAFEHUB_CLAMAV_DATABASE", ""),  # clamscan -d (optional)
    "socket": env_str("SAFEHUB_CLAMAV_SOCKET", "/run/clamav/clamd.ctl"),  # unix path or host:port
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- API (R24). ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "safehub.api.authentication.ApiKeyAuthentication",
        "safehub.api.authentication.MFASessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safehub.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safehub API",
    "DESCRIPTION": "Partner and staff API for Safehub. Every error has the shape described in ErrorResponse.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # Several serializers have a `kind` field with different choices; name each set once.
    "ENUM_NAME_OVERRIDES": {
        "NameKindEnum": "safehub.people.constants.NameKind",
        "AddableNameKindEnum": "safehub.api.serializers.people.ADDABLE_NAME_KINDS",
        "IdentifierKindEnum": "safehub.people.constants.IdentifierKind",
        "AddableIdentifierKindEnum": "safehub.api.serializers.people.ADDABLE_IDENTIFIER_KINDS",
        "AddressKindEnum": "safehub.people.constants.AddressKind",
        "RelationshipKindEnum": "safehub.people.constants.RelationshipKind",
        "StoredRelationshipKindEnum": "safehub.people.constants.STORED_RELATIONSHIP_CHOICES",
        "RiskFlagKindEnum": "safehub.people.constants.RiskFlagKind",
        "SexEnum": "safehub.people.constants.Sex",
        "ContactKindEnum": "safehub.api.serializers.contacts.CONTACT_KINDS",
        "ContactSexEnum": "safehub.api.serializers.contacts.CONTACT_SEXES",
        "ContactTrackingStatusEnum": "safehub.api.serializers.contacts.TRACKING_STATUSES",
    },
}

# --- Background work: the database is the broker, so a task row commits with its data (R51). --
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("SAFEHUB_FROM_EMAIL", "safehub@localhost")

ALLOWED_HOSTS = env_list("SAFEHUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "safehub.platform.logging.JSONFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "safehub": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
