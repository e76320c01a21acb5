"""grad, value_and_grad and hessian: derivatives as functions, nested to any order."""

import math
import threading

import pytest

import autograd_lite as ag
from autograd_lite import Value, grad, gradients, hessian, no_grad, value_and_grad


def cube(x):
    return x**3


def test_grad_of_plain_numbers_returns_floats():
    assert grad(cube)(2.0) == 12.0
    assert type(grad(cube)(2)) is float


def test_grad_nests_to_any_order():
    assert grad(grad(cube))(2.0) == 12.0
    assert grad(grad(grad(cube)))(2.0) == 6.0
    assert grad(grad(grad(grad(cube))))(2.0) == 0.0
    # sin, cos, -sin, -cos, sin: the derivatives of sin go round in a circle
    d = ag.sin
    for k in range(1, 6):
        d = grad(d)
        expected = [math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x), math.sin][
            (k - 1) % 4
        ](0.7)
        assert d(0.7) == pytest.approx(expected, rel=1e-14), k


def test_grad_of_a_value_is_a_float_as_the_contract_says():
    x = Value(2.0)
    g = grad(cube)(x)
    assert type(g) is float and g == 12.0
    assert value_and_grad(cube)(x) == (8.0, 12.0)
    assert hessian(lambda a, b: a * a * b)(Value(3.0), Value(2.0)) == [[4.0, 6.0], [6.0, 0.0]]
    assert x.grad == 0.0  # grad never touches .grad
    # a differentiable derivative of your own Value is what gradients(create_graph=True) is for
    (d,) = gradients(cube(x), [x], create_graph=True)
    assert gradients(d, [x]) == [12.0]  # d(3x²)/dx = 6x


def test_argnums_int_and_tuple():
    f = lambda x, y, z: x * y * y + z
    assert grad(f, 1)(2.0, 3.0, 5.0) == 12.0
    assert grad(f, (0, 2))(2.0, 3.0, 5.0) == (9.0, 1.0)
    assert grad(f, (1,))(2.0, 3.0, 5.0) == (12.0,)


def test_value_and_grad():
    value, slope = value_and_grad(cube)(2.0)
    assert (value, slope) == (8.0, 12.0)
    assert type(value) is float
    value, slopes = value_and_grad(lambda x, y: x * y, (0, 1))(2.0, 5.0)
    assert (value, slopes) == (10.0, (5.0, 2.0))


def test_mixed_partial_derivative_by_nesting_argnums():
    f = lambda x, y: x * x * y * y * y  # d²f/dxdy = 2x · 3y²
    d_dy = grad(f, 1)
    d_dx_dy = grad(d_dy, 0)
    assert d_dx_dy(2.0, 3.0) == 2 * 2.0 * 3 * 9.0


def test_inner_grad_may_close_over_the_outer_variable():
    # d/dx [ d/dy (x·y) ] = d/dx [x] = 1
    assert grad(lambda x: grad(lambda y: x * y)(2.0))(3.0) == 1.0
    # d/dx [ x · d/dy (x·y²) at y=2 ] = d/dx [4x²] = 8x
    assert grad(lambda x: x * grad(lambda y: x * y * y)(2.0))(3.0) == 24.0


def test_constant_function_has_derivative_zero():
    assert grad(lambda x: 4.0)(1.0) == 0.0
    assert grad(grad(lambda x: 2 * x))(1.0) == 0.0
    assert hessian(lambda x, y: x + y)(1.0, 2.0) == [[0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize(
    "result, kind",
    [([1.0, 2.0], "list"), ((1.0,), "tuple"), ("1.0", "str"), (None, "NoneType"), ({}, "dict")],
)
def test_non_scalar_result_is_a_type_error_saying_what_f_returned(result, kind):
    def f(x):
        return result

    for make in (grad, value_and_grad, hessian):
        with pytest.raises(TypeError, match=rf"f must return a single number.*{kind}"):
            make(f)(1.0)


def test_bad_argnums_and_arguments():
    with pytest.raises(TypeError, match="argnums"):
        grad(cube, argnums="0")
    with pytest.raises(TypeError, match="argnums"):
        grad(cube, argnums=())
    with pytest.raises(TypeError, match="argument 1"):
        grad(cube, 1)(2.0)
    with pytest.raises(TypeError, match="needs a function"):
        grad(3.0)
    with pytest.raises(TypeError, match="real number"):
        grad(cube)("2.0")


def test_grad_records_even_inside_no_grad():
    with no_grad():
        assert grad(cube)(2.0) == 12.0
        assert grad(grad(cube))(2.0) == 12.0
        assert hessian(cube)(2.0) == [[12.0]]
        assert not ag.is_recording()  # and the switch is restored afterwards


def test_hessian_is_a_symmetric_list_of_lists_of_floats():
    f = lambda x, y, z: x * y * z + (x * y).exp() + z.sin()
    h = hessian(f)(0.5, -1.0, 2.0)
    assert len(h) == 3 and all(len(row) == 3 for row in h)
    assert all(type(v) is float for row in h for v in row)
    for i in range(3):
        for j in range(3):
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-15)
    assert h[0][0] == pytest.approx(math.exp(-0.5), rel=1e-14)  # y² e^(xy), y = -1
    assert h[2][2] == pytest.approx(-math.sin(2.0), rel=1e-14)
    assert h[0][2] == pytest.approx(-1.0, rel=1e-14)  # d²(xyz)/dxdz = y


def test_hessian_of_one_variable_and_of_no_arguments():
    assert hessian(cube)(2.0) == [[12.0]]
    with pytest.raises(TypeError, match="at least one argument"):
        hessian(lambda: 1.0)()


def test_nesting_does_not_leak_between_threads():
    results = []

    def worker():
        results.append(type(grad(cube)(2.0)))

    # While an outer grad is evaluating f, another thread's grad still returns floats.
    def f(x):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        return x * x

    assert grad(f)(3.0) == 6.0
    assert results == [float]


def test_value_exponent_that_is_zero_still_varies():
    # f = (x + 5) ** x = exp(g), g = x ln(x + 5): f'' = f (g'² + g''), at 0: ln(5)² + 2/5.
    # A regression test: the derivative in the base, y · x ** (y - 1), is 0 at y = 0, but
    # it must stay a function of y for grad of grad. (PyTorch 2.13 treats it as a constant
    # there and gives ln(5)² + 1/5 = 2.79...; the true value is 2.99...)
    f = lambda x: (x + 5) ** x
    assert grad(grad(f))(0.0) == pytest.approx(math.log(5) ** 2 + 0.4, rel=1e-14)
    assert grad(f)(0.0) == pytest.approx(math.log(5), rel=1e-14)


def test_derived_functions_are_named_after_f_and_keep_its_parameters():
    import inspect

    def energy(position, speed):
        return position * speed

    for make, name in ((grad, "grad"), (value_and_grad, "value_and_grad"), (hessian, "hessian")):
        derived = make(energy)
        assert derived.__name__ == f"{name}(energy)"
        assert list(inspect.signature(derived).parameters) == ["position", "speed"]
