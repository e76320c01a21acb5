"""`Value`: one number and the record of how it was computed.

A Value is a node of the computation graph. It holds

- ``data``: the number (always a ``float``),
- ``grad``: d(output)/d(this node), filled in by ``backward()``,
- ``parents``: the Values it was computed from, in operand order (``a + a`` has ``(a, a)``),
- ``op``: the name of the operation that made it ("" for a leaf).

Arithmetic on Values builds the graph; the operations themselves, each with its derivative,
are the table in ``ops.py``; the graph algorithms (``backward``, ``gradients``) are in
``graph.py``. This file is only the node.
"""

from __future__ import annotations

import numbers

from .recording import _recording

_EMPTY = ()


def as_real(x, where="Value(data)"):
    """``x`` as a float, or a TypeError that says what was given and what to do instead."""
    kind = type(x)
    if kind is float:
        return x
    if kind is int:
        try:
            return float(x)
        except OverflowError:
            return float("inf") if x > 0 else float("-inf")
    if isinstance(x, Value):
        hint = "use the Value itself, its .data for the number, or .detach() for a new leaf"
    elif isinstance(x, bool) or kind.__name__ in ("bool_", "bool"):
        hint = "use 1.0 or 0.0 if you mean a number"
    elif x is None:
        hint = "give it a number such as 0.0"
    elif isinstance(x, (str, bytes)):
        hint = "convert text first, e.g. float(text)"
    elif isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
        hint = "autograd-lite works with real numbers only; take .real or abs() first"
    elif hasattr(kind, "__float__"):
        try:
            return float(x)
        except OverflowError:  # a Fraction or an int subclass past 1.8e308: IEEE says inf
            return float("inf") if x > 0 else float("-inf")
        except (TypeError, ValueError):  # e.g. an array of several numbers
            hint = "give one number, not a collection of them"
    else:
        hint = "give an int, a float, or an object with __float__"
    shown = repr(x)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    raise TypeError(f"{where} needs a real number, got {kind.__name__} {shown}: {hint}")


class Value:
    """A scalar that remembers how it was computed, so that its gradient can flow back.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> a.grad, b.grad          # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
    """

    # Slots, not a __dict__: a node is about 100 bytes, and attribute access is quicker.
    # _local: the local derivative d(self)/d(parent) for each parent, stored at forward
    #         time by the fast operations; None means "ask the op's rule during backward".
    # _rule:  the op's entry in the rule table (None for a leaf).
    __slots__ = ("data", "grad", "label", "parents", "_local", "_rule")

    def __init__(self, data, label=""):
        if type(label) is not str:
            raise TypeError(f"label must be a str, got {type(label).__name__} {label!r}")
        self.data = as_real(data)
        self.grad = 0.0
        self.label = label
        self.parents = _EMPTY
        self._local = None
        self._rule = None

    # --- what a node is -------------------------------------------------------------
    @property
    def op(self) -> str:
        """The name of the operation that made this node; "" for a leaf."""
        rule = self._rule
        return "" if rule is None else rule.name

    @property
    def op_label(self) -> str:
        """How pictures write the op: ``**2`` for ``x ** 2``, ``leaky_relu(0.2)``; "" for a leaf."""
        rule = self._rule
        return "" if rule is None else rule.label

    @property
    def is_leaf(self) -> bool:
        """True for a node with no parents: an input, a weight, a constant."""
        return not self.parents

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self):
        return self.data

    def __format__(self, spec):
        """``f"{v:.3f}"`` formats the number; a bare ``f"{v}"`` is the repr."""
        return format(self.data, spec) if spec else repr(self)

    def __round__(self, ndigits=None):
        return round(self.data, ndigits)

    def detach(self) -> Value:
        """A new leaf with the same data (and label): the graph behind it is cut off."""
        return Value(self.data, self.label)

    # --- comparisons look at the numbers; equality and hashing are identity ----------
    # Values are graph nodes: two nodes holding 2.0 are different nodes, and a Value can
    # be a dict key or a set member. Order comparisons are about the numbers.
    def __lt__(self, other):
        return self.data < as_real(other.data if isinstance(other, Value) else other, "<")

    def __le__(self, other):
        return self.data <= as_real(other.data if isinstance(other, Value) else other, "<=")

    def __gt__(self, other):
        return self.data > as_real(other.data if isinstance(other, Value) else other, ">")

    def __ge__(self, other):
        return self.data >= as_real(other.data if isinstance(other, Value) else other, ">=")

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    # --- arithmetic: every operator is an op from the table in ops.py ----------------
    # ``a + b``, ``a - b``, ``a * b``, ``a / b`` and ``-a`` call the fast paths of ops.py
    # directly: ``__add__`` *is* ``ops.add`` (attached at the end of this file), which
    # saves one Python call per operation. The reflected forms put the operands in order.
    def __radd__(self, other):
        return _ops.add(other, self)

    def __rsub__(self, other):
        return _ops.sub(other, self)

    def __rmul__(self, other):
        return _ops.mul(other, self)

    def __rtruediv__(self, other):
        return _ops.div(other, self)

    def __pow__(self, other):
        return _ops.power(self, other)

    def __rpow__(self, other):
        return _ops.power(other, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def exp(self) -> Value:
        """e ** self."""
        return _ops.exp(self)

    def log(self) -> Value:
        """The natural logarithm (self > 0)."""
        return _ops.log(self)

    def sqrt(self) -> Value:
        """The square root (self >= 0)."""
        return _ops.sqrt(self)

    def tanh(self) -> Value:
        """The hyperbolic tangent, in (-1, 1)."""
        return _ops.tanh(self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), in (0, 1)."""
        return _ops.sigmoid(self)

    def relu(self) -> Value:
        """max(self, 0)."""
        return _ops.relu(self)

    def leaky_relu(self, slope=0.01) -> Value:
        """self when positive, else slope * self."""
        return _ops.leaky_relu(self, slope)

    def sin(self) -> Value:
        return _ops.sin(self)

    def cos(self) -> Value:
        return _ops.cos(self)

    # --- gradients ---------------------------------------------------------------------
    def backward(self, gradient=1.0) -> None:
        """Fill ``.grad`` of every node this Value depends on with d(self)/d(node).

        Leaves accumulate across calls, as in PyTorch (clear them with ``zero_grad``);
        every other node holds the gradient of the latest call. ``gradient`` is the
        starting d(output)/d(self), 1.0 unless this Value is part of a larger output.
        """
        _graph.backward(self, gradient)

    def backward_steps(self, gradient=1.0):
        """Backward one node at a time: a generator of ``Step`` (see ``backward_steps``)."""
        from .steps import backward_steps

        return backward_steps(self, gradient)


def make_node(data, parents, local, rule):
    """A new non-leaf node; under ``no_grad`` a plain leaf that records nothing.

    The fast path for every operation: it skips ``__init__``'s checks, because ``data``
    was computed here and is already a float.
    """
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    if _is_recording():
        node.parents = parents
        node._local = local
        node._rule = rule
    else:
        node.parents = _EMPTY
        node._local = None
        node._rule = None
    return node


_new = object.__new__
_is_recording = _recording.get

# The operations and the graph algorithms need Value, so they are imported last.
from . import graph as _graph  # noqa: E402
from . import ops as _ops  # noqa: E402

Value.__add__ = _ops.add
Value.__sub__ = _ops.sub
Value.__mul__ = _ops.mul
Value.__truediv__ = _ops.div
Value.__neg__ = _ops.neg
