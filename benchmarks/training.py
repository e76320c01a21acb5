"""Case 1: one step of micrograd's demo, written once per contender.

The step (from micrograd's ``demo.ipynb``): full-batch moons, 100 points, ``MLP(2, [16, 16,
1])`` with ReLU hidden layers, the hinge loss ``mean(relu(1 - y * score))`` plus
``1e-4 * sum(p * p)``, backward, and plain SGD. Every contender starts from the same
weights and data, so each does the same arithmetic.
"""

from __future__ import annotations

import gc
import itertools
import math
import operator
import random

SIZES = (2, 16, 16, 1)
ALPHA = 1e-4
LR = 0.5


def make_moons(n=100, noise=0.1, seed=1):
    """Two interleaving half circles (labels -1 and +1), like scikit-learn's make_moons."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        upper = i < n // 2
        t = math.pi * rng.random()
        if upper:
            x0, x1 = math.cos(t), math.sin(t)
        else:
            x0, x1 = 1.0 - math.cos(t), 0.5 - math.sin(t)
        xs.append([x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)])
        ys.append(1.0 if upper else -1.0)
    return xs, ys


def initial_weights(seed=0):
    """[(W, b) per layer]: W[j] is neuron j's weights (uniform in [-1, 1]), b[j] = 0."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in itertools.pairwise(SIZES):
        w = [[rng.uniform(-1.0, 1.0) for _ in range(nin)] for _ in range(nout)]
        layers.append((w, [0.0] * nout))
    return layers


NN_ROW = "autograd-lite, nn"
NODES_ROW = "autograd-lite, node by node"
NODES_ALONE_ROW = "its nodes alone, no arithmetic (the collector's floor)"
MICROGRAD_ROW = "micrograd 0.1.0 as shipped"
MICROGRAD_GC_OFF_ROW = "micrograd, gc.disable()"  # its cycles are collected after its timing


# --- autograd-lite with nn: one dot node per neuron ----------------------------------


class AgNN:
    """autograd-lite at nn's granularity: ``nn.MLP``, whose neurons are one ``dot`` node each."""

    def __init__(self, weights, X, y):
        import autograd_lite as ag
        import nn

        self.ag, self.nn = ag, nn
        self.X, self.y = X, y
        self.model = nn.MLP(2, list(SIZES[1:]), seed=0)
        for layer, (w, b) in zip(self.model.layers, weights):
            for neuron, row, bj in zip(layer.neurons, w, b):
                for p, v in zip(neuron.w, row):
                    p.data = v
                neuron.b.data = bj
        self.params = self.model.parameters()
        self.optimizer = nn.SGD(self.params, lr=LR)

    def step(self):
        ag, nn = self.ag, self.nn
        scores = [self.model(row) for row in self.X]
        loss = nn.hinge_loss(scores, self.y) + ALPHA * ag.dot(self.params, self.params)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.data


# --- micrograd's granularity: one node per * and +, for any Value-like class -----------


class NodeByNode:
    """The demo's model and loss, node by node, for autograd-lite Values or 0-d tensors.

    The forward pass is micrograd's own arithmetic: ``sum((wi * xi ...), b)`` per neuron,
    ``(1 + -yi * score).relu()`` per point, ``sum(losses) * (1 / n)`` and
    ``alpha * sum(p * p ...)``.
    """

    def __init__(self, weights, X, y, make, zero, update):
        self.layers = [
            ([[make(v) for v in row] for row in w], [make(v) for v in b]) for w, b in weights
        ]
        self.params = [p for w, b in self.layers for row, bj in zip(w, b) for p in (*row, bj)]
        self.X, self.y, self.make = X, y, make
        self.zero, self.update = zero, update

    def _forward(self, x):
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            out = []
            for row, bj in zip(w, b):
                act = sum((wi * xi for wi, xi in zip(row, x)), bj)
                out.append(act.relu() if i != last else act)
            x = out
        return x[0]

    def forward_loss(self):
        """The loss of this step's batch: the graph, built."""
        make = self.make
        scores = [self._forward([make(v) for v in row]) for row in self.X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + ALPHA * sum(p * p for p in self.params)

    def step(self):
        loss = self.forward_loss()
        self.zero(self.params)
        loss.backward()
        self.update(self.params)
        return float(loss.detach())  # Values and tensors both have detach


def ag_node_by_node(weights, X, y):
    import autograd_lite as ag

    def update(params):
        for p in params:
            p.data -= LR * p.grad

    return NodeByNode(weights, X, y, ag.Value, ag.zero_grad, update)


def torch_0d(weights, X, y):
    import torch

    def make(v):
        return torch.tensor(v, dtype=torch.float64)

    def zero(params):
        for p in params:
            p.grad = None

    def update(params):
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad

    model = NodeByNode(weights, X, y, make, zero, update)
    for p in model.params:
        p.requires_grad_(True)
    return model


# --- the collector's floor: the step's nodes and nothing else ------------------------


class BareNode:
    """A node with ``Value``'s eight slots whose operators only make the next node: no checks,
    no table, and no backward is ever run.

    Building the step's 65,000 or so and dropping them is what any graph of pure-Python
    nodes costs: one object the collector tracks per node is the least there is (a pure
    Python object cannot opt out), and the interpreter here does the least it can. The row
    says how far an engine of such nodes could go in this heap, however quick its arithmetic.
    """

    __slots__ = ("data", "grad", "label", "_rule", "_a", "_b", "_da", "_db")

    def __init__(self, data, a=None, da=0.0, b=None, db=0.0):
        self.data, self.grad, self.label, self._rule = data, 0.0, "", None
        self._a, self._da, self._b, self._db = a, da, b, db

    # (a number operand becomes a leaf, as in autograd-lite and micrograd: ``1 + x``, say)
    def __add__(self, other):
        other = other if type(other) is BareNode else BareNode(other)
        return BareNode(self.data + other.data, self, 1.0, other, 1.0)

    __radd__ = __add__

    def __mul__(self, other):
        other = other if type(other) is BareNode else BareNode(other)
        return BareNode(self.data * other.data, self, other.data, other, self.data)

    __rmul__ = __mul__

    def relu(self):
        return BareNode(self.data if self.data > 0.0 else 0.0, self, float(self.data > 0.0))


class NodesAlone(NodeByNode):
    """Node by node's forward pass on ``BareNode``s: the graph built and dropped, nothing more.
    With no backward and no update, every step computes the first step's loss."""

    def __init__(self, weights, X, y):
        super().__init__(weights, X, y, BareNode, None, None)

    def step(self):
        return self.forward_loss().data


# --- micrograd as shipped -------------------------------------------------------------


class Micrograd:
    """micrograd 0.1.0's own ``nn.MLP`` and the demo's loss, optionally with gc off."""

    def __init__(self, weights, X, y, gc_off=False):
        from micrograd.engine import Value
        from micrograd.nn import MLP

        self.Value = Value
        self.model = MLP(SIZES[0], list(SIZES[1:]))
        for layer, (w, b) in zip(self.model.layers, weights):
            for neuron, row, bj in zip(layer.neurons, w, b):
                for p, v in zip(neuron.w, row):
                    p.data = v
                neuron.b.data = bj
        self.X, self.y, self.gc_off = X, y, gc_off

    def _step(self):
        Value, model = self.Value, self.model
        inputs = [list(map(Value, row)) for row in self.X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        loss = data_loss + ALPHA * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return loss.data

    def step(self):
        if not self.gc_off:
            return self._step()
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._step()
        finally:
            if was_enabled:
                gc.enable()


# --- the floor: plain floats, forward and backward written by hand, no graph -----------


class PlainFloats:
    """The same step with lists of floats and a hand-written backward pass.

    No graph and no objects per operation: what Python itself costs for this arithmetic.
    It does the same dense arithmetic as the graph (it does not skip the points or units
    whose gradient is zero), so it is the floor for an engine that does that arithmetic.
    """

    def __init__(self, weights, X, y):
        self.layers = [([list(row) for row in w], list(b)) for w, b in weights]
        self.X, self.y = X, y

    def step(self):
        mul = operator.mul
        layers, n = self.layers, len(self.X)
        last = len(layers) - 1
        grads = [([[0.0] * len(row) for row in w], [0.0] * len(b)) for w, b in layers]
        data_loss = 0.0
        for x, yi in zip(self.X, self.y):
            acts = [x]  # the input of each layer
            for i, (w, b) in enumerate(layers):
                z = [sum(map(mul, row, x), bj) for row, bj in zip(w, b)]
                x = [v if v > 0.0 else 0.0 for v in z] if i != last else z
                acts.append(x)
            margin = 1.0 - yi * x[0]
            data_loss += margin if margin > 0.0 else 0.0
            g = [-yi / n if margin > 0.0 else 0.0]  # d loss / d (output of the last layer)
            for i in range(last, -1, -1):
                w, _ = layers[i]
                gw, gb = grads[i]
                x_in, out = acts[i], acts[i + 1]
                if i != last:
                    g = [gj if oj > 0.0 else 0.0 for gj, oj in zip(g, out)]
                g_in = [0.0] * len(x_in)
                for j, gj in enumerate(g):
                    gwj = gw[j]
                    for k, xk in enumerate(x_in):
                        gwj[k] += gj * xk
                    gb[j] += gj
                    g_in = [a + gj * wk for a, wk in zip(g_in, w[j])]
                g = g_in
        reg = 0.0
        for (w, b), (gw, gb) in zip(layers, grads):
            for row, grow, bj_index in zip(w, gw, range(len(b))):
                for k, wk in enumerate(row):
                    reg += wk * wk
                    grow[k] += 2.0 * ALPHA * wk
                bj = b[bj_index]
                reg += bj * bj
                gb[bj_index] += 2.0 * ALPHA * bj
        for (w, b), (gw, gb) in zip(layers, grads):
            for row, grow in zip(w, gw):
                for k, gk in enumerate(grow):
                    row[k] -= LR * gk
            for j, gj in enumerate(gb):
                b[j] -= LR * gj
        return data_loss / n + ALPHA * reg


def contenders(weights, X, y, have):
    """(name, factory or None, why-missing) for each contender of case 1, in table order."""
    rows = [
        (NN_ROW, lambda: AgNN(weights, X, y), None),
        (NODES_ROW, lambda: ag_node_by_node(weights, X, y), None),
    ]
    for name, kwargs in (
        (MICROGRAD_ROW, {}),
        (MICROGRAD_GC_OFF_ROW, {"gc_off": True}),
    ):
        if have["micrograd"]:
            rows.append((name, lambda kw=kwargs: Micrograd(weights, X, y, **kw), None))
        else:
            rows.append((name, None, "micrograd not installed (pip install micrograd==0.1.0)"))
    if have["torch"]:
        rows.append(("PyTorch, 0-d float64 tensors", lambda: torch_0d(weights, X, y), None))
    else:
        rows.append(("PyTorch, 0-d float64 tensors", None, have["torch_missing"]))
    rows.append(
        ("plain floats, hand-written backward (floor)", lambda: PlainFloats(weights, X, y), None)
    )
    rows.append((NODES_ALONE_ROW, lambda: NodesAlone(weights, X, y), None))
    return rows
