"""What every template can use beyond Flask's and Babel's own helpers.

Only what the layout and the plugin contract need lives here; each feature
adds its own labels and helpers from its ``init_app``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, url_for

from oicvet.plugins.registry import get_registry


def sector_title(key: str) -> Any:
    plugin = get_registry().sector(key)
    return plugin.title if plugin else key


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    versions: dict[str, str] = {}

    def asset_url(filename: str) -> str:
        if filename not in versions:
            digest = hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]
            versions[filename] = digest
        return url_for("static", filename=filename, v=versions[filename])

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        asset_url=asset_url,
        programme_entry=lambda slug: get_registry().programme(slug),
        sector_title=sector_title,
    )
