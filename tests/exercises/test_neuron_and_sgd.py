"""Tasks 8-9: a neuron must send gradients to every input; an SGD step must leave grad alone."""

import pytest
from exercise_answers import add, mul, tanh

from autograd_lite.exercises import Node, check

# --- a neuron ---------------------------------------------------------------------------


def test_a_neuron_is_graded_on_the_bias_and_input_gradients_too():
    def bias_cut_off(xs, ws, b):  # the bias's number goes in, but no gradient comes back to it
        total = Node(b.data, (b,), (0.0,))
        for x, w in zip(xs, ws):
            total = add(total, mul(w, x))
        return tanh(total)

    result = check("neuron", bias_cut_off)
    assert not result and "b.grad" in result.returned and "w1.grad" not in result.returned


def neuron_with_pythons_sum(xs, ws, b):  # the lecture's sum(..., self.b), on Values
    return tanh(sum((mul(w, x) for w, x in zip(ws, xs)), b))


def neuron_with_operators(xs, ws, b):
    total = b
    for x, w in zip(xs, ws):
        total = total + w * x
    return tanh(total)


@pytest.mark.parametrize("answer", [neuron_with_pythons_sum, neuron_with_operators])
def test_a_neuron_that_uses_plus_or_sum_on_nodes_is_told_to_use_add_and_mul(answer):
    result = check("neuron", answer)
    assert not result and result.returned.startswith("TypeError: unsupported operand")
    assert result.hint.startswith(
        "The lesson's Node has no + or * (micrograd's Value has them), so neither a + b nor "
        "Python's sum(...) works on nodes: combine them with add(a, b) and mul(a, b)."
    )


# --- one SGD step -----------------------------------------------------------------------


def test_an_sgd_step_must_update_every_parameter():
    def first_only(params, lr):
        params[0].data -= lr * params[0].grad

    result = check("sgd_step", first_only)
    assert not result and "p2.data" in result.failing_input


def test_an_sgd_step_that_also_clears_the_gradients_is_told_to_leave_them():
    def step_and_zero(params, lr):  # the task says: leave grad as it is
        for p in params:
            p.data -= lr * p.grad
            p.grad = 0.0

    result = check("sgd_step", step_and_zero)
    assert not result
    assert result.failing_input == "p1.data = 0.0, p1.grad = 1.0; lr = 0.1"
    assert result.returned == "p1.data = -0.1, p1.grad = 0.0"
    assert result.expected == "p1.data = -0.1, p1.grad = 1.0"
    assert result.hint.startswith("The data is right, but leave grad as it is:")
