"""The grader of lesson 00: right answers pass, wrong ones are caught at their smallest input."""

import importlib
import inspect
import math
import signal
import sys
import threading
import time
from contextlib import contextmanager

import pytest

import autograd_lite as ag
from autograd_lite import exercises
from autograd_lite.exercises import TASKS, Node, Result, check, our_answer

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


def test_the_tasks_come_in_the_lessons_order():
    assert tuple(RIGHT) == TASKS


@pytest.mark.parametrize("task", TASKS)
def test_a_right_answer_passes_on_200_random_inputs(task):
    result = check(task, RIGHT[task])
    assert result.passed and bool(result)
    noun = "graphs" if task in ("topological_sort", "backward") else "inputs"
    assert str(result) == f"✓ {task}: correct on 200 random {noun}."


# --- wrong answers: each is caught, at the smallest input where it is wrong --------------


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


def test_the_expected_derivative_comes_with_the_numerical_slope():
    result = check("tanh_derivative", lambda x: 1 - math.tanh(x))
    assert result.expected == "0.419974342   (a numerical slope gives 0.41997434)"


def backward_without_the_upstream_gradient(root):
    root.grad = 1.0
    for node in reversed(topological_sort(root)):
        for parent, local in zip(node.parents, node.local):
            parent.grad += local  # forgot node.grad *


def backward_that_recurses_at_once(root):  # notebook 01's naive backward
    def send(node):
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local
            send(parent)

    root.grad = 1.0
    send(root)


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (backward_not_reversed, "visits parents before the nodes that use them"),
        (backward_without_the_upstream_gradient, "only the local derivative"),
        (backward_with_assignment, "keeps only the last use's share"),
        (backward_that_recurses_at_once, "passes on a partial sum"),
    ],
)
def test_a_common_backward_mistake_is_named(answer, said):
    # The recipe alone ("visit in reversed order, multiply, add with +=") leaves a learner
    # to find which part they got wrong; doing each common mistake on the failing graph and
    # comparing tells them.
    result = check("backward", answer)
    assert not result.passed
    assert result.hint.startswith("It looks as if") and said in result.hint, result.hint
    assert result.hint.endswith(exercises._BACKWARD_HINT)
    others = [s for s in ("visits parents", "only the local", "last use's", "partial sum")]
    assert sum(phrase in result.hint for phrase in others) == 1


def test_a_backward_wrong_in_no_common_way_gets_the_recipe_alone():
    def doubles_everything(root):
        backward(root)
        for node in topological_sort(root):
            node.grad *= 2

    assert check("backward", doubles_everything).hint == exercises._BACKWARD_HINT


def test_the_gradients_expected_of_backward_are_autograd_lites():
    result = check("backward", backward_with_assignment)
    assert result.expected == "a.grad = 2.0\nb.grad = 1.0"


def test_an_answer_that_raises_is_reported_not_thrown():
    result = check("mul_derivative", lambda a, b: (1 / a, 1 / b))
    assert result.failing_input == "a = 0.0, b = 0.0"
    assert result.got == "It raised:"
    assert result.returned == "ZeroDivisionError: float division by zero"
    assert "Traceback" not in str(result)


def test_a_missing_return_gets_its_own_hint():
    result = check("pow_derivative", lambda x, n: None)
    assert result.returned == "None"
    assert result.hint.startswith("It returned None: did you forget the `return`?")


def test_the_wrong_number_of_derivatives_is_explained():
    result = check("add_derivative", lambda a, b: 1.0)
    # Not "one per input: (a, b)", which reads as "return (a, b)", itself a wrong answer.
    assert result.hint.startswith("Return 2 numbers, one per input: (d(out)/da, d(out)/db).")


def test_one_derivative_may_come_as_a_number_or_a_one_tuple():
    assert check("exp_derivative", lambda x: (math.exp(x),)).passed


def test_an_answer_that_changes_between_runs_is_told_so():
    calls = []

    def wrong_only_the_first_time(x):
        calls.append(x)
        return math.exp(x) + (1.0 if len(calls) == 1 else 0.0)

    result = check("exp_derivative", wrong_only_the_first_time)
    assert not result.passed
    assert "different answers for the same input" in str(result)


def test_checking_prints_nothing(capsys):
    check("mul_derivative", lambda a, b: (a, b))
    check("sgd_step", sgd_step)
    assert capsys.readouterr() == ("", "")


def test_the_same_answer_gets_the_same_verdict_every_time():
    first = check("neuron", neuron_without_tanh)
    assert str(check("neuron", neuron_without_tanh)) == str(first)


def test_the_result_shows_as_a_coloured_box_in_jupyter():
    good = check("add_derivative", RIGHT["add_derivative"])
    bad = check("backward", backward_with_assignment)
    assert "#2e7d32" in good._repr_html_() and "correct on 200" in good._repr_html_()
    page = bad._repr_html_()
    assert "#c62828" in page and "&lt;-- wrong" in page and "<-- wrong" not in page
    assert repr(bad) == str(bad)


# --- a right answer that calls a wrong earlier one ------------------------------------

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


def test_a_right_backward_is_not_blamed_for_a_wrong_topological_sort():
    answer = in_the_lesson(backward, topological_sort=topological_sort_without_visited)
    result = check("backward", answer)
    assert not result
    assert str(result).startswith(
        "✗ backward may be right: topological_sort, which it calls, is not right yet: "
        "run its check first."
    )
    assert result.hint == "Fix topological_sort until its check passes, then run this check again."
    assert result.failing_input == "a = 0.0\nb = a + a\nc = b + b    (the root)"


def test_a_right_neuron_is_not_blamed_for_a_wrong_tanh_derivative():
    derivatives = {task: RIGHT[task] for task in ("mul_derivative", "add_derivative")}
    wrong_tanh = in_the_lesson(neuron, ops=True, tanh_derivative=lambda x: 1 - x**2, **derivatives)
    result = check("neuron", wrong_tanh)
    assert str(result).startswith(
        "✗ neuron may be right: tanh_derivative, which it calls through tanh, is not right yet"
    )
    right_tanh = in_the_lesson(
        neuron, ops=True, tanh_derivative=RIGHT["tanh_derivative"], **derivatives
    )
    assert check("neuron", right_tanh)


@pytest.mark.parametrize("wrong_backward", [backward_with_assignment, backward_not_reversed])
def test_a_wrong_backward_with_a_wrong_topological_sort_is_not_told_it_may_be_right(
    wrong_backward,
):
    # it was: "backward may be right", though it is wrong with a right sort too
    answer = in_the_lesson(wrong_backward, topological_sort=topological_sort_without_visited)
    result = check("backward", answer)
    assert str(result).startswith(
        "✗ backward is not right yet, and topological_sort, which it calls, is not right "
        "either: run its check first."
    )
    # and what is wrong with backward itself, beside the sort
    assert result.hint.startswith(
        "Fix topological_sort until its check passes. backward is wrong with a right "
        "topological_sort too: It looks as if "
    )
    assert result.hint.endswith(exercises._BACKWARD_HINT)
    # the learner's own sort is back in their notebook's names
    assert answer.__globals__["topological_sort"] is topological_sort_without_visited


def test_the_learners_sort_is_put_back_whatever_moment_ctrl_c_comes():
    # the right sort is put into the learner's notebook for one check; a Ctrl-C on the line
    # right after it went in (before the try whose finally puts theirs back) left it there
    import sys

    from autograd_lite import exercises

    theirs = topological_sort_without_visited
    answer = in_the_lesson(backward_with_assignment, topological_sort=theirs)
    names = answer.__globals__

    def interrupt_once_swapped(frame, event, arg):
        if frame.f_code is exercises._right_with_right_calls.__code__:
            if event == "line" and names["topological_sort"] is not theirs:
                sys.settrace(None)
                raise KeyboardInterrupt
            return interrupt_once_swapped
        return None

    sys.settrace(interrupt_once_swapped)
    try:
        with pytest.raises(KeyboardInterrupt):
            check("backward", answer)
    finally:
        sys.settrace(None)
    assert names["topological_sort"] is theirs


def topological_sort_recursive_without_visited(root):
    order = []
    for parent in root.parents:
        order += topological_sort(parent)  # (it calls itself by its name)
    return [*order, root]


def backward_through_an_alias(root):
    root.grad = 1.0
    for node in reversed(sort(root)):  # noqa: F821 (sort = topological_sort, in the notebook)
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local


@pytest.mark.parametrize(
    "theirs", [topological_sort_without_visited, topological_sort_recursive_without_visited]
)
def test_a_right_backward_that_calls_the_sort_by_another_name_may_be_right(theirs):
    # `sort = topological_sort` in the notebook, and backward calls sort(root): the sort
    # was not seen (a plain one: "backward is not right yet") or only the name
    # topological_sort was swapped, not sort (a recursive one: "not right either")
    answer = in_the_lesson(backward_through_an_alias, topological_sort=theirs, sort=theirs)
    result = check("backward", answer)
    assert str(result).startswith(
        "✗ backward may be right: topological_sort, which it calls through sort, is not right "
        "yet: run its check first."
    ), str(result)
    names = answer.__globals__
    assert names["topological_sort"] is theirs and names["sort"] is theirs


def topological_sort_as_a_set(root):
    nodes, stack = set(), [root]
    while stack:
        node = stack.pop()
        nodes.add(node)
        stack.extend(node.parents)
    return nodes  # in no particular order, and a different one on every run


def backward_of_a_list(root):
    root.grad = 1.0
    for node in reversed(list(topological_sort(root))):
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local


def test_a_sort_that_returns_a_set_is_blamed_not_backwards_randomness():
    # it was: "backward gave different answers for the same input. Does it use random
    # numbers ...?", about a right backward. (A set's order depends on where its nodes are
    # in memory: the check sees different answers, or a wrong one.)
    answer = in_the_lesson(backward_of_a_list, topological_sort=topological_sort_as_a_set)
    result = check("backward", answer)
    assert not result
    assert str(result).startswith(
        "✗ backward may be right: topological_sort, which it calls, is not right yet: run its "
        "check first.\n"
    ), str(result)
    assert "random numbers" not in str(result)
    assert result.hint == "Fix topological_sort until its check passes, then run this check again."
    assert answer.__globals__["topological_sort"] is topological_sort_as_a_set


def test_a_wrong_answer_that_changes_between_runs_with_a_right_sort_too_is_told_so(monkeypatch):
    # it was only "Fix topological_sort until its check passes", with nothing on backward's
    # own mistake: checked with a right sort it gave different answers, and that verdict
    # had no hint to pass on
    def with_a_right_sort(task, answer, names):  # (what that check says, every time)
        return exercises._flaky(task)

    monkeypatch.setattr(exercises, "_right_with_right_calls", with_a_right_sort)
    answer = in_the_lesson(
        backward_with_assignment, topological_sort=topological_sort_without_visited
    )
    result = check("backward", answer)
    assert str(result).startswith("✗ backward is not right yet, and topological_sort")
    assert result.hint == (
        "Fix topological_sort until its check passes. backward is wrong with a right "
        "topological_sort too: Does it use random numbers, or change something outside "
        "itself (a global variable)? It should compute its answer from its arguments alone."
    ), result.hint


BACKWARD_WITH_A_MEMORY = """
SEEN = set()


def backward(root):
    order = topological_sort(root)
    key = tuple((node.label, node.data) for node in order)
    if key in SEEN:  # (a mistake: it sets root.grad = 1.0 only on a graph it has seen)
        root.grad = 1.0
    SEEN.add(key)
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local
"""


def test_different_answers_beside_a_wrong_earlier_task_name_that_task():
    # (wrong on a graph the first time only: the input hypothesis found is right when run
    # again, which it reports as different answers for the same input)
    names = {"topological_sort": topological_sort_without_visited}
    exec(BACKWARD_WITH_A_MEMORY, names)
    result = check("backward", names["backward"])
    first, second, *_ = str(result).splitlines()
    assert first.startswith("✗ backward ") and "topological_sort, which it calls" in first
    assert second == "With it, backward gave different answers for the same input."
    assert names["topological_sort"] is topological_sort_without_visited


def test_different_answers_from_a_wrong_earlier_task_are_blamed_on_it():
    # (as a sort that returns a set gives, now and then: its order changes between runs)
    blamed = exercises.Blame("topological_sort", None, True)
    result = exercises._flaky(exercises._TASKS["backward"], blamed)
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


def test_a_wrong_neuron_with_a_wrong_derivative_keeps_its_own_hint():
    # it was only "Fix mul_derivative until its check passes", though a right
    # mul_derivative leaves the neuron wrong: the tanh it forgot was not hinted at
    derivatives = {task: RIGHT[task] for task in ("add_derivative", "tanh_derivative")}
    answer = in_the_lesson(
        neuron_without_tanh, ops=True, mul_derivative=lambda a, b: (a, b), **derivatives
    )
    result = check("neuron", answer)
    assert str(result).startswith("✗ neuron is not right yet, and mul_derivative")
    assert result.hint.startswith(
        "Fix mul_derivative until its check passes. neuron is wrong with a right "
        "mul_derivative too: A neuron computes tanh("
    ), result.hint
    assert str(result).endswith(f"Hint: {result.hint}")


def neuron_without_bias(xs, ws, b):
    total = mul(ws[0], xs[0])
    for x, w in zip(xs[1:], ws[1:]):
        total = add(total, mul(w, x))
    return tanh(total)


def test_a_wrong_neuron_with_a_wrong_tanh_derivative_is_not_told_it_may_be_right():
    derivatives = {task: RIGHT[task] for task in ("mul_derivative", "add_derivative")}
    wrong = lambda x: 1 - x**2
    answer = in_the_lesson(neuron_without_bias, ops=True, tanh_derivative=wrong, **derivatives)
    assert str(check("neuron", answer)).startswith(
        "✗ neuron is not right yet, and tanh_derivative, which it calls through tanh, is not "
        "right either"
    )
    assert answer.__globals__["tanh_derivative"] is wrong


def topological_sort_parents_after(root):
    order, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)  # a method: not the lesson's add
            order.append(v)  # before its parents: wrong
            for p in v.parents:
                visit(p)

    visit(root)
    return order


def test_a_method_named_like_a_lesson_function_is_not_a_call_of_it():
    # visited.add(v) and math.tanh(x) read no global add or tanh: with a wrong
    # add_derivative beside it, a wrong sort is told its own mistake, not blamed on add
    answer = in_the_lesson(
        topological_sort_parents_after, ops=True, add_derivative=lambda a, b: (1.0, 0.0)
    )
    result = check("topological_sort", answer)
    assert str(result).startswith("✗ topological_sort is not right yet.")
    assert "add_derivative" not in str(result)


def test_a_wrong_answer_with_right_earlier_ones_is_told_it_is_wrong():
    answer = in_the_lesson(backward_with_assignment, topological_sort=topological_sort)
    assert str(check("backward", answer)).startswith("✗ backward is not right yet.")


def test_our_answer_to_an_earlier_task_is_not_checked_again():
    answer = in_the_lesson(backward, topological_sort=our_answer(lambda root: []))
    assert str(check("backward", answer)).startswith("✗ backward is not right yet.")


def test_a_sort_that_calls_itself_by_its_name_is_told_its_own_mistake():
    # topological_sort is not an earlier task of its own: checking the one it calls (itself)
    # again would never end
    answer = in_the_lesson(topological_sort_recursive_without_visited)
    answer.__globals__["topological_sort"] = answer
    result = check("topological_sort", answer)
    assert str(result).startswith("✗ topological_sort is not right yet.\n")
    assert "a is in the list twice" in result.hint


def neuron_that_runs_backward_without_tanh(xs, ws, b):
    total = b
    for x, w in zip(xs, ws):
        total = add(total, mul(w, x))
    backward(total)
    return total


def test_an_earlier_task_with_no_right_answer_to_put_in_leaves_the_answer_may_be_right():
    # backward has no right answer the checker could put in for a wrong one: the neuron that
    # calls it is not tried with one (not "not right either"), and backward stays theirs
    wrong_backward = lambda root: None
    answer = in_the_lesson(
        neuron_that_runs_backward_without_tanh, backward=wrong_backward, add=add, mul=mul
    )
    result = check("neuron", answer)
    assert str(result).startswith(
        "✗ neuron may be right: backward, which it calls, is not right yet: run its check first."
    ), str(result)
    assert answer.__globals__["backward"] is wrong_backward


def test_an_answer_that_is_no_python_function_is_graded_without_looking_inside():
    result = check("exp_derivative", math.sin)  # (a builtin: no code to read its calls from)
    assert str(result).startswith("✗ exp_derivative is not right yet.\n")
    assert result.failing_input == "x = 0.0"


def sort_from_elsewhere(root):  # this module's right topological_sort, not the lesson's
    return topological_sort(root)


def backward_with_assignment_through_a_module(root):
    root.grad = 1.0
    for node in reversed(sort_from_elsewhere(root)):
        for parent, local in zip(node.parents, node.local):
            parent.grad = node.grad * local


def test_a_function_from_another_module_is_not_read_as_the_lessons():
    # the function it calls reads its own module's topological_sort, which is right; the
    # lesson's wrong one, of the same name, is not blamed
    answer = in_the_lesson(
        backward_with_assignment_through_a_module,
        sort_from_elsewhere=sort_from_elsewhere,
        topological_sort=topological_sort_without_visited,
    )
    result = check("backward", answer)
    assert str(result).startswith("✗ backward is not right yet.\n"), str(result)
    assert "topological_sort" not in result.message.splitlines()[0]


def test_a_task_name_that_holds_no_function_is_not_checked():
    # topological_sort = topological_sort(a): the name now holds a list, which backward
    # then calls; that is backward's error, and the list is not given to check
    answer = in_the_lesson(backward, topological_sort=[Node(1.0)])
    result = check("backward", answer)
    assert str(result).startswith("✗ backward is not right yet.\n"), str(result)
    assert result.returned == "TypeError: 'list' object is not callable"


def weighted_sum(xs, ws, b):
    total = b
    for x, w in zip(xs, ws):
        total = add(total, mul(w, x))
    return total


def neuron_through_weighted_sum(xs, ws, b):
    return tanh(weighted_sum(xs, ws, b))


def test_an_earlier_task_two_calls_deep_is_named_with_the_function_the_answer_calls():
    # neuron -> weighted_sum -> mul -> mul_derivative: it is called through weighted_sum,
    # the name the learner finds in their neuron
    derivatives = {task: RIGHT[task] for task in ("add_derivative", "tanh_derivative")}
    answer = in_the_lesson(
        neuron_through_weighted_sum, ops=True, mul_derivative=lambda a, b: (a, b), **derivatives
    )
    exec(inspect.getsource(weighted_sum), answer.__globals__)
    assert str(check("neuron", answer)).startswith(
        "✗ neuron may be right: mul_derivative, which it calls through weighted_sum, is not "
        "right yet"
    )


def backward_with_a_function_inside(root):
    def order():
        return reversed(topological_sort(root))  # (read in the inner function only)

    root.grad = 1.0
    for node in order():
        for parent, local in zip(node.parents, node.local):
            parent.grad += node.grad * local


def test_an_earlier_task_called_from_a_function_inside_the_answer_is_found():
    answer = in_the_lesson(
        backward_with_a_function_inside, topological_sort=topological_sort_without_visited
    )
    assert str(check("backward", answer)).startswith(
        "✗ backward may be right: topological_sort, which it calls, is not right yet"
    )


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
    monkeypatch.setattr(exercises, "TIME_LIMIT", 0.2)
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
    monkeypatch.setattr(exercises, "TIME_LIMIT", 0.2)
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

    monkeypatch.setattr(exercises.signal, "setitimer", ring_while_disarming)
    before = signal.getsignal(signal.SIGALRM)
    with exercises._time_limit(5, "x = 1"):
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

    monkeypatch.setattr(exercises, "TIME_LIMIT", 0.2)
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


# --- our answers, from the lesson's hidden cells ---------------------------------------


@pytest.mark.parametrize("task", TASKS)
def test_our_answer_is_not_graded_as_yours(task):
    def answer(*args):
        return RIGHT[task](*args)

    ours = our_answer(answer)  # as a hidden cell of the lesson defines it
    assert ours is answer  # the same function, so the later cells still use it
    result = check(task, ours)
    assert not result.passed and result.ours
    message = str(result)
    assert message.startswith(f"○ {task}: this is our answer, from the hidden cell")
    assert "✓" not in message and "✗" not in message
    assert f"Write your own {task} in the empty cell above, run it, then run this" in message


def test_our_answer_shows_in_a_neutral_colour():
    page = check("exp_derivative", our_answer(lambda x: math.exp(x)))._repr_html_()
    assert "#546e7a" in page and "#2e7d32" not in page and "#c62828" not in page


# --- bad calls ----------------------------------------------------------------------


def test_an_unknown_task_lists_the_tasks_and_guesses():
    with pytest.raises(ValueError, match=r"^check: there is no task 'mul'") as error:
        check("mul", RIGHT["mul_derivative"])
    assert "Did you mean 'mul_derivative'?" in str(error.value)
    assert ", ".join(TASKS) in str(error.value)


def test_a_task_that_is_not_a_name_is_a_type_error():
    with pytest.raises(TypeError, match=r"^check: the task must be a name"):
        check(RIGHT["mul_derivative"], "mul_derivative")


def test_an_answer_that_was_called_instead_of_passed_is_explained():
    with pytest.raises(TypeError, match=r"without calling it: check\('exp_derivative'"):
        check("exp_derivative", math.exp(1.0))


def test_without_hypothesis_the_import_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "autograd_lite.exercises")
    with pytest.raises(ImportError, match=r"pip install 'autograd-lite\[testing\]'"):
        importlib.import_module("autograd_lite.exercises")


def test_the_checkers_nodes_show_their_label_and_numbers():
    node = Node(1.5, label="a")
    node.grad = -2.0
    assert repr(node) == "Node(a: data=1.5, grad=-2.0)"
    assert isinstance(check("exp_derivative", math.exp), Result)


def test_an_answer_off_by_one_part_in_a_thousand_is_caught():
    result = check("tanh_derivative", lambda x: 1.001 * (1 - math.tanh(x) ** 2))
    assert not result and "is not right yet" in result.message


def test_every_derivative_of_an_answer_is_graded_not_just_one():
    result = check("mul_derivative", lambda a, b: (b, b))  # d/da right, d/db wrong
    assert not result and "is not right yet" in result.message


def test_a_topological_sort_that_leaves_nodes_out_is_told_which():
    result = check("topological_sort", lambda root: [])
    assert not result and "The list leaves out a" in result.hint


def topological_sort_with_default_list(root, order=[], visited=set()):  # noqa: B006 (the mistake)
    if root not in visited:
        visited.add(root)
        for parent in root.parents:
            topological_sort_with_default_list(parent, order, visited)
        order.append(root)
    return order


EVERY_NODE_SEEN = []


def topological_sort_with_global_list(root):
    def visit(node):
        if node not in EVERY_NODE_SEEN:
            for parent in node.parents:
                visit(parent)
            EVERY_NODE_SEEN.append(node)

    visit(root)
    return EVERY_NODE_SEEN


@pytest.mark.parametrize(
    "answer", [topological_sort_with_default_list, topological_sort_with_global_list]
)
def test_a_list_kept_from_an_earlier_call_is_named_as_the_mistake(answer):
    result = check("topological_sort", answer)
    assert result.hint == (
        "The list holds nodes from an earlier call: is it a default argument (order=[]) or a "
        "global list? Make a new list inside the function, on every call."
    )


VISITED_IN_EVERY_CALL = set()


def topological_sort_with_global_visited_set(root):  # the lecture's first build_topo
    order = []

    def visit(node):
        if node not in VISITED_IN_EVERY_CALL:
            VISITED_IN_EVERY_CALL.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def topological_sort_with_default_visited_set(root, visited=set()):  # noqa: B006 (the mistake)
    order = []

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def topological_sort_that_marks_the_nodes(root):
    order = []

    def visit(node):
        if not getattr(node, "visited", False):
            node.visited = True  # a mark that stays on the node after this call
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


@pytest.mark.parametrize(
    "answer",
    [
        topological_sort_with_global_visited_set,
        topological_sort_with_default_visited_set,
        topological_sort_that_marks_the_nodes,
    ],
)
def test_a_visited_set_kept_from_an_earlier_call_is_caught_by_a_second_call(answer):
    # Right on every fresh graph, so only a second call on the same graph shows it: in the
    # lesson, backward(o) after topological_sort(o) would then get [] and leave every grad 0.
    result = check("topological_sort", answer)
    assert not result
    assert result.failing_input == "a = 0.0    (the root)"
    assert result.got == "Called again on the same graph, it returned:"
    assert result.returned == "[]"
    assert result.hint == (
        "The first call was right, a second call on the same graph was not: does it remember "
        "the nodes it visited from one call to the next, in a set that is a default argument "
        "(visited=set()) or a global, or in a mark left on the nodes (node.visited = True)? "
        "Make a new set inside the function, on every call."
    )


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


def test_booleans_are_not_numbers_for_the_grader():
    result = check("add_derivative", lambda a, b: (True, True))
    assert not result and result.hint.startswith("Return two plain floats, not True or False.")


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


def test_a_function_returned_instead_of_its_value_is_told_to_call_it():
    result = check("exp_derivative", lambda x: math.exp)  # forgot (x)
    assert result.hint.startswith(
        "Return a plain float, not the function exp itself: call it, as in exp(x)."
    )


def test_a_tuple_of_one_is_shown_as_a_tuple():
    result = check("add_derivative", lambda a, b: (1.0,))
    assert result.returned == "(1.0,)"
    assert result.hint.startswith("Return 2 numbers, one per input: (d(out)/da, d(out)/db).")


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


def test_a_node_with_more_parents_than_local_derivatives_is_named():
    def tanh_without_local(xs, ws, b):
        total = neuron_without_tanh(xs, ws, b)
        return Node(math.tanh(total.data), (total,), ())  # a parent, no local derivative

    result = check("neuron", tanh_without_local)
    assert not result and "not one local derivative per parent" in result.returned


def test_our_answer_refuses_what_cannot_be_marked_and_kinds_read_as_english():
    with pytest.raises(TypeError, match=r"our_answer marks a function written with def"):
        exercises.our_answer(math.exp)
    assert exercises._kind(1j, many=True) == "complexes"
    assert exercises._kind("a", many=True) == "strings"


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


def test_a_topological_sort_that_returns_numbers_is_told_they_are_not_nodes():
    result = check("topological_sort", lambda root: [root.data])
    assert result.returned == "[0.0]"
    assert result.hint.startswith("0.0 is not a node of this graph.")


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


def test_the_jupyter_box_escapes_the_text_of_a_message_without_parts():
    result = Result("t", False, "✗ t <b>\nx < y & z\nHint: a <i> b")
    page = result._repr_html_()
    assert "x &lt; y &amp; z" in page and "<b>Hint:</b> a &lt;i&gt; b" in page
    assert "<i>" not in page and "✗ t &lt;b&gt;" in page
