"""nn: a tiny neural-network library built only from ``autograd_lite.Value``.

Reading order: ``module.py`` (parameters and their names), ``layers.py`` (neuron, layer,
MLP, dropout), ``losses.py``, ``optim.py`` (SGD, Adam, schedules), ``train.py`` (``fit``,
with ``fit_checks.py``, its argument checks; ``evaluation.py``, ``predict``, ``evaluate``
and accuracy; ``history.py``, what a run measured; ``progress.py``, its progress bar),
``data.py`` (toy data sets), ``serialize.py`` (save / load), ``plots.py`` (pictures, and
``log_ticks.py``, their log axis) and ``torch_bridge.py`` (the same network in PyTorch).
``validate.py`` holds the one rule every part checks its arguments by: a wrong type is a
``TypeError``, a bad value a ``ValueError``, and the message starts with the argument's name.

>>> from nn import MLP
>>> model = MLP(2, [16, 16, 1], seed=0)
>>> model.num_parameters()
337
"""

from .clip import clip_grad_norm
from .evaluation import evaluate, predict
from .history import History
from .layers import MLP, Dropout, Layer, Neuron
from .losses import bce_with_logits, cross_entropy, hinge_loss, mse_loss, softmax
from .module import Module
from .optim import SGD, Adam, LinearDecay, StepDecay
from .serialize import load, save
from .torch_bridge import to_torch
from .train import fit

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Dropout",
    "History",
    "Layer",
    "LinearDecay",
    "Module",
    "Neuron",
    "StepDecay",
    "bce_with_logits",
    "clip_grad_norm",
    "cross_entropy",
    "evaluate",
    "fit",
    "hinge_loss",
    "load",
    "mse_loss",
    "predict",
    "save",
    "softmax",
    "to_torch",
]
