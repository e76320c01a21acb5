"""Value as a data type: construction, attributes, comparisons, identity, detach."""

import math
from fractions import Fraction

import pytest

import autograd_lite as ag
from autograd_lite import Value


class Real:
    """An object that is only a number through __float__ (like a NumPy scalar)."""

    def __float__(self):
        return 2.5


@pytest.mark.parametrize("given", [3, 3.0, Fraction(3, 1), Real()])
def test_data_is_stored_as_float(given):
    v = Value(given)
    assert type(v.data) is float
    assert v.data == float(given)


def test_numpy_scalars_are_numbers():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert type(Value(np.int64(7)).data) is float


@pytest.mark.parametrize(
    ("given", "named"),
    [("3", "str"), (None, "NoneType"), (1 + 2j, "complex"), (True, "bool"), ([1.0], "list")],
)
def test_non_numbers_are_rejected_with_a_message_that_says_what_was_given(given, named):
    with pytest.raises(TypeError) as info:
        Value(given)
    message = str(info.value)
    assert named in message and "real number" in message


def test_a_value_of_a_value_is_rejected_with_advice():
    with pytest.raises(TypeError, match="detach"):
        Value(Value(1.0))


def test_label_must_be_text():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_micrograds_node_call_is_refused_with_advice_not_built_broken():
    # micrograd makes a node as Value(data, (a, b), '+'); here only a leaf is made by hand,
    # so that call (or a third argument of any kind) must not quietly build a node without
    # parents, whose backward would do nothing
    a, b = Value(1.0), Value(2.0)
    for args in ((3.0, (a, b), "+"), (3.0, {a, b}), (3.0, [a]), (3.0, "c", "+"), (3.0, "c", 3)):
        with pytest.raises(TypeError, match="made by an operation"):
            Value(*args)


def test_fresh_leaf_attributes():
    v = Value(2.0, label="w")
    assert (v.data, v.grad, v.label, v.op, v.parents, v.is_leaf) == (2.0, 0.0, "w", "", (), True)


def test_parents_keep_operand_order_and_duplicates():
    a, b = Value(1.0), Value(2.0)
    assert (a + a).parents == (a, a)
    assert (b - a).parents == (b, a)
    assert (a * b).op == "*" and not (a * b).is_leaf
    assert [p.data for p in (3 - a).parents] == [3.0, 1.0]


def test_power_by_a_constant_keeps_the_exponent_in_the_op():
    x = Value(3.0)
    y = x**2
    assert y.parents == (x,) and y.op == "**" and y.op_label == "**2"
    z = x**x
    assert z.parents == (x, x)


def test_comparisons_look_at_data_and_return_bool():
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True and (a <= 1) is True and (b > 1.5) is True and (b >= b) is True
    assert (2 > a) is True  # noqa: SIM300  (the reflected comparison is the point)
    assert sorted([b, a]) == [a, b]


def test_equality_and_hash_are_identity():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b
    assert len({a, b, a}) == 2
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"


def test_float_repr_and_detach():
    a = Value(2.5, label="a")
    assert float(a) == 2.5
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    assert "label='a'" in repr(a) and "2.5" in repr(a)
    y = a * 3
    d = y.detach()
    assert d.is_leaf and d.data == 7.5 and d is not y and d.parents == ()


def test_huge_integers_overflow_to_inf():
    assert Value(10**400).data == math.inf
    assert Value(-(10**400)).data == -math.inf


def test_operators_with_numbers_on_either_side():
    x = Value(3.0)
    assert [v.data for v in (x + 1, 1 + x, x - 1, 1 - x, x * 2, 2 * x, x / 2, 6 / x)] == [
        4.0,
        4.0,
        2.0,
        -2.0,
        6.0,
        6.0,
        1.5,
        2.0,
    ]
    assert [v.data for v in (x**2, 2**x, x**x, -x, abs(-x), +x)] == [9.0, 8.0, 27.0, -3.0, 3.0, 3.0]


def test_operand_of_a_wrong_type_names_it():
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match="NoneType"):
        Value(1.0) * None


def test_functions_give_floats_for_numbers_and_values_for_values():
    for f in (ag.exp, ag.log, ag.sqrt, ag.tanh, ag.sigmoid, ag.relu, ag.sin, ag.cos, ag.abs):
        assert type(f(0.5)) is float
        assert isinstance(f(Value(0.5)), Value)
        assert f(Value(0.5)).data == f(0.5)
    assert type(ag.leaky_relu(-1.0)) is float and ag.leaky_relu(-1.0) == -0.01
    assert ag.leaky_relu(Value(-2.0), 0.5).data == -1.0
    x = Value(0.5)
    assert x.exp().data == ag.exp(0.5) and x.leaky_relu(0.2).data == 0.5


def test_nary_functions_build_one_node():
    xs = [Value(float(i)) for i in range(5)]
    s, m, d = ag.sum(xs), ag.mean(xs), ag.dot(xs, xs)
    assert (s.data, m.data, d.data) == (10.0, 2.0, 30.0)
    assert s.parents == tuple(xs) and len(d.parents) == 10
    assert all(p.is_leaf for p in (s, m, d) for p in p.parents)
    assert ag.sum([1, 2]) == 3.0 and ag.dot([1, 2], [3, 4]) == 11.0 and ag.mean([1, 3]) == 2.0
    assert ag.sum([]) == 0.0
    with pytest.raises(ValueError, match="mean of no values"):
        ag.mean([])
    with pytest.raises(ValueError, match="one length"):
        ag.dot([Value(1.0)], [1.0, 2.0])


def test_zero_grad():
    xs = [Value(1.0), Value(2.0)]
    ag.sum(xs).backward()
    ag.zero_grad(xs)
    assert [x.grad for x in xs] == [0.0, 0.0]


def test_star_import_keeps_pythons_sum_and_abs():
    namespace = {}
    exec("from autograd_lite import *", namespace)
    assert "sum" not in namespace and "abs" not in namespace and "Value" in namespace
    assert ag.sum([Value(1.0)]).data == 1.0 and ag.abs(-2.0) == 2.0


def test_format_and_round_use_the_number():
    v = Value(3.14159, label="pi")
    assert f"{v:.2f}" == "3.14" and round(v, 1) == 3.1 and f"{v}" == repr(v)


def test_leaky_relu_is_a_reserved_entry_of_the_rule_table():
    assert ag.RULES["leaky_relu"].builtin
    with pytest.raises(ValueError, match="built-in"):
        ag.define_op("leaky_relu", lambda x: x, lambda x, out: (1.0,))


def test_infinite_and_nan_exponents_follow_ieee_for_negative_bases():
    assert (Value(-2.0) ** float("inf")).data == math.inf
    assert (Value(-0.5) ** float("inf")).data == 0.0
    assert math.isnan((Value(-2.0) ** Value(float("nan"))).data)


# --- copy.deepcopy and pickle: any depth, ops by name ----------------------------------


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
