"""Backward one node at a time: the chain rule, step by step.

``backward()`` is a loop (read it as ``reference_backward`` in ``graph.py``; ``Value.backward``
runs the same loop made quick, ``fast_backward.py``). ``backward_steps`` is that loop written
as a generator: it pauses after each node and hands you a ``Step`` saying what just happened,

    node.grad (upstream) × d node / d parent (local) = what the parent receives (product)

for every parent edge. Nothing else differs: the same topological order, the same reset of
every non-leaf to 0 before the pass, the same seed gradient at the root, the same additions
in the same order. So running every step leaves each ``.grad`` bit-for-bit as ``backward()``
would. (Stop half way and the gradients are half way too.) It IS backward, done by hand.

A node used twice (``b`` in ``b * b``, or any weight shared by many neurons) receives one
product per use; its ``.grad`` is the running sum of them. That is why backward must visit
a node only after every node that uses it: only then is the sum complete.

>>> import autograd_lite as ag
>>> a = ag.Value(3.0, label="a")
>>> b = a + a; b.label = "b"
>>> c = b * b; c.label = "c"
>>> for step in ag.backward_steps(c):
...     print(step.node.label, step.upstream, [product for _, _, product in step.contributions])
c 1.0 [6.0, 6.0]
b 12.0 [12.0, 12.0]
a 24.0 []
>>> a.grad                  # backward_steps changed the gradients, as backward() does
24.0

The tools that only *show* a pass are observers: ``observe_steps``, ``print_steps`` and the
pictures show one pass that starts from zero, worked out on the side, and leave every
``.grad`` as they found it. So they agree with each other however often you call them:

>>> from autograd_lite.steps import print_steps
>>> print_steps(c)          # the same pass as a table; c's products add up to b's 12.0
step  node  op    upstream  parent  local  product  sum so far
----  ----  ----  --------  ------  -----  -------  ----------
1     c     *     1.0       b       6.0    6.0      6.0
                            b       6.0    6.0      12.0
2     b     +     12.0      a       1.0    12.0     12.0
                            a       1.0    12.0     24.0
3     a     leaf  24.0
>>> a.grad                  # untouched: still what backward_steps left
24.0
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .graph import is_node, local_derivatives, topological_order
from .names import ATOM, OPERAND_BINDING, POWER, bracketed, expression, product_text, short
from .reals import as_real

if TYPE_CHECKING:  # (for the annotations only: a node is checked by what is read of it)
    from .value import Value


def _showable(x) -> bool:
    """A node whose steps can be written out: the graph's protocol (``graph.is_node``), and a
    number, a label and an op to show (a Value has them all)."""
    kind = type(x)
    return is_node(x) and all(hasattr(kind, a) for a in ("data", "label", "op_label"))


class BackwardPass:
    """What a pass started from, so a Step can be replayed later (``replay``).

    ``order`` is the topological order (root last) and ``seed`` the starting gradient.
    """

    __slots__ = ("root", "order", "seed")

    def __init__(self, root, order, seed):
        self.root = root
        self.order = order
        self.seed = seed


class Step:
    """One node visited by backward.

    - ``node``: the Value being visited;
    - ``upstream``: its gradient at that moment, seed × d output / d node (now complete;
      the seed is 1.0 unless a ``gradient`` was given);
    - ``contributions``: one ``(parent, local, product)`` per parent edge, in operand order,
      where ``product = upstream * local`` is what that parent receives;
    - ``running``: the parent's ``.grad`` right after each product was added (the running
      sum, which matters for a parent used more than once);
    - ``index``: 0 for the root, then 1, 2, ... in the order backward visits the nodes.

    A leaf gets a Step too, with no contributions: its gradient is final when visited.
    """

    __slots__ = ("node", "upstream", "contributions", "running", "index", "backward_pass")

    def __init__(self, node, upstream, contributions, running, index, backward_pass):
        self.node = node
        self.upstream = upstream
        self.contributions = contributions
        self.running = running
        self.index = index
        self.backward_pass = backward_pass

    def __repr__(self):
        return (
            f"Step(index={self.index}, node={name_of(self.node)!r}, "
            f"upstream={self.upstream!r}, contributions={len(self.contributions)})"
        )

    def __str__(self):
        node = self.node
        if not self.contributions:
            return f"{name_of(node)} (leaf): gradient {short(self.upstream)}"
        # "o = tanh(n)" for a labelled node; an unlabelled one is named by its formula already
        called = f"{name_of(node)} = {formula(node)}" if node.label else name_of(node)
        parts = [f"{called}: upstream {short(self.upstream)}"]
        for (parent, local, product), total in zip(self.contributions, self.running):
            parts.append(
                f"{name_of(parent)}: {product_text(self.upstream, local, product)}"
                f", sum so far {short(total)}"
            )
        return " | ".join(parts)


def backward_steps(output: Value, gradient=1.0) -> Iterator[Step]:
    """Run backward on ``output`` one node at a time, yielding a ``Step`` per node.

    This is backward itself, by hand: it changes ``.grad`` exactly as
    ``output.backward(gradient)`` does (non-leaves start from zero, leaves accumulate).
    Each step's products are already added to its parents' ``.grad`` when it is yielded,
    and iterating to the end leaves every ``.grad`` as ``backward()`` would. To look at a
    pass without changing anything, use ``observe_steps``.
    """
    seed = _checked(output, gradient, "backward_steps")
    return _backward_steps(output, seed)  # (checked now, at the call; stepped when iterated)


def _checked(output, gradient, who) -> float:
    """The starting gradient, once ``output`` is a Value: what every step function checks
    first, in the name of the function the user called."""
    if not _showable(output):
        raise TypeError(f"{who} needs a Value, got {type(output).__name__}")
    if gradient is None:  # PyTorch's default for one output: the seed 1, as backward takes it
        return 1.0
    return as_real(gradient, f"{who}(gradient)")


def _backward_steps(output, seed) -> Iterator[Step]:
    order = topological_order(output)
    # Every node's local derivatives first: an op of yours whose derivative gives no proper
    # tuple raises here, before any .grad changes, as it does in backward.
    derivatives = {node: local_derivatives(node) for node in order}
    for node in order:  # and a leaf's .grad that cannot be added to (a str, say)
        if not node.parents and not isinstance(node.grad, (numbers.Real, type(None))):
            name = repr(node.label) if node.label else repr(node)
            raise TypeError(
                f"backward_steps: the .grad of {name} is {type(node.grad).__name__}, not a "
                "number; set it to 0.0 (ag.zero_grad does) first"
            )
    for node in order:  # as in backward: every non-leaf starts from zero, and a leaf's None
        if node.parents:  # (PyTorch's "no gradient yet") is -0.0, which x + -0.0 leaves as x
            node.grad = 0.0
        elif node.grad is None:
            node.grad = -0.0
    output.grad += seed
    backward_pass = BackwardPass(output, order, seed)
    for index, node in enumerate(reversed(order)):
        upstream = node.grad
        contributions, running = [], []
        parents = node.parents
        if parents:
            for parent, local in zip(parents, derivatives[node]):
                product = upstream * local
                parent.grad += product
                contributions.append((parent, local, product))
                running.append(parent.grad)
        yield Step(node, upstream, tuple(contributions), tuple(running), index, backward_pass)


def observe_steps(output: Value, gradient=1.0) -> Iterator[Step]:
    """The steps of one backward pass from a zero start, worked out on the side.

    The same order, products and running sums as ``backward_steps`` after ``zero_grad``,
    bit for bit, but the gradients live in a dictionary of this call: no ``.grad`` is read
    or changed. This is what every tool that only shows a pass uses.
    """
    return _observe_steps(output, _checked(output, gradient, "observe_steps"))  # (at the call)


def _observe_steps(output, seed) -> Iterator[Step]:
    order = topological_order(output)
    grads = dict.fromkeys(order, 0.0)
    grads[output] += seed
    backward_pass = BackwardPass(output, order, seed)
    for index, node in enumerate(reversed(order)):
        upstream = grads[node]
        contributions, running = [], []
        parents = node.parents
        if parents:
            for parent, local in zip(parents, local_derivatives(node)):
                product = upstream * local
                total = grads[parent] + product
                grads[parent] = total
                contributions.append((parent, local, product))
                running.append(total)
        yield Step(node, upstream, tuple(contributions), tuple(running), index, backward_pass)


def replay(step: Step) -> tuple[dict, dict]:
    """The state just after ``step`` in a pass from a zero start, without touching ``.grad``.

    Returns ``(grads, received)``: each node's gradient so far, and how many products it
    has received so far (one per use already visited). Handy when the steps were collected
    first and looked at later: by then ``.grad`` holds the end of the pass instead. Leaves
    start from 0 here even if the pass was run on top of earlier gradients: an observer
    shows this pass's sums.
    """
    backward_pass = step.backward_pass
    order = backward_pass.order
    grads = dict.fromkeys(order, 0.0)
    grads[backward_pass.root] += backward_pass.seed
    received = dict.fromkeys(order, 0)
    for node in reversed(order[len(order) - step.index - 1 :]):
        parents = node.parents
        if parents:
            upstream = grads[node]
            for parent, local in zip(parents, local_derivatives(node)):
                grads[parent] += upstream * local
                received[parent] += 1
    return grads, received


def use_counts(nodes) -> dict:
    """How many edges lead from each node to the ``nodes`` that use it: 2 for ``a`` in
    ``a * a``. Only uses by ``nodes`` count (so a cut-down picture counts what it shows)."""
    uses = dict.fromkeys(nodes, 0)
    for node in nodes:
        for parent in node.parents:
            if parent in uses:
                uses[parent] += 1
    return uses


def print_steps(output: Value, gradient=1.0, file=None) -> None:
    """Print the backward pass of ``output`` as a table, one row per edge.

    Each row: the node visited, its upstream gradient, the parent, the local derivative,
    the product it sends, and the parent's running sum. An observer: the pass starts from
    zero (``observe_steps``) and every ``.grad`` is left as it was. ``file``: an open text
    file (``sys.stdout`` when None); a character its encoding lacks is written as an escape
    (``\\u2026``), so an ASCII console or a redirected Windows one (cp1252) prints the table.
    """
    if file is not None and not callable(getattr(file, "write", None)):
        raise TypeError(
            f"print_steps: file needs an open text file, such as open('steps.txt', 'w'), "
            f"got {type(file).__name__} {file!r}"
        )
    header = ("step", "node", "op", "upstream", "parent", "local", "product", "sum so far")
    rows = []
    for step in _observe_steps(output, _checked(output, gradient, "print_steps")):
        node = step.node
        # counted from 1, as the animation and the stepper count their steps
        head = [str(step.index + 1), name_of(node), node.op_label if node.parents else "leaf"]
        head.append(short(step.upstream))
        if not step.contributions:
            rows.append([*head, "", "", "", ""])
        for (parent, local, product), total in zip(step.contributions, step.running):
            rows.append([*head, name_of(parent), short(local), short(product), short(total)])
            head = ["", "", "", ""]
    file = sys.stdout if file is None else file
    encoding = getattr(file, "encoding", None) or "utf-8"  # (an ASCII or cp1252 console, say)
    # each cell as it will be written (escaped where need be), so that the columns line up
    rows = [
        [cell.encode(encoding, "backslashreplace").decode(encoding) for cell in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    print("\n".join(lines), file=file)


def name_of(node: Value) -> str:
    """A node's name (``names.expression``): its label, a constant's number, or the
    expression that made it, ``x*w + b``."""
    return expression(node)


def formula(node: Value, *, name=name_of) -> str:
    """How a node was computed, from its operands' names: "a * b", "x**2", "tanh(x)".
    (``name`` names each operand: a caller naming many nodes may pass a cached one.)"""
    label = node.op_label
    names = [name(p) for p in node.parents[:4]]
    if len(node.parents) > 4:
        names[3:] = [f"… {len(node.parents) - 3:,} more"]
    # (an operand named by its expression is bracketed where the order needs it: the
    # "(a*b - a) / b" that made e, never "a*b - a / b", which is another formula)
    if len(names) == 2 and label in OPERAND_BINDING:
        left, right = (bracketed(text, parent, least) for text, parent, least
                       in zip(names, node.parents, OPERAND_BINDING[label]))  # fmt: skip
        return f"{left} {label} {right}"
    if len(names) == 1 and label.startswith("**"):
        return f"{bracketed(names[0], node.parents[0], ATOM)}{label}"
    if len(names) == 1 and label.endswith("**"):
        base = f"({label[:-2]})" if label.startswith("-") else label[:-2]
        return f"{base}**{bracketed(names[0], node.parents[0], POWER)}"
    if label == "neg":
        return f"-{bracketed(names[0], node.parents[0], POWER)}"
    function, _, setting = label.partition("(")  # leaky_relu(0.2): the slope comes last
    if setting.endswith(")"):
        return f"{function}({', '.join([*names, setting[:-1]])})"
    return f"{label}({', '.join(names)})"
