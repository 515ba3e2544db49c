"""Entry point for gunicorn (``gunicorn wsgi:app``) and ``flask --app wsgi``."""

from oicvet import create_app

app = create_app()
