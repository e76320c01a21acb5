"""fit: micrograd's demo, the loop's arithmetic, batches, validation, early stopping.

(Its argument checks are tested in test_fit_checks.py; accuracy and evaluate in
test_evaluation.py; History in test_history.py.)"""

import math
import subprocess
import sys

import pytest

import autograd_lite as ag
from nn import (
    MLP,
    SGD,
    Adam,
    Layer,
    LinearDecay,
    Module,
    Neuron,
    evaluate,
    fit,
    hinge_loss,
    mse_loss,
    predict,
)
from nn.data import make_moons


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(100, noise=0.1, seed=1)
    return X, [2 * label - 1 for label in y]  # labels -1 / +1, as in micrograd


def test_micrograds_demo_with_sgd_and_a_linear_schedule_reaches_100_percent(moons):
    X, y = moons
    model = MLP(2, [16, 16, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearDecay(optimizer, 1.0, 0.1, 100)
    history = fit(model, X, y, "hinge", optimizer, 100, l2=1e-4, schedule=schedule, progress=False)
    assert history.steps == 100
    assert history.lr[0] == 1.0 and history.lr[-1] == pytest.approx(1.0 - 0.9 * 99 / 100)
    loss, accuracy = evaluate(model, X, y, "hinge")
    assert accuracy == 1.0
    assert loss < 0.05


def test_micrograds_demo_with_adam_reaches_100_percent(moons):
    X, y = moons
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(
        model, X, y, "hinge", Adam(model.parameters(), lr=0.03), 100, l2=1e-4, progress=False
    )
    assert evaluate(model, X, y, "hinge")[1] == 1.0
    assert history.loss[-1] < history.loss[0] / 10


def test_one_fit_step_is_forward_loss_plus_l2_backward_step():
    X = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]]
    y = [1, -1, 1]
    a, b = MLP(2, [4, 1], seed=3), MLP(2, [4, 1], seed=3)
    fit(a, X, y, "hinge", SGD(a.parameters(), lr=0.3), 1, l2=0.01, progress=False)
    params = b.parameters()
    loss = hinge_loss([b(x) for x in X], y) + 0.01 * sum(p * p for p in params)
    loss.backward()
    for p in params:
        p.data -= 0.3 * p.grad
    assert a.state_dict() == pytest.approx(b.state_dict(), rel=1e-13, abs=1e-16)


def _recording_loss(seen):
    def loss(predictions, targets):
        seen.append(list(targets))
        return ag.mean([(p - t) * (p - t) for p, t in zip(predictions, targets)])

    return loss


def test_mini_batches_cover_every_sample_once_per_epoch_in_a_seeded_order():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    runs = []
    for seed in (0, 0, 1):
        seen = []
        model = Neuron(1, activation="linear", seed=0)
        fit(
            model,
            X,
            y,
            _recording_loss(seen),
            SGD(model.parameters(), lr=0.0),
            2,
            batch_size=4,
            seed=seed,
            progress=False,
        )
        trial, seen = seen[:3], seen[3:]  # a loss of one's own, tried on y before training
        assert [t for batch in trial for t in batch] == y
        assert [len(batch) for batch in seen] == [4, 4, 2, 4, 4, 2]
        assert sorted(t for batch in seen[:3] for t in batch) == y
        assert sorted(t for batch in seen[3:] for t in batch) == y
        runs.append(seen)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert runs[0][:3] != runs[0][3:]  # reshuffled each epoch


def test_validation_runs_in_eval_mode_and_fit_restores_the_mode():
    X, y = make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [16, 1], seed=0, dropout=0.5)
    model.eval()
    history = fit(
        model, X, y, "bce", SGD(model.parameters(), lr=0.0), 2, validation=(X, y), progress=False
    )
    assert not model.training
    assert history.val_loss[0] == history.val_loss[1]  # lr 0 and no dropout: same figure


class _Recorder(SGD):
    """SGD that remembers the weights after each step."""

    def __init__(self, model, **options):
        super().__init__(model.parameters(), **options)
        self.model, self.states = model, []

    def step(self):
        super().step()
        self.states.append(self.model.state_dict())


def test_early_stopping_stops_and_restores_the_best_weights():
    # Training data say y = 2x + 1, validation data y = -2x + 1, and the weight starts at -2.
    # The bias is learnt fast (the validation loss falls); the weight moves slowly towards
    # +2 with these small inputs (then the validation loss rises).
    X = [[x] for x in (-0.2, -0.1, 0.1, 0.2)]
    model = Neuron(1, activation="linear", seed=0)
    model.w[0].data, model.b.data = -2.0, 0.0
    optimizer = _Recorder(model, lr=0.2)
    history = fit(
        model,
        X,
        [2 * x[0] + 1 for x in X],
        "mse",
        optimizer,
        100,
        validation=(X, [-2 * x[0] + 1 for x in X]),
        early_stopping=3,
        progress=False,
    )
    best = history.best_epoch  # counted from 1: the list index is best - 1
    assert history.stopped_early and 4 <= best <= 20
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert len(history.loss) == best + 3
    assert model.state_dict() == optimizer.states[best - 1]
    assert model.state_dict() != optimizer.states[-1]


def test_early_stopping_without_validation_watches_the_training_loss():
    X, y = [[0.0], [1.0]], [0.0, 1.0]
    model = Neuron(1, activation="linear", seed=0)
    optimizer = _Recorder(model, lr=2.5)  # too large: the loss grows every step
    history = fit(model, X, y, "mse", optimizer, 50, early_stopping=2, progress=False)
    assert history.stopped_early and history.best_epoch == 1  # epochs count from 1
    assert model.state_dict() == optimizer.states[0]
    assert "stopped early (best: epoch 1)" in repr(history)  # people count from 1


def test_progress_bar_shows_loss_and_accuracy(capsys):
    pytest.importorskip("tqdm")
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 2)
    err = capsys.readouterr().err
    assert "loss=" in err and "acc=" in err and "2/2" in err
    fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 2, progress=False)
    assert capsys.readouterr().err == ""


def test_the_progress_bar_leaves_no_thread_behind():
    """tqdm starts a monitor thread with its first bar and keeps it after the bar closes;
    fit's bar needs none (it moves once an epoch), and a process left with a second thread
    can no longer fork (the CLI's pictures would then start a fresh Python each)."""
    pytest.importorskip("tqdm")
    done = _fit_in_a_new_python(
        "import threading", "progress=True", "[t.name for t in threading.enumerate()]"
    )
    assert done.stdout.strip() == "['MainThread']"
    assert "fit: 100%" in done.stderr  # (the bar itself was shown)


def test_fit_works_quietly_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    monkeypatch.delitem(sys.modules, "nn.progress", raising=False)  # (imported afresh: fails)
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 2)
    assert len(history) == 2
    assert capsys.readouterr().err == ""


def _fit_in_a_new_python(first, options, shown):
    """Two epochs of a small fit in a fresh Python, after the line ``first``, with
    ``options``; it prints ``shown`` (an expression, of the History ``h`` say)."""
    code = (
        f"{first}\n"
        "import nn, nn.data\n"
        "X, y = nn.data.make_moons(10, seed=0)\n"
        "m = nn.MLP(2, [3, 1], seed=0)\n"
        f"h = nn.fit(m, X, y, 'bce', nn.SGD(m.parameters(), lr=0.1), 2, {options})\n"
        f"print({shown})\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def test_nn_imports_without_torch_tqdm_or_matplotlib():
    done = _fit_in_a_new_python(
        "import sys\nfor name in ('torch', 'tqdm', 'matplotlib'): sys.modules[name] = None",
        "progress=True",
        "len(h)",
    )
    assert done.stdout.strip() == "2" and done.stderr == ""


def test_fit_pauses_the_collector_during_a_step_and_restores_it():
    import gc

    seen = []

    def loss(predictions, targets):
        seen.append(gc.isenabled())
        return mse_loss(predictions, targets)

    model = Neuron(1, activation="linear", seed=0)
    assert gc.isenabled()
    fit(model, [[0.0], [1.0]], [0.0, 1.0], loss, SGD(model.parameters(), lr=0.1), 3, progress=False)
    # (the first call is fit's trial of a loss of one's own, before training: not a step)
    assert seen[1:] == [False, False, False] and gc.isenabled()


# --- early stopping ----------------------------------------------------------------------------


def test_early_stopping_object_counts_patience_and_keeps_the_best():
    from nn.train import EarlyStopping

    model = Neuron(1, seed=0)
    stopper = EarlyStopping(patience=2)
    assert not stopper.update(model, 1, 3.0)
    model.b.data = 7.0
    assert not stopper.update(model, 2, 2.0)  # better: remembered
    best = model.state_dict()
    model.b.data = 9.0
    assert not stopper.update(model, 3, math.nan)  # NaN never counts as better
    assert stopper.update(model, 4, 2.0)  # equal is not better: the second in a row
    assert stopper.best_epoch == 2
    stopper.restore(model)
    assert model.state_dict() == best


# --- models of one's own --------------------------------------------------------------------


def test_a_model_whose_parameters_fit_cannot_see_still_trains():
    """The optimizer is checked against model.parameters(); a model that finds none (its
    weight in a private attribute, say) cannot be checked, and is not refused."""

    class Hidden(Module):
        def __init__(self):
            self._w = ag.Value(0.5)

        def forward(self, x):
            return self._w * x[0]

    model = Hidden()
    assert model.parameters() == []
    fit(model, [[1.0], [2.0]], [1.0, 2.0], "mse", SGD([model._w], lr=0.1), 1, progress=False)
    assert model._w.data != 0.5


def test_a_model_of_ones_own_may_return_any_sequence_and_hold_its_own_optimizer():
    """Its outputs are counted with len() (a NumPy array of Values trained before the count
    was learnt, and must still); an optimizer of one's own whose params are not a list of
    Values (a method, PyTorch-style groups) is not checked, and does not break the check."""
    numpy = pytest.importorskip("numpy")

    class AsArray(Module):
        def __init__(self):
            self.layer = Layer(2, 2, activation="linear", seed=0)

        def forward(self, x):
            return numpy.array(self.layer(x), dtype=object)

    X, y = [[0.1, 0.2], [0.3, 0.4]], [[0.0, 1.0], [1.0, 0.0]]
    model = AsArray()
    history = fit(model, X, y, "mse", SGD(model.parameters(), lr=0.1), 2, progress=False)
    assert history.epochs == 2
    # (its accuracy read the array as one number, after the first step had moved the model)
    history = fit(model, X, [0, 1], "cross_entropy", SGD(model.parameters(), lr=0.1), 2,
                  progress=False)  # fmt: skip
    assert history.accuracy[-1] in (0.0, 0.5, 1.0)
    assert predict(model, X) == [[v.data for v in model.layer(x)] for x in X]

    class AsDict(AsArray):
        def forward(self, x):
            return dict(enumerate(self.layer(x)))

    bad = AsDict()
    before = bad.state_dict()
    with pytest.raises(TypeError, match=r"^model must return a Value, a number, or a list"):
        fit(bad, X, y, "mse", SGD(bad.parameters(), lr=0.1), 1, progress=False)
    assert bad.state_dict() == before
    with pytest.raises(ValueError, match=r"y\[0\] has 3 number\(s\) but the model has 2"):
        fit(model, X, [[0.0, 1.0, 2.0]] * 2, "mse", SGD(model.parameters(), lr=0.1), 1,
            progress=False)  # fmt: skip

    class Groups:  # an optimizer of one's own, with PyTorch's shape: a list of dicts
        def __init__(self, held, lr):
            self.held, self.lr = held, lr
            self.params = [{"params": held}]

        def zero_grad(self):
            for p in self.held:
                p.grad = 0.0

        def step(self):
            for p in self.held:
                p.data -= self.lr * p.grad

    class Method(Groups):
        def __init__(self, held, lr):
            self.held, self.lr = held, lr

        def params(self):
            return self.held

    for kind in (Groups, Method):
        before = model.state_dict()
        fit(model, X, y, "mse", kind(model.parameters(), lr=0.1), 1, progress=False)
        assert model.state_dict() != before

    class InASet(Groups):  # a set of Values is read as a list of them is
        def __init__(self, held, lr):
            self.held, self.lr, self.params = held, lr, set(held)

    before = model.state_dict()
    with pytest.raises(ValueError, match="optimizer holds none of the model's parameters"):
        fit(model, X, y, "mse", InASet(AsArray().parameters(), lr=0.1), 1, progress=False)
    assert model.state_dict() == before
    fit(model, X, y, "mse", InASet(model.parameters(), lr=0.1), 1, progress=False)
    assert model.state_dict() != before


def test_the_epoch_loss_is_the_mean_over_samples_whatever_the_batches():
    """With lr 0 the weights never move, so an epoch's loss is the loss of the whole set.
    Breaks caught: a partial last batch weighted as a full one; dividing by the number of
    steps instead of the number of samples."""
    X = [[0.1 * i] for i in range(10)]
    y = [float(i % 3) for i in range(10)]
    for batch_size in (None, 3, 4, 10):
        model = Neuron(1, activation="linear", seed=0)
        history = fit(
            model,
            X,
            y,
            "mse",
            SGD(model.parameters(), lr=0.0),
            2,
            batch_size=batch_size,
            progress=False,
        )
        expected = evaluate(model, X, y, "mse")[0]
        assert history.loss == pytest.approx([expected, expected], rel=1e-12)


def test_the_history_loss_leaves_out_the_l2_penalty():
    """The docs: the figures in the History are the loss alone, not loss + l2 * sum(p*p)."""
    X, y = [[0.5], [-1.0]], [1.0, 2.0]
    model = Neuron(1, activation="linear", seed=0)
    model.w[0].data, model.b.data = 3.0, -1.0
    expected = evaluate(model, X, y, "mse")[0]
    history = fit(model, X, y, "mse", SGD(model.parameters(), lr=0.0), 1, l2=0.5, progress=False)
    assert history.loss == pytest.approx([expected], rel=1e-12)


def test_a_schedule_is_stepped_after_every_optimizer_step_not_every_epoch():
    X = [[float(i)] for i in range(6)]
    y = [0.0] * 6
    model = Neuron(1, activation="linear", seed=0)
    optimizer = SGD(model.parameters(), lr=0.0)
    schedule = LinearDecay(optimizer, 0.0, 0.0, 10)
    history = fit(model, X, y, "mse", optimizer, 2, batch_size=2, schedule=schedule, progress=False)
    assert history.steps == 6
    assert schedule.t == 6


def test_fit_trains_in_training_mode_even_when_the_model_was_in_eval_mode():
    """fit switches dropout on for training (then puts the mode back), whatever the mode it
    was given; a model left in eval() must not silently train without dropout."""
    X, y = [[1.0, -1.0], [0.5, 0.5]], [0.0, 1.0]
    model = MLP(2, [8, 1], seed=0, dropout=0.5).eval()
    modes = []

    def loss(predictions, targets):
        modes.append([m.training for m in model.modules()])
        return ag.mean([(p - t) * (p - t) for p, t in zip(predictions, targets)])

    fit(model, X, y, loss, SGD(model.parameters(), lr=0.0), 2, progress=False)
    trial, *steps = modes  # fit tries a loss of one's own first, in evaluation mode
    assert trial == [False] * len(trial) and steps == [[True] * len(trial)] * 2
    assert not any(m.training for m in model.modules())
