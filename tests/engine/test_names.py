"""Names a learner can read (autograd_lite/names.py): expressions for unlabelled nodes."""

import math

import pytest
from hypothesis import given, settings

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.cli.expression import parse
from autograd_lite.names import expression, is_constant, number, operands, short
from autograd_lite.testing import expressions


def variables():
    return Value(2.0, label="x"), Value(-3.0, label="y"), Value(2.0, label="z")


def test_expressions_are_written_with_the_brackets_they_need():
    x, y, z = variables()
    cases = {
        "x*y + z": x * y + z,
        "x*(y + z)": x * (y + z),
        "x - (y - z)": x - (y - z),
        "x - y - z": x - y - z,
        "x + (y + z)": x + (y + z),  # as the graph has it: the right one first
        "x/(y*z)": x / (y * z),
        "x/y*z": x / y * z,
        "-(x*y)": -(x * y),
        "-x**2": -(x**2),
        "(-x)**2": (-x) ** 2,
        "x**y**z": x ** (y**z),
        "(x**y)**z": (x**y) ** z,
        "2*x": 2 * x,
        "x*2.5": x * 2.5,
        "x*-2": x * -2,
        "-2*x": -2 * x,
        "2**x": 2**x,
        "(-2)**x": (-2.0) ** Value(3.0, label="x"),
        "x**-1": x**-1,
        "x**0.5": x**0.5,
        "tanh(x*y + z)": (x * y + z).tanh(),
        "exp(-x)": (-x).exp(),
        "leaky_relu(x, 0.2)": x.leaky_relu(0.2),
        "x + y + z": ag.sum([x, y, z]),
        "mean(x, y)": ag.mean([x, y]),
        "x*y + z*x": ag.dot([x, z], [y, x]),
    }
    for text, node in cases.items():
        assert expression(node) == text


def test_a_label_wins_and_an_unlabelled_leaf_is_a_constant():
    x, y, _ = variables()
    product = x * y
    product.label = "p"
    assert expression(product + 1) == "p + 1"
    assert expression(product) == "p"
    assert is_constant((2 * x).parents[0]) and not is_constant(x)
    assert is_constant(Value(2.0))  # made without a label: cannot be told from a number
    assert expression(Value(0.25) * x) == "0.25*x"


def test_numbers_are_short():
    assert [number(v) for v in (2.0, -3.0, 0.5, 1 / 3, 1e-12, 1.5e9, -0.0, math.inf)] == [
        "2", "-3", "0.5", "0.3333", "1e-12", "1.5e+9", "-0", "inf"
    ]  # fmt: skip
    assert number(math.nan) == "nan"
    assert [short(v) for v in (2.0, -0.0, 1e-12, 1e9, -math.inf)] == [
        "2.0", "-0.0", "1e-12", "1e+9", "-inf"
    ]  # fmt: skip


def test_a_short_number_claims_no_fifth_digit_that_rounding_took_away():
    # 0.7 * 3**7 = 1530.9 was drawn "data 1531.0", as if exact: 510.3 * 3 did not add up
    assert [short(v) for v in (1530.9, 1234.5, -999.96)] == ["1531", "1234", "-1000"]
    assert [short(v) for v in (1531.0, -1000.0, 1.0)] == ["1531.0", "-1000.0", "1.0"]
    # a whole number of fewer than 4 digits keeps its .0, within the 4 digits shown: float
    # noise such as 0.1 * 3 / 0.15 = 2.0000000000000004 reads as 2.0 beside an exact 2.0
    assert [short(v) for v in (0.1 * 3 / 0.15, 0.99999999, -12.00001)] == ["2.0", "1.0", "-12.0"]
    # three digits and the .0 are still 4 significant digits: 153.0 for 152.99999, not 153
    assert [short(v) for v in (152.99999, -99.999999)] == ["153.0", "-100.0"]


def test_long_expressions_are_shortened_from_the_inside():
    x, y, z = variables()
    deep = ((x * y + z) * x + z * y + x).tanh()
    assert expression(deep) == "tanh((x*y + z)*x + z*y + x)"
    assert expression(deep, max_chars=20) == "tanh(…*x + z*y + x)"
    assert expression(deep, max_chars=12) == "tanh(… + x)"
    many = ag.sum([x * y for _ in range(50)])
    assert expression(many) == "x*y + … + x*y"
    chain = x
    for _ in range(100_000):  # deep: no recursion trouble, and quick
        chain = chain.tanh()
    assert expression(chain) == "tanh(tanh(tanh(tanh(tanh(…)))))"
    long_label = Value(1.0, label="a" * 100)
    assert expression(long_label * x, max_chars=32) == "a" * 31 + "…"


def test_a_neurons_weighted_sum_pairs_its_weights_with_its_inputs():
    from nn import MLP, Neuron

    neuron = Neuron(2, activation="tanh", seed=0)
    assert expression(neuron([1.0, 2.0])) == "tanh(w.0*x.0 + w.1*x.1 + b)"
    model = MLP(2, [3, 1], seed=0)
    assert expression(model([1.0, 2.0]), max_chars=60) == "w.0*relu(w.0*x.0 + w.1*x.1 + b) + … + b"


def test_the_order_of_operands_is_marked_where_it_matters():
    x, y, _ = variables()
    for node in (x - y, x / y, x**y):
        assert operands(node) == ["1st", "2nd"]
    for node in (x + y, x * y, x**2, x.tanh(), ag.sum([x, y]), ag.dot([x], [y])):
        assert operands(node) == [""] * len(node.parents)
    clamp = ag.define_op("clamp_names", lambda v, lo, hi: min(max(v, lo), hi),
                         lambda v, lo, hi, out: (1.0, 0.0, 0.0))  # fmt: skip
    assert operands(clamp(x, y, Value(5.0))) == ["1st", "2nd", "3rd"]  # yours: order matters
    many = ag.define_op("many_names", lambda *v: sum(v), lambda *v: (1.0,) * (len(v) - 1))
    assert operands(many(*[x] * 12))[10:] == ["11th", "12th"]


OPS = ["+", "-", "*", "/", "neg", "**", "x**c", "c**x", "exp", "tanh", "sigmoid", "sin"]


@settings(max_examples=60)
@given(expressions(variables=("x", "y"), ops=OPS, max_depth=4))
def test_the_name_reads_back_as_the_same_computation(f):
    x, y = Value(1.25, label="x"), Value(-0.75, label="y")
    out = f(x, y)
    if not isinstance(out, Value) or out.is_leaf:
        return
    text = expression(out, max_chars=10**6, digits=17)  # every constant exactly
    again = float(parse(text, ["x", "y"]).evaluate({"x": 1.25, "y": -0.75}))
    if "**" in text:  # x ** c keeps c in its op, to 6 digits ("x**1.64872"): nearly equal
        assert math.isclose(again, out.data, rel_tol=1e-4) or again == out.data, text
    else:  # bracket for bracket, the same computation
        assert again == out.data or (math.isnan(again) and math.isnan(out.data)), text


def test_expression_checks_its_length():
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match="max_chars"):
        expression(x * 2, max_chars=3.5)
    with pytest.raises(ValueError, match="max_chars must be at least 2"):
        expression(x * 2, max_chars=1)
    assert expression(x * 2, max_chars=2) == "x…"


def test_whole_numbers_below_a_million_keep_every_digit():
    assert [number(v) for v in (12345.0, -999999.0, 1e6)] == ["12345", "-999999", "1e+6"]
    x = Value(2.0, label="x")
    assert expression(12345 * x) == "12345*x"


def test_an_equation_of_rounded_numbers_says_approximately_where_they_do_not_multiply():
    """'0.42 × 2.0 = 0.8399' (an upstream of 0.41997 shown as 0.42) looked like the engine's
    slip; the pictures, the stepper and Step's text all write it through product_text."""
    from autograd_lite.names import product_text

    assert product_text(0.41997, 2.0, 0.41997 * 2.0) == "0.42 × 2.0 ≈ 0.8399"
    assert product_text(0.42, 0.5, 0.21) == "0.42 × 0.5 = 0.21"
    assert product_text(3.0, 1.0, 3.0) == "3.0 × 1.0 = 3.0"
    assert product_text(float("inf"), 0.0, float("nan")) == "inf × 0.0 = nan"
    x, y = ag.Value(2.0, label="x"), ag.Value(0.5, label="y")
    f = (x * y).tanh()
    assert "y: 0.42 × 2.0 ≈ 0.8399" in str(list(ag.backward_steps(f))[1])


def test_an_equation_says_equals_where_only_the_dot_0_differs():
    # short writes 1530.9 "1531" (no ".0": not a whole number), but 1531 × 1.0 is 1531.0:
    # it said "1531 × 1.0 ≈ 1531", a rounding that is not there
    from autograd_lite.names import product_text

    noisy = 0.1 * 3 / 0.15  # 2.0000000000000004
    assert product_text(noisy, 1.0, noisy) == "2.0 × 1.0 = 2.0"
    assert product_text(1530.9, 1.0, 1530.9) == "1531 × 1.0 = 1531"
    assert product_text(510.3, 3.0, 510.3 * 3.0) == "510.3 × 3.0 = 1531"
