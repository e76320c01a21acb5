"""Every operation, with its forward and its derivative side by side.

Read the table below as a list of calculus facts: ``exp`` is its own derivative, the
derivative of ``tanh`` is ``1 - tanh**2``, and so on. Each entry goes through ``define_op``,
the same door your own operations use. ``out`` is the operation's result, which many
derivatives reuse.

After the table come the fast paths: the handful of operations that a neural network
calls thousands of times per step build their nodes directly and store their local
derivatives during the forward pass. ``tests/test_ops.py`` checks that each agrees with its
table entry.
"""

from __future__ import annotations

import builtins
import functools
import math
import operator

from .rules import RULES, Op, Rule, constant, define_op
from .value import Value, as_real, make_node

# --- forward functions on floats: the domain and overflow rules live here --------------


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:  # IEEE: too large is inf, never an exception
        return math.inf


def _log(x):
    if x <= 0:
        raise ValueError(f"log({x!r}): log is only defined for x > 0")
    return math.log(x)


def _sqrt(x):
    if x < 0:
        raise ValueError(f"sqrt({x!r}): sqrt is only defined for x >= 0")
    return math.sqrt(x)


def _sigmoid(x):
    # Two forms, so that exp never overflows: exp(-x) for x >= 0, exp(x) for x < 0.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sin(x):
    return math.sin(x) if math.isfinite(x) else math.nan


def _cos(x):
    return math.cos(x) if math.isfinite(x) else math.nan


def _div(a, b):
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def _pow(x, y):
    if x == 0 and y < 0:
        raise ZeroDivisionError(f"{x!r} ** {y!r}: zero cannot be raised to a negative power")
    if x < 0 and math.isfinite(y) and not float(y).is_integer():
        raise ValueError(
            f"({x!r}) ** {y!r}: a negative base needs an integer exponent "
            "(the result would be a complex number)"
        )
    return _ieee_pow(x, y)


def _ieee_pow(x, y):
    """x ** y as IEEE (and PyTorch) give it: 0 ** -1 is inf, (-8) ** 0.5 is nan, never raises."""
    odd = float(y).is_integer() and float(y) % 2 == 1
    if x == 0 and y < 0:
        return math.copysign(math.inf, x) if odd else math.inf
    if x < 0 and math.isfinite(y) and not float(y).is_integer():
        return math.nan
    try:
        return float(x**y)
    except OverflowError:  # IEEE: too large is inf, with the sign an odd power keeps
        return -math.inf if x < 0 and odd else math.inf


def _ieee_div(a, b):
    """a / b as IEEE gives it: 1 / 0 is inf, 0 / 0 is nan, never raises."""
    if b == 0:
        return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _ieee_log(x):
    """log x as IEEE gives it: log 0 is -inf, the log of a negative number is nan."""
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def _relu(x):
    return 0.0 if x <= 0.0 else x  # a NaN passes through, as in PyTorch


def _sign(x):
    """The derivative of abs, with abs'(0) = 0 as in PyTorch."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _sum(*xs):
    return float(builtins.sum(xs))


def _mean(*xs):
    return float(builtins.sum(xs)) / len(xs)


def _dot(*xs_then_ys):
    n = len(xs_then_ys) // 2
    return _dot_of(xs_then_ys[:n], xs_then_ys[n:])


def _dot_of(xs, ys):
    return float(builtins.sum(map(operator.mul, xs, ys)))


# --- helpers for derivatives, written to work on floats and on Values alike -------------
# At a singular point a local derivative is infinite or NaN (d sqrt(x)/dx is inf at 0). As a
# Value it must still depend on the inputs, so that a second derivative sees it: PyTorch's
# double backward gives -inf for sqrt'' at 0. So derivatives compute with the IEEE rows at
# the end of the table (`ieee_div`, `ieee_pow`, `ieee_log`), which give inf and nan where
# the ops for users raise, never with bare inf or nan constants.


def _dpow_dbase(x, y):
    """d (x ** y) / dx = y * x ** (y - 1); 0 where y == 0 (x ** 0 is the constant 1)."""
    if not isinstance(y, Value) and y == 0:
        return 0.0  # a constant exponent 0: nothing depends on x
    d = y * ieee_pow(x, y - 1)
    # A Value exponent that is 0 right now still varies: y * x ** (y - 1) is 0 here, but its
    # derivative in y is not, and grad of grad needs it. Only at x = 0 is it 0 * inf.
    return zero_keeping(d) if float(y) == 0 and float(x) == 0 else d


def _dpow_dexp(x, y, out):
    """d (x ** y) / dy = x ** y * log(x); 0 at x = 0 (y >= 0), NaN for x < 0, as in PyTorch."""
    d = out * ieee_log(x)
    return zero_keeping(d) if float(x) == 0 and float(y) >= 0 else d


def _builtin(name, forward, derivative, doc, label=None):
    op = define_op(name, forward, derivative, doc=doc, _builtin=True)
    op.rule.label = label or name
    return op


# --- the table ------------------------------------------------------------------------
# name                 forward        derivative(inputs..., out): one entry per input

_ADD = _builtin("+",   operator.add,  lambda a, b, out: (1.0, 1.0),            "a + b")  # fmt: skip
_SUB = _builtin("-",   operator.sub,  lambda a, b, out: (1.0, -1.0),           "a - b")  # fmt: skip
_MUL = _builtin("*",   operator.mul,  lambda a, b, out: (b, a),                "a * b")  # fmt: skip
_DIV = _builtin("/",   _div,          lambda a, b, out: (1 / b, -out / b),     "a / b")  # fmt: skip
_NEG = _builtin("neg", operator.neg,  lambda a, out: (-1.0,),                  "-a")  # fmt: skip
_POW = _builtin("**",  _pow,          lambda x, y, out: (_dpow_dbase(x, y), _dpow_dexp(x, y, out)),
                "x ** y")  # fmt: skip
exp = _builtin("exp",  _exp,          lambda x, out: (out,),                   "e ** x")  # fmt: skip
log = _builtin("log",  _log,          lambda x, out: (1 / x,),                 "ln x, x > 0")  # fmt: skip
sqrt = _builtin("sqrt", _sqrt,        lambda x, out: (ieee_div(0.5, out),),   "x ** 0.5, x >= 0")  # fmt: skip
sin = _builtin("sin",  _sin,          lambda x, out: (cos(x),),                "sine")  # fmt: skip
cos = _builtin("cos",  _cos,          lambda x, out: (-sin(x),),               "cosine")  # fmt: skip
sigmoid = _builtin("sigmoid", _sigmoid, lambda x, out: (out * (1 - out),),     "1 / (1 + e ** -x)")  # fmt: skip
abs = _builtin("abs",  math.fabs,     lambda x, out: (_sign(x),),              "|x|")  # fmt: skip
_TANH = _builtin("tanh", math.tanh,   lambda x, out: (1 - out * out,),         "tanh x")  # fmt: skip
_RELU = _builtin("relu", _relu,       lambda x, out: (1.0 if x > 0 else 0.0,), "max(x, 0)")  # fmt: skip
_SUM = _builtin("sum", _sum,          lambda *xs_out: (1.0,) * (len(xs_out) - 1),
                "x1 + x2 + ... + xn, one node")  # fmt: skip
_MEAN = _builtin("mean", _mean,       lambda *xs_out: (1 / (len(xs_out) - 1),) * (len(xs_out) - 1),
                 "(x1 + ... + xn) / n, one node")  # fmt: skip
_DOT = _builtin("dot", _dot,          lambda *xys_out: (*xys_out[len(xys_out) // 2:-1],
                                                        *xys_out[:len(xys_out) // 2]),
                "x1*y1 + ... + xn*yn, one node")  # fmt: skip

# The arithmetic inside derivatives: the same functions without the domain checks, giving
# inf and nan where the rows above raise (see the helpers for derivatives).
ieee_div = _builtin("ieee_div", _ieee_div, lambda a, b, out: (ieee_div(1.0, b), -ieee_div(out, b)),
                    "a / b, inf or nan at b = 0", "/")  # fmt: skip
ieee_pow = _builtin("ieee_pow", _ieee_pow, lambda x, y, out: (_dpow_dbase(x, y), _dpow_dexp(x, y, out)),
                    "x ** y, inf or nan outside the domain", "**")  # fmt: skip
ieee_log = _builtin("ieee_log", _ieee_log, lambda x, out: (ieee_div(1.0, x),),
                    "ln x, -inf at 0 and nan below", "log")  # fmt: skip
# A zero that still depends on x, as PyTorch's where(condition, 0, x): the local derivative
# is 0, so an inf or nan behind it still shows in a higher derivative (0 * inf is nan).
zero_keeping = _builtin("zero_keeping", lambda x: 0.0, lambda x, out: (0.0,),
                        "0, still depending on x", "0·")  # fmt: skip


# Operations with a constant parameter get a small rule of their own, made once per
# parameter: x ** 2 has the single parent x (its exponent 2 is part of the op, as in
# micrograd), and leaky_relu's slope is not a node either.


@functools.lru_cache(maxsize=256)
def _power_of(c) -> Op:
    """x ** c for a constant c."""
    rule = Rule(
        "**",
        lambda x: _pow(x, c),
        lambda x, out: (_dpow_dbase(x, c),),
        f"**{c:g}",
        True,
        ("x**c", c),
    )
    return Op(rule)


@functools.lru_cache(maxsize=256)
def _base_to(c) -> Op:
    """c ** x for a constant c."""
    rule = Rule(
        "**",
        lambda x: _pow(c, x),
        lambda x, out: (_dpow_dexp(c, x, out),),
        f"{c:g}**",
        True,
        ("c**x", c),
    )
    return Op(rule)


@functools.lru_cache(maxsize=64)
def _leaky_relu_with(slope) -> Op:
    rule = Rule(
        "leaky_relu",
        lambda x: x if x > 0 else slope * x,
        lambda x, out: (1.0 if x > 0 else slope,),  # leaky_relu'(0) = slope, as in PyTorch
        f"leaky_relu({slope:g})",
        builtin=True,
        key=("leaky_relu", slope),
    )
    return Op(rule)


RULES["leaky_relu"] = _leaky_relu_with(0.01).rule  # the default slope's rule names the op


def rule_for(key) -> Rule:
    """The rule a pickle names by ``key`` (see ``Rule.key``); a clear error if none is defined."""
    if isinstance(key, tuple):
        kind, constant = key
        return {"x**c": _power_of, "c**x": _base_to, "leaky_relu": _leaky_relu_with}[kind](
            constant
        ).rule
    rule = RULES.get(key)
    if rule is None:
        raise ValueError(
            f"cannot rebuild a Value made by op {key!r}: no op of that name is defined. "
            f"Define it again with define_op({key!r}, ...) before loading (for example by "
            "importing the module that defines it)"
        )
    return rule


def power(base, exponent):
    """base ** exponent, differentiable in whichever of the two is a Value."""
    if isinstance(exponent, Value):
        if isinstance(base, Value):
            return _POW(base, exponent)
        return _base_to(as_real(base, "the base of **"))(exponent)
    return _power_of(as_real(exponent, "the exponent of **"))(base)


def leaky_relu(x, slope=0.01):
    """x when positive, else slope * x."""
    slope = as_real(slope, "leaky_relu's slope")
    if not math.isfinite(slope):
        raise ValueError(f"leaky_relu's slope must be a finite number, got {slope!r}")
    return _leaky_relu_with(slope)(x)


# --- fast paths -----------------------------------------------------------------------
# The same rules as the table, with the local derivatives computed now, in the forward
# pass, so that backward is a plain loop of multiply-adds.

_ONE_ONE, _ONE_MINUS_ONE, _MINUS_ONE, _ONE, _ZERO = (1.0, 1.0), (1.0, -1.0), (-1.0,), (1.0,), (0.0,)
# The table's rules, looked up once here instead of once per operation.
_ADD_RULE, _SUB_RULE, _MUL_RULE, _DIV_RULE = _ADD.rule, _SUB.rule, _MUL.rule, _DIV.rule
_NEG_RULE, _TANH_RULE, _RELU_RULE = _NEG.rule, _TANH.rule, _RELU.rule
_SUM_RULE, _MEAN_RULE, _DOT_RULE = _SUM.rule, _MEAN.rule, _DOT.rule


def add(a, b):
    if type(a) is not Value:
        a = constant(a, _ADD_RULE)
    if type(b) is not Value:
        b = constant(b, _ADD_RULE)
    return make_node(a.data + b.data, (a, b), _ONE_ONE, _ADD_RULE)


def sub(a, b):
    if type(a) is not Value:
        a = constant(a, _SUB_RULE)
    if type(b) is not Value:
        b = constant(b, _SUB_RULE)
    return make_node(a.data - b.data, (a, b), _ONE_MINUS_ONE, _SUB_RULE)


def mul(a, b):
    if type(a) is not Value:
        a = constant(a, _MUL_RULE)
    if type(b) is not Value:
        b = constant(b, _MUL_RULE)
    x, y = a.data, b.data
    return make_node(x * y, (a, b), (y, x), _MUL_RULE)


def div(a, b):
    if type(a) is not Value:
        a = constant(a, _DIV_RULE)
    if type(b) is not Value:
        b = constant(b, _DIV_RULE)
    x, y = a.data, b.data
    out = _div(x, y)
    return make_node(out, (a, b), (1.0 / y, -out / y), _DIV_RULE)


def neg(a):
    return make_node(-a.data, (a,), _MINUS_ONE, _NEG_RULE)


def tanh(x):
    """The hyperbolic tangent, in (-1, 1); tanh(1000) is 1.0 with gradient 0.0."""
    if not isinstance(x, Value):
        return math.tanh(as_real(x, "tanh"))
    t = math.tanh(x.data)
    return make_node(t, (x,), (1.0 - t * t,), _TANH_RULE)


def relu(x):
    """max(x, 0), with relu'(0) = 0 as in PyTorch."""
    if not isinstance(x, Value):
        return _relu(as_real(x, "relu"))
    d = x.data
    return make_node(_relu(d), (x,), _ONE if d > 0.0 else _ZERO, _RELU_RULE)


def _nodes(values, rule):
    """The operands of an n-ary op as a tuple of Values, or None when none is a Value."""
    if values and list(map(type, values)) == [Value] * len(values):  # usual, at C speed
        return values
    if any(isinstance(v, Value) for v in values):
        return tuple(v if type(v) is Value else constant(v, rule) for v in values)
    return None


def sum(values):
    """The sum of many Values as a single node (built-in ``sum`` builds a deep chain)."""
    values = tuple(values)
    nodes = _nodes(values, _SUM_RULE)
    if nodes is None:
        return _SUM(*values)
    return make_node(_sum(*[v.data for v in nodes]), nodes, _ONE * len(nodes), _SUM_RULE)


def mean(values):
    """The mean of one or more Values as a single node."""
    values = tuple(values)
    nodes = _nodes(values, _MEAN_RULE)
    if nodes is None:
        if not values:
            raise ValueError("mean of no values: give at least one")
        return _MEAN(*values)
    n = len(nodes)
    return make_node(_mean(*[v.data for v in nodes]), nodes, (1 / n,) * n, _MEAN_RULE)


def dot(xs, ys):
    """x1*y1 + ... + xn*yn as a single node: one neuron's weighted sum."""
    xs, ys = tuple(xs), tuple(ys)
    n = len(xs)
    if n != len(ys):
        raise ValueError(f"dot needs two sequences of one length, got {n} and {len(ys)}")
    x = tuple([v.data for v in xs if type(v) is Value])
    y = tuple([v.data for v in ys if type(v) is Value])
    nodes = xs + ys
    if not n or len(x) != n or len(y) != n:  # some operands are numbers: make them constants
        nodes = _nodes(nodes, _DOT_RULE)
        if nodes is None:
            return _DOT(*xs, *ys)
        x, y = tuple([v.data for v in nodes[:n]]), tuple([v.data for v in nodes[n:]])
    return make_node(_dot_of(x, y), nodes, y + x, _DOT_RULE)  # d/dx_i = y_i, d/dy_i = x_i


def dots(rows, xs) -> list:
    """``[dot(row, xs) for row in rows]``, reading ``xs`` once: a whole layer's weighted sums.

    One node per row, exactly as ``dot`` makes it; only quicker, because every neuron of a
    layer reads the same inputs.
    """
    xs = tuple(xs)
    n = len(xs)
    x = tuple([v.data for v in xs if type(v) is Value])
    sums = []
    for row in rows:
        row = tuple(row)
        w = tuple([v.data for v in row if type(v) is Value])
        if len(w) == n == len(x) and n:
            sums.append(make_node(_dot_of(w, x), row + xs, x + w, _DOT_RULE))
        else:  # numbers among the operands, or lengths that differ: dot sorts them out
            sums.append(dot(row, xs))
    return sums
