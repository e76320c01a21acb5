"""`copy.deepcopy` and `pickle` of Values, for graphs of any depth.

The obvious way, pickling a node as its data plus its parents, recurses once per level of
the graph inside pickle and fails past about a thousand. Instead, the first Value pickled
(the root) brings along every node it depends on as one flat list in topological order,
parents first. By the time pickle reaches a node of that list, its parents are already in
the pickle, so the node is written as its numbers plus references to them: no recursion.
`copy.deepcopy` uses the same reduction, so it is flat too.

An operation is pickled by name (``Rule.key``), never as a function: a built-in op is
found again by its name when loading, and an op of your own is found if ``define_op`` has
made it again by then (import the module that defines it); otherwise loading raises a
``ValueError`` naming the op.

Registered with ``copyreg`` when the package is imported (for Values and for the rows of
the table, ``Rule``).
"""

from __future__ import annotations

import copyreg
import threading

from .graph import topological_order
from .ops import rule_for
from .reals import as_real
from .rules import Rule
from .value import Value

_state = threading.local()  # .depth: how many flat lists this thread is pickling now


def reduce_value(node):
    """How pickle and deepcopy take a Value apart (see the module docstring)."""
    data, label = _loadable(node)
    if node.is_leaf:
        return _leaf, (data, node.grad, label)
    # The op by name, the parents, the local derivatives worked out when the node was made,
    # and whether the node keeps them as two tuples in _b and _db (n-ary and user ops) or
    # one by one in _a, _da and _b, _db.
    if node._a is None:  # n-ary (a leaf returned above)
        links = (node._b, node._db, True)
    else:
        links = (node.parents, node.local_derivatives(), False)
    fields = (data, node.grad, label, node._rule.key, *links)
    if getattr(_state, "depth", 0):  # inside a root's list: the parents are written already
        return _node, fields
    return _root, (_Ancestors(node), *fields)


def _loadable(node) -> tuple:
    """The node's data and label as loading needs them (a float, a str), or a TypeError now:
    a ``label = None`` set by hand pickled, and the file could never be loaded."""
    if type(node.label) is not str:
        raise TypeError(
            f"pickle: a Value's label must be a str, got {type(node.label).__name__} "
            f"{node.label!r}; set it to '' for none"
        )
    return as_real(node.data, "pickle: a Value's data"), node.label


class _Ancestors:
    """Every node a root depends on, parents first; pickled as a list filled item by item."""

    def __init__(self, root):
        self.root = root

    def __reduce__(self):
        return list, (), None, self._items()

    def _items(self):
        _state.depth = getattr(_state, "depth", 0) + 1
        try:
            yield from topological_order(self.root)[:-1]
        finally:
            _state.depth -= 1


def _leaf(data, grad, label):
    leaf = Value(data, label)
    leaf.grad = grad
    return leaf


def _node(data, grad, label, key, parents, local, as_tuples):
    node = _leaf(data, grad, label)
    node._rule = rule_for(key)
    if as_tuples:
        node._b, node._db = parents, local
    else:
        node._a, node._da = parents[0], local[0]
        if len(parents) == 2:
            node._b, node._db = parents[1], local[1]
    return node


def _root(ancestors, *fields):
    """The root, made after ``ancestors`` (already rebuilt: its parents are among them)."""
    return _node(*fields)


def reduce_rule(rule):
    """A row of the table is pickled (and deep-copied) by its key, never as functions: it is
    found again by name (an op object pickles as its row and its docstring)."""
    return rule_for, (rule.key,)


copyreg.pickle(Value, reduce_value)
copyreg.pickle(Rule, reduce_rule)
