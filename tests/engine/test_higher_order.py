"""Derivatives of order 2 and 3 of every built-in op, against PyTorch double/triple backward.

Each case is a function written twice, once for autograd_lite and once for torch. We
compute every partial derivative up to third order both ways, in float64, and require
agreement to 1e-9 relative.
"""

import math

import pytest
from needs_torch import import_torch
from torch_oracle import assert_match_torch, close, torch_up_to_third

import autograd_lite as ag
from autograd_lite import grad, hessian

torch = import_torch()
pytestmark = pytest.mark.torch

# --- the cases ---------------------------------------------------------------------------

F = None  # filled lazily: torch.nn.functional

UNARY = {
    # name: (ours, torch's, points)
    "exp": (ag.exp, torch.exp, [-1.3, 0.4, 2.1]),
    "log": (ag.log, torch.log, [0.3, 1.7, 5.0]),
    "sqrt": (ag.sqrt, torch.sqrt, [0.3, 1.7, 5.0]),
    "tanh": (ag.tanh, torch.tanh, [-1.3, 0.4, 2.1]),
    "sigmoid": (ag.sigmoid, torch.sigmoid, [-1.3, 0.4, 2.1]),
    "relu": (ag.relu, torch.relu, [-1.3, 0.7]),
    "leaky_relu": (
        lambda x: ag.leaky_relu(x, 0.2),
        lambda x: torch.nn.functional.leaky_relu(x, 0.2),
        [-1.3, 0.7],
    ),
    "sin": (ag.sin, torch.sin, [-1.3, 0.4, 2.1]),
    "cos": (ag.cos, torch.cos, [-1.3, 0.4, 2.1]),
    "abs": (ag.abs, torch.abs, [-1.3, 0.7]),
    "neg": (lambda x: -x, lambda x: -x, [-1.3, 0.7]),
    "method exp": (lambda x: x.exp(), torch.exp, [0.9]),
    "** 2": (lambda x: x**2, lambda x: x**2, [-1.3, 0.7]),
    "** 3": (lambda x: x**3, lambda x: x**3, [-1.3, 0.7]),
    "** 0.5": (lambda x: x**0.5, lambda x: x**0.5, [0.3, 2.5]),
    "** -1.5": (lambda x: x**-1.5, lambda x: x**-1.5, [0.3, 2.5]),
    "** -2": (lambda x: x**-2, lambda x: x**-2, [-1.3, 2.5]),
    "2.5 ** x": (lambda x: 2.5**x, lambda x: 2.5**x, [-1.3, 0.7]),
    "0.5 ** x": (lambda x: 0.5**x, lambda x: 0.5**x, [-1.3, 0.7]),
    "x + 3": (lambda x: x + 3, lambda x: x + 3, [0.7]),
    "3 - x": (lambda x: 3 - x, lambda x: 3 - x, [0.7]),
    "3 * x": (lambda x: 3 * x, lambda x: 3 * x, [0.7]),
    "3 / x": (lambda x: 3 / x, lambda x: 3 / x, [-1.3, 0.7]),
    "x / 3": (lambda x: x / 3, lambda x: x / 3, [0.7]),
}

BINARY = {
    "+": (lambda x, y: x + y, lambda x, y: x + y, [(0.7, -1.2)]),
    "-": (lambda x, y: x - y, lambda x, y: x - y, [(0.7, -1.2)]),
    "*": (lambda x, y: x * y, lambda x, y: x * y, [(0.7, -1.2)]),
    "/": (lambda x, y: x / y, lambda x, y: x / y, [(0.7, -1.2), (-2.0, 0.3)]),
    "x ** y": (lambda x, y: x**y, lambda x, y: x**y, [(0.7, -1.2), (2.3, 1.7), (1.5, 3.0)]),
    "x * x": (lambda x, y: x * x * y, lambda x, y: x * x * y, [(0.7, -1.2)]),
}

N_ARY = {
    "sum": (lambda *v: ag.sum(v), lambda *v: torch.stack(v).sum(), [(0.7, -1.2, 2.0)]),
    "mean": (lambda *v: ag.mean(v), lambda *v: torch.stack(v).mean(), [(0.7, -1.2, 2.0)]),
    "dot": (
        lambda a, b, c, d: ag.dot([a, b], [c, d]),
        lambda a, b, c, d: torch.dot(torch.stack([a, b]), torch.stack([c, d])),
        [(0.7, -1.2, 2.0, 0.3)],
    ),
    # composed with a nonlinearity, so that the n-ary op's derivatives meet a curved one
    "exp(sum)": (
        lambda *v: ag.exp(ag.sum(v)),
        lambda *v: torch.exp(torch.stack(v).sum()),
        [(0.3, -0.2, 0.4)],
    ),
    "sin(mean) * dot": (
        lambda a, b, c, d: ag.sin(ag.mean([a, b, c])) * ag.dot([a, b], [c, d]),
        lambda a, b, c, d: (
            torch.sin(torch.stack([a, b, c]).mean())
            * torch.dot(torch.stack([a, b]), torch.stack([c, d]))
        ),
        [(0.7, -1.2, 2.0, 0.3)],
    ),
}


def cases(table, scalar):
    for name, (ours, theirs, points) in table.items():
        for p in points:
            yield pytest.param(ours, theirs, (p,) if scalar else p, id=f"{name}@{p}")


@pytest.mark.parametrize("f, tf, xs", [*cases(UNARY, True), *cases(BINARY, False)])
def test_unary_and_binary_ops_up_to_third_order_match_torch(f, tf, xs):
    assert_match_torch(f, tf, xs)


@pytest.mark.parametrize("f, tf, xs", list(cases(N_ARY, False)))
def test_n_ary_ops_up_to_third_order_match_torch(f, tf, xs):
    assert_match_torch(f, tf, xs)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos"])
def test_grad_of_grad_of_grad_matches_torch(name):
    f, tf, points = UNARY[name]
    x = points[-1]
    third = grad(grad(grad(f)))(x)
    assert isinstance(third, float)
    assert close(third, torch_up_to_third(tf, [x])[2][0][0][0])


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def three_vars(x, y, z):
    return x * y * z + (x * y).sin() + (y / z).exp() + (x * x + z * z).sqrt().log()


def softmax_cross_entropy(a, b, c):
    return (a.exp() + b.exp() + c.exp()).log() - b


@pytest.mark.parametrize(
    "f, point",
    [
        (rosenbrock, (-1.2, 1.0)),
        (rosenbrock, (1.0, 1.0)),
        (three_vars, (0.5, -1.5, 2.0)),
        (softmax_cross_entropy, (0.3, -1.0, 2.0)),
        (lambda x, y: x**y * (x + y).tanh() + y.sigmoid(), (1.7, 0.4)),
    ],
    ids=["rosenbrock", "rosenbrock-minimum", "three-vars", "softmax-ce", "pow-tanh"],
)
def test_hessian_matches_torch(f, point):
    ours = hessian(f)(*point)
    ts = tuple(torch.tensor(p, dtype=torch.float64) for p in point)
    theirs = torch.autograd.functional.hessian(f, ts)
    assert len(ours) == len(point) and all(len(row) == len(point) for row in ours)
    for i, row in enumerate(ours):
        for j, h in enumerate(row):
            assert type(h) is float
            assert close(h, float(theirs[i][j])), (i, j, h, float(theirs[i][j]))


def test_rosenbrock_hessian_at_minimum_is_known():
    # d²/dx² = 2 - 400 (y - 3x²) = 802, d²/dxdy = -400 x = -400, d²/dy² = 200
    assert hessian(rosenbrock)(1.0, 1.0) == [[802.0, -400.0], [-400.0, 200.0]]


def test_differentiable_gradients_record_even_inside_no_grad():
    x = ag.Value(2.0)
    y = x**3
    with ag.no_grad():
        (g,) = ag.gradients(y, [x], create_graph=True)
        assert ag.gradcheck(lambda t: t**3, 2.0)  # gradcheck records for itself too
        assert not ag.is_recording()
    assert not g.is_leaf and ag.gradients(g, [x]) == [12.0]


def test_a_derivative_written_with_grad_works_on_every_route():
    # x sin x, whose derivative is written with grad: on floats (when a node is made,
    # even inside an outer grad) grad gives floats; differentiated again, Values
    def helper(x):
        return ag.sin(x) * x

    x_sin_x = ag.define_op(
        "x_sin_x", lambda x: math.sin(x) * x, lambda x, out: (ag.grad(helper)(x),)
    )
    x0 = 0.3
    d1 = math.sin(x0) + x0 * math.cos(x0)
    d2 = 2 * math.cos(x0) - x0 * math.sin(x0)
    d3 = -3 * math.sin(x0) - x0 * math.cos(x0)
    assert ag.grad(x_sin_x)(x0) == pytest.approx(d1, rel=1e-15)
    assert ag.grad(ag.grad(x_sin_x))(x0) == pytest.approx(d2, rel=1e-15)
    assert ag.hessian(x_sin_x)(x0)[0][0] == pytest.approx(d2, rel=1e-15)
    assert ag.grad(ag.grad(ag.grad(x_sin_x)))(x0) == pytest.approx(d3, rel=1e-14)
    x = ag.Value(x0)
    (first,) = ag.gradients(x_sin_x(x), [x], create_graph=True)
    assert ag.gradients(first, [x])[0] == pytest.approx(d2, rel=1e-15)
