"""Small graphs the tests of several packages share (import them: ``from graphs import ...``).

- ``reused()``: ``a = 3; b = a + a; c = b * b``, the smallest graph where a node is used
  twice, so backward must add up what each use sends it;
- ``neuron()``: the README's neuron, ``tanh(x1*w1 + x2*w2 + b)``, every leaf labelled;
- ``nn_neuron(n)``: an ``nn.Neuron`` of ``n`` inputs (tanh, seed 0), and its output.
"""

from autograd_lite import Value


def reused() -> Value:
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    return c


def neuron(sum_label: str = "n", out_label: str = "o") -> Value:
    """``out = tanh(n)``, ``n = x1*w1 + x2*w2 + b``; the sum unlabelled when ``sum_label``
    is ""."""
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = sum_label
    out = n.tanh()
    out.label = out_label
    return out


def nn_neuron(n=3):
    from nn import Neuron

    unit = Neuron(n, activation="tanh", seed=0)
    out = unit([1.0, -2.0, 0.5][:n])
    return unit, out


def rounded() -> Value:
    """``out = t * c``, ``t = a * b`` with ``c = 0.41997``: at t the upstream is 0.41997,
    written 0.42, and a receives 0.83994, written 0.8399, where 0.42 × 2.0 is 0.84: a
    picture or table of that step must write "0.42 × 2.0 ≈ 0.8399"."""
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(0.41997, label="c")
    t = a * b
    t.label = "t"
    out = t * c
    out.label = "out"
    return out
