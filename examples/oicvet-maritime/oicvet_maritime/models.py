"""The plugin's own table. Its name starts with the plugin's key, so that it never meets a table
of the core or of another plugin; its migration is in ``migrations/versions/``."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from oicvet.extensions import db


class Port(db.Model):
    """A port of the example sector."""

    __tablename__ = "maritime_port"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: ISO 3166-1 alpha-2 code, as the core stores countries; shown in the reader's language.
    country: Mapped[str] = mapped_column(String(2))
