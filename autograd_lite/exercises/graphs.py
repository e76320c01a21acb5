"""The checker's nodes, random graphs of them, and a right sort and backward over any nodes.

Tasks 6-9 hand the learner's functions the checker's ``Node``, which has the four attributes
of the lesson's own. Tasks 6 and 7 draw a random ``Graph``: a plan, built as Nodes and as
autograd-lite Values, whose gradients are the expected ones. ``reference_order`` and
``reference_backward`` are right answers that work on the learner's nodes too.
"""

from __future__ import annotations

from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import values

from .judging import num


class Node:
    """The checker's node, with the four attributes of the lesson's ``Node``."""

    def __init__(self, data, parents=(), local=(), label=""):
        self.data = data
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local = tuple(local)
        self.label = label

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Node({name}data={num(self.data)}, grad={num(self.grad)})"


# op name -> (number of operands, how the engine computes it, how to write it)
_GRAPH_OPS = {
    "+": (2, lambda a, b: a + b, "{} + {}"),
    "*": (2, lambda a, b: a * b, "{} * {}"),
    "tanh": (1, ag.tanh, "tanh({})"),
    "exp": (1, ag.exp, "exp({})"),
    "**2": (1, lambda a: a**2, "{} ** 2"),
}


@st.composite
def graph_plans(draw):
    """A random graph as a plan: leaf numbers, then ops on earlier nodes (by index).

    It shrinks towards one leaf, few ops, "+" and the first node, so a failing graph is
    reported as the simplest one that still fails.
    """
    leaves = [draw(values()) for _ in range(draw(st.integers(1, 3)))]
    steps = []
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(list(_GRAPH_OPS)))
        count = len(leaves) + len(steps)
        steps.append((op, [draw(st.integers(0, count - 1)) for _ in range(_GRAPH_OPS[op][0])]))
    return leaves, steps


class Graph:
    """A graph built from a plan twice: as checker Nodes and as autograd-lite Values."""

    def __init__(self, plan):
        leaves, steps = plan
        self.nodes = [Node(x) for x in leaves]
        self.values = [ag.Value(x) for x in leaves]
        self.ops = [None] * len(leaves)
        for op, operands in steps:
            parents = [self.nodes[i] for i in operands]
            if op == "exp" and abs(parents[0].data) > 5:
                op = "tanh"  # keep numbers small: no exp of exp of exp
            _, compute, _ = _GRAPH_OPS[op]
            value = compute(*(self.values[i] for i in operands))
            fresh = [ag.Value(p.data) for p in parents]  # one local derivative per edge
            local = ag.gradients(compute(*fresh), fresh)
            self.nodes.append(Node(value.data, parents, local))
            self.values.append(value)
            self.ops.append(op)
        self.root = self.nodes[-1]
        reached = _reachable(self.root)
        # Only what the root depends on is part of the graph: name it a, b, c, ...
        self.kept = [i for i, node in enumerate(self.nodes) if node in reached]
        for letter, i in zip("abcdefghijklmnopqrstuvwxyz", self.kept):
            self.nodes[i].label = letter

    def describe(self) -> str:
        """The graph as the lines of code that would build it."""
        lines = []
        for i in self.kept:
            node, op = self.nodes[i], self.ops[i]
            if op is None:
                lines.append(f"{node.label} = {num(node.data)}")
            else:
                operands = (p.label for p in node.parents)
                lines.append(f"{node.label} = {_GRAPH_OPS[op][2].format(*operands)}")
        lines[-1] += "    (the root)"
        return "\n".join(lines)

    def expected_grads(self):
        """d root / d node for every node of the graph, by autograd-lite."""
        kept_values = [self.values[i] for i in self.kept]
        return ag.gradients(self.values[-1], kept_values)


def _reachable(root):
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.parents)
    return seen


def node_name(node, graph) -> str:
    """How a verdict names ``node``: its label if it is a node of ``graph``, else its repr
    (or its type, if the repr is long)."""
    label = getattr(node, "label", None)
    if isinstance(node, Node) and label and any(node is graph.nodes[i] for i in graph.kept):
        return label
    return repr(node) if len(repr(node)) <= 40 else type(node).__name__


def reference_order(root):
    """Every node ``root`` depends on, each after its parents (a right topological_sort)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def reference_backward(root) -> bool:
    """Backward over any nodes with parents and local; False if the nodes lack them."""
    seen, stack = set(), [root]
    while stack:  # first, does every node have one local derivative per parent?
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        parents, local = getattr(node, "parents", None), getattr(node, "local", None)
        if not isinstance(parents, (tuple, list)) or not isinstance(local, (tuple, list)):
            return False
        if len(parents) != len(local):
            return False
        stack.extend(parents)
    order = reference_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, d in zip(node.parents, node.local):
            parent.grad += node.grad * d
    return True
