"""Tasks 6-7: a wrong sort is told what is out of order, a wrong backward its likely mistake."""

import pytest
from exercise_answers import (
    backward,
    backward_not_reversed,
    backward_with_assignment,
    topological_sort,
)

from autograd_lite.exercises import check, sort_and_backward

# --- topological sort -------------------------------------------------------------------


def test_a_topological_sort_that_leaves_nodes_out_is_told_which():
    result = check("topological_sort", lambda root: [])
    assert not result and "The list leaves out a" in result.hint


def test_a_topological_sort_that_returns_numbers_is_told_they_are_not_nodes():
    result = check("topological_sort", lambda root: [root.data])
    assert result.returned == "[0.0]"
    assert result.hint.startswith("0.0 is not a node of this graph.")


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


# --- backward ---------------------------------------------------------------------------


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
    assert result.hint.endswith(sort_and_backward._BACKWARD_HINT)
    others = [s for s in ("visits parents", "only the local", "last use's", "partial sum")]
    assert sum(phrase in result.hint for phrase in others) == 1


def test_a_backward_wrong_in_no_common_way_gets_the_recipe_alone():
    def doubles_everything(root):
        backward(root)
        for node in topological_sort(root):
            node.grad *= 2

    assert check("backward", doubles_everything).hint == sort_and_backward._BACKWARD_HINT
