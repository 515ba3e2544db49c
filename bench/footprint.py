"""Start-up time (``import wsgi`` in fresh processes) and each gunicorn worker's memory."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from bench.servers import ROOT, HarnessError, Site

# The import alone is timed: the interpreter's own start is the same for any site.
_IMPORT = """
import time
started = time.perf_counter()
import wsgi
elapsed = time.perf_counter() - started
print("BENCH", elapsed, len(wsgi.app.extensions["oicvet.plugins"].sectors))
"""


def import_time(site: Site, runs: int) -> tuple[float, int]:
    """The median seconds of ``import wsgi`` over ``runs`` fresh processes, and how many plugins loaded."""
    times: list[float] = []
    plugins = 0
    for run in range(runs + 1):
        done = subprocess.run([sys.executable, "-c", _IMPORT], cwd=ROOT, env=site.environment(),
                              capture_output=True, text=True, timeout=120)
        line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), None)
        if done.returncode != 0 or line is None:
            raise HarnessError(f"import wsgi failed:\n{done.stdout}{done.stderr}")
        _, elapsed, count = line.split()
        plugins = int(count)
        if run:  # the first one also writes the bytecode caches
            times.append(float(elapsed))
    return statistics.median(times), plugins


def rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB (MiB, as the kernel counts kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise HarnessError(f"no VmRSS for process {pid}")
