"""Checking arguments, one rule everywhere.

Every public function of ``nn`` (and the command line) checks its arguments with these, so
the same mistake always gets the same answer:

- the wrong type (a str where a number belongs, a float where a count belongs, a bool
  anywhere a number belongs) raises ``TypeError``;
- the right type with a bad value (a count of 0, a negative rate, a probability of 1.5)
  raises ``ValueError``;
- every message starts with the argument's name and says what would be accepted.

Each check returns the value in the form the caller should keep (an ``int``, a ``float``,
a ``random.Random``), so a caller writes ``self.lr = rate(lr, "lr")``.

>>> positive_int(3, "epochs")
3
>>> positive_int(2.0, "epochs")
Traceback (most recent call last):
    ...
TypeError: epochs must be a positive int, got 2.0 (float)
>>> rate(-0.1, "lr")
Traceback (most recent call last):
    ...
ValueError: lr must be a finite number >= 0, got -0.1
"""

from __future__ import annotations

import inspect
import math
import numbers
import random
from collections.abc import Mapping

from autograd_lite import Value
from autograd_lite.reals import shown as _shown  # (the engine's: a repr cut to 40 characters)

__all__ = [
    "boolean",
    "choice",
    "finite_float",
    "integer",
    "is_int",
    "is_list_like",
    "is_real",
    "non_negative_int",
    "number",
    "positive_int",
    "positive_int_or_none",
    "probability",
    "rate",
    "real",
    "rng",
    "samples",
    "takes",
    "wrong_type",
]


def wrong_type(name: str, accepted: str, value) -> TypeError:
    """The one TypeError message: what was accepted, then what came and of which type
    (``raise wrong_type("a sample", "a list of numbers", x)``)."""
    return TypeError(f"{name} must be {accepted}, got {_shown(value)} ({type(value).__name__})")


def is_int(value) -> bool:
    """True for an integral number that is not a bool (an int, a NumPy integer)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """True for a real number that is not a bool (an int, a float, a Fraction, a NumPy
    scalar): the test behind every check here, for callers that decide, not refuse."""
    kind = type(value)  # (a float or an int first: the ABC check takes ten times as long)
    return kind is float or kind is int or (isinstance(value, numbers.Real) and kind is not bool)


def finite_float(value) -> float:
    """A real number as a float; one too large for a float becomes +-inf (never OverflowError)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def held_float(value, name: str, hint: str) -> float:
    """What a parameter holds (its ``.data`` or ``.grad``) as a float, for a step to compute
    with: any real number (inf and NaN too; past the float range, +-inf), else a TypeError
    naming ``name`` that ends with ``hint``, what to do."""
    if type(value) is float:
        return value
    if not is_real(value):
        raise TypeError(f"{name} is {type(value).__name__}, not a number; {hint}")
    return finite_float(value)


def integer(value, name: str) -> int:
    """``value`` as an ``int``: any integral number but a bool (``True`` is not 1 here)."""
    if not is_int(value):
        raise wrong_type(name, "an int", value)
    return int(value)


def positive_int(value, name: str) -> int:
    """An int >= 1: a count of samples, epochs, units, steps."""
    if not is_int(value):
        raise wrong_type(name, "a positive int", value)
    n = int(value)
    if n < 1:
        raise ValueError(f"{name} must be a positive int (1 or more), got {n}")
    return n


def positive_int_or_none(value, name: str, none_means: str) -> int | None:
    """None (which means ``none_means``) or an int >= 1: a batch size, a patience."""
    if value is None:
        return None
    if not is_int(value):
        raise wrong_type(name, f"None ({none_means}) or an int", value)
    n = int(value)
    if n < 1:
        raise ValueError(f"{name} must be >= 1, got {n}; None means {none_means}")
    return n


def non_negative_int(value, name: str) -> int:
    """An int >= 0: a patience, a number of epochs that may be zero."""
    if not is_int(value):
        raise wrong_type(name, "an int >= 0", value)
    n = int(value)
    if n < 0:
        raise ValueError(f"{name} must be an int >= 0, got {n}")
    return n


def number(value) -> float:
    """A Value's number (its ``.data``), or a number as a float: how ``nn`` reads a result or
    a target. Not ``float()`` of a Value, which inside ``ag.grad`` warns of a cut graph."""
    return value.data if isinstance(value, Value) else float(value)


def is_one_number(prediction) -> bool:
    """True for a Value or a number, not a list of them: a one-output model's prediction,
    one input, one score."""
    return isinstance(prediction, Value) or is_real(prediction)


def numbers_of(prediction) -> list[float]:
    """A model's output for one sample (or a target), as its numbers: one for a Value or a
    number, else one per item (a list, a tuple, a NumPy array of Values). A ``TypeError``
    or a ``ValueError`` for anything else (a str, a dict, ...)."""
    if is_one_number(prediction):
        return [number(prediction)]
    if not is_list_like(prediction):  # (text, a mapping's keys, a set's items: no outputs)
        raise TypeError(f"expected numbers, got {type(prediction).__name__}")
    return [number(p) for p in prediction]


def real(value, name: str) -> float:
    """Any finite real number as a float: an int, a float, a Fraction, a NumPy scalar."""
    if not is_real(value):
        raise wrong_type(name, "a number", value)
    x = finite_float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {_shown(value)}")
    return x


def rate(value, name: str) -> float:
    """A finite number >= 0: a learning rate, a weight decay, a momentum."""
    if not is_real(value):
        raise wrong_type(name, "a finite number >= 0", value)
    x = finite_float(value)
    if not (math.isfinite(x) and x >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {_shown(value)}")
    return x


def probability(value, name: str) -> float:
    """A number in [0, 1): a dropout rate, a test fraction (1 would leave nothing)."""
    if not is_real(value):
        raise wrong_type(name, "a number in [0, 1)", value)
    x = finite_float(value)
    if not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {_shown(value)}")
    return x


def boolean(value, name: str) -> bool:
    """``True`` or ``False``; 0, 1 or "yes" are refused, not guessed."""
    if isinstance(value, bool):
        return value
    raise wrong_type(name, "True or False", value)


def choice(value, name: str, choices) -> str:
    """One of the names in ``choices`` (a str): an activation, an initialisation, a loss.

    >>> choice("tanh", "activation", ("relu", "tanh"))
    'tanh'
    >>> choice("swish", "activation", ("relu", "tanh"))
    Traceback (most recent call last):
        ...
    ValueError: activation must be one of 'relu', 'tanh'; unknown activation 'swish'
    """
    names = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a str, one of {names}; unknown {name} {_shown(value)} "
            f"({type(value).__name__})"
        )
    if value not in choices:
        raise ValueError(f"{name} must be one of {names}; unknown {name} {_shown(value)}")
    return value


def rng(seed, name: str = "seed") -> random.Random:
    """A private random generator from ``seed``: None (fresh entropy), an int, or a Random.

    Never the global ``random`` module, so seeding here cannot disturb anyone else's draws.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if not is_int(seed):
        raise wrong_type(name, "None, an int or a random.Random", seed)
    if seed < 0:  # Python seeds with |seed|: -1 would quietly repeat the run of 1
        raise ValueError(f"{name} must be an int >= 0 (a seed of -{-seed} would give the same "
                         f"numbers as {-seed}), got {seed}")  # fmt: skip
    return random.Random(int(seed))


#: Iterables that are no list of numbers: text (it would be read as its characters), a dict
#: or any other mapping (as its keys) and a set (in no order: which number would be which
#: input, or which target?).
NOT_A_LIST = (str, bytes, Mapping, set, frozenset)


def is_list_like(value) -> bool:
    """True for what can be read as a list, in order: a list, a tuple, a NumPy array, a
    generator; not a number, nor one of ``NOT_A_LIST``."""
    return hasattr(value, "__iter__") and not isinstance(value, NOT_A_LIST)


def samples(data, name: str) -> list:
    """``X``, ``y`` or a series as a list, one entry per sample: a list, a tuple, a NumPy
    array or any other iterable, but not a str, bytes, a dict or a set (in no order, its
    samples could not be paired with their targets)."""
    if not is_list_like(data):
        raise TypeError(f"{name} must be a list (one entry per sample), got {type(data).__name__}")
    return list(data)


def takes(function, count) -> bool:
    """Whether ``function`` can be called with ``count`` positional arguments (True when
    Python cannot tell, as for some built-ins: then the call itself will say)."""
    try:
        inspect.signature(function).bind(*[None] * count)
    except TypeError:
        return False
    except ValueError:  # no signature to read
        return True
    return True
