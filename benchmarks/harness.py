"""Timing and the table: interleaved repeats, medians, ratios.

Every contender of a case runs once per round, one after the other, for several rounds;
the figure is the median over rounds. Interleaving matters on a shared machine: a burst of
load from elsewhere slows every contender of that round, not just one, so the ratios hold
even when the absolute times wander.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Row:
    """One line of the table."""

    case: str
    contender: str
    seconds: float | None = None  # the median, or None when the contender did not run
    per: str = ""  # the figure per unit (per node, per step, bytes per node), as text
    note: str = ""  # ratio to autograd-lite, or why there is no figure
    runs: int = 0
    extra: dict = field(default_factory=dict)


def timed(fn):
    """Seconds taken by one call of ``fn``, after collecting the garbage of earlier runs.

    The collection happens before the clock starts, so no contender pays for the garbage
    another one left behind (micrograd's nodes are reference cycles: only the collector
    frees them).
    """
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(contenders: dict, rounds: int, warmup: int = 1) -> dict:
    """{name: [seconds per round]}: each round calls every contender once, in turn."""
    for _ in range(warmup):
        for fn in contenders.values():
            timed(fn)
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(timed(fn))
    return times


def median(xs):
    return statistics.median(xs)


def fmt_time(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_ratio(x: float) -> str:
    return f"{x:.1f}×" if x < 100 else f"{x:.0f}×"


def table(rows: list[Row], markdown: bool) -> str:
    """The rows as one table: aligned text for the terminal, or Markdown."""
    header = ("case", "contender", "median", "per unit", "vs autograd-lite")
    lines = []
    for r in rows:
        lines.append(
            (
                r.case,
                r.contender,
                fmt_time(r.seconds) if r.seconds is not None else "—",
                r.per,
                r.note,
            )
        )
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
    sep = "  "
    out = [sep.join(h.ljust(w) for h, w in zip(header, widths))]
    out.append(sep.join("-" * w for w in widths))
    previous = None
    for cells in lines:
        if previous is not None and cells[0] != previous:
            out.append("")
        previous = cells[0]
        out.append(sep.join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    return "\n".join(out)
