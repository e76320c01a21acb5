"""The rule table: each operation is one row, its forward and its derivative side by side.

A row is two functions, written once:

- ``forward(*floats) -> float``: the value;
- ``derivative(*inputs, out) -> tuple``: one local derivative d out / d input per input.

Recording a node applies its row: ``forward`` gives the node's number and ``derivative``,
called on the same floats, gives the local derivatives, which the node keeps for backward.
When ``gradients(..., create_graph=True)`` builds the backward pass out of the graph itself,
``derivative`` is called again, on the Values. So it must use functions that work on both,
such as ``ag.exp`` and ``ag.cos``; then every operation, built-in or yours, can be
differentiated to any order.

Every built-in operation is a row made by ``define_op`` (see ``ops.py``), exactly like yours;
only ``x ** c``, ``c ** x`` and ``leaky_relu`` make a small row of their own per constant
(and, inside derivatives, an ``x ** c`` that gives inf where the user's one raises).

The words, in one place: a *row* of the table is a ``Rule`` (``RULES`` maps each name to its
row); an *op* (``Op``, or ``UnaryOp``/``BinaryOp`` for one or two inputs) is the callable you
use, ``ag.exp`` or what ``define_op`` returns, and it holds its row as ``.rule``; *recording*
a node is applying the row to Values (``Rule.record``, or the op's ``apply``), and a node
remembers its row in ``_rule``.
"""

from __future__ import annotations

import inspect

from .reals import as_real
from .recording import _is_recording, on_numbers, taking_derivative
from .value import Value


class Rule:
    """One row of the table. ``label`` is what pictures show (``**2`` for ``x ** 2``).

    ``key`` names the row in a pickle: its name, or (kind, constant) for a row made for one
    constant (``x ** 2`` is ``("x**c", 2.0)``). A built-in row is trusted; a row of yours
    has what it returns checked.
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

    def number(self, floats) -> float:
        """The number this row computes from ``floats``: ``forward``, checked to be real."""
        # (forward_of_yours, further down: your forward, where Python's errors name your op)
        out = self.forward(*floats) if self.builtin else forward_of_yours(self, floats)
        if type(out) is float:
            return out
        if isinstance(out, Value):
            raise TypeError(
                f"op {self.name!r}: forward must return a float, got a Value; forward gets "
                "plain numbers and must not bring in a Value (one from outside it, say): "
                "Values belong in the derivative"
            )
        return as_real(out, f"op {self.name!r}: the result of forward")

    def local_derivatives(self, inputs, out) -> tuple | list:
        """``derivative(*inputs, out)``, checked: a tuple (or list) with one entry per input."""
        if self.builtin:  # the table's own rows: trusted (and none calls float() on a Value)
            return self.derivative(*inputs, out)
        local = derivative_of_yours(self, inputs, out)  # (on Values, math.exp(x) warns)
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

    def record(self, parents) -> Value:
        """The node this row makes from ``parents``: its number and, when recording, its
        parents and local derivatives (kept in the node as two tuples). Your ops record
        their nodes here, and so do ``sum``, ``mean`` and ``dot`` where their fast paths in
        ops.py do not apply (a plain number among the operands, a Value subclass, no_grad).
        A built-in row of one or two inputs takes the same steps in ``UnaryOp.apply`` and
        ``BinaryOp.apply`` below."""
        floats = [p.data for p in parents]
        node = Value(self.number(floats))
        if _is_recording():  # False inside ``with ag.no_grad():``: a number, no graph
            node._rule = self
            node._b = parents  # (an n-ary node keeps its parents in _b: see value.py)
            node._db = self._local_floats(floats, node.data)
        return node

    def _local_floats(self, floats, out):
        """The local derivatives on floats, or None when ``derivative`` gives no proper
        tuple: then backward asks this row again, and says what is wrong."""
        if self.builtin:
            return self.derivative(*floats, out)
        local = derivative_of_yours(self, floats, out, on_floats=True)
        if not isinstance(local, (tuple, list)) or len(local) != len(floats):
            return None
        where = f"op {self.name!r}: a local derivative"
        return tuple([d if type(d) is float else as_real(d, where) for d in local])


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
        self.__signature__ = signature_or_none(rule.forward)  # atan2(y, x), as forward says

    @property
    def __name__(self) -> str:
        return self.rule.name

    def __repr__(self):
        return f"<autograd_lite op {self.rule.name!r}>"

    def __call__(self, *args, **keywords):
        rule = self.rule
        if keywords:  # (checks of what your op is given and returns are at the end)
            refuse_keywords(self, args, keywords)
        if not any(isinstance(a, Value) for a in args):
            return rule.number([as_real(a, f"op {rule.name!r}: an argument") for a in args])
        return rule.record(tuple([a if isinstance(a, Value) else constant(a, rule) for a in args]))


class UnaryOp(Op):
    """A built-in row of one input, applied straight into the node's slots.

    The same steps as ``Rule.record``, without its loops and tuples: a network calls these
    once per node, and a node kept in its own slots is one object for the garbage collector.
    Value's operators call ``apply``, a plain method (quicker than calling the op object);
    ``x.relu()``, like ``a + b`` and ``a * b`` of two Values, writes the row out in ``Value``
    instead; ``ag.relu(x)`` comes here.
    """

    def apply(self, x):
        rule = self.rule
        if not isinstance(x, Value):
            return rule.forward(as_real(x, f"op {rule.name!r}: an argument"))
        data = x.data
        if type(data) is not float:  # set by hand (p.data -= lr * p makes it a Value)
            data = as_real(data)  # (a number as a float; for a Value, it says what went wrong)
        out = rule.forward(data)
        if not _is_recording():
            return Value(out)
        (local,) = rule.derivative(data, out)
        return Value(out, "", rule, x, local)

    __call__ = apply


class BinaryOp(Op):
    """A built-in row of two inputs, applied straight into the node's slots (see UnaryOp)."""

    def apply(self, a, b):
        rule = self.rule
        if not isinstance(a, Value):
            if not isinstance(b, Value):
                where = f"op {rule.name!r}: an argument"
                return rule.forward(as_real(a, where), as_real(b, where))
            a = constant(a, rule)
        elif not isinstance(b, Value):
            b = constant(b, rule)
        x, y = a.data, b.data
        out = rule.forward(x, y)
        if not _is_recording():
            return Value(out)
        da, db = rule.derivative(x, y, out)
        return Value(out, "", rule, a, da, b, db)

    __call__ = apply


def constant(x, rule) -> Value:
    """A plain-number operand, wrapped as a leaf so that every operand is a node."""
    return Value(x if type(x) is float else as_real(x, f"an operand of {rule.label!r}"))


def define_op(name, forward, derivative, *, doc=None, _builtin=False):
    """Add an operation to the rule table and return it as a callable.

    >>> import math, autograd_lite as ag
    >>> softplus = ag.define_op(
    ...     "softplus",
    ...     forward=lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),  # log(1 + e^x)
    ...     derivative=lambda x, out: (ag.sigmoid(x),),
    ... )
    >>> x = ag.Value(0.0); y = softplus(x); y.backward(); x.grad
    0.5

    ``derivative`` receives the inputs and the output and returns one local derivative per
    input. Write it with ``ag`` functions (``ag.exp``, ``ag.sigmoid``, ...) and it works on
    floats and on Values, so your op supports ``grad(grad(f))`` and ``hessian`` too. Where
    it may divide by 0 (at a singular point), ``ag.ieee_div`` gives inf as IEEE does, and
    ``not x`` tests for 0 on both (``x == 0`` is identity on Values).
    Defining a name again replaces your earlier definition; built-in names are reserved.
    The op is checked here, once: its name, that ``forward`` needs no keyword-only input
    (an op's inputs go by position), and that ``derivative`` takes the inputs of
    ``forward`` and then ``out``.
    """
    _check_definition(name, forward, derivative, doc, _builtin)  # (in the next section)
    rule = Rule(name, forward, derivative, builtin=_builtin)
    RULES[name] = rule
    return Op(rule, doc)


# --- checking what define_op is given ------------------------------------------------------


def _check_definition(name, forward, derivative, doc, builtin):
    """``define_op``'s arguments, checked once, when the op is made: a printable name that
    is not a built-in's, two callables, a docstring or None, and a ``derivative`` that takes
    what ``forward`` takes and then ``out``."""
    if not isinstance(name, str):
        raise TypeError(f"define_op: name must be a str, got {type(name).__name__} {name!r}")
    if not name:
        raise ValueError("define_op: name must not be empty; give the op a name to show")
    if not name.isprintable():  # "\n", "\x1b", a lone surrogate: no picture could show it
        raise ValueError(
            f"define_op: name must be printable text without control characters, got {name!r}"
        )
    for role, f in (("forward", forward), ("derivative", derivative)):
        if not callable(f):
            raise TypeError(f"define_op({name!r}): {role} must be callable, got {f!r}")
    if doc is not None and not isinstance(doc, str):
        raise TypeError(
            f"define_op({name!r}): doc must be a str (the op's docstring) or None, "
            f"got {type(doc).__name__} {doc!r}"
        )
    existing = RULES.get(name)
    if existing is not None and existing.builtin:
        raise ValueError(f"define_op: {name!r} is a built-in op; choose another name")
    if not builtin:  # the table's own rows are checked by the tests instead
        _check_keywords(name, forward)
        _check_arity(name, forward, derivative)


def _check_keywords(name, forward):
    """``forward(x, *, c)`` could never be called: an op passes its inputs by position, and
    refuses keywords (each input is an operand, and gets a derivative)."""
    try:
        params = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        return
    for p in params:
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            raise TypeError(
                f"define_op({name!r}): forward needs the keyword-only {p.name}, which no call "
                "of an op can give (its inputs go by position): make it an input, or make one "
                "op per constant with a function that calls define_op"
            )


def _check_arity(name, forward, derivative):
    """``derivative`` must accept the inputs ``forward`` needs and then ``out``, where the
    two signatures tell (a builtin such as math.hypot, or ``*args``, may not)."""
    n = inputs_needed(forward)
    try:
        takes = inspect.signature(derivative)
    except (TypeError, ValueError):
        return
    if n is None:
        return
    try:
        takes.bind(*range(n + 1))
    except TypeError:
        raise TypeError(
            f"define_op({name!r}): forward takes {n} input(s), so derivative must take "
            f"{n + 1} arguments, the inputs and then out (derivative{takes})"
        ) from None


#: What Python raises when it refuses a forward's arithmetic or call: 1/0, math.log(-1),
#: exp(1000), a wrong count of inputs.
_REFUSALS = (ZeroDivisionError, OverflowError, ValueError, TypeError)


def forward_of_yours(rule, floats):
    """``rule.forward(*floats)``, where Python's refusals (a division by zero, a math
    domain error, a wrong count of inputs) say which op and which inputs: a bare "float
    division by zero" does not say where. An op's own error, naming its op, passes on."""
    try:
        return rule.forward(*floats)
    except _REFUSALS as error:
        if type(error) not in _REFUSALS or str(error).startswith("op "):
            raise  # (a subclass is an error of its own, raised on purpose: passed on as it is)
        at = _at(input_names(rule.forward, len(floats)), floats)
        raise type(error)(
            f"op {rule.name!r}: forward raised {type(error).__name__} ({error}) at {at}"
        ) from error


def derivative_of_yours(rule, inputs, out, on_floats=False):
    """``rule.derivative(*inputs, out)``: on the floats of a node being made (in
    ``on_numbers``), or differentiated again (in ``taking_derivative``). Python's refusals
    name no op: a TypeError (a count of inputs that the derivative cannot take, as
    math.hypot's forward takes any; a slip in it) says which op, where and how it was
    called, and on Values a TypeError or AttributeError (``x.is_integer()``) says that
    there the derivative is given Values. An op's own error, naming its op, passes on."""
    name = rule.name
    block = (
        on_numbers(name)
        if on_floats
        else taking_derivative(f"op {name!r}: its derivative, differentiated again")
    )
    try:
        with block:
            return rule.derivative(*inputs, out)
    except (TypeError, AttributeError) as error:
        kind = type(error)
        on_values = any(isinstance(x, Value) for x in (*inputs, out))
        if kind not in (TypeError, AttributeError) or str(error).startswith("op "):
            raise
        if kind is AttributeError and not on_values:
            raise
        names = input_names(rule.forward, len(inputs))
        called = f"called as derivative({', '.join([*names, 'out'])})"
        if not on_values:
            raise TypeError(
                f"op {name!r}: its derivative raised TypeError ({error}) at "
                f"{_at(names, inputs)}, {called}"
            ) from error
        raise kind(
            f"op {name!r}: its derivative, differentiated again, raised {kind.__name__} "
            f"({error}), {called} on Values, not floats: write it with ag functions and "
            "operators, which take both (and compare, x > 0, or test for 0, not x, for a "
            "branch)"
        ) from error


def _at(names, numbers) -> str:
    """``x=0.5, y=2.0``: where an op was, for its messages."""
    return ", ".join(f"{n}={x!r}" for n, x in zip(names, numbers)) or "no inputs"


def refuse_keywords(op, args, keywords):
    """An op takes its inputs by position only: each is an operand, and is differentiated.
    The advice writes the call by position: a keyword that names an input of forward in
    that input's place, and each other input by its name (x where forward names none); any
    other keyword is added at the end, as a constant."""
    name, given = op.rule.name, ", ".join(f"{k}={v!r}" for k, v in keywords.items())
    params = positional_names(op.rule.forward)
    named = [p for p in params[len(args) :] if p in keywords]
    if len(args) > len(params) or not (args or named):
        shown = ["x"]
    else:  # up to the last input given: atan2(x=2.0) is atan2(y, 2.0)
        last = max([len(args)] + [params.index(p) + 1 for p in named])
        shown = [repr(keywords[p]) if p in named else p for p in params[:last]]
    shown += [repr(v) for k, v in keywords.items() if k not in named]
    constants = (
        ""
        if len(named) == len(keywords)
        else " (its local derivative is then yours to give, "
        "0.0 for a constant), or make one op per constant with a function that calls define_op"
    )
    raise TypeError(
        f"op {name!r} takes its inputs by position, got {given}: every input is an operand "
        f"and gets a derivative, so write {name}({', '.join(shown)}){constants}"
    )


def positional_names(function) -> list[str]:
    """The names of function's positional parameters (``["y", "x"]`` for an atan2's
    forward); [] where it has none to read (``*xs``, or a builtin without a signature)."""
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # (a builtin may have none)
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def input_names(function, count) -> list[str]:
    """Names for ``count`` inputs of function: its parameters' (``y``, ``x``), and
    ``input 2``, ... for those it does not name. gradcheck's table and the messages about
    an op's inputs use these."""
    named = positional_names(function)
    return [named[i] if i < len(named) else f"input {i}" for i in range(count)]


def signature_or_none(function):
    """``function``'s signature with its inputs by position only (``(y, x, /)``), or None
    where Python cannot read one (``math.atan2``): an op's signature is its forward's, so
    that ``gradcheck``'s table and ``grad(op)`` name the inputs, and an op takes no keyword."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    kept = [p for p in signature.parameters.values() if p.kind != p.KEYWORD_ONLY]
    by_position = [p.replace(kind=p.POSITIONAL_ONLY) if p.kind == p.POSITIONAL_OR_KEYWORD else p
                   for p in kept if p.kind != p.VAR_KEYWORD]  # fmt: skip
    return signature.replace(parameters=by_position)


def inputs_needed(function, after=0) -> int | None:
    """How many positional arguments ``function`` needs, less ``after`` (1 for a
    derivative's ``out``); None when its signature cannot tell (``*args``, or a builtin
    without one). A parameter with a default (``lambda x, k=2.0: ...``) is not needed: a
    call may leave it out. ``define_op`` and ``testing.user_op`` both count this way."""
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
               for p in params) - after  # fmt: skip


def deferring(apply, reflected):
    """``apply(a, b)`` for an operator of Value, but Python's ``NotImplemented`` when ``b`` is
    an array (NumPy's, or any type with ``__array_ufunc__``) that has the ``reflected``
    operator (``__radd__`` for ``+``): then Python asks the array, which does it element by
    element, so ``Value + array`` works as ``array + Value`` does. Any other operand keeps
    the error that says what to give (a torch tensor, a set, text, a list)."""

    def operator(a, b):
        try:
            return apply(a, b)
        except TypeError:
            kind = type(b)
            if getattr(kind, "__array_ufunc__", None) is None or not hasattr(kind, reflected):
                raise
            return NotImplemented

    return operator
