"""Gradient clipping: cap the size of one step when gradients explode.

Call ``clip_grad_norm`` between ``backward()`` and ``optimizer.step()``. It treats all the
gradients together as one long vector. When that vector is longer than ``max_norm`` it is
shrunk, every gradient by the same factor, so the step keeps its direction and only loses
length; when it is shorter, nothing changes. It gives the same result as PyTorch's
``torch.nn.utils.clip_grad_norm_``.

>>> from autograd_lite import Value
>>> a, b = Value(1.0), Value(2.0)
>>> a.grad, b.grad = 30.0, 40.0  # a gradient vector of length 50
>>> clip_grad_norm([a, b], max_norm=5.0)  # returns the length before clipping
50.0
>>> round(a.grad, 6), round(b.grad, 6)  # same direction, length 5
(3.0, 4.0)
"""

from __future__ import annotations

import math

from autograd_lite import Value

from .validate import finite_float, held_float, is_real, wrong_type

__all__ = ["clip_grad_norm"]

EPS = 1e-6  # added to the norm before dividing, exactly as PyTorch does


def clip_grad_norm(parameters, max_norm) -> float:
    """Scale the gradients down so that their total 2-norm is at most ``max_norm``.

    ``parameters`` is an iterable of Values (``model.parameters()``) or one Value;
    ``max_norm`` a number > 0. The total norm is ``sqrt(sum(p.grad ** 2))``; when
    ``max_norm / (total + 1e-6)`` is below 1, every ``.grad`` is multiplied by it.
    Returns the total norm *before* clipping, as a float, so you can log it;
    ``max_norm=math.inf`` only measures it (the scale is never below 1, so finite
    gradients are left alone), the usual way to log the norm in PyTorch.

    As in PyTorch, a gradient of ``inf`` or ``nan`` makes the total ``inf`` or ``nan`` and
    the gradients ``nan``, even with ``max_norm=math.inf`` (inf / inf is nan): clipping
    cannot rescue a step that has already overflowed. One difference: the total is
    computed without squaring overflow, so gradients near 1e200 are clipped to
    ``max_norm`` here where PyTorch's total overflows and zeroes them.
    """
    params = _check_parameters(parameters)
    if not is_real(max_norm):
        raise wrong_type(
            "max_norm", "a number > 0 (or math.inf to only measure the norm)", max_norm
        )
    max_norm = finite_float(max_norm)
    if not max_norm > 0.0:  # (nan too: "not >" is True for it)
        raise ValueError(
            f"max_norm must be a number > 0 (or math.inf to only measure the norm), "
            f"got {max_norm!r}"
        )
    gradients = [  # all read before any changes
        held_float(p.grad, f"parameters[{i}].grad", _GRAD_HINT) for i, p in enumerate(params)
    ]
    total = math.hypot(*gradients)  # sqrt of the sum of squares, no overflow
    scale = max_norm / (total + EPS)
    if not scale >= 1.0:  # "not >=" so that a nan total spreads to the gradients, as in torch
        for p, g in zip(params, gradients):
            p.grad = g * scale
    return total


#: What to do about a .grad that is not a number.
_GRAD_HINT = "set it to 0.0 (zero_grad does): here every .grad is a float"


def _check_parameters(parameters) -> list:
    if isinstance(parameters, Value):
        return [parameters]
    if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
        raise TypeError(
            "parameters must be an iterable of Values such as model.parameters(), "
            f"got {type(parameters).__name__}"
        )
    params = list(parameters)
    seen = {}
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"parameters[{i}] must be a Value, got {type(p).__name__}")
        if p in seen:
            raise ValueError(
                f"parameters lists the same Value twice (at {seen[p]} and {i}): "
                "it would be counted and scaled twice; pass each parameter once"
            )
        seen[p] = i
    return params
