"""The five cases. Each returns table rows; ``Settings`` says how big and how often."""

from __future__ import annotations

import gc
import math
import sys
import time
import tracemalloc
from dataclasses import dataclass

import autograd_lite as ag

from . import training
from .harness import (
    Row,
    fmt_ratio,
    in_collector,
    interleaved,
    median,
    rounds_of_blocks,
    seconds,
    timed,
)

gc_paused = ag.gc_paused


@dataclass
class Settings:
    quick: bool
    rounds: int  # rounds of the training step (case 1): each contender once a round
    min_seconds: float  # how long each contender's block of steps runs (cases 1 and 5)
    big: int  # nodes in the chain and the sum (cases 2 and 3)
    big_rounds: int
    sizes: tuple  # nodes per graph in case 4
    hessian_rounds: int


FULL = Settings(
    False,
    rounds=5,
    min_seconds=0.8,
    big=1_000_000,
    big_rounds=3,
    sizes=(10**3, 10**4, 10**5, 10**6),
    hessian_rounds=7,
)
QUICK = Settings(
    True,
    rounds=1,
    min_seconds=0.1,
    big=100_000,
    big_rounds=1,
    sizes=(10**3, 10**4, 10**5),
    hessian_rounds=2,
)


def paused(fn):
    """``fn`` run inside ``ag.gc_paused()``."""

    def run():
        with gc_paused():
            return fn()

    return run


def _ratio_note(t, ref, ref_name=""):
    """``t / ref`` as "7.5× of node by node" (or "7.5×" where the case's first row is ref)."""
    return f"{fmt_ratio(t / ref)} {ref_name}".rstrip()


# --- 1. micrograd's demo training step ---------------------------------------------------


def training_step(s: Settings, have: dict) -> tuple[list[Row], dict]:
    X, y = training.make_moons()
    weights = training.initial_weights()
    fns, missing, order = {}, {}, []
    for name, factory, why in training.contenders(weights, X, y, have):
        order.append(name)
        if factory is None:
            missing[name] = why
            continue
        fns[name] = factory().step
        if name.startswith("autograd-lite"):
            paused_name = name + ", in ag.gc_paused()"
            order.append(paused_name)
            fns[paused_name] = paused(factory().step)
    NN, NODES = training.NN_ROW, training.NODES_ROW
    nn_label = NN + " [nn.MLP]"
    timings = rounds_of_blocks(fns, s.rounds, s.min_seconds)
    med = {name: median(seconds(ts)) for name, ts in timings.items()}
    rows = []
    for name in order:
        neuron_level = name.startswith(NN) or name.startswith("plain floats")
        case = (
            "1a demo step, a node per neuron"
            if neuron_level
            else "1b demo step, a node per * and +"
        )
        shown = nn_label + name[len(NN) :] if name.startswith(NN) else name
        if name in missing:
            rows.append(Row(case, shown, note=missing[name]))
            continue
        t = med[name]
        if neuron_level:
            note = _ratio_note(t, med[NN], "of nn")
        else:
            note = _ratio_note(t, med[NODES], "of node by node")
            if name.startswith("micrograd") or name.startswith("PyTorch"):
                note += "; " + _ratio_note(t, med[NODES + ", in ag.gc_paused()"], "of paused")
        collector = {"collector": in_collector(timings[name])}
        if name == training.MICROGRAD_GC_OFF_ROW:  # (its cycles wait for a later collection)
            collector["collector"] = "none: its garbage is collected after the timing"
        rows.append(Row(case, shown, t, "per step", note, len(timings[name]), collector))
    rows.sort(key=lambda row: row.case)  # stable: 1a (neuron) rows first, each in order
    return rows, med


# --- 2. a chain of a million operations ---------------------------------------------------


def chain(make, n, backward=True):
    """x -> x*a + b -> ... : n operations, each one new node, then backward."""
    x, a, b = make(0.5), make(0.999999), make(1e-6)
    y = x
    for _ in range(n // 2):
        y = y * a + b
    if backward:
        y.backward()
    return y


def _micrograd_value():
    from micrograd.engine import Value

    return Value


def _torch_leaf(v):
    import torch

    return torch.tensor(v, dtype=torch.float64, requires_grad=True)


def million_chain(s: Settings, have: dict, micrograd: bool = True) -> list[Row]:
    n, case = s.big, f"2 chain of {s.big:,} ops, forward + backward"
    fns = {
        "autograd-lite": lambda: chain(ag.Value, n),
        "autograd-lite, in ag.gc_paused()": paused(lambda: chain(ag.Value, n)),
    }
    times = interleaved(fns, s.big_rounds)
    ref = median(times["autograd-lite"])
    rows = [
        Row(
            case,
            name,
            median(ts),
            f"{median(ts) / n * 1e9:.0f} ns/node",
            _ratio_note(median(ts), ref),
            len(ts),
        )
        for name, ts in times.items()
    ]
    if micrograd and have["micrograd"]:  # (micrograd=False: its row is in the bare heap)
        value = _micrograd_value()
        gc.collect()
        start = time.perf_counter()
        y = chain(value, n, backward=False)
        built = time.perf_counter() - start
        try:
            y.backward()
            note = "backward ran"
        except RecursionError:
            note = (
                f"cannot: backward raises RecursionError (recursive topological sort, "
                f"recursion limit {sys.getrecursionlimit()}); forward alone took {built:.2f} s"
            )
        del y
        gc.collect()
        rows.append(
            Row(case, "micrograd 0.1.0", None, f"{built / n * 1e9:.0f} ns/node forward", note)
        )
    elif micrograd:
        rows.append(Row(case, "micrograd 0.1.0", note="micrograd not installed"))
    if have["torch"] and not s.quick:
        t = timed(lambda: chain(_torch_leaf, n))
        rows.append(
            Row(
                case,
                "PyTorch, 0-d tensors (1 run)",
                t,
                f"{t / n * 1e9:.0f} ns/node",
                _ratio_note(t, ref),
                1,
            )
        )
    else:
        why = have["torch_missing"] if not have["torch"] else "skipped in --quick (takes ~20 s)"
        rows.append(Row(case, "PyTorch, 0-d tensors", note=why))
    return rows


# --- 3. a sum of a million Values -------------------------------------------------------------


def million_sum(s: Settings, have: dict) -> list[Row]:
    n, case = s.big, f"3 sum of {s.big:,} Values, forward + backward"
    xs = [ag.Value(i * 1e-6) for i in range(n)]

    def with_ag_sum():
        ag.sum(xs).backward()

    def with_builtin_sum():
        sum(xs).backward()

    fns = {
        "ag.sum (one node)": with_ag_sum,
        "built-in sum (a chain as deep as the list)": with_builtin_sum,
        "built-in sum, in ag.gc_paused()": paused(with_builtin_sum),
    }
    times = interleaved(fns, s.big_rounds)
    ref = median(times["ag.sum (one node)"])
    rows = [
        Row(
            case,
            name,
            median(ts),
            f"{median(ts) / n * 1e9:.0f} ns/value",
            _ratio_note(median(ts), ref),
            len(ts),
        )
        for name, ts in times.items()
    ]
    if have["micrograd"]:
        value = _micrograd_value()
        small = [value(i * 1e-6) for i in range(min(n, 10_000))]
        try:
            sum(small).backward()
            note = "backward ran"
        except RecursionError:
            note = f"cannot: built-in sum of {len(small):,} Values: RecursionError in backward"
        rows.append(Row(case, "micrograd 0.1.0, built-in sum", note=note))
    else:
        rows.append(Row(case, "micrograd 0.1.0", note="micrograd not installed"))
    return rows


# --- 4. memory and time per node as the graph grows ---------------------------------------------


def memory_per_node(make, n):
    """Bytes traced per node: (the graph after forward, the graph after backward)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        y = chain(make, n, backward=False)
        built = tracemalloc.get_traced_memory()[0]
        after = None
        if make is ag.Value:
            y.backward()
            after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del y
    return (built - base) / n, None if after is None else (after - base) / n


BATCH_NODES = 200_000  # case 4 times graphs smaller than this in batches of this many nodes


def scaling(s: Settings, have: dict) -> tuple[list[Row], dict]:
    rows, per_node = [], {}
    case = "4 per node, chain forward + backward"
    # Every size and both variants run in each round, so a burst of load elsewhere on the
    # machine hits all of them alike; small graphs are timed in batches of BATCH_NODES.
    fns, reps_of = {}, {}
    for n in s.sizes:
        reps = max(1, BATCH_NODES // n)

        def batch(n=n, reps=reps):
            for _ in range(reps):
                chain(ag.Value, n)

        fns["autograd-lite", n] = batch
        fns["autograd-lite, in ag.gc_paused()", n] = paused(batch)
        reps_of[n] = reps
    times = interleaved(fns, s.big_rounds)
    for (name, n), ts in sorted(times.items(), key=lambda item: (item[0][1], item[0][0])):
        t = median(ts) / (n * reps_of[n])
        per_node[name, n] = t
        rows.append(
            Row(
                case,
                f"{name}, n = {n:,}",
                median(ts) / reps_of[n],
                f"{t * 1e9:.0f} ns/node",
                "",
                len(ts),
            )
        )
    case = "4 memory per node (tracemalloc)"
    memory = {}
    for n in s.sizes:
        built, after = memory_per_node(ag.Value, n)
        memory[n] = (built, after)
        rows.append(
            Row(
                case,
                f"autograd-lite, n = {n:,}",
                None,
                f"{built:.0f} B/node graph",
                f"{after:.0f} B/node with grads",
            )
        )
    if have["micrograd"]:
        n = min(s.sizes[-1], 100_000)
        built, _ = memory_per_node(_micrograd_value(), n)
        rows.append(
            Row(
                case,
                f"micrograd 0.1.0, n = {n:,}",
                None,
                f"{built:.0f} B/node graph",
                "no backward (RecursionError)",
            )
        )
    else:
        rows.append(Row(case, "micrograd 0.1.0", note="micrograd not installed"))
    rows.append(
        Row(case, "PyTorch", note="not measured: tracemalloc does not see its C++ allocations")
    )
    return rows, {"time": per_node, "memory": memory}


# --- 5. second derivatives ----------------------------------------------------------------------

N_VARS = 20


def f_scalar(*x):
    """A function of 20 variables, written with scalar operations (autograd-lite)."""
    n = len(x)
    terms = [x[i] * x[i] * x[(i + 1) % n] + ag.sin(x[i]) * ag.cos(x[(i + 2) % n]) for i in range(n)]
    total = ag.sum(x)
    return ag.sum(terms) + ag.tanh(total) * total + ag.exp(0.1 * x[0] * x[n - 1])


def f_tensor(x):
    """The same function on a 1-d tensor (PyTorch's vectorised way to write it)."""
    import torch

    total = x.sum()
    terms = x * x * torch.roll(x, -1) + torch.sin(x) * torch.cos(torch.roll(x, -2))
    return terms.sum() + torch.tanh(total) * total + torch.exp(0.1 * x[0] * x[-1])


def ag_hessian(xs):
    return ag.hessian(f_scalar)(*xs)


def hessians(s: Settings, have: dict) -> list[Row]:
    case = f"5 hessian, {N_VARS} variables"
    xs = [math.sin(i + 1.0) for i in range(N_VARS)]
    fns = {"autograd_lite.hessian": lambda: ag_hessian(xs)}
    if have["torch"]:
        import torch
        from torch.autograd.functional import hessian as torch_hessian

        xt = torch.tensor(xs, dtype=torch.float64)
        fns["torch.autograd.functional.hessian"] = lambda: torch_hessian(f_tensor, xt)
    times = {
        name: seconds(ts)
        for name, ts in rounds_of_blocks(fns, s.hessian_rounds, s.min_seconds).items()
    }
    ref = median(times["autograd_lite.hessian"])
    rows = []
    ours = ag_hessian(xs)
    agree = ""
    if have["torch"]:
        theirs = fns["torch.autograd.functional.hessian"]().tolist()
        err = max(abs(a - b) for ra, rb in zip(ours, theirs) for a, b in zip(ra, rb))
        agree = f"; max |difference| {err:.1e}"
    for name, ts in times.items():
        note = _ratio_note(median(ts), ref) + (agree if name.startswith("torch") else "")
        rows.append(Row(case, name, median(ts), "per hessian", note, len(ts)))
    if not have["torch"]:
        rows.append(Row(case, "torch.autograd.functional.hessian", note=have["torch_missing"]))
    return rows
