"""The domain and overflow rules: clear errors out of domain, IEEE infinities on overflow."""

import math
from fractions import Fraction

import pytest

import autograd_lite as ag
from autograd_lite import Value


@pytest.mark.parametrize(
    ("compute", "error", "words"),
    [
        (lambda: Value(0.0).log(), ValueError, ["log", "0.0"]),
        (lambda: Value(-1.0).log(), ValueError, ["log", "-1.0"]),
        (lambda: ag.log(-2.0), ValueError, ["log", "-2.0"]),
        (lambda: Value(-4.0).sqrt(), ValueError, ["sqrt", "-4.0"]),
        (lambda: Value(1.0) / 0, ZeroDivisionError, ["division by zero", "1.0"]),
        (lambda: 3 / Value(0.0), ZeroDivisionError, ["division by zero", "3.0"]),
        (lambda: Value(-8.0) ** 0.5, ValueError, ["negative base", "-8.0", "0.5"]),
        (lambda: Value(-8.0) ** Value(1 / 3), ValueError, ["negative base"]),
        (lambda: (-2) ** Value(0.5), ValueError, ["negative base"]),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, ["0.0", "-1"]),
        (lambda: 0 ** Value(-2.0), ZeroDivisionError, ["negative power"]),
        (lambda: Value(-1.0).leaky_relu(math.inf), ValueError, ["slope", "finite", "inf"]),
        (lambda: ag.leaky_relu(1.0, math.nan), ValueError, ["slope", "finite", "nan"]),
    ],
)
def test_out_of_domain_raises_naming_the_operation_and_value(compute, error, words):
    with pytest.raises(error) as info:
        compute()
    for word in words:
        assert word in str(info.value)


def test_a_rejected_operation_records_nothing():
    x = Value(-1.0)
    with pytest.raises(ValueError):
        x.log()
    assert x.grad == 0.0 and x.parents == ()


def test_negative_base_with_integer_exponent_is_real():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert y.data == -8.0 and x.grad == 12.0
    assert type(y.data) is float


def test_overflow_gives_inf_never_overflowerror():
    assert Value(1000.0).exp().data == math.inf
    assert ag.exp(1e308) == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf
    assert (2 ** Value(5000.0)).data == math.inf
    assert (Value(1e308) * 10).data == math.inf
    assert (Value(10.0) ** Value(400.0)).data == math.inf


def test_tanh_and_sigmoid_are_stable_for_any_finite_input():
    for big in (1000.0, 1e300):
        t, s, n = Value(big).tanh(), Value(big).sigmoid(), Value(-big).sigmoid()
        for v in (t, s, n):
            v.backward()
        assert (t.data, s.data, n.data) == (1.0, 1.0, 0.0)
        assert t.parents[0].grad == 0.0 and s.parents[0].grad == 0.0 and n.parents[0].grad == 0.0


def test_zero_to_the_zero_has_gradient_zero():
    x = Value(0.0)
    y = x**0
    y.backward()
    assert y.data == 1.0 and x.grad == 0.0
    b, e = Value(0.0), Value(0.0)
    z = b**e
    z.backward()
    assert z.data == 1.0 and b.grad == 0.0 and e.grad == 0.0


def test_every_derivative_of_x_to_a_whole_power_is_its_polynomial_even_at_zero():
    def nth(f, n):
        for _ in range(n):
            f = ag.grad(f)
        return f

    # x ** 3: 3x^2, 6x, 6, then 0 for ever; x ** 1 is 1, then 0
    assert [nth(lambda x: x**3, n)(0.0) for n in range(1, 7)] == [0.0, 0.0, 6.0, 0.0, 0.0, 0.0]
    assert [nth(lambda x: x**1, n)(1e-200) for n in range(1, 5)] == [1.0, 0.0, 0.0, 0.0]
    # d^5/dx^5 (x^3 e^x) at 0 = 5! / 2! = 60 (Leibniz: only the x^3 term's third derivative)
    assert nth(lambda x: x**3 * ag.exp(x), 5)(0.0) == 60.0


def test_kinks_follow_pytorch():
    for make, expected in [
        (lambda x: x.relu(), 0.0),
        (lambda x: abs(x), 0.0),
        (lambda x: x.leaky_relu(), 0.01),
        (lambda x: x.leaky_relu(0.2), 0.2),
    ]:
        x = Value(0.0)
        make(x).backward()
        assert x.grad == expected


def test_at_nan_relu_passes_the_gradient_as_pytorch_does():
    """PyTorch's relu backward stops the gradient where x <= 0 only; NaN is not, so it
    passes (x.grad == 1.0); leaky_relu's uses x > 0, so NaN takes the slope. The same in
    backward (the fast path) and through the row (grad, which records through it)."""
    for make, expected in [
        (lambda x: x.relu(), 1.0),
        (ag.relu, 1.0),
        (lambda x: x.leaky_relu(0.2), 0.2),
    ]:
        x = Value(math.nan)
        make(x).backward()
        assert x.grad == expected
        assert ag.grad(make)(math.nan) == expected


def test_sqrt_at_zero_has_infinite_slope():
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf


def test_results_are_never_complex():
    for v in (Value(-8.0) ** 3, 2 ** Value(-1.5), Value(4.0) ** Value(0.5)):
        assert type(v.data) is float


def test_exponent_derivative_follows_pytorch_at_zero_and_negative_bases():
    # d(x ** y)/dy = x ** y * log(x): 0 at x = 0, and NaN (not complex, no error) for x < 0.
    for base, expected in ((0.0, 0.0), (-2.0, math.nan)):
        x, y = Value(base), Value(2.0)
        (x**y).backward()
        assert x.grad == 2 * base
        assert y.grad == expected or (math.isnan(expected) and math.isnan(y.grad))


def test_derivatives_overflow_to_inf_too():
    for base, sign in ((9.0, 1.0), (-9.0, 1.0)):
        x = Value(base)
        y = x**387420489.0  # an odd power: the result keeps the base's sign
        y.backward()
        assert y.data == math.copysign(math.inf, base)
        assert x.grad == sign * math.inf  # 387420489 * x ** 387420488 > 0 either way
    x, e = Value(9.0), Value(400.0)
    (x**e).backward()
    assert x.grad == math.inf and e.grad == math.inf


class BigInt(int):
    """An int subclass: it takes the ``__float__`` road, not the plain-int one."""


@pytest.mark.parametrize("huge", [Fraction(10**400), BigInt(10**400)], ids=["Fraction", "int"])
def test_huge_numbers_of_any_kind_overflow_to_inf_never_overflowerror(huge):
    assert Value(huge).data == math.inf
    assert Value(-huge).data == -math.inf
    assert (Value(1.0) * huge).data == math.inf
    assert (huge - Value(1.0)).data == math.inf
    assert ag.exp(huge) == math.inf
    assert ag.exp(Value(1.0) + huge).data == math.inf
    assert (Value(1.0) < huge) is True and (Value(1.0) >= huge) is False
    v = Value(2.0)
    v.backward(huge)
    assert v.grad == math.inf
