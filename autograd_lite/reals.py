"""What counts as a number: ``as_real`` gives an argument as a float, or says what to give.

Every place that takes a number goes through it (``Value(data)``, ``backward(gradient)``, an
operation's plain-number argument, an exponent), so every refusal reads the same: a
``TypeError`` that names the argument, what it got and what to give instead. It knows a
Value only through the node protocol (``graph.is_node``), so it imports no node class.
"""

from __future__ import annotations

import math
import numbers

from .graph import is_node


def as_real(x, where="Value(data)"):
    """``x`` as a float, or a TypeError that says what was given and what to do instead."""
    kind = type(x)
    if kind is float:
        return x
    if kind is int:
        try:
            return float(x)
        except OverflowError:  # IEEE: too large is inf, never an exception
            return math.inf if x > 0 else -math.inf
    if is_node(x):  # a Value has __float__, but taking its number would cut the graph
        hint = "give its .data, the number it holds (or .detach() for a new leaf)"
        if where == "Value(data)":  # also met when an operand's .data holds a Value
            hint += (
                "; if you did not call Value() here, an operand's .data holds a Value: set "
                ".data to numbers only (an update is p.data -= lr * p.grad, not lr * p)"
            )
    else:
        hint = _advice(x)
        if hint is None and hasattr(kind, "__len__") and getattr(x, "ndim", None) == 0:
            # a 0-d NumPy array: float() converts what it holds (True, '1.5'), so that decides
            entry = x.item()
            if isinstance(entry, bool) or not isinstance(entry, (int, float)):
                hint = _advice(entry)  # (None for a Fraction, say: float() converts it)
        if hint is None:  # an object with __float__: a NumPy number, a Fraction, ...
            try:
                return float(x)
            except OverflowError:  # a Fraction or an int subclass past 1.8e308: IEEE: inf
                return math.inf if x > 0 else -math.inf
            except (TypeError, ValueError) as error:  # e.g. an array of several numbers
                if hasattr(kind, "__len__"):
                    hint = "give one number, not a collection of them"
                else:  # one number that would not convert (a signalling NaN Decimal, say)
                    hint = f"its __float__ failed ({error}); give a float"
    raise TypeError(f"{where} needs a real number, got {kind.__name__} {shown(x)}: {hint}")


def _advice(x) -> str | None:
    """What to give instead of ``x`` (not a Value), or None when ``x`` may be a number."""
    kind = type(x)
    if isinstance(x, bool) or kind.__name__ in ("bool_", "bool"):
        return "use 1.0 or 0.0 if you mean a number"
    if x is None:
        return "give it a number such as 0.0"
    if isinstance(x, (str, bytes)):
        return "convert text first, e.g. float(text)"
    if isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
        return "autograd-lite works with real numbers only; take .real or abs() first"
    if isinstance(x, (list, tuple)):
        return "give one number, not a list of them"
    if not hasattr(kind, "__float__"):
        return "give an int, a float, or an object with __float__"
    return None


def as_flag(x, where) -> bool:
    """``x`` when it is True or False, else a TypeError naming ``where`` ("no" or 1 would
    pass an ``if``, so a flag takes a bool only, as PyTorch's do)."""
    if type(x) is not bool:
        raise TypeError(f"{where} must be True or False, got {shown(x)}")
    return x


def shown(x) -> str:
    """``repr(x)``, cut to 40 characters: how an error message shows what it was given."""
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


def as_operands(values, where, what="Values or numbers") -> tuple:
    """``values`` (a list, a tuple, a generator: anything iterable) as a tuple, or a
    TypeError that says what was given and what to give instead (``ag.sum(5)``,
    ``ag.dot(x, y)`` of two Values, ``ag.mean("abc")``)."""
    if not isinstance(values, (str, bytes)):
        try:
            items = iter(values)
        except TypeError:
            pass
        else:
            return tuple(items)
    if is_node(values):
        hint = "for one Value v, write [v]"
    elif isinstance(values, (str, bytes)):
        hint = "convert text to numbers first"
    else:
        hint = f"give a list of {what}, e.g. [a, b, c]"
    got = f"{type(values).__name__} {shown(values)}"
    raise TypeError(f"{where} needs {what} in a list, got {got}: {hint}")
