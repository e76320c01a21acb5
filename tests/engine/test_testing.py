"""autograd_lite.testing: random expressions that are always safe, checked numerically.

Also the project's own property tests of every built-in op, to first, second and third
order, built from that module.
"""

import math
import re

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import GradcheckError, Value, grad, gradients, hessian
from autograd_lite.testing import (
    BUILTIN_OPS,
    SAFE_RANGE,
    _between,
    assert_gradients_match,
    expressions,
    user_op,
    values,
    variable,
)

FEW = settings(max_examples=60, deadline=None)

softplus = ag.define_op(
    "softplus_ok", lambda x: math.log1p(math.exp(x)), lambda x, out: (ag.sigmoid(x),)
)
softplus_wrong = ag.define_op(
    "softplus_wrong", lambda x: math.log1p(math.exp(x)), lambda x, out: (ag.sigmoid(-x),)
)
# log(x) with 1/x written as x ** -1: needs positive inputs, like log itself.
my_log = ag.define_op("my_log", math.log, lambda x, out: (x**-1,))
sin_slightly_wrong = ag.define_op(
    "sin_slightly_wrong", math.sin, lambda x, out: ((1 + 1e-5) * ag.cos(x),)
)

XY = ("x", "y")
wide = st.floats(-SAFE_RANGE, SAFE_RANGE, allow_nan=False)


# --- the strategies themselves ---------------------------------------------------------


@FEW
@given(values())
def test_values_are_finite_and_in_a_sane_range(x):
    assert math.isfinite(x) and -3.0 <= x <= 3.0


@settings(max_examples=150, deadline=None)
@given(expressions(XY, max_depth=4), wide, wide)
def test_expressions_stay_in_domain_and_inside_their_bounds(e, x, y):
    # Safe everywhere in [-4, 4]: no ValueError, no ZeroDivisionError, no inf or nan,
    # and the value lies in the interval computed for it.
    out = e(x, y)
    assert math.isfinite(out)
    assert e.low - 1e-9 * (1 + abs(e.low)) <= out <= e.high + 1e-9 * (1 + abs(e.high))


@FEW
@given(expressions(XY), values(), values())
def test_expressions_give_the_same_number_on_floats_and_values(e, x, y):
    on_values = e(Value(x), Value(y))
    on_floats = e(x, y)
    assert float(on_values) == pytest.approx(on_floats, rel=1e-15, abs=1e-300)


def test_expression_repr_is_readable():
    e = find(
        expressions(XY, ops=["log", "*"]),
        lambda e: "log(" in repr(e) and "*" in repr(e),
        settings=settings(derandomize=True, database=None),  # the same search in every profile
    )
    # The minimal such expression, with the shift that keeps log's argument >= 0.5:
    # x * y lies in [-16, 16] for inputs in [-4, 4], so log sees (x * y) + 17.0.
    assert re.fullmatch(r"log\(\([xy] \* [xy]\) \+ 17\.0\)", repr(e)), repr(e)
    at = {"x": 1.0, "y": 2.0}
    expected = math.log(at[repr(e)[5]] * at[repr(e)[9]] + 17.0)
    assert e(1.0, 2.0) == pytest.approx(expected, rel=1e-15)


def test_expressions_check_their_arguments():
    e = find(expressions(XY, ops=["*"]), lambda e: True)
    with pytest.raises(TypeError, match="2 argument"):
        e(1.0)
    with pytest.raises(ValueError, match="unknown op"):
        expressions(ops=["tan"])
    with pytest.raises(ValueError, match="names"):
        expressions(variables=("x y",))
    for variables, error, message in [
        (("x", "x"), ValueError, "variables must differ"),  # x would stand for both arguments
        ("xy", TypeError, "a list of names such as"),  # not quietly ("x", "y")
        (3, TypeError, "a list of names such as"),
        (["x", 1], TypeError, r"variables must be names \(str\), got 1"),
        ((), ValueError, "at least one variable"),
    ]:
        with pytest.raises(error, match=message):
            expressions(variables=variables)
    with pytest.raises(TypeError, match=r"ops must be a list of ops such as \['\+', 'exp'\]"):
        expressions(ops="exp")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(("x",), ops=["relu", "abs", "leaky_relu", "log", "sqrt", "/"]), wide)
def test_kinks_and_singularities_are_kept_at_a_distance(e, x):
    # The arguments of relu, abs, leaky_relu, log, sqrt and the divisors are all at
    # least 0.5 away from zero, so a difference step of 0.3 never crosses a kink.
    # Evaluate with Values, then look at the argument of every kinked or singular node.
    out = e(Value(x))
    for node in ag.topological_order(out) if isinstance(out, Value) else []:
        if node.op in ("relu", "abs", "leaky_relu", "log", "sqrt"):
            assert abs(node.parents[0].data) >= 0.5 - 1e-12, (e, x)
        if node.op == "/":
            assert abs(node.parents[1].data) >= 0.5 - 1e-12, (e, x)


# --- assert_gradients_match --------------------------------------------------------------


def test_assert_gradients_match_passes_correct_and_catches_wrong():
    assert_gradients_match(lambda x, y: softplus(x) * y.sin(), 0.3, -1.2)
    with pytest.raises(GradcheckError, match=r"(?s)x=0\.3.*<-- wrong"):
        assert_gradients_match(lambda x, y: softplus_wrong(x) * y, 0.3, -1.2)


def test_assert_gradients_match_is_much_tighter_than_gradcheck():
    assert ag.gradcheck(sin_slightly_wrong, 0.5)  # 1e-5 relative error hides in rtol 1e-3
    with pytest.raises(GradcheckError, match="sin_slightly_wrong"):
        assert_gradients_match(sin_slightly_wrong, 0.5)


sin_one_percent_wrong = ag.define_op(
    "sin_one_percent_wrong", math.sin, lambda x, out: (1.01 * ag.cos(x),)
)
square_wrong = ag.define_op("square_wrong", lambda x: x * x, lambda x, out: (2.001 * x,))
square_right = ag.define_op("square_right", lambda x: x * x, lambda x, out: (2.0 * x,))
flat_wrong = ag.define_op("flat_wrong", lambda x: 5.0, lambda x, out: (1e-6,))


@pytest.mark.parametrize(
    "f, inputs",
    [
        # the slack was atol·|f|: 1e-8 · 9e6 hid an error of 0.009 in d/dx
        (lambda x, y: sin_one_percent_wrong(x) + y * y, (0.5, 3000.0)),
        (lambda x: sin_one_percent_wrong(x) + 1e6, (0.5,)),
        (lambda x: sin_slightly_wrong(x) + 1e6, (0.5,)),  # 1e-5 off, caught without the 1e6 too
        (lambda x: square_wrong(x), (1e8,)),  # 2.001e8 against 2e8
        (lambda x: flat_wrong(x), (1e4,)),  # nor does a large input: 1e-6 against 0
    ],
)
def test_a_large_value_of_f_does_not_hide_a_wrong_derivative(f, inputs):
    with pytest.raises(GradcheckError) as info:
        assert_gradients_match(f, *inputs)
    wrong = [line.split()[0] for line in str(info.value).splitlines() if "<-- wrong" in line]
    assert wrong == ["x"]  # (and not y, whose derivative is right)


@pytest.mark.parametrize(
    "f, inputs",
    [
        (lambda x, y: ag.sin(x) + y * y, (0.5, 3000.0)),
        (lambda x: ag.sin(x) + 1e6, (0.5,)),
        (lambda x: ag.sin(x) + 1e10, (0.5,)),  # 10^10: six digits of sin(x) left
        (square_right, (1e8,)),
        (lambda x: x * x, (1e8,)),
        (ag.exp, (709.0,)),  # exp(709) = 8.2e307, just below overflow
        (lambda x: ag.sin(1e5 * x), (0.3,)),
        (lambda x: ag.sigmoid(1e6 * x), (1e-7,)),
        (lambda x: ag.sigmoid(1e6 * x), (0.0,)),
        (lambda x: 1e9 * ag.tanh(ag.exp(x) - 1.0) * x, (0.0,)),  # 0, with cancellation in f
    ],
)
def test_right_derivatives_of_large_or_steep_functions_pass(f, inputs):
    assert_gradients_match(f, *inputs)


def test_the_mismatch_table_shows_how_sure_the_numeric_side_is():
    from autograd_lite.check import extrapolated_difference

    f = lambda x, y: sin_one_percent_wrong(x) + y * y
    with pytest.raises(GradcheckError) as info:
        assert_gradients_match(f, 0.5, 3000.0)
    lines = str(info.value).splitlines()
    assert lines[1].split("  ")[:1] == ["input"] and "  numeric  numeric ±  " in lines[1]
    x_row = lines[3].split()
    assert x_row[0] == "x" and x_row[-1] == "wrong"
    assert x_row[4] == f"{extrapolated_difference(f, [0.5, 3000.0], 0)[1]:.2g}"
    assert float(x_row[4]) < 1e-6 < float(x_row[5])  # sure of itself, and 0.009 off: wrong
    assert "a row passes when abs err <= atol + rtol·|numeric| + 2·(numeric ±)" in lines[5]
    assert "op 'sin_one_percent_wrong' at x=0.5: d/dx analytic" in lines[-1]  # whose fault
    with pytest.raises(GradcheckError) as info:  # gradcheck's table is as it was
        ag.gradcheck(f, 0.5, 3000.0)
    assert "numeric ±" not in str(info.value)


def test_assert_gradients_match_checks_its_arguments():
    with pytest.raises(TypeError, match=r"^assert_gradients_match needs a function"):
        assert_gradients_match(1.0, 2.0)
    with pytest.raises(TypeError, match=r"^assert_gradients_match needs at least one input"):
        assert_gradients_match(lambda x: x)
    with pytest.raises(TypeError, match=r"^assert_gradients_match: input 0 needs a real"):
        assert_gradients_match(lambda x: x, "1")
    with pytest.raises(TypeError, match=r"^assert_gradients_match: rtol needs a real"):
        assert_gradients_match(lambda x: x, 1.0, rtol="tight")
    with pytest.raises(ValueError, match=r"^assert_gradients_match: atol must be"):
        assert_gradients_match(lambda x: x, 1.0, atol=-1.0)
    with pytest.raises(TypeError, match=r"^assert_gradients_match: .* must return a single"):
        assert_gradients_match(lambda x: (x, x), 1.0)
    for bad in (math.inf, math.nan, Value(-math.inf)):  # were GradcheckErrors: "sin disagrees"
        with pytest.raises(ValueError, match=r"^assert_gradients_match: input 0 = .*finite inp"):
            assert_gradients_match(ag.sin, bad)


def test_assert_gradients_match_differentiates_arguments_not_closures():
    # f(x) = d/dy (x·y) at y = x, which is x: slope 1 on both sides (2 if grad confused
    # its argument y with the x it closes over). Checked against the answer, not only
    # side against side: a mistake made on both sides would agree with itself.
    from autograd_lite.check import extrapolated_difference, reverse_mode

    f = lambda x: grad(lambda y: x * y)(x)
    assert reverse_mode(f, [1.5]) == [1.0]
    assert extrapolated_difference(f, [1.5], 0)[0] == pytest.approx(1.0, rel=1e-12)
    assert_gradients_match(f, 1.5)
    c = Value(0.7)
    g = lambda x: hessian(lambda y: x * y**3 * c)(c)[0][0]  # 6·x·y·c at y = c: 6 c² x
    assert reverse_mode(g, [1.5]) == [pytest.approx(6 * 0.7**2, rel=1e-15)]
    assert_gradients_match(g, 1.5)


@settings(max_examples=40, deadline=None)
@given(expressions(XY, max_depth=3), values())
def test_nested_grad_at_the_outer_variable_is_the_partial_derivative(e, x):
    # h(x) = d/dy e(x, y) at y = x is, by the chain rule, e_y(x, x); its slope is
    # e_yx + e_yy (both computed independently below, from gradients of e itself).
    h = lambda x: grad(lambda y: e(x, y))(x)
    assert h(x) == pytest.approx(grad(e, 1)(x, x), rel=1e-12, abs=1e-12)
    slope = grad(grad(e, 1), 0)(x, x) + grad(grad(e, 1), 1)(x, x)
    assert grad(h)(x) == pytest.approx(slope, rel=1e-9, abs=1e-9)
    assert_gradients_match(h, x)


# --- the project's property tests: every built-in op, to third order --------------------


@settings(max_examples=300, deadline=None)
@given(expressions(XY, max_depth=3), values(), values())
def test_first_derivatives_of_random_expressions(e, x, y):
    assert_gradients_match(e, x, y)


@settings(max_examples=150, deadline=None)
@given(expressions(XY, max_depth=3), values(), values())
def test_derivatives_built_from_values_equal_the_plain_ones(e, x, y):
    # create_graph=True computes each local derivative from Values instead of floats;
    # the numbers must not change (the higher-order tests below build on these).
    leaves = [Value(x), Value(y)]
    out = e(*leaves)
    as_values = gradients(out, leaves, create_graph=True)
    plain = gradients(out, leaves)
    assert [float(g) for g in as_values] == pytest.approx(plain, rel=1e-12, abs=1e-300)


@settings(max_examples=150, deadline=None)
@given(expressions(XY, max_depth=3), values(), values())
def test_second_derivatives_of_random_expressions(e, x, y):
    # The gradient of (df/dx), by reverse mode over the graph that grad built.
    assert_gradients_match(grad(e, 0), x, y)


@settings(max_examples=80, deadline=None)
@given(expressions(("x",), max_depth=3), values())
def test_third_derivatives_of_random_expressions(e, x):
    assert_gradients_match(grad(grad(e)), x)


@pytest.mark.parametrize("op", sorted(BUILTIN_OPS))
def test_every_builtin_op_at_the_top_of_an_expression(op):
    @settings(max_examples=15, deadline=None)
    @given(expressions(XY, ops=[op], max_depth=2), values(), values())
    def check(e, x, y):
        assert_gradients_match(e, x, y)
        assert_gradients_match(grad(e, 1), x, y)

    check()


BUILTIN_CALLABLES = [ag.log, ag.sqrt, ag.exp, ag.abs, ag.relu, ag.tanh, ag.sigmoid, ag.sin,
                     ag.cos, ag.leaky_relu, ag.sum, ag.mean, ag.dot]  # fmt: skip


@pytest.mark.parametrize("op", BUILTIN_CALLABLES, ids=lambda op: op.__name__)
def test_a_builtin_op_given_as_the_function_is_kept_in_its_domain(op):
    # ops=[ag.log] means the op "log": kept inside its domain as ops=["log"] is, not taken
    # for an op of yours (which log, defined for x > 0 only, is not on [-4, 4])
    @settings(max_examples=15, deadline=None)
    @given(expressions(XY, ops=[op, "+"], max_depth=2), values(), values())
    def check(e, x, y):
        assert_gradients_match(e, x, y)

    check()


# --- your own ops in expressions ---------------------------------------------------------


@FEW
@given(expressions(XY, ops=["+", "*", "exp", softplus, user_op(my_log, domain="positive")]))
def test_correct_user_ops_pass(e):
    for x, y in [(0.3, -1.2), (-2.5, 2.9)]:
        assert_gradients_match(e, x, y)
        assert_gradients_match(grad(e, 0), x, y)


def test_wrong_user_op_is_caught_and_the_minimal_failing_expression_is_shown():
    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(expressions(XY, ops=["+", "*", "exp", softplus_wrong]), values(), values())
    def check(e, x, y):
        assert_gradients_match(e, x, y)

    with pytest.raises(GradcheckError) as info:
        check()
    message = str(info.value)
    assert "softplus_wrong(" in message and "<-- wrong" in message
    # Shrinking leaves a small expression: the wrong op and little else.
    shown = message.split(" for ", 1)[1].split(" at ", 1)[0]
    assert shown.count("(") <= 3, shown
    report = "\n".join(getattr(info.value, "__notes__", []))
    assert f"e={shown}" in report  # hypothesis names the falsifying example


@pytest.mark.parametrize("depth", ["3", 3.5, True, None])
def test_expressions_max_depth_that_is_not_an_int_is_a_type_error(depth):
    with pytest.raises(TypeError, match=r"expressions: max_depth must be an int"):
        expressions(max_depth=depth)


def test_values_draw_no_subnormals():
    from hypothesis.errors import NoSuchExample

    tiny = lambda x: x != 0 and abs(x) < 2.2250738585072014e-308  # below the smallest normal
    with pytest.raises(NoSuchExample):
        find(values(), tiny, settings=settings(max_examples=500, database=None))


def test_every_variable_can_be_drawn():
    drawn = find(expressions(("x", "y", "z"), ops=["+"]), lambda e: "z" in repr(e))
    assert "z" in repr(drawn)


def test_without_tolerances_only_the_numeric_error_estimate_is_slack():
    # off by one part in a billion: far more than extrapolation's error (about 1e-14)
    off = ag.define_op("sin_off_1e-9", math.sin, lambda x, out: ((1 + 1e-9) * ag.cos(x),))
    with pytest.raises(GradcheckError):
        assert_gradients_match(off, 0.5, rtol=0.0, atol=0.0)


def test_a_tiny_gradient_is_checked_with_atol_0():
    # 2e-9 against 4e-9: 100% wrong, but below the default atol, the absolute floor
    tiny = ag.define_op("tiny_square", lambda x: 1e-9 * x * x, lambda x, out: (4e-9 * x,))
    assert_gradients_match(tiny, 1.0)
    with pytest.raises(GradcheckError):
        assert_gradients_match(tiny, 1.0, atol=0)
    right = ag.define_op("tiny_square_right", lambda x: 1e-9 * x * x, lambda x, out: (2e-9 * x,))
    assert_gradients_match(right, 1.0, atol=0)


def test_a_negative_constant_is_bracketed_where_python_would_misread_it():
    from autograd_lite.testing import constant

    assert constant(-1.0).inner() == "(-1.0)" and constant(2.0).inner() == "2.0"
    negated = BUILTIN_OPS["neg"][0](None, constant(-1.0))
    assert repr(negated) == "-(-1.0)" and eval(repr(negated)) == negated() == 1.0


def test_constants_can_be_drawn_too():
    drawn = find(expressions(("x",), ops=["+"]), lambda e: "x" not in repr(e))
    assert float(repr(drawn)) in (0.5, 2.0, 1.5, -1.0)


sine = ag.define_op("sine_for_user_op", math.sin, lambda x, out: (ag.cos(x),))


@pytest.mark.parametrize(
    "arity, error, message",
    [
        ("two", TypeError, r"^user_op: arity must be an int.*got str 'two'"),
        (1.0, TypeError, r"^user_op: arity must be an int.*got float 1\.0"),
        (True, TypeError, r"^user_op: arity must be an int.*got bool True"),
        (-1, ValueError, r"^user_op: arity must be at least 1.*got -1"),
        (0, ValueError, r"^user_op: arity must be at least 1.*got 0"),
        (3, ValueError, r"^user_op: 'sine_for_user_op' cannot take arity=3 inputs"),
    ],
)
def test_user_op_checks_its_arity_at_once(arity, error, message):
    # they were accepted, and drawing failed later: "sin() takes exactly one argument"
    with pytest.raises(error, match=message):
        user_op(sine, arity=arity)


def test_user_op_checks_an_arity_against_the_derivative_where_forward_cannot_tell():
    # math.hypot takes any count, so arity=3 was taken for a hypot whose derivative takes
    # two inputs and out: every expression drawn with it then failed in its derivative
    hypot = ag.define_op("hypot_for_user_op", math.hypot, lambda x, y, out: (x / out, y / out))
    with pytest.raises(ValueError, match=r"^user_op: 'hypot_for_user_op' cannot take arity=3 "
                       r"inputs: its derivative is \(x, y, out\)"):  # fmt: skip
        user_op(hypot, arity=3)
    assert user_op(hypot, arity=2).arity == 2 == user_op(hypot).arity


@pytest.mark.parametrize(
    "domain, error, message",
    [
        (None, TypeError, r"^user_op: domain must be a str, 'real' or 'positive', got NoneType"),
        (["real"], TypeError, r"^user_op: domain must be a str, .*got list \['real'\]"),
        ("Positive", ValueError, r"^user_op: domain must be 'real' or 'positive', got 'Positive'"),
        ("", ValueError, r"^user_op: domain must be 'real' or 'positive', got ''"),
    ],
)
def test_user_op_checks_its_domain(domain, error, message):
    with pytest.raises(error, match=message):
        user_op(sine, domain=domain)


def test_an_arity_the_op_can_take_is_kept():
    assert user_op(sine, arity=1).arity == 1 == user_op(sine).arity


def test_an_op_undefined_on_its_domain_says_which_domain_to_give():
    inv = ag.define_op("inv", lambda x: 1 / x, lambda x, out: (-out * out,))
    for op in (inv, user_op(inv)):  # it was a bare ZeroDivisionError
        with pytest.raises(
            ValueError,
            match=r"op 'inv' cannot be evaluated on domain 'real' \(inputs in \[-4, 4\]\): "
            r'inv\(0\) raised ZeroDivisionError.*user_op\(inv, domain="positive"\)',
        ):
            find(expressions(ops=["+", op]), lambda e: "inv" in repr(e))
    drawn = find(
        expressions(ops=["+", user_op(inv, domain="positive")]), lambda e: "inv" in repr(e)
    )
    assert math.isfinite(drawn(0.0))


def test_an_op_that_raises_valueerror_or_gives_inf_on_its_domain_is_refused_with_advice():
    # not only a ZeroDivisionError: math's ValueError (log of a negative number) and an
    # infinite result (IEEE's 1 / 0) mean the same, and each advice fits its domain
    real_log = ag.define_op("real_log", math.log, lambda x, out: (x**-1,))
    ieee_inv = ag.define_op("ieee_inv", lambda x: ag.ieee_div(1.0, x), lambda x, out: (-out * out,))
    shifted_log = ag.define_op(
        "shifted_log", lambda x: math.log(x - 1.0), lambda x, out: ((x - 1.0) ** -1,)
    )
    for op, what, advice in [
        (
            real_log,
            r"real_log\(-4\) raised ValueError: ",
            r'user_op\(real_log, domain="positive"\)',
        ),
        (ieee_inv, r"ieee_inv\(0\) gave inf", r'user_op\(ieee_inv, domain="positive"\)'),
        (
            user_op(shifted_log, domain="positive"),
            r"on domain 'positive' \(inputs >= 0\.5\): shifted_log\(\S+\) raised ValueError",
            r"expressions can only use an op that is defined for all such inputs",
        ),
    ]:
        with pytest.raises(ValueError, match=rf"cannot be evaluated .*{what}.*{advice}"):
            find(expressions(ops=["+", op]), lambda e: "log" in repr(e) or "inv" in repr(e))


def test_user_op_counts_inputs_as_define_op_does():
    # an input with a default is one forward may go without: one input, as define_op reads
    # it (user_op said two, and expressions built scaled(x, x), which failed)
    scaled = ag.define_op("scaled_by_default_2", lambda x, k=2.0: k * x, lambda x, out: (2.0,))
    assert user_op(scaled).arity == 1
    # a forward of *args cannot tell: the derivative says two inputs (and then out)
    added = ag.define_op("added_of_test_testing", lambda *xs: sum(xs), lambda x, y, out: (1, 1))
    assert user_op(added).arity == 2


def test_the_range_of_an_op_of_many_inputs_is_measured_in_a_bounded_number_of_calls():
    # a grid of 17 points on each input: 83,521 calls for each node of an op of 4 inputs,
    # 0.7 s per drawn example (1.4 million calls for 5 inputs); now a few thousand at most
    calls = []

    def forward(*xs):
        calls.append(xs)
        return sum(xs)

    counted = ag.define_op("sum_counting_calls", forward, lambda *a: (1.0,) * (len(a) - 1))
    for arity in (1, 4, 20):
        calls.clear()
        low, high = user_op(counted, arity=arity)._measure([variable("x")] * arity)
        assert len(calls) <= 5000
        assert low <= -4 * arity and high >= 4 * arity  # the corners are among the points


# a right derivative with kinks: slope -1 below 0, x from 0 to 2, 3 above 2
bent = ag.define_op(
    "bent_twice",
    lambda x: -x if x < 0 else (0.5 * x * x if x <= 2 else 3 * x - 4),
    lambda x, out: (-1.0 if x < 0 else (x if x <= 2 else 3.0),),
)


def test_an_op_with_kinks_is_kept_away_from_them_when_told_where_they_are():
    # a right op with a kink failed every property test at its kink ("analytic side most
    # likely wrong"), and expressions had no way to be told; kinks= keeps each input of the
    # op at least 0.5 away from each kink, as relu and abs are kept away from 0
    repeatable = settings(derandomize=True, database=None, deadline=None, max_examples=150)

    @repeatable
    @given(expressions(("x", "y"), ops=["+", "*", user_op(bent, kinks=[0, 2])]), values(), values())
    def told(expr, x, y):
        assert_gradients_match(expr, x, y)

    told()

    @repeatable
    @given(expressions(("x", "y"), ops=["+", "*", bent]), values(), values())
    def not_told(expr, x, y):
        assert_gradients_match(expr, x, y)

    with pytest.raises(GradcheckError, match=r"op 'bent_twice' at x=(0|2)\.0: d/dx"):
        not_told()


def test_kinks_are_checked():
    for kinks, error, message in [
        (0.0, TypeError, r"kinks must be a list of numbers"),
        (["0"], TypeError, r"kinks must be a list of numbers .*got list \['0'\]"),
        ([math.nan], ValueError, r"kinks must be finite"),
        ([0.0], ValueError, r'kinks need domain="real"'),
        # past 1000, x + kink kept too few of x's digits: a right op failed (1e8: rel err
        # 0.0075), and 10**400 raised a bare OverflowError
        ([0.0, 1e8], ValueError, r"kinks must lie in \[-1000, 1000\].*got \[0\.0, 100000000\.0\]"),
        ([10**400], ValueError, r"kinks must lie in \[-1000, 1000\]"),
        ([-1e308], ValueError, r"kinks must lie in \[-1000, 1000\]"),
        ([*range(10**5), "x"], TypeError, r"kinks must be a list of numbers .{,160}$"),
    ]:
        domain = "positive" if "domain" in message else "real"
        with pytest.raises(error, match=message):
            user_op(bent, kinks=kinks, domain=domain)


def test_an_op_of_no_inputs_is_a_constant_in_expressions():
    # measuring its range took budget ** (1 / 0): a bare ZeroDivisionError (before the
    # bounded measurement, it was drawn as the constant it is)
    three = ag.define_op("three_of_test_testing", lambda: 3.0, lambda out: ())
    assert user_op(three)._measure([]) == pytest.approx((3.0 - 1e-3, 3.0 + 1e-3))
    e = find(expressions(ops=["+", three]), lambda e: "three" in repr(e))
    assert "three_of_test_testing()" in repr(e)


def test_an_input_already_on_its_side_of_a_kink_is_left_as_it_is():
    # below a kink at 100, x was written ((x + -100.0) + 100.0): the same number, less exact
    assert repr(_between(variable("x"), None, 100.0)) == "x"
    assert repr(_between(variable("x"), -100.0, None)) == "x"
    assert repr(_between(variable("x"), None, 0.0)) == "x - 5.0"


def test_an_op_at_a_kink_in_a_property_test_is_told_how_to_keep_expressions_away_from_it():
    # "check at a point away from it": in a property test hypothesis picks the points, and
    # what keeps them away is user_op's kinks (a hypot of yours at 0, 0 met it first)
    hypot = ag.define_op(
        "hypot_at_its_tip", math.hypot, lambda x, y, out: (ag.ieee_div(x, out), ag.ieee_div(y, out))
    )
    with pytest.raises(GradcheckError, match=r"at a kink, .*check at a point away from it; in "
                       r"expressions\(\.\.\.\), user_op\(op, kinks=\[\.\.\.\]\) keeps each of "
                       r"its inputs away from them:\n  op 'hypot_at_its_tip'"):  # fmt: skip
        assert_gradients_match(lambda x: hypot(x, x), 0.0)
    with pytest.raises(GradcheckError) as info:  # gradcheck's points are yours: no word of it
        ag.gradcheck(lambda x: hypot(x, x), 0.0)
    assert "user_op" not in str(info.value) and "at a kink" in str(info.value)
