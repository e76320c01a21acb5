"""Neurons, layers, multi-layer perceptrons and dropout, built from ``autograd_lite.Value``.

A neuron computes ``activation(w . x + b)``. Here the weighted sum, bias included, is ONE
``dot`` node (the bias is the weight of a constant input 1.0), followed by one activation
node. So a neuron adds two nodes to the graph, however many inputs it has. A neuron and a
layer compute through the same function, ``weighted_sums``.
"""

from __future__ import annotations

import math
import random

from autograd_lite import Value
from autograd_lite.ops import dots
from autograd_lite.reals import shown

from .module import Module
from .validate import choice, is_list_like, is_one_number, positive_int, probability, rng

#: Activation name -> function on Values ("linear" is no function at all). Modules keep the
#: NAME and look the function up here, so a model pickles and copies as plain data. (Value's
#: own methods: the same ops as ``ag.relu`` and the rest, reached in one call.)
ACTIVATIONS = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "linear": None,
}

#: The initialisations, and the one that keeps signals a sensible size for each activation.
INITS = ("he", "xavier", "uniform")
DEFAULT_INIT = {
    "relu": "he",
    "leaky_relu": "he",
    "tanh": "xavier",
    "sigmoid": "xavier",
    "linear": "xavier",
}


def check_activation(activation, name="activation") -> str:
    """One of the names in ``ACTIVATIONS``."""
    return choice(activation, name, tuple(ACTIVATIONS))


def check_init(init, activation) -> str:
    """``init`` if given ("he", "xavier", "uniform"), else the default for ``activation``.

    Only None means "the default": "", 0 or [] are refused, never quietly swapped.
    """
    return DEFAULT_INIT[activation] if init is None else choice(init, "init", INITS)


def initial_weight(draw, init, fan_in, fan_out) -> float:
    """One starting weight.

    - "he" (Kaiming): normal with std sqrt(2 / fan_in); ReLU halves the signal, this undoes it.
    - "xavier" (Glorot): uniform in +-sqrt(6 / (fan_in + fan_out)); keeps tanh near its
      linear part, forwards and backwards.
    - "uniform": uniform in +-1 / sqrt(fan_in), a simple safe choice.

    ``draw`` is a ``random.Random``. The sizes are ints and are divided as ints, so even an
    absurd ``fan_out`` gives a tiny bound, never an OverflowError.
    """
    if init == "he":
        return draw.gauss(0.0, math.sqrt(2 / fan_in))
    if init == "xavier":
        bound = math.sqrt(6 / (fan_in + fan_out))
        return draw.uniform(-bound, bound)
    if init == "uniform":
        bound = 1.0 / math.sqrt(fan_in)
        return draw.uniform(-bound, bound)
    raise ValueError(f"init must be one of {INITS}; unknown init {init!r}")


def check_layer_sizes(nouts, name="nouts") -> list:
    """``nouts`` as a list of positive ints, one per layer, such as ``[16, 16, 1]``."""
    if not is_list_like(nouts):
        raise TypeError(
            f"{name} must be a list of layer sizes such as [16, 1], got {nouts!r} "
            f"({type(nouts).__name__})"
        )
    nouts = list(nouts)
    if not nouts:
        raise ValueError(f"{name} must list at least one layer size")
    return [positive_int(n, f"{name}[{i}]") for i, n in enumerate(nouts)]


def as_inputs(x, nin, who="as_inputs") -> list:
    """One sample as a list of ``nin`` inputs (a bare number is fine when ``nin`` is 1).

    ``who`` names the call a wrong sample is reported against: "MLP" for ``model(x)``."""
    if is_one_number(x):
        inputs = [x]
    elif not is_list_like(x):
        raise not_a_sample(x, nin, who)
    else:
        inputs = list(x)
    if len(inputs) != nin:
        raise not_a_sample(x, nin, who, inputs)
    return inputs


def not_a_sample(x, nin, who, items=None) -> TypeError | ValueError | None:
    """The error for ``who(x)`` when ``x`` is not one sample of ``nin`` numbers: what it
    is instead (a batch, one number, too many numbers, text, ...) and what to do. None when
    ``x`` is one sample after all (then the error was about something else: re-raise it),
    or when ``x`` is an iterator already read and ``items``, what it gave, is not known.
    Called only once something went wrong, so the normal path pays nothing for these."""
    wanted = f"{who}(x): x must be one sample of {_count(nin)}"
    batch = ": for a batch, call the model on each sample ([model(x) for x in X]) or use nn.fit"
    give = "one number" if nin == 1 else f"a list of {nin} numbers"
    if is_one_number(x):
        if nin == 1:
            return None
        return ValueError(f"{wanted}, got one number, {shown(x)}: give {give}, one per input")
    if not is_list_like(x):
        return TypeError(f"{wanted}, got {shown(x)} ({type(x).__name__}): give {give}")
    if items is None:
        if iter(x) is x:  # a generator, say: read already, it cannot be read again
            return None
        items = list(x)
    given = _a(type(x).__name__)
    if not items:
        return ValueError(f"{wanted}, got {given} with nothing in it: give {give}")
    wrong = [(i, v) for i, v in enumerate(items) if not _is_input(v)]
    if not wrong:  # numbers: one sample, or not as many as the model takes
        if len(items) == nin:
            return None
        told = f"{wanted}, got {given} of {_count(len(items))}"
        return ValueError(told + (batch if nin == 1 else f": give {nin}, one per input"))
    if len(wrong) == len(items) and all(_is_sequence(v) for v in items):  # samples
        if hasattr(x, "shape"):  # a 2-D NumPy array
            return TypeError(f"{wanted}, got an array of shape {tuple(x.shape)}{batch}")
        inner = type(items[0]).__name__ + ("s" if len(items) > 1 else "")
        return TypeError(f"{wanted}, got {given} of {len(items)} {inner}{batch}")
    i, v = wrong[0]
    hint = (
        "convert text first, e.g. float(text)" if isinstance(v, (str, bytes)) else "give a number"
    )
    return TypeError(f"{wanted}, got {shown(v)} ({type(v).__name__}) as x[{i}]: {hint}")


def _count(n) -> str:
    return "1 number" if n == 1 else f"{n} numbers"


def _a(kind) -> str:
    return f"{'an' if kind[:1] in 'aeiou' or kind == 'ndarray' else 'a'} {kind}"


def _is_input(v) -> bool:
    """What ``Value`` takes as an input: a Value, or a number it accepts."""
    if isinstance(v, Value):
        return True
    try:
        Value(v)
    except TypeError:
        return False
    return True


def _is_sequence(v) -> bool:
    return is_list_like(v)


def weighted_sums(neurons, x, who="weighted_sums") -> list[Value]:
    """``w . x + b`` for each neuron, as one ``dot`` node each: the pre-activations.

    ``x`` is one sample (a list of ``nin`` numbers or Values, or a bare number when ``nin``
    is 1). The bias is the weight of a constant input 1.0, so each node reads
    ``(w_1, ..., w_n, b)`` and ``(x_1, ..., x_n, 1.0)``. The inputs become nodes once and
    are shared by every neuron, as they would be in a matrix product. ``Neuron`` and
    ``Layer`` both compute through here; ``who`` is the call that a wrong sample's error
    names ("Layer" says ``Layer(x): x must be ...``).

    >>> n = Neuron(2, activation="linear", seed=0)
    >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
    >>> [z.data for z in weighted_sums([n], [3.0, 1.0])]   # 2*3 - 1*1 + 0.5
    [5.5]
    """
    nin = len(neurons[0].w)
    inputs = as_inputs(x, nin, who)
    try:
        xs = [v if isinstance(v, Value) else Value(v) for v in inputs]
    except TypeError:  # an input that is no number: say what a sample is
        problem = not_a_sample(x, nin, who, inputs)
        if problem is None:
            raise
        raise problem from None
    xs.append(Value(1.0))
    return dots([(*n.w, n.b) for n in neurons], xs)


class Neuron(Module):
    """``activation(w . x + b)``: weights ``w`` (a list of Values) and a bias ``b``.

    >>> n = Neuron(2, activation="linear", seed=0)
    >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, -1.0, 0.5
    >>> n([3.0, 1.0]).data          # 2*3 - 1*1 + 0.5
    5.5
    """

    def __init__(self, nin, activation="relu", init=None, seed=None, *, fan_out=1):
        self.nin = positive_int(nin, "nin")
        self.activation = check_activation(activation)
        self.init = check_init(init, activation)
        fan_out = positive_int(fan_out, "fan_out")  # the layer's width, for "xavier"
        draw = rng(seed)
        self.w = [Value(initial_weight(draw, self.init, nin, fan_out)) for _ in range(nin)]
        self.b = Value(0.0)  # biases start at zero: the weights already break the symmetry
        self.label_parameters()

    def forward(self, x):
        return self.activate(weighted_sums([self], x, "Neuron")[0])

    def activate(self, z):
        """The activation node on top of the weighted sum ``z``."""
        act = ACTIVATIONS[self.activation]
        return z if act is None else act(z)

    def extra_repr(self):
        return f"{self.nin}, activation={self.activation!r}, init={self.init!r}"

    def config(self) -> dict:
        return {"nin": self.nin, "activation": self.activation, "init": self.init}


class Layer(Module):
    """``nout`` neurons that all read the same inputs; returns a list of ``nout`` outputs."""

    repr_children = False  # extra_repr already describes the neurons

    def __init__(self, nin, nout, activation="relu", init=None, seed=None):
        self.nin = positive_int(nin, "nin")
        self.nout = positive_int(nout, "nout")
        self.activation = check_activation(activation)
        self.init = check_init(init, activation)
        draw = rng(seed)
        self.neurons = [Neuron(nin, activation, self.init, draw, fan_out=nout) for _ in range(nout)]
        self.label_parameters()

    def forward(self, x) -> list:
        sums = weighted_sums(self.neurons, x, "Layer")
        act = ACTIVATIONS[self.activation]  # the layer's, as to_torch, save and replay read it
        return sums if act is None else [act(z) for z in sums]

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
        self.p = probability(p, "p (the dropout probability)")
        self._rng = rng(seed)

    def forward(self, x):
        """One Value or number, or several (a list, a tuple, a NumPy array: each element
        its own draw; an array comes back as a list)."""
        if not self.training or self.p == 0.0:
            return x
        single = is_one_number(x)
        xs = [x] if single else list(x)
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
        seed=None,
        *,
        init=None,
        dropout=0.0,
    ):
        self.nin = positive_int(nin, "nin")
        self.nouts = nouts = check_layer_sizes(nouts)
        self.activation = check_activation(activation)
        self.output_activation = check_activation(output_activation, "output_activation")
        if init is not None:
            choice(init, "init", INITS)
        self.init = init  # None: each layer takes the default for its activation
        self.dropout_p = probability(dropout, "dropout")
        draw = rng(seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation, init, draw)
            for i in range(len(nouts))
        ]
        # One Dropout after each hidden layer, seeded from the same generator.
        self.dropouts = (
            [Dropout(dropout, random.Random(draw.getrandbits(64))) for _ in range(last)]
            if dropout
            else []
        )
        self.label_parameters()

    def forward(self, x):
        if hasattr(x, "__next__"):  # an iterator: read here, so that a wrong one is told of MLP(x)
            x = list(x)
        out, last = x, len(self.layers) - 1
        try:  # (costs nothing while nothing is raised)
            for i, layer in enumerate(self.layers):
                out = layer(out)
                if i < last and self.dropouts:
                    out = self.dropouts[i](out)
        except (TypeError, ValueError):  # when x is the trouble, say it of the call made
            problem = not_a_sample(x, self.nin, "MLP")
            if problem is None:
                raise
            raise problem from None
        return out[0] if len(out) == 1 else out

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
