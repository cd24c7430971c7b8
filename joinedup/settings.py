"""One settings module, read from the environment (DESIGN.md §8).

Nothing here differs between machines except through environment variables, so a
fresh clone runs with no configuration at all: SQLite under var/, a secret key made
once and kept under var/, DEBUG off.
"""

import secrets
from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("JOINEDUP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()


def _secret_key() -> str:
    """The key from the environment, else one generated on first run and kept in var/.

    A generated key (rather than a constant in the repo) keeps the zero-configuration
    demo free of a published secret.
    """
    if key := env.str("JOINEDUP_SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("JOINEDUP_DEBUG", default=False)
ALLOWED_HOSTS = env.list("JOINEDUP_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("JOINEDUP_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "joinedup.core",
    "joinedup.access",
    "joinedup.accounts",
    "joinedup.directory",
    "joinedup.audit",
    "joinedup.partnerships",
    "joinedup.people",
    "joinedup.referrals",
    "joinedup.notifications",
    "joinedup.outcomes",
    "joinedup.activity",
    "joinedup.careplans",
    "joinedup.meetings",
    "joinedup.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "joinedup.accounts.middleware.ActingMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "joinedup.accounts.middleware.SessionTimeoutMiddleware",
    "joinedup.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a lockout noticed during the view into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "joinedup.urls"
WSGI_APPLICATION = "joinedup.wsgi.application"

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
                "csp.context_processors.nonce",
                "joinedup.accounts.context_processors.acting",
                "joinedup.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'joinedup.sqlite3'}")
}
if test_db_name := env.str("JOINEDUP_TEST_DB_NAME", default=""):
    # Lets several test runs share one PostgreSQL server without dropping each other's
    # test database (pytest-xdist adds its own _gwN suffix to this name).
    DATABASES["default"]["TEST"] = {"NAME": test_db_name}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server write without "database is locked";
    # IMMEDIATE takes the write lock at BEGIN so a transaction never fails half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("JOINEDUP_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# Directory search caches what each search matches (directory.selectors.service_search).
# By default in each process's memory, which needs nothing installed: every entry is
# checked against the directory's version stamp in the database, so workers that each
# keep their own copy are still always right. JOINEDUP_CACHE_URL (a django-environ cache
# URL, like redis://127.0.0.1:6379/1) shares one cache between them instead.
CACHES = {
    "default": env.cache_url(
        "JOINEDUP_CACHE_URL", default="locmemcache://joinedup?max_entries=2000"
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username is refused before its password is even checked.
    # It has no get_user(), so sessions (and the test client's force_login) use ModelBackend.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

SESSION_COOKIE_AGE = env.int("JOINEDUP_SESSION_ABSOLUTE_SECONDS", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("JOINEDUP_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Staff security (docs/security.md). SESSION_COOKIE_AGE above is also the absolute
# timeout, enforced from the login time; this is the idle one.
JOINEDUP_SESSION_IDLE_SECONDS = env.int("JOINEDUP_SESSION_IDLE_SECONDS", default=30 * 60)
# Two-factor for roles that see clinical, risk or safeguarding data, and for superusers.
# Off only for a demo or the test suite: anyone may still opt in.
JOINEDUP_2FA_REQUIRED = env.bool("JOINEDUP_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = env.str("JOINEDUP_2FA_ISSUER", default="joinedup")
# A wrong code makes the next wait 1, 2, 4, 8 … seconds (times this factor).
OTP_TOTP_THROTTLE_FACTOR = env.int("JOINEDUP_2FA_THROTTLE_FACTOR", default=1)
# Lockout by username (not by address: a whole GP practice may share one).
AXES_FAILURE_LIMIT = env.int("JOINEDUP_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = env.int("JOINEDUP_LOCKOUT_MINUTES", default=30) / 60  # hours, as axes reads it
AXES_LOCKOUT_PARAMETERS = ["username"]
# W006 warns that rotating browsers dodges a lockout; by username alone, failures from
# every address and browser count together, so it does not apply.
# W040: SQLite ignores an index's INCLUDE columns; the covering index of care
# relationships is for PostgreSQL, and on SQLite is still a plain index on its keys.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout do not extend it, so the time the page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "joinedup.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_CONFIG = env.email_url("JOINEDUP_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("JOINEDUP_FROM_EMAIL", default="joinedup <no-reply@localhost>")
# A link to set up a person's own account (people.services.portal_invite) works once,
# for this long.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# Where people reach this site: links in emails (sent by the worker, outside a request).
JOINEDUP_SITE_URL = env.str("JOINEDUP_SITE_URL", default="http://127.0.0.1:8000")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Referral targets in working days, for services without their own (DESIGN §6).
JOINEDUP_REFERRAL_TARGETS = {"acknowledge_days": 2, "first_contact_days": 10}
# What `joinedup worker` queues on a schedule: name -> (task, every so many seconds).
JOINEDUP_PERIODIC_TASKS = {
    "retention": ("joinedup.people.tasks.retention_apply", 24 * 60 * 60),
    # Limbo and bouncing (DESIGN §6): flagged, queued for the joint meeting, told once.
    "referral_escalations": ("joinedup.referrals.tasks.escalations_check", 60 * 60),
    # Each locality's next joint referral meeting, made from its schedule, agenda kept current.
    "meeting_schedule": ("joinedup.meetings.tasks.meetings_schedule", 60 * 60),
}

# A strict policy: nothing from another origin, no inline script without the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# joinedup's own settings
JOINEDUP_PAGE_SIZE = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("JOINEDUP_LOG_LEVEL", default="WARNING")},
}
