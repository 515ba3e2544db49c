"""The Partners Database: registration, profiles, approval and search."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the partner pages and staff review, and list approved partners in the sitemap."""
    from oicvet import seo
    from oicvet.partners import review, views

    app.register_blueprint(views.bp)
    app.register_blueprint(review.bp)
    review.init_app(app)
    seo.add_provider(app, views.listed_pages)
