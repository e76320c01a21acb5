"""clip_grad_norm: PyTorch's clip_grad_norm_ to 1e-12, and the argument rules."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_lite import Value
from nn import MLP, clip_grad_norm

# PyTorch squares the gradients, so below about 1e-154 its total underflows to 0 (and above
# 1e154 overflows to inf, which zeroes every gradient); ours does not. The comparison keeps to
# the range where squaring is exact enough for both, plus exact zeros.
grads = st.lists(
    st.floats(min_value=-1e3, max_value=1e3).map(lambda g: 0.0 if abs(g) < 1e-100 else g),
    min_size=1,
    max_size=12,
)
max_norms = st.floats(min_value=1e-3, max_value=1e4)
with_torch = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _values(gradients):
    params = [Value(0.1 * i) for i in range(len(gradients))]
    for p, g in zip(params, gradients):
        p.grad = g
    return params


def _torch_clip(torch, gradients, max_norm):
    tensors = [torch.tensor(0.0, dtype=torch.float64, requires_grad=True) for _ in gradients]
    for t, g in zip(tensors, gradients):
        t.grad = torch.tensor(g, dtype=torch.float64)
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    return float(total), [t.grad.item() for t in tensors]


def _assert_matches_torch(torch, gradients, max_norm):
    params = _values(gradients)
    total = clip_grad_norm(params, max_norm)
    torch_total, torch_grads = _torch_clip(torch, gradients, max_norm)
    assert isinstance(total, float)
    assert total == pytest.approx(torch_total, rel=1e-12, abs=1e-300)
    for p, expected in zip(params, torch_grads):
        assert p.grad == pytest.approx(expected, rel=1e-12, abs=1e-300)


@with_torch
@given(gradients=grads, max_norm=max_norms)
def test_matches_torch_on_random_gradients(torch, gradients, max_norm):
    _assert_matches_torch(torch, gradients, max_norm)


@with_torch
@given(gradients=grads, data=st.data())
def test_below_the_limit_changes_nothing_like_torch(torch, gradients, data):
    total = math.hypot(*gradients)
    max_norm = data.draw(st.floats(min_value=total + 1e-3, max_value=total + 1e4))
    params = _values(gradients)
    assert clip_grad_norm(params, max_norm) == pytest.approx(total, rel=1e-12)
    assert [p.grad for p in params] == gradients  # bit for bit: no-op below the limit
    _assert_matches_torch(torch, gradients, max_norm)


@pytest.mark.parametrize("n", [1, 5])
def test_zero_gradients_stay_zero_like_torch(torch, n):
    params = _values([0.0] * n)
    assert clip_grad_norm(params, 1.0) == 0.0
    assert all(p.grad == 0.0 for p in params)
    _assert_matches_torch(torch, [0.0] * n, 1.0)


def test_above_the_limit_keeps_the_direction_and_sets_the_length():
    params = _values([3.0, -4.0])
    assert clip_grad_norm(params, 1.0) == 5.0
    assert [p.grad for p in params] == pytest.approx([0.6, -0.8], rel=1e-6)
    assert math.hypot(*(p.grad for p in params)) == pytest.approx(1.0, rel=1e-6)


def test_an_infinite_gradient_wipes_the_step_like_torch(torch):
    params = _values([1.0, math.inf])
    assert clip_grad_norm(params, 1.0) == math.inf
    torch_total, torch_grads = _torch_clip(torch, [1.0, math.inf], 1.0)
    assert torch_total == math.inf
    assert params[0].grad == torch_grads[0] == 0.0
    assert math.isnan(params[1].grad) and math.isnan(torch_grads[1])


def test_a_nan_gradient_spreads_like_torch(torch):
    params = _values([1.0, math.nan])
    assert math.isnan(clip_grad_norm(params, 1.0))
    _, torch_grads = _torch_clip(torch, [1.0, math.nan], 1.0)
    assert all(math.isnan(g) for g in torch_grads)
    assert all(math.isnan(p.grad) for p in params)


@with_torch
@given(gradients=grads)
def test_an_infinite_max_norm_only_measures_like_torch(torch, gradients):
    # clip_grad_norm_(params, inf) is how one logs the norm in PyTorch: nothing is clipped
    params = _values(gradients)
    assert clip_grad_norm(params, math.inf) == pytest.approx(math.hypot(*gradients), rel=1e-12)
    assert [p.grad for p in params] == gradients  # bit for bit
    _assert_matches_torch(torch, gradients, math.inf)


def test_an_infinite_max_norm_and_an_infinite_gradient_give_nan_like_torch(torch):
    params = _values([1.0, math.inf])
    assert clip_grad_norm(params, math.inf) == math.inf
    torch_total, torch_grads = _torch_clip(torch, [1.0, math.inf], math.inf)
    assert torch_total == math.inf
    assert all(math.isnan(g) for g in torch_grads)
    assert all(math.isnan(p.grad) for p in params)


def test_an_int_past_the_float_range_is_an_infinite_max_norm_not_an_overflow_error():
    params = _values([3.0, 4.0])
    assert clip_grad_norm(params, 10**400) == 5.0  # read as math.inf: it only measures
    assert [p.grad for p in params] == [3.0, 4.0]


def test_huge_gradients_are_clipped_where_squaring_would_overflow():
    params = _values([1e200, 1e200])  # torch's total is inf here and its gradients become 0
    assert clip_grad_norm(params, 1.0) == pytest.approx(math.sqrt(2) * 1e200, rel=1e-12)
    assert [p.grad for p in params] == pytest.approx([math.sqrt(0.5)] * 2, rel=1e-6)


def test_takes_model_parameters_a_generator_and_a_single_value():
    model = MLP(2, [3, 1], seed=0)
    for p in model.parameters():
        p.grad = 2.0
    total = clip_grad_norm(model.parameters(), 1.0)
    assert total == pytest.approx(2.0 * math.sqrt(model.num_parameters()))
    assert clip_grad_norm((p for p in model.parameters()), 10.0) == pytest.approx(1.0, rel=1e-5)
    one = Value(1.0)
    one.grad = -8.0
    assert clip_grad_norm(one, 2.0) == 8.0
    assert one.grad == pytest.approx(-2.0, rel=1e-6)
    assert clip_grad_norm([], 1.0) == 0.0


@pytest.mark.parametrize(
    "parameters, max_norm, error, start",
    [
        (5, 1.0, TypeError, "parameters must be an iterable"),
        ("ab", 1.0, TypeError, "parameters must be an iterable"),
        ([1.0], 1.0, TypeError, "parameters[0] must be a Value"),
        (None, 1.0, TypeError, "parameters must be an iterable"),
        ("good", "1", TypeError, "max_norm must be a number"),
        ("good", True, TypeError, "max_norm must be a number"),
        ("good", 0.0, ValueError, "max_norm must be a number > 0"),
        ("good", -1.0, ValueError, "max_norm must be a number > 0"),
        ("good", math.nan, ValueError, "max_norm must be a number > 0"),
        ("good", -math.inf, ValueError, "max_norm must be a number > 0"),
        ("good", -(10**400), ValueError, "max_norm must be a number > 0"),
        ("twice", 1.0, ValueError, "parameters lists the same Value twice"),
    ],
)
def test_bad_arguments_raise_and_change_nothing(parameters, max_norm, error, start):
    params = _values([30.0, 40.0])
    if parameters == "good":
        parameters = params
    elif parameters == "twice":
        parameters = [params[0], params[1], params[0]]
    with pytest.raises(error) as raised:
        clip_grad_norm(parameters, max_norm)
    assert str(raised.value).startswith(start)
    assert [p.grad for p in params] == [30.0, 40.0]


@pytest.mark.parametrize(
    "bad, kind",
    [("40", "str"), (None, "NoneType"), (True, "bool"), (Value(40.0), "Value")],
    ids=["str", "None", "bool", "Value"],
)
def test_a_grad_that_is_not_a_number_is_named_and_nothing_changes(bad, kind):
    """A str or None raised math.hypot's 'must be real number, not str', naming no
    parameter; a Value or a bool was taken as its number, and the Value was scaled into
    a Value held in .grad."""
    params = _values([30.0, 40.0])
    params[1].grad = bad
    with pytest.raises(TypeError, match=rf"^parameters\[1\]\.grad is {kind}, not a number"):
        clip_grad_norm(params, 5.0)
    assert params[0].grad == 30.0 and params[1].grad is bad


def test_a_grad_of_another_kind_of_number_is_clipped_as_a_float():
    """A NumPy float32 gradient stayed a float32 after scaling, and an int past the float
    range raised OverflowError instead of counting as inf (IEEE), as it does in the step."""
    numpy = pytest.importorskip("numpy")
    params = _values([0.0, 0.0])
    params[0].grad, params[1].grad = numpy.float32(30.0), 40
    assert clip_grad_norm(params, 5.0) == 50.0
    assert [type(p.grad) for p in params] == [float, float]
    assert params[0].grad == pytest.approx(3.0) and params[1].grad == pytest.approx(4.0)
    params[0].grad, params[1].grad = 10**400, 1.0
    assert clip_grad_norm(params, 5.0) == math.inf
    assert math.isnan(params[0].grad) and params[1].grad == 0.0  # (torch gives the same)
