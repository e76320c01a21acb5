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
    # (the advice was "use the Value itself", which is what had been done)
    with pytest.raises(TypeError, match=r"^backward\(gradient\) .* give its \.data, the number"):
        Value(1.0).backward(Value(2.0))


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


def test_the_truth_of_a_value_is_the_truth_of_its_number_as_in_pytorch():
    # `if v:` asks about the number: False at 0 (and -0) only, NaN is true, as bool(nan) is
    for data, truth in (
        (0.0, False),
        (-0.0, False),
        (2.5, True),
        (-1e-300, True),
        (math.nan, True),
    ):
        assert bool(Value(data)) is truth
    x = Value(0.0)
    y = x * 3.0  # a node too: its number decides
    assert not y and (x + 1.0)
    # a derivative written once for floats and Values can test for zero with `not x`
    sinc = ag.define_op(
        "sinc_with_not",
        lambda x: 1.0 if not x else math.sin(x) / x,
        lambda x, out: (0.0 if not x else (ag.cos(x) - out) / x,),
    )
    assert ag.grad(sinc)(0.0) == 0.0 and ag.grad(sinc)(0.5) == pytest.approx(
        (math.cos(0.5) - math.sin(0.5) / 0.5) / 0.5, rel=1e-15
    )


def test_an_operand_whose_data_was_set_to_a_value_is_caught_at_the_next_operation():
    # the lecture's update without .grad: p.data -= lr * p makes p.data a Value
    p, x = Value(0.5), Value(2.0)
    p.data -= 0.1 * p
    uses = (lambda: p * x, lambda: p + 1.0, lambda: 2.0 / p, lambda: ag.dot([p], [x]),
            lambda: p.tanh(), lambda: ag.exp(p), lambda: p**2, lambda: abs(p))  # fmt: skip
    for use in uses:
        with pytest.raises(TypeError, match=r"\.data holds a Value.*lr \* p\.grad, not lr \* p"):
            use()
    # a number of another kind set by hand (a NumPy float) is taken as the float it is
    np = pytest.importorskip("numpy")
    q = Value(1.0)
    q.data = np.float64(0.5)  # (np.float64 * float is an np.float64)
    assert type((q * x).data) is float and (q * x).data == 1.0


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


def test_an_operand_that_knows_the_reflected_operator_gets_its_turn():
    """Value + numpy array raised 'needs a real number, got ndarray' (array + Value worked):
    the operator now returns NotImplemented, so the array adds element by element."""
    numpy = pytest.importorskip("numpy")
    b, h = Value(0.5), numpy.array([Value(1.0), Value(2.0)])
    for result, expected in [(b + h, [1.5, 2.5]), (b - h, [-0.5, -1.5]), (b * h, [0.5, 1.0]),
                             (b / h, [0.5, 0.25])]:  # fmt: skip
        assert [v.data for v in result] == expected
    (b * h)[1].backward()
    assert b.grad == 2.0 and h[1].grad == 0.5
    for bad, said in [("a", "convert text"), (None, "such as 0.0"), ([1.0], "one number"),
                      (1 + 2j, "real numbers only"), ((2.0,), "one number"),
                      ({1.0}, "give an int"), ({}.keys(), "give an int")]:  # fmt: skip
        with pytest.raises(TypeError, match=said):  # still our message, not Python's
            b + bad
        with pytest.raises(TypeError, match=said):  # (a str's or a list's * repeats it)
            b * bad


def test_int_of_a_value_is_int_of_its_number_as_in_pytorch():
    assert int(Value(2.7)) == 2 and int(Value(-2.7)) == -2 and type(int(Value(1.0))) is int
    with pytest.raises(ValueError, match="NaN"):
        int(Value(math.nan))  # as int(float("nan"))


def test_leaky_relu_is_a_reserved_entry_of_the_rule_table():
    assert ag.RULES["leaky_relu"].builtin
    with pytest.raises(ValueError, match="built-in"):
        ag.define_op("leaky_relu", lambda x: x, lambda x, out: (1.0,))


def test_infinite_and_nan_exponents_follow_ieee_for_negative_bases():
    assert (Value(-2.0) ** float("inf")).data == math.inf
    assert (Value(-0.5) ** float("inf")).data == 0.0
    assert math.isnan((Value(-2.0) ** Value(float("nan"))).data)
