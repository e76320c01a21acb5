"""The graph algorithms: topological order and the chain rule.

Reverse mode in three sentences. Visit the nodes from the output back to the inputs, each
node only after every node that uses it (reverse topological order). At each node, pass its
gradient to each parent times the local derivative of that edge (the chain rule). A parent
used several times adds up what each use sends it.

This module knows a node only through a small protocol, so it imports no node class:

- ``node.parents``: the nodes it was computed from, in operand order (() for a leaf);
- ``node.local_derivatives(create_graph=False)``: d node / d parent for each parent, as
  floats; with ``create_graph=True`` as nodes wherever they depend on the parents (a
  constant, such as the 1.0 of ``a + b``, stays a float), so that the result can be
  differentiated again;
- ``node.grad``: a float that ``backward`` reads and writes.

Everything here is a loop over a list; nothing recurses, so a graph a million nodes deep is
as easy as a small one. ``Value.backward`` runs the same algorithm made quick for Values
(``fast_backward.py``), which gives bit-identical gradients; ``gradients`` (in
``functional.py``) is ``chain_rule`` over that quicker order.
"""

from __future__ import annotations

# --- the reference algorithms -----------------------------------------------------------


def topological_order(root) -> list:
    """Every node ``root`` depends on, each after all of its parents; ``root`` last.

    An iterative depth-first search. The first time a node is popped it goes back on the
    stack, under the marker ``None`` ("its parents are all placed"), and its parents go on
    top; when the marker comes off again, the node is placed. A node used twice may be pushed
    twice; the second time it is popped it is already ``seen`` and skipped. The order
    depends only on the graph, so the same graph always gives the same gradients, to the
    last bit.
    """
    if not is_node(root):  # (is_node, below the algorithms: has it parents and local_derivatives?)
        raise TypeError(f"topological_order(root) needs a node, a Value, got {type(root).__name__}")
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node is None:  # the marker: every parent of the node under it is placed
            order.append(stack.pop())
        elif node not in seen:
            seen.add(node)
            stack.append(node)
            stack.append(None)
            for parent in reversed(node.parents):
                if parent not in seen:
                    stack.append(parent)
    return order


def chain_rule(output, seed=1.0, create_graph=False, order=topological_order) -> dict:
    """seed × d output / d node for every node ``output`` depends on, as a dict; no ``.grad``
    changes.

    ``seed`` is the gradient that starts at ``output``: 1.0 (d output / d output) gives the
    derivatives themselves; a loss's gradient d loss / d output gives d loss / d node.
    With ``create_graph`` the local derivatives are nodes where they vary, so the gradients
    are too: a graph that can be differentiated again (a constant one, such as
    d(x + x)/dx = 2.0, stays a float; ``gradients`` makes it a Value).
    ``order`` is ``topological_order`` or, from ``gradients``, a quicker one that gives the
    same non-leaves in the same order.
    A node's first contribution is kept as it is, as PyTorch's ``autograd.grad`` does: a
    lone -0.0 stays -0.0 here, where ``.grad``, a sum that starts at 0.0, holds 0.0.
    """
    grads = {output: seed}
    for node in reversed(order(output)):
        g = grads[node]  # complete: every node that uses this one has been visited
        for parent, d in zip(node.parents, node.local_derivatives(create_graph)):
            gd = g if d == 1.0 else g * d  # (times 1.0 changes nothing; skipped, no node;
            # a Value d is never == 1.0, since == on Values is identity)
            grads[parent] = grads[parent] + gd if parent in grads else gd
    return grads


def reference_backward(root, gradient=1.0) -> None:
    """``backward`` as the chain-rule loop above, writing into ``.grad``.

    ``gradient`` is ``chain_rule``'s seed. Every non-leaf starts from 0 (it holds this pass's
    gradient afterwards); a leaf accumulates across passes, as in PyTorch.
    """
    order = topological_order(root)
    for node in order:
        if node.parents:
            node.grad = 0.0
    root.grad += gradient
    for node in reversed(order):
        for parent, d in zip(node.parents, node.local_derivatives()):
            parent.grad += node.grad * d


# --- the protocol, checked ------------------------------------------------------------------


def is_node(x) -> bool:
    """True for a node: an object whose class has ``parents`` and ``local_derivatives``, what
    the order and the chain rule ask of it (a Value; not the class ``Value`` itself). Asked of
    the class, so that no object's own ``__getattr__`` (a mock's, say) answers for it."""
    kind = type(x)
    return hasattr(kind, "parents") and hasattr(kind, "local_derivatives")


# --- what the package exports -------------------------------------------------------------


def local_derivatives(node) -> tuple:
    """d node / d parent for each parent, as floats."""
    return node.local_derivatives()


def zero_grad(values) -> None:
    """Set ``.grad = 0.0`` on each Value of ``values`` (a list, ``model.parameters()``, ...).

    Checked first: when one of them is not a Value, nothing changes.
    """
    if is_node(values) or isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        if is_node(values):
            hint = "; for one Value v, write [v]"
        elif callable(getattr(type(values), "parameters", None)):  # an nn model, say
            hint = "; for a model, call model.zero_grad() or pass model.parameters()"
        elif callable(getattr(type(values), "zero_grad", None)):  # an nn optimizer, say
            hint = "; call its own .zero_grad() instead"
        else:
            hint = ""
        kind = type(values).__name__
        raise TypeError(f"zero_grad(values) needs Values in a list, got {kind}{hint}")
    values = list(values)
    for i, v in enumerate(values):
        if not is_node(v):
            raise TypeError(f"zero_grad(values): values[{i}] is {type(v).__name__}, not a Value")
    for v in values:
        v.grad = 0.0
