"""Tasks 6-7: a topological sort, and the backward loop over it, judged on random graphs.

A wrong sort is told what is out of order (or missing, or twice in the list, or left from an
earlier call); a wrong backward is told which common mistake leaves the same gradients.
"""

from __future__ import annotations

from .calls import call
from .graphs import Graph, Node, graph_plans, node_name, reference_order
from .judging import Task, close, is_number, kind, not_returned, num, shown
from .verdicts import Wrong

# --- task 6: topological sort ---------------------------------------------------------

_TOPO_HINT = (
    "Go depth first: before adding a node to the list, add each of its parents (a "
    "function that calls itself on the parents). Keep a set of visited nodes, so that a "
    "node used twice is added once."
)


def _judge_topological_sort(answer, plan):
    graph = Graph(plan)
    where = graph.describe()
    order = call(answer, (graph.root,), where, _TOPO_HINT)
    expected = (
        "every node once, each after its parents, the root last, e.g. "
        + "["
        + (", ".join(graph.nodes[i].label for i in graph.kept) + "]")
    )
    if not isinstance(order, (list, tuple)):
        hint = not_returned(order) or f"Return a list of nodes, not {kind(order)}."
        raise Wrong(where, shown(order), expected, f"{hint} {_TOPO_HINT}")
    listed = "[" + ", ".join(node_name(node, graph) for node in order) + "]"
    problem = _order_problem(order, graph)
    if problem == _EARLIER_CALL:  # the sort itself may be right
        raise Wrong(where, listed, expected, problem)
    if problem:
        raise Wrong(where, listed, expected, f"{problem} {_TOPO_HINT}")
    # Right once; and again? A visited set kept from call to call (a global, a default
    # argument, or marks on the nodes) is right on every fresh graph, but a second call on
    # the same graph misses what the first one visited: in the lesson, backward(o) after
    # topological_sort(o).
    again = call(answer, (graph.root,), where, _TOPO_HINT)
    if not isinstance(again, (list, tuple)):
        listed = shown(again)
    elif _order_problem(again, graph):
        listed = "[" + ", ".join(node_name(node, graph) for node in again) + "]"
    else:
        return
    raise Wrong(
        where, listed, expected, _SECOND_CALL, "Called again on the same graph, it returned:"
    )


_SECOND_CALL = (
    "The first call was right, a second call on the same graph was not: does it remember "
    "the nodes it visited from one call to the next, in a set that is a default argument "
    "(visited=set()) or a global, or in a mark left on the nodes (node.visited = True)? "
    "Make a new set inside the function, on every call."
)

_EARLIER_CALL = (
    "The list holds nodes from an earlier call: is it a default argument (order=[]) or a "
    "global list? Make a new list inside the function, on every call."
)


def _order_problem(order, graph):
    """What is wrong with ``order`` as a topological order of ``graph``, or None."""
    members = {id(graph.nodes[i]) for i in graph.kept}
    placed = set()
    for node in order:
        if id(node) not in members:
            if isinstance(node, Node) and all(node is not n for n in graph.nodes):
                return _EARLIER_CALL  # the checker's node, from another graph
            return f"{node_name(node, graph)} is not a node of this graph."
        if id(node) in placed:
            return f"{node.label} is in the list twice."
        for parent in node.parents:
            if id(parent) not in placed:
                return f"{node.label} comes before its parent {parent.label}."
        placed.add(id(node))
    missing = [graph.nodes[i].label for i in graph.kept if id(graph.nodes[i]) not in placed]
    if missing:
        return f"The list leaves out {', '.join(missing)}."
    if order[-1] is not graph.root:  # pragma: no cover - implied by the checks above
        return "The root must come last."
    return None


# --- task 7: the backward loop --------------------------------------------------------

_BACKWARD_HINT = (
    "Set root.grad = 1.0, then visit the nodes in reversed(topological_sort(root)); each "
    "node sends node.grad * local to each of its parents with +=, since a node used twice "
    "receives from both uses."
)

_MARK = "    <-- wrong"


def _judge_backward(answer, plan):
    graph = Graph(plan)
    where = graph.describe()
    call(answer, (graph.root,), where, _BACKWARD_HINT)
    expected = graph.expected_grads()
    nodes = [graph.nodes[i] for i in graph.kept]
    got = [node.grad for node in nodes]
    if all(is_number(g) and close(float(g), e) for g, e in zip(got, expected)):
        return
    returned = "\n".join(
        f"{node.label}.grad = {shown(g)}{'' if is_number(g) and close(g, e) else _MARK}"
        for node, g, e in zip(nodes, got, expected)
    )
    wanted = "\n".join(f"{node.label}.grad = {num(e)}" for node, e in zip(nodes, expected))
    hint = _BACKWARD_HINT
    if graph.root.grad != 1.0 and all(g == 0.0 for g in got):
        hint = "Every gradient is still 0: backward starts with root.grad = 1.0. " + hint
    else:
        hint = f"{_backward_mistake(plan, got)} {hint}".lstrip()
    raise Wrong(where, returned, wanted, hint, "After it ran:")


def _forward_order(root):
    for node in reference_order(root):  # not reversed
        for parent, d in zip(node.parents, node.local):
            parent.grad += node.grad * d


def _local_only(root):
    for node in reversed(reference_order(root)):
        for parent, d in zip(node.parents, node.local):
            parent.grad += d


def _assigned(root):
    for node in reversed(reference_order(root)):
        for parent, d in zip(node.parents, node.local):
            parent.grad = node.grad * d


def _at_once(root):  # notebook 01's naive backward; the graphs here are small
    for parent, d in zip(root.parents, root.local):
        parent.grad += root.grad * d
        _at_once(parent)


_BACKWARD_MISTAKES = [
    (_forward_order, "It looks as if the loop visits parents before the nodes that use "
     "them, so each node passes on its gradient while it is still 0."),
    (_local_only, "It looks as if each parent received only the local derivative: the "
     "chain rule multiplies it by node.grad, the gradient that has reached the node."),
    (_assigned, "It looks as if each parent's grad is assigned with =, so a node used "
     "twice keeps only the last use's share."),
    (_at_once, "It looks as if each node sends its gradient on as soon as some arrives, "
     "so a node used twice passes on a partial sum, and later the sum again."),
]  # fmt: skip


def _backward_mistake(plan, got) -> str:
    """What a wrong backward most likely did, found by doing each common mistake on the same
    graph and comparing the gradients it leaves with the answer's ("" if none matches)."""
    for mistake, said in _BACKWARD_MISTAKES:
        graph = Graph(plan)
        graph.root.grad = 1.0
        mistake(graph.root)
        theirs = [graph.nodes[i].grad for i in graph.kept]
        if all(is_number(g) and close(float(g), t) for g, t in zip(got, theirs)):
            return said
    return ""


TOPOLOGICAL_SORT = Task(
    "topological_sort", graph_plans(), _judge_topological_sort, "graphs", reference_order
)
BACKWARD = Task("backward", graph_plans(), _judge_backward, "graphs")
