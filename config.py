"""Configuration classes, read from the environment.

``OICVET_CONFIG`` picks one (development, testing, production); development
is the default so that a fresh checkout runs on SQLite with nothing set.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _plugin_list(value: str | None) -> list[str] | None:
    """``OICVET_PLUGINS="diplomacy,ict"`` -> ["diplomacy", "ict"]; unset -> all found."""
    if value is None or not value.strip():
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _host_list(value: str | None) -> tuple[str, ...]:
    return tuple(host.strip() for host in (value or "").split(",") if host.strip())


def language_list(value: str) -> tuple[str, ...]:
    """``"en, ar,fr"`` -> ("en", "ar", "fr"); start-up checks each code."""
    return tuple(code.strip().lower() for code in value.split(",") if code.strip())


def _folder_list(value: str | None) -> tuple[str, ...]:
    """Folders separated as in PATH (``:`` on Unix, ``;`` on Windows)."""
    return tuple(folder for folder in (value or "").split(os.pathsep) if folder.strip())


def _seconds(value: str) -> tuple[int, ...]:
    """``"60,300,1800"`` -> (60, 300, 1800)."""
    return tuple(int(part) for part in value.split(",") if part.strip())


def database_url(value: str | None) -> str | None:
    """Accept the usual ``postgresql://`` URLs; the driver installed is psycopg 3."""
    if value and value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # Where visitors reach the site. Every link that leaves a request (e-mails, the
    # sitemap, robots.txt, canonical and alternate links) starts with it, and requests
    # for any other host than its own and ALLOWED_HOSTS' are refused with a 400.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    ALLOWED_HOSTS = _host_list(os.environ.get("ALLOWED_HOSTS", "localhost"))
    # None means: SQLite in the instance folder (set by the app factory).
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    # hide_parameters: an error's message (logged) never quotes the values of a statement,
    # which may be a password hash, a token or a visitor's personal data.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # The languages the site is served in, English first: English is the default and
    # the fallback of every text. Each other one needs Babel's data for it and a core
    # catalog (translations/<code>/LC_MESSAGES/messages.po, or in a folder below).
    # Turkish ships with the code but is off by default (README, "Turkish"):
    # OICVET_LANGUAGES=en,ar,fr,tr serves it. A plugin gets a language's catalog with
    # `flask translate update --add <code>`.
    LANGUAGES = language_list(os.environ.get("OICVET_LANGUAGES", "en,ar,fr"))
    # Extra catalog folders, read after the core's and the plugins' (same layout:
    # <code>/LC_MESSAGES/<domain>.po, where the domain is "messages" for the core and
    # a plugin's key for its words), so a language can ship outside the code.
    TRANSLATION_FOLDERS = _folder_list(os.environ.get("OICVET_TRANSLATION_FOLDERS"))
    BABEL_DEFAULT_LOCALE = "en"

    OICVET_PLUGIN_DIR = os.environ.get("OICVET_PLUGIN_DIR", str(ROOT / "plugins"))
    OICVET_PLUGINS = _plugin_list(os.environ.get("OICVET_PLUGINS"))

    # Rate limits: Redis when several machines serve the site. None means: a SQLite
    # file in the instance folder (set by the app factory), shared by one machine's workers.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL
    # Redis down: each process counts the same limits in its own memory until Redis answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    CONTACT_RATE_LIMIT = os.environ.get("CONTACT_RATE_LIMIT", "5 per minute;30 per day")
    # Per visitor's address. Failed logins are also counted per (e-mail, visitor)
    # pair, past which that pair alone is refused, and per e-mail from anywhere,
    # past which a password alone no longer logs in: the owner is e-mailed a link.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;100 per hour")
    LOGIN_FAILURES_PER_SOURCE = os.environ.get("LOGIN_FAILURES_PER_SOURCE", "10 per hour")
    LOGIN_FAILURES_BEFORE_LINK = os.environ.get("LOGIN_FAILURES_BEFORE_LINK", "20 per hour")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per hour;20 per day")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per hour;20 per day")

    # argon2id cost; raising it rehashes each password at its owner's next login.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", str(64 * 1024)))  # KiB
    ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", "4"))
    PASSWORD_RESET_MAX_AGE = 3600
    LOGIN_LINK_MAX_AGE = 15 * 60
    EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 3600
    #: How long the link that lets a new staff member choose a password works.
    WELCOME_MAX_AGE = 7 * 24 * 3600

    # E-mail goes out by SMTP when MAIL_SERVER is set; otherwise it is written
    # as .eml files to MAIL_FOLDER (default: the instance folder's "mail").
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "starttls")  # starttls, ssl or none
    MAIL_TIMEOUT = 10
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "OIC-VET <no-reply@localhost>")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER") or None
    #: Photos and documents of events; default: instance/uploads/ (see oicvet/uploads.py).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or None
    # Mail leaves after the answer, from a background sender in each process. What
    # cannot go waits in MAIL_OUTBOX (default: the instance folder's "mail-outbox")
    # and is tried again after each delay (seconds), then moved to its "failed".
    MAIL_BACKGROUND = os.environ.get("MAIL_BACKGROUND", "true").lower() not in ("0", "false", "no", "off")
    MAIL_OUTBOX = os.environ.get("MAIL_OUTBOX") or None
    MAIL_RETRY_DELAYS = _seconds(os.environ.get("MAIL_RETRY_DELAYS", "60,300,1800,7200,43200"))

    # Anonymous pages kept in each worker's memory until the content changes (see oicvet/caching.py);
    # PAGE_CACHE_MAX_AGE bounds how long anything that depends on the clock may show unchanged.
    PAGE_CACHE = os.environ.get("PAGE_CACHE", "true").lower() not in ("0", "false", "no", "off")
    PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "300"))
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "2000"))
    #: Unset: "content-version" in the instance folder (or the Redis key, with REDIS_URL).
    PAGE_CACHE_VERSION_FILE = os.environ.get("PAGE_CACHE_VERSION_FILE") or None

    # Logs go to stderr (gunicorn and systemd's journal collect them): one line per request
    # and every error with its request id (oicvet/operations/logs.py). "json" writes JSON lines.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    #: False leaves the site's logger to whoever configures logging (the test runner does).
    LOG_HANDLER = True

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    PREFERRED_URL_SCHEME = "http"
    # How many proxies (nginx, a load balancer) stand in front of the site. Their
    # X-Forwarded-For/-Proto/-Host then give the visitor's address (for rate
    # limits) and the public scheme and host (for links in e-mails and the sitemap).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    MAX_CONTENT_LENGTH = 1024 * 1024

    # Static URLs carry a hash of the file (asset_url), so they can be cached for a year.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
    ARCHIVE_PAGE_SIZE = 20
    PARTNER_PAGE_SIZE = 20
    TROP_PAGE_SIZE = 20
    HSTS = False


class DevelopmentConfig(Config):
    DEBUG = False  # `flask run --debug` turns it on; never by default.


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only"
    # The test client's host; live servers for the browser run on 127.0.0.1.
    PUBLIC_URL = "http://localhost"
    ALLOWED_HOSTS = ("127.0.0.1",)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"))
    # Each test gets fresh limits; tests of the limits set their own storage.
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap hashes keep the suite fast; tests of rehashing raise them.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    ARGON2_PARALLELISM = 1
    MAIL_SERVER = None
    # Sent within the request, so that a test reads the mail folder right after it.
    MAIL_BACKGROUND = False
    # Tests of the page cache turn it on, with a version file of their own.
    PAGE_CACHE = False
    REDIS_URL = None
    # pytest captures the records; tests of the log lines install the handler themselves.
    LOG_HANDLER = False


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Required: production refuses to start without it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    ALLOWED_HOSTS = _host_list(os.environ.get("ALLOWED_HOSTS"))
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

#: Keys that are not secret enough for production.
WEAK_SECRET_KEYS = {"", "dev-only-not-secret", "testing-only", "change-me", "secret"}


def get_config(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("OICVET_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"Unknown OICVET_CONFIG {name!r}; choose one of {', '.join(CONFIGS)}"
        ) from None
