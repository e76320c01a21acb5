"""Random expression graphs, differentiated by autograd-lite and by PyTorch in float64."""

import math
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from needs_torch import import_torch

import autograd_lite as ag
from autograd_lite import Value, grad

pytestmark = pytest.mark.torch
torch = import_torch()

# Each step applies one of these to earlier nodes (which may be reused: a DAG, not a tree).
# Every step keeps its inputs inside the domain and away from kinks by construction.
STEPS = [
    (2, lambda a, b, m: a + b),
    (2, lambda a, b, m: a - b),
    (2, lambda a, b, m: a * b),
    (2, lambda a, b, m: a / (b * b + 1.0)),
    (2, lambda a, b, m: (a * a + 0.5) ** (m.tanh(b) + 1.5)),
    (1, lambda a, m: m.tanh(a)),
    (1, lambda a, m: m.sigmoid(a) * 3.0),
    (1, lambda a, m: m.exp(m.tanh(a))),
    (1, lambda a, m: m.log(a * a + 1.0)),
    (1, lambda a, m: m.sqrt(a * a + 1.0)),
    (1, lambda a, m: m.sin(a) + m.cos(a)),
    (1, lambda a, m: (a * a + 0.1) ** 1.5),
    (1, lambda a, m: 2.0 ** m.tanh(a)),
    (1, lambda a, m: -a),
    (3, lambda a, b, c, m: m.sum([a, b, c])),
    (3, lambda a, b, c, m: m.mean([a, b, c])),
    (4, lambda a, b, c, d, m: m.dot([a, b], [c, d])),
]


class AutogradLite:
    tanh, sigmoid, exp, log, sqrt, sin, cos = (
        ag.tanh,
        ag.sigmoid,
        ag.exp,
        ag.log,
        ag.sqrt,
        ag.sin,
        ag.cos,
    )
    sum, mean, dot = ag.sum, ag.mean, ag.dot


class Torch:
    tanh, sigmoid, exp, log, sqrt, sin, cos = (
        torch.tanh,
        torch.sigmoid,
        torch.exp,
        torch.log,
        torch.sqrt,
        torch.sin,
        torch.cos,
    )

    @staticmethod
    def sum(xs):
        return torch.stack(xs).sum()

    @staticmethod
    def mean(xs):
        return torch.stack(xs).mean()

    @staticmethod
    def dot(xs, ys):
        return torch.dot(torch.stack(xs), torch.stack(ys))


def build(seed, inputs, m, n_steps):
    rng = random.Random(seed)
    nodes = list(inputs)
    for _ in range(n_steps):
        arity, step = rng.choice(STEPS)
        operands = [rng.choice(nodes[-6:] if rng.random() < 0.7 else nodes) for _ in range(arity)]
        nodes.append(step(*operands, m))
    return m.tanh(nodes[-1]) + nodes[-2] * 0.5


@settings(max_examples=60)
@given(
    seed=st.integers(0, 2**32 - 1),
    xs=st.lists(st.floats(-2, 2, allow_nan=False), min_size=3, max_size=3),
    n_steps=st.integers(1, 25),
)
def test_random_graphs_match_pytorch_float64(seed, xs, n_steps):
    ours = [Value(x) for x in xs]
    out = build(seed, ours, AutogradLite, n_steps)
    # A graph whose values grow huge is ill-conditioned: sin(5e6) turns a last-bit difference
    # in its argument (a sum added in another order) into one at the 9th digit. Such a graph
    # compares the two float orders, not the two engines: drawn again.
    assume(max(abs(node.data) for node in ag.topological_order(out)) < 1e4)
    out.backward()

    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    reference = build(seed, theirs, Torch, n_steps)
    reference.backward()

    assert math.isclose(out.data, reference.item(), rel_tol=1e-12, abs_tol=1e-12)
    expected = [0.0 if t.grad is None else t.grad.item() for t in theirs]  # None: unused input
    scale = max(1.0, *(abs(g) for g in expected))
    for v, g in zip(ours, expected):
        assert math.isclose(v.grad, g, rel_tol=1e-9, abs_tol=1e-12 * scale)


@pytest.mark.parametrize(
    ("ours", "theirs", "x"),
    [
        (lambda v: v.relu(), torch.relu, 0.0),
        (lambda v: abs(v), torch.abs, 0.0),
        (lambda v: v.leaky_relu(0.01), lambda t: torch.nn.functional.leaky_relu(t, 0.01), 0.0),
        (lambda v: v.sqrt(), torch.sqrt, 0.0),
        (lambda v: v**0, lambda t: t**0, 0.0),
        (lambda v: v**0.5, lambda t: t**0.5, 0.0),
        (lambda v: v.tanh(), torch.tanh, 1000.0),
        (lambda v: v.sigmoid(), torch.sigmoid, -1000.0),
        (lambda v: v.exp(), torch.exp, 800.0),
    ],
)
def test_edge_points_match_pytorch(ours, theirs, x):
    v = Value(x)
    y = ours(v)
    y.backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    r = theirs(t)
    r.backward()
    assert y.data == r.item()
    assert v.grad == t.grad.item()


@pytest.mark.parametrize("x", [math.nan, 0.0, -0.0, -1.0, 2.0])
def test_relu_and_leaky_relu_derivatives_match_pytorch_at_nan_and_zero(x):
    for ours, theirs in [
        (lambda v: v.relu(), torch.relu),
        (lambda v: v.leaky_relu(0.2), lambda t: torch.nn.functional.leaky_relu(t, 0.2)),
    ]:
        v = Value(x)
        ours(v).backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        theirs(t).backward()
        assert v.grad == t.grad.item()


@pytest.mark.parametrize("base", [0.0, -2.0, 3.0])
def test_value_to_a_value_matches_pytorch_for_every_base(base):
    x, y = Value(base), Value(2.0)
    (x**y).backward()
    tx = torch.tensor(base, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (tx**ty).backward()
    assert x.grad == tx.grad.item()
    assert math.isclose(y.grad, ty.grad.item(), rel_tol=1e-15) or (
        math.isnan(y.grad) and math.isnan(ty.grad.item())
    )


# --- higher derivatives at singular points: PyTorch's double backward ---------------------
# A local derivative that is infinite or NaN there must keep its dependence on the inputs,
# so that the next derivative sees it (NaN stays NaN).


def same(ours, theirs):
    return ours == theirs or (math.isnan(ours) and math.isnan(theirs))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (ag.sqrt, torch.sqrt),
        (lambda x: x**0.5, lambda t: t**0.5),
        (lambda x: x**1.5, lambda t: t**1.5),
    ],
    ids=["sqrt", "x ** 0.5", "x ** 1.5"],
)
def test_second_derivative_at_zero_matches_pytorch(ours, theirs):
    from autograd_lite import grad

    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(theirs(t), t, create_graph=True)
    (second,) = torch.autograd.grad(first, t)
    assert same(grad(ours)(0.0), first.item())
    assert same(grad(grad(ours))(0.0), second.item())
    assert grad(grad(ag.sqrt))(0.0) == -math.inf


def _nth(f, n):
    for _ in range(n):
        f = grad(f)
    return f


def _torch_nth(f, x, n):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = f(t)
    for _ in range(n):
        if not y.requires_grad:  # a constant by now: every further derivative is 0
            return 0.0
        (y,) = torch.autograd.grad(y, t, create_graph=True)
    return y.item()


@pytest.mark.parametrize(
    ("ours", "theirs", "x", "n"),
    [
        (lambda x: x**1, lambda t: t**1, 0.0, 3),
        (lambda x: x**1, lambda t: t**1, 1e-200, 3),  # not singular at all
        (lambda x: x**3, lambda t: t**3, 0.0, 6),
        (lambda x: x**2 * ag.sin(x), lambda t: t**2 * torch.sin(t), 0.0, 4),
        (lambda x: x**3 * ag.exp(x), lambda t: t**3 * torch.exp(t), 0.0, 5),  # 60
        (lambda x: x**2.5, lambda t: t**2.5, 0.0, 3),  # inf
        (lambda x: x**-1, lambda t: t**-1, 0.5, 3),
    ],
)
def test_every_derivative_of_a_constant_power_matches_pytorch(ours, theirs, x, n):
    # the exponent of each derivative (c - 1, c - 2, ...) stays a constant: as a node it
    # would vary, and the (c + 2)-th derivative of x ** c came out 0 * inf = nan near x = 0
    assert same(_nth(ours, n)(x), _torch_nth(theirs, x, n))


@pytest.mark.parametrize(
    "point", [(-2.0, 2.0), (0.0, 1.0), (0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (-2.0, 3.0)]
)
def test_hessian_of_a_power_at_singular_points_matches_pytorch(point):
    from autograd_lite import hessian

    ours = hessian(lambda x, y: x**y)(*point)
    ts = tuple(torch.tensor(p, dtype=torch.float64) for p in point)
    theirs = torch.autograd.functional.hessian(lambda x, y: x**y, ts)
    for i in range(2):
        for j in range(2):
            assert same(ours[i][j], float(theirs[i][j])), (point, i, j, ours)


def test_the_two_hessians_of_the_issue():
    from autograd_lite import hessian

    nan = math.nan
    for point, expected in (
        ((-2.0, 2.0), [[2.0, nan], [nan, nan]]),
        ((0.0, 1.0), [[0, 1], [nan, nan]]),
    ):
        got = hessian(lambda x, y: x**y)(*point)
        assert all(same(g, e) for row, want in zip(got, expected) for g, e in zip(row, want))
