"""Partner Search: filters, and keywords matched by the search service (see oicvet.search)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import lazyload

from oicvet.partners.models import Partner, PartnerSector, Status
from oicvet.search.folding import query_terms
from oicvet.search.searchable import matching


@dataclass(frozen=True)
class PartnerQuery:
    keywords: str = ""
    country: str = ""
    sector: str = ""
    organisation_type: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.keywords.strip() or self.country or self.sector or self.organisation_type)


def listed_partners(query: PartnerQuery) -> Select:
    """Approved partners that match, most recently updated first."""
    # The list never shows the account (its e-mail is for the partner's page), so it is not joined.
    statement = select(Partner).options(lazyload(Partner.account)).where(Partner.status == Status.APPROVED)
    if query.country:
        statement = statement.where(Partner.country == query.country)
    if query.organisation_type:
        statement = statement.where(Partner.organisation_type == query.organisation_type)
    if query.sector:
        statement = statement.where(
            Partner.id.in_(select(PartnerSector.partner_id).where(PartnerSector.sector == query.sector))
        )
    terms = query_terms(query.keywords)
    if terms:
        statement = statement.where(matching(Partner, terms))
    return statement.order_by(Partner.updated_at.desc(), Partner.id.desc())
