"""The backward that ``Value.backward`` runs: ``graph.reference_backward``, made quick.

Read ``graph.py`` first: this is the same algorithm, for Values only. Two things make it
quicker, and neither changes a single bit of the result:

- It reads how a Value keeps its parents and local derivatives (the slots ``_a``, ``_b``,
  ``_da``, ``_db``, ``_many``, ``_dmany``; see ``value.py``) instead of asking through the
  protocol, which builds a tuple per node and per question.
- It leaves the leaves out of the order: a weight or an input only receives.

The non-leaves come out in exactly the order ``topological_order`` gives them, so every
``.grad`` receives the same products in the same order as in ``reference_backward``
(``tests/engine/test_graph.py`` checks it, on random graphs, to the last bit). This is the
file a compiled build would replace; nothing else depends on how it is written.
"""

from __future__ import annotations

_FEW = 64  # operands of an n-ary node whose leaves are worth marking seen (see below)


def interior_order(root) -> list:
    """The non-leaf nodes of ``topological_order(root)``, in the same order.

    The same depth-first search, with a node's parents read from its slots. A leaf is
    never placed, so it is never pushed either (a leaf is a node without a row, ``_rule``).
    """
    order, seen, stack = [], set(), [root]
    push, pop, mark, place = stack.append, stack.pop, seen.add, order.append
    while stack:
        node = pop()
        if node is None:  # the marker: every parent of the node under it is placed
            place(pop())
            continue
        if node in seen:
            continue
        mark(node)
        a = node._a
        if a is not None:  # one or two parents
            push(node)
            push(None)
            b = node._b
            if b is not None and b._rule is not None and b not in seen:
                push(b)
            if a._rule is not None and a not in seen:
                push(a)
        elif node._many:  # an n-ary node (sum, mean, dot) or an op of yours
            push(node)
            push(None)
            parents = node._many
            if seen.issuperset(parents):  # (at C speed; usual for a layer's dots, whose
                continue  # weights and inputs the first row of the layer has seen)
            if len(parents) <= _FEW:  # leaves met again and again (a layer's weights):
                for parent in reversed(parents):  # marked seen once, so that the check
                    if parent not in seen:  # above passes for every later row
                        if parent._rule is None:
                            mark(parent)
                        else:
                            push(parent)
            else:  # a sum of a million leaves meets each once: marking costs more than it
                stack += [p for p in reversed(parents) if p._rule is not None and p not in seen]
    return order


def backward(root, gradient=1.0) -> None:
    """Fill ``.grad`` on every node ``root`` depends on, as ``reference_backward`` does."""
    order = interior_order(root)
    for node in order:
        node.grad = 0.0
    root.grad += gradient
    for node in reversed(order):
        g = node.grad
        a = node._a
        if a is not None:
            a.grad += g * node._da
            b = node._b
            if b is not None:
                b.grad += g * node._db
        else:
            local = node._dmany
            if local is None:  # a user op whose derivative gave no proper tuple: say why
                local = node.local_derivatives()
            for parent, d in zip(node._many, local):
                parent.grad += g * d
