"""autograd-lite: a scalar reverse-mode automatic differentiation engine, to learn from.

>>> import autograd_lite as ag
>>> x = ag.Value(2.0, label="x")
>>> y = x * x + ag.sin(x)
>>> y.backward()
>>> round(x.grad, 6)       # dy/dx = 2x + cos(x)
3.583853

Reading order for the engine (340 lines of code): ``graph.py`` from the top to
``reference_backward`` (topological order and the chain rule); ``ops.py``, the table (the
helpers below it can wait); ``value.py``, the class ``Value`` (the node); ``rules.py`` from
``Rule`` to ``define_op`` (a row of the table, and how applying it records a node).
Then ``functional.py`` (grad of grad). Speed sits apart: ``fast_backward.py`` (the backward
``Value.backward`` runs) and the fast paths at the end of ``Value`` and of ``ops.py``.
"""

from importlib import import_module

# isort: off
from .value import Value  # first: the node, which imports its operations (ops.py) at its end
from . import pickling as _pickling  # noqa: F401  (registers pickle support for Value)
from .graph import topological_order, zero_grad
from .ops import abs as abs  # ag.abs and ag.sum, but kept out of a star import (below)
from .ops import cos, dot, exp, leaky_relu, log, mean, relu, sigmoid, sin, sqrt, tanh
from .ops import ieee_div, ieee_log, ieee_pow  # for derivatives: inf and nan, never raise
from .ops import sum as sum
from .recording import GraphCutWarning, gc_paused, is_recording, no_grad
from .rules import RULES, define_op

# isort: on

__version__ = "0.1.0"

# Imported on first use, so that importing the engine stays quick.
_LAZY = {
    "grad": "functional",
    "value_and_grad": "functional",
    "hessian": "functional",
    "gradients": "functional",
    "gradcheck": "check",
    "GradcheckError": "check",
    "backward_steps": "steps",
    "Step": "steps",
    "print_steps": "steps",
}

# Not "sum" and "abs": a star import would shadow Python's own (use ag.sum, ag.abs).
__all__ = [
    "GraphCutWarning",
    "RULES",
    "Value",
    "cos",
    "define_op",
    "dot",
    "exp",
    "gc_paused",
    "ieee_div",
    "ieee_log",
    "ieee_pow",
    "is_recording",
    "leaky_relu",
    "log",
    "mean",
    "no_grad",
    "relu",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
    "topological_order",
    "zero_grad",
    *_LAZY,
]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
