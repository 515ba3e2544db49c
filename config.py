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


def database_url(value: str | None) -> str | None:
    """Accept the usual ``postgresql://`` URLs; the driver installed is psycopg 3."""
    if value and value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # None means: SQLite in the instance folder (set by the app factory).
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    LANGUAGES = ("en", "ar", "fr")
    BABEL_DEFAULT_LOCALE = "en"

    OICVET_PLUGIN_DIR = os.environ.get("OICVET_PLUGIN_DIR", str(ROOT / "plugins"))
    OICVET_PLUGINS = _plugin_list(os.environ.get("OICVET_PLUGINS"))

    # Rate limits: in memory on one machine, Redis when scaled out.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    CONTACT_RATE_LIMIT = os.environ.get("CONTACT_RATE_LIMIT", "5 per minute;30 per day")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    MAX_CONTENT_LENGTH = 1024 * 1024

    # Static URLs carry a hash of the file (asset_url), so they can be cached for a year.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
    ARCHIVE_PAGE_SIZE = 20
    HSTS = False


class DevelopmentConfig(Config):
    DEBUG = False  # `flask run --debug` turns it on; never by default.


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"))
    # Each test gets fresh limits; tests of the limits set their own storage.
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SESSION_COOKIE_SECURE = True
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
