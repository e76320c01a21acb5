"""What the judges of all the tasks share: the ``Task``, and answers put into words.

A judge compares numbers with ``close``, shows them short with ``num``, shows what an answer
returned with ``shown``, and names what it is with ``kind`` ("a Value", "a string").
"""

from __future__ import annotations

import math
import numbers


class Task:
    """One exercise: how to draw inputs, how to judge an answer on one, what to call them."""

    def __init__(self, name, inputs, judge, noun="inputs", right=None):
        self.name = name
        self.inputs = inputs  # a hypothesis strategy
        self.judge = judge  # (answer, case) -> None, or raises Wrong
        self.noun = noun
        self.right = right  # a right answer, put in for a wrong one a later answer calls


def num(x) -> str:
    """A number, short: 1.0, -2.5, 0.7615941559557649 -> 0.761594156."""
    if isinstance(x, float):
        text = repr(x)
        return text if len(text) <= 12 else f"{x:.9g}"
    return repr(x)


def close(x, y) -> bool:
    """Equal but for rounding: within a relative 1e-7 (or an absolute 1e-9 near 0)."""
    return math.isclose(x, y, rel_tol=1e-7, abs_tol=1e-9) or x == y


def is_number(x) -> bool:
    """A real number, and not True or False."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def not_returned(out):
    """The hint for a function that returned None."""
    if out is None:
        return "It returned None: did you forget the `return`?"
    return None


def kind(x, many=False) -> str:
    """What x is, for a hint: 'a Value' (or 'Values'), 'a string', 'True or False'."""
    if isinstance(x, bool):
        return "True or False"
    if x is None:
        return "None"
    name = "string" if isinstance(x, str) else type(x).__name__
    if many:
        return name + ("es" if name.endswith(("s", "x")) else "s")  # (complexes)
    return f"an {name}" if name[0] in "aeiou" or name == "ndarray" else f"a {name}"


def shown(out) -> str:
    """What an answer returned, as the verdict shows it: numbers short, anything else by
    its repr, cut at 80 characters."""
    if is_number(out):
        return num(out)
    if isinstance(out, (tuple, list)) and all(is_number(x) for x in out):
        inner = ", ".join(num(x) for x in out)
        if isinstance(out, list):
            return f"[{inner}]"
        return f"({inner},)" if len(out) == 1 else f"({inner})"  # (1.0,) is a tuple, (1.0) not
    text = repr(out)
    return text if len(text) <= 80 else text[:77] + "..."
