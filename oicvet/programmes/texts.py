"""Programme texts replaced by staff: the plugin's text stays the default.

An editor may replace a programme's summary and text in any language. A
language left empty shows the plugin's own text in that language, and
deleting the row restores the plugin's text in every language at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import DateTime, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from oicvet.content import Translated, translated_column
from oicvet.extensions import db
from oicvet.i18n import current_language
from oicvet.models import utcnow
from oicvet.plugins import Programme
from oicvet.statements import prepared


class ProgrammeText(Translated, db.Model):
    """Staff's own summary and text of a programme, in the languages they wrote."""

    __tablename__ = "programme_text"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: The plugin that declares the programme, so that sector editors find their own.
    sector: Mapped[str] = mapped_column(String(40), index=True)
    summary: Mapped[dict[str, str] | None] = translated_column()
    #: What the editor wrote, in the light markup of ``oicvet.richtext``.
    body: Mapped[dict[str, str] | None] = translated_column()
    #: ``body`` as sanitised HTML, made when it was saved.
    body_html: Mapped[dict[str, str] | None] = translated_column()
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


@dataclass(frozen=True)
class ShownProgramme:
    """A programme as its pages show it: the plugin's declaration, with staff's texts where they wrote one.

    It has the attributes of :class:`~oicvet.plugins.Programme` (plugin templates use them),
    ``stamp``, which changes whenever the shown text changes (it keys what pages keep), and
    ``rich``: the body is staff's sanitised HTML (show it as it is), not the plugin's paragraphs.
    """

    slug: str
    title: Any
    summary: Any
    body: Any
    stamp: str = ""
    rich: bool = False


def shown(programme: Programme, text: ProgrammeText | None, language: str | None = None) -> ShownProgramme:
    """``programme`` with the summary and text staff wrote in ``language`` (default: the page's)."""
    plain = ShownProgramme(programme.slug, programme.title, programme.summary, programme.body)
    if text is None:
        return plain
    language = language or current_language()
    summary = (text.summary or {}).get(language)
    body_html = (text.body_html or {}).get(language)
    if not (summary or body_html):
        return plain
    # The stamp is a digest of what this language shows, not the row's version: a text
    # restored and then written again starts at version 1 anew, and must not meet the
    # page part kept for its first version 1.
    stamp = hashlib.blake2b(f"{summary}\x00{body_html}".encode(), digest_size=8).hexdigest()
    return replace(
        plain,
        summary=summary or plain.summary,
        # Sanitised when it was saved (``oicvet.richtext``): safe to show as it is.
        body=Markup(body_html) if body_html else plain.body,  # noqa: S704
        stamp=stamp,
        rich=bool(body_html),
    )


def texts_of(slugs: Iterable[str]) -> dict[str, ProgrammeText]:
    """Staff's texts of these programmes, by slug (one query)."""
    wanted = list(slugs)
    if not wanted:
        return {}
    # Built once: the programme and sector pages ask on every request.
    statement = prepared("programme texts", lambda: (
        select(ProgrammeText).where(ProgrammeText.slug.in_(bindparam("slugs", expanding=True)))
    ))
    rows = db.session.scalars(statement, {"slugs": wanted})
    return {row.slug: row for row in rows}
