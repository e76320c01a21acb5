"""What a PyTorch user writes by habit either does what PyTorch does or says what to write."""

import operator

import pytest

import autograd_lite as ag
from autograd_lite import Value


def test_an_in_place_update_under_no_grad_moves_the_parameter_itself():
    """``with torch.no_grad(): p -= lr * p.grad`` updates p in place. Here it used to make a
    new Value and leave the model's parameter where it was, without a word."""
    from nn import MLP

    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, 2.0]).backward()
    params = model.parameters()
    expected = [p.data - 0.1 * p.grad for p in params]
    with ag.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    assert [p.data for p in model.parameters()] == expected
    assert model.parameters() == params  # the same Values, moved


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (lambda p: p.__iadd__(0.5), 2.5),
        (lambda p: p.__isub__(Value(0.5)), 1.5),
        (lambda p: p.__imul__(3), 6.0),
        (lambda p: p.__itruediv__(4.0), 0.5),
        (lambda p: operator.ipow(p, 3), 8.0),  # p **= 3, as PyTorch's pow_
    ],
)
def test_each_in_place_operator_under_no_grad_keeps_the_node_and_its_grad(update, expected):
    p = Value(2.0, label="p")
    p.grad = 7.0
    with ag.no_grad():
        result = update(p)
    assert result is p and p.data == expected and p.grad == 7.0 and p.label == "p"


def test_an_in_place_operator_while_recording_builds_a_new_node_as_before():
    """``loss += term`` (micrograd's way of summing) must keep recording the graph."""
    w = Value(3.0)
    total = Value(0.0)
    start = total
    total += w * w
    assert total is not start and start.data == 0.0 and total.parents[0] is start
    total.backward()
    assert w.grad == 6.0


def test_an_in_place_operator_on_a_recorded_node_under_no_grad_leaves_its_graph_alone():
    w = Value(3.0)
    y = w * w
    with ag.no_grad():
        y2 = y
        y2 -= 1.0
    assert y.data == 9.0 and y2.data == 8.0 and y2.is_leaf  # a new leaf, y as it was


def test_a_refused_in_place_operand_changes_nothing():
    p = Value(2.0)
    with ag.no_grad(), pytest.raises(TypeError):
        p -= "0.1"
    assert p.data == 2.0


def test_item_is_the_number_as_for_a_tensor():
    loss = Value(2.0) * Value(3.0)
    assert loss.item() == 6.0 == float(loss) and type(loss.item()) is float


@pytest.mark.parametrize("data", [3, "float32", "float64"])
def test_item_is_a_python_float_whatever_data_was_set_to_by_hand(data):
    # as tensor.item() of a float tensor is: p.data = weights[i] from a NumPy array, or
    # p.data = 3, must not hand json.dumps a numpy.float32 (which it cannot write) or an int
    np = pytest.importorskip("numpy")
    p = Value(1.0)
    p.data = data if data == 3 else getattr(np, data)(1.5)
    assert type(p.item()) is float and p.item() == float(p.data)


def test_requires_grad_is_true_and_switching_it_off_says_what_to_write():
    p = Value(1.0)
    assert p.requires_grad is True and p.requires_grad_() is p
    p.requires_grad = True  # already so
    with pytest.raises(ValueError, match=r"requires_grad: .*leave it out of the optimizer"):
        p.requires_grad = False
    with pytest.raises(TypeError, match=r"requires_grad must be True or False, got 'no'"):
        p.requires_grad_("no")


def test_a_grad_set_to_none_is_no_gradient_yet_as_in_pytorch():
    """``p.grad = None`` before backward (PyTorch's zero_grad) used to raise half way through,
    with the leaves visited before it changed already."""
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    b.grad = None
    (a * b).backward()
    assert (a.grad, b.grad) == (2.0, 1.0)


def test_a_model_whose_grads_are_all_none_gets_what_zero_grad_gives_to_the_bit():
    from nn import MLP, mse_loss

    model = MLP(2, [4, 4, 1], activation="tanh", seed=1)
    X, y = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]], [1.0, -1.0, 0.5]
    expected = []
    for grads in (0.0, None):
        for p in model.parameters():
            p.grad = grads
        mse_loss([model(x) for x in X], y).backward()
        expected.append([float.hex(p.grad) for p in model.parameters()])
    assert expected[0] == expected[1]


def test_a_root_whose_grad_is_none_starts_from_the_gradient():
    x = Value(3.0)
    x.grad = None
    x.backward(2.0)
    assert x.grad == 2.0


def test_backward_takes_retain_graph_as_every_graph_is_kept_here():
    x = Value(3.0)
    y = x * x
    y.backward(retain_graph=True)  # what PyTorch code writes before a second backward
    y.backward(retain_graph=False)
    assert x.grad == 12.0


@pytest.mark.parametrize(
    "keywords, error, says",
    [
        ({"create_graph": True}, ValueError, r"ag\.gradients\(y, \[x\], create_graph=True\)"),
        ({"inputs": ["x"]}, ValueError, r"ag\.gradients\(y, inputs\)"),
        ({"retain_graph": "yes"}, TypeError, r"retain_graph must be True or False"),
        ({"retain_grpah": True}, TypeError, r"unexpected keyword argument 'retain_grpah'"),
    ],
)
def test_backward_says_what_to_write_for_the_keywords_it_cannot_honour(keywords, error, says):
    x = Value(3.0)
    y = x * x
    with pytest.raises(error, match=says):
        y.backward(**keywords)
    assert x.grad == 0.0  # refused before anything changed


def test_backward_takes_pytorchs_defaults_written_out():
    """PyTorch's signature is backward(gradient=None, retain_graph=None, create_graph=False,
    inputs=None): a wrapper that passes its own defaults on writes these Nones."""
    x = Value(3.0)
    (x * x).backward(retain_graph=None, create_graph=False, inputs=None)
    assert x.grad == 6.0


def test_backward_with_create_graph_false_is_a_plain_backward():
    x = Value(3.0)
    (x * x).backward(create_graph=False)
    assert x.grad == 6.0


def test_a_grad_of_none_does_not_hide_an_error_raised_before_it():
    """backward goes on past a None only when the None is what stopped it: here a product
    (a float times a Decimal, from a .data set by hand) raised first, and resuming at the None
    met later used to leave out every product between the two, without a word."""
    from decimal import Decimal

    a, b, c, e = (
        Value(v, label=name) for v, name in [(2.0, "a"), (3.0, "b"), (4.0, "c"), (5.0, "e")]
    )
    a.data, b.data = Decimal(2), Decimal(3)
    root = c * e + a * b  # backward reaches a * b (its Decimal products) before c * e
    c.grad = None
    with pytest.raises(TypeError, match="Decimal"):
        root.backward()


def test_a_gradient_of_none_is_pytorchs_default_the_seed_1():
    from autograd_lite import backward_steps

    x = Value(3.0)
    y = x * x
    y.backward(gradient=None)  # what a wrapper passing PyTorch's defaults on writes
    assert x.grad == 6.0
    x.grad = 0.0
    list(backward_steps(y, None))
    assert x.grad == 6.0
