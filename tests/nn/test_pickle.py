"""Modules copy and pickle (people pickle models to run grid searches in other processes)."""

import copy
import pickle

import pytest

import autograd_lite as ag
from nn import MLP, SGD, Layer, Module, Neuron


class TiedPair(Module):
    """Two names for one Value, and a sub-module under two names."""

    def __init__(self):
        self.a = ag.Value(1.5)
        self.b = self.a
        self.encoder = Neuron(2, activation="tanh", seed=0)
        self.decoder = self.encoder

    def forward(self, x):
        return self.decoder([self.encoder(x) * self.a, self.b])


def _pickled(model):
    return pickle.loads(pickle.dumps(model))


COPIES = [
    pytest.param(copy.deepcopy, id="deepcopy"),
    pytest.param(_pickled, id="pickle"),
]


@pytest.mark.parametrize("clone", COPIES)
def test_an_mlp_copy_computes_the_same_with_new_values(clone):
    model = MLP(2, [8, 8, 1], activation="tanh", seed=3, dropout=0.25)
    model.eval()
    again = clone(model)
    x = [0.3, -0.7]
    assert again(x).data == model(x).data
    assert again.state_dict() == model.state_dict()
    assert [n for n, _ in again.named_parameters()] == [n for n, _ in model.named_parameters()]
    ours = {id(p) for p in model.parameters()}
    assert not any(id(p) in ours for p in again.parameters())  # new Values, not shared ones
    assert not again.training and again.config() == model.config()


@pytest.mark.parametrize("clone", COPIES)
def test_a_copy_trains_on_its_own(clone):
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    again = clone(model)
    again([1.0, 2.0]).backward()
    SGD(again.parameters(), lr=0.5).step()
    assert model.state_dict() == before != again.state_dict()


@pytest.mark.parametrize("clone", COPIES)
def test_dropout_masks_continue_as_the_original_would(clone):
    model = MLP(2, [16, 1], seed=5, dropout=0.5)
    again = clone(model)
    assert [again([1.0, 1.0]).data for _ in range(4)] == [model([1.0, 1.0]).data for _ in range(4)]


@pytest.mark.parametrize("clone", COPIES)
def test_tied_weights_stay_tied(clone):
    again = clone(TiedPair())
    assert again.a is again.b and again.encoder is again.decoder
    assert [n for n, _ in again.named_parameters()] == [
        "a",
        "encoder.w.0",
        "encoder.w.1",
        "encoder.b",
    ]
    assert again([0.5, 0.25]).data == TiedPair()([0.5, 0.25]).data


@pytest.mark.parametrize("model", [Neuron(3, seed=0), Layer(3, 2, activation="sigmoid", seed=0)])
def test_neurons_and_layers_pickle(model):
    again = _pickled(model)
    x = [0.1, 0.2, 0.3]
    out, expected = again(x), model(x)
    if isinstance(out, list):
        assert [v.data for v in out] == [v.data for v in expected]
    else:
        assert out.data == expected.data


def test_modules_hold_no_functions_only_data():
    # Activations are kept by name: a function stored on a module would pin it to this process.
    for m in MLP(2, [3, 1], activation="leaky_relu", seed=0, dropout=0.5).modules():
        assert not any(callable(v) for v in vars(m).values()), vars(m)


def test_a_recorded_history_pickles_and_its_copy_still_replays(tmp_path):
    from nn import SGD, fit
    from nn.data import make_moons

    X, y = make_moons(12, noise=0.1, seed=1)
    model = MLP(2, [3, 1], seed=0)
    history = fit(
        model, X, y, "hinge", SGD(model.parameters(), lr=0.1), 2, record=True, progress=False
    )
    copy = pickle.loads(pickle.dumps(history))
    assert copy.loss == history.loss
    copy.replay(tmp_path / "run.html")
    assert (tmp_path / "run.html").stat().st_size > 0
