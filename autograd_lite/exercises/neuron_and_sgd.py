"""Tasks 8-9: a neuron built from nodes, and one SGD step on its parameters.

The neuron is compared with the same neuron in autograd-lite: its output, then the gradients
a backward sends to every weight, input and the bias. The step is compared with
``p.data - lr * p.grad`` for each parameter, whose gradient it must leave as it was.
"""

from __future__ import annotations

from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import values

from .calls import call
from .graphs import Node, reference_backward
from .judging import Task, close, is_number, kind, not_returned, num, shown
from .verdicts import Wrong

# --- task 8: a neuron -----------------------------------------------------------------

_NEURON_HINT = (
    "A neuron computes tanh(w1*x1 + w2*x2 + ... + b). Build it from nodes with mul, add "
    "and tanh (not with .data and math), so that backward can send gradients to every "
    "weight."
)


_NO_OPERATORS = (
    "The lesson's Node has no + or * (micrograd's Value has them), so neither a + b nor "
    "Python's sum(...) works on nodes: combine them with add(a, b) and mul(a, b)."
)


@st.composite
def _neurons(draw):
    n = draw(st.integers(1, 3))
    xs = [draw(values()) for _ in range(n)]
    ws = [draw(values()) for _ in range(n)]
    return xs, ws, draw(values())


def _judge_neuron(answer, case):
    xs, ws, b = case
    x_nodes = [Node(x, label=f"x{i + 1}") for i, x in enumerate(xs)]
    w_nodes = [Node(w, label=f"w{i + 1}") for i, w in enumerate(ws)]
    b_node = Node(b, label="b")
    where = (
        f"xs = [{', '.join(num(x) for x in xs)}], ws = [{', '.join(num(w) for w in ws)}]"
        f", b = {num(b)}"
    )
    try:
        out = call(answer, (x_nodes, w_nodes, b_node), where, _NEURON_HINT)
    except Wrong as wrong:  # a + b, or the lecture's sum(...), on nodes: say why it fails
        if wrong.returned.startswith("TypeError: unsupported operand") and "'Node'" in (
            wrong.returned
        ):
            wrong.hint = f"{_NO_OPERATORS} {wrong.hint}"
        raise

    # The reference: the same neuron in autograd-lite.
    X, W, B = [ag.Value(x) for x in xs], [ag.Value(w) for w in ws], ag.Value(b)
    reference = ag.tanh(ag.dot(W, X) + B)
    inputs = [*W, B, *X]
    grads = ag.gradients(reference, inputs)
    expected = f"a node with data {num(reference.data)}"
    data = getattr(out, "data", None)
    if not is_number(data):
        hint = not_returned(out) or f"Return the output node, not {kind(out)}."
        raise Wrong(where, shown(out), expected, f"{hint} {_NEURON_HINT}")
    if not close(float(data), reference.data):
        raise Wrong(where, f"a node with data {num(data)}", expected, _NEURON_HINT)

    # The right number; do the gradients reach every input? Run a reference backward.
    right = f"a node with the right data ({num(data)})"
    if not getattr(out, "parents", None):
        hint = "It was made from plain numbers, so no gradient can flow back through it."
        made = expected + ", made by mul, add and tanh"
        raise Wrong(where, f"{right}, but no parents", made, f"{hint} {_NEURON_HINT}")
    if not reference_backward(out):
        made = expected + ", made by mul, add and tanh"
        raise Wrong(where, f"{right}, but not one local derivative per parent", made, _NEURON_HINT)
    nodes = [*w_nodes, b_node, *x_nodes]
    wrong = [(n, e) for n, e in zip(nodes, grads) if not close(n.grad, e)]
    if wrong:
        got = ", ".join(f"{n.label}.grad = {num(n.grad)}" for n, _ in wrong)
        wanted = ", ".join(f"{n.label}.grad = {num(e)}" for n, e in wrong)
        hint = (
            "The number is right but some gradients are not: does every weight, input and "
            "the bias enter the sum through mul and add, and the sum go through tanh? "
            "(And do the derivative tasks pass?)"
        )
        raise Wrong(where, f"{right}, but after backward: {got}", f"after backward: {wanted}", hint)


# --- task 9: one SGD step -------------------------------------------------------------

_SGD_HINT = (
    "Step against the gradient: for each parameter p, p.data -= lr * p.grad. Change the "
    "nodes you are given (their .data), do not make new ones."
)


_KEEP_GRAD = (
    "The data is right, but leave grad as it is: a step only changes data. Clearing the "
    "gradients is a step of its own, before the next backward (the training loop below "
    "does it, as optimizer.zero_grad() does in PyTorch)."
)


@st.composite
def _sgd_cases(draw):
    params = [(draw(values()), draw(values())) for _ in range(draw(st.integers(1, 3)))]
    return params, draw(st.sampled_from([0.1, 0.01, 0.5, 1.0]))


def _judge_sgd_step(answer, case):
    pairs, lr = case
    params = [Node(data, label=f"p{i + 1}") for i, (data, _) in enumerate(pairs)]
    for p, (_, grad) in zip(params, pairs):
        p.grad = grad
    where = (
        ", ".join(
            f"{p.label}.data = {num(d)}, {p.label}.grad = {num(g)}"
            for p, (d, g) in zip(params, pairs)
        )
        + f"; lr = {num(lr)}"
    )
    call(answer, (params, lr), where, _SGD_HINT)
    expected = [d - lr * g for d, g in pairs]
    if all(is_number(p.data) and close(float(p.data), e) for p, e in zip(params, expected)):
        if all(p.grad == g for p, (_, g) in zip(params, pairs)):
            return
        returned = ", ".join(
            f"{p.label}.data = {shown(p.data)}, {p.label}.grad = {shown(p.grad)}" for p in params
        )
        wanted = ", ".join(
            f"{p.label}.data = {num(e)}, {p.label}.grad = {num(g)}"
            for p, e, (_, g) in zip(params, expected, pairs)
        )
        raise Wrong(where, returned, wanted, _KEEP_GRAD, "After it ran:")
    returned = ", ".join(f"{p.label}.data = {shown(p.data)}" for p in params)
    wanted = ", ".join(f"{p.label}.data = {num(e)}" for p, e in zip(params, expected))
    raise Wrong(where, returned, wanted, _SGD_HINT, "After it ran:")


NEURON = Task("neuron", _neurons(), _judge_neuron)
SGD_STEP = Task("sgd_step", _sgd_cases(), _judge_sgd_step)
