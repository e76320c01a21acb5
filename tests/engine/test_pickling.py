"""Tests of ``autograd_lite/pickling.py``: ``copy.deepcopy`` and ``pickle`` of Values, for
graphs of any depth, with operations by name."""

import copy
import pickle

import pytest

import autograd_lite as ag
from autograd_lite import Value


def _same_graph(a, b):
    """The two graphs have the same shape, ops, numbers and labels, node for node."""
    order_a, order_b = ag.topological_order(a), ag.topological_order(b)
    assert len(order_a) == len(order_b)
    index_a = {n: i for i, n in enumerate(order_a)}
    index_b = {n: i for i, n in enumerate(order_b)}
    for x, y in zip(order_a, order_b):
        assert (x.data, x.grad, x.label, x.op_label) == (y.data, y.grad, y.label, y.op_label)
        assert [index_a[p] for p in x.parents] == [index_b[p] for p in y.parents]
    assert not set(order_a) & set(order_b)  # a copy shares no node with the original


@pytest.mark.parametrize("copy_of", ["deepcopy", "pickle"])
def test_a_100000_deep_chain_copies_and_pickles_without_recursion(copy_of):
    import copy
    import pickle
    import sys

    limit = sys.getrecursionlimit()
    x = Value(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = y * x
    y = y.tanh() + x
    twin = copy.deepcopy(y) if copy_of == "deepcopy" else pickle.loads(pickle.dumps(y))
    assert sys.getrecursionlimit() == limit
    _same_graph(y, twin)
    twin.backward()
    y.backward()
    assert ag.topological_order(twin)[0].grad == x.grad


def test_every_builtin_op_pickles_by_name_and_keeps_its_gradients():
    import pickle

    a, b = Value(0.7, label="a"), Value(1.3, label="b")
    c = ag.sum([a * b, a / b, a - b, -a, a**b, a**3, 2**a, b.log(), b.sqrt(), a.exp()])
    d = ag.dot([c, a], [b, 2.0]) + ag.mean([a.sin(), a.cos(), a.sigmoid(), a.tanh()])
    out = d + a.relu() + abs(a) + a.leaky_relu(0.3)
    out.backward()
    blob = pickle.dumps(out)
    assert b"<lambda>" not in blob and b"ops" not in blob  # ops by name, no functions
    twin = pickle.loads(blob)
    _same_graph(out, twin)
    ag.topological_order(twin)[0].grad = 0.0  # a leaf: start it again from 0
    twin.backward()
    assert ag.topological_order(twin)[0].grad == a.grad


def test_values_pickled_together_keep_sharing_their_nodes():
    import copy
    import pickle

    x = Value(2.0)
    h = x * x
    y = h + h.tanh()
    for copy_of in (copy.deepcopy, lambda obj: pickle.loads(pickle.dumps(obj))):
        x2, h2, y2 = copy_of([x, h, y])
        assert h2.parents == (x2, x2) and y2.parents[0] is h2 and y2.parents[1].parents == (h2,)


def test_a_graph_under_no_grad_still_unpickles_whole():
    import pickle

    x = Value(3.0)
    blob = pickle.dumps(x * x)
    with ag.no_grad():
        y = pickle.loads(blob)
    assert y.op == "*" and len(y.parents) == 2


USER_OP = """
import math, pickle, sys
import autograd_lite as ag
if sys.argv[1] != "undefined":
    cube = ag.define_op("cube", lambda x: x ** 3, lambda x, out: (3 * x * x,))
if sys.argv[1] == "dump":
    x = ag.Value(2.0)
    sys.stdout.buffer.write(pickle.dumps(cube(x) + x))
else:
    y = pickle.loads(sys.stdin.buffer.read())
    y.backward()
    print(y.data, y.parents[0].op, y.parents[1].grad)
"""


def test_a_user_op_unpickles_where_it_is_defined_again_and_is_named_where_not():
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = str(Path(ag.__file__).parent.parent)  # this autograd_lite, not another install
    env = {**os.environ, "PYTHONPATH": here}
    run = lambda mode, given=b"": subprocess.run(
        [sys.executable, "-c", USER_OP, mode], input=given, capture_output=True, env=env
    )
    blob = run("dump").stdout
    loaded = run("load", blob)
    assert loaded.stdout.split() == [b"10.0", b"cube", b"13.0"], loaded.stderr
    missing = run("undefined", blob)
    assert missing.returncode != 0
    assert b"ValueError" in missing.stderr and b"'cube'" in missing.stderr
    assert b"define_op" in missing.stderr


def test_a_derivative_graph_pickles_with_its_constant_powers():
    import pickle

    x = Value(0.3, label="x")
    (first,) = ag.gradients(x**3, [x], create_graph=True)  # 3 * x ** 2, the power a constant
    twin = pickle.loads(pickle.dumps(first))
    _same_graph(first, twin)
    assert [p.op_label for p in ag.topological_order(twin) if p.op_label.startswith("**")] == [
        "**2"
    ]


def test_a_value_that_could_not_be_loaded_is_refused_when_pickled():
    """A label set to None by hand pickled, and the file raised 'label must be a str' on
    every load; a NumPy float as data comes back a float, as Value() makes it."""
    y = Value(2.0, label="w") * 3
    y.label = None
    for copy_of in (pickle.dumps, copy.deepcopy):
        with pytest.raises(TypeError, match=r"^pickle: a Value's label must be a str, got None"):
            copy_of(y)
    y.label, y.data = "y", "6"
    with pytest.raises(TypeError, match=r"^pickle: a Value's data needs a real number"):
        pickle.dumps(y)
    numpy = pytest.importorskip("numpy")
    y.data = numpy.float32(6.0)
    assert type(pickle.loads(pickle.dumps(y)).data) is float
