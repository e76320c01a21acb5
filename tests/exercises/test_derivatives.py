"""Tasks 1-5, the local derivatives: each is graded, and a wrong one is told what it is."""

import math

import pytest

import autograd_lite as ag
from autograd_lite.exercises import check


def test_the_expected_derivative_comes_with_the_numerical_slope():
    result = check("tanh_derivative", lambda x: 1 - math.tanh(x))
    assert result.expected == "0.419974342   (a numerical slope gives 0.41997434)"


def test_the_wrong_number_of_derivatives_is_explained():
    result = check("add_derivative", lambda a, b: 1.0)
    # Not "one per input: (a, b)", which reads as "return (a, b)", itself a wrong answer.
    assert result.hint.startswith("Return 2 numbers, one per input: (d(out)/da, d(out)/db).")


def test_one_derivative_may_come_as_a_number_or_a_one_tuple():
    assert check("exp_derivative", lambda x: (math.exp(x),)).passed


def test_every_derivative_of_an_answer_is_graded_not_just_one():
    result = check("mul_derivative", lambda a, b: (b, b))  # d/da right, d/db wrong
    assert not result and "is not right yet" in result.message


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        ("mul_derivative", lambda a, b: (ag.Value(b), ag.Value(a)), "two plain floats, not Values"),
        ("add_derivative", lambda a, b: ("1", "1"), "two plain floats, not strings"),
        (
            "tanh_derivative",
            lambda x: ag.Value(1 - math.tanh(x) ** 2),
            "a plain float, not a Value",
        ),
        ("exp_derivative", lambda x: (math.exp(x), 0.0), "a plain float, not a tuple"),
    ],
)
def test_an_answer_that_is_not_plain_numbers_is_told_what_it_is(task, answer, hint):
    assert check(task, answer).hint.startswith(f"Return {hint}.")


def test_a_function_returned_instead_of_its_value_is_told_to_call_it():
    result = check("exp_derivative", lambda x: math.exp)  # forgot (x)
    assert result.hint.startswith(
        "Return a plain float, not the function exp itself: call it, as in exp(x)."
    )
