"""The checker's nodes and graphs: how they show, their gradients, the reference backward."""

import math

from exercise_answers import (
    add,
    backward,
    backward_with_assignment,
    mul,
    neuron,
    neuron_without_tanh,
    tanh,
)

from autograd_lite.exercises import Node, Result, check


def test_the_checkers_nodes_show_their_label_and_numbers():
    node = Node(1.5, label="a")
    node.grad = -2.0
    assert repr(node) == "Node(a: data=1.5, grad=-2.0)"
    assert isinstance(check("exp_derivative", math.exp), Result)


def test_the_gradients_expected_of_backward_are_autograd_lites():
    result = check("backward", backward_with_assignment)
    assert result.expected == "a.grad = 2.0\nb.grad = 1.0"


def test_a_node_with_more_parents_than_local_derivatives_is_named():
    def tanh_without_local(xs, ws, b):
        total = neuron_without_tanh(xs, ws, b)
        return Node(math.tanh(total.data), (total,), ())  # a parent, no local derivative

    result = check("neuron", tanh_without_local)
    assert not result and "not one local derivative per parent" in result.returned


def test_a_node_deep_in_the_neuron_without_its_local_derivative_is_named():
    def neuron_with_a_bias_node_without_local(xs, ws, b):
        total = Node(b.data, (b,), ())  # a parent, no local derivative, under the output
        for x, w in zip(xs, ws):
            total = add(total, mul(w, x))
        return tanh(total)

    result = check("neuron", neuron_with_a_bias_node_without_local)
    assert not result and "not one local derivative per parent" in result.returned


def test_a_neuron_that_runs_backward_itself_is_still_right():
    # the checker's own backward starts from zero gradients, not from the learner's
    def neuron_then_backward(xs, ws, b):
        out = neuron(xs, ws, b)
        backward(out)
        return out

    assert check("neuron", neuron_then_backward)
