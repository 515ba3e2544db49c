"""Partner Search: filters and a keyword search over the folded text.

SQLite uses an FTS5 table kept in step by triggers; PostgreSQL uses its own
full-text search over a GIN index (both made by the migration). Terms are
folded words (letters and digits only), so neither query syntax can be
injected.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, literal_column, select, table, text
from sqlalchemy.orm import lazyload

from oicvet.extensions import db
from oicvet.partners.folding import query_terms
from oicvet.partners.models import Partner, PartnerSector, Status


@dataclass(frozen=True)
class PartnerQuery:
    keywords: str = ""
    country: str = ""
    sector: str = ""
    organisation_type: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.keywords.strip() or self.country or self.sector or self.organisation_type)


def _matching(terms: list[str]):
    if db.engine.dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        # The same expression as the index, so that PostgreSQL uses it.
        vector = func.to_tsvector(literal_column("'simple'"), Partner.search_text)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery))
    match = " ".join(f'"{term}"*' for term in terms)
    ids = (
        select(literal_column("rowid"))
        .select_from(table("partner_fts"))
        .where(text("partner_fts MATCH :match").bindparams(match=match))
    )
    return Partner.id.in_(ids)


def listed_partners(query: PartnerQuery) -> Select:
    """Approved partners that match, most recently updated first."""
    # The list never shows the account (its e-mail is for the partner's page), so it is not joined.
    statement = select(Partner).options(lazyload(Partner.account)).where(Partner.status == Status.APPROVED.value)
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
        statement = statement.where(_matching(terms))
    return statement.order_by(Partner.updated_at.desc(), Partner.id.desc())
