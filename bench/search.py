"""Partner Search's server time at scale: p50 and p95 of the view's own queries, per kind of search.

Given the URL of a database that holds the demo data (``flask demo-data
--partners 100000``), ``measure(url)`` builds the site on it and times the
count and the page of results that Partner Search asks for, as the view does
(``oicvet.partners.search.search``), for each kind of search below. It
prints a table and returns ``(term, p50 ms, p95 ms)`` rows.

    python -m bench.search sqlite:///path/to/demo.db
    python -m bench.search postgresql://user@host/database
"""

from __future__ import annotations

import statistics
import sys
import time

#: (what is timed, the search): each kind the Partners Database must answer fast.
SEARCHES: tuple[tuple[str, dict[str, str]], ...] = (
    ("a word no partner has", {"keywords": "zygomorphic"}),
    ("a rare word", {"keywords": "beekeeping"}),
    ("a common word", {"keywords": "training"}),
    ("two words", {"keywords": "vocational training"}),
    ("a prefix", {"keywords": "voca"}),
    ("French, accents", {"keywords": "compétences"}),
    ("French, no accents", {"keywords": "competences"}),
    ("Arabic, diacritics", {"keywords": "التَّدْرِيب"}),
    ("Arabic, no diacritics", {"keywords": "التدريب"}),
    ("a country alone", {"country": "SN"}),
    ("a word and a country", {"keywords": "training", "country": "SN"}),
    ("nothing (every partner)", {}),
)
RUNS = 50


def measure(database_url: str, runs: int = RUNS) -> list[tuple[str, float, float]]:
    """Time each search ``runs`` times on the database at ``database_url``; print and return p50/p95 in ms."""
    from config import database_url as normalise
    from oicvet import create_app
    from oicvet.extensions import db
    from oicvet.partners.search import PartnerQuery, search

    app = create_app("development", SQLALCHEMY_DATABASE_URI=normalise(database_url), PAGE_CACHE=False)
    per_page = app.config["PARTNER_PAGE_SIZE"]
    rows = []
    with app.app_context():
        print(f"Partner Search on {db.engine.dialect.name}, {runs} runs each (ms):")
        print(f"  {'search':26} {'found':>7} {'p50':>7} {'p95':>7}")
        for label, fields in SEARCHES:
            query = PartnerQuery(**fields)
            times = []
            for run in range(runs + 3):
                started = time.perf_counter()
                results = search(query, page=1, per_page=per_page)
                elapsed = (time.perf_counter() - started) * 1000
                db.session.remove()  # each request has its own transaction
                if run >= 3:  # the first runs warm the caches
                    times.append(elapsed)
            times.sort()
            p50, p95 = statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]
            found = f"{results.total}{'+' if results.more else ''}"
            print(f"  {label:26} {found:>7} {p50:7.2f} {p95:7.2f}")
            rows.append((label, p50, p95))
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m bench.search DATABASE_URL")
    measure(sys.argv[1])
