"""oicvet: the OIC-VET portal. ``create_app`` builds the site in named steps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import WEAK_SECRET_KEYS, Config, ProductionConfig, get_config
from oicvet import ratelimits, urls  # ratelimits registers its storage scheme with limits
from oicvet.i18n import CatalogSource
from oicvet.plugins import SectorPlugin
from oicvet.plugins.loader import load_plugins, mount_plugin_pages, register_plugins

CORE_TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def create_app(config: str | type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the app: configure, load plugins, bind extensions, add the site."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config, overrides)
    plugins = load_plugins(Path(app.config["OICVET_PLUGIN_DIR"]), app.config["OICVET_PLUGINS"])
    init_extensions(app, plugins)
    init_layout(app)
    register_plugins(app, plugins)
    init_features(app)
    mount_plugin_pages(app, plugins)
    register_error_handlers(app)
    register_cli(app)
    init_operations(app)
    return app


def configure(app: Flask, config: str | type[Config] | None, overrides: dict[str, Any]) -> None:
    config_class = config if isinstance(config, type) else get_config(config)
    app.config.from_object(config_class)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database = Path(app.instance_path) / "oicvet.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = ratelimits.storage_uri(Path(app.instance_path) / "ratelimits.db")
    if issubclass(config_class, ProductionConfig) and _weak_secret(app.config["SECRET_KEY"]):
        raise RuntimeError("Production needs a real SECRET_KEY (32 characters or more) in the environment")
    if issubclass(config_class, ProductionConfig) and not app.config["PUBLIC_URL"]:
        raise RuntimeError("Production needs PUBLIC_URL, the address visitors use (e.g. https://www.example.org)")
    urls.init_app(app)


def _weak_secret(key: str | None) -> bool:
    return not key or key in WEAK_SECRET_KEYS or len(key) < 32


def init_extensions(app: Flask, plugins: list[SectorPlugin]) -> None:
    from oicvet import i18n, mail, uploads
    from oicvet.extensions import csrf, db, limiter

    db.init_app(app)
    # Limits first, so that a flood of bad requests is refused before any other check.
    limiter.init_app(app)
    csrf.init_app(app)
    sources = [CatalogSource("core", CORE_TRANSLATIONS, "messages")]
    sources += [
        CatalogSource(p.key, p.translations_dir, p.key) for p in plugins if p.translations_dir
    ]
    i18n.init_app(app, sources)
    mail.init_app(app)
    uploads.init_app(app)


def init_layout(app: Flask) -> None:
    """What every page shares and no feature owns: menu, template helpers, headers, HTTP caching."""
    from oicvet import caching, menu, security, templating

    menu.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    # Outermost, so that the page cache and every check inside see the visitor's address and host.
    if proxies := app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def init_features(app: Flask) -> None:
    """The site's features; each mounts its pages and adds its menu entries, labels and sitemap."""
    from oicvet import accounts, contact, experts, pages, panel, partners, programmes, seo, trop

    for feature in (pages, programmes, contact, accounts, partners, trop, experts, panel, seo):
        feature.init_app(app)


def register_error_handlers(app: Flask) -> None:
    from oicvet import errors

    errors.init_app(app)


def init_operations(app: Flask) -> None:
    """Health checks, request logs and backups; last, as the request log wraps every other layer."""
    from oicvet import operations

    operations.init_app(app)


def register_cli(app: Flask) -> None:
    from oicvet import cli

    cli.init_app(app)
