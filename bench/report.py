"""The results: tables of figures, each beside its target, in Markdown for the terminal and docs/."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

PASS, FAIL = "pass", "FAIL"


#: The hand-written analysis that follows the figures in docs/benchmarks.md.
NOTES = Path(__file__).resolve().parents[1] / "docs" / "benchmark-notes.md"


def verdict(ok: bool) -> str:
    return PASS if ok else FAIL


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.columns) + "|")
        for row in self.rows:
            padded = row + [""] * (len(self.columns) - len(row))
            lines.append("| " + " | ".join(padded) + " |")
        if self.notes:
            lines.append("")
            lines += self.notes
        return "\n".join(lines)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> str:
    """Cores, memory, CPU model, OS and Python, in one sentence."""
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                      if line.startswith("MemTotal:")), 0)
    system = next((line.split("=", 1)[1].strip('"') for line in _read("/etc/os-release").splitlines()
                   if line.startswith("PRETTY_NAME=")), platform.platform())
    return (f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.1f} GB of memory, {system}, "
            f"Python {platform.python_version()}")


@dataclass
class Report:
    settings: str
    sections: list[Section] = field(default_factory=list)

    def section(self, title: str, columns: list[str]) -> Section:
        found = Section(title, columns)
        self.sections.append(found)
        return found

    @property
    def failed(self) -> int:
        return sum(row.count(FAIL) for section in self.sections for row in section.rows)

    def markdown(self, when: datetime.datetime | None = None) -> str:
        when = when or datetime.datetime.now().astimezone()
        head = [
            "# Benchmarks",
            "",
            "Made by `bash scripts/bench` (see the README): the figures of one run, each beside its "
            "target with a pass or FAIL.",
            "",
            f"- **Date:** {when:%Y-%m-%d %H:%M %Z}",
            f"- **Machine:** {machine()}",
            f"- **Run:** {self.settings}",
            "",
            "",
        ]
        text = "\n".join(head) + "\n\n".join(section.markdown() for section in self.sections) + "\n"
        # Why a target is missed, and what it would take: written by hand, kept with every run.
        if NOTES.is_file():
            text += "\n" + NOTES.read_text()
        return text
