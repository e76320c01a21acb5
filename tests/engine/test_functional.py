"""grad, value_and_grad and hessian: derivatives as functions, nested to any order."""

import math
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("make", [grad, value_and_grad])
@pytest.mark.parametrize("argnums", [1.0, "0", True, (0, 1.0), [0, "1"], (False,), None])
def test_argnums_of_the_wrong_type_is_a_type_error(make, argnums):
    with pytest.raises(TypeError, match=rf"^{make.__name__}: argnums must be"):
        make(cube, argnums=argnums)


def test_argnums_as_a_list_is_taken_as_the_tuple_as_jax_takes_it():
    f = lambda x, y: x * y * y
    assert grad(f, argnums=[1, 0])(2.0, 3.0) == grad(f, argnums=(1, 0))(2.0, 3.0) == (12.0, 9.0)


@pytest.mark.parametrize("make", [grad, value_and_grad])
@pytest.mark.parametrize("argnums", [-1, (0, -2), ()])
def test_argnums_with_a_bad_value_is_a_value_error(make, argnums):
    with pytest.raises(ValueError, match=rf"^{make.__name__}: argnums"):
        make(cube, argnums=argnums)


def test_argnums_past_the_positional_arguments_is_a_type_error_like_a_missing_argument():
    # As in JAX (and as Python itself says of a call missing an argument): TypeError.
    f = lambda x, y=1.0: x * y
    with pytest.raises(TypeError, match=r"^grad: argnums asks for argument 1.*1 positional"):
        grad(f, 1)(2.0)
    with pytest.raises(TypeError, match=r"^value_and_grad: argnums asks for argument 1"):
        value_and_grad(f, (0, 1))(2.0, y=3.0)  # a keyword argument is not differentiated


def test_bad_function_and_arguments():
    with pytest.raises(TypeError, match=r"^grad needs a function"):
        grad(3.0)
    with pytest.raises(TypeError, match=r"^grad: argument 0 needs a real number"):
        grad(cube)("2.0")
    with pytest.raises(TypeError, match=r"^hessian: argument 1 needs a real number"):
        hessian(lambda x, y: x * y)(1.0, None)


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
    with pytest.raises(TypeError, match=r"^hessian: .*at least one positional argument"):
        hessian(lambda: 1.0)()
    with pytest.raises(TypeError, match=r"^hessian: .*at least one positional argument"):
        hessian(lambda scale=1.0: scale)(scale=2.0)


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


# --- fresh argument nodes: no perturbation confusion ------------------------------------
# Each differentiated argument enters f as a node of its own, so the inner derivative is
# the partial one, even when f closes over the very Value (or outer variable) it is given.


def test_nested_grad_of_a_closure_over_the_outer_variable_is_the_partial_derivative():
    # d/dx [ d/dy (x·y) at y = x ] = d/dx [x] = 1 (torch.func.grad nested agrees)
    assert grad(lambda x: grad(lambda y: x * y)(x))(3.0) == 1.0
    # d/dx [ d/dy (x·y²) at y = x ] = d/dx [2x·x] = 4x
    assert grad(lambda x: grad(lambda y: x * y**2)(x))(2.0) == 8.0
    # d/dx [ x · d/dy (x·y) at y = x ] = d/dx [x²] = 2x
    assert grad(lambda x: x * grad(lambda y: x * y)(x))(3.0) == 6.0
    # three levels: d/dz (xyz) = xy; d/dy (xy) at y = x is x; d/dx x = 1
    assert grad(lambda x: grad(lambda y: grad(lambda z: x * y * z)(y))(x))(2.0) == 1.0


def test_grad_of_a_value_that_f_also_closes_over():
    x = Value(3.0)
    assert grad(lambda y: x * y)(x) == 3.0  # y's coefficient, not d(x²)/dx
    assert grad(lambda y: x * y**2)(x) == 18.0  # 2xy
    assert grad(lambda a, b: a * b, (0, 1))(x, x) == (3.0, 3.0)  # one Value, two arguments
    assert grad(lambda a, b: a * b, (0, 0))(2.0, 5.0) == (5.0, 5.0)
    assert x.grad == 0.0 and x.is_leaf


def test_an_inner_grad_at_an_expression_of_the_outer_variable():
    # d/dx [ d/dy (x·y²) at y = x² ] = d/dx [2x·x²] = 6x²
    assert grad(lambda x: grad(lambda y: x * y**2)(x * x))(2.0) == 24.0


def test_value_and_grad_uses_fresh_arguments_too():
    x = Value(3.0)
    assert value_and_grad(lambda y: x * y)(x) == (9.0, 3.0)
    assert value_and_grad(lambda a, b: a * b, (0, 1))(x, x) == (9.0, (3.0, 3.0))
    # the value stays differentiable through the fresh node: d/dx [x·x + d/dy(x·y)] = 2x + 1
    outer = grad(lambda x: sum(value_and_grad(lambda y: x * y)(x)))
    assert outer(3.0) == 7.0


def test_hessian_uses_fresh_arguments_too():
    x = Value(3.0)
    assert hessian(lambda y: x * y**2)(x) == [[6.0]]  # 2x, not d²(x³)/dx² = 6x
    assert hessian(lambda a, b: a * b * x)(x, x) == [[0.0, 3.0], [3.0, 0.0]]
    # d/dx [ d²/dy² (x·y²) at y = x ] = d/dx [2x] = 2
    assert grad(lambda x: hessian(lambda y: x * y**2)(x)[0][0])(3.0) == 2.0


def test_the_fresh_node_is_a_named_identity_with_slope_one():
    from autograd_lite.functional import argument, fresh_node

    x = Value(3.0)
    node = fresh_node(x)
    assert node is not x and node.parents == (x,) and node.data == 3.0
    assert node.op == "argument"
    assert gradients(node, [x]) == [1.0]
    assert gradients(argument(x) * x, [x]) == [6.0]  # a total derivative still reaches x
    leaf = fresh_node(2)
    assert leaf.is_leaf and leaf.data == 2.0


# --- keyword arguments pass through to f, not differentiated -----------------------------


def scaled(x, y, z, flag=False, scale=1.0):
    return (x * y + z) * scale if flag else x


def test_keyword_arguments_pass_through_to_f():
    assert grad(scaled)(1.0, 2.0, 3.0, flag=True) == 2.0
    assert grad(scaled, (0, 2))(1.0, 2.0, 3.0, flag=True, scale=5.0) == (10.0, 5.0)
    assert value_and_grad(scaled, 1)(1.0, 2.0, 3.0, flag=True) == (5.0, 1.0)
    assert hessian(scaled)(1.0, 2.0, 3.0, flag=True, scale=2.0) == [
        [0.0, 2.0, 0.0],
        [2.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
    ]


def test_a_keyword_argument_is_passed_untouched_and_outer_grads_reach_through_it():
    seen = []

    def f(y, *, c):
        seen.append(c)
        return y * c

    c = Value(5.0)
    assert grad(f)(2.0, c=c) == 5.0
    assert seen == [c]  # the very object, not a copy or a fresh node
    # d/dx [ d/dy (y·c) with c = x ] = d/dx [x] = 1
    assert grad(lambda x: grad(f)(1.0, c=x))(3.0) == 1.0


# --- against PyTorch (float64): nested grad and Hessians on random smooth functions ------
# A function is a short plan of smooth steps, each combining two earlier nodes; the same
# plan is built from autograd_lite ops and from torch ops. Every step is defined and
# smooth for all real inputs, so any disagreement is a wrong derivative.

SMOOTH_STEPS = [
    lambda a, b, m: a + b,
    lambda a, b, m: a * b,
    lambda a, b, m: a - 2.0 * b,
    lambda a, b, m: a / (b * b + 1.0),
    lambda a, b, m: m.tanh(a) * b,
    lambda a, b, m: m.exp(m.tanh(a)) * m.sin(b),
    lambda a, b, m: m.log(a * a + 1.0) + m.cos(b),
    lambda a, b, m: (a * a + 0.5) ** (m.tanh(b) + 1.5),
    lambda a, b, m: m.sqrt(a * a + b * b + 1.0),
    lambda a, b, m: m.sigmoid(a - b),
]

plans = st.lists(
    st.tuples(st.integers(0, len(SMOOTH_STEPS) - 1), st.integers(0, 50), st.integers(0, 50)),
    min_size=1,
    max_size=4,
)
points = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False)
TORCH_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def build(plan, m, *inputs):
    """The last node of ``plan`` applied to ``inputs`` (ops from ``m``: ag or torch)."""
    nodes = list(inputs)
    for step, i, j in plan:
        nodes.append(SMOOTH_STEPS[step](nodes[i % len(nodes)], nodes[j % len(nodes)], m))
    return nodes[-1]


def agree(ours, theirs):
    theirs = float(theirs)
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12) or (
        math.isnan(ours) and math.isnan(theirs)
    )


# Where the inner derivative is taken, as a function of the outer variable.
INNER_POINTS = {
    "y = x": lambda x: x,
    "y = x·x": lambda x: x * x,
    "y = 0.5": lambda x: 0.5,
}


@TORCH_SETTINGS
@given(plan=plans, x=points, where=st.sampled_from(sorted(INNER_POINTS)))
def test_nested_grad_agrees_with_torch_func_grad(torch, plan, x, where):
    at = INNER_POINTS[where]
    ours = grad(lambda x: grad(lambda y: build(plan, ag, x, y))(at(x)))(x)

    def inner_at(t):
        point = at(t)
        point = point if isinstance(point, torch.Tensor) else torch.tensor(point, dtype=t.dtype)
        return torch.func.grad(lambda u: build(plan, torch, t, u))(point)

    theirs = torch.func.grad(inner_at)(torch.tensor(x, dtype=torch.float64))
    assert agree(ours, theirs), (ours, float(theirs))


@TORCH_SETTINGS
@given(plan=plans, c=points, y=points)
def test_hessian_agrees_with_torch_and_is_symmetric_where_torch_is(torch, plan, c, y):
    # f(a, b) = E(a, b, c) closes over c, and is called at a = c itself: a must still be
    # an argument of its own (torch.autograd.functional.hessian treats c as a constant).
    c_value = Value(c)
    ours = hessian(lambda a, b: build(plan, ag, a, b, c_value))(c_value, y)
    c_tensor = torch.tensor(c, dtype=torch.float64)
    theirs = torch.autograd.functional.hessian(
        lambda a, b: build(plan, torch, a, b, c_tensor),
        (c_tensor.clone(), torch.tensor(y, dtype=torch.float64)),
    )
    for i in range(2):
        for j in range(2):
            assert agree(ours[i][j], theirs[i][j]), (i, j, ours, theirs)
            if agree(float(theirs[i][j]), theirs[j][i]):
                assert agree(ours[i][j], ours[j][i]), (i, j, ours)


def test_gradients_of_a_collection_is_a_type_error_not_a_constant():
    np = pytest.importorskip("numpy")
    x = Value(1.0)
    assert gradients(np.float64(2.0), [x]) == [0.0]  # one number: a constant, derivative 0
    with pytest.raises(TypeError, match="not a collection"):
        gradients(np.array([1.0, 2.0]), [x])


@pytest.mark.parametrize(
    "output, advice",
    [(None, "such as 0.0"), ("2.0", r"float\(text\)"), (True, "1.0 or 0.0"), (1j, r"\.real")],
)
def test_gradients_of_an_output_that_is_no_number_says_what_to_give(output, advice):
    """It said only 'gradients: output needs a real number, got NoneType None', with none of
    the advice every other refusal of a number gives."""
    with pytest.raises(
        TypeError, match=rf"^gradients\(output, inputs\): output needs a .*{advice}"
    ):
        gradients(output, [Value(1.0)])


@pytest.mark.parametrize("inputs, hint", [("w", r"for one Value v, write \[v\]"), (None, "list")])
def test_gradients_of_one_value_or_none_says_to_give_a_list(inputs, hint):
    w = Value(2.0)
    with pytest.raises(
        TypeError, match=rf"gradients\(output, inputs\): inputs needs Values.*{hint}"
    ):
        gradients(w * w, w if inputs == "w" else inputs)


@settings(max_examples=60, deadline=None)
@given(
    c=st.integers(min_value=0, max_value=5),
    n=st.integers(min_value=1, max_value=7),
    x=st.one_of(st.just(0.0), st.floats(min_value=-3.0, max_value=3.0)),
)
def test_the_nth_derivative_of_x_to_a_whole_power_is_the_falling_factorial(c, n, x):
    # d^n/dx^n x^c = c (c-1) ... (c-n+1) x^(c-n): 0 once n > c, at every x, 0 included
    f = lambda x: x**c
    for _ in range(n):
        f = grad(f)
    expected = math.perm(c, n) * x ** (c - n) if n <= c else 0.0
    assert f(x) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_create_graph_is_a_flag(flag):
    x = Value(2.0)
    with pytest.raises(TypeError, match="create_graph must be True or False"):
        gradients(x * x, [x], create_graph=flag)


def test_a_constant_differentiable_gradient_is_a_value_leaf():
    # functional.py gradients: `g if is_node(g) else type(output)(g)` -> `g` (a float)
    x = Value(3.0)
    (g,) = ag.gradients(x + x, [x], create_graph=True)
    assert type(g) is Value and g.is_leaf and g.data == 2.0
    assert ag.gradients(g, [x]) == [0.0]
    (unused,) = ag.gradients(x + x, [Value(1.0)], create_graph=True)
    assert unused == 0.0 and type(unused) is float  # an input it does not depend on: 0.0


# --- has_aux, as in JAX: f returns (output, aux); aux comes back as it is -----------------


def test_grad_with_has_aux_returns_the_derivative_and_what_f_returned_beside_it():
    def loss(w, x):
        prediction = w * x
        return (prediction - 1.0) ** 2, {"prediction": prediction.data}

    g, aux = ag.grad(loss, has_aux=True)(2.0, 3.0)  # d/dw (wx - 1)^2 = 2 (wx - 1) x
    assert (g, aux) == (30.0, {"prediction": 6.0})
    (value, aux), g = ag.value_and_grad(loss, argnums=(0, 1), has_aux=True)(2.0, 3.0)
    assert (value, aux, g) == (25.0, {"prediction": 6.0}, (30.0, 20.0))


def test_grad_with_has_aux_nests():
    def f(x):
        return x**3, "aux"

    def df(x):
        g, aux = ag.grad(f, has_aux=True)(x)
        return g, aux + "!"

    assert ag.grad(df, has_aux=True)(2.0) == (12.0, "aux!")  # d/dx 3x^2 = 6x


@pytest.mark.parametrize("result", [3.0, (1.0,), (1.0, 2.0, 3.0), "ab"])
def test_has_aux_with_a_result_that_is_no_pair_says_what_to_return(result):
    with pytest.raises(TypeError, match=r"^grad\(has_aux=True\): <lambda> must return a pair"):
        ag.grad(lambda x: result, has_aux=True)(1.0)


def test_has_aux_is_a_flag():
    with pytest.raises(TypeError, match=r"has_aux must be True or False"):
        ag.grad(lambda x: x, has_aux="yes")


def test_hessian_takes_has_aux_as_grad_does():
    def f(x, y):
        return x * x * y, {"y": y.data}

    h, aux = ag.hessian(f, has_aux=True)(3.0, 2.0)  # as JAX's hessian(f, has_aux=True)
    assert (h, aux) == ([[4.0, 6.0], [6.0, 0.0]], {"y": 2.0})
    with pytest.raises(TypeError, match=r"^hessian\(has_aux=True\): <lambda> must return a pair"):
        ag.hessian(lambda x: x, has_aux=True)(1.0)
    with pytest.raises(TypeError, match=r"^hessian: has_aux must be True or False"):
        ag.hessian(f, has_aux=1)


def test_a_pair_returned_without_has_aux_is_told_about_has_aux():
    with pytest.raises(TypeError, match=r"must return a single number.*has_aux=True"):
        ag.grad(lambda x: (x * x, "aux"))(1.0)


def test_an_aux_of_values_comes_back_as_numbers_and_leaks_no_node_of_the_trace():
    # JAX gives concrete arrays for aux; a Value here would be a node of the traced graph,
    # wired through the fresh argument to the Value the caller passed in
    x = Value(3.0)
    g, aux = ag.grad(lambda x: (x * x, {"twice": x * 2, "seen": [x, "x"]}), has_aux=True)(x)
    assert (g, aux) == (6.0, {"twice": 6.0, "seen": [3.0, "x"]})
    assert all(type(v) is float for v in (aux["twice"], aux["seen"][0]))
    (value, aux), g = ag.value_and_grad(lambda x: (x * x, (x,)), has_aux=True)(x)
    assert (value, aux, g) == (9.0, (3.0,), 6.0) and type(aux[0]) is float
    rows, aux = ag.hessian(lambda x: (x**3, x), has_aux=True)(x)
    assert (rows, aux) == ([[18.0]], 3.0) and type(aux) is float


def test_an_aux_under_an_outer_grad_stays_a_value_that_it_differentiates():
    def inner_aux(x):  # the inner aux is y * x with y the fresh x: x squared
        return ag.grad(lambda y: (y * y * x, y * x), has_aux=True)(x)[1]

    assert ag.grad(inner_aux)(2.0) == 4.0  # d/dx x^2 at 2
