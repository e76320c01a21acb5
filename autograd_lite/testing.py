"""Property tests for derivatives, with hypothesis: random expressions, checked numerically.

Three pieces:

- ``values()``: input numbers, finite floats in [-3, 3];
- ``expressions(variables=("x", "y"), ops=..., max_depth=3)``: random expression graphs,
  drawn as callables of the variables, with a readable ``repr`` such as
  ``log((x * y) + 17.0)``. Every expression is safe for every input in [-4, 4]: ``log`` and
  ``sqrt`` only see positive arguments, divisors stay at least 0.5 away from zero, ``relu``
  and ``abs`` only see arguments of one sign (never near their kink), and arguments that
  might grow too large for ``exp`` or ``**`` are squashed with ``tanh`` first, so nothing
  overflows. So when a check fails, a derivative is wrong, not the test.
- ``assert_gradients_match(f, *inputs)``: reverse mode against extrapolated central
  differences, to float64 precision; raises ``GradcheckError`` with a table.

Test your own op in five lines::

    from hypothesis import given
    from autograd_lite.testing import assert_gradients_match, expressions, values

    @given(expressions(variables=("x", "y"), ops=["+", "*", "exp", softplus]), values(), values())
    def test_softplus(expr, x, y):
        assert_gradients_match(expr, x, y)

This is the only module of the engine that needs ``hypothesis``.
"""

from __future__ import annotations

import inspect
import itertools
import math
import numbers
import random
from collections.abc import Callable

from .extras import needs

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:
    raise needs(error, "autograd_lite.testing") from None

from . import ops as _ops
from .check import (
    GradcheckError,
    compare,
    extrapolated_difference,
    finite_points,
    tolerance,
)
from .check import ops_to_blame as _ops_to_blame
from .check import reverse_mode as _reverse_mode
from .rules import Op, input_names, inputs_needed

#: ``values()`` draws from [-VALUE_RANGE, VALUE_RANGE]; ``expressions()`` are safe on a
#: margin beyond it, where the difference quotients of ``assert_gradients_match`` reach.
VALUE_RANGE = 3.0
SAFE_RANGE = VALUE_RANGE + 1.0
LARGEST = 1000.0  # a sub-expression that may grow past this is squashed with tanh


def values(min_value=-VALUE_RANGE, max_value=VALUE_RANGE):
    """Finite floats in [min_value, max_value] (no NaN, no infinity, no subnormals)."""
    return st.floats(
        min_value=min_value,
        max_value=max_value,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )


# --- expressions: a tree of nodes, each with its text, its evaluation and its range -----


class Expression:
    """A drawn expression: call it with one argument per variable (floats or Values).

    ``low`` and ``high`` bound its value for every input in [-4, 4] (interval arithmetic).
    """

    __slots__ = ("text", "evaluate", "low", "high", "atomic", "variables")

    def __init__(self, text, evaluate, low, high, atomic=True, variables=()):
        self.text = text
        self.evaluate = evaluate  # env (name -> value) -> value
        self.low, self.high = low, high
        self.atomic = atomic  # False: needs parentheses inside a larger expression
        self.variables = variables

    def __call__(self, *args):
        if len(args) != len(self.variables):
            raise TypeError(
                f"{self.text} takes {len(self.variables)} argument(s) "
                f"({', '.join(self.variables)}), got {len(args)}"
            )
        return self.evaluate(dict(zip(self.variables, args)))

    def __repr__(self):
        return self.text

    @property
    def __name__(self):  # so that tables and messages name the expression
        return self.text

    @property
    def __signature__(self):  # so that gradcheck's table names the inputs x, y, ...
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        return inspect.Signature([inspect.Parameter(v, kind) for v in self.variables])

    def inner(self) -> str:
        """The text as an operand: parenthesised unless it is a name, number or call."""
        return self.text if self.atomic else f"({self.text})"


def variable(name):
    return Expression(name, lambda env: env[name], -SAFE_RANGE, SAFE_RANGE)


def constant(c):
    return Expression(f"{c!r}", lambda env: c, c, c, atomic=c >= 0)


def call_node(name, function, args, low, high):
    """``name(arg, ...)``: an op applied to sub-expressions."""
    text = f"{name}({', '.join(a.text for a in args)})"
    return Expression(text, lambda env: function(*(a.evaluate(env) for a in args)), low, high)


def infix(symbol, function, a, b, low, high):
    """``a symbol b``, such as ``x * y``."""
    text = f"{a.inner()} {symbol} {b.inner()}"
    return Expression(
        text, lambda env: function(a.evaluate(env), b.evaluate(env)), low, high, atomic=False
    )


def span(*corners):
    """The interval covering these candidate values (the corners of interval arithmetic)."""
    return min(corners), max(corners)


# --- keeping arguments safe: positive, away from zero, not too large ---------------------


def plus(e, c):
    return infix("+", lambda a, b: a + b, e, constant(c), e.low + c, e.high + c)


def positive(e):
    """e itself when it is surely >= 0.5, else e shifted up until it is."""
    if e.low >= 0.5:
        return e
    return plus(e, float(math.ceil(0.5 - e.low)))


def negative(e):
    """e itself when it is surely <= -0.5, else e shifted down until it is."""
    if e.high <= -0.5:
        return e
    shift = float(math.ceil(e.high + 0.5))
    return infix("-", lambda a, b: a - b, e, constant(shift), e.low - shift, e.high - shift)


def within(e, limit):
    """e itself when |e| <= limit for sure, else tanh(e), which lies in [-1, 1]."""
    if max(-e.low, e.high) <= limit:
        return e
    return call_node("tanh", _ops.tanh, [e], math.tanh(e.low), math.tanh(e.high))


def away_from_zero(draw, e):
    """e made positive or negative (drawn): far from the kink of relu and abs."""
    return positive(e) if draw(st.booleans()) else negative(e)


# --- the built-in ops: how to apply each one safely, and its output interval ------------


def _monotone(name, function, limit=LARGEST):
    def build(draw, e):
        e = within(e, limit)
        return call_node(name, function, [e], function(e.low), function(e.high))

    return build, 1


def _positive_only(name, function):
    def build(draw, e):
        e = positive(within(e, LARGEST))
        return call_node(name, function, [e], function(e.low), function(e.high))

    return build, 1


def _periodic(name, function):
    def build(draw, e):
        return call_node(name, function, [within(e, 10.0)], -1.0, 1.0)

    return build, 1


def _kinked(name, function):
    def build(draw, e):
        e = away_from_zero(draw, e)
        low, high = span(function(e.low), function(e.high))
        return call_node(name, function, [e], low, high)

    return build, 1


def _leaky(draw, e):
    e = away_from_zero(draw, e)
    low, high = span(e.low * 0.1, e.high * 0.1, e.low, e.high)
    node = call_node("leaky_relu", lambda v: _ops.leaky_relu(v, 0.1), [e], low, high)
    node.text = f"leaky_relu({e.text}, 0.1)"
    return node


def _add(draw, a, b):
    return infix("+", lambda p, q: p + q, a, b, a.low + b.low, a.high + b.high)


def _sub(draw, a, b):
    return infix("-", lambda p, q: p - q, a, b, a.low - b.high, a.high - b.low)


def _mul(draw, a, b):
    a, b = within(a, 30.0), within(b, 30.0)
    corners = span(a.low * b.low, a.low * b.high, a.high * b.low, a.high * b.high)
    return infix("*", lambda p, q: p * q, a, b, *corners)


def _div(draw, a, b):
    b = away_from_zero(draw, within(b, LARGEST))
    inv = (1 / b.low, 1 / b.high)
    corners = span(*(p * q for p in (a.low, a.high) for q in inv))
    return infix("/", lambda p, q: p / q, a, b, *corners)


def _neg(draw, a):
    return Expression(f"-{a.inner()}", lambda env: -a.evaluate(env), -a.high, -a.low, False)


def _pow_constant(draw, e):
    """e ** c for a constant c; a non-integer or negative c gets a positive base."""
    c = draw(st.sampled_from([2.0, 3.0, 0.5, -1.0, 1.5, -0.5]))
    e = within(e, 10.0)
    if c == 2.0 and e.low < 0 < e.high:  # x ** 2 is smallest at 0
        low, high = 0.0, max(e.low**2, e.high**2)
    elif c in (2.0, 3.0):
        low, high = span(e.low**c, e.high**c)
    else:
        e = positive(e)
        low, high = span(e.low**c, e.high**c)
    return infix("**", lambda p, q: p**q, e, constant(c), low, high)


def _exp_of_log(base_low, base_high, q_low, q_high):
    """The interval of base ** q = exp(q * log(base)) for a positive base."""
    logs = (math.log(base_low), math.log(base_high))
    products = [q * g for q in (q_low, q_high) for g in logs]
    return math.exp(min(products)), math.exp(max(products))


def _pow_values(draw, a, b):
    """Value ** Value: a positive base, an exponent in [-4, 4]."""
    a, b = positive(within(a, 10.0)), within(b, 4.0)
    return infix("**", lambda p, q: p**q, a, b, *_exp_of_log(a.low, a.high, b.low, b.high))


def _number_to_power(draw, e):
    """number ** Value: 2.0 ** e or 0.5 ** e, with e in [-8, 8]."""
    c = draw(st.sampled_from([2.0, 0.5, 3.0]))
    e = within(e, 6.0)
    return infix("**", lambda p, q: p**q, constant(c), e, *_exp_of_log(c, c, e.low, e.high))


def _n_ary(name, function, combine):
    def build(draw, *args):
        return call_node(name, lambda *xs: function(xs), list(args), *combine(args))

    return build


def _dot(draw, x1, x2, y1, y2):
    xs, ys = [within(x, 30.0) for x in (x1, x2)], [within(y, 30.0) for y in (y1, y2)]
    low = high = 0.0
    for x, y in zip(xs, ys):
        corners = span(x.low * y.low, x.low * y.high, x.high * y.low, x.high * y.high)
        low, high = low + corners[0], high + corners[1]
    text = f"dot([{xs[0].text}, {xs[1].text}], [{ys[0].text}, {ys[1].text}])"
    return Expression(
        text,
        lambda env: _ops.dot([x.evaluate(env) for x in xs], [y.evaluate(env) for y in ys]),
        low,
        high,
    )


def _sum_interval(args):
    return sum(a.low for a in args), sum(a.high for a in args)


def _mean_interval(args):
    low, high = _sum_interval(args)
    return low / len(args), high / len(args)


#: name -> (build(draw, *operands) -> Expression, number of operands)
BUILTIN_OPS: dict[str, tuple[Callable, int]] = {
    "+": (_add, 2),
    "-": (_sub, 2),
    "*": (_mul, 2),
    "/": (_div, 2),
    "neg": (_neg, 1),
    "**": (_pow_values, 2),
    "x**c": (_pow_constant, 1),
    "c**x": (_number_to_power, 1),
    "exp": _monotone("exp", _ops.exp, limit=6.0),
    "log": _positive_only("log", _ops.log),
    "sqrt": _positive_only("sqrt", _ops.sqrt),
    "tanh": _monotone("tanh", _ops.tanh),
    "sigmoid": _monotone("sigmoid", _ops.sigmoid),
    "sin": _periodic("sin", _ops.sin),
    "cos": _periodic("cos", _ops.cos),
    "relu": _kinked("relu", _ops.relu),
    "abs": _kinked("abs", _ops.abs),
    "leaky_relu": (_leaky, 1),
    "sum": (_n_ary("sum", _ops.sum, _sum_interval), 3),
    "mean": (_n_ary("mean", _ops.mean, _mean_interval), 3),
    "dot": (_dot, 4),
}


# --- your own ops ---------------------------------------------------------------------


#: The domains an op of yours can have, and the inputs ``expressions`` then gives it.
DOMAINS = {"real": f"inputs in [-{SAFE_RANGE:g}, {SAFE_RANGE:g}]", "positive": "inputs >= 0.5"}


class UserOp:
    """How ``expressions`` should use an op made with ``define_op``.

    ``domain="real"``: any input in [-4, 4] is fine (larger ones are squashed with tanh);
    ``domain="positive"``: inputs are shifted to be at least 0.5. ``kinks``: the points
    where the op's derivative jumps (0 for a relu of your own); each input is kept at least
    0.5 away from each, on a side drawn at random, as relu and abs are kept away from 0 (so
    for a kink at 10, half the inputs are moved past it, out of [-4, 4]).
    The op's output range is measured by evaluating it on a grid over its input range.
    """

    def __init__(self, op, arity=None, domain="real", kinks=()):
        if not isinstance(op, Op):
            raise TypeError(f"user_op needs an op made by define_op, got {op!r}")
        if not isinstance(domain, str):
            raise TypeError(
                f"user_op: domain must be a str, 'real' or 'positive', got "
                f"{type(domain).__name__} {domain!r}"
            )
        if domain not in DOMAINS:
            raise ValueError(f"user_op: domain must be 'real' or 'positive', got {domain!r}")
        self.op, self.domain = op, domain
        self.arity = _arity(op) if arity is None else _checked_arity(op, arity)
        self.name = op.rule.name
        self.sides = _sides_of(_checked_kinks(kinks, domain))

    def __call__(self, draw, *args):
        args = [within(a, SAFE_RANGE) for a in args]
        if self.domain == "positive":
            args = [positive(a) for a in args]
        if self.sides:
            args = [_between(a, *draw(st.sampled_from(self.sides))) for a in args]
        low, high = self._measure(args)
        return call_node(self.name, self.op, args, low, high)

    def _measure(self, args, budget=5000):
        """The op's range over the boxes of ``args``, from at most ``budget`` calls: a grid
        of up to 17 points a side (all of it for 1 to 3 inputs, fewer points a side for
        more), and past 12 inputs, where even the corners are too many, the two extreme
        corners and points drawn with a fixed seed (an op of no inputs: one call)."""
        points = min(17, int(budget ** (1 / max(1, len(args))) + 1e-9))
        if points >= 2:
            grids = [[a.low + (a.high - a.low) * k / (points - 1) for k in range(points)]
                     for a in args]  # fmt: skip
            inputs = _product(grids)
        else:
            rng = random.Random(0)
            inputs = [[a.low for a in args], [a.high for a in args]]
            inputs += [[rng.uniform(a.low, a.high) for a in args] for _ in range(budget - 2)]
        outputs = [self._value_at(xs) for xs in inputs]
        low, high = min(outputs), max(outputs)
        pad = 0.1 * (high - low) + 1e-3  # the grid may miss the extremes between points
        return low - pad, high + pad

    def _value_at(self, xs):
        """op(*xs), a finite number, or a ValueError: the op is not defined all over its domain."""
        try:
            y = self.op(*xs)
        except (ArithmeticError, ValueError) as error:  # 1 / 0, log(-1), exp(1000)
            raise ValueError(
                self._undefined(xs, f"raised {type(error).__name__}: {error}")
            ) from error
        if not math.isfinite(y):
            raise ValueError(self._undefined(xs, f"gave {y!r}"))
        return y

    def _undefined(self, xs, what) -> str:
        where = DOMAINS[self.domain]
        advice = (
            f'; if it needs positive inputs, use user_op({self.name}, domain="positive")'
            if self.domain == "real"
            else "; expressions can only use an op that is defined for all such inputs"
        )
        return (
            f"expressions: op {self.name!r} cannot be evaluated on domain {self.domain!r} "
            f"({where}): {self.name}({', '.join(f'{x:g}' for x in xs)}) {what}{advice}"
        )


def user_op(op, arity=None, domain="real", kinks=()) -> UserOp:
    """Describe your op for ``expressions(ops=[...])``; a bare op means ``domain="real"``.

    ``arity`` (how many inputs the op takes) is read from the op when not given. ``kinks``
    lists where its derivative jumps (``kinks=[0]`` for a relu of your own, ``[-1, 1]`` for
    a Huber loss): there the slope has no single right value, so inputs stay away from them
    (each in [-1000, 1000]: inputs are a few units, and a kink farther out is never reached).
    """
    return UserOp(op, arity, domain, kinks)


#: ``user_op``'s kinks lie in [-FARTHEST_KINK, FARTHEST_KINK].
FARTHEST_KINK = 1000


def _checked_kinks(kinks, domain) -> list[float]:
    """``kinks`` as sorted floats: a list or tuple of real numbers (TypeError), finite, at
    most ``FARTHEST_KINK`` from 0, and only with domain "real" (ValueError)."""
    if not isinstance(kinks, (list, tuple)) or not all(
        isinstance(k, numbers.Real) and not isinstance(k, bool) for k in kinks
    ):
        raise TypeError(
            f"user_op: kinks must be a list of numbers (where the op's derivative jumps), "
            f"got {type(kinks).__name__} {kinks!r:.80}"
        )
    if not all(isinstance(k, numbers.Integral) or math.isfinite(k) for k in kinks):
        raise ValueError(f"user_op: kinks must be finite numbers, got {kinks!r:.80}")
    if not all(-FARTHEST_KINK <= k <= FARTHEST_KINK for k in kinks):
        raise ValueError(
            f"user_op: kinks must lie in [-{FARTHEST_KINK}, {FARTHEST_KINK}], got "
            f"{kinks!r:.80}: inputs are moved past a kink to check both sides, and x + 1e8 "
            "keeps too few of x's digits to check; expressions draws inputs of a few units, "
            "so a kink that far out is never reached: leave it out"
        )
    if kinks and domain != "real":
        raise ValueError(f'user_op: kinks need domain="real", got domain={domain!r}')
    return sorted({float(k) for k in kinks})


def _sides_of(kinks) -> list[tuple]:
    """The stretches between kinks an input may be kept in: (None, k1), (k1, k2), ...,
    (kn, None), each at least 0.5 clear of its ends (a gap narrower than 1 has no room)."""
    if not kinks:
        return []
    ends = [None, *kinks, None]
    return [(lo, hi) for lo, hi in itertools.pairwise(ends)
            if lo is None or hi is None or hi - lo > 1.0]  # fmt: skip


def _between(e, lo, hi):
    """e moved into (lo, hi), at least 0.5 from each end: shifted below hi or above lo, or,
    between two kinks, squashed into [-1, 1] with tanh and scaled into the gap; e itself
    when it is already there."""
    if (lo is None or e.low >= lo + 0.5) and (hi is None or e.high <= hi - 0.5):
        return e
    if lo is None:
        return _shifted(negative(_shifted(e, -hi)), hi)
    if hi is None:
        return _shifted(positive(_shifted(e, -lo)), lo)
    t, middle, half = within(e, 1.0), (lo + hi) / 2, (hi - lo) / 2 - 0.5
    scaled = infix("*", lambda a, b: a * b, t, constant(half), half * t.low, half * t.high)
    return _shifted(scaled, middle)


def _shifted(e, c):
    return e if c == 0 else plus(e, float(c))


def _checked_arity(op, arity) -> int:
    """``arity`` as given: an int (TypeError), at least 1 and one the op can take (ValueError)."""
    if isinstance(arity, bool) or not isinstance(arity, numbers.Integral):
        raise TypeError(
            f"user_op: arity must be an int, how many inputs the op takes, got "
            f"{type(arity).__name__} {arity!r}"
        )
    if arity < 1:
        raise ValueError(f"user_op: arity must be at least 1 (the op's inputs), got {arity!r}")
    # forward must take them, and derivative them and out (where a signature tells: some
    # builtins have none, and math.hypot's forward takes any count)
    for role, function, given in (("forward", op.rule.forward, arity),
                                  ("derivative", op.rule.derivative, arity + 1)):  # fmt: skip
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            continue
        try:
            signature.bind(*[0.0] * given)
        except TypeError:
            raise ValueError(
                f"user_op: {op.rule.name!r} cannot take arity={arity!r} inputs: its {role} "
                f"is {signature}; give the number of inputs it takes, or leave arity out"
            ) from None
    return int(arity)


def _arity(op):
    """How many inputs the op takes, read from its forward (or derivative) signature, as
    ``define_op`` reads it (``rules.inputs_needed``)."""
    for function, after in ((op.rule.forward, 0), (op.rule.derivative, 1)):
        n = inputs_needed(function, after)
        if n is not None:
            return n
    raise TypeError(f"user_op: cannot tell how many inputs {op!r} takes; pass arity=")


def _product(grids):
    combos = [[]]
    for grid in grids:
        combos = [[*c, x] for c in combos for x in grid]
    return combos


#: The built-in ops as functions (``ops=[ag.log]``), by the names ``BUILTIN_OPS`` gives them
#: (every name there that is also a function of the library's: not "+" or "x**c").
_BUILTIN_FUNCTIONS = {getattr(_ops, name): name for name in BUILTIN_OPS if hasattr(_ops, name)}


def _builder(op):
    for function, name in _BUILTIN_FUNCTIONS.items():  # ag.log: the op "log", in its domain
        if op is function:
            op = name
    if isinstance(op, str):
        if op not in BUILTIN_OPS:
            raise ValueError(f"expressions: unknown op {op!r}; known: {', '.join(BUILTIN_OPS)}")
        return BUILTIN_OPS[op]
    spec = op if isinstance(op, UserOp) else UserOp(op)
    return spec, spec.arity


# --- the strategy ---------------------------------------------------------------------


def _names(variables) -> tuple:
    """The variables' names, checked: a list of distinct identifiers such as ("x", "y")."""
    if isinstance(variables, (str, bytes)) or not hasattr(variables, "__iter__"):
        raise TypeError(
            f"expressions: variables must be a list of names such as ('x', 'y'), got {variables!r}"
        )
    variables = tuple(variables)
    for v in variables:
        if not isinstance(v, str):
            raise TypeError(f"expressions: variables must be names (str), got {v!r}")
        if not v.isidentifier():
            raise ValueError(f"expressions: variables must be names such as 'x'; {v!r} is not one")
    if not variables:
        raise ValueError("expressions: give at least one variable, such as ('x',)")
    if len(set(variables)) != len(variables):
        raise ValueError(f"expressions: variables must differ, got {variables!r}")
    return variables


def expressions(variables=("x",), ops=None, max_depth=3):
    """Random expressions of ``variables`` built from ``ops``, as callables.

    ``ops`` lists names from ``BUILTIN_OPS`` (all of them by default), or the built-in
    functions themselves (``ag.log`` is "log"), and ops of your own (``define_op`` results,
    or ``user_op(op, domain="positive")``). Hypothesis shrinks a
    failing expression towards fewer ops and the first variable.
    """
    variables = _names(variables)
    if isinstance(ops, (str, bytes)) or not (ops is None or hasattr(ops, "__iter__")):
        raise TypeError(f"expressions: ops must be a list of ops such as ['+', 'exp'], got {ops!r}")
    builders = [_builder(op) for op in (BUILTIN_OPS if ops is None else ops)]
    if not builders:
        raise ValueError("expressions: give at least one op")
    if isinstance(max_depth, bool) or not isinstance(max_depth, numbers.Integral):
        raise TypeError(
            f"expressions: max_depth must be an int, got {type(max_depth).__name__} {max_depth!r}"
        )
    if max_depth < 1:
        raise ValueError(f"expressions: max_depth must be at least 1, got {max_depth!r}")

    # Every node starts with the same draw, "leaf (0) or op", even where the answer is
    # forced: then any subtree is also a valid whole tree, and hypothesis can shrink a
    # failing expression by replacing it with the part of it that still fails.
    @st.composite
    def tree(draw, depth):
        if draw(st.integers(0, 3 if depth > 0 else 0)) == 0:
            choice = draw(st.integers(0, len(variables)))  # shrinks to the first variable
            if choice < len(variables):
                return variable(variables[choice])
            return constant(draw(st.sampled_from([0.5, 2.0, 1.5, -1.0])))
        build, arity = builders[draw(st.integers(0, len(builders) - 1))]
        operands = [draw(tree(depth - 1)) for _ in range(arity)]
        return build(draw, *operands)

    def finish(e):
        return Expression(e.text, e.evaluate, e.low, e.high, e.atomic, variables)

    return tree(max_depth).map(finish)


# --- the check ------------------------------------------------------------------------


def assert_gradients_match(f, *inputs, rtol=1e-6, atol=1e-8):
    """Reverse-mode gradients of f equal extrapolated central differences, or GradcheckError.

    The numeric side uses Richardson extrapolation (see ``check.extrapolated_difference``),
    which is accurate to about 1e-10 for smooth f and also says how accurate it is, so the
    tolerances can be tight: a gradient passes when

        |analytic - numeric| <= atol + rtol * |numeric| + 2 * (numeric's error estimate)

    The error estimate is what makes room for rounding: a large |f| leaves fewer digits to
    its differences, and the estimate grows with it. Nothing else about f loosens the check:
    adding a constant or another input to f leaves a wrong derivative wrong.

    ``atol`` is an absolute floor, for the rounding of the analytic side, which the estimate
    cannot see: 1 - tanh(x)² near tanh's saturation keeps only a digit or two, and right
    second derivatives in the property tests were off by up to 3e-11. So a gradient smaller
    than about ``atol`` is hardly checked at all: to check tiny gradients, pass ``atol=0``
    (then rtol and the error estimate make the slack), or scale f up.
    """
    who = "assert_gradients_match"
    if not callable(f):
        raise TypeError(f"{who} needs a function, got {type(f).__name__} {f!r}")
    if not inputs:
        raise TypeError(f"{who} needs at least one input: {who}(f, x, y, ...)")
    rtol = tolerance(rtol, f"{who}: rtol")
    atol = tolerance(atol, f"{who}: atol")
    # Fresh leaves on both sides, as gradcheck: partial derivatives, as grad gives them.
    points = finite_points(inputs, who)
    analytic = _reverse_mode(f, points, who)
    numeric, errors = [], []
    for i in range(len(points)):
        estimate, error = extrapolated_difference(f, points, i, who=who)
        numeric.append(estimate)
        errors.append(error)
    names = input_names(f, len(points))
    table = compare(analytic, numeric, atol, rtol, names, points, errors)
    if table is not None:
        name = getattr(f, "__name__", None) or repr(f)
        raise GradcheckError(
            f"reverse mode disagrees with numeric differentiation for {name} at "
            f"{', '.join(f'{n}={x!r}' for n, x in zip(names, points))}\n{table}\n"
            f"a row passes when abs err <= atol + rtol·|numeric| + 2·(numeric ±), atol={atol:g}, "
            f"rtol={rtol:g};\nnumeric ± is how sure the numeric side is: far below abs err, "
            f"the analytic side is most likely wrong{_ops_to_blame(f, points, who)}"
        )
