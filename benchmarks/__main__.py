"""``python -m benchmarks [--quick]``: every case, one table, and benchmarks/RESULTS.md.

Contenders that are not installed (micrograd, PyTorch) get a row that says so. After every
library is imported the harness calls ``gc.freeze()``: the objects of the imported modules
(PyTorch alone brings about 150,000) move out of the collector's reach, so that nobody's
garbage collections are slowed by a big library that merely sits in the same process.
Without it, micrograd as shipped looks several times slower still, which would flatter us.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from pathlib import Path

import autograd_lite as ag

from . import cases
from .harness import table

HERE = Path(__file__).resolve().parent


def available() -> dict:
    have = {}
    for name in ("micrograd", "torch"):
        try:
            __import__(name)
            if name == "micrograd":
                import micrograd.nn  # noqa: F401
            have[name] = True
        except ImportError:
            have[name] = False
    return have


def versions(have) -> str:
    parts = [f"Python {platform.python_version()}", f"autograd-lite {ag.__version__}"]
    if have["micrograd"]:
        from importlib.metadata import version

        parts.append(f"micrograd {version('micrograd')}")
    if have["torch"]:
        import torch

        parts.append(f"torch {torch.__version__}")
    return ", ".join(parts)


def targets(med, scaling_info, settings) -> list[str]:
    """The issue's targets, each with the measured figure and whether it is met."""
    from .training import NN_ROW, NODES_ROW

    out = []

    def check(what, value, goal, ok, fmt="{:.1f}×"):
        out.append(f"- {what}: {fmt.format(value)} (target {goal}) — {'met' if ok else 'NOT met'}")

    def ratio(a, b):
        return med[a] / med[b] if a in med and b in med else None

    paused = ", in ag.gc_paused()"
    mg, mg_off, torch_row, floor = (
        "micrograd 0.1.0 as shipped",
        "micrograd, gc.disable()",
        "PyTorch, 0-d float64 tensors",
        "plain floats, hand-written backward (floor)",
    )
    for suffix in ("", paused):
        tag = " (nn step" + (" in gc_paused)" if suffix else ", collector on)")
        r = ratio(mg, NN_ROW + suffix)
        if r:
            check("nn vs micrograd as shipped" + tag, r, "≥ 100×", r >= 100)
        r = ratio(NN_ROW + suffix, floor)
        check("nn vs the plain-float floor" + tag, r, "≤ 1.5×", r <= 1.5)
    for suffix in ("", paused):
        tag = " (node by node" + (" in gc_paused)" if suffix else ", collector on)")
        for other, goal in ((mg, 15), (mg_off, 3), (torch_row, 5)):
            r = ratio(other, NODES_ROW + suffix)
            if r:
                check(f"{other} vs autograd-lite{tag}", r, f"≥ {goal}×", r >= goal)
    memory = scaling_info["memory"]
    big = max(memory)
    built, after = memory[big]
    check(f"bytes per node, chain of {big:,} (graph)", built, "≤ 200", built <= 200, "{:.0f} B")
    check(
        f"bytes per node, chain of {big:,} (graph + grads)",
        after,
        "≤ 200",
        after <= 200,
        "{:.0f} B",
    )
    sizes = settings.sizes
    for name in ("autograd-lite", "autograd-lite, in ag.gc_paused()"):
        t = scaling_info["time"]
        r = t[name, sizes[-1]] / t[name, sizes[0]]
        check(f"time per node at {sizes[-1]:,} vs {sizes[0]:,} ({name})", r, "≤ 1.5×", r <= 1.5)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, few rounds")
    parser.add_argument(
        "--output",
        default=None,
        help="where to write the Markdown (default benchmarks/RESULTS.md; "
        "--quick writes nothing unless given)",
    )
    args = parser.parse_args(argv)
    settings = cases.QUICK if args.quick else cases.FULL
    have = available()
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    rows = []
    step_rows, med = cases.training_step(settings, have)
    rows += step_rows
    print("case 1 done", file=sys.stderr)
    rows += cases.million_chain(settings, have)
    print("case 2 done", file=sys.stderr)
    rows += cases.million_sum(settings, have)
    print("case 3 done", file=sys.stderr)
    scale_rows, scaling_info = cases.scaling(settings, have)
    rows += scale_rows
    print("case 4 done", file=sys.stderr)
    rows += cases.hessians(settings, have)
    elapsed = time.perf_counter() - started

    header = (
        f"{versions(have)}; {os.cpu_count()} CPU(s), {platform.machine()}; "
        f"{'quick' if args.quick else 'full'} run in {elapsed:.0f} s"
    )
    goals = targets(med, scaling_info, settings)
    print(header)
    print()
    print(table(rows, markdown=False))
    print()
    print("Targets (issue 7):")
    print("\n".join(goals))
    output = args.output or (None if args.quick else HERE / "RESULTS.md")
    if output:
        Path(output).write_text(markdown(header, rows, goals, args.quick))
        print(f"\nwrote {output}")


def markdown(header, rows, goals, quick) -> str:
    return f"""# Benchmarks

Made by `python -m benchmarks{" --quick" if quick else ""}` (or `make bench`): {header}.

Every contender of a case runs in the same process, interleaved round by round; each
figure is the median over the rounds (full run: 11 rounds of the demo step, 3 of the big
graphs, 7 of the hessian). "vs autograd-lite" is the contender's time divided by the
autograd-lite row named there: above 1× is slower than autograd-lite. Absolute times depend
on the machine and on what else it is doing (this one is shared); compare the ratios.

Notes:
- The demo step (case 1) is micrograd's `demo.ipynb`: full batch of 100 moons, MLP(2, [16,
  16, 1]), hinge loss + 1e-4 · Σp², backward, SGD. Every contender starts from the same
  weights and data and computes the same loss (`tests/test_benchmarks.py` checks the pure
  Python ones).
- "in ag.gc_paused()" rows run the step inside `autograd_lite.gc_paused()`, which turns the
  cyclic garbage collector off for the block (as `micrograd, gc.disable()` does by hand).
- `micrograd, gc.disable()` never frees its graphs inside the timed step: its nodes are
  reference cycles, so they wait for the collection the harness makes, untimed, before
  every run. autograd-lite frees each graph by reference counting inside the step.
- `gc.freeze()` is called once after every library is imported, so that PyTorch's own
  objects do not slow anybody's garbage collections.
- The floor does the same dense arithmetic with lists of floats and a hand-written backward.
- Case 4 times the graph's whole life (build, backward, free). At 10^6 nodes the process
  asks the OS for ~200 MB of fresh memory on every run (about 50,000 page faults), which a
  graph of 10^3 nodes never does; that, not the algorithm, is most of the growth per node.

{table(rows, markdown=True)}

## Targets

{chr(10).join(goals)}
"""


if __name__ == "__main__":
    main()
