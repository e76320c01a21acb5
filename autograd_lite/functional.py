"""`grad`, `value_and_grad` and `hessian`: derivatives as functions.

``grad(f)`` is a new function that returns f's derivative instead of f's value::

    >>> from autograd_lite import grad
    >>> f = lambda x: x ** 3
    >>> grad(f)(2.0)                # 3 x**2
    12.0
    >>> grad(grad(f))(2.0)          # 6 x
    12.0
    >>> grad(grad(grad(f)))(2.0)    # 6
    6.0

How the nesting works. ``grad`` wraps plain-number arguments as fresh leaf Values (a Value
argument is used as it is), runs ``f`` to record its graph, and returns plain floats. But
inside a function that an outer ``grad`` is differentiating, it differentiates with
``gradients(..., create_graph=True)`` instead: the derivative comes back as a Value whose
own graph the outer ``grad`` differentiates again. So an inner ``grad`` may even close over
the outer variable: ``grad(lambda x: grad(lambda y: x * y)(2.0))(3.0)`` is 1.0. (To get a
differentiable derivative of your own Values, call ``gradients(..., create_graph=True)``.)

``grad`` records even inside ``no_grad``: asking for a derivative asks for the graph.
"""

from __future__ import annotations

import contextlib
import inspect
from contextvars import ContextVar

from .graph import gradients
from .recording import _recording
from .value import Value, as_real

# How many grad / hessian calls are evaluating their function right now (in this thread
# or task). Inside one, a derivative must stay a Value: the outer call differentiates it.
_outer_calls: ContextVar[int] = ContextVar("autograd_lite_outer_grad_calls", default=0)


def grad(f, argnums=0):
    """The function that returns df/dx instead of f(x).

    ``argnums`` picks which positional argument(s) to differentiate: an int gives one
    derivative, a tuple gives a tuple of them (``grad(f, (0, 1))(x, y)`` is
    ``(df/dx, df/dy)``).
    """
    _check_callable(f, "grad")
    positions, as_tuple = _positions(argnums, "grad")

    def derivative(*args):
        _, grads = _evaluate(f, args, positions, "grad")
        return grads if as_tuple else grads[0]

    return _named_after(f, derivative, "grad")


def value_and_grad(f, argnums=0):
    """Like ``grad``, but the new function returns ``(f(x), df/dx)``: one forward pass."""
    _check_callable(f, "value_and_grad")
    positions, as_tuple = _positions(argnums, "value_and_grad")

    def value_and_derivative(*args):
        value, grads = _evaluate(f, args, positions, "value_and_grad")
        return value, (grads if as_tuple else grads[0])

    return _named_after(f, value_and_derivative, "value_and_grad")


def hessian(f):
    """The function that returns the matrix of second derivatives of f, as a list of rows.

    ``hessian(f)(x, y)[i][j]`` is d²f / d(arg i) d(arg j). Every row comes from one more
    ``gradients`` pass over the graph of the first derivatives.

    >>> from autograd_lite import hessian
    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)   # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    _check_callable(f, "hessian")

    def second_derivatives(*args):
        if not args:
            raise TypeError("hessian: the function needs at least one argument")
        positions = tuple(range(len(args)))
        with differentiating():
            inputs, keep_values, output = _trace(f, args, positions, "hessian")
            first = gradients(output, inputs, create_graph=True)
        rows = [gradients(g, inputs, create_graph=keep_values) for g in first]
        return rows

    return _named_after(f, second_derivatives, "hessian")


# --- the shared machinery ---------------------------------------------------------------


def _evaluate(f, args, positions, who):
    """Run f on args and differentiate it with respect to the arguments at ``positions``.

    Returns ``(value, list of derivatives)``: floats for plain-number calls, Values when
    the result may be differentiated again.
    """
    with differentiating():
        inputs, keep_values, output = _trace(f, args, positions, who)
    grads = gradients(output, inputs, create_graph=keep_values)
    if keep_values:
        return output, tuple(grads)
    return float(output), tuple(float(g) for g in grads)


def _trace(f, args, positions, who):
    """Call f with leaves at ``positions``; return (those leaves, keep Values?, output)."""
    keep_values = _outer_calls.get() > 1  # an outer grad will differentiate the result
    args = list(args)
    inputs = []
    for i in positions:
        if i >= len(args):
            raise TypeError(
                f"{who}: argnums asks for argument {i}, but the function was called with "
                f"{len(args)} argument(s)"
            )
        if not isinstance(args[i], Value):
            args[i] = Value(as_real(args[i], f"{who}: argument {i}"))
        inputs.append(args[i])
    output = f(*args)
    if not isinstance(output, Value):
        output = _scalar_output(output, f, who)
    return inputs, keep_values, output


class differentiating:
    """Inside: ``f`` is being differentiated. Recording is on (even within ``no_grad``), and a
    ``grad`` called in here returns Values, so that the outer derivative reaches through it.

    ``grad``, ``hessian`` and ``gradcheck`` run the function they differentiate inside it.
    """

    def __enter__(self):
        self._tokens = (_recording.set(True), _outer_calls.set(_outer_calls.get() + 1))

    def __exit__(self, *exc_info):
        recording, depth = self._tokens
        _outer_calls.reset(depth)
        _recording.reset(recording)
        return False


def _scalar_output(output, f, who):
    """A plain-number result is a constant (derivative 0); anything else is an error."""
    name = getattr(f, "__name__", "f")
    shown = repr(output)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if isinstance(output, (list, tuple)):
        hint = "differentiate one entry at a time, or return their sum (ag.sum)"
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
    """argnums as a tuple of argument positions, and whether the caller gave a tuple."""
    if isinstance(argnums, int) and not isinstance(argnums, bool) and argnums >= 0:
        return (argnums,), False
    if (
        isinstance(argnums, tuple)
        and argnums
        and all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in argnums)
    ):
        return argnums, True
    raise TypeError(
        f"{who}: argnums must be an argument position (an int >= 0) or a non-empty tuple "
        f"of them, got {argnums!r}"
    )


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
