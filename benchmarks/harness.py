"""Timing and the table: each contender timed as a block, medians over rounds, ratios.

How a contender is timed (``block``): collect the garbage first, untimed; one warm-up
step; then as many steps as fit in ``min_seconds`` (at least two), timed together; the
figure is the mean per step. Everything a contender's steps leave behind, including the
reference cycles that only Python's cyclic collector frees (micrograd's nodes are such
cycles), is collected inside its own block: each contender pays for its own garbage, and
an occasional full collection is paid by whoever caused it. (A contender that switches the
collector off for its steps, as ``micrograd, gc.disable()`` does, leaves its cycles to a
collection after its timing, untimed: that row is its arithmetic alone.)

A round times every contender once, one block after the other; the table shows the median
over rounds, so a burst of load from elsewhere on a shared machine moves one round, not the
result.

A block also clocks the time its steps spend inside Python's cyclic garbage collector, and
counts the full collections (``CollectorClock``, from ``gc.callbacks``): in a big heap that
is where most of a graph-building step can go.
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
    extra: dict = field(default_factory=dict)  # "collector": time in the collector (case 1)


@dataclass
class Timing:
    """What one block measured, per call of its step."""

    seconds: float  # wall time
    collector: float  # of which inside Python's cyclic garbage collector
    full: float  # full collections (of every generation, the whole heap)


class CollectorClock:
    """Time inside Python's cyclic garbage collector, and the number of full collections,
    while registered in ``gc.callbacks`` (``with CollectorClock() as clock:``). The collector
    calls it when it starts and when it stops a collection."""

    def __init__(self):
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        if info["generation"] == 2:
            self.full += 1

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def block(step, min_seconds: float = 0.8) -> Timing:
    """Mean figures per call of ``step``: garbage collected untimed, one warm-up call, then
    calls for at least ``min_seconds`` (and at least two), timed together."""
    gc.collect()
    step()  # warm-up: caches, first-call costs
    calls = 0
    with CollectorClock() as clock:
        start = time.perf_counter()
        while True:
            step()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds and calls >= 2:
                # read now: a collection that starts after the timing (leaving the block
                # makes objects) is not this block's to count
                inside, full = clock.seconds, clock.full
                break
    return Timing(elapsed / calls, inside / calls, full / calls)


def rounds_of_blocks(contenders: dict, rounds: int, min_seconds: float = 0.8) -> dict:
    """{name: [Timing, one per round]}: every round times each contender as one block, in
    turn."""
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, step in contenders.items():
            times[name].append(block(step, min_seconds))
    return times


def seconds(timings) -> list:
    """The wall times of a list of ``Timing``."""
    return [t.seconds for t in timings]


def in_collector(timings) -> str:
    """The median time in the collector per step, the median share of a step it took, and
    the median number of full collections per step: "93 ms (61%), 0.8 full"."""
    inside = median([t.collector for t in timings])
    share = median([t.collector / t.seconds if t.seconds else 0.0 for t in timings])
    full = median([t.full for t in timings])
    return f"{fmt_time(inside)} ({share:.0%}), {full:.1f} full"


def full_collection_seconds(repeat: int = 3) -> float:
    """The quickest of ``repeat`` full collections of the heap as it is now: what every full
    collection costs whoever triggers it."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        gc.collect()
        best = min(best, time.perf_counter() - start)
    return best


def timed(fn) -> float:
    """Seconds taken by one call of ``fn`` (for the big graphs, where one call is long).

    The garbage of earlier runs is collected first, untimed; ``fn``'s own garbage is freed
    inside the call (autograd-lite frees a graph by reference counting when its last name
    goes away).
    """
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(contenders: dict, rounds: int) -> dict:
    """{name: [seconds per round]}: one ``timed`` call of each contender per round."""
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(timed(fn))
    return times


def median(xs):
    return statistics.median(xs)


def fmt_time(t: float) -> str:
    if t >= 1.0:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.1f} ms"
    return f"{t * 1e6:.0f} µs"


def fmt_ratio(x: float) -> str:
    return f"{x:.1f}×" if x < 100 else f"{x:.0f}×"


def table(rows: list[Row], markdown: bool) -> str:
    """The rows as one table: aligned text for the terminal, or Markdown."""
    header = ("case", "contender", "median", "per unit", "in the collector", "vs autograd-lite")
    lines = []
    for r in rows:
        lines.append(
            (
                r.case,
                r.contender,
                fmt_time(r.seconds) if r.seconds is not None else "—",
                r.per,
                r.extra.get("collector", "—" if r.seconds is not None else ""),
                r.note,
            )
        )
    if markdown:  # a "|" inside a cell would end the cell; Markdown escapes it with a backslash
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in lines]
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
