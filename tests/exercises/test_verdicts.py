"""What ``check`` answers: the message, the coloured box in Jupyter, a blamed earlier task."""

import math

from exercise_answers import RIGHT, backward_with_assignment

from autograd_lite.exercises import Result, check, our_answer
from autograd_lite.exercises.tasks import TASKS_BY_NAME
from autograd_lite.exercises.verdicts import Blame, flaky


def test_the_result_shows_as_a_coloured_box_in_jupyter():
    good = check("add_derivative", RIGHT["add_derivative"])
    bad = check("backward", backward_with_assignment)
    assert "#2e7d32" in good._repr_html_() and "correct on 200" in good._repr_html_()
    page = bad._repr_html_()
    assert "#c62828" in page and "&lt;-- wrong" in page and "<-- wrong" not in page
    assert repr(bad) == str(bad)


def test_our_answer_shows_in_a_neutral_colour():
    page = check("exp_derivative", our_answer(lambda x: math.exp(x)))._repr_html_()
    assert "#546e7a" in page and "#2e7d32" not in page and "#c62828" not in page


def test_the_jupyter_box_escapes_the_text_of_a_message_without_parts():
    result = Result("t", False, "✗ t <b>\nx < y & z\nHint: a <i> b")
    page = result._repr_html_()
    assert "x &lt; y &amp; z" in page and "<b>Hint:</b> a &lt;i&gt; b" in page
    assert "<i>" not in page and "✗ t &lt;b&gt;" in page


def test_different_answers_from_a_wrong_earlier_task_are_blamed_on_it():
    # (as a sort that returns a set gives, now and then: its order changes between runs)
    blamed = Blame("topological_sort", None, True)
    result = flaky(TASKS_BY_NAME["backward"], blamed)
    assert str(result) == (
        "✗ backward may be right: topological_sort, which it calls, is not right yet: run its "
        "check first.\n"
        "With it, backward gave different answers for the same input.\n"
        "Hint: Fix topological_sort until its check passes, then run this check again."
    )
    assert result.hint == "Fix topological_sort until its check passes, then run this check again."
    assert not result.failing_input and not result.expected
    page = result._repr_html_()
    assert "<b>Hint:</b> Fix topological_sort until" in page and "smallest input" not in page
