"""The reference: a bare Flask view, served by gunicorn exactly as the site is.

Each page's rate is given as a multiple of this one, which measures the
machine, gunicorn and Flask, and none of the site.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
