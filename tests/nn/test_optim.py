"""Optimizers take exactly PyTorch's steps; schedules follow their formulas."""

import math

import pytest

import autograd_lite as ag
from nn import MLP, SGD, Adam, LinearDecay, StepDecay

START = [0.5, -1.25, 2.0, 0.0, -0.03, 3.5, 1e-3, -2.2]


def _gradient(i, p, step):
    """A made-up gradient that depends on the parameter, its index and the step."""
    return math.sin(1.7 * p + 0.3 * i) + 0.2 * p - 0.05 * step


def _run_ours(make, steps=20):
    params = [ag.Value(x) for x in START]
    optimizer = make(params)
    trajectory = []
    for step in range(steps):
        optimizer.zero_grad()
        for i, p in enumerate(params):
            p.grad = _gradient(i, p.data, step)
        optimizer.step()
        trajectory.append([p.data for p in params])
    return trajectory


def _run_torch(torch, make, steps=20):
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    optimizer = make(params)
    trajectory = []
    for step in range(steps):
        optimizer.zero_grad()
        for i, p in enumerate(params):
            p.grad = torch.tensor(_gradient(i, p.item(), step), dtype=torch.float64)
        optimizer.step()
        trajectory.append([p.item() for p in params])
    return trajectory


CONFIGS = [
    ("sgd", dict(lr=0.1)),
    ("sgd", dict(lr=0.1, momentum=0.9)),
    ("sgd", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("sgd", dict(lr=0.1, weight_decay=0.01)),
    ("sgd", dict(lr=0.05, momentum=0.9, weight_decay=0.1, nesterov=True)),
    ("adam", dict()),
    ("adam", dict(lr=0.1)),
    ("adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6)),
    ("adam", dict(lr=0.05, weight_decay=0.1)),
]


@pytest.mark.torch
@pytest.mark.parametrize("kind, options", CONFIGS, ids=[f"{k}-{o}" for k, o in CONFIGS])
def test_twenty_steps_match_torch_optim(kind, options, torch):
    ours_cls = {"sgd": SGD, "adam": Adam}[kind]
    torch_cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[kind]
    ours = _run_ours(lambda params: ours_cls(params, **options))
    theirs = _run_torch(torch, lambda params: torch_cls(params, **options))
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-14), (step, x, y)
    assert ours[-1] != [float(x) for x in START]


def test_plain_sgd_step_by_hand():
    p = ag.Value(1.0)
    optimizer = SGD([p], lr=0.5)
    p.grad = 4.0
    optimizer.step()
    assert p.data == 1.0 - 0.5 * 4.0


def test_momentum_first_step_is_the_gradient_then_accumulates():
    p = ag.Value(0.0)
    optimizer = SGD([p], lr=1.0, momentum=0.5)
    p.grad = 1.0
    optimizer.step()
    assert p.data == -1.0  # b = g
    optimizer.step()
    assert p.data == -1.0 - 1.5  # b = 0.5 * 1 + 1


def test_adam_first_step_moves_by_lr_whatever_the_gradient_size():
    for g in (1e-3, 1.0, 1e3):
        p = ag.Value(0.0)
        optimizer = Adam([p], lr=0.01)
        p.grad = g
        optimizer.step()
        assert p.data == pytest.approx(-0.01, rel=2e-5)  # eps shows at g = 1e-3


def test_lr_is_settable_and_checked_and_zero_grad_clears():
    p = ag.Value(1.0)
    optimizer = SGD([p], lr=0.1)
    optimizer.lr = 0.2
    p.grad = 1.0
    optimizer.step()
    assert p.data == pytest.approx(0.8, rel=1e-15)
    optimizer.zero_grad()
    assert p.grad == 0.0
    with pytest.raises(ValueError, match="lr"):
        optimizer.lr = -1.0
    with pytest.raises(ValueError, match="Nesterov"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="Value"):
        SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="no parameters"):
        Adam([])


def test_rates_may_be_any_real_number_but_not_a_bool_or_a_string():
    from fractions import Fraction

    p = ag.Value(1.0)
    assert SGD([p], lr=Fraction(1, 4), momentum=Fraction(1, 2)).lr == 0.25
    numpy = pytest.importorskip("numpy")  # a learner's rates often come out of numpy
    optimizer = Adam([p], lr=numpy.float32(0.5), weight_decay=numpy.float64(0.1))
    assert type(optimizer.lr) is float and optimizer.lr == 0.5
    for bad in (True, "0.1", None):
        with pytest.raises(TypeError, match="lr must be a finite number"):
            SGD([p], lr=bad)


def test_linear_decay_is_micrograds_schedule():
    optimizer = SGD([ag.Value(0.0)], lr=123.0)
    schedule = LinearDecay(optimizer, 1.0, 0.1, 100)
    seen = []
    for _ in range(100):
        seen.append(optimizer.lr)
        schedule.step()
    assert seen == pytest.approx([1.0 - 0.9 * k / 100 for k in range(100)], rel=1e-15)
    assert optimizer.lr == pytest.approx(0.1, rel=1e-15)
    schedule.step()
    assert optimizer.lr == pytest.approx(0.1, rel=1e-15)  # flat afterwards


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda opt: LinearDecay(opt, "1.0", 0.1, 100), TypeError),
        (lambda opt: LinearDecay(opt, 1.0, True, 100), TypeError),
        (lambda opt: StepDecay(opt, 3, gamma="0.5"), TypeError),
        (lambda opt: StepDecay(opt, 3, start=-1.0), ValueError),
    ],
)
def test_schedules_refuse_rates_that_are_not_numbers_and_leave_lr_alone(make, error):
    optimizer = SGD([ag.Value(0.0)], lr=0.8)
    with pytest.raises(error, match=r"(start|end|gamma) must be a finite number >= 0"):
        make(optimizer)
    assert optimizer.lr == 0.8


def test_step_decay_is_a_staircase():
    optimizer = SGD([ag.Value(0.0)], lr=0.8)
    schedule = StepDecay(optimizer, step_size=3, gamma=0.5)
    seen = []
    for _ in range(7):
        seen.append(optimizer.lr)
        schedule.step()
    assert seen == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: SGD(p, lr=0.1), TypeError, "params must be an iterable of Values"),
        (lambda p: SGD([p], lr=0.1, nesterov=1, momentum=0.9), TypeError, "nesterov must be"),
        (lambda p: SGD([p], lr=0.1, momentum=-0.9), ValueError, "momentum must be a finite"),
        (lambda p: Adam([p], betas=0.9), TypeError, "betas must be a pair"),
        (lambda p: Adam([p], betas=(0.9,)), ValueError, "betas must be a pair"),
        (lambda p: Adam([p], betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be a number in"),
        (lambda p: Adam([p], betas=("0.9", 0.9)), TypeError, r"betas\[0\] must be a number in"),
        (lambda p: LinearDecay(SGD([p], lr=1.0), 1.0, 0.1, 2.0), TypeError, "steps must be"),
        (lambda p: LinearDecay(SGD([p], lr=1.0), 1.0, 0.1, 0), ValueError, "steps must be"),
        (lambda p: StepDecay(SGD([p], lr=1.0), "3"), TypeError, "step_size must be"),
        (lambda p: StepDecay(0.1, 3), TypeError, "optimizer must be an SGD or Adam"),
    ],
)
def test_one_error_convention(make, error, message):
    with pytest.raises(error, match=r"^" + message):
        make(ag.Value(1.0))


def test_an_optimizer_given_one_value_twice_refuses_it():
    from nn import SGD, Adam

    p, q = ag.Value(1.0), ag.Value(2.0)
    for make in (SGD, Adam):
        with pytest.raises(ValueError, match=r"params\[2\] is the same Value as params\[0\]"):
            make([p, q, p], lr=0.1)


def test_named_parameters_given_as_in_pytorch_are_told_to_be_parameters():
    model = MLP(2, [3, 1], seed=0)
    said = r"^params\[0\] must be a Value, got {}; give model\.parameters\(\), the Values"
    for make in (SGD, Adam):
        with pytest.raises(TypeError, match=said.format("tuple")):
            make(model.named_parameters(), lr=0.1)  # (torch.optim takes these)
        with pytest.raises(TypeError, match=said.format("str")):
            make(dict(model.named_parameters()), lr=0.1)  # (a dict gives its names)
        # Values grouped in a tuple have no names: the hint would send the learner astray
        with pytest.raises(TypeError, match=r"^params\[0\] must be a Value, got tuple$"):
            make([tuple(model.parameters()[:2])], lr=0.1)
        with pytest.raises(TypeError, match=r"^params\[0\] must be a Value, got tuple$"):
            make([()], lr=0.1)  # (no pair: nothing to read a name from)


def test_an_optimizer_refuses_a_value_computed_from_others():
    # PyTorch: "can't optimize a non-leaf Tensor"; a step would move w * 2.0, never w
    w, b = ag.Value(1.0), ag.Value(2.0)
    message = r"^params\[1\] is computed from other Values .*pass the leaves \(the weights\)"
    for make in (SGD, Adam):
        with pytest.raises(ValueError, match=message):
            make([b, w * 2.0], lr=0.1)


def test_adam_with_eps_zero_divides_as_ieee_and_pytorch_do():
    # no gradient yet: 0 / 0 is nan (PyTorch's answer); a gradient whose square underflows
    # to 0: m / 0 is an infinity of m's sign. Python's own 0.0 division would raise midway.
    for grad, expected in ((0.0, math.nan), (1e-200, -math.inf), (-1e-200, math.inf)):
        p = ag.Value(1.0)
        p.grad = grad
        Adam([p], lr=0.1, eps=0.0).step()
        assert p.data == expected or (math.isnan(expected) and math.isnan(p.data))


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: Adam(ps, lr=0.1)])
def test_a_grad_that_is_not_a_number_is_refused_before_any_parameter_moves(make):
    a, b = ag.Value(1.0), ag.Value(2.0)
    optimizer = make([a, b])
    a.grad, b.grad = 1.0, None  # a PyTorch habit: .grad = None
    with pytest.raises(
        TypeError, match=r"^(SGD|Adam)\.step: params\[1\]\.grad is NoneType.*set it to 0\.0"
    ):
        optimizer.step()
    assert (a.data, b.data) == (1.0, 2.0) and getattr(optimizer, "t", 0) == 0
    b.grad = 1  # an int is a number
    optimizer.step()
    assert a.data < 1.0 and b.data < 2.0


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: Adam(ps, lr=0.1)])
def test_a_grad_of_another_kind_of_number_keeps_data_a_float(make):
    """A NumPy float32 gradient used to make .data a float32 (and the step float32 arithmetic);
    an int past the float range raised OverflowError with the first parameters moved."""
    numpy = pytest.importorskip("numpy")
    a, b = ag.Value(1.0), ag.Value(2.0)
    a.grad, b.grad = numpy.float32(0.1), 10**400
    make([a, b]).step()
    assert type(a.data) is float and type(b.data) is float
    c, d = ag.Value(1.0), ag.Value(2.0)  # the same step, from float gradients
    c.grad, d.grad = float(numpy.float32(0.1)), math.inf
    make([c, d]).step()
    assert a.data == c.data and str(b.data) == str(d.data)  # (-inf for SGD, nan for Adam)


@pytest.mark.parametrize(
    "make",
    [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)],
    ids=["sgd", "adam"],
)
@pytest.mark.parametrize(
    "data, said",
    [
        ("0.5", "str, not a number"),
        (None, "NoneType, not a number"),
        (True, "bool, not a number"),
        (ag.Value(0.5), r"Value, not a number; .*an update is p\.data -= lr \* p\.grad"),
    ],
    ids=["str", "None", "bool", "Value"],
)
def test_a_data_that_is_not_a_number_is_refused_before_any_parameter_moves(make, data, said):
    """It raised Python's 'unsupported operand type(s) for -' (a str, None) with params[0]
    already moved and its momentum or Adam's moments changed, or stepped on silently (a
    Value, as after p.data -= lr * p, stayed a Value; a bool became a float)."""
    a, b = ag.Value(1.0), ag.Value(2.0)
    optimizer = make([a, b])
    a.grad = b.grad = 1.0
    b.data = data
    state = repr({k: v for k, v in vars(optimizer).items() if k != "params"})
    with pytest.raises(TypeError, match=rf"^(SGD|Adam)\.step: params\[1\]\.data is {said}"):
        optimizer.step()
    assert a.data == 1.0 and b.data is data
    assert repr({k: v for k, v in vars(optimizer).items() if k != "params"}) == state


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1), lambda ps: Adam(ps, lr=0.1)])
def test_a_data_of_another_kind_of_number_becomes_a_float(make):
    """A weight set by hand from a NumPy array (p.data = W[j, i], a float32) stayed a float32,
    so every later step was float32 arithmetic and a small step was lost; an int past the
    float range raised OverflowError with params[0] already moved."""
    numpy = pytest.importorskip("numpy")
    a, b, c = ag.Value(1.0), ag.Value(2.0), ag.Value(3.0)
    a.data, b.data, c.data = numpy.float32(1.0), 10**400, 3
    for p in (a, b, c):
        p.grad = 1e-9
    make([a, b, c]).step()
    assert type(a.data) is float and type(b.data) is float and type(c.data) is float
    assert a.data < 1.0 and b.data == math.inf and c.data < 3.0
