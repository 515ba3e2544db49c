"""``bash scripts/bench``: build a throw-away site, measure it, print every figure beside its target.

Parts, in order: the pages through gunicorn as served and with every cache
off; the same pages through nginx; memory per worker; start-up; Partner
Search's server time on SQLite and PostgreSQL. A missed target is a FAIL in the
table; the exit status is 1 only when the harness could not measure.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import databases, footprint, load, pages
from bench.report import Report, Section, verdict
from bench.servers import (
    COOKIE,
    ROOT,
    WORKERS,
    HarnessError,
    Site,
    fetch,
    free_port,
    gunicorn,
    nginx,
    require,
)

PARTS = ("gunicorn", "uncached", "nginx", "memory", "startup", "search")
OUTPUT = ROOT / "docs" / "benchmarks.md"

STARTUP_TARGET_S = 0.5
RSS_TARGET_MB = 80.0
#: "No growth", allowing for the allocator's noise.
RSS_GROWTH_MB = 2.0
SEARCH_P95_TARGET_MS = 10.0

PAGE_COLUMNS = ["page", "req/s", "p50 ms", "p99 ms"]
MEASURE_COLUMNS = ["measure", "value", "target", "result"]


@dataclass(frozen=True)
class Options:
    smoke: bool
    partners: int
    events: int
    institutions: int
    opportunities: int
    experts: int
    duration: int
    warmup: int
    rss_requests: tuple[int, int]
    startup_runs: int
    postgres_url: str
    parts: tuple[str, ...]
    keep: bool

    def describe(self) -> str:
        first, then = self.rss_requests
        return (
            f"{self.partners:,} partners, {self.events:,} events, {self.institutions:,} training institutions, "
            f"{self.opportunities:,} training opportunities and {self.experts:,} experts of demo data; "
            f"wrk -t1 -c{load.CONNECTIONS} for {self.duration} s per page after {self.warmup} s of warm-up, "
            f"with `Cookie: {COOKIE}`; gunicorn with {WORKERS} sync workers; memory after {first:,} and "
            f"{then:,} requests; start-up: median of {self.startup_runs} processes"
        )


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bash scripts/bench",
        description="Build a throw-away site, measure it, and print every figure beside its target.",
    )
    parser.add_argument("--smoke", action="store_true",
                        help="a few seconds per part on small data, to prove the harness works; "
                             "docs/benchmarks.md is left alone")
    parser.add_argument("--partners", type=int, help="demo partners (default 100000; smoke 500)")
    parser.add_argument("--events", type=int, help="demo events (default 20000; smoke 200)")
    parser.add_argument("--institutions", type=int, help="demo training institutions (default 300; smoke too)")
    parser.add_argument("--opportunities", type=int,
                        help="demo training opportunities (default 5000; smoke too)")
    parser.add_argument("--experts", type=int, help="demo experts (default 2000; smoke 300)")
    parser.add_argument("--duration", type=int, help="seconds of wrk per page (default 8; smoke 1)")
    parser.add_argument("--warmup", type=int, help="seconds of wrk before each measure (default 2; smoke 0)")
    parser.add_argument("--rss-requests", type=int, nargs=2, metavar=("FIRST", "THEN"),
                        help="requests before each memory reading (default 10000 50000; smoke 500 1500)")
    parser.add_argument("--startup-runs", type=int, help="fresh processes timed (default 7; smoke 3)")
    parser.add_argument("--postgres-url", default=databases.DEFAULT_POSTGRES_URL,
                        help="the bench's own PostgreSQL database, made when missing (default %(default)s)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated parts to run (default all: {','.join(PARTS)}); "
                             "docs/benchmarks.md is written only when all run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, configuration)")
    args = parser.parse_args(argv)
    parts = tuple(part.strip() for part in args.parts.split(",") if part.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if args.rss_requests and not 0 < args.rss_requests[0] < args.rss_requests[1]:
        parser.error("--rss-requests takes two numbers, the second larger")
    smoke = args.smoke
    first, then = args.rss_requests or ((500, 1500) if smoke else (10_000, 50_000))
    return Options(
        smoke=smoke,
        partners=args.partners or (500 if smoke else 100_000),
        events=args.events or (200 if smoke else 20_000),
        # As many in the smoke run: they take seconds to make, and the directory needs a few pages.
        institutions=300 if args.institutions is None else args.institutions,
        opportunities=5_000 if args.opportunities is None else args.opportunities,
        experts=args.experts if args.experts is not None else (300 if smoke else 2_000),
        duration=args.duration or (1 if smoke else 8),
        warmup=args.warmup if args.warmup is not None else (0 if smoke else 2),
        rss_requests=(first, then),
        startup_runs=args.startup_runs or (3 if smoke else 7),
        postgres_url=args.postgres_url,
        parts=parts,
        keep=args.keep,
    )


def say(message: str) -> None:
    """Progress, on standard error; the table goes to standard output."""
    print(message, file=sys.stderr, flush=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    started = time.monotonic()
    say(f"== {title}")
    yield
    say(f"   ({time.monotonic() - started:.0f} s)")


def _mb(values: list[float], sign: str = "") -> str:
    return ", ".join(f"{value:{sign}.1f} MB" for value in values)


class Bench:
    def __init__(self, options: Options, folder: Path) -> None:
        self.options = options
        self.folder = folder
        self.site = Site(folder)
        self.report = Report(options.describe())
        self.values: dict[str, str] = {}
        self.hello: load.Load | None = None
        #: What could not be measured; the other parts go on, and the exit status is 1.
        self.broken: list[str] = []

    # -- helpers ------------------------------------------------------------------------

    def check(self, base: str, path: str, what: str, cookie: str = COOKIE) -> bytes:
        """The page's body; a HarnessError unless it answers 200."""
        answer = fetch(base, path, cookie)
        if answer.status != 200:
            raise HarnessError(f"{what} ({path}) answered {answer.status}, not 200")
        return answer.body

    def measure(self, base: str, path: str, what: str) -> load.Load:
        if self.options.warmup:
            load.measure(base + path, self.options.warmup, self.folder)
        result = load.measure(base + path, self.options.duration, self.folder)
        if result.bad:
            self.broken.append(f"{what} ({path}): {result.bad} answers other than 2xx/3xx under load")
        note = f", {result.bad} bad answers" if result.bad else ""
        note += f", {result.socket_errors} socket errors (timeouts included)" if result.socket_errors else ""
        say(f"   {what}: {result.rate:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms{note}")
        return result

    @staticmethod
    def figures(result: load.Load) -> list[str]:
        return [f"{result.rate:,.0f}", f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}"]

    def discover(self, base: str) -> None:
        """The demo data's names and ids that the pages' URLs need, read once from the site's own links."""
        if self.values:
            return
        try:
            self.values = pages.discover(lambda path: self.check(base, path, "a page read").decode())
        except LookupError as error:
            raise HarnessError(str(error)) from None
        say("   found: " + ", ".join(f"{name}={value}" for name, value in self.values.items()))

    # -- parts ----------------------------------------------------------------------------

    def build(self) -> None:
        options = self.options
        with step(f"A throw-away site: {options.partners:,} partners, {options.events:,} events, "
                  f"{options.institutions:,} training institutions, {options.opportunities:,} opportunities, "
                  f"{options.experts:,} experts"):
            self.site.load(options.partners, options.events, options.institutions, options.opportunities,
                           options.experts)

    def reference(self) -> load.Load:
        """The bare Flask view under the same gunicorn settings, measured once per run."""
        if self.hello is None:
            with gunicorn(self.site, "bench.hello:app", name="hello") as server:
                self.check(server.base, "/", "the bare Flask view")
                self.hello = self.measure(server.base, "/", "hello")
        return self.hello

    def gunicorn_run(self, run: str, title: str, **env: str) -> None:
        with step(title):
            section = self.report.section(title, [*PAGE_COLUMNS, "× hello", "target", "result"])
            hello = self.reference()
            section.add("Bare Flask view (the reference)", *self.figures(hello), "1.00", "", "")
            with gunicorn(self.site, name=run, **env) as server:
                self.discover(server.base)
                for page in pages.PAGES:
                    path = pages.page_path(page, self.values)
                    self.check(server.base, path, page.name)
                    result = self.measure(server.base, path, page.name)
                    ratio = result.rate / hello.rate if hello.rate else 0.0
                    target = page.targets.get(run)
                    if target is None:
                        section.add(page.name, *self.figures(result), f"{ratio:.2f}", "", "")
                    else:
                        section.add(page.name, *self.figures(result), f"{ratio:.2f}", f"≥ {target:.2f}",
                                    verdict(ratio >= target))

    def served(self) -> None:
        self.gunicorn_run("served", "Through gunicorn, as served (the site's own caches on)")

    def uncached(self) -> None:
        title = "Through gunicorn, every cache off (PAGE_CACHE=false)"
        self.gunicorn_run("uncached", title, PAGE_CACHE="false")

    def nginx_run(self) -> None:
        title = "Through nginx (the shipped configuration: pages from the app's page cache), over HTTPS"
        with step(title):
            section = self.report.section(title, [*PAGE_COLUMNS, "× static"])
            https_port = free_port()
            # As in production: nginx in front, PROXY_COUNT=1, PUBLIC_URL naming nginx's address.
            with gunicorn(self.site, name="nginx", public_url=f"https://localhost:{https_port}",
                          PROXY_COUNT="1") as app, nginx(self.folder, app.port, https_port) as front:
                self.discover(front.base)
                home = self.check(front.base, "/en/", "Home through nginx")
                (front.static / "ceiling.html").write_bytes(home)
                self.check(front.base, "/static/ceiling.html", "the static file")
                ceiling = self.measure(front.base, "/static/ceiling.html", "static file")
                section.add(f"Static file of the home page's size ({len(home):,} bytes), the ceiling",
                            *self.figures(ceiling), "1.00")
                for page in pages.PAGES:
                    path = pages.page_path(page, self.values)
                    self.check(front.base, path, page.name)
                    result = self.measure(front.base, path, page.name)
                    ratio = result.rate / ceiling.rate if ceiling.rate else 0.0
                    section.add(page.name, *self.figures(result), f"{ratio:.2f}")
            section.notes.append(
                "nginx keeps no page, so that an edit shows on the next request: each page comes from the "
                "app's page cache, behind TLS and a proxy hop, and the static file shows what nginx alone "
                "would reach. No target: the as-served targets are those of the section through gunicorn."
            )

    def memory(self) -> None:
        first, then = self.options.rss_requests
        with step(f"Memory per worker after {first:,} and {then:,} requests"):
            section = self.report.section("Memory per gunicorn worker (as served)", MEASURE_COLUMNS)
            with gunicorn(self.site, name="memory") as server:
                self.discover(server.base)
                listing = self.check(server.base, "/en/partners/", "Partner Search").decode()
                partners = list(dict.fromkeys(re.findall(r'href="/en/partners/(\d+)/"', listing)))
                mix = pages.mix(self.values, partners)
                for path, cookie in mix:
                    self.check(server.base, path, "a page of the mix", cookie)
                workers = server.worker_pids()
                bad = load.drive(server.base, mix, first, self.folder)
                after_first = [footprint.rss_mb(pid) for pid in workers]
                bad += load.drive(server.base, mix, then - first, self.folder)
                if server.worker_pids() != workers:
                    raise HarnessError("a gunicorn worker was replaced during the memory part (see its log)")
                after_then = [footprint.rss_mb(pid) for pid in workers]
            if bad:
                self.broken.append(f"memory: {bad} answers of 400 or more")
            growth = [later - earlier for earlier, later in zip(after_first, after_then, strict=True)]
            say(f"   RSS {_mb(after_first)}, then {_mb(after_then)}")
            section.add(f"RSS per worker after {first:,} requests", _mb(after_first),
                        f"≤ {RSS_TARGET_MB:.0f} MB", verdict(max(after_first) <= RSS_TARGET_MB))
            section.add(f"Growth from {first:,} to {then:,} requests", _mb(growth, "+"),
                        f"none (≤ +{RSS_GROWTH_MB:.0f} MB)", verdict(max(growth) <= RSS_GROWTH_MB))
            section.notes.append(
                f"VmRSS of each worker, driven by wrk over {len(mix)} URLs in turn, each with its "
                "language's cookie: every measured page, partners' pages, and pages of the archive, of "
                "Partner Search, of the TROP catalogue (current and past), of the Training Institutions and "
                "of the Roster of Experts (whole and one roster), with a training opportunity's, an "
                "institution's and an expert's page, in English, Arabic and French."
            )

    def startup(self) -> None:
        with step("Start-up"):
            section = self.report.section("Start-up", MEASURE_COLUMNS)
            runs = self.options.startup_runs
            seconds, plugins = footprint.import_time(self.site, runs)
            say(f"   import wsgi: {seconds:.3f} s ({plugins} plugins)")
            section.add(f"`import wsgi` with {plugins} plugins (median of {runs} fresh processes)",
                        f"{seconds:.3f} s", f"≤ {STARTUP_TARGET_S} s", verdict(seconds <= STARTUP_TARGET_S))

    def search(self) -> None:
        with step("Partner Search server time"):
            section = self.report.section(
                f"Partner Search server time ({self.options.partners:,} partners)",
                ["database", "term", "p50 ms", "p95 ms", "target", "result"],
            )
            target = f"p95 ≤ {SEARCH_P95_TARGET_MS:.0f} ms"
            if not databases.search_available():
                section.add("SQLite and PostgreSQL", "", "", "", target,
                            "not measured: bench/search.py is not there yet")
                say("   not measured: bench/search.py is not there yet")
                return
            self.search_rows(section, "SQLite", self.site)
            folder = self.folder / "postgres"
            folder.mkdir()
            with step("The same demo data on PostgreSQL (loaded again only when it changed)"):
                site = databases.prepare_postgres(self.options.postgres_url, folder, self.options.partners,
                                                  self.options.events, self.options.institutions,
                                                  self.options.opportunities, self.options.experts)
            if site is None:
                section.add("PostgreSQL", "", "", "", target, "not measured: no PostgreSQL")
                say("   PostgreSQL: not measured: no PostgreSQL")
                return
            self.search_rows(section, "PostgreSQL", site)

    def search_rows(self, section: Section, database: str, site: Site) -> None:
        timings = databases.partner_search_times(site, self.folder / "logs" / f"search-{database}.log")
        if not timings:
            raise HarnessError(f"bench.search.measure timed no term on {database}")
        for timing in timings:
            say(f"   {database} {timing.term!r}: p50 {timing.p50_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms")
            ok = timing.p95_ms <= SEARCH_P95_TARGET_MS
            section.add(database, timing.term, f"{timing.p50_ms:.1f}", f"{timing.p95_ms:.1f}",
                        f"p95 ≤ {SEARCH_P95_TARGET_MS:.0f} ms", verdict(ok))

    def run(self) -> None:
        """Build the site, then run each part chosen; one that cannot measure is noted, the others go on."""
        self.build()
        parts: dict[str, Callable[[], None]] = {
            "gunicorn": self.served,
            "uncached": self.uncached,
            "nginx": self.nginx_run,
            "memory": self.memory,
            "startup": self.startup,
            "search": self.search,
        }
        for name in PARTS:
            if name in self.options.parts:
                try:
                    parts[name]()
                except HarnessError as error:
                    self.broken.append(f"{name}: {error}")
                    say(f"   could not measure: {error}")


def _unwind(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    # `timeout` (as in CI) sends SIGTERM: unwind, so that every server started is stopped.
    signal.signal(signal.SIGTERM, _unwind)
    folder = Path(tempfile.mkdtemp(prefix="oicvet-bench-"))
    bench = Bench(options, folder)
    try:
        require("wrk", "nginx", "openssl")
        bench.run()
    except HarnessError as error:
        bench.broken.append(str(error))
    finally:
        if options.keep:
            say(f"(kept {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    text = bench.report.markdown()
    print(text)
    if bench.broken:
        say("The harness could not measure everything:")
        for problem in bench.broken:
            say(f"  - {problem}")
        return 1
    say(f"{bench.report.failed} target(s) missed." if bench.report.failed else "Every target met.")
    if not options.smoke and set(options.parts) == set(PARTS):
        OUTPUT.parent.mkdir(exist_ok=True)
        OUTPUT.write_text(text)
        say(f"Written to {OUTPUT.relative_to(ROOT)}.")
    return 0
