"""predict, evaluate, and the accuracy that fit reports for each loss."""

import pytest

from nn import (
    MLP,
    SGD,
    Adam,
    Layer,
    Neuron,
    evaluate,
    fit,
    predict,
)
from nn.data import make_spirals


def test_regression_has_no_accuracy_and_classification_does():
    X = [[0.1 * i] for i in range(20)]
    y = [3 * x[0] - 1 for x in X]
    model = Neuron(1, activation="linear", seed=0)
    history = fit(model, X, y, "mse", SGD(model.parameters(), lr=0.3), 60, progress=False)
    assert history.accuracy == [] and history.val_accuracy == []
    assert history.loss[-1] < 1e-3
    assert predict(model, [[1.0]])[0] == pytest.approx(2.0, abs=0.05)

    X, y = make_spirals(60, classes=3, seed=0)
    model = MLP(2, [16, 3], seed=0)
    history = fit(
        model,
        X,
        y,
        "cross_entropy",
        Adam(model.parameters(), lr=0.05),
        5,
        batch_size=20,
        validation=(X[:30], y[:30]),
        progress=False,
    )
    assert len(history.accuracy) == len(history.val_accuracy) == len(history.val_loss) == 5
    assert all(0.0 <= a <= 1.0 for a in history.accuracy + history.val_accuracy)
    assert history.val_loss[-1] == pytest.approx(
        evaluate(model, X[:30], y[:30], "cross_entropy")[0]
    )


def test_bce_accuracy_reads_a_soft_target_above_one_half_as_positive():
    """For BCE a target is positive above 0.5, not above 0: a target 0.3 is the negative
    class, so a negative score for it is right."""
    model = Neuron(1, activation="linear", seed=0)
    model.w[0].data, model.b.data = 1.0, 0.0
    X, y = [[-2.0], [2.0]], [0.3, 0.7]
    assert evaluate(model, X, y, "bce")[1] == 1.0


def test_predict_runs_in_eval_mode_so_dropout_is_off():
    model = MLP(2, [32, 1], seed=5, dropout=0.5)
    assert model.training
    with model.evaluating():
        expected = model([1.0, -1.0]).data
    assert predict(model, [[1.0, -1.0]] * 5) == [expected] * 5
    assert model.training  # and the mode is put back


def test_cross_entropy_accuracy_counts_the_largest_logit_as_the_prediction():
    model = Layer(1, 3, activation="linear", seed=0)
    for neuron, bias in zip(model.neurons, (0.0, 5.0, 1.0)):
        neuron.w[0].data, neuron.b.data = 0.0, bias
    X = [[1.0]] * 3
    assert evaluate(model, X, [1, 1, 1], "cross_entropy")[1] == 1.0
    assert evaluate(model, X, [0, 1, 2], "cross_entropy")[1] == pytest.approx(1 / 3)
