"""The graph algorithms: topological order, backward, and gradients.

Reverse mode in three sentences. Visit the nodes from the output back to the inputs, each
node only after every node that uses it (reverse topological order). At each node, pass its
gradient to each parent times the local derivative of that edge (the chain rule). A parent
used several times adds up what each use sends it.

Everything here is a loop over a list; nothing recurses, so a graph a million nodes deep
is as easy as a small one.
"""

from __future__ import annotations

from .recording import _recording
from .value import Value, as_real

_EXPANDED = object()  # marker on the DFS stack: "this node's parents are all placed"


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after all of its parents; ``root`` last.

    An iterative depth-first search: a node is appended once all its parents are. The
    order depends only on the graph, so the same graph always gives the same gradients,
    to the last bit.
    """
    order = []
    seen = set()
    stack = [root]
    push, pop, mark = stack.append, stack.pop, seen.add
    while stack:
        node = pop()
        if node is _EXPANDED:
            order.append(pop())
            continue
        if node in seen:
            continue
        mark(node)
        push(node)
        push(_EXPANDED)
        for parent in reversed(node.parents):
            if parent not in seen:
                push(parent)
    return order


def local_derivatives(node: Value) -> tuple:
    """d node / d parent for each parent, as floats.

    The fast operations stored them during the forward pass; for the others (and your own
    ops) the rule table computes them now, from the parents' data and the node's.
    """
    local = node._local
    if local is None:
        parents = node.parents
        local = node._rule.local_derivatives([p.data for p in parents], node.data)
        local = [as_real(d, f"op {node._rule.name!r}: a local derivative") for d in local]
    return local


def interior_order(root: Value) -> list[Value]:
    """The non-leaf nodes of ``topological_order(root)``, in the same order, each set to 0.

    ``backward`` needs an order only for the nodes that pass a gradient on: a leaf just
    receives. Leaving the leaves out of the search (most edges of a network end at a
    weight or an input) makes it much quicker, and the nodes come out in exactly the order
    ``topological_order`` gives them, so ``backward_steps`` adds up the same numbers in the
    same order.

    Instead of a set of visited nodes, the search marks a node by setting its ``.grad`` to
    ``zero``, a float 0.0 made for this call alone: ``node.grad is zero`` means "visited",
    and a visited node already holds the 0.0 that a non-leaf starts backward from.
    """
    order = []
    if not root.parents:
        return order
    zero = float("0")  # a new object on every call, so ``is`` tells this call's marks apart
    stack = [root]
    push, pop, append = stack.append, stack.pop, order.append
    while stack:
        node = pop()
        if node is _EXPANDED:
            append(pop())
            continue
        if node.grad is zero:
            continue
        node.grad = zero
        push(node)
        push(_EXPANDED)
        parents = node.parents
        if len(parents) == 2:  # most nodes: the loop below, unrolled
            a, b = parents
            if b.parents and b.grad is not zero:
                push(b)
            if a.parents and a.grad is not zero:
                push(a)
        else:
            for parent in reversed(parents):
                if parent.parents and parent.grad is not zero:
                    push(parent)
    return order


def backward(root: Value, gradient=1.0) -> None:
    """Fill ``.grad`` on every node ``root`` depends on (see ``Value.backward``).

    The chain rule, node by node from the output back: each parent receives
    ``node.grad * local derivative``. Nodes with one or two parents (almost all of them)
    are unrolled; the loop is otherwise the same for every node.
    """
    gradient = as_real(gradient, "backward(gradient)")
    order = interior_order(root)  # every non-leaf in it now has grad 0.0
    root.grad += gradient  # a leaf accumulates; a non-leaf was just set to 0
    for node in reversed(order):
        g = node.grad
        parents = node.parents
        local = node._local
        if local is None:
            local = local_derivatives(node)
        if len(parents) == 2:
            a, b = parents
            da, db = local
            a.grad += g * da
            b.grad += g * db
        elif len(parents) == 1:
            parents[0].grad += g * local[0]
        else:
            for parent, d in zip(parents, local):
                parent.grad += g * d


def gradients(output, inputs, create_graph=False) -> list:
    """d output / d input for each input, without touching any ``.grad``.

    Floats by default. With ``create_graph=True`` the backward pass is itself built out of
    Values, so each gradient is a Value you can differentiate again (``grad`` of ``grad``).
    An input that ``output`` does not depend on gets 0.0.
    """
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"gradients: inputs[{i}] must be a Value, got {type(x).__name__}")
    if not isinstance(output, Value):
        as_real(output, "gradients: output")  # a constant: every derivative is 0
        return [0.0 for _ in inputs]
    # With create_graph the backward pass is made of Values, and must record even under
    # no_grad (as in PyTorch): asking for a differentiable gradient asks for its graph.
    token = _recording.set(True) if create_graph else None
    try:
        grads = _chain_rule(output, create_graph)
    finally:
        if token is not None:
            _recording.reset(token)
    result = []
    for x in inputs:
        g = grads.get(x)
        if g is None:
            result.append(0.0)
        elif create_graph:
            result.append(g if isinstance(g, Value) else Value(g))
        else:
            result.append(float(g))
    return result


def _chain_rule(output, create_graph) -> dict:
    """d output / d node for every node output depends on, in a dict (``.grad`` untouched)."""
    grads = {output: 1.0}
    for node in reversed(topological_order(output)):
        parents = node.parents
        if not parents:
            continue
        g = grads[node]
        if create_graph:
            local = node._rule.local_derivatives(parents, node)
        else:
            local = local_derivatives(node)
        for parent, d in zip(parents, local):
            contribution = g if (type(d) is float and d == 1.0) else g * d
            previous = grads.get(parent)
            grads[parent] = contribution if previous is None else previous + contribution
    return grads


def zero_grad(values) -> None:
    """Set ``.grad = 0.0`` on each Value."""
    for v in values:
        v.grad = 0.0
