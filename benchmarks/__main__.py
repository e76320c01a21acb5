"""``python -m benchmarks [--quick]``: every case, one table, and benchmarks/RESULTS.md.

Two heaps, each in a fresh process:

- **bare**: a Python process with only the contenders imported. Every case runs here.
- **notebook**: numpy, matplotlib and PyTorch imported first, as in a learner's notebook.
  Their modules leave a couple of hundred thousand objects that Python's cyclic garbage
  collector walks whenever it runs a full collection, so code that makes many collectable
  objects (a graph of nodes) pays for the neighbours' heap too. The training step (case 1)
  runs here again; the README's comparison comes from this heap, the realistic one.

Nothing changes the collector's settings: no ``gc.freeze()``, no thresholds. Contenders
that are not installed (micrograd, PyTorch) get a row that says so.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import autograd_lite as ag

from . import cases
from .harness import Row, fmt_time, full_collection_seconds, table

HERE = Path(__file__).resolve().parent
HEAPS = ("bare", "notebook")


def load_notebook_heap(have):
    """Import what a learner's notebook has imported."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import numpy  # noqa: F401

    if have["torch"]:
        import torch  # noqa: F401


def available() -> dict:
    """Which contenders are installed, found without importing them (an import would load
    PyTorch's objects into the bare heap). ``torch_missing`` says why PyTorch rows are empty."""
    have = {name: importlib.util.find_spec(name) is not None for name in ("micrograd", "torch")}
    have["torch_missing"] = "torch not installed (pip install torch==2.13.0)"
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


def processor(cpuinfo="/proc/cpuinfo") -> str:
    """The CPU's model name where Linux tells it (ratios move with it), else the machine."""
    try:
        with open(cpuinfo, encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return f"{line.split(':', 1)[1].strip()}, {platform.machine()}"
    except OSError:
        pass
    return platform.machine()


def targets(heaps: dict) -> list[str]:
    """Issue 13's targets, set in the notebook heap: each with the measured figure and whether
    it is met; then the same ratios in the bare heap, for comparison."""
    from .training import MICROGRAD_ROW as mg
    from .training import NN_ROW, NODES_ALONE_ROW, NODES_ROW

    out = []
    med = heaps["notebook"]["med"]
    collector = {  # the training step's rows, by contender: time in the collector
        r["contender"].replace(" [nn.MLP]", ""): r["extra"].get("collector")
        for r in heaps["notebook"]["rows"]
        if r["case"].startswith("1")
    }
    for row, goal in ((NODES_ROW, 10), (NN_ROW, 60)):
        if mg in med and row in med:
            r = med[mg] / med[row]
            met = "met" if r >= goal else "NOT met"
            out.append(
                f"- notebook heap: {row} vs micrograd: {r:.1f}× (target ≥ {goal}×) — {met}; "
                f"in the collector: {collector.get(row)} a step, micrograd {collector.get(mg)}"
            )
    alone = heaps["notebook"]["med"].get(NODES_ALONE_ROW)
    if mg in heaps["notebook"]["med"] and alone:
        out.append(
            f"- notebook heap: {NODES_ALONE_ROW} vs micrograd: "
            f"{heaps['notebook']['med'][mg] / alone:.1f}×, about the most an engine of "
            f"pure-Python nodes like ours could reach node by node in this run; in the collector: "
            f"{collector.get(NODES_ALONE_ROW)} a step"
        )
    med = heaps["bare"]["med"]
    if mg in med:
        for row in (NODES_ROW, NN_ROW):
            out.append(
                f"- bare heap: {row} vs micrograd: {med[mg] / med[row]:.1f}× (for comparison)"
            )
    return out


def run_heap(heap: str, quick: bool) -> dict:
    """Run the cases of one heap in this process; return rows and medians as plain data."""
    settings = cases.QUICK if quick else cases.FULL
    have = available()
    if heap == "bare" and have["torch"]:  # PyTorch is measured where it is imported anyway
        have["torch"] = False
        have["torch_missing"] = "measured in the notebook heap, where PyTorch is imported"
    if heap == "notebook":
        load_notebook_heap(have)
    gc.collect()
    tracked = len(gc.get_objects())  # objects the collector walks in a full collection
    full = full_collection_seconds()  # what each full collection costs in this heap
    step_rows, med = cases.training_step(settings, have)
    rows = step_rows
    if heap == "bare":
        rows += cases.million_chain(settings, have)
        rows += cases.million_sum(settings, have)
        scale_rows, _ = cases.scaling(settings, have)
        rows += scale_rows
        rows += cases.hessians(settings, have)
    elif have["torch"]:  # the cases with a PyTorch row, beside autograd-lite in this heap
        rows += cases.million_chain(settings, have, micrograd=False)
        rows += cases.hessians(settings, have)
    for row in rows:
        row.case = f"{row.case} [{heap}]"
    return {
        "rows": [asdict(r) for r in rows],
        "med": med,
        "tracked": tracked,
        "full_collection": full,
        "have": have,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, few rounds")
    parser.add_argument(
        "--output",
        default=None,
        help="where to write the Markdown (default benchmarks/RESULTS.md; "
        "--quick writes nothing unless given)",
    )
    parser.add_argument("--heap", choices=HEAPS, help="run one heap here and print JSON")
    args = parser.parse_args(argv)
    if args.heap:
        json.dump(run_heap(args.heap, args.quick), sys.stdout)
        return
    started = time.perf_counter()
    heaps = {}
    for heap in HEAPS:  # each in a fresh process, so neither heap's imports touch the other
        command = [sys.executable, "-m", "benchmarks", "--heap", heap]
        command += ["--quick"] if args.quick else []
        print(f"running the {heap} heap ...", file=sys.stderr)
        done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
        if done.returncode != 0:
            sys.exit(f"the {heap} heap failed:\n{done.stderr}")
        heaps[heap] = json.loads(done.stdout)
    elapsed = time.perf_counter() - started
    rows = [Row(**r) for heap in HEAPS for r in heaps[heap]["rows"]]
    header = (
        f"{versions(heaps['notebook']['have'])}; {os.cpu_count()} CPU(s), {processor()}; "
        f"{'quick' if args.quick else 'full'} run in {elapsed:.0f} s; the notebook heap held "
        f"{heaps['notebook']['tracked']:,} tracked objects, the bare one "
        f"{heaps['bare']['tracked']:,}; a full collection of the notebook heap took "
        f"{fmt_time(heaps['notebook']['full_collection'])}, of the bare one "
        f"{fmt_time(heaps['bare']['full_collection'])}"
    )
    goals = targets(heaps)
    print(header)
    print()
    print(table(rows, markdown=False))
    print()
    print("Targets (issue 13):")
    print("\n".join(goals))
    output = args.output or (None if args.quick else HERE / "RESULTS.md")
    if output:
        settings = cases.QUICK if args.quick else cases.FULL
        torch = heaps["notebook"]["have"]["torch"]
        Path(output).write_text(markdown(header, rows, goals, settings, torch))
        print(f"\nwrote {output}")


def rounds(n: int) -> str:
    return f"{n} round" if n == 1 else f"{n} rounds"


def markdown(header, rows, goals, s: cases.Settings, torch: bool = True) -> str:
    """RESULTS.md: the header, how the figures were made (from the run's settings ``s``, and
    whether PyTorch was there to import in the notebook heap), the table and the targets."""
    imported = (
        "numpy, matplotlib and PyTorch imported first, as in a learner's notebook"
        if torch
        else "numpy and matplotlib imported first, as in a learner's notebook; PyTorch is not "
        "installed, so this heap is smaller than a learner's with it"
    )
    return f"""# Benchmarks

Made by `python -m benchmarks{" --quick" if s.quick else ""}` (or `make bench`): {header}.

Two heaps, each in a fresh process: **bare** (only the contenders imported) and
**notebook** ({imported}; the
README's comparison comes from this one). No collector thresholds are changed and nothing
is frozen (no `gc.freeze()`).

How a figure is made: each contender runs as a block (its garbage collected first,
untimed; one warm-up step; then steps for at least {s.min_seconds} s, timed together;
the mean per step), so every contender pays for its own garbage, including the cyclic
garbage only the collector frees. A round times every contender once, block after block;
a figure is the median over the rounds ({rounds(s.rounds)} of the training step,
{rounds(s.hessian_rounds)} of the hessian). The big graphs (cases 2 to 4) are timed one
whole run at a time ({rounds(s.big_rounds)}; case 4's smaller graphs in batches of
{cases.BATCH_NODES:,} nodes). "vs" is the contender's time
divided by the autograd-lite row named there (where none is named, the case's first row):
above 1× is slower than autograd-lite.
Absolute times depend on the machine and on what else it is doing; compare the ratios.

Notes:
- The training step (case 1) is micrograd's `demo.ipynb`: full batch of 100 moons, MLP(2,
  [16, 16, 1]), hinge loss + 1e-4 · Σp², backward, SGD. Every contender starts from the
  same weights and data and computes the same loss, step after step
  (`tests/test_benchmarks.py` checks every one, micrograd and PyTorch when installed).
  "node by node" is the same network written as micrograd's lecture writes it:
  `sum(wi * xi ...) + b` per neuron, a node per `*` and `+`.
- "in ag.gc_paused()" rows run the step inside `autograd_lite.gc_paused()`, which turns the
  cyclic garbage collector off for the block (as `micrograd, gc.disable()` does by hand);
  the plain rows are what a user gets without asking for anything. In the plain `nn` row,
  each call of the model pauses the collector for that call by itself (`nn.Module.__call__`);
  the loss, backward and update run with the collector as the user left it. Our paused
  rows still free their graphs inside the step (reference counting needs no collector);
  the cycles micrograd makes with its collector off are collected only after its block's
  timing, so that row is micrograd's arithmetic alone, its garbage unpaid.
- "in the collector" is the time a step spent inside Python's cyclic garbage collector
  (clocked through `gc.callbacks`; collections of the young generations included), its
  share of the step, and how many full collections (of the whole heap) a step triggered,
  each a median over the rounds; "—" where it was not clocked. A full collection costs at
  least what the header says (the heap at rest; during a step it walks the step's live
  objects too), whoever triggers it: a pure Python node is always one object the collector
  tracks, so a step that builds tens of thousands of nodes triggers about one in the
  notebook heap.
- The floor does the same dense arithmetic with lists of floats and a hand-written backward.
  "its nodes alone" builds node by node's graph from bare objects with `Value`'s slots and
  does nothing else (no checks, no backward): what the collector and the interpreter charge
  any engine whose nodes are pure Python objects, one tracked object each.
- Case 4 times the graph's whole life (build, backward, free).

{table(rows, markdown=True)}

## Targets

{chr(10).join(goals)}
"""


if __name__ == "__main__":
    main()
