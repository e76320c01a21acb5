"""Which op of yours is wrong: after ``gradcheck`` finds a mismatch, each node made by an op
of your own (``define_op``) is checked on its own, its local derivatives against central
differences of its ``forward``, at the inputs it had there.

A wrong gradient of a whole function says *that* something is wrong; this says *where*:
``op 'atan2_slip' at y=0.6, x=2.0: d/dx analytic 0.1376, numeric -0.1376``. Built-in ops
are trusted (the tests check them); a gradient cut by ``float()`` blames no op, and then
nothing is said. An op at a kink of its forward (a relu of yours at 0), whose derivative
is the slope of one side, is not blamed but named apart: the point is what is wrong there.
"""

from __future__ import annotations

import math

from .graph import topological_order
from .value import Value


def blame(output, atol, rtol, names_of, step_at) -> tuple[list[str], list[str]]:
    """Two lists of lines about the ops of yours in ``output``'s graph: each local
    derivative that disagrees with the slope of its forward (``|analytic - numeric| <=
    atol + rtol * |numeric|`` passes), and each that sits at a kink, where the forward's
    slope to the left and to the right differ and the derivative is one of them or between
    (relu'(0) = 0), or nan (a hypot's x / out at 0): a choice, not a mistake.
    ``names_of(forward, n)`` names the op's inputs; ``step_at(x)`` is the step of the
    central difference at x (``gradcheck``'s). An op at many points is shown at its first
    ``SHOWN`` and a count."""
    if not isinstance(output, Value):
        return [], []
    wrong, kinks, seen = [], [], set()
    for node in topological_order(output):
        rule = node._rule
        if rule is None or rule.builtin:
            continue
        xs = [p.data for p in node.parents]
        point = (rule.name, *xs)
        if point in seen:
            continue
        seen.add(point)
        names = names_of(rule.forward, len(xs))  # (y, x; or "input 2" where forward has none)
        at = ", ".join(f"{n}={x!r}" for n, x in zip(names, xs))
        for i, analytic in enumerate(node.local_derivatives()):
            sides = _slopes(rule, xs, node.data, i, step_at(xs[i]))
            analytic = float(analytic)
            if sides is None or _agree(analytic, sides[1], atol, rtol):
                continue
            wrt = names[i] if names[i].isidentifier() else f"({names[i]})"  # d/d(input 2)
            line = f"  op {rule.name!r} at {at}: d/d{wrt} analytic {analytic:.10g}"
            left, _, right = sides
            low, high = min(left, right), max(left, right)
            # (nan: 0 / 0 at the tip of a cone, as PyTorch's hypot gives at 0, 0)
            if not _agree(left, right, atol, rtol) and (
                _agree(analytic, left, atol, rtol) or _agree(analytic, right, atol, rtol)
                or low <= analytic <= high or math.isnan(analytic)
            ):  # fmt: skip
                kinks.append((point, f"{line}, slope {left:.10g} to the left, {right:.10g} to "
                                     "the right"))  # fmt: skip
            else:
                wrong.append((point, f"{line}, numeric {sides[1]:.10g}"))
    return _few(wrong), _few(kinks)


#: How many points of one op ``blame`` shows; the rest are counted.
SHOWN = 3


def _few(found) -> list[str]:
    """The lines of ``found`` ((op name, inputs...), line), at most ``SHOWN`` points per
    op, then "op 'name' at 997 more points (1000 in all)": an op used at a thousand points
    made a thousand lines."""
    points: dict[str, dict] = {}  # name -> {point: its lines}
    for point, line in found:
        points.setdefault(point[0], {}).setdefault(point, []).append(line)
    lines = []
    for name, at in points.items():
        for shown in list(at.values())[:SHOWN]:
            lines += shown
        if len(at) > SHOWN:
            lines.append(f"  op {name!r} at {len(at) - SHOWN} more points ({len(at)} in all)")
    return lines


def _agree(a, b, atol, rtol) -> bool:
    return a == b or math.fabs(a - b) <= atol + rtol * math.fabs(b)


def _slopes(rule, xs, middle, i, h):
    """d forward / d input i by differences over ``xs[i] +- h`` (``middle`` is forward at
    ``xs``): to the left, central and to the right; or None where forward cannot go,
    whatever it raises there (an ``assert`` of yours, say): f never went there, and this
    only adds to the message of a mismatch, never replaces it."""
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    try:
        high, low = rule.number(up), rule.number(down)
    except Exception:
        return None
    return (middle - low) / h, (high - low) / (2 * h), (high - middle) / h


def report(blamed, away="") -> str:
    """The lines of ``blame``, each list under its heading after a blank line, for the end
    of a mismatch's message ("" when there are none). ``away`` ends the advice for kinks:
    how to keep the checked points away from them, where the caller did not choose them."""
    wrong, kinks = blamed
    out = ""
    if wrong:
        out += "\n\nops of yours whose local derivative disagrees with their forward's slope:\n"
        out += "\n".join(wrong)
    if kinks:
        out += (
            "\n\nops of yours at a kink, where either side's slope (or one between) is a right "
            f"derivative; check at a point away from it{away}:\n"
        ) + "\n".join(kinks)
    return out
