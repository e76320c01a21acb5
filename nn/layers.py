"""Neurons, layers, multi-layer perceptrons and dropout, built from ``autograd_lite.Value``.

A neuron computes ``activation(w . x + b)``. Here the weighted sum, bias included, is ONE
``ag.dot`` node (the bias is the weight of a constant input 1.0), followed by one activation
node. So a neuron adds two nodes to the graph, however many inputs it has.
"""

from __future__ import annotations

import math
import numbers
import random

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.ops import dots

from .module import Module

#: Activation name -> function on Values ("linear" is no function at all).
ACTIVATIONS = {
    "relu": ag.relu,
    "tanh": ag.tanh,
    "sigmoid": ag.sigmoid,
    "leaky_relu": ag.leaky_relu,
    "linear": None,
}

#: The initialisation that keeps signals a sensible size for each activation.
DEFAULT_INIT = {
    "relu": "he",
    "leaky_relu": "he",
    "tanh": "xavier",
    "sigmoid": "xavier",
    "linear": "xavier",
}


def make_rng(seed) -> random.Random:
    """A private generator: ``seed`` is None (fresh entropy), an int, or a ``random.Random``.

    Never the global ``random`` module, so seeding here cannot disturb anyone else's draws.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"seed must be None, an int or a random.Random, got {seed!r}")
    return random.Random(seed)


def initial_weight(rng, init, fan_in, fan_out) -> float:
    """One starting weight.

    - "he" (Kaiming): normal with std sqrt(2 / fan_in); ReLU halves the signal, this undoes it.
    - "xavier" (Glorot): uniform in +-sqrt(6 / (fan_in + fan_out)); keeps tanh near its
      linear part, forwards and backwards.
    - "uniform": uniform in +-1 / sqrt(fan_in), a simple safe choice.
    """
    if init == "he":
        return rng.gauss(0.0, math.sqrt(2.0 / fan_in))
    if init == "xavier":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound)
    if init == "uniform":
        bound = 1.0 / math.sqrt(fan_in)
        return rng.uniform(-bound, bound)
    raise ValueError(f"unknown init {init!r}: choose 'he', 'xavier' or 'uniform'")


def _check_activation(activation, what="activation"):
    # isinstance first: a list such as ["relu"] cannot even be looked up in a dict
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        names = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"unknown {what} {activation!r}: choose one of {names}")
    return activation


def _check_size(n, what):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


def check_layer_sizes(nouts) -> list:
    """``nouts`` as a list of positive ints, one per layer, such as ``[16, 16, 1]``."""
    if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
        raise ValueError(f"nouts must be a list of layer sizes such as [16, 1], got {nouts!r}")
    nouts = list(nouts)
    if not nouts:
        raise ValueError("nouts must list at least one layer size")
    return [_check_size(n, "each layer size in nouts") for n in nouts]


def _check_probability(p, what):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p < 1.0:
        raise ValueError(f"{what} must be a number in [0, 1), got {p!r}")
    return float(p)


def as_inputs(x, nin) -> list:
    """One sample as a list of ``nin`` inputs (a bare number is fine when ``nin`` is 1)."""
    if isinstance(x, (Value, int, float)) and not isinstance(x, bool):
        x = [x]
    x = list(x)
    if len(x) != nin:
        raise ValueError(f"expected {nin} input(s), got {len(x)}")
    return x


class Neuron(Module):
    """``activation(w . x + b)``: weights ``w`` (a list of Values) and a bias ``b``.

    >>> n = Neuron(2, activation="linear", seed=0)
    >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
    >>> n([3.0, 1.0]).data          # 2*3 - 1*1 + 0.5
    5.5
    """

    def __init__(self, nin, activation="relu", init=None, seed=None, *, fan_out=1):
        self.nin = _check_size(nin, "nin")
        self.activation = _check_activation(activation)
        self.init = init or DEFAULT_INIT[activation]
        rng = make_rng(seed)
        self.w = [Value(initial_weight(rng, self.init, nin, fan_out)) for _ in range(nin)]
        self.b = Value(0.0)  # biases start at zero: the weights already break the symmetry
        self._act = ACTIVATIONS[activation]
        self.label_parameters()

    def forward(self, x):
        return self.activate(ag.dot([*self.w, self.b], [*as_inputs(x, self.nin), 1.0]))

    def activate(self, z):
        """The activation node on top of the weighted sum ``z``."""
        act = self._act
        return z if act is None else act(z)

    def extra_repr(self):
        return f"{self.nin}, activation={self.activation!r}, init={self.init!r}"

    def config(self) -> dict:
        return {"nin": self.nin, "activation": self.activation, "init": self.init}


class Layer(Module):
    """``nout`` neurons that all read the same inputs; returns a list of ``nout`` outputs."""

    def __init__(self, nin, nout, activation="relu", init=None, seed=None):
        self.nin = _check_size(nin, "nin")
        self.nout = _check_size(nout, "nout")
        self.activation = _check_activation(activation)
        self.init = init or DEFAULT_INIT[activation]
        rng = make_rng(seed)
        self.neurons = [Neuron(nin, activation, self.init, rng, fan_out=nout) for _ in range(nout)]
        self.label_parameters()

    def forward(self, x) -> list:
        # The inputs and the constant 1.0 become nodes once here, not once per neuron.
        xs = [v if type(v) is Value else Value(v) for v in as_inputs(x, self.nin)]
        xs.append(Value(1.0))
        sums = dots([(*n.w, n.b) for n in self.neurons], xs)
        return [n.activate(z) for n, z in zip(self.neurons, sums)]

    def extra_repr(self):
        return f"{self.nin} -> {self.nout}, activation={self.activation!r}, init={self.init!r}"

    def config(self) -> dict:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "init": self.init,
        }


class Dropout(Module):
    """During training, zero each input with probability ``p`` and scale the rest by 1/(1-p).

    The scaling keeps the expected value unchanged, so in ``eval()`` mode dropout simply
    passes its inputs through. Masks come from a private, seeded generator.
    """

    def __init__(self, p=0.5, seed=None):
        self.p = _check_probability(p, "dropout probability p")
        self._rng = make_rng(seed)

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        single = not isinstance(x, (list, tuple))
        xs = [x] if single else x
        keep = 1.0 / (1.0 - self.p)
        draw = self._rng.random
        out = [v * (keep if draw() >= self.p else 0.0) for v in xs]
        return out[0] if single else out

    def extra_repr(self):
        return f"p={self.p}"


class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one ``Layer`` per entry of ``nouts``.

    Hidden layers use ``activation``, the last layer ``output_activation`` (linear by
    default: raw scores or logits for the loss). Returns a Value when the last layer has one
    output, else a list. ``seed`` makes the weights (and dropout masks) reproducible.

    >>> MLP(2, [16, 16, 1], seed=0).num_parameters()   # (2+1)*16 + (16+1)*16 + (16+1)*1
    337
    """

    def __init__(
        self,
        nin,
        nouts,
        activation="relu",
        output_activation="linear",
        init=None,
        seed=None,
        dropout=0.0,
    ):
        self.nin = _check_size(nin, "nin")
        self.nouts = nouts = check_layer_sizes(nouts)
        self.activation = _check_activation(activation)
        self.output_activation = _check_activation(output_activation, "output_activation")
        self.init = init
        self.dropout_p = _check_probability(dropout, "dropout")
        rng = make_rng(seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation, init, rng)
            for i in range(len(nouts))
        ]
        # One Dropout after each hidden layer, seeded from the same generator.
        self.dropouts = (
            [Dropout(dropout, random.Random(rng.getrandbits(64))) for _ in range(last)]
            if dropout
            else []
        )
        self.label_parameters()

    def forward(self, x):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < last and self.dropouts:
                x = self.dropouts[i](x)
        return x[0] if len(x) == 1 else x

    def extra_repr(self):
        text = f"{self.nin} -> {self.nouts}, activation={self.activation!r}"
        if self.output_activation != "linear":
            text += f", output_activation={self.output_activation!r}"
        if self.dropout_p:
            text += f", dropout={self.dropout_p}"
        return text

    def config(self) -> dict:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "init": self.init,
            "dropout": self.dropout_p,
        }
