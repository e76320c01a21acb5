"""Every operation's derivative against a central difference, and fast paths against the table.

The numeric derivative is the five-point central difference
    f'(x) ~ (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h,
whose error is O(h^4): with h near 1e-3 it is good to about 1e-10 relative in float64, so
these tests hold reverse mode to rtol 1e-6 with room to spare.
"""

import math

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.graph import local_derivatives
from autograd_lite.ops import dots

RTOL = 1e-6


def numeric(f, args, i, singular_at_zero=False):
    """d f / d args[i] by the five-point stencil. The step grows with |x|; near a
    singularity or kink at 0 (log, sqrt, 1/x, relu) it shrinks with |x| instead."""
    x = args[i]
    h = 1e-3 * (abs(x) if singular_at_zero and abs(x) < 1 else max(1.0, abs(x)))

    def at(dx):
        moved = list(args)
        moved[i] = x + dx
        return f(*moved)

    return (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)


def analytic(build, args):
    xs = [Value(a) for a in args]
    build(*xs).backward()
    return [x.grad for x in xs]


def check(build, args, atol=1e-9, singular_at_zero=()):
    """Reverse mode == central differences, for every argument.

    ``singular_at_zero``: the indices of the arguments that have a singularity or kink at 0.
    """
    on_floats = lambda *a: build(*[Value(v) for v in a]).data
    for i, g in enumerate(analytic(build, args)):
        n = numeric(on_floats, args, i, i in singular_at_zero)
        assert math.isclose(g, n, rel_tol=RTOL, abs_tol=atol), (args, i, g, n)


def reals(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


away_from_zero = reals(-5, 5).filter(lambda x: abs(x) > 1e-2)
positive = reals(1e-2, 50)


@given(reals(-20, 20))
def test_exp(x):
    check(lambda v: v.exp(), [x])


@given(positive)
def test_log(x):
    check(lambda v: v.log(), [x], singular_at_zero=(0,))


@given(positive)
def test_sqrt(x):
    check(lambda v: v.sqrt(), [x], singular_at_zero=(0,))


@given(reals(-20, 20))
def test_tanh(x):
    check(lambda v: v.tanh(), [x])


@given(reals(-30, 30))
def test_sigmoid(x):
    check(lambda v: v.sigmoid(), [x])


@given(reals(-10, 10))
def test_sin_and_cos(x):
    check(lambda v: v.sin(), [x])
    check(lambda v: v.cos(), [x])


@given(away_from_zero)
def test_relu_abs_leaky_relu_away_from_the_kink(x):
    check(lambda v: v.relu(), [x], singular_at_zero=(0,))
    check(lambda v: abs(v), [x], singular_at_zero=(0,))
    check(lambda v: v.leaky_relu(0.1), [x], singular_at_zero=(0,))


@given(reals(-100, 100), reals(-100, 100))
def test_add_sub_mul_neg(x, y):
    check(lambda a, b: a + b, [x, y])
    check(lambda a, b: a - b, [x, y])
    check(lambda a, b: a * b, [x, y])
    check(lambda a, b: -a * b, [x, y])


@given(reals(-100, 100), away_from_zero)
def test_div(x, y):
    check(lambda a, b: a / b, [x, y], singular_at_zero=(1,))
    check(lambda a, b: 2.0 / b + a / 3.0, [x, y], singular_at_zero=(1,))


@given(positive, reals(-3, 3))
def test_power_by_a_constant(x, c):
    check(lambda v: v**c, [x], singular_at_zero=(0,))


@given(reals(-5, 5), st.integers(-3, 4))
def test_power_of_a_negative_base_by_an_integer(x, n):
    assume(abs(x) > 1e-2)
    check(lambda v: v**n, [x], singular_at_zero=(0,))


@given(reals(0.1, 10), reals(-3, 3))
def test_power_value_by_value(x, y):
    check(lambda a, b: a**b, [x, y], singular_at_zero=(0,))


@given(reals(0.1, 10), reals(-5, 5))
def test_number_to_a_value(base, y):
    check(lambda v: base**v, [y])


@given(st.lists(reals(-10, 10), min_size=1, max_size=6))
def test_sum_and_mean(xs):
    check(lambda *v: ag.sum(v) * 1.5, xs)
    check(lambda *v: ag.mean(v).tanh(), xs)


@given(st.lists(reals(-10, 10), min_size=2, max_size=8).filter(lambda xs: len(xs) % 2 == 0))
def test_dot(xs):
    half = len(xs) // 2
    check(lambda *v: ag.dot(v[:half], v[half:]), xs)


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda x: ag.sum(5), r"ag\.sum\(values\)"),
        (lambda x: ag.sum(x), r"ag\.sum\(values\)"),
        (lambda x: ag.mean(None), r"ag\.mean\(values\)"),
        (lambda x: ag.mean("abc"), r"ag\.mean\(values\)"),
        (lambda x: ag.dot(x, x), r"ag\.dot\(xs, ys\): xs"),
        (lambda x: ag.dot([x], 2.0), r"ag\.dot\(xs, ys\): ys"),
    ],
)
def test_sum_mean_and_dot_of_something_that_is_not_a_collection_say_what_to_give(call, where):
    x = Value(1.0)
    with pytest.raises(TypeError, match=rf"{where} needs Values or numbers in a list, got"):
        call(x)
    with pytest.raises(TypeError, match=r"for one Value v, write \[v\]"):
        ag.mean(x)


def test_sum_and_dot_take_generators_and_give_a_float_for_plain_numbers():
    x = Value(2.0)
    assert ag.sum(v for v in [x, x]).data == 4.0
    assert ag.dot((v for v in [x]), iter([3.0])).data == 6.0
    assert ag.sum([]) == 0.0 and type(ag.sum([1, 2])) is float


# --- recording a node applies its row -------------------------------------------------

ROWS = [
    (lambda a, b: a + b, 2),
    (lambda a, b: a - b, 2),
    (lambda a, b: a * b, 2),
    (lambda a, b: a / b, 2),
    (lambda a, b: abs(a) ** b, 2),
    (lambda a: -a, 1),
    (lambda a: a.tanh(), 1),
    (lambda a: a.relu(), 1),
    (lambda a: a.sigmoid(), 1),
    (lambda a: a.exp(), 1),
    (lambda a: abs(a).log(), 1),
    (lambda a: abs(a).sqrt(), 1),
    (lambda a: a.sin(), 1),
    (lambda a: a.cos(), 1),
    (lambda a: abs(a), 1),
    (lambda a, b, c: ag.sum([a, b, c]), 3),
    (lambda a, b, c: ag.mean([a, b, c]), 3),
    (lambda a, b, c, d: ag.dot([a, b], [c, d]), 4),
    (lambda a, b, c, d: dots([[a, b], [d, c]], [c, d])[1], 4),
]


@given(st.lists(away_from_zero, min_size=4, max_size=4))
def test_every_node_keeps_what_its_row_computes(xs):
    """The number is the row's forward, the stored local derivatives its derivative."""
    for build, arity in ROWS:
        node = build(*[Value(x) for x in xs[:arity]])
        rule = ag.RULES[node.op]
        floats = [p.data for p in node.parents]
        assert node.data == rule.forward(*floats), node.op
        table = rule.derivative(*floats, node.data)
        assert list(local_derivatives(node)) == [float(d) for d in table], node.op
        again = node.local_derivatives(create_graph=True)  # the row, applied to the Values
        assert [float(d) for d in again] == list(local_derivatives(node)), node.op


def test_a_node_of_one_or_two_parents_is_one_object_for_the_collector():
    import gc

    a, b = Value(1.5), Value(-2.0)
    for node in (a + b, a * b, a / 2.0, -a, a.tanh(), a.relu(), a**2, 2**a, a**b):
        # no tuple, list or dict of its own: parents and derivatives sit in the node's slots
        assert not [r for r in gc.get_referents(node) if isinstance(r, (tuple, list, dict))]
        assert len(node.parents) in (1, 2) and not node.is_leaf


def test_dots_makes_the_nodes_the_dot_row_makes():
    from autograd_lite.ops import _dot_op  # the dot row, applied the generic way

    w = [[Value(1.0), Value(2.0)], [Value(-3.0), 4.0]]  # a number among the weights, too
    x = [Value(5.0), Value(6.0)]
    for got, row in zip(dots(w, x), w):
        want = _dot_op(*row, *x)
        assert got.op == "dot" and got.data == want.data
        assert [p.data for p in got.parents] == [p.data for p in want.parents]
        assert list(local_derivatives(got)) == list(local_derivatives(want))
        assert got.parents[2:] == tuple(x)  # the inputs themselves, shared by every row
    a, b = w[0]
    assert dots([w[0]], x)[0].parents == _dot_op(a, b, *x).parents == (a, b, *x)
    for bad in ([Value(1.0)], [a, b, 3.0], [a, "junk", b]):  # a row of another length
        with pytest.raises(ValueError, match=r"one length, got (1|3) and 2"):
            dots([bad], x)
        with pytest.raises(ValueError, match="one length"):
            ag.dot(bad, x)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20))
def test_sum_and_mean_of_values_make_the_nodes_their_rows_make(xs):
    """ag.sum and ag.mean build the node of many Values quickly (ops._n_ary_node); the
    generic op call of the same row must give the very same node."""
    from autograd_lite.ops import _mean_op, _sum_op

    values = [Value(x) for x in xs]
    for fast, row in ((ag.sum(values), _sum_op(*values)), (ag.mean(values), _mean_op(*values))):
        assert fast.op == row.op and fast.data == row.data
        assert fast.parents == row.parents  # the same Values, in the same order
        assert list(local_derivatives(fast)) == list(local_derivatives(row))


@given(st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=100))
@example([1e16, 1.0, -1e16])  # 0.0 left to right (3.11), where math.fsum gives 1.0
def test_sum_mean_and_dot_add_up_as_python_does(xs):
    """An n-ary node's number is Python's own arithmetic on the numbers, bit for bit:
    ``sum(floats, 0.0)`` (left to right on CPython 3.11; compensated from 3.12), that over n
    for the mean, the products summed so for the dot. The quick road and the row alike."""
    import builtins

    from autograd_lite.ops import _dot_op, _mean_op, _sum_op

    values = [Value(x) for x in xs]
    total = builtins.sum(xs, 0.0)
    for got in (ag.sum(values), _sum_op(*values)):
        assert repr(got.data) == repr(total)  # repr: -0.0, inf and nan compare too
    for got in (ag.mean(values), _mean_op(*values)):
        assert repr(got.data) == repr(total / len(xs))
    products = builtins.sum([x * y for x, y in zip(xs, reversed(xs))], 0.0)
    for got in (ag.dot(values, values[::-1]), _dot_op(*values, *values[::-1])):
        assert repr(got.data) == repr(products)


SPECIAL_FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 1.0, -1.0, 5e-324, 1.7976931348623157e308]
)


def _same_node(fast, row):
    """The same number (to the bit, NaN included), op, parents and local derivatives."""
    assert math.copysign(1.0, fast.data) == math.copysign(1.0, row.data)
    assert fast.data == row.data or (math.isnan(fast.data) and math.isnan(row.data))
    assert fast.op == row.op and fast.op_label == row.op_label
    assert fast.parents == row.parents  # the same Values, in the same order
    for f, r in zip(local_derivatives(fast), local_derivatives(row), strict=True):
        assert f == r or (math.isnan(f) and math.isnan(r))


@given(SPECIAL_FLOATS, SPECIAL_FLOATS)
@example(math.nan, 1.0)  # relu passes a NaN through
@example(-0.0, -0.0)  # relu gives 0.0, and -0.0 + -0.0 is -0.0
def test_add_mul_and_relu_of_values_make_the_nodes_their_rows_make(x, y):
    """``a + b``, ``a * b`` and ``a.relu()`` take a fast path for Values (the end of the
    class in value.py); the row applied the generic way must give the very same node."""
    from autograd_lite import ops

    a, b = Value(x), Value(y)
    _same_node(a + b, ops.add.apply(a, b))
    _same_node(a * b, ops.mul.apply(a, b))
    _same_node(a * a, ops.mul.apply(a, a))
    _same_node(a.relu(), ops.relu.apply(a))
    _same_node(ag.relu(a), a.relu())


def test_add_mul_and_relu_take_the_row_for_anything_but_values():
    class Named(Value):
        __slots__ = ()

    a, b = Value(2.0), Named(3.0)
    for node in (a + b, b * a, a * 2, 2 + a, 1.5 * a):
        assert node.op in ("+", "*") and len(node.parents) == 2
    assert [p.data for p in (a * 2).parents] == [2.0, 2.0]  # the number became a leaf
    assert b.relu().op == "relu" and b.relu().parents == (b,)
    assert Value.relu(-2) == 0.0  # a number: the row's forward, a float
    with ag.no_grad():
        assert (a + a).is_leaf and (a * a).is_leaf and (a * a).data == 4.0
        assert a.relu().is_leaf and a.relu().data == 2.0
    with pytest.raises(TypeError, match="an operand of '\\*' needs a real number"):
        a * "2"


def test_every_node_a_row_makes_holds_a_float():
    """A row's node skips Value's input checks (ops give floats); every built-in row must."""
    from autograd_lite.rules import BinaryOp, UnaryOp

    points = [-2.0, -1.0, -0.0, 0.0, 0.5, 1.0, 3.0, math.inf, -math.inf, math.nan]
    unary = [op for op in vars(ag.ops).values() if isinstance(op, UnaryOp)]
    unary += [ag.ops._power_of(2.0), ag.ops._power_of(-1.5), ag.ops._base_to(2.0)]
    unary += [ag.ops._leaky_relu_with(0.2)]
    binary = [op for op in vars(ag.ops).values() if isinstance(op, BinaryOp)]
    assert len(unary) > 12 and len(binary) > 5
    for x in points:
        for op in unary:
            try:
                node = op(Value(x))
            except (ValueError, ZeroDivisionError):  # outside the op's domain
                continue
            assert type(node.data) is float, (op, x)
        for y in points:
            for op in binary:
                try:
                    node = op(Value(x), Value(y))
                except (ValueError, ZeroDivisionError):
                    continue
                assert type(node.data) is float, (op, x, y)
    assert type((Value(3.0) * Value(2.0)).data) is float and type(Value(-1.0).relu().data) is float


def test_a_sum_of_negative_zeros_is_positive_zero_as_pythons_sum():
    # ops.py _sum_of: builtins.sum(xs, 0.0) -> builtins.sum(xs, -0.0)
    zeros = [Value(-0.0), Value(-0.0)]
    for got in (ag.sum(zeros), ag.ops._sum_op(*zeros), ag.sum([Value(-0.0), -0.0])):
        assert math.copysign(1.0, got.data) == math.copysign(1.0, sum([-0.0, -0.0], 0.0)) == 1.0


def test_sum_mean_and_dot_of_values_record_nothing_under_no_grad():
    # ops.py _n_ary_node: the `not _is_recording()` test dropped (sum, mean);
    # ops.py dots: the `not _is_recording()` test dropped (dot, dots)
    a, b = Value(1.0), Value(2.0)
    with ag.no_grad():
        made = [ag.sum([a, b]), ag.mean([a, b]), ag.dot([a, b], [b, a]), *dots([[a, b]], [b, a])]
    assert [n.data for n in made] == [3.0, 1.5, 4.0, 4.0]
    assert all(n.is_leaf and n.op == "" and n.parents == () for n in made)


def test_sqrt_at_negative_zero_has_slope_minus_inf_as_in_pytorch():
    # ops.py _ieee_div: the sign of a zero divisor dropped (1 / -0.0 gave +inf)
    x = Value(-0.0)
    x.sqrt().backward()
    assert x.grad == -math.inf  # torch.sqrt(tensor(-0.0)).backward(): grad -inf
    assert ag.grad(ag.grad(ag.sqrt))(-0.0) == math.inf


def test_the_ieee_rows_give_what_ieee_and_pytorch_give_at_zero():
    # ops.py _ieee_pow: 0 ** (odd negative) lost the sign of the zero base
    # ops.py _ieee_log: log 0 gave nan instead of -inf
    # (the derivatives that use these rows only reach such points inside zero_keeping, so no
    # public derivative shows them: these are the rows' own contracts, as in torch.pow/log)
    assert ag.ops.ieee_pow(-0.0, -1.0) == -math.inf and ag.ops.ieee_pow(0.0, -1.0) == math.inf
    assert ag.ops.ieee_pow(-0.0, -2.0) == math.inf
    assert ag.ops.ieee_log(0.0) == -math.inf and ag.ops.ieee_log(-0.0) == -math.inf
    assert math.isnan(ag.ops.ieee_log(-1.0))
    assert ag.ops.ieee_div(1.0, -0.0) == -math.inf and ag.ops.ieee_div(-1.0, -0.0) == math.inf


def test_zero_keeping_is_zero_with_local_derivative_zero():
    # ops.py zero_keeping: local derivative (0.0,) -> (1.0,)
    x = Value(3.0)
    z = ag.ops.zero_keeping(x * x)
    assert z.data == 0.0 and not z.is_leaf
    z.backward()
    assert x.grad == 0.0
    (g,) = ag.gradients(z, [x], create_graph=True)
    assert g.data == 0.0


def test_leaky_relu_at_zero_is_slope_times_zero_as_in_pytorch():
    # ops.py _leaky_relu_with forward: `x > 0` -> `x >= 0` (same number, but the sign of the
    # zero differs for a negative slope: torch's leaky_relu(0.0, -0.5) is -0.0)
    for x, sign in ((0.0, -1.0), (-0.0, 1.0)):
        for got in (ag.leaky_relu(Value(x), -0.5).data, ag.leaky_relu(x, -0.5)):
            assert got == 0.0 and math.copysign(1.0, got) == sign


@pytest.mark.parametrize("x", [5e-324, -5e-324, 1e-310, math.nan])
def test_value_to_the_value_zero_has_slope_zero_in_x_with_create_graph_too(x):
    # d (x ** y) / dx at y = 0 is y * x ** -1 = 0 * inf (or 0 * nan) where x ** -1 overflows
    # or x is NaN: backward and PyTorch give 0.0, and so must the differentiable gradient
    x_, y_ = Value(x), Value(0.0)
    out = x_**y_
    assert ag.gradients(out, [x_])[0] == 0.0  # torch: (x ** y).backward() gives x.grad 0.0
    (g,) = ag.gradients(out, [x_], create_graph=True)
    assert g.data == 0.0
    slope_in_x = lambda y: ag.grad(lambda a, b: a**b)(x, y)  # as a Value: an outer grad sees it
    assert ag.value_and_grad(slope_in_x)(0.0)[0] == 0.0
