"""Only an approved institution's opportunities are published: the rule that lets the catalogue,
its feeds and the sitemap filter on ``trop_opportunity.published`` alone, without reading the
institutions.

Publishing asks for an approved institution (``manage``). When staff reject an
institution that was approved (it leaves TROP), its published opportunities are
unpublished in the same transaction; approved again, it publishes them again.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import update

from oicvet.extensions import db
from oicvet.profiles.lifecycle import profile_moved
from oicvet.profiles.models import ReviewedProfile
from oicvet.profiles.status import Status, Transition
from oicvet.trop.models import TrainingOpportunity, TropInstitution


def init_app(app: Flask) -> None:
    profile_moved.connect(_on_profile_moved, sender=app)


def _on_profile_moved(sender: Flask, profile: ReviewedProfile, transition: Transition, **extra: Any) -> None:
    if isinstance(profile, TropInstitution) and profile.status != Status.APPROVED:
        unpublish_all(profile)


def unpublish_all(institution: TropInstitution) -> None:
    """Take every opportunity of ``institution`` off the catalogue (within the caller's transaction)."""
    db.session.execute(
        update(TrainingOpportunity)
        .where(TrainingOpportunity.institution_id == institution.id, TrainingOpportunity.published)
        .values(published=False, version=TrainingOpportunity.version + 1)
        .execution_options(synchronize_session="fetch")
    )
