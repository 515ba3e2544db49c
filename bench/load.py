"""Load with wrk: one URL for a while, or a mix of URLs up to a number of requests.

wrk's Lua ``done()`` hook prints the exact figures (requests, duration,
percentiles in microseconds, errors by kind), so nothing is parsed from the
rounded text wrk shows.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.servers import COOKIE, HarnessError, tool

CONNECTIONS = 16
#: Longer than wrk's 2 s default, so a slow answer counts in the latency rather than as a timeout.
TIMEOUT = "10s"

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f "
    .. "status=%d connect=%d read=%d write=%d timeout=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""

# One thread, so one Lua state counts every answer; it ends wrk once enough have come.
_MIX = """
local paths = {paths}
local cookies = {cookies}
local limit = {limit}
local i, answered, bad = 0, 0, 0
request = function()
  i = i % #paths + 1
  return wrk.format(nil, paths[i], {Cookie = cookies[i]})
end
response = function(status, headers, body)
  answered = answered + 1
  if status >= 400 then bad = bad + 1 end
  if answered >= limit then
    io.write(string.format("BENCH requests=%d bad=%d\\n", answered, bad))
    io.flush()
    os.exit(0)
  end
end
-- Reached only when the time runs out first; done() runs in a Lua state of its own.
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d bad=%d\\n", summary.requests, summary.errors.status))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad: int  # answers other than 2xx and 3xx
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _figures(output: str) -> dict[str, int]:
    for line in output.splitlines():
        if line.startswith("BENCH "):
            return {key: int(value) for key, value in (item.split("=") for item in line.split()[1:])}
    raise HarnessError(f"wrk printed no figures:\n{output}")


def _run(command: list[str], timeout: float) -> str:
    """wrk's output (and its errors, such as a script that does not load)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"wrk did not finish within {timeout:.0f} s: {' '.join(command)}") from None
    if done.returncode != 0:
        raise HarnessError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout + done.stderr


def measure(url: str, seconds: int, folder: Path, connections: int = CONNECTIONS) -> Load:
    """``wrk -t1 -c16 -d<seconds> --latency`` on one URL, as a returning visitor (the language cookie)."""
    script = folder / "done.lua"
    if not script.exists():
        script.write_text(_DONE)
    output = _run(
        [tool("wrk"), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", TIMEOUT,
         "-H", f"Cookie: {COOKIE}", "-s", str(script), url],
        timeout=seconds + 60,
    )
    got = _figures(output)
    return Load(
        requests=got["requests"],
        seconds=got["duration_us"] / 1e6,
        p50_ms=got["p50_us"] / 1000,
        p99_ms=got["p99_us"] / 1000,
        bad=got["status"],
        socket_errors=got["connect"] + got["read"] + got["write"] + got["timeout"],
    )


def _lua_strings(values: list[str]) -> str:
    if any(not value.isascii() or '"' in value or "\\" in value for value in values):
        raise HarnessError(f"not quoted ASCII: {values}")
    return "{" + ", ".join(f'"{value}"' for value in values) + "}"


def drive(base: str, mix: list[tuple[str, str]], requests: int, folder: Path, connections: int = CONNECTIONS,
          seconds_at_most: int = 900) -> int:
    """Send ``requests`` requests over ``mix`` (path, cookie) in turn; how many answers were 400 or more."""
    script = folder / f"mix-{requests}.lua"
    script.write_text(_MIX.replace("{paths}", _lua_strings([path for path, _ in mix]))
                      .replace("{cookies}", _lua_strings([cookie for _, cookie in mix]))
                      .replace("{limit}", str(requests)))
    output = _run(
        [tool("wrk"), "-t1", f"-c{connections}", f"-d{seconds_at_most}s", "--timeout", TIMEOUT,
         "-s", str(script), base + mix[0][0]],
        timeout=seconds_at_most + 60,
    )
    got = _figures(output)
    if got["requests"] < requests:
        raise HarnessError(f"wrk answered {got['requests']} of {requests} requests "
                           f"within {seconds_at_most} s")
    return got["bad"]
