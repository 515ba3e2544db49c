"""The expert's CV: a PDF checked by its content (``uploads.store_pdf``), at most 5 MB, kept outside
``static/`` under a random name, sent only as an attachment, and deleted with the record that names it."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_wtf.file import FileField
from sqlalchemy import event, update
from sqlalchemy.orm import object_session

from oicvet.experts.forms import CV_MAX_BYTES
from oicvet.experts.models import Expert
from oicvet.extensions import db
from oicvet.models import utcnow
from oicvet.uploads import (
    StoredFile,
    UploadError,
    delete_upload,
    delete_upload_after_commit,
    download_name,
    send_upload,
    store_pdf,
)


def receive(field: FileField) -> StoredFile | None:
    """Keep the file of a valid form's CV field; None, with the reason among the field's errors, if refused.

    The name the file was sent with is never used: not for storing it, nor for its type.
    """
    try:
        return store_pdf(field.data.stream, CV_MAX_BYTES)
    except UploadError as refused:
        field.errors = [*field.errors, refused.message]
        return None


def columns(stored: StoredFile) -> dict[str, Any]:
    """The expert's columns that name a kept CV."""
    return {"cv_name": stored.name, "cv_size": stored.size, "cv_uploaded_at": utcnow()}


def replace(expert: Expert, stored: StoredFile) -> bool:
    """Put a new CV in place of the kept one, which goes once this is committed.

    Only in place of the CV the expert's page showed: of two replacements at the
    same moment, the first wins, and the second's file is dropped (False).
    """
    previous = expert.cv_name
    done = db.session.execute(
        update(Expert).where(Expert.id == expert.id, Expert.cv_name == previous).values(**columns(stored))
        .execution_options(synchronize_session="fetch")
    ).rowcount == 1
    if not done:
        db.session.rollback()
        delete_upload(stored.name)
        return False
    delete_upload_after_commit(db.session(), previous)
    db.session.commit()
    return True


def send(expert: Expert) -> Response:
    """The CV as an attachment, never sniffed into another type."""
    return send_upload(expert.cv_name, "application/pdf", download_name(f"CV {expert.name}", fallback="CV"),
                       as_attachment=True)


@event.listens_for(Expert, "after_delete")
def _drop_with_record(mapper: Any, connection: Any, expert: Expert) -> None:
    # Withdrawn, or gone with its account: the file goes once that is committed.
    delete_upload_after_commit(object_session(expert) or db.session(), expert.cv_name)
