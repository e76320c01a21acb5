"""backward(): hand-computed cases, accumulation semantics, depth, width, determinism."""

import math
import subprocess
import sys

import pytest

import autograd_lite as ag
from autograd_lite import Value


def test_reused_operand_gets_every_use():
    a = Value(3.0)
    b = a + a  # db/da = 2
    c = b + b  # dc/db = 2
    c.backward()
    assert (c.data, b.grad, a.grad) == (12.0, 2.0, 4.0)


def test_square_by_multiplication():
    a = Value(-3.0)
    (a * a).backward()
    assert a.grad == -6.0


def test_diamond():
    # x feeds two branches that meet again: both paths add up at x.
    x = Value(2.0)
    u = x * 3.0  # du/dx = 3
    v = x.exp()  # dv/dx = e^x
    y = u * v  # dy/du = v, dy/dv = u
    y.backward()
    assert math.isclose(x.grad, 3 * math.exp(2) + 6 * math.exp(2), rel_tol=1e-15)
    assert (u.grad, v.grad) == (v.data, u.data)


def test_tanh_neuron():
    # The neuron from micrograd's lecture: o = tanh(x1*w1 + x2*w2 + b).
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    dn = 1 - o.data**2
    assert math.isclose(o.data, 0.7071067811865476, rel_tol=1e-12)
    assert math.isclose(dn, 0.5, rel_tol=1e-12)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == (dn * -3.0, dn * 2.0, dn * 1.0, dn * 0.0)
    assert b.grad == dn


def test_each_operation_by_hand():
    x, y = Value(2.0), Value(3.0)
    cases = [
        (lambda: x / y, {x: 1 / 3, y: -2 / 9}),
        (lambda: x - y, {x: 1.0, y: -1.0}),
        (lambda: -x, {x: -1.0}),
        (lambda: x**y, {x: 3 * 2.0**2, y: 8 * math.log(2)}),
        (lambda: 3**x, {x: 9 * math.log(3)}),
        (lambda: x.log(), {x: 0.5}),
        (lambda: x.sqrt(), {x: 0.5 / math.sqrt(2)}),
        (lambda: x.sigmoid(), {x: math.exp(-2) / (1 + math.exp(-2)) ** 2}),
        (lambda: x.sin(), {x: math.cos(2)}),
        (lambda: x.cos(), {x: -math.sin(2)}),
        (lambda: abs(-x), {x: 1.0}),
        (lambda: (-x).relu(), {x: 0.0}),
        (lambda: (-x).leaky_relu(0.1), {x: -0.1}),
        (lambda: ag.mean([x, y, x]), {x: 2 / 3, y: 1 / 3}),
        (lambda: ag.dot([x, y], [y, 4.0]), {x: 3.0, y: 2.0 + 4.0}),
    ]
    for build, expected in cases:
        ag.zero_grad([x, y])
        build().backward()
        for v, g in expected.items():
            assert math.isclose(v.grad, g, rel_tol=1e-14), (build, v, g)


def test_backward_twice_doubles_leaves_and_keeps_intermediates():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c.tanh() + c
    d.backward()
    first = (a.grad, b.grad, c.grad, d.grad)
    d.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert (c.grad, d.grad) == first[2:]


def test_backward_from_an_intermediate_then_the_output():
    a = Value(1.5)
    b = a * a
    c = b * 2
    b.backward()
    assert a.grad == 3.0
    c.backward()  # b is a non-leaf: it holds dc/db = 2 now, not 1 + 2
    assert b.grad == 2.0 and a.grad == 3.0 + 6.0


def test_seed_gradient():
    x = Value(3.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 3.0
    with pytest.raises(TypeError, match="gradient"):
        (x * x).backward(gradient="1")


def test_backward_on_a_leaf():
    x = Value(1.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_constants_are_leaves_that_get_gradients():
    x = Value(4.0)
    y = x * 2.5
    y.backward()
    two_and_a_half = y.parents[1]
    assert two_and_a_half.is_leaf and two_and_a_half.grad == 4.0 and x.grad == 2.5


N = 100_000


def test_a_100000_deep_chain_needs_no_recursion():
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(N):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0 and sys.getrecursionlimit() == limit
    del y  # freeing a deep chain must not crash either


def test_a_100000_wide_sum_is_one_node():
    xs = [Value(float(i)) for i in range(N)]
    s = ag.sum(xs)
    s.backward()
    assert s.data == sum(range(N)) and len(s.parents) == N
    assert all(x.grad == 1.0 for x in xs)
    m = ag.mean(xs)
    ag.zero_grad(xs)
    m.backward()
    assert all(x.grad == 1 / N for x in xs)


def test_builtin_sum_is_a_deep_chain_that_still_works():
    xs = [Value(1.0) for _ in range(20_000)]
    s = sum(xs)
    s.backward()
    assert s.data == 20_000 and all(x.grad == 1.0 for x in xs)


GRAPH = """
import random
import autograd_lite as ag
rng = random.Random(7)
xs = [ag.Value(rng.uniform(-1, 1)) for _ in range(20)]
nodes = list(xs)
for _ in range(300):
    a, b = rng.choice(nodes), rng.choice(nodes)
    nodes.append(rng.choice([a + b, a * b, (a - b).tanh(), a.sigmoid() * b]))
out = ag.sum(nodes[-50:]) + {extra}
out.backward()
print(repr([x.grad for x in xs]))
"""


def test_gradients_are_bit_identical_across_runs_and_hash_seeds():
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {"PYTHONHASHSEED": seed, "PATH": ""}
        result = subprocess.run(
            [sys.executable, "-c", GRAPH.format(extra="0.0")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    # and the check is sharp: a different graph prints something else
    other = subprocess.run(
        [sys.executable, "-c", GRAPH.format(extra="nodes[-60]")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout not in outputs


def test_the_graph_module_knows_no_node_class():
    import autograd_lite.graph as graph

    names = set(vars(graph))
    assert "Value" not in names and "ops" not in names and "value" not in names


def test_a_node_is_anything_with_the_protocol():
    from autograd_lite.graph import is_node

    class Node:  # the protocol and nothing else: no Value
        parents, grad = (), 0.0

        def local_derivatives(self, create_graph=False):
            return ()

    class Odd:  # fails on every attribute asked of it; is_node asks its class, so no harm
        def __getattr__(self, name):
            raise RuntimeError(name)

    from unittest.mock import MagicMock

    assert is_node(Value(1.0)) and is_node(Value(1.0) * 2) and is_node(Node())
    assert not any(is_node(x) for x in (1.0, None, "x", [Value(1.0)], Value, Node, Odd()))
    assert not is_node(MagicMock()) and not is_node(ag.RULES["+"])  # a row is not a node


@pytest.mark.parametrize("bad", [Value(1.0), 5, None, "ab", [Value(1.0), 1.0], (Value(1.0), None)])
def test_zero_grad_refuses_what_is_not_values_and_changes_nothing(bad):
    x = Value(2.0)
    x.grad = 3.0
    given = [x, *bad] if isinstance(bad, (list, tuple)) else bad
    hint = r"values\[\d\] is" if isinstance(bad, (list, tuple)) else "needs Values in a list"
    with pytest.raises(TypeError, match=rf"zero_grad\(values\).*{hint}"):
        ag.zero_grad(given)
    assert x.grad == 3.0  # checked before any .grad was set
    if isinstance(bad, Value):
        with pytest.raises(TypeError, match=r"for one Value v, write \[v\]"):
            ag.zero_grad(bad)


def test_zero_grad_of_a_model_says_to_pass_its_parameters():
    # A learner writes ag.zero_grad(model) or (optimizer): the message says what works.
    from nn import MLP, SGD

    model = MLP(2, [2, 1], seed=0)
    p = model.parameters()[0]
    p.grad = 3.0
    with pytest.raises(TypeError, match=r"got MLP; .*model\.zero_grad\(\).*model\.parameters\(\)"):
        ag.zero_grad(model)
    with pytest.raises(TypeError, match=r"got SGD; call its own \.zero_grad\(\) instead"):
        ag.zero_grad(SGD(model.parameters(), lr=0.1))
    assert p.grad == 3.0


def test_zero_grad_takes_any_iterable_of_values():
    xs = [Value(1.0), Value(2.0)]
    for x in xs:
        x.grad = 5.0
    ag.zero_grad(x for x in xs)
    assert [x.grad for x in xs] == [0.0, 0.0]


@pytest.mark.parametrize("root", [3.0, None, [Value(1.0)], Value])
def test_topological_order_of_something_that_is_not_a_node_is_a_type_error(root):
    with pytest.raises(TypeError, match=r"topological_order\(root\) needs a node"):
        ag.topological_order(root)


def test_a_differentiable_gradient_has_no_multiplication_by_one():
    # graph.py chain_rule: `gd = g if d == 1.0 else g * d` -> `gd = g * d` (the values are
    # the same; the graph of the gradient gets a needless `* 1.0` node per edge of slope 1)
    x = Value(0.5)
    (g,) = ag.gradients((x + x).exp(), [x], create_graph=True)
    assert g.data == 2 * math.exp(1.0)
    times_one = [
        n
        for n in ag.topological_order(g)
        if n.op == "*" and any(p.is_leaf and p.data == 1.0 for p in n.parents)
    ]
    # one: the seed 1.0 times exp's local derivative (its out); none for the two edges of
    # slope 1 from x + x to x (the mutant adds a `g * 1.0` node for each)
    assert len(times_one) == 1
