"""``check`` and ``our_answer``: the search, bad calls, and blaming a wrong earlier task."""

import inspect
import math
import sys

import pytest
from exercise_answers import (
    RIGHT,
    add,
    backward,
    backward_not_reversed,
    backward_with_assignment,
    in_the_lesson,
    mul,
    neuron,
    neuron_without_tanh,
    sgd_step,
    tanh,
    topological_sort,
    topological_sort_without_visited,
)

from autograd_lite.exercises import (
    TASKS,
    Node,
    check,
    checking,
    judging,
    our_answer,
    sort_and_backward,
    verdicts,
)

# --- the search ------------------------------------------------------------------------


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


def test_our_answer_refuses_what_cannot_be_marked_and_kinds_read_as_english():
    with pytest.raises(TypeError, match=r"our_answer marks a function written with def"):
        our_answer(math.exp)
    assert judging.kind(1j, many=True) == "complexes"
    assert judging.kind("a", many=True) == "strings"


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


# --- a right answer that calls a wrong earlier one ------------------------------------


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
    assert result.hint.endswith(sort_and_backward._BACKWARD_HINT)
    # the learner's own sort is back in their notebook's names
    assert answer.__globals__["topological_sort"] is topological_sort_without_visited


def test_the_learners_sort_is_put_back_whatever_moment_ctrl_c_comes():
    # the right sort is put into the learner's notebook for one check; a Ctrl-C on the line
    # right after it went in (before the try whose finally puts theirs back) left it there
    theirs = topological_sort_without_visited
    answer = in_the_lesson(backward_with_assignment, topological_sort=theirs)
    names = answer.__globals__

    def interrupt_once_swapped(frame, event, arg):
        if frame.f_code is checking._right_with_right_calls.__code__:
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
        return verdicts.flaky(task)

    monkeypatch.setattr(checking, "_right_with_right_calls", with_a_right_sort)
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
