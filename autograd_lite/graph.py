"""The graph algorithms: topological order, the chain rule, and gradients.

Reverse mode in three sentences. Visit the nodes from the output back to the inputs, each
node only after every node that uses it (reverse topological order). At each node, pass its
gradient to each parent times the local derivative of that edge (the chain rule). A parent
used several times adds up what each use sends it.

This module knows a node only through a small protocol, so it imports no node class:

- ``node.parents``: the nodes it was computed from, in operand order (() for a leaf);
- ``node.local_derivatives(create_graph=False)``: d node / d parent for each parent, as
  floats; with ``create_graph=True`` as nodes, so that the result can be differentiated again;
- ``node.grad``: a float that ``backward`` reads and writes.

Everything here is a loop over a list; nothing recurses, so a graph a million nodes deep is
as easy as a small one. ``Value.backward`` runs the same algorithm made quick for Values
(``fast_backward.py``), which gives bit-identical gradients.
"""

from __future__ import annotations

from .recording import _recording

# --- the reference algorithms -----------------------------------------------------------


def topological_order(root) -> list:
    """Every node ``root`` depends on, each after all of its parents; ``root`` last.

    An iterative depth-first search. A node is pushed twice: first to put its parents on
    the stack, then (under ``None``, the marker "its parents are all placed") to be placed
    itself. The order depends only on the graph, so the same graph always gives the same
    gradients, to the last bit.
    """
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


def chain_rule(output, seed=1.0, create_graph=False) -> dict:
    """d output / d node for every node ``output`` depends on, as a dict; no ``.grad`` changes.

    ``seed`` is d output / d output. With ``create_graph`` the local derivatives are nodes,
    so the gradients are nodes too: a graph that can be differentiated again.
    """
    grads = {output: seed}
    for node in reversed(topological_order(output)):
        g = grads[node]  # complete: every node that uses this one has been visited
        for parent, d in zip(node.parents, node.local_derivatives(create_graph)):
            gd = g if d == 1.0 else g * d  # (times 1.0 changes nothing; skipped, no node)
            grads[parent] = grads[parent] + gd if parent in grads else gd
    return grads


def reference_backward(root, gradient=1.0) -> None:
    """``backward`` as the chain-rule loop above, writing into ``.grad``.

    Every non-leaf starts from 0 (it holds this pass's gradient afterwards); a leaf
    accumulates across passes, as in PyTorch.
    """
    order = topological_order(root)
    for node in order:
        if node.parents:
            node.grad = 0.0
    root.grad += gradient
    for node in reversed(order):
        for parent, d in zip(node.parents, node.local_derivatives()):
            parent.grad += node.grad * d


# --- what the package exports -------------------------------------------------------------


def local_derivatives(node) -> tuple:
    """d node / d parent for each parent, as floats."""
    return node.local_derivatives()


def gradients(output, inputs, create_graph=False) -> list:
    """d output / d input for each input, without touching any ``.grad``.

    Floats by default. With ``create_graph=True`` the backward pass is itself built out of
    Values, so each gradient is a Value you can differentiate again (``grad`` of ``grad``).
    An input that ``output`` does not depend on gets 0.0.
    """
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not _is_node(x):
            raise TypeError(f"gradients: inputs[{i}] must be a Value, got {type(x).__name__}")
    if not _is_node(output):
        _check_number(output)
        return [0.0 for _ in inputs]
    # With create_graph the backward pass is made of Values, and must record even under
    # no_grad (as in PyTorch): asking for a differentiable gradient asks for its graph.
    token = _recording.set(True) if create_graph else None
    try:
        grads = chain_rule(output, 1.0, create_graph)
    finally:
        if token is not None:
            _recording.reset(token)
    result = []
    for x in inputs:
        g = grads.get(x)
        if g is None:  # output does not depend on x
            result.append(0.0)
        elif not create_graph:
            result.append(float(g))
        else:  # a number here is a constant: made a node of the output's kind, a leaf
            result.append(g if _is_node(g) else type(output)(g))
    return result


def zero_grad(values) -> None:
    """Set ``.grad = 0.0`` on each Value."""
    for v in values:
        v.grad = 0.0


def _is_node(x) -> bool:
    return hasattr(type(x), "local_derivatives") and not isinstance(x, type)


def _check_number(x):
    """A constant output: every derivative is 0; anything but one real number is an error
    (an array of several numbers has ``__float__`` too, but float() refuses it)."""
    if isinstance(x, (bool, str, bytes)) or x is None or not hasattr(type(x), "__float__"):
        raise TypeError(f"gradients: output needs a real number, got {type(x).__name__} {x!r}")
    try:
        float(x)
    except OverflowError:  # a huge int or Fraction: a real number, as inf
        pass
    except (TypeError, ValueError):
        raise TypeError(
            f"gradients: output needs one real number, got {type(x).__name__}: give one "
            "number (or a Value), not a collection of them"
        ) from None
