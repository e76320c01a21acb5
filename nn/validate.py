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
TypeError: epochs must be an int, got float 2.0
>>> rate(-0.1, "lr")
Traceback (most recent call last):
    ...
ValueError: lr must be a finite number >= 0, got -0.1
"""

from __future__ import annotations

import math
import numbers
import random

__all__ = ["integer", "non_negative_int", "positive_int", "probability", "rate", "real", "rng"]


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def integer(value, name: str) -> int:
    """``value`` as an ``int``: any integral number but a bool (``True`` is not 1 here)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {_shown(value)}")
    return int(value)


def positive_int(value, name: str) -> int:
    """An int >= 1: a count of samples, epochs, units, steps."""
    n = integer(value, name)
    if n < 1:
        raise ValueError(f"{name} must be a positive int (1 or more), got {n}")
    return n


def non_negative_int(value, name: str) -> int:
    """An int >= 0: a patience, a number of epochs that may be zero."""
    n = integer(value, name)
    if n < 0:
        raise ValueError(f"{name} must be an int >= 0, got {n}")
    return n


def real(value, name: str) -> float:
    """Any finite real number as a float: an int, a float, a Fraction, a NumPy scalar."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {_shown(value)}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf if value > 0 else -math.inf
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {_shown(value)}")
    return x


def rate(value, name: str) -> float:
    """A finite number >= 0: a learning rate, a weight decay, a momentum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {_shown(value)}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not (math.isfinite(x) and x >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {_shown(value)}")
    return x


def probability(value, name: str) -> float:
    """A number in [0, 1): a dropout rate, a test fraction (1 would leave nothing)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {_shown(value)}")
    x = float(value)
    if not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {_shown(value)}")
    return x


def rng(seed, name: str = "seed") -> random.Random:
    """A private random generator from ``seed``: None (fresh entropy), an int, or a Random.

    Never the global ``random`` module, so seeding here cannot disturb anyone else's draws.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{name} must be None, an int or a random.Random, got "
            f"{type(seed).__name__} {_shown(seed)}"
        )
    return random.Random(int(seed))
