"""Answers to lesson 00's tasks as a learner writes them, for the tests of the checker.

``RIGHT`` holds a right answer to every task; a few common wrong ones are here too, because
tests of several of the checker's modules use them. ``in_the_lesson`` defines a function as
the notebook would, beside the other answers it calls (and the lesson's ``mul``, ``add`` and
``tanh``, built from the learner's derivatives).
"""

import inspect
import math

from autograd_lite.exercises import Node

# --- right answers, written as a learner would ------------------------------------------


def topological_sort(root):
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def backward(root):
    root.grad = 1.0
    for node in reversed(topological_sort(root)):
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local


def mul(a, b):
    return Node(a.data * b.data, (a, b), (b.data, a.data))


def add(a, b):
    return Node(a.data + b.data, (a, b), (1.0, 1.0))


def tanh(a):
    t = math.tanh(a.data)
    return Node(t, (a,), (1 - t * t,))


def neuron(xs, ws, b):
    total = b
    for x, w in zip(xs, ws):
        total = add(total, mul(w, x))
    return tanh(total)


def sgd_step(params, lr):
    for p in params:
        p.data -= lr * p.grad


RIGHT = {
    "mul_derivative": lambda a, b: (b, a),
    "add_derivative": lambda a, b: (1.0, 1.0),
    "tanh_derivative": lambda x: 1 - math.tanh(x) ** 2,
    "exp_derivative": math.exp,
    "pow_derivative": lambda x, n: n * x ** (n - 1),
    "topological_sort": topological_sort,
    "backward": backward,
    "neuron": neuron,
    "sgd_step": sgd_step,
}


# --- wrong answers that several tests use ---------------------------------------------


def topological_sort_without_visited(root):
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def backward_with_assignment(root):  # = instead of +=
    root.grad = 1.0
    for node in reversed(topological_sort(root)):
        for parent, local in zip(node.parents, node.local):
            parent.grad = node.grad * local


def backward_not_reversed(root):
    root.grad = 1.0
    for node in topological_sort(root):
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local


def neuron_without_tanh(xs, ws, b):
    total = b
    for x, w in zip(xs, ws):
        total = add(total, mul(w, x))
    return total


# --- answers as the lesson's notebook defines them -------------------------------------


# The lesson builds its operations from the learner's derivative functions.
LESSON_OPS = """
def mul(a, b):
    return Node(a.data * b.data, (a, b), mul_derivative(a.data, b.data))


def add(a, b):
    return Node(a.data + b.data, (a, b), add_derivative(a.data, b.data))


def tanh(a):
    return Node(math.tanh(a.data), (a,), (tanh_derivative(a.data),))
"""


def in_the_lesson(function, *, ops=False, **others):
    """``function`` as the lesson's notebook defines it, beside ``others`` (and its ops)."""
    namespace = {"Node": Node, "math": math, **others}
    if ops:
        exec(LESSON_OPS, namespace)
    exec(inspect.getsource(function), namespace)
    return namespace[function.__name__]
