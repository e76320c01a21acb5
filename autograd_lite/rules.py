"""The rule table: how each operation computes forward, and its local derivatives.

An operation is a pair of functions, written once:

- ``forward(*floats) -> float``: the value;
- ``derivative(*inputs, out) -> tuple``: one local derivative d out / d input per input.

``derivative`` is called with floats during an ordinary backward pass, and with Values when
``gradients(..., create_graph=True)`` builds the backward pass out of the graph itself. So it
must use functions that work on both, such as ``ag.exp`` and ``ag.cos``; then every operation,
built-in or yours, can be differentiated to any order.

Every built-in operation is entered here through ``define_op`` (see ``ops.py``), exactly like
yours.
"""

from __future__ import annotations

from .value import Value, as_real, make_node


class Rule:
    """One entry of the table. ``label`` is what pictures show (``**2`` for ``x ** 2``).

    ``key`` names the rule in a pickle: its name, or (name, constant) for a rule made for one
    constant (``x ** 2`` is ``("x**c", 2.0)``).
    """

    __slots__ = ("name", "forward", "derivative", "label", "builtin", "key")

    def __init__(self, name, forward, derivative, label=None, builtin=False, key=None):
        self.name = name
        self.forward = forward
        self.derivative = derivative
        self.label = label or name
        self.builtin = builtin
        self.key = name if key is None else key

    def __repr__(self):
        return f"Rule({self.label!r})"

    def value(self, floats) -> float:
        """Run ``forward`` and check that it gave a real number."""
        out = self.forward(*floats)
        if type(out) is float:
            return out
        if isinstance(out, Value):
            raise TypeError(
                f"op {self.name!r}: forward must return a float, got a Value; "
                "forward works on plain numbers (use math.exp, not ag.exp, there)"
            )
        return as_real(out, f"op {self.name!r}: the result of forward")

    def local_derivatives(self, inputs, out) -> tuple:
        """``derivative(*inputs, out)``, checked: one entry per input, each a number or Value."""
        local = self.derivative(*inputs, out)
        if not isinstance(local, (tuple, list)):
            raise TypeError(
                f"op {self.name!r}: derivative must return a tuple with one local derivative "
                f"per input, got {type(local).__name__}"
            )
        if len(local) != len(inputs):
            raise ValueError(
                f"op {self.name!r}: derivative returned {len(local)} local derivative(s) "
                f"for {len(inputs)} input(s); return one per input, as a tuple"
            )
        return local


#: Every named operation, built-in and user-defined, by name.
RULES: dict[str, Rule] = {}


class Op:
    """A differentiable operation, callable on Values and plain numbers alike.

    Given at least one Value it returns a Value (a node of the graph); given only plain
    numbers it returns a float, so the same function serves the forward pass and the
    derivative rules.
    """

    def __init__(self, rule, doc=None):
        self.rule = rule
        self.__doc__ = doc

    @property
    def __name__(self):
        return self.rule.name

    def __repr__(self):
        return f"<autograd_lite op {self.rule.name!r}>"

    def __call__(self, *args):
        rule = self.rule
        if not any(isinstance(a, Value) for a in args):
            return rule.value([as_real(a, f"op {rule.name!r}: an argument") for a in args])
        parents = tuple(a if isinstance(a, Value) else constant(a, rule) for a in args)
        data = rule.value([p.data for p in parents])
        return make_node(data, parents, None, rule)


def constant(x, rule) -> Value:
    """A plain-number operand, wrapped as a leaf so that every operand is a node."""
    if isinstance(x, Value):
        return x
    if type(x) is not float:
        x = as_real(x, f"an operand of {rule.label!r}")
    return make_node(x, (), None, None)


def define_op(name, forward, derivative, *, doc=None, _builtin=False):
    """Add an operation to the rule table and return it as a callable.

    >>> import math, autograd_lite as ag
    >>> softplus = ag.define_op(
    ...     "softplus",
    ...     forward=lambda x: math.log1p(math.exp(x)),
    ...     derivative=lambda x, out: (ag.sigmoid(x),),
    ... )
    >>> x = ag.Value(0.0); y = softplus(x); y.backward(); x.grad
    0.5

    ``derivative`` receives the inputs and the output and returns one local derivative per
    input. Write it with ``ag`` functions (``ag.exp``, ``ag.sigmoid``, ...) and it works on
    floats and on Values, so your op supports ``grad(grad(f))`` and ``hessian`` too.
    Defining a name again replaces your earlier definition; built-in names are reserved.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"define_op: name must be a non-empty str, got {name!r}")
    if not name.isprintable():  # "\n", "\x1b", a lone surrogate: no picture could show it
        raise ValueError(
            f"define_op: name must be printable text without control characters, got {name!r}"
        )
    for role, f in (("forward", forward), ("derivative", derivative)):
        if not callable(f):
            raise TypeError(f"define_op({name!r}): {role} must be callable, got {f!r}")
    existing = RULES.get(name)
    if existing is not None and existing.builtin:
        raise ValueError(f"define_op: {name!r} is a built-in op; choose another name")
    rule = Rule(name, forward, derivative, builtin=_builtin)
    RULES[name] = rule
    return Op(rule, doc)
