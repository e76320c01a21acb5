"""`Value`: one number and the record of how it was computed.

A Value is a node of the computation graph. It holds

- ``data``: the number (always a ``float``),
- ``grad``: d(output)/d(this node), filled in by ``backward()``,
- ``parents``: the Values it was computed from, in operand order (``a + a`` has ``(a, a)``),
- ``op``: the name of the operation that made it ("" for a leaf),
- its local derivatives, d(this node)/d(parent) for each parent, worked out by the
  operation's row of the table (``ops.py``) when the node was made.

Arithmetic on Values builds the graph: every operator applies a row of the table (``a + b``,
``a * b`` and ``x.relu()`` of plain Values write their row out, under "fast paths" at the
end of the class). The graph algorithms are in ``graph.py`` (and, made quick for Values, in
``fast_backward.py``, which ``backward`` runs). This file is only the node.
"""

from __future__ import annotations

from . import fast_backward
from .habits import TorchHabits, check_backward_keywords
from .reals import as_real
from .recording import CUT_BY_GRADS, _is_recording, warn_if_cutting


def _not_a_leaf(label, rule) -> str:
    """Why ``Value(...)`` was refused: by hand you make only a leaf, from data and a label."""
    if type(label) is str:
        said = f"Value takes data and a label only, got a third argument {rule!r}"
    else:
        said = f"label must be a str, got {type(label).__name__} {label!r}"
    if type(label) is str or isinstance(label, (tuple, list, set, frozenset)):
        said += (": a node with parents is made by an operation (a + b, a.tanh(), "
                 "ag.exp(a)), not by Value(data, children, op) as in micrograd")  # fmt: skip
    return said


class Value(TorchHabits):
    """A scalar that remembers how it was computed, so that its gradient can flow back.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> a.grad, b.grad          # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)

    (``TorchHabits``, in habits.py and not on the reading path, adds PyTorch's names:
    ``item()``, ``requires_grad``, ``p -= ...`` under ``no_grad``.)
    """

    # How a node was made is kept in the node's own slots, not in tuples of its own, so
    # that a node is one object for Python's garbage collector (README, "How fast"): the
    # row of the table that made it in _rule, its parents and the local derivatives
    # d self / d parent (worked out when the node was made) in _a, _da, _b, _db:
    #
    #   made by                   _rule      _a     _da         _b             _db
    #   Value(2.0), a leaf        None       None   0.0         None           0.0
    #   x.tanh()                  tanh row   x      d/dx        None           0.0
    #   a * b                     * row      a      d/da (= b)  b              d/db (= a)
    #   ag.sum, ag.dot, your op   its row    None   0.0         all parents    all d/dparent
    #                                                           (a tuple)      (a tuple)
    #
    # So: _rule None is a leaf; otherwise _a None means the two tuples. (Eight slots: a
    # node is 96 bytes on CPython 3.11.)
    __slots__ = ("data", "grad", "label", "_rule", "_a", "_b", "_da", "_db")
    # The slots' types, for the reader and a type checker (nothing here is compiled; a
    # compiler such as mypyc could keep these floats as C doubles); _db has none: it is a
    # float, or an n-ary node's tuple (None when your op's derivative gave no proper tuple:
    # backward asks the row again, which says what is wrong).
    data: float
    grad: float
    label: str
    _da: float

    def __init__(self, data, label="", _rule=None, _a=None, _da=0.0, _b=None, _db=0.0):
        # Only data and label are for you; the rest is how a row of the table records a
        # node in one go (``UnaryOp.apply`` in rules.py): the row, the parents and their
        # local derivatives.
        if _a is None:  # a Value you make (an n-ary node is made as one too, and then its
            # row fills in _rule, _b and _db: Rule.record): check what you gave
            if type(label) is not str or _rule is not None:
                raise TypeError(_not_a_leaf(label, _rule))
            # (as_real, in reals.py: the number as a float, or a TypeError saying what to give)
            data = data if type(data) is float else as_real(data)
        elif type(data) is not float:  # an operand's .data was set to something else
            data = as_real(data)  # (p.data -= lr * p sets it to a Value: as_real says so)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._rule = _rule
        self._a = _a
        self._da = _da
        self._b = _b
        self._db = _db

    # --- what a node is -------------------------------------------------------------
    @property
    def parents(self) -> tuple:
        """The Values this one was computed from, in operand order; () for a leaf."""
        if self._rule is None:
            return ()
        if self._a is None:  # an n-ary node: all of them, in _b
            return self._b
        if self._b is None:
            return (self._a,)
        return (self._a, self._b)

    def local_derivatives(self, create_graph=False) -> tuple:
        """d self / d parent for each parent, in the order of ``parents``.

        Floats, worked out by the op's row when this node was made. With ``create_graph``
        the row works them out again from the parents themselves, as Values, so that a
        derivative can be differentiated again (``grad`` of ``grad``).
        """
        if self._rule is None:
            return ()
        if create_graph:
            return self._rule.local_derivatives(self.parents, self)
        if self._a is None:  # an n-ary node: the tuple in _db
            if self._db is not None:
                return self._db
            # a user op's derivative gave no proper tuple: asking its row again says why
            return self._rule.local_derivatives([p.data for p in self._b], self.data)
        if self._b is None:
            return (self._da,)
        return (self._da, self._db)

    @property
    def op(self) -> str:
        """The name of the operation that made this node; "" for a leaf."""
        return "" if self._rule is None else self._rule.name

    @property
    def op_label(self) -> str:
        """How pictures write the op: ``**2`` for ``x ** 2``, ``leaky_relu(0.2)``; "" for a leaf."""
        return "" if self._rule is None else self._rule.label

    @property
    def is_leaf(self) -> bool:
        """True for a node with no parents: an input, a weight, a constant."""
        return self._rule is None

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self):
        warn_if_cutting()  # inside grad(f), math.exp(x) would cut the graph: a warning
        return self.data

    def __int__(self):  # int(v) is int(v.data), as int(tensor) is in PyTorch
        warn_if_cutting()
        return int(self.data)

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
        return self.data < number_of(other, "<")

    def __le__(self, other):
        return self.data <= number_of(other, "<=")

    def __gt__(self, other):
        return self.data > number_of(other, ">")

    def __ge__(self, other):
        return self.data >= number_of(other, ">=")

    def __bool__(self):  # ``if v:`` asks about the number, as in PyTorch: False at 0 only
        return self.data != 0.0

    # (No __eq__ or __hash__ here: the ones every object has are identity, and a set or dict
    # of nodes uses them at C speed. ``==`` on numbers would make a Value unhashable.)

    # --- arithmetic: every operator applies a row of the table in ops.py -------------
    # (``_add``, ``_sub`` and the rest are the rows' ``apply``, bound at the end of this
    # file; for ``+ - * /`` wrapped by ``deferring``, which hands a NumPy array operand back
    # to NumPy. ``a + b``, ``a * b`` and ``x.relu()`` themselves are at the end of the class,
    # under "fast paths"; ``2 + a`` and ``2 * a`` have a number, so they apply the row here.)
    def __radd__(self, other):
        return _add(other, self)

    def __sub__(self, other):
        return _sub(self, other)

    def __rsub__(self, other):
        return _sub(other, self)

    def __rmul__(self, other):
        return _mul(other, self)

    def __truediv__(self, other):
        return _div(self, other)

    def __rtruediv__(self, other):
        return _div(other, self)

    def __pow__(self, other):  # (x ** 2: a row for the constant 2; see ops.power)
        return ops.power(self, other)

    def __rpow__(self, other):
        return ops.power(other, self)

    def __neg__(self):
        return _neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _abs(self)

    def exp(self) -> Value:
        """e ** self."""
        return _exp(self)

    def log(self) -> Value:
        """The natural logarithm (self > 0)."""
        return _log(self)

    def sqrt(self) -> Value:
        """The square root (self >= 0)."""
        return _sqrt(self)

    def tanh(self) -> Value:
        """The hyperbolic tangent, in (-1, 1)."""
        return _tanh(self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), in (0, 1)."""
        return _sigmoid(self)

    def leaky_relu(self, slope=0.01) -> Value:
        """self when positive, else slope * self (a row for each slope: ops.leaky_relu)."""
        return ops.leaky_relu(self, slope)

    def sin(self) -> Value:
        """The sine (of self in radians)."""
        return _sin(self)

    def cos(self) -> Value:
        """The cosine (of self in radians)."""
        return _cos(self)

    # --- gradients ---------------------------------------------------------------------
    def backward(self, gradient=1.0, **pytorch_keywords) -> None:
        """Fill ``.grad`` of every node this Value depends on with gradient × d(self)/d(node).

        Leaves accumulate across calls, as in PyTorch (clear them with ``zero_grad``);
        every other node holds the gradient of the latest call. ``gradient`` is the
        starting d(output)/d(self), 1.0 unless this Value is part of a larger output (None
        is 1.0 too, as in PyTorch).
        (``retain_graph=True`` is taken, as every graph is kept: see habits.py.)
        """
        if pytorch_keywords:
            check_backward_keywords(pytorch_keywords)
        warn_if_cutting(CUT_BY_GRADS)  # inside grad(f), .grad's floats would cut the graph
        # graph.reference_backward's loop, made quick for Values (fast_backward.py); a
        # gradient of None, PyTorch's default for one output, is the seed 1
        seed = 1.0 if gradient is None else as_real(gradient, "backward(gradient)")
        fast_backward.backward(self, seed)

    def backward_steps(self, gradient=1.0):
        """Backward one node at a time: a generator of ``Step`` (see steps.py)."""
        from .steps import backward_steps

        return backward_steps(self, gradient)

    # --- fast paths: ``a + b``, ``a * b`` and ``x.relu()`` ---------------------------
    # What these three run for two plain Values (one for relu): each is its row of the
    # table written out, the same number, parents (in order) and local derivatives that
    # the row's ``apply`` (rules.py) gives, without its generic steps. Most nodes of a
    # network written node by node are these three (micrograd's neuron: ``sum(wi * xi ...)
    # + b``, then relu), so the shortcut pays: one ``a * b`` takes 330 ns here, 440 with
    # ``apply`` called directly (timeit, CPython 3.11). Anything else (a number operand, a
    # Value subclass, no_grad: ``_is_recording()`` is False) goes to ``apply``.
    # ``tests/engine/test_ops.py`` checks each against its row.
    def __add__(self, other):
        if type(self) is Value and type(other) is Value and _is_recording():
            return Value(self.data + other.data, "", _ADD_ROW, self, 1.0, other, 1.0)
        return _add(self, other)

    def __mul__(self, other):
        if type(self) is Value and type(other) is Value and _is_recording():
            x, y = self.data, other.data
            return Value(x * y, "", _MUL_ROW, self, y, other, x)  # d/da = b, d/db = a
        return _mul(self, other)

    def relu(self) -> Value:
        """max(self, 0)."""
        if type(self) is Value and _is_recording():
            d = self.data
            if d <= 0.0:  # 0.0 (also for -0.0), and no gradient passes
                return Value(0.0, "", _RELU_ROW, self, 0.0)
            # above 0, or NaN (neither above nor below): it passes, and so does its gradient,
            # as in PyTorch
            return Value(d, "", _RELU_ROW, self, 1.0)
        return _relu(self)


def number_of(x, where) -> float:
    """The number behind ``x``: a Value's ``.data``, or ``x`` as a float (what a comparison
    looks at, and where ``gradcheck`` evaluates); ``where`` names the caller in the error
    when ``x`` is no number."""
    return x.data if isinstance(x, Value) else as_real(x, where)


# The operations need Value, and Value's operators need them: imported last. Each operator
# calls its row's ``apply`` (bound here once, so that an operation costs one lookup); the
# three fast paths call it when an operand is not a plain Value.
from . import ops  # noqa: E402
from .rules import deferring  # noqa: E402  (an operand numpy should handle: rules.py, end)

_add, _sub = deferring(ops.add.apply, "__radd__"), deferring(ops.sub.apply, "__rsub__")
_mul, _div = deferring(ops.mul.apply, "__rmul__"), deferring(ops.div.apply, "__rtruediv__")
_neg, _abs, _exp = ops.neg.apply, ops.abs.apply, ops.exp.apply
_log, _sqrt, _tanh = ops.log.apply, ops.sqrt.apply, ops.tanh.apply
_sigmoid, _relu, _sin, _cos = ops.sigmoid.apply, ops.relu.apply, ops.sin.apply, ops.cos.apply
_ADD_ROW, _MUL_ROW, _RELU_ROW = ops.add.rule, ops.mul.rule, ops.relu.rule  # for the fast paths
