"""gradcheck: reverse mode against central differences, with a table on mismatch."""

import math
import re

import pytest

import autograd_lite as ag
from autograd_lite import GradcheckError, Value, grad, gradcheck, hessian
from autograd_lite.check import central_difference, extrapolated_difference, reverse_mode

# d sin / dx is cos; this op claims 1.5 cos, wrong everywhere cos is not 0.
sin_wrong = ag.define_op("sin_wrong", math.sin, lambda x, out: (1.5 * ag.cos(x),))
# Off by one part in 100,000: too small for gradcheck's default rtol of 1e-3.
sin_slightly_wrong = ag.define_op(
    "sin_slightly_wrong", math.sin, lambda x, out: ((1 + 1e-5) * ag.cos(x),)
)


def table_rows(message):
    """{input name: row text} from a GradcheckError message (the table ends at a blank line,
    before the ops to blame)."""
    lines = message.split("\n\n")[0].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("input")) + 2
    return {line.split()[0]: line for line in lines[start:]}


def test_correct_gradients_pass_and_return_true():
    assert gradcheck(lambda x, y, z: x * ag.exp(y) / z + (x * z).tanh(), 0.3, -1.2, 2.0) is True
    assert gradcheck(lambda x: x.sqrt().log() + x**-1.5, 1.7) is True
    assert gradcheck(lambda x, y: 2.0**x * x**y, 1.3, 0.6) is True


def test_error_is_an_assertion_error_with_a_table_of_every_input():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y, z: sin_wrong(x) * y + sin_wrong(z), 0.5, 2.0, -1.0)
    assert isinstance(info.value, AssertionError)
    message = str(info.value)
    for column in ("input", "analytic", "numeric", "abs err", "rel err"):
        assert column in message
    rows = table_rows(message)
    assert set(rows) == {"x", "y", "z"}  # every input is reported, not just the first
    assert rows["x"].endswith("<-- wrong")
    assert rows["z"].endswith("<-- wrong")
    assert not rows["y"].endswith("<-- wrong")
    analytic, numeric = (float(v) for v in rows["x"].split()[2:4])
    assert analytic == pytest.approx(1.5 * math.cos(0.5) * 2.0, rel=1e-9)
    assert numeric == pytest.approx(math.cos(0.5) * 2.0, rel=1e-6)


def test_functions_without_named_parameters_get_numbered_inputs():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda *xs: sin_wrong(xs[0]) + xs[1], 0.5, 2.0)
    assert set(table_rows(str(info.value))) == {"input"}  # rows "input 0", "input 1"
    assert "input 0" in str(info.value) and "input 1" in str(info.value)


def test_tolerances_are_respected():
    assert gradcheck(sin_slightly_wrong, 0.5) is True  # within rtol=1e-3
    # rtol scales with the gradient: an error of about 9 in a gradient of about 880,000
    assert gradcheck(lambda x: 1e6 * sin_slightly_wrong(x), 0.5) is True
    with pytest.raises(GradcheckError):
        gradcheck(sin_slightly_wrong, 0.5, rtol=1e-7, atol=0.0)


def test_value_inputs_are_read_not_changed():
    x = Value(0.5)
    x.grad = 7.0
    assert gradcheck(lambda x: x * x.sin(), x) is True
    assert x.grad == 7.0 and x.data == 0.5


def test_constant_function_has_zero_gradient():
    assert gradcheck(lambda x: 3.0, 1.0) is True


def test_non_scalar_results_and_bad_arguments_are_type_errors():
    with pytest.raises(TypeError, match=r"^gradcheck: <lambda> must return a single number.*list"):
        gradcheck(lambda x: [x, x], 1.0)
    with pytest.raises(TypeError, match=r"^gradcheck needs at least one input"):
        gradcheck(lambda: 1.0)
    with pytest.raises(TypeError, match=r"^gradcheck needs a function"):
        gradcheck(1.0, 2.0)
    with pytest.raises(TypeError, match=r"^gradcheck: input 1 needs a real number"):
        gradcheck(lambda x, y: x, 1.0, "2")


@pytest.mark.parametrize("name", ["eps", "atol", "rtol"])
@pytest.mark.parametrize("bad", ["0.1", None, True, [1e-6]])
def test_a_step_or_tolerance_that_is_not_a_number_is_a_type_error(name, bad):
    with pytest.raises(TypeError, match=rf"^gradcheck: {name} needs a real number"):
        gradcheck(lambda x: x, 1.0, **{name: bad})


@pytest.mark.parametrize(
    "name, bad",
    [("eps", 0.0), ("eps", -1e-6), ("eps", math.inf), ("eps", math.nan)]
    + [(name, bad) for name in ("atol", "rtol") for bad in (-1e-3, math.inf, math.nan)],
)
def test_a_step_or_tolerance_out_of_range_is_a_value_error(name, bad):
    with pytest.raises(ValueError, match=rf"^gradcheck: {name} must be"):
        gradcheck(lambda x: x, 1.0, **{name: bad})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, Value(math.nan)])
def test_an_input_that_is_not_finite_is_a_value_error(bad):
    # it was a GradcheckError: "the gradient of sin disagrees", with nan on both sides
    with pytest.raises(ValueError, match=r"^gradcheck: input 1 = -?(nan|inf): .*finite inputs"):
        gradcheck(lambda x, y: ag.sin(x) * y, 0.5, bad)


def test_zero_tolerances_are_allowed():
    assert gradcheck(lambda x: 2.0 * x, 1.0, eps=0.5, atol=0, rtol=0.0) is True  # exact


# --- both sides differentiate f's arguments, never a Value f closes over ----------------


def closure_at_own_argument(x):
    """x, written as d/dy (x·y) at y = x: its derivative is 1 (2 if grad confused y with x)."""
    return grad(lambda y: x * y)(x)


def test_both_sides_see_the_partial_derivative_inside_f():
    assert reverse_mode(closure_at_own_argument, [3.0]) == [1.0]
    assert central_difference(closure_at_own_argument, [3.0], 0, 1e-6) == pytest.approx(1.0)
    assert gradcheck(closure_at_own_argument, 3.0) is True
    # d/dx [ d²/dy² (x·y²) at y = x ] = d/dx [2x] = 2 (6 if confused: d²(x³)/dx² = 6x)
    second = lambda x: hessian(lambda y: x * y**2)(x)[0][0]
    assert reverse_mode(second, [3.0]) == [2.0]
    assert central_difference(second, [3.0], 0, 1e-6) == pytest.approx(2.0)


def test_a_value_input_that_f_also_closes_over_is_a_constant_on_both_sides():
    c = Value(2.0)
    # d/dx [ d/dy (x·y·c) at y = c ] = d/dx [x·c] = c, with c constant on both sides
    f = lambda x: grad(lambda y: x * y * c)(c)
    assert reverse_mode(f, [3.0]) == [2.0]
    assert central_difference(f, [3.0], 0, 1e-6) == pytest.approx(2.0)
    # c given as the input and closed over too: the partial in the argument, as grad's
    g = lambda y: c * y
    assert reverse_mode(g, [c.data]) == [2.0] == [grad(g)(c)]
    assert gradcheck(g, c) is True


@pytest.mark.parametrize(
    "f, x, slope",
    [
        (ag.log, 0.05, 20.0),  # its first step, 0.1, left the domain: "cannot be evaluated"
        (ag.sqrt, 0.01, 5.0),
        (lambda x: x**1.5, 0.05, 1.5 * 0.05**0.5),
        (lambda x: ag.log(x - 950.0), 1000.0, 1 / 50),  # the step was 0.1·|x| = 100
        (ag.sin, 1000.0, math.cos(1000.0)),  # 100 is 16 periods: numeric -0.003, "wrong"
        (lambda x: ag.log(x), 1e10, 1e-10),
        (lambda x: ag.sin(x * 1e-9), 3e9, math.cos(3.0) * 1e-9),
        # f changing on a scale far below the first step: its table from 0.1 saw noise
        (lambda x: ag.tanh(1000 * x), 0.0, 1000.0),  # numeric 23.3, "wrong"
        (lambda x: ag.sin(1000 * x), 0.3, 1000 * math.cos(300.0)),
        (lambda x: 1 / x, 1e-3, -1e6),  # 0.1 steps over the pole: numeric +500
        (lambda x: ag.sin(1e4 * x), 0.0, 1e4),  # tables from steps ten apart aliased: -53.1
        (lambda x: ag.cos(1e5 * x), 0.3, -1e5 * math.sin(3e4)),
        (lambda x: 1 / (x - 0.005), 0.0, -1 / 0.005**2),  # a later step landed on the pole
        # every first step down to 1e-7 straddled the pole at 0: numeric +500, no two agreed
        (lambda x: 1 / x, 1e-7, -1e14),
        (lambda x: 1 / x, -1e-7, -1e14),
        (lambda x: ag.log(abs(x)), 1e-7, 1e7),
        (lambda x: 1 / x, 1e-9, -1e18),
        # a kink at 0 that every step straddled: two tables agreed on the slope across it,
        # 2.3e-7 ± 1.4e-6 for abs at 1e-8 (0 ± 2e-16 at 1e-200), and a right abs was "wrong"
        (ag.abs, 1e-8, 1.0),
        (ag.abs, -1e-200, -1.0),
        (ag.relu, 1e-9, 1.0),
        (lambda x: ag.sqrt(x * x + 9e-16), 1e-8, 1e-8 / math.sqrt(1e-16 + 9e-16)),  # a hypot
        # and where f does not change over steps within |x| / 2 (sigmoid(1e-117) is 0.5), the
        # tables across 0 stand: over those steps this gave 0 ± 0
        (lambda x: ag.grad(ag.grad(ag.sigmoid))(x), 2.4944959423153352e-117, -0.125),
    ],
)
def test_the_extrapolated_difference_steps_as_f_needs_near_an_edge_and_far_from_0(f, x, slope):
    """assert_gradients_match failed right derivatives that gradcheck passes: near the
    edge of f's domain, far from 0, where its first step 0.1·|x| was too large, and where
    f changes on a scale far below its first step."""
    value, error = extrapolated_difference(f, [x], 0)
    assert value == pytest.approx(slope, rel=1e-6) and error < 1e-6 * abs(slope)
    pytest.importorskip("hypothesis")  # (autograd_lite.testing's strategies need it)
    from autograd_lite.testing import assert_gradients_match

    assert_gradients_match(f, x)


def test_extrapolated_difference_is_near_machine_precision():
    value, error = extrapolated_difference(lambda x: x.exp(), [1.0], 0)
    assert value == pytest.approx(math.e, rel=1e-11)
    assert error < 1e-9


@pytest.mark.parametrize(
    "f, x, edge", [(ag.log, 1e-7, r"log\(-9e-07\)"), (ag.sqrt, 0.0, r"sqrt\(-1e-06\)")]
)
def test_gradcheck_at_the_edge_of_a_domain_says_the_step_left_it(f, x, edge):
    with pytest.raises(ValueError, match=rf"input 0 = {x!r} \+- 1e-06.*{edge}.*smaller eps"):
        ag.gradcheck(f, x)


def test_a_function_that_gives_nan_past_the_edge_of_its_domain_is_said_to_leave_it():
    # a log of yours that gives nan below 0 (as IEEE's log does) instead of raising: at 1e-7
    # gradcheck blamed its right derivative, "analytic 10000000, numeric nan"
    def forward(x):
        return math.nan if x < 0 else (-math.inf if x == 0 else math.log(x))

    nan_log = ag.define_op("nan_below_0", forward, lambda x, out: (ag.ieee_div(1.0, x),))
    with pytest.raises(ValueError, match=r"^gradcheck: nan_below_0 is nan at input 0 = 1e-07 "
                       r"\+- 1e-06, where the difference quotient.*smaller eps$"):  # fmt: skip
        ag.gradcheck(nan_log, 1e-7)
    assert ag.gradcheck(nan_log, 1e-7, eps=1e-10) is True
    # nan at the point itself is no edge: the table shows it
    with pytest.raises(GradcheckError, match=r"\nx +-1 +-1 +nan "):
        ag.gradcheck(nan_log, -1.0)
    pytest.importorskip("hypothesis")  # (autograd_lite.testing's strategies need it)
    from autograd_lite.testing import assert_gradients_match

    assert_gradients_match(nan_log, 1e-7)  # its steps shrink to stay inside, as for log


def test_gradcheck_of_a_division_at_the_edge_and_of_inputs_in_a_list():
    with pytest.raises(
        ValueError, match=r"input 0 = 1e-06 \+- 1e-06.*division by zero.*smaller eps"
    ):
        ag.gradcheck(lambda x: 1 / x, 1e-6)
    with pytest.raises(TypeError, match=r"inputs one by one: gradcheck\(f, \*inputs\)"):
        ag.gradcheck(lambda x, y: x * y, [2.0, 0.5])


def test_atol_and_rtol_each_do_their_own_job():
    # an error of about 9 in a gradient of about 880,000: rtol alone lets it pass
    assert gradcheck(lambda x: 1e6 * sin_slightly_wrong(x), 0.5, atol=0.0) is True
    # an error of 4e-7 in a gradient of 9e-7 (50% off): atol alone lets it pass
    assert gradcheck(lambda x: 1e-6 * sin_wrong(x), 0.5, rtol=0.0) is True
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: 1e-6 * sin_wrong(x), 0.5, atol=1e-8, rtol=0.0)


def test_equal_infinite_gradients_agree():
    # exp overflows just past x: reverse mode gives inf, and so does the difference quotient
    x = 709.7827129
    assert math.isinf(ag.exp(Value(x)).data)
    assert gradcheck(ag.exp, x) is True


@pytest.mark.parametrize(
    "f, x, slope",
    [
        # over small steps both ends of f round to the same float: it gave 0 ± 0
        (lambda x: ag.sin(x) + 1e10, 0.5, math.cos(0.5)),
        (lambda x: ag.sin(x) + 1e6, 0.5, math.cos(0.5)),  # 0.87758261710 ± 0, off by 5e-9
        # exp(x) - 1 cancels inside f; two tables agreed on -6e-8 ± 2.4e-9 (they are 7e-8 apart)
        (lambda x: 1e9 * ag.tanh(ag.exp(x) - 1.0) * x, 0.0, 0.0),
    ],
)
def test_the_error_estimate_of_the_extrapolated_difference_covers_its_error(f, x, slope):
    value, error = extrapolated_difference(f, [x], 0)
    assert math.fabs(value - slope) <= error < 1e-3


def test_one_extrapolation_cancels_the_h_squared_error():
    # for x**3 the central difference is 3x² + h² exactly: one Richardson step removes h²
    value, _ = extrapolated_difference(lambda x: x**3, [2.0], 0, first_step=0.1, halvings=1)
    assert value == pytest.approx(12.0, rel=1e-12)


@pytest.mark.parametrize(
    "f, x",
    [
        (lambda x: x * x, 1e150),  # x +- 1e-6 == x: the numeric side was 0
        (lambda x: ag.sqrt(x * x + 1.0), 1e8),  # steps of 1e-6 near 1e8 round: 0.998
        (lambda x: ag.exp(x / 1e9), -3e9),
    ],
)
def test_gradcheck_steps_in_proportion_to_a_large_input(f, x):
    # eps is the step up to |x| = 1000, eps·|x|/1000 beyond: an absolute step of 1e-6
    # is below the spacing of floats near 1e10, and a right derivative was called wrong
    assert ag.gradcheck(f, x) is True


@pytest.mark.parametrize(
    "f, x",
    [
        (ag.sin, 1e5),  # a step of eps·|x| = 0.1 missed cos by 0.17%, past rtol
        (ag.sin, 1e6),  # a step of 1: numeric 0.788 for 0.937
        (lambda x: ag.relu(x - 1000000.5), 1e6),  # a step of 1 straddled the kink 0.5 away
    ],
)
def test_gradcheck_steps_no_wider_than_a_large_input_needs(f, x):
    # a large input needs a step that x + step can represent, not one in proportion to x:
    # sin or a kink changes on the same scale at 1e6 as at 1
    assert ag.gradcheck(f, x) is True


def test_the_op_to_blame_is_checked_with_the_same_step():
    # a right op at a large input was blamed, its own check stepping across its period
    sin_of_yours = ag.define_op("sin_of_yours", math.sin, lambda x, out: (ag.cos(x),))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: sin_of_yours(x + 1e6) + sin_wrong(x), 1.0)
    assert "op 'sin_wrong'" in str(info.value)
    assert "sin_of_yours" not in str(info.value).split("\n\n")[1]


# --- which op of yours is wrong ------------------------------------------------------------
atan2_sign_slip = ag.define_op(
    "atan2_sign_slip",
    lambda y, x: math.atan2(y, x),
    lambda y, x, out: (x / (x * x + y * y), y / (x * x + y * y)),  # d/dx wants a minus
)


@pytest.mark.parametrize("name", ["gradcheck", "assert_gradients_match"])
def test_a_mismatch_names_the_op_of_yours_whose_derivative_is_wrong_and_where(name):
    # the table named only f ("<lambda>") and its inputs; an op deep inside f, and which of
    # its inputs, at which point, was for the reader to find
    if name == "gradcheck":
        check = gradcheck
    else:
        check = pytest.importorskip(
            "autograd_lite.testing", exc_type=ImportError
        ).assert_gradients_match
    with pytest.raises(GradcheckError) as info:
        check(lambda a, b: ag.exp(atan2_sign_slip(a * b, b)) + a * b, 0.3, 2.0)
    message = str(info.value)
    found = re.search(
        r"\n  op 'atan2_sign_slip' at y=0\.6, x=2\.0: d/dx analytic (\S+), numeric (\S+)$",
        message,
    )
    assert found, message
    assert float(found[1]) == pytest.approx(0.6 / 4.36) and float(found[2]) == pytest.approx(
        -0.6 / 4.36
    )
    assert "d/dy" not in message  # y's local derivative is right


def test_a_mismatch_with_no_op_of_yours_to_blame_says_nothing_more():
    def cut(x):  # float() cuts the graph: the gradient is wrong, no op is
        return x * float(x)

    with pytest.warns(ag.GraphCutWarning), pytest.raises(GradcheckError) as info:
        gradcheck(cut, 1.5)
    assert "op '" not in str(info.value)


def test_an_op_whose_forward_fails_beside_its_point_does_not_hide_the_mismatch():
    # checking the ops to blame steps each op's inputs, here to 1 + 1e-6, where f never
    # went; the op's AssertionError there replaced the GradcheckError and its table
    def at_most_one(y):
        assert y <= 1.0, "y must be at most 1"
        return y * y

    capped = ag.define_op("capped", at_most_one, lambda y, out: (2 * y,))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: capped(ag.relu(x) + 1.0) + sin_wrong(x), -1.0)
    assert "op 'sin_wrong'" in str(info.value) and "capped" not in str(info.value)


def test_a_right_op_at_its_kink_is_not_blamed_but_said_to_sit_at_a_kink():
    # relu'(0) = 0 is a right choice at the kink, yet the op was listed among those "whose
    # local derivative disagrees" (analytic 0, numeric 0.5), as if it were the wrong one
    relu_of_yours = ag.define_op(
        "relu_of_yours", lambda x: max(x, 0.0), lambda x, out: (1.0 if out > 0 else 0.0,)
    )
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: relu_of_yours(x - 1.0) + x * x, 1.0)
    message = str(info.value)
    assert "disagrees with their forward" not in message, message
    assert re.search(r"at a kink.*\n  op 'relu_of_yours' at x=0\.0: d/dx analytic 0, slope 0 "
                     r"to the left, 1 to the right$", message), message  # fmt: skip


def test_a_wrong_op_at_a_kink_is_still_blamed():
    # a derivative that is neither side's slope is wrong at a kink too
    relu_wrong = ag.define_op(
        "relu_wrong", lambda x: max(x, 0.0), lambda x, out: (2.0 if out > 0 else -1.0,)
    )
    with pytest.raises(GradcheckError, match=r"disagrees.*\n  op 'relu_wrong' at x=0\.0: d/dx "):
        gradcheck(lambda x: relu_wrong(x - 1.0), 1.0)


def test_nan_at_a_kink_is_said_to_sit_at_the_kink():
    # a hypot of yours at (0, 0), x / out = 0 / 0 = nan as PyTorch's hypot gives there, was
    # "disagrees with their forward's slope: analytic nan, numeric 0": the central slope
    # across the cone, which no side has; the kink, and where its sides go, is what is there
    hypot_of_yours = ag.define_op(
        "hypot_of_yours", math.hypot, lambda x, y, out: (ag.ieee_div(x, out), ag.ieee_div(y, out))
    )
    with pytest.raises(GradcheckError) as info:
        gradcheck(hypot_of_yours, 0.0, 0.0)
    message = str(info.value)
    assert "disagrees with their forward" not in message, message
    assert re.search(r"at a kink.*\n  op 'hypot_of_yours' at input 0=0\.0, input 1=0\.0: "
                     r"d/d\(input 0\) analytic nan, slope -1 to the left, 1 to the right\n",
                     message), message  # fmt: skip


def test_an_op_used_many_times_is_blamed_in_a_few_lines_and_a_count():
    # an op used at 1000 points was blamed on 1000 lines: a 60,000-character message
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: ag.sum([sin_wrong(x + i * 1e-3) for i in range(1000)]), 0.3)
    lines = str(info.value).split("\n\n")[1].splitlines()
    assert [line.split(" at ")[0] for line in lines[1:]] == ["  op 'sin_wrong'"] * 4, lines
    assert lines[-1] == "  op 'sin_wrong' at 997 more points (1000 in all)"


def test_an_op_whose_forward_names_no_inputs_is_blamed_by_their_positions():
    doubled_wrong = ag.define_op("doubled_wrong", lambda *xs: 2.0 * xs[0], lambda *a: (1.0,))
    with pytest.raises(GradcheckError, match=r"\n  op 'doubled_wrong' at input 0=0\.5: "
                       r"d/d\(input 0\) analytic 1, numeric 2"):  # fmt: skip
        gradcheck(lambda x: doubled_wrong(x), 0.5)


def test_the_op_to_blame_is_judged_by_the_tolerances_gradcheck_was_given():
    # the ops were checked at the default atol and rtol whatever gradcheck was given: a
    # derivative 0.03% off failed gradcheck(..., rtol=1e-5) and no op was named
    slightly_off = ag.define_op("slightly_off", math.exp, lambda x, out: (ag.exp(x) * 1.0003,))
    with pytest.raises(GradcheckError, match=r"\n  op 'slightly_off' at x=0\.0: d/dx "):
        gradcheck(lambda x: slightly_off(x) * 2.0, 0.0, atol=1e-8, rtol=1e-5)


def test_the_message_says_the_step_where_a_large_input_widened_it():
    """Past |x| = 1000 the step is eps * |x| / 1000: the header says so, not eps alone."""
    with pytest.raises(GradcheckError) as wide:
        gradcheck(lambda x, y: y * ag.define_op(
            "slip", lambda t: 2.0 * t, lambda t, out: (1.0,))(x), 5e6, 2.0)  # fmt: skip
    header = str(wide.value).splitlines()[0]
    assert "(eps=1e-06; step 0.005 for x, as |x| > 1000; atol=1e-05, rtol=0.001)" in header
    with pytest.raises(GradcheckError) as plain:
        gradcheck(lambda x: x * ag.define_op(
            "slip2", lambda t: 2.0 * t, lambda t, out: (1.0,))(x), 3.0)  # fmt: skip
    assert "(eps=1e-06, atol=1e-05, rtol=0.001)" in str(plain.value).splitlines()[0]


def test_where_f_rounds_x_away_the_tables_across_0_stand():
    # -1 + (1 + x) + x at x = 1e-81: 1 + x is 1, so over steps within |x| / 2 the slope is
    # 1, and that table had won over the right 2 (hypothesis found it): f has no kink there
    value, error = extrapolated_difference(
        lambda x: ag.sum([-1.0, ag.sum([x, 0.5, 0.5]), x]), [1.1942401329226335e-81], 0
    )
    assert value == pytest.approx(2.0, rel=1e-9) and error < 1e-6
