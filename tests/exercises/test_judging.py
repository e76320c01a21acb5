"""What the judges share: numbers compared and shown, what an answer is named in a hint."""

import math

import pytest
from exercise_answers import neuron, topological_sort

from autograd_lite.exercises import check


def test_a_missing_return_gets_its_own_hint():
    result = check("pow_derivative", lambda x, n: None)
    assert result.returned == "None"
    assert result.hint.startswith("It returned None: did you forget the `return`?")


def test_an_answer_off_by_one_part_in_a_thousand_is_caught():
    result = check("tanh_derivative", lambda x: 1.001 * (1 - math.tanh(x) ** 2))
    assert not result and "is not right yet" in result.message


def test_booleans_are_not_numbers_for_the_grader():
    result = check("add_derivative", lambda a, b: (True, True))
    assert not result and result.hint.startswith("Return two plain floats, not True or False.")


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (
            "topological_sort",
            lambda root: set(topological_sort(root)),
            "a list of nodes, not a set",
        ),
        ("neuron", lambda xs, ws, b: neuron(xs, ws, b).data, "the output node, not a float"),
        ("neuron", lambda xs, ws, b: [neuron(xs, ws, b)], "the output node, not a list"),
    ],
)
def test_what_was_returned_instead_is_named_in_english(task, answer, hint):
    assert check(task, answer).hint.startswith(f"Return {hint}.")


def test_a_tuple_of_one_is_shown_as_a_tuple():
    result = check("add_derivative", lambda a, b: (1.0,))
    assert result.returned == "(1.0,)"
    assert result.hint.startswith("Return 2 numbers, one per input: (d(out)/da, d(out)/db).")


def test_none_among_the_derivatives_is_named_as_none():
    result = check("add_derivative", lambda a, b: (None, None))
    assert result.hint.startswith("Return two plain floats, not None."), result.hint


def test_an_array_is_named_with_an():
    np = pytest.importorskip("numpy")
    result = check("tanh_derivative", lambda x: np.array([1 - math.tanh(x) ** 2]))
    assert result.hint.startswith("Return a plain float, not an ndarray."), result.hint


def test_a_list_is_shown_as_a_list():
    result = check("add_derivative", lambda a, b: [a, b])
    assert result.returned == "[0.0, 0.0]"
