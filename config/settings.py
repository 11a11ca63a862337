"""DanhGia settings: one file, driven by environment variables.

Outside demo (DANHGIA_DEMO=1) and debug (DANHGIA_DEBUG=1) mode a secret key is required (DANHGIA_SECRET_KEY); every
other variable is optional. Production sets at least DANHGIA_SECRET_KEY, DANHGIA_ALLOWED_HOSTS and
DANHGIA_DB=postgres (with the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), and is served over
HTTPS. docs/operations.md lists them all.
"""

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANHGIA_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envrate(name: str) -> Decimal | None:
    """A share between 0 (excluded) and 1, e.g. 0.25; None when unset."""
    value = os.environ.get(name, "").strip().replace(",", ".")
    if not value:
        return None
    try:
        rate = Decimal(value)
    except InvalidOperation:
        rate = Decimal(-1)
    if not 0 < rate <= 1:
        raise ValueError(f"{name} must be a share between 0 and 1 (e.g. 0.25), not {value!r}")
    return rate


def envsecret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


# The key every install ran on before it had to be set: it is in the repository's history, so anyone can sign
# cookies and links with it. Refused even when set on purpose.
PUBLISHED_SECRET_KEYS = {"insecure-development-key-change-me-in-production"}


def install_secret_key(var_dir: Path) -> str:
    """The key made for this install on its first start (demo and debug only), kept in var/secret_key.

    Never a constant of the code: a published key lets anyone forge signed cookies and links. Kept, so that
    sessions and signed links survive a restart; readable by the server's account only."""
    path = var_dir / "secret_key"
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()  # made by an earlier start (or a concurrent one)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text(encoding="utf-8").strip()


DEBUG = envbool("DANHGIA_DEBUG", False)
# Demo mode: the seeded province and its well-known accounts. Demo accounts cannot log in otherwise.
DEMO_MODE = envbool("DANHGIA_DEMO", False)
SECRET_KEY = envsecret("DANHGIA_SECRET_KEY")
if SECRET_KEY in PUBLISHED_SECRET_KEYS:
    raise ImproperlyConfigured(
        "DANHGIA_SECRET_KEY là khóa mặc định đã công khai: hãy đặt một khóa bí mật riêng (ví dụ "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(
            "Chưa đặt khóa bí mật: hãy đặt DANHGIA_SECRET_KEY (hoặc DANHGIA_SECRET_KEY_FILE) là một chuỗi ngẫu nhiên "
            "dài ít nhất 50 ký tự, ví dụ `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`. Chỉ chế "
            "độ trình diễn (DANHGIA_DEMO=1) và gỡ lỗi (DANHGIA_DEBUG=1) tự tạo khóa cho máy này (var/secret_key)."
        )
    SECRET_KEY = install_secret_key(VAR_DIR)
ALLOWED_HOSTS = [h for h in env("DANHGIA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DANHGIA_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "danhgia.audit",
    "danhgia.accounts",
    "danhgia.orgs",
    "danhgia.people",
    "danhgia.periods",
    "danhgia.reports",
    "danhgia.reviews",
    "danhgia.documents",
    "danhgia.imports",
    "danhgia.api",
    "danhgia.demo",
    # django-ninja's Swagger UI files, served from /static/ like ours (no CDN).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "danhgia.lib.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danhgia.accounts.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "danhgia.lib.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "danhgia.accounts.middleware.LoginRequiredMiddleware",
    # Last, so that it sees the lock-out decisions of the authentication backend.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "danhgia" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "danhgia.accounts.context_processors.navigation",
                "danhgia.reviews.context_processors.notifications",
            ],
        },
    },
]

# Databases: SQLite by default (zero set-up), PostgreSQL with DANHGIA_DB=postgres.
if env("DANHGIA_DB", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("PGDATABASE", "danhgia"),
            "USER": env("PGUSER"),
            "PASSWORD": envsecret("PGPASSWORD"),
            "HOST": env("PGHOST"),
            "PORT": env("PGPORT"),
            "CONN_MAX_AGE": envint("DANHGIA_CONN_MAX_AGE", 60),
            "TEST": {"NAME": env("DANHGIA_TEST_DB", "test_danhgia")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("DANHGIA_SQLITE_PATH", str(VAR_DIR / "danhgia.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE transactions avoid "database is locked" when two requests write at once.
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "danhgia.accounts.backends.ScopedModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts-login"

# Sessions end after an idle hour (renewed on each request) and when the browser closes: shared office
# computers are common.
SESSION_COOKIE_AGE = envint("DANHGIA_SESSION_SECONDS", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("DANHGIA_SECURE_COOKIES", not DEBUG and not DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language chosen with the Tiếng Việt / English switch: same rules as the other cookies.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# HTTPS, outside demo and debug (which run on plain HTTP at 127.0.0.1): plain HTTP is redirected, and browsers are
# told to use HTTPS only for DANHGIA_HSTS_SECONDS (a year; 0 sends no HSTS). Subdomains and the browsers' preload
# list are for the province to decide (they bind every name under the site's, for months): off unless set.
SERVES_HTTPS = not DEBUG and not DEMO_MODE
SECURE_SSL_REDIRECT = envbool("DANHGIA_SSL_REDIRECT", SERVES_HTTPS)
SECURE_HSTS_SECONDS = envint("DANHGIA_HSTS_SECONDS", 365 * 24 * 3600 if SERVES_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DANHGIA_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("DANHGIA_HSTS_PRELOAD", False)
# Reverse proxies in front of the application (nginx, a load balancer): how many. The outermost one adds the
# client's address to X-Forwarded-For (login throttling counts by it) and each says in X-Forwarded-Proto whether
# the client came over HTTPS. 0: clients connect directly, and those headers are not believed.
DANHGIA_PROXIES = envint("DANHGIA_PROXIES", 0)
if DANHGIA_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (danhgia/lib/csp.py): scripts, styles, images and fonts from the site itself only, no
# inline script (templates use data- attributes that app.js reads), no plugins, never framed, forms posted here
# only. Inline style attributes stay allowed (style-src-attr): they cannot run script, and the bars of the quota
# and progress pages are widths computed in the template.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# A refused form (stale CSRF token) gets the Vietnamese page with the menu, not Django's bare English one.
CSRF_FAILURE_VIEW = "danhgia.lib.error_views.csrf_failure"

# Login throttling (django-axes, danhgia/accounts/throttle.py), for 15 minutes: a username from one address after 5
# failures; an address after 20 failures across usernames (password spraying: one password tried on every account).
AXES_FAILURE_LIMIT = envint("DANHGIA_LOGIN_FAILURES", 5)
DANHGIA_LOGIN_ADDRESS_FAILURES = envint("DANHGIA_LOGIN_ADDRESS_FAILURES", 20)
AXES_COOLOFF_TIME = 0.25  # hours
# In this order: LoginThrottle reads the first as the account's count, the second as the address's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "danhgia.accounts.throttle.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "danhgia.accounts.throttle.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Vietnamese first, English ready. Source strings are Vietnamese; the English catalogue is
# danhgia/locale/en (django.po and the compiled django.mo, both committed). The switch in the top bar shows
# these names as they are: each in its own language, never translated.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "danhgia" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own Vietnamese formats have no thousands separator; ours use "." and dd/mm/yyyy.
FORMAT_MODULE_PATH = ["danhgia.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# var/ holds the SQLite database, collected static files and uploads; a fresh clone does not have it yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "danhgia" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("DANHGIA_REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("DANHGIA_REDIS_URL")}

# Logs carry no personal data (Decree 13/2023/NĐ-CP): no request bodies, no names.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DANHGIA_LOG_LEVEL", "WARNING")},
}

# Email: by SMTP when configured (DANHGIA_EMAIL_HOST). Without it, printed on the console in demo and debug only:
# an invitation carries a single-use opinion link, a secret that must not land in a production server's log (with
# its time, a way round the anonymity of the answers); in production without SMTP, mail is dropped (the links are
# shown once on the group's page to whoever adds the respondents).
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env("DANHGIA_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_HOST = env("DANHGIA_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DANHGIA_EMAIL_PORT", 587)
EMAIL_HOST_USER = env("DANHGIA_EMAIL_USER")
EMAIL_HOST_PASSWORD = envsecret("DANHGIA_EMAIL_PASSWORD")
EMAIL_USE_TLS = envbool("DANHGIA_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env("DANHGIA_EMAIL_FROM", "danhgia@localhost")
# Absolute address of the site, for links in emails.
DANHGIA_SITE_URL = env("DANHGIA_SITE_URL", "http://127.0.0.1:8000")
# Days after a decision during which the subject may complain (configurable; QĐ 366 Art. 15 gives no figure).
DANHGIA_COMPLAINT_DAYS = envint("DANHGIA_COMPLAINT_DAYS", 30)
# The least number of answers per subject before an anonymous opinion group shows anything (a group may ask for
# more, never fewer). 3 as in Blik and most 360 tools (anchors-notes.md); the regulations set no figure.
DANHGIA_ANONYMITY_MIN = envint("DANHGIA_ANONYMITY_MIN", 3)
# Reminders (`danhgia remind`) start this many days before a phase's deadline and go on while it is late.
DANHGIA_REMIND_DAYS = envint("DANHGIA_REMIND_DAYS", 3)
# A period may be created for the years from DANHGIA_PERIOD_YEARS_BACK before this one (never before 2018) to
# DANHGIA_PERIOD_YEARS_AHEAD after it; a year outside is refused as a typing mistake (periods/services.py).
DANHGIA_PERIOD_YEARS_BACK = envint("DANHGIA_PERIOD_YEARS_BACK", 10)
DANHGIA_PERIOD_YEARS_AHEAD = envint("DANHGIA_PERIOD_YEARS_AHEAD", 1)

# Calls a minute one API token may make (docs/api.md); counted in the cache, so per process without Redis.
DANHGIA_API_RATE_PER_MINUTE = envint("DANHGIA_API_RATE_PER_MINUTE", 600)
# The highest HTXS rate a quota group may be given, when above the regulation's (QĐ 366: 25 % decided by the
# competent authority; QĐ 132, QĐ 124: 20 %): empty for the regulation's own; it only raises, never above 1.
DANHGIA_QUOTA_MAX_RATE = envrate("DANHGIA_QUOTA_MAX_RATE")
# Evidence files: largest accepted size and accepted extensions.
DANHGIA_MAX_UPLOAD_MB = envint("DANHGIA_MAX_UPLOAD_MB", 20)
DANHGIA_UPLOAD_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "ods"]

# Batches of documents (Word, PDF in one zip): "thread" runs them in a background thread of the web process,
# "queue" leaves them for `danhgia documents --pending` (cron or a service), "inline" runs them in the request
# (tests). Worker processes per batch (default: the cores, at most 4; 0 renders in-process). Batches above the web
# limit (files) are refused on the page and made with the command.
DANHGIA_DOCUMENT_JOBS = env("DANHGIA_DOCUMENT_JOBS", "thread")
DANHGIA_DOCUMENT_WORKERS = envint("DANHGIA_DOCUMENT_WORKERS", min(4, os.cpu_count() or 1))
# The largest file an import accepts, in MB (the import reads the whole upload; a province's file is ~6 MB).
DANHGIA_IMPORT_MAX_MB = envint("DANHGIA_IMPORT_MAX_MB", 100)
DANHGIA_DOCUMENT_WEB_LIMIT = envint("DANHGIA_DOCUMENT_WEB_LIMIT", 5000)

# Page size of every paginated list.
DANHGIA_PAGE_SIZE = envint("DANHGIA_PAGE_SIZE", 50)
