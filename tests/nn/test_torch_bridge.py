"""to_torch: the same network in PyTorch gives the same numbers (float64)."""

import random

import pytest
from needs_torch import import_torch

from nn import MLP, Layer, Neuron, to_torch

pytestmark = pytest.mark.torch
torch = import_torch()


def _points(n, nin, seed=0):
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(nin)] for _ in range(n)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_mlp_outputs_match(activation):
    model = MLP(3, [8, 5, 1], activation=activation, seed=1)
    twin = to_torch(model)
    X = _points(20, 3)
    expected = [model(x).data for x in X]
    got = twin(torch.tensor(X, dtype=torch.float64))
    assert got.dtype == torch.float64 and tuple(got.shape) == (20, 1)
    assert got[:, 0].tolist() == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_many_outputs_layers_and_neurons_match():
    X = _points(10, 4)
    cases = [
        MLP(4, [6, 3], output_activation="sigmoid", seed=2),
        Layer(4, 3, activation="tanh", seed=3),
        Neuron(4, activation="leaky_relu", seed=4),
    ]
    for model in cases:
        got = to_torch(model)(torch.tensor(X, dtype=torch.float64)).tolist()
        for x, row in zip(X, got):
            out = model(x)
            expected = [v.data for v in out] if isinstance(out, list) else [out.data]
            assert row == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_dropout_and_mode_carry_over_and_the_copy_is_independent():
    model = MLP(2, [4, 4, 1], seed=0, dropout=0.3).eval()
    twin = to_torch(model)
    assert not twin.training
    assert sum(isinstance(m, torch.nn.Dropout) for m in twin) == 2
    x = [0.5, -0.5]
    assert twin(torch.tensor([x], dtype=torch.float64)).item() == pytest.approx(
        model(x).data, rel=1e-12
    )
    with torch.no_grad():
        twin[0].weight.zero_()
    assert model.layers[0].neurons[0].w[0].data != 0.0


def test_gradients_match_too():
    model = MLP(2, [5, 1], activation="tanh", seed=3)
    twin = to_torch(model)
    x = [0.7, -1.1]
    model(x).backward()
    twin(torch.tensor([x], dtype=torch.float64)).sum().backward()
    ours = [n.w[1].grad for n in model.layers[0].neurons]
    assert ours == pytest.approx(twin[0].weight.grad[:, 1].tolist(), rel=1e-12, abs=1e-15)


def test_to_torch_copies_the_biases_and_each_neurons_own_weights():
    """A fresh model's biases are all 0, so a copy that dropped them would still match; and
    a square layer would match with its weight matrix transposed. Set every weight apart."""
    from nn import Layer, to_torch

    model = MLP(3, [3, 3, 2], activation="tanh", seed=0)
    for k, p in enumerate(model.parameters()):
        p.data = 0.05 * k - 0.7  # every weight and bias different, every bias nonzero
    layer = Layer(3, 3, activation="linear", seed=1)
    for j, neuron in enumerate(layer.neurons):
        neuron.b.data = 0.5 + j
    X = [[0.3, -1.2, 2.0], [1.0, 0.5, -0.25]]
    for m in (model, layer):
        got = to_torch(m)(torch.tensor(X, dtype=torch.float64)).tolist()
        expected = [[v.data for v in m(x)] for x in X]
        assert got == [pytest.approx(row, rel=1e-12, abs=1e-14) for row in expected]
    first = to_torch(model)[0]
    assert first.weight.tolist() == [[w.data for w in n.w] for n in model.layers[0].neurons]
    assert first.bias.tolist() == [n.b.data for n in model.layers[0].neurons]


def test_to_torch_dropout_has_the_models_probability():
    from nn import to_torch

    twin = to_torch(MLP(2, [4, 4, 1], seed=0, dropout=0.3))
    assert [m.p for m in twin if isinstance(m, torch.nn.Dropout)] == [0.3, 0.3]


def test_a_layer_used_twice_stays_one_linear_and_a_tie_torch_cannot_hold_is_refused():
    """Each use of a layer became a Linear of its own: 28 torch parameters for our 16, and
    one SGD step later the two models gave different outputs."""
    model = MLP(3, [3, 3, 1], activation="tanh", seed=0)
    model.layers[1] = model.layers[0]
    twin = to_torch(model)
    assert twin[0] is twin[2] and sum(p.numel() for p in twin.parameters()) == 16
    x = [0.5, -0.3, 0.8]
    for _ in range(2):  # a step each, with the same rule: still the same model
        model.zero_grad()
        model(x).backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        twin.zero_grad()
        twin(torch.tensor([x], dtype=torch.float64))[0, 0].backward()
        with torch.no_grad():
            for p in twin.parameters():
                p -= 0.1 * p.grad
    assert twin(torch.tensor([x], dtype=torch.float64))[0, 0].item() == pytest.approx(
        model(x).data, rel=1e-12
    )
    inside = MLP(3, [2, 1], seed=0)
    inside.layers[0].neurons[1].w[0] = inside.layers[0].neurons[0].w[0]
    half = MLP(3, [3, 3, 1], seed=0)
    half.layers[1].neurons[0] = half.layers[0].neurons[0]  # one neuron of a layer, not all
    for bad, names in [(inside, r"'layers\.0\.neurons\.1\.w\.0' is the same Value as "
                                r"'layers\.0\.neurons\.0\.w\.0'"),
                       (half, r"'layers\.1\.neurons\.0\.w\.0' is the same Value as")]:  # fmt: skip
        with pytest.raises(ValueError, match=names + ".*PyTorch ties whole weight tensors"):
            to_torch(bad)


def test_a_batch_in_torch_default_float32_or_as_a_list_is_taken_as_float64():
    # torch.tensor([[0.5, -1.0]]) is float32, PyTorch's default; a float64 Linear refuses it
    # ("mat1 and mat2 must have the same dtype"). The twin takes it, and plain lists too, at
    # the weights' own precision, so that a .float() twin still takes float32.
    model = MLP(2, [4, 2], activation="tanh", seed=0)
    twin = to_torch(model)
    X = [[0.5, -1.0], [2.0, 0.25]]  # (exact in float32)
    expected = [v.data for x in X for v in model(x)]
    for batch in (torch.tensor(X), torch.tensor(X, dtype=torch.float64), X):
        got = twin(batch)
        assert got.dtype == torch.float64
        assert got.flatten().tolist() == pytest.approx(expected, rel=1e-12, abs=1e-14)
    x = torch.tensor(X, requires_grad=True)  # float32, and the gradient comes back to it
    twin(x).sum().backward()
    assert x.grad is not None and x.grad.dtype == torch.float32
    assert twin.float()(torch.tensor(X)).dtype == torch.float32
    with pytest.raises(RuntimeError):  # refused as a float64 Linear does, not cut to its real part
        twin(torch.tensor(X, dtype=torch.complex128) * (1 + 1j))


def test_the_twin_pickles_as_a_torch_module_does():
    import pickle

    model = MLP(2, [3, 1], seed=0)
    twin = pickle.loads(pickle.dumps(to_torch(model)))
    assert twin(torch.tensor([[0.5, -1.0]])).item() == pytest.approx(model([0.5, -1.0]).data)
