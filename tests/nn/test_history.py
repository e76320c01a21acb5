"""History: epochs counted from 1, and the replay of a recorded run."""

import pytest

from nn import (
    MLP,
    SGD,
    Neuron,
    fit,
)
from nn.data import make_moons


def test_history_says_the_same_best_epoch_everywhere():
    X = [[x] for x in (-0.2, -0.1, 0.1, 0.2)]
    model = Neuron(1, activation="linear", seed=0)
    model.w[0].data, model.b.data = -2.0, 0.0
    y, y_val = [2 * x[0] + 1 for x in X], [-2 * x[0] + 1 for x in X]
    optimizer = SGD(model.parameters(), lr=0.2)
    history = fit(
        model, X, y, "mse", optimizer, 100, validation=(X, y_val), early_stopping=3, progress=False
    )
    assert f"best: epoch {history.best_epoch})" in repr(history)
    assert history.val_loss[history.best_epoch - 1] == min(history.val_loss)


def test_a_run_is_not_recorded_unless_asked_and_replay_says_how(tmp_path):
    X, y = make_moons(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 1, progress=False)
    assert history.recording is None
    with pytest.raises(ValueError, match=r"^History.replay: this run was not recorded; call fit"):
        history.replay(tmp_path / "replay.html")
    assert list(tmp_path.iterdir()) == []
