"""Tasks 1-5: the local derivatives of mul, add, tanh, exp and ``**``.

Each is judged against autograd-lite's own rule, and the verdict shows a numerical slope
(central differences) beside it, so the expected numbers can be checked by hand.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import values

from .calls import call
from .judging import Task, close, is_number, kind, not_returned, num, shown
from .verdicts import Wrong


def _numeric_slopes(f, args):
    """The slope of f along each argument, by central differences."""
    slopes = []
    for i, x in enumerate(args):
        h = 1e-6 * max(1.0, abs(x))
        up, down = list(args), list(args)
        up[i] += h
        down[i] -= h
        slopes.append((f(*up) - f(*down)) / (2 * h))
    return slopes


def _derivative_task(name, names, inputs, forward, engine, differentiated, hint, diagnose=None):
    """A task "write the local derivatives of an op".

    ``forward`` computes the op on floats (for the numerical slope), ``engine`` on Values
    (for autograd-lite's own rule); ``differentiated`` says which arguments get a derivative
    (``**`` has a constant exponent); the answer returns one number per such argument, a
    bare number when there is only one.
    """

    def derivatives(args):  # the right ones, by autograd-lite's own rule
        leaves = [ag.Value(x) for x in args]
        return ag.gradients(engine(*leaves), [leaves[i] for i in differentiated])

    def judge(answer, args):
        where = ", ".join(f"{n} = {num(x)}" for n, x in zip(names, args))
        expected = derivatives(args)
        slopes = _numeric_slopes(forward, args)
        slopes = [slopes[i] for i in differentiated]
        out = call(answer, args, where, hint)
        single = len(differentiated) == 1
        if single and isinstance(out, (tuple, list)) and len(out) == 1:
            out = out[0]  # (d,) for one derivative is fine too
        got = [out] if single else out
        ok_shape = isinstance(got, (tuple, list)) and len(got) == len(expected)
        numbers_only = ok_shape and all(is_number(g) for g in got)
        if numbers_only and all(close(float(g), e) for g, e in zip(got, expected)):
            return
        expected_shown = ", ".join(num(e) for e in expected)
        numeric = ", ".join(num(float(f"{s:.8g}")) for s in slopes)
        if not single:
            expected_shown, numeric = f"({expected_shown})", f"({numeric})"
        expected_text = f"{expected_shown}   (a numerical slope gives {numeric})"
        extra = not_returned(out)
        if extra is None and not single and not ok_shape:
            each = ", ".join(f"d(out)/d{names[i]}" for i in differentiated)
            extra = f"Return {len(expected)} numbers, one per input: ({each})."
        elif extra is None and not numbers_only:
            extra = _plain_floats_hint(got, names)
        elif extra is None and diagnose is not None:
            extra = diagnose(args, got)
        raise Wrong(where, shown(out), expected_text, f"{extra} {hint}" if extra else hint)

    def right(*args):  # a right answer, as a learner returns it
        found = derivatives(args)
        return found[0] if len(found) == 1 else tuple(found)

    return Task(name, inputs, judge, right=right)


def _plain_floats_hint(got, names):
    """The hint for derivatives of the right count that are not all numbers."""
    other = next(g for g in got if not is_number(g))
    name = getattr(other, "__name__", "")
    if len(got) == 1 and callable(other) and name.isidentifier():  # return math.exp
        called = f"{name}({', '.join(names)})"
        return f"Return a plain float, not the function {name} itself: call it, as in {called}."
    if len(got) == 1:
        return f"Return a plain float, not {kind(other)}."
    count = {2: "two", 3: "three"}.get(len(got), str(len(got)))
    return f"Return {count} plain floats, not {kind(other, many=True)}."


def _swapped(args, got):
    a, b = args
    if close(float(got[0]), a) and close(float(got[1]), b):
        return "You returned (a, b): the two are swapped."
    return None


def _pow_inputs():
    """(x, n): n is a constant exponent; a negative or fractional one gets a positive x."""

    @st.composite
    def draw_pair(draw):
        n = draw(st.sampled_from([2, 3, 1, 4, 0.5, -1, 1.5, -2]))
        positive_only = n < 0 or not float(n).is_integer()
        x = draw(values(0.5, 3.0) if positive_only else values())
        return (x, n)

    return draw_pair()


#: Tasks 1-5, in the lesson's order.
DERIVATIVES = [
    _derivative_task(
        "mul_derivative",
        ("a", "b"),
        st.tuples(values(), values()),
        lambda a, b: a * b,
        lambda a, b: a * b,
        (0, 1),
        "For out = a * b, nudging a by a tiny h changes out by b * h, so d(out)/da = b; "
        "likewise d(out)/db = a. Return (d(out)/da, d(out)/db).",
        _swapped,
    ),
    _derivative_task(
        "add_derivative",
        ("a", "b"),
        st.tuples(values(), values()),
        lambda a, b: a + b,
        lambda a, b: a + b,
        (0, 1),
        "For out = a + b, nudging either input by h nudges out by exactly h: "
        "both local derivatives are 1, whatever a and b are.",
    ),
    _derivative_task(
        "tanh_derivative",
        ("x",),
        st.tuples(values()),
        math.tanh,
        ag.tanh,
        (0,),
        "The derivative of tanh(x) is 1 - tanh(x)**2 (use math.tanh).",
    ),
    _derivative_task(
        "exp_derivative",
        ("x",),
        st.tuples(values()),
        math.exp,
        ag.exp,
        (0,),
        "exp is its own derivative: d/dx exp(x) = exp(x) (use math.exp).",
    ),
    _derivative_task(
        "pow_derivative",
        ("x", "n"),
        _pow_inputs(),
        lambda x, n: x**n,
        lambda x, n: x**n,
        (0,),
        "The power rule: d/dx x**n = n * x**(n - 1). n is a plain number here, not a node, "
        "so only x gets a derivative.",
    ),
]
