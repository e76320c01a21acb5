"""Which op of yours is wrong: after ``gradcheck`` finds a mismatch, each node made by an op
of your own (``define_op``) is checked on its own, its local derivatives against central
differences of its ``forward``, at the inputs it had there.

A wrong gradient of a whole function says *that* something is wrong; this says *where*:
``op 'atan2_slip' at y=0.6, x=2.0: d/dx analytic 0.1376, numeric -0.1376``. Built-in ops
are trusted (the tests check them); a gradient cut by ``float()`` blames no op, and then
nothing is said.
"""

from __future__ import annotations

import math

from .graph import topological_order
from .value import Value


def blame(output, atol, rtol, names_of, step_at) -> list[str]:
    """One line per local derivative of an op of yours in ``output``'s graph that disagrees
    with the slope of its forward (``|analytic - numeric| <= atol + rtol * |numeric|``
    passes). ``names_of(forward, n)`` names the op's inputs; ``step_at(x)`` is the step
    of the central difference at x (``gradcheck``'s)."""
    if not isinstance(output, Value):
        return []
    lines, seen = [], set()
    for node in topological_order(output):
        rule = node._rule
        if rule is None or rule.builtin:
            continue
        xs = [p.data for p in node.parents]
        if (rule.name, *xs) in seen:
            continue
        seen.add((rule.name, *xs))
        names = [n if n.isidentifier() else f"({n})" for n in names_of(rule.forward, len(xs))]
        at = ", ".join(f"{n.strip('()')}={x!r}" for n, x in zip(names, xs))
        for i, analytic in enumerate(node.local_derivatives()):
            numeric = _slope(rule, xs, i, step_at(xs[i]))
            analytic = float(analytic)
            if numeric is None or analytic == numeric:
                continue
            if not math.fabs(analytic - numeric) <= atol + rtol * math.fabs(numeric):
                lines.append(
                    f"  op {rule.name!r} at {at}: d/d{names[i]} analytic {analytic:.10g}, "
                    f"numeric {numeric:.10g}"
                )
    return lines


def _slope(rule, xs, i, h):
    """d forward / d input i by central differences over ``xs[i] +- h``, or None where
    forward cannot go: whatever it raises there (an ``assert`` of yours, say), since f
    never went there, and this only adds to the message of a mismatch, never replaces it."""
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    try:
        return (rule.number(up) - rule.number(down)) / (2 * h)
    except Exception:
        return None


def report(lines) -> str:
    """The lines, under a heading after a blank line, for the end of a mismatch's message
    ("" when none)."""
    if not lines:
        return ""
    return "\n\nops of yours whose local derivative disagrees with their forward's slope:\n" + (
        "\n".join(lines)
    )
