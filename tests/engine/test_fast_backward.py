"""Tests of ``autograd_lite/fast_backward.py``: the backward ``Value.backward`` runs orders the
nodes as ``topological_order`` does and gives the reference's gradients, bit for bit."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Value


@given(st.integers(0, 2**32 - 1), st.integers(1, 60))
def test_backward_orders_the_interior_exactly_as_topological_order_does(seed, size):
    from autograd_lite.fast_backward import interior_order
    from autograd_lite.graph import topological_order

    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    for _ in range(size):
        a, b, c = (rng.choice(nodes) for _ in range(3))
        nodes.append(
            rng.choice([a + b, a * b, a.tanh(), ag.sum([a, b, c]), ag.dot([a, b], [c, a])])
        )
    root = nodes[-1]
    expected = [n for n in topological_order(root) if n.parents]
    assert interior_order(root) == expected
    assert all(n.grad == 0.0 for n in expected)


# --- the reference algorithms and the fast backward agree bit for bit --------------------


STEPS = [
    lambda a, b, c: a + b,
    lambda a, b, c: a * b,
    lambda a, b, c: a - 0.5,
    lambda a, b, c: a / (b * b + 1.0),
    lambda a, b, c: -a,
    lambda a, b, c: a.tanh(),
    lambda a, b, c: a.sigmoid() * c,
    lambda a, b, c: (a * a + 0.1) ** 1.5,
    lambda a, b, c: ag.sum([a, b, c, a]),
    lambda a, b, c: ag.mean([a, b]),
    lambda a, b, c: ag.dot([a, b], [c, a]),
    lambda a, b, c: ag.sum([a, b, c] * 30),  # more operands than fast_backward marks seen
    lambda a, b, c: ag.mean([a, b, c] * 30),  # (and one product for all: _one_for_all)
    lambda a, b, c: a.relu(),  # a gradient of 0 below it, half of the time
    lambda a, b, c: ag.dot([a, b], [c, a.relu()]),
    lambda a, b, c: a * 1e300 * 1e300,  # inf: a zero gradient times it is NaN
]


def random_graph(seed, size):
    """A random DAG over three leaves: shared nodes, constants, every kind of op."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1, 1)) for _ in range(3)]
    for _ in range(size):
        nodes.append(rng.choice(STEPS)(*(rng.choice(nodes) for _ in range(3))))
    return nodes[-1]


@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 80),
    st.sampled_from([0.0, -0.0, 0.25]),  # what the leaves hold before: -0.0 + 0.0 is 0.0
    st.sampled_from([1.5, 0.0, -0.0]),  # 0 at the root: every gradient is a zero
)
def test_fast_backward_is_bit_identical_to_the_reference(seed, size, leaf_start, gradient):
    from autograd_lite.fast_backward import interior_order
    from autograd_lite.graph import chain_rule, reference_backward, topological_order

    root = random_graph(seed, size)
    order = topological_order(root)

    def start(non_leaf):  # leaves accumulate onto what they hold; non-leaves start afresh
        for node in order:
            node.grad = non_leaf if node.parents else leaf_start

    def bits(grads):  # float.hex tells -0.0 from 0.0, which == does not
        return [float.hex(g) for g in grads]

    start(0.0)
    reference_backward(root, gradient)
    expected = [n.grad for n in order]
    start(7.0)  # a stale value, which the fast pass must overwrite
    root.backward(gradient)
    assert bits(n.grad for n in order) == bits(expected)
    if leaf_start == 0.0:  # gradients() is the same loop, into a dict, over the quick order
        for quick_or_not in (topological_order, interior_order):
            grads = chain_rule(root, gradient, order=quick_or_not)
            # the same bits, except that chain_rule keeps a lone -0.0 (backward's 0.0 + -0.0
            # is 0.0); == sees no difference between the two zeros
            assert bits(grads[n] or 0.0 for n in order) == bits(g or 0.0 for g in expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda xs: ag.sum(xs),  # every local derivative 1.0: one product for all
        lambda xs: ag.mean(xs),  # every local derivative 1/n
        lambda xs: ag.sum([*xs, xs[0] * 2.0]),  # a non-leaf among them
        # the first and the last local derivative equal (x99), the others not
        lambda xs: ag.dot(xs, xs[::-1]),
        # every local derivative a zero, of either sign: each keeps its own product, since
        # -0.0 + g * 0.0 is 0.0 but -0.0 + g * -0.0 is -0.0
        lambda xs: ag.dot(*[[Value(math.copysign(0.0, x.data)) for x in xs]] * 2),
    ],
)
@pytest.mark.parametrize("gradient", [1.5, -0.0, math.nan])
def test_a_node_of_many_operands_gives_the_references_bits(make, gradient):
    from autograd_lite.graph import reference_backward, topological_order

    xs = [Value((-1) ** i * (i + 1) / 7) for i in range(100)]  # more than _FEW operands
    root = make(xs)
    order = topological_order(root)
    results = []
    for backward in (reference_backward, Value.backward):
        for node in order:
            node.grad = 0.0 if node.parents else -0.0
        backward(root, gradient)
        results.append([float.hex(n.grad) for n in order])
    assert results[0] == results[1]


@pytest.mark.parametrize("leaf_grad", [-0.0, 0, None, 0.0])
@pytest.mark.parametrize("operand", [2.0, math.inf])
def test_a_dot_that_receives_a_zero_still_gives_the_references_bits(leaf_grad, operand):
    # backward skips a dot whose gradient is 0 only where adding its zeros changes nothing:
    # not for a leaf holding -0.0 (-0.0 + 0.0 is 0.0), an int 0 (0 + 0.0 is the float 0.0),
    # None (no gradient yet: it must end a number, as from 0.0), or an operand of inf
    # (0 * inf is NaN)
    from autograd_lite.graph import reference_backward

    results = []
    for backward in (reference_backward, Value.backward):
        w, x = Value(-3.0, label="w"), Value(operand, label="x")
        w.grad, x.grad = leaf_grad, 0.0
        if leaf_grad is None and backward is reference_backward:  # (which refuses None)
            w.grad = 0.0
        root = ag.dot([w, x], [x, w]).relu()  # relu of -6 (or -inf): 0 passes to the dot
        backward(root)
        results.append((repr(w.grad), repr(x.grad)))
    assert results[0] == results[1]


@pytest.mark.parametrize("where", ["operand", "gradient"])
def test_a_zero_of_numpy_float32_still_gives_the_references_bits(where):
    # a .data set by hand to a NumPy float32 (a weight read from an array) makes its local
    # derivatives float32; a Python float plus a float32 zero is a float32, rounded: the
    # reference's leaf .grad changes, so the dot given that zero must not be skipped (the
    # float32 in one of its operands, or in the gradient the dot receives)
    np = pytest.importorskip("numpy")
    from autograd_lite.graph import reference_backward

    results = []
    for backward in (reference_backward, Value.backward):
        w, x, off = Value(-3.0, label="w"), Value(2.0, label="x"), Value(0.0, label="off")
        if where == "operand":
            x.data = np.float32(2.0)
        else:
            off.data = np.float32(0.0)
        w.grad = x.grad = 0.1
        root = ag.dot([w], [x]) * off  # d root / d dot is off: a zero passes to the dot
        backward(root)
        results.append([(type(g).__name__, float.hex(float(g))) for g in (w.grad, x.grad)])
    assert results[0] == results[1]


def test_a_leaf_holding_a_signalling_nan_is_quieted_as_the_reference_quiets_it():
    # x + 0.0 is x to the bit for every float but -0.0 and a signalling NaN, which comes out
    # quiet: bits that float.hex does not show (it writes every NaN as "nan")
    import struct

    from autograd_lite.graph import reference_backward

    signalling = struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000001))[0]
    results = []
    for backward in (reference_backward, Value.backward):
        w, x = Value(-3.0), Value(2.0)
        w.grad = signalling
        backward(ag.dot([w], [x]).relu())  # relu of -6: the dot is given 0
        results.append(struct.pack("<d", w.grad))
    assert results[0] == results[1]


@pytest.mark.parametrize("where", ["w", "root"])
def test_a_grad_that_is_no_number_is_named_with_what_to_do(where):
    """(None is PyTorch's "no gradient yet", and is taken: tests/engine/test_torch_habits.py.)"""
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    y = w * x if where == "w" else Value(5.0, label="root")
    (w if where == "w" else y).grad = "0"
    with pytest.raises(TypeError, match=rf"the \.grad of '{where}' is str.*set it to 0\.0"):
        y.backward()
