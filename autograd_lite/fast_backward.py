"""The backward that ``Value.backward`` runs: ``graph.reference_backward``, made quick.

Read ``graph.py`` first: this is the same algorithm, for Values only. Seven things make it
quicker, and none changes a single bit of the result:

- It reads how a Value keeps its parents and local derivatives (the slots ``_a``, ``_b``,
  ``_da``, ``_db``; see ``value.py``) instead of asking through the protocol, which
  builds a tuple per node and per question.
- It leaves the leaves out of the order: a weight or an input only receives.
- A node none of whose parents needs a visit (leaves, or nodes already visited) is placed
  at once instead of going back on the stack under a marker that would come straight off
  again: ``w * x`` of two leaves, and a layer's dot nodes after the first row (ordering
  the graph of nn's demo step: 2.85 ms -> 2.64).
- For a node with one or two parents, the parent that would be pushed last, and so
  popped next, is visited straight away (ordering a long chain takes about a tenth less
  time).
- A layer's dot nodes share their operands, the weights and the layer's inputs: once they
  have been met, one set check at C speed shows that every operand of a row is known
  (for nodes of at most ``_FEW`` = 64 operands; see below).
- A sum or a mean of many operands sends each of them the same product, so the product is
  made once (``_one_for_all``).
- A dot (or another n-ary node of at most ``_FEW`` operands) whose gradient is 0 sends its
  operands only zeros, and adding a zero changes no ``.grad``: it is skipped
  (``_zeros_change_nothing`` says when that is exact). A ReLU that is off, or a hinge loss
  already met, leaves whole neurons with gradient 0: in nn's demo step, about half of the
  dot nodes at the first step, nine in ten after 10 steps and 19 in 20 after 30, and the
  step runs a sixth fewer instructions (callgrind).

The non-leaves come out in exactly the order ``topological_order`` gives them, so every
``.grad`` receives the same products in the same order as in ``reference_backward``
(``tests/engine/test_fast_backward.py`` checks it, on random graphs, to the last bit).
``gradients`` (functional.py) uses the same order.

Two things it does that ``reference_backward`` does not: a leaf whose ``.grad`` is None
(PyTorch's "no gradient yet") is read as no gradient, where the reference raises a
TypeError, and a ``.grad`` that is not a number is named in the error. Both are handled
after that TypeError (``_resume_past_none``, ``_check_grads``), so the loop pays nothing.
"""

from __future__ import annotations

import numbers
from math import copysign, isfinite

# An n-ary node with at most this many operands gets its leaves marked seen: a layer's dot
# meets the same leaves (the weights) in every sample, and once they are marked, the set
# check for the next row passes at C speed. A sum of a million leaves meets each leaf once;
# marking them would cost more than it saves, so they are only skipped. The same bound
# tells backward which nodes are worth the check of ``_one_for_all``: more than this many.
_FEW = 64


def interior_order(root, seen=None) -> list:
    """The non-leaf nodes of ``topological_order(root)``, in the same order.

    The same depth-first search, with a node's parents read from its slots. A leaf is
    never placed, so it is never pushed either (a leaf is a node without a row, ``_rule``),
    and the parent that the next pop would give is visited without the push and the pop.
    ``seen``, a set to fill, receives every node placed and the leaves of every n-ary node
    of at most ``_FEW`` operands.
    """
    order: list = []
    if seen is None:
        seen = set()
    stack = [root]
    push, pop, mark, place = stack.append, stack.pop, seen.add, order.append
    while stack:
        node = pop()
        if node is None:  # the marker: every parent of the node under it is placed
            place(pop())
            continue
        if node in seen:
            continue
        while True:  # visit node (and, at once, the parent the next pop would give)
            mark(node)
            a = node._a
            if a is not None:  # one or two parents: which of them need a visit?
                b = node._b
                if a._rule is None or a in seen:  # a leaf, or visited already: no
                    a = None
                if b is not None and (b._rule is None or b in seen):
                    b = None
                if a is None and b is None:  # (w * x of two leaves, say)
                    place(node)  # placed now, as the marker would be at once
                    break
                push(node)
                push(None)
                if a is not None and b is not None:
                    push(b)  # visited after a (unless a's search reaches it first)
                # topological_order would push this parent last and pop it next, and its
                # seen check would pass: it was checked above, and nothing has been marked
                # since. So it is visited now, the same visit without the push and the pop.
                # (For x * x both are checked first: b is pushed, and skipped when popped.)
                node = a if a is not None else b
            else:  # an n-ary node (sum, mean, dot) or an op of yours; or a leaf root
                parents = node._b  # (all of them; None for a leaf root)
                if parents:
                    if node._db is None:  # your op's derivative gave no proper tuple: the
                        node.local_derivatives()  # error that says why, before any .grad changes
                    few = len(parents) <= _FEW
                    if few and seen.issuperset(parents):  # (a layer's dot, after its first row)
                        place(node)  # no parent needs a visit: placed now, as above
                        break
                    push(node)
                    push(None)
                    if not few:  # (a sum of a million: its leaves are not marked)
                        # (a loop, not a list comprehension: for ag.sum of 10^6 Values on
                        # CPython 3.11 the comprehension took 24 ms a call against the loop's
                        # 15, until it sped up after its first seven calls)
                        for parent in reversed(parents):
                            if parent._rule is not None and parent not in seen:
                                push(parent)
                    else:
                        for parent in reversed(parents):
                            if parent not in seen:
                                if parent._rule is None:
                                    mark(parent)
                                else:
                                    push(parent)
                break
    return order


def backward(root, gradient=1.0) -> None:
    """Fill ``.grad`` on every node ``root`` depends on, as ``reference_backward`` does."""
    seen: set = set()
    order = interior_order(root, seen)
    for node in order:
        node.grad = 0.0
    try:
        _accumulate(root, gradient, order, seen)
    except TypeError:  # a leaf's .grad that is not a number: None (a PyTorch habit), or not
        try:
            if _resume_past_none(root, gradient, order):
                return
        except TypeError:
            pass
        _check_grads(root, order)  # (something else: say which node)
        raise


def _accumulate(root, gradient, order, seen) -> None:
    """The chain-rule loop of ``backward``, over ``order`` reversed."""
    root.grad += gradient
    zeros_change_nothing = None  # asked once, at the first n-ary node given a zero
    for node in reversed(order):
        g = node.grad
        a = node._a
        if a is not None:
            a.grad += g * node._da
            b = node._b
            if b is not None:
                b.grad += g * node._db
        else:  # an n-ary node: parents and local derivatives as two tuples, in _b and _db
            # (never None here: interior_order has raised for such a node already)
            local = node._db
            if g == 0.0 and len(local) <= _FEW and _floats_finite(g, sum(local)):
                # every g * d is a float zero (d is finite): skipped, where that is exact
                if zeros_change_nothing is None:
                    # (only a leaf can hold what a zero changes: seen less the non-leaves)
                    zeros_change_nothing = _zeros_change_nothing(seen.difference(order))
                if zeros_change_nothing:
                    continue
            if _one_for_all(local):  # a sum or a mean of many: g * d is the same product
                gd = g * local[0]
                for parent in node._b:
                    parent.grad += gd
            else:
                for parent, d in zip(node._b, local):
                    parent.grad += g * d


def _resume_past_none(root, gradient, order) -> bool:
    """Finish a backward that stopped at a leaf whose ``.grad`` is None, as PyTorch reads it:
    no gradient yet. False (nothing done) when it stopped at something else.

    The chain-rule loop adds its products in a fixed order, and the one that raised changed
    nothing (``None + product`` raised before the store); every product before it has been
    added, and no None was met among them. So the loop is walked again in the same order,
    without adding, up to the first target whose ``.grad`` is None (each sum made again and
    dropped: where one raises, as a float times a Decimal ``.data`` does, that is what
    stopped the loop, and it is passed on); every None becomes -0.0 (the number that
    ``x + -0.0`` leaves as it is, -0.0 included), and the loop goes on from there. Every
    ``.grad`` ends as PyTorch's would, and as from 0.0 (but for the sign of a zero gradient:
    0.0 + -0.0 is 0.0). No cost to a backward that meets no None: this runs only after the
    TypeError."""
    steps = [(root, None, gradient)]
    for node in reversed(order):
        steps.extend((parent, node, d) for parent, d in zip(node.parents, node.local_derivatives()))
    unadded = (i for i, (target, _, _) in enumerate(steps) if not _adds(target.grad))
    start = next(unadded, None)
    if start is None or steps[start][0].grad is not None:
        return False  # (a str, say: _check_grads names it)
    for target, node, d in steps[:start]:  # (made again only to see that none raises)
        target.grad + (d if node is None else node.grad * d)
    for target, _, _ in steps:
        if target.grad is None:
            target.grad = -0.0
    for target, node, d in steps[start:]:
        target.grad += d if node is None else node.grad * d
    return True


def _adds(grad) -> bool:
    """True for a ``.grad`` that a product can be added to: a number."""
    return isinstance(grad, numbers.Real)


def _check_grads(root, order) -> None:
    """A TypeError naming the first node whose ``.grad`` is neither a number nor None (no
    gradient yet), if there is one."""
    for node in (root, *order, *(p for n in order for p in n.parents)):
        if node.grad is not None and not _adds(node.grad):
            name = repr(node.label) if node.label else repr(node)
            raise TypeError(
                f"backward: the .grad of {name} is {type(node.grad).__name__}, not a number; "
                "set it to 0.0 (ag.zero_grad does) or None before backward (the nodes visited "
                "before it were updated already)"
            )


def _zeros_change_nothing(leaves) -> bool:
    """True when adding a zero of either sign leaves the ``.grad`` of every leaf as it is.

    ``x + 0.0`` and ``x + -0.0`` are ``x`` to the bit for every float but -0.0 (-0.0 + 0.0
    is 0.0) and a signalling NaN (it comes out quiet). Non-leaves start at 0.0 and only
    add, so they are never either; a leaf is whatever you left in it, so -0.0, any NaN (it
    may be a signalling one), an int or None (no gradient yet, which must end a float:
    ``_resume_past_none``) stops the skipping. ``leaves`` are those of every node that
    may be skipped.
    """
    return not any(
        type(g) is not float or g != g or (g == 0.0 and copysign(1.0, g) < 0.0)
        for g in (n.grad for n in leaves)
    )


def _floats_finite(g, total) -> bool:
    """True when ``g`` is a float and ``total``, the sum of a node's local derivatives, a
    finite float: then each ``g * d`` is a float (inf or NaN in a ``d`` would make the sum
    inf or NaN). A ``.data`` set by hand to a NumPy float32 makes its local derivatives,
    and the sums and products they enter, float32: a float plus a float32 zero is rounded
    to a float32, so such a zero is no longer nothing to add."""
    return type(g) is float and type(total) is float and isfinite(total)


def _one_for_all(local) -> bool:
    """True when more than ``_FEW`` local derivatives are all one nonzero number, as in a sum
    (all 1.0) or a mean (all 1/n) of many operands. (An n-ary node's ``_db`` holds floats
    only, and two nonzero floats that are == have the same bits.) Then every ``g * d`` is the
    same product, made once: the backward of ``ag.sum`` of 10^6 Values, 56 ms -> 43 ms.
    (Not for 0: 0.0 == -0.0, but ``g * -0.0`` is not ``g * 0.0``. ``count`` runs at C speed;
    comparing the first and the last derivative first keeps it off a layer's dot nodes.)"""
    if len(local) <= _FEW:
        return False
    d = local[0]
    return d != 0 and d == local[-1] and local.count(d) == len(local)
