"""Uploaded files: checked by their content, capped in size, kept outside ``static/`` under random names.

A photo must be one Pillow reads as JPEG, PNG or WebP; it is re-encoded (which
drops whatever else the file carried: metadata, a script appended to it) and
scaled down for the web. A document must be a PDF that pypdf can open. The
name a file was sent with is never used to store it, nor trusted for its type.
Files are served by the feature that owns them, to those allowed to see them.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import Flask, Response, abort, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

from oicvet.i18n import lazy_gettext as _l

# Pillow and pypdf are imported by the functions that use them: only an upload needs them,
# and every process that starts would otherwise pay for them in time and memory.

#: Photos are re-encoded as the same type: these and no other.
PHOTO_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
#: Pillow refuses larger images outright (a "decompression bomb" is a small file of a huge image).
MAX_PIXELS = 40_000_000


class UploadError(ValueError):
    """The file is refused; ``message`` (translated) says why, for the form field."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None


def init_app(app: Flask) -> None:
    app.config.setdefault("UPLOAD_FOLDER", None)
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_capped(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(_l("The file is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)))
    return data


def _save(data: bytes, extension: str) -> str:
    name = f"{secrets.token_hex(16)}.{extension}"
    target = folder() / name
    # "x": never over a file that is there; a random name makes that all but impossible anyway.
    with open(target, "xb") as handle:
        handle.write(data)
    return name


def store_photo(stream: IO[bytes], max_bytes: int, max_side: int = 1600) -> StoredFile:
    """Check, re-encode, scale down and keep a photo; raise :class:`UploadError` if it is not one."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = _read_capped(stream, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in PHOTO_TYPES:
                    raise UploadError(_l("Choose a JPEG, PNG or WebP photo."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise UploadError(_l("The photo has too many pixels; send a smaller one."))
                probe.load()
                image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        if isinstance(error, UploadError):
            raise
        raise UploadError(_l("Choose a JPEG, PNG or WebP photo.")) from None
    image.thumbnail((max_side, max_side))
    content_type, extension = PHOTO_TYPES[kind]
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    options: dict[str, Any] = {"optimize": True}
    if kind in ("JPEG", "WEBP"):
        options["quality"] = 85
    image.save(buffer, format=kind, **options)
    encoded = buffer.getvalue()
    return StoredFile(_save(encoded, extension), content_type, len(encoded), image.width, image.height)


def store_pdf(stream: IO[bytes], max_bytes: int) -> StoredFile:
    """Keep a PDF that a PDF library can open; raise :class:`UploadError` otherwise."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    data = _read_capped(stream, max_bytes)
    # A PDF starts with its header (within the first kilobyte, by the standard).
    if b"%PDF-" not in data[:1024]:
        raise UploadError(_l("Choose a PDF document."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadError(_l("The PDF is protected by a password; send one that is not."))
        if len(reader.pages) < 1:
            raise UploadError(_l("Choose a PDF document."))
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        if isinstance(error, UploadError):
            raise
        raise UploadError(_l("Choose a PDF document.")) from None
    return StoredFile(_save(data, "pdf"), "application/pdf", len(data))


def send_upload(name: str, content_type: str, download_name: str, as_attachment: bool) -> Response:
    """A kept file; documents as attachments, never sniffed into another type."""
    path = folder() / Path(name).name
    if not path.is_file():
        abort(404)  # named by a record, but not on disk (demo data, or a folder restored without it)
    response = send_file(path, mimetype=content_type, as_attachment=as_attachment,
                         download_name=download_name, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def delete_upload(name: str) -> None:
    """Remove a kept file; one already gone is not an error."""
    (folder() / Path(name).name).unlink(missing_ok=True)


_AFTER_COMMIT = "oicvet.uploads_to_delete"


def delete_upload_after_commit(session: Session, name: str) -> None:
    """Remove a kept file once ``session`` commits (the record that named it is gone for good);
    a rollback keeps it."""
    session.info.setdefault(_AFTER_COMMIT, []).append((folder(), name))


@event.listens_for(Session, "after_commit")
def _delete_committed(session: Session) -> None:
    for path, name in session.info.pop(_AFTER_COMMIT, []):
        (path / Path(name).name).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_rolled_back(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def download_name(title: str, extension: str = "pdf", fallback: str = "document") -> str:
    """A file name made from a title, in plain ASCII: "Terms of reference" -> "Terms-of-reference.pdf";
    ``fallback`` for a title without a Latin letter or digit."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:80].rstrip("-")
    return f"{stem or fallback}.{extension}"
