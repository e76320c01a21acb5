"""`grad`, `value_and_grad`, `hessian` and `gradients`: derivatives as functions.

``grad(f)`` is a new function that returns f's derivative instead of f's value::

    >>> from autograd_lite import grad
    >>> f = lambda x: x ** 3
    >>> grad(f)(2.0)                # 3 x**2
    12.0
    >>> grad(grad(f))(2.0)          # 6 x
    12.0
    >>> grad(grad(grad(f)))(2.0)    # 6
    6.0

How the nesting works. ``grad`` runs ``f`` to record its graph and returns plain floats.
But inside a function that an outer ``grad`` is differentiating, it differentiates with
``gradients(..., create_graph=True)`` instead: the derivative comes back as a Value whose
own graph the outer ``grad`` differentiates again. (To get a differentiable derivative of
your own Values, call ``gradients(..., create_graph=True)``.)

Fresh argument nodes. Each differentiated argument enters ``f`` as a new node of its own:
a plain number becomes a new leaf, and a Value ``x`` becomes ``argument(x)``, a node equal
to ``x`` whose local derivative is 1. ``grad`` differentiates with respect to that new node,
so it gets the *partial* derivative with respect to the argument, while an outer ``grad``
still reaches ``x`` through the edge of derivative 1. Without it, ``f`` could not tell its
argument from a Value it closes over, and the two would be confused ("perturbation
confusion")::

    >>> grad(lambda x: grad(lambda y: x * y)(x))(3.0)   # d/dx [d/dy x·y] = d/dx [x] = 1
    1.0

Had the inner ``grad`` differentiated ``x`` itself, it would have seen ``x * x`` and
answered ``2x``, and the outer one 2.0. The same holds for a Value you pass yourself:
``x = Value(3.0); grad(lambda y: x * y)(x)`` is 3.0 (``y``'s coefficient), not 6.0.

Keyword arguments go to ``f`` as they are and are never differentiated (as in JAX):
``grad(f)(x, scale=2.0)``.

``grad`` records even inside ``no_grad``: asking for a derivative asks for the graph.
"""

from __future__ import annotations

import contextlib
import inspect

from .fast_backward import interior_order
from .graph import chain_rule, is_node, topological_order
from .ops import argument  # the identity row: a fresh node for each argument
from .reals import as_flag, as_operands, as_real
from .reals import shown as shown_value
from .recording import (
    CUT_BY_GRADS,
    _outer_calls,
    _recording,
    _taking_derivative,
    warn_if_cutting,
)
from .value import Value


def grad(f, argnums=0, has_aux=False):
    """The function that returns df/dx instead of f(x).

    ``argnums`` picks which positional argument(s) to differentiate: an int gives one
    derivative, a tuple gives a tuple of them (``grad(f, (0, 1))(x, y)`` is
    ``(df/dx, df/dy)``). Keyword arguments are passed to ``f`` and not differentiated.
    With ``has_aux=True``, as in JAX, ``f`` returns a pair ``(output, aux)``: the output is
    differentiated and the new function returns ``(df/dx, aux)``, aux as ``f`` gave it
    (but for its Values, given as numbers as the derivatives are: ``_the_aux``).

    Errors: an ``argnums`` of the wrong type (``1.0``, ``"0"``, ``True``) is a
    ``TypeError``; a negative position or an empty tuple is a ``ValueError``. Calling the
    new function with fewer positional arguments than ``argnums`` needs is a ``TypeError``,
    as for any call with a missing argument (JAX does the same).
    """
    _check_callable(f, "grad")
    positions, as_tuple = _positions(argnums, "grad")
    has_aux = as_flag(has_aux, "grad: has_aux")

    def derivative(*args, **kwargs):
        aux = []  # (f's aux, when has_aux)
        g = _output_of(f, aux, "grad") if has_aux else f
        _, grads = _evaluate(g, args, kwargs, positions, "grad")
        result = grads if as_tuple else grads[0]
        return (result, _the_aux(aux)) if has_aux else result

    return _named_after(f, derivative, "grad")


def value_and_grad(f, argnums=0, has_aux=False):
    """Like ``grad``, but the new function returns ``(f(x), df/dx)``: one forward pass.

    ``argnums``, keyword arguments and errors are as for ``grad``; with ``has_aux=True`` it
    returns ``((output, aux), df/dx)``, as JAX does.
    """
    _check_callable(f, "value_and_grad")
    positions, as_tuple = _positions(argnums, "value_and_grad")
    has_aux = as_flag(has_aux, "value_and_grad: has_aux")

    def value_and_derivative(*args, **kwargs):
        aux = []
        g = _output_of(f, aux, "value_and_grad") if has_aux else f
        value, grads = _evaluate(g, args, kwargs, positions, "value_and_grad")
        grads = grads if as_tuple else grads[0]
        return ((value, _the_aux(aux)), grads) if has_aux else (value, grads)

    return _named_after(f, value_and_derivative, "value_and_grad")


def hessian(f, has_aux=False):
    """The function that returns the matrix of second derivatives of f, as a list of rows.

    ``hessian(f)(x, y)[i][j]`` is d²f / d(arg i) d(arg j) over every positional argument
    (keyword arguments are passed to ``f`` and not differentiated). Every row comes from
    one more ``gradients`` pass over the graph of the first derivatives. With
    ``has_aux=True``, as for ``grad``, ``f`` returns ``(output, aux)`` and the new function
    returns ``(rows, aux)``.

    >>> from autograd_lite import hessian
    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)   # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    _check_callable(f, "hessian")
    has_aux = as_flag(has_aux, "hessian: has_aux")

    def second_derivatives(*args, **kwargs):
        if not args:
            raise TypeError(
                "hessian: the function needs at least one positional argument to "
                "differentiate; keyword arguments are not differentiated"
            )
        positions = tuple(range(len(args)))
        aux = []
        g = _output_of(f, aux, "hessian") if has_aux else f
        with differentiating():
            inputs, keep_values, output = _trace(g, args, kwargs, positions, "hessian")
            first = gradients(output, inputs, create_graph=True)
        rows = [gradients(d, inputs, create_graph=keep_values) for d in first]
        return (rows, _the_aux(aux)) if has_aux else rows

    return _named_after(f, second_derivatives, "hessian")


# --- the shared machinery ---------------------------------------------------------------


def _evaluate(f, args, kwargs, positions, who):
    """Run f on args and differentiate it with respect to the arguments at ``positions``.

    Returns ``(value, tuple of derivatives)``: floats at the top level, Values when an
    outer ``grad`` or ``hessian`` is differentiating this call's result.
    """
    with differentiating():
        inputs, keep_values, output = _trace(f, args, kwargs, positions, who)
    grads = gradients(output, inputs, create_graph=keep_values)
    if keep_values:
        return output, tuple(grads)
    return float(output), tuple(float(g) for g in grads)


def _trace(f, args, kwargs, positions, who):
    """Call f with a fresh node at each of ``positions``; return (those nodes, keep Values?,
    output). Call it inside ``differentiating()``.
    """
    keep_values = _outer_calls.get() > 1  # an outer grad will differentiate the result
    if positions and max(positions) >= len(args):
        raise TypeError(
            f"{who}: argnums asks for argument {max(positions)}, but the function was "
            f"called with {len(args)} positional argument(s); pass it positionally"
        )
    args = list(args)
    for i in sorted(set(positions)):
        args[i] = fresh_node(args[i], f"{who}: argument {i}")
    output = f(*args, **kwargs)
    if not isinstance(output, Value):
        output = _scalar_output(output, f, who)
    return [args[i] for i in positions], keep_values, output


def fresh_node(x, where="an argument") -> Value:
    """x as a node of its own, for differentiating: a new leaf for a number, and
    ``argument(x)`` for a Value (equal to x, local derivative 1: derivatives reach x).
    """
    if isinstance(x, Value):
        return argument(x)
    return Value(as_real(x, where))


class differentiating:
    """Inside: ``f`` is being differentiated. Recording is on (even within ``no_grad``), and a
    ``grad`` called in here returns Values, so that the outer derivative reaches through it.

    ``grad``, ``hessian`` and ``gradcheck`` run the function they differentiate inside it.
    """

    def __enter__(self):
        self._tokens = (
            _recording.set(True),
            _outer_calls.set(_outer_calls.get() + 1),
            _taking_derivative.set("a function being differentiated (grad, hessian, gradcheck)"),
        )

    def __exit__(self, *exc_info):
        recording, depth, cutting = self._tokens
        _taking_derivative.reset(cutting)
        _outer_calls.reset(depth)
        _recording.reset(recording)
        return False


def _output_of(f, aux, who):
    """``f`` for ``has_aux``: it returns ``(output, aux)``; this returns the output, to be
    differentiated, and appends the aux to the list ``aux``."""

    def output_only(*args, **kwargs):
        result = f(*args, **kwargs)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            name = getattr(f, "__name__", "f")
            raise TypeError(
                f"{who}(has_aux=True): {name} must return a pair (output, aux), got "
                f"{type(result).__name__} {shown_value(result)}; without an aux, drop has_aux"
            )
        aux.append(result[1])
        return result[0]

    output_only.__name__ = getattr(f, "__name__", "f")  # (what errors about the output name)
    output_only.has_aux = True  # (an output that is a pair is then not told about has_aux)
    return output_only


def _the_aux(kept):
    """The aux that ``f`` returned beside its output (kept by ``_output_of``). At the top
    level each Value in it, in tuples, lists and dicts, is given as its number, as the
    derivatives are (JAX gives concrete arrays): no node of the traced graph leaks out.
    Under an outer ``grad`` it stays a Value, which that grad differentiates."""
    return kept[0] if _outer_calls.get() > 0 else _numbers_in(kept[0])


def _numbers_in(aux):
    if isinstance(aux, Value):
        return aux.data
    if type(aux) in (tuple, list):
        return type(aux)(_numbers_in(a) for a in aux)
    if type(aux) is dict:
        return {key: _numbers_in(a) for key, a in aux.items()}
    return aux


def _scalar_output(output, f, who):
    """A plain-number result is a constant (derivative 0); anything else is an error."""
    name = getattr(f, "__name__", "f")
    shown = repr(output)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if isinstance(output, (list, tuple)):
        hint = "differentiate one entry at a time, or return their sum (ag.sum)"
        if len(output) == 2 and not getattr(f, "has_aux", False):
            hint += "; if the second is data to return beside the derivative, pass has_aux=True"
    else:
        hint = "return one number or one Value"
    try:
        return as_real(output)  # an int, a float, a NumPy scalar...
    except TypeError:
        raise TypeError(
            f"{who}: {name} must return a single number (a scalar), but it returned "
            f"{type(output).__name__} {shown}; {hint}"
        ) from None


def _positions(argnums, who):
    """argnums as a tuple of argument positions, and whether the caller gave a tuple (or a
    list, which JAX takes as the tuple).

    Wrong type: TypeError; an int or tuple with a bad value: ValueError.
    """
    if _is_int(argnums):
        positions, as_tuple = (argnums,), False
    elif isinstance(argnums, (tuple, list)) and all(_is_int(i) for i in argnums):
        positions, as_tuple = tuple(argnums), True
    else:
        raise TypeError(
            f"{who}: argnums must be an argument position (an int >= 0) or a tuple (or list) "
            f"of them, got {type(argnums).__name__} {argnums!r}"
        )
    if not positions:
        raise ValueError(f"{who}: argnums is an empty tuple; name at least one position")
    if any(i < 0 for i in positions):
        raise ValueError(f"{who}: argnums must be positions counted from 0 (>= 0), got {argnums!r}")
    return positions, as_tuple


def _is_int(i) -> bool:
    return isinstance(i, int) and not isinstance(i, bool)


def _named_after(f, wrapper, who):
    """Give ``wrapper`` a name such as ``grad(f)`` and f's parameters (x, y, ...)."""
    wrapper.__name__ = wrapper.__qualname__ = f"{who}({getattr(f, '__name__', 'f')})"
    wrapper.__doc__ = f"{who} of {getattr(f, '__name__', 'f')}: see autograd_lite.{who}."
    with contextlib.suppress(TypeError, ValueError):  # some callables do not tell
        wrapper.__signature__ = inspect.signature(f)
    return wrapper


def _check_callable(f, who):
    if not callable(f):
        raise TypeError(f"{who} needs a function, got {type(f).__name__} {f!r}")


# --- gradients: the chain rule's dictionary, as a list -----------------------------------


def gradients(output, inputs, create_graph=False) -> list:
    """d output / d input for each input, without touching any ``.grad``.

    Floats by default. With ``create_graph=True`` the backward pass is itself built out of
    Values, so each gradient is a Value you can differentiate again (``grad`` of ``grad``).
    An input that ``output`` does not depend on gets 0.0, a plain number, either way.
    """
    as_flag(create_graph, "gradients: create_graph")
    inputs = as_operands(inputs, "gradients(output, inputs): inputs", "Values")
    for i, x in enumerate(inputs):
        if not is_node(x):
            raise TypeError(f"gradients: inputs[{i}] must be a Value, got {type(x).__name__}")
    if not is_node(output):
        _check_number(output)
        return [0.0 for _ in inputs]
    if not create_graph:  # floats: inside grad(f), the outer derivative cannot see them
        warn_if_cutting(CUT_BY_GRADS)
    # With create_graph the backward pass is made of Values, and must record even under
    # no_grad (as in PyTorch): asking for a differentiable gradient asks for its graph.
    token = _recording.set(True) if create_graph else None
    try:
        order = interior_order if isinstance(output, Value) else topological_order
        grads = chain_rule(output, 1.0, create_graph, order)
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
            result.append(g if is_node(g) else type(output)(g))
    return result


def _check_number(x):
    """A constant output: every derivative is 0; anything but one real number is a TypeError
    that says what to give (``as_real``: an array of several numbers has ``__float__`` too,
    but is a collection)."""
    as_real(x, "gradients(output, inputs): output")
