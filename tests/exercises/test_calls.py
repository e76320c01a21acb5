"""Calling the learner's function: what it raises is reported, a loop that never ends is stopped."""

import math
import signal
import threading
import time
from contextlib import contextmanager

import pytest
from exercise_answers import (
    backward,
    in_the_lesson,
    sgd_step,
    topological_sort,
    topological_sort_without_visited,
)

from autograd_lite.exercises import calls, check


def test_an_answer_that_raises_is_reported_not_thrown():
    result = check("mul_derivative", lambda a, b: (1 / a, 1 / b))
    assert result.failing_input == "a = 0.0, b = 0.0"
    assert result.got == "It raised:"
    assert result.returned == "ZeroDivisionError: float division by zero"
    assert "Traceback" not in str(result)


# --- an answer that never finishes ---------------------------------------------------


unix_only = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM timer")


class Rang(BaseException):
    """The test's own alarm rang."""


@contextmanager
def alarm(seconds):
    """Raise Rang after ``seconds``, so that a test fails rather than hang."""

    def ring(signum, frame):
        raise Rang

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield ring
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sgd_step_forever(params, lr):
    i = 0
    while i < len(params):  # i += 1 forgotten
        params[i].data -= lr * params[i].grad


@unix_only
def test_an_answer_that_never_finishes_is_stopped_and_told_so(monkeypatch):
    monkeypatch.setattr(calls, "TIME_LIMIT", 0.2)
    start = time.monotonic()
    with alarm(20):
        result = check("sgd_step", sgd_step_forever)
    assert time.monotonic() - start < 10  # stopped at the first input, not shrunk
    assert not result
    message = str(result)
    assert message.startswith("✗ sgd_step did not finish within 0.2 s on this input:\n")
    assert message.splitlines()[1] == f"    {result.failing_input}"
    assert result.failing_input.startswith("p1.data = ")
    assert result.hint.startswith("Look for a loop that never ends")
    assert "Traceback" not in message and "Expected" not in message
    page = result._repr_html_()
    assert "smallest input" not in page and "<b>Hint:</b> Look for a loop" in page


def topological_sort_forever(root):
    order = [root]
    while order:  # never empties
        pass
    return order


def backward_forever(root):
    root.grad = 1.0
    order = topological_sort(root)
    while order:  # never empties
        node = order[-1]
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local


@unix_only
@pytest.mark.parametrize(
    ("backward_answer", "sort"),
    [
        # backward is right; the learner's topological_sort, which it calls, never ends
        (backward, topological_sort_forever),
        # backward never ends with any sort; a wrong sort beside it is named, and backward
        # is not run again with a right one (another time limit to wait for) to say so
        (backward_forever, topological_sort_without_visited),
    ],
    ids=["a right backward, a sort that never ends", "a backward that never ends, a wrong sort"],
)
def test_a_time_out_beside_a_wrong_earlier_task_names_that_task(monkeypatch, backward_answer, sort):
    monkeypatch.setattr(calls, "TIME_LIMIT", 0.2)
    answer = in_the_lesson(backward_answer, topological_sort=sort)
    with alarm(20):
        result = check("backward", answer)
    assert str(result).startswith(
        "✗ backward did not finish within 0.2 s, and topological_sort, which it calls, is "
        "not right yet: run its check first."
    )
    assert result.hint == "Fix topological_sort until its check passes, then run this check again."


@unix_only
def test_a_late_alarm_after_the_answer_returned_is_ignored_and_the_handler_put_back(
    monkeypatch,
):
    # the alarm rings after the answer has returned, just as the timer is disarmed: the
    # answer is not called too slow, and the handler from before the check is back
    real = signal.setitimer

    def ring_while_disarming(which, seconds, *interval):
        if seconds == 0:
            signal.raise_signal(signal.SIGALRM)
        return real(which, seconds, *interval)

    monkeypatch.setattr(calls.signal, "setitimer", ring_while_disarming)
    before = signal.getsignal(signal.SIGALRM)
    with calls.time_limit(5, "x = 1"):
        pass
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGALRM) is before


@unix_only
def test_an_answer_that_catches_every_exception_is_stopped_too(monkeypatch):
    def forever_despite_errors(x):
        while True:
            try:
                return 1.0 / 0.0
            except Exception:
                pass

    monkeypatch.setattr(calls, "TIME_LIMIT", 0.2)
    with alarm(20):
        result = check("exp_derivative", forever_despite_errors)
    assert "did not finish within 0.2 s" in str(result)


@unix_only
def test_an_alarm_set_before_checking_is_put_back():
    with alarm(30) as ring:
        assert check("sgd_step", sgd_step)
        assert signal.getsignal(signal.SIGALRM) is ring
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 20 < left <= 30
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def exp_derivative_slow_at_first(calls, seconds=0.5):
    """A right exp_derivative whose first call takes ``seconds``."""

    def answer(x):
        if not calls:
            time.sleep(seconds)
        calls.append(x)
        return math.exp(x)

    return answer


@unix_only
def test_an_alarm_set_before_checking_keeps_its_time_and_its_interval():
    # its time runs on while the answer runs (it is not started again from its full time
    # after every call) and it repeats as it did
    with alarm(30):
        signal.setitimer(signal.ITIMER_REAL, 30, 10)  # in 30 s, then every 10 s
        start = time.monotonic()
        assert check("exp_derivative", exp_derivative_slow_at_first([]))
        spent = time.monotonic() - start
        left, interval = signal.getitimer(signal.ITIMER_REAL)
    assert interval == 10
    assert 20 < left < 30 - spent + 0.2  # (the first call alone took 0.5 s)


@unix_only
def test_an_alarm_that_comes_due_while_the_answer_runs_rings_when_it_returns():
    # (the alarm is due 0.5 s into a first call of 2 s: room for a loaded machine)
    with alarm(0.5), pytest.raises(Rang):
        check("exp_derivative", exp_derivative_slow_at_first([], seconds=2))


def test_checking_outside_the_main_thread_works_without_a_time_limit():
    # (only the main thread may set a signal handler: there is no limit, and no error)
    results = []
    thread = threading.Thread(target=lambda: results.append(check("sgd_step", sgd_step)))
    thread.start()
    thread.join(120)
    assert results and results[0], results
