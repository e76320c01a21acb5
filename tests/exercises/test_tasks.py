"""The task list: right answers pass, wrong ones are caught at their smallest input."""

import math

import pytest
from exercise_answers import (
    RIGHT,
    backward_not_reversed,
    backward_with_assignment,
    neuron_without_tanh,
    topological_sort_without_visited,
)

from autograd_lite.exercises import TASKS, Node, check

# --- right answers pass ---------------------------------------------------------------


def test_the_tasks_come_in_the_lessons_order():
    assert tuple(RIGHT) == TASKS


@pytest.mark.parametrize("task", TASKS)
def test_a_right_answer_passes_on_200_random_inputs(task):
    result = check(task, RIGHT[task])
    assert result.passed and bool(result)
    noun = "graphs" if task in ("topological_sort", "backward") else "inputs"
    assert str(result) == f"✓ {task}: correct on 200 random {noun}."


# --- wrong answers: each is caught, at the smallest input where it is wrong --------------


def neuron_of_floats(xs, ws, b):
    return Node(math.tanh(sum(w.data * x.data for w, x in zip(ws, xs)) + b.data))


def sgd_step_uphill(params, lr):
    for p in params:
        p.data += lr * p.grad


# task, wrong answer, the smallest failing input, what it returned, a phrase of the hint
# fmt: off
WRONG = [
    ("mul_derivative", lambda a, b: (a, b), "a = 0.0, b = 1.0", "(0.0, 1.0)", "swapped"),
    ("add_derivative", lambda a, b: (a, b), "a = 0.0, b = 0.0", "(0.0, 0.0)", "are 1"),
    ("tanh_derivative", lambda x: 1 - math.tanh(x), "x = 1.0", "0.238405844", "**2"),
    ("exp_derivative", lambda x: x * math.exp(x - 1), "x = 0.0", "0.0", "its own derivative"),
    ("pow_derivative", lambda x, n: x ** (n - 1), "x = 1.0, n = 2", "1.0", "n * x**(n - 1)"),
    ("topological_sort", topological_sort_without_visited, "a = 0.0\nb = a + a    (the root)",
     "[a, a, b]", "a is in the list twice"),
    ("topological_sort", lambda root: [root], "a = 0.0\nb = a + a    (the root)", "[b]",
     "b comes before its parent a"),
    ("backward", backward_with_assignment, "a = 0.0\nb = a + a    (the root)",
     "a.grad = 1.0    <-- wrong\nb.grad = 1.0", "+="),
    ("backward", backward_not_reversed, "a = 0.0\nb = tanh(a)\nc = tanh(b)    (the root)",
     "a.grad = 0.0    <-- wrong\nb.grad = 1.0\nc.grad = 1.0", "reversed"),
    ("backward", lambda root: None, "a = 0.0    (the root)", "a.grad = 0.0    <-- wrong",
     "root.grad = 1.0"),
    ("neuron", neuron_without_tanh, "xs = [0.0], ws = [0.0], b = 1.0", "a node with data 1.0",
     "tanh("),
    ("neuron", neuron_of_floats, "xs = [0.0], ws = [0.0], b = 0.0",
     "a node with the right data (0.0), but no parents", "plain numbers"),
    ("sgd_step", sgd_step_uphill, "p1.data = 0.0, p1.grad = 1.0; lr = 0.1",
     "p1.data = 0.1", "against the gradient"),
]
# fmt: on


@pytest.mark.parametrize(("task", "answer", "smallest", "returned", "hint"), WRONG)
def test_a_wrong_answer_is_caught_at_its_smallest_failing_input(
    task, answer, smallest, returned, hint
):
    result = check(task, answer)
    assert not result.passed
    assert result.failing_input == smallest
    assert result.returned == returned
    assert result.got == ("After it ran:" if task in ("backward", "sgd_step") else "It returned:")
    assert hint in result.hint
    message = str(result)
    assert message.startswith(f"✗ {task} is not right yet.")
    for part in (smallest, returned, result.expected, hint):
        assert "\n".join(line.strip() for line in part.splitlines()) in "\n".join(
            line.strip() for line in message.splitlines()
        )
