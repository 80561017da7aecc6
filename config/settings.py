"""Meldpunt settings: one file, every value from the environment.

Each setting reads ``NAME`` or, for secrets, the file named by ``NAME_FILE``.
Bad values stop the process with a clear message instead of being guessed.
The embedded defaults run the product on one machine: SQLite (WAL), the
database task queue and the local outbox.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """The value of ``name``, or the contents of the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {error}") from error
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest the test defaults apply (fast hashing, in-memory mail, no HTTPS).
TESTING = env_bool("MELDPUNT_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = env("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off"
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env("MELDPUNT_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Social login for tenants (SPEC ACC-5): a provider is on once an administrator
    # adds its client id and secret as a "social application" in /django-admin/.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.apple",
    "axes",
    "meldpunt.common",
    "meldpunt.organization",
    "meldpunt.accounts",
    "meldpunt.people",
    "meldpunt.properties",
    "meldpunt.tenancy",
    "meldpunt.interactions",
    "meldpunt.notifications",
    "meldpunt.intake",
    "meldpunt.incidents",
    "meldpunt.backoffice",
    "meldpunt.portal",
    "meldpunt.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "meldpunt.common.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "meldpunt.accounts.session_policy.TenantSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "meldpunt.accounts.middleware.StaffAccessMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "meldpunt.organization.context_processors.organization",
                "meldpunt.backoffice.context_processors.inbox_badge",
            ],
        },
    },
]

# Database: SQLite with WAL by default; PostgreSQL (or another) via DATABASE_URL.
DATA_DIR = Path(env("MELDPUNT_DATA_DIR") or BASE_DIR / "var")
DATABASE_URL = env("DATABASE_URL")
# A read-only deployment creates its directories itself.
with contextlib.suppress(OSError):
    (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "meldpunt.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: the database queue and its worker (`manage.py db_worker`);
# tests run tasks at once unless told otherwise.
TASKS = {
    "default": {
        "BACKEND": env("MELDPUNT_TASKS_BACKEND")
        or (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "meldpunt",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt on a locked account before a password is checked.
    "meldpunt.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# The organization chooses the modern or the classic rules (SPEC ACC-11).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "meldpunt.accounts.passwords.OrganizationPasswordValidator"},
]
if TESTING:
    # A provider on this machine (its own form stands in for Google's pages), so
    # the tests walk the whole social sign-in without the internet.
    INSTALLED_APPS.append("allauth.socialaccount.providers.dummy")
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: staff sign in with username or email; nobody signs up here.
ACCOUNT_ADAPTER = "meldpunt.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins per address, and per login name or user (this also limits
# guessing the codes of an authenticator app). Wrong passwords per account are
# the lockout's job (below), so the per-name limit sits above it: it never
# answers before the lock does. Attempts on a locked account are refused before
# these limits count them (StaffAccountAdapter), so they cannot outlast a lock.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,20/15m/key"}
# Tenants who sign in with a provider the first time prove who they are with
# tenant number + activation code on the sign-up form; their username is their
# email address. No account is joined to a provider by email alone.
SOCIALACCOUNT_ADAPTER = "meldpunt.accounts.social.TenantSocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "meldpunt.portal.social_forms.TenantSocialSignupForm"}
SOCIALACCOUNT_AUTO_SIGNUP = False
# An address the provider did not vouch for is confirmed by our own link: the
# sign-in refuses an unconfirmed tenant account and sends it (StaffAccountAdapter).
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Meldpunt"
MFA_ADAPTER = "meldpunt.accounts.adapters.StaffMFAAdapter"
# Administrators must sign in with an authenticator app (TOTP). Page tests that
# sign administrators in directly switch it off; the security tests switch it on.
MELDPUNT_ADMIN_MFA_REQUIRED = env_bool("MELDPUNT_ADMIN_MFA_REQUIRED", not TESTING)

# Lockout (SPEC ACC-8): five wrong passwords in a row for one account (by
# username or email, from any address) close it for 15 minutes. Attempts during
# the lock are refused without being counted, so the lock ends on time; a
# successful sign-in starts the count afresh; administrators can unlock.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "meldpunt.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "meldpunt.accounts.lockout.lockout_client_ip"
AXES_LOCKOUT_CALLABLE = "meldpunt.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "login", "ip_address"]
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # its log lines mask the username and address anyway; locks are audited

# Internationalisation: Dutch first, English and Norwegian Bokmål complete.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("MELDPUNT_TIME_ZONE") or "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MELDPUNT_MEDIA_ROOT") or DATA_DIR / "media")
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
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Uploaded photos and PDFs: size limit, and how photos are re-encoded (JPEG).
MELDPUNT_UPLOAD_MAX_BYTES = env_int("MELDPUNT_UPLOAD_MAX_BYTES", 15 * 1024 * 1024)
MELDPUNT_IMAGE_MAX_SIDE = env_int("MELDPUNT_IMAGE_MAX_SIDE", 2048)
MELDPUNT_IMAGE_QUALITY = env_int("MELDPUNT_IMAGE_QUALITY", 85)
MELDPUNT_IMAGE_MAX_PIXELS = env_int("MELDPUNT_IMAGE_MAX_PIXELS", 40_000_000)
# The public report form (/incident): reports per sender address and per home per
# hour, and the largest request it reads (photos included); larger ones get a page
# that says so. The client address comes from X-Forwarded-For only when the
# connection comes from MELDPUNT_TRUSTED_PROXY.
MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR = env_int("MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR", 10)
MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = env_int("MELDPUNT_REPORTS_PER_UNIT_PER_HOUR", 5)
MELDPUNT_REPORT_MAX_REQUEST_BYTES = env_int("MELDPUNT_REPORT_MAX_REQUEST_BYTES", 40 * 1024 * 1024)
MELDPUNT_TRUSTED_PROXY = env("MELDPUNT_TRUSTED_PROXY") or ""
# The server's own addresses besides loopback: staff signing in from the server
# itself are always let in, whatever address ranges their role has (SPEC ADM-IP).
MELDPUNT_SERVER_ADDRESSES = env_list("MELDPUNT_SERVER_ADDRESSES", [])
for _address in [MELDPUNT_TRUSTED_PROXY, *MELDPUNT_SERVER_ADDRESSES]:
    try:
        if _address:
            ipaddress.ip_address(_address)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"MELDPUNT_TRUSTED_PROXY and MELDPUNT_SERVER_ADDRESSES take IP addresses, "
            f"not {_address!r}"
        ) from _error

# Outgoing mail: SMTP when MELDPUNT_SMTP_HOST is set, otherwise the console
# (tests: memory). A provider back-end (django-anymail) via DJANGO_EMAIL_BACKEND.
SMTP_HOST = env("MELDPUNT_SMTP_HOST") or ""
if SMTP_HOST:
    _mail_backend = "django.core.mail.backends.smtp.EmailBackend"
    _mail_options: dict[str, object] = {
        "host": SMTP_HOST,
        "port": env_int("MELDPUNT_SMTP_PORT", 587),
        "username": env("MELDPUNT_SMTP_USER") or "",
        "password": env("MELDPUNT_SMTP_PASSWORD") or "",
        "use_tls": env_bool("MELDPUNT_SMTP_STARTTLS", False),
        "use_ssl": env_bool("MELDPUNT_SMTP_SSL", False),
        "timeout": env_int("MELDPUNT_SMTP_TIMEOUT", 20),
    }
else:
    _mail_backend = (
        "django.core.mail.backends.locmem.EmailBackend"
        if TESTING
        else "django.core.mail.backends.console.EmailBackend"
    )
    _mail_options = {}
MAILERS = {
    "default": {
        "BACKEND": env("DJANGO_EMAIL_BACKEND") or _mail_backend,
        "OPTIONS": _mail_options,
    }
}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL") or "Meldpunt <noreply@localhost>"
MELDPUNT_MAIL_DOMAIN = env("MELDPUNT_MAIL_DOMAIN") or "meldpunt.localhost"

# Incoming mail (SPEC INC-14). A notification that belongs to a conversation is
# sent with Reply-To: this address, "{token}" replaced by its reply token; mail
# to the incident address that is not a reply becomes an inbox report.
MELDPUNT_REPLY_ADDRESS = env("MELDPUNT_REPLY_ADDRESS") or f"reply+{{token}}@{MELDPUNT_MAIL_DOMAIN}"
if MELDPUNT_REPLY_ADDRESS.count("{token}") != 1 or "@" not in MELDPUNT_REPLY_ADDRESS:
    raise ImproperlyConfigured(
        "MELDPUNT_REPLY_ADDRESS must be an address with {token} once: reply+{token}@example.org"
    )
MELDPUNT_INCIDENT_ADDRESS = (
    env("MELDPUNT_INCIDENT_ADDRESS") or f"meldingen@{MELDPUNT_MAIL_DOMAIN}"
).lower()
# Larger messages are recorded as refused and not processed.
MELDPUNT_INBOUND_MAX_BYTES = env_int("MELDPUNT_INBOUND_MAX_BYTES", 25 * 1024 * 1024)
# A mailbox fetched by `manage.py mail_fetch`.
MELDPUNT_IMAP_HOST = env("MELDPUNT_IMAP_HOST") or ""
MELDPUNT_IMAP_SSL = env_bool("MELDPUNT_IMAP_SSL", True)
MELDPUNT_IMAP_PORT = env_int("MELDPUNT_IMAP_PORT", 993 if MELDPUNT_IMAP_SSL else 143)
MELDPUNT_IMAP_USER = env("MELDPUNT_IMAP_USER") or ""
MELDPUNT_IMAP_PASSWORD = env("MELDPUNT_IMAP_PASSWORD") or ""
MELDPUNT_IMAP_FOLDER = env("MELDPUNT_IMAP_FOLDER") or "INBOX"
# A provider's inbound webhook (/notifications/anymail/<provider>/inbound/) must
# send these basic-auth credentials ("user:password"). Unset, a random value
# nobody knows is used, so every webhook call is refused.
ANYMAIL = {
    "WEBHOOK_SECRET": env("MELDPUNT_ANYMAIL_WEBHOOK_SECRET") or f"unset:{os.urandom(24).hex()}",
}
# A message claimed by a worker that stopped answering is taken over after this.
MELDPUNT_OUTBOX_CLAIM_TIMEOUT = env_int("MELDPUNT_OUTBOX_CLAIM_TIMEOUT", 300)

# Which transport delivers each channel: "local" keeps messages in the outbox
# for reading in the back office (the embedded default); "email" sends through
# the mailer above.
_TRANSPORT_CHOICES = {
    "email": {"local", "email"},
    "sms": {"local", "twilio"},
    "whatsapp": {"local", "twilio"},
}
MELDPUNT_TRANSPORTS = {
    "email": env("MELDPUNT_EMAIL_TRANSPORT") or "local",
    "sms": env("MELDPUNT_SMS_TRANSPORT") or "local",
    "whatsapp": env("MELDPUNT_WHATSAPP_TRANSPORT") or "local",
}
for _channel, _transport in MELDPUNT_TRANSPORTS.items():
    if _transport not in _TRANSPORT_CHOICES[_channel]:
        raise ImproperlyConfigured(
            f"MELDPUNT_{_channel.upper()}_TRANSPORT must be one of "
            f"{', '.join(sorted(_TRANSPORT_CHOICES[_channel]))}, not {_transport!r}"
        )

# SMS and WhatsApp through Twilio; the API address is configurable so tests can
# talk to a provider on loopback.
TWILIO = {
    "ACCOUNT_SID": env("TWILIO_ACCOUNT_SID") or "",
    "AUTH_TOKEN": env("TWILIO_AUTH_TOKEN") or "",
    "SMS_FROM": env("TWILIO_SMS_FROM") or "",
    "WHATSAPP_FROM": env("TWILIO_WHATSAPP_FROM") or "",
    "API_BASE_URL": env("TWILIO_API_BASE_URL") or "https://api.twilio.com",
}
TWILIO_TIMEOUT = env_int("TWILIO_TIMEOUT", 15)
if "twilio" in MELDPUNT_TRANSPORTS.values() and not (
    TWILIO["ACCOUNT_SID"] and TWILIO["AUTH_TOKEN"]
):
    raise ImproperlyConfigured(
        "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set to send SMS or WhatsApp"
    )
# Protection against SMS pumping: at most this many texts per number per hour;
# more wait for the next hour, none is dropped.
MELDPUNT_TEXTS_PER_RECIPIENT_PER_HOUR = env_int("MELDPUNT_TEXTS_PER_RECIPIENT_PER_HOUR", 10)

# Benchmarks only: serve /bench/floor (the base layout, one query) as a baseline.
MELDPUNT_BENCH_FLOOR = env_bool("MELDPUNT_BENCH_FLOOR", False)

# Security: strict by default, relaxed only for plain-HTTP local runs.
SECURE_SSL = env_bool("MELDPUNT_HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL and env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MELDPUNT_BEHIND_PROXY", False) else None
)
# HSTS preload is a promise to browser vendors that cannot quickly be undone;
# an operator opts in with DJANGO_SECURE_HSTS_PRELOAD, so the check is silenced.
# axes.W006 asks to lock by address too: the lockout counts per account on
# purpose (an attacker changing addresses is still stopped); the per-address
# limit is allauth's ACCOUNT_RATE_LIMITS above.
SILENCED_SYSTEM_CHECKS = ["security.W021", "axes.W006"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SECURE_SSL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("MELDPUNT_LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
