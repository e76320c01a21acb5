"""fit: micrograd's demo, the loop's arithmetic, batches, validation, early stopping."""

import math
import subprocess
import sys

import pytest

import autograd_lite as ag
from nn import (
    MLP,
    SGD,
    Adam,
    Dropout,
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
from nn.data import make_moons, make_spirals


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


def test_fit_works_quietly_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 2)
    assert len(history) == 2
    assert capsys.readouterr().err == ""


def test_fit_checks_its_arguments():
    model = Neuron(1, seed=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="as many targets"):
        fit(model, [[1.0]], [1.0, 2.0], "mse", optimizer, 1, progress=False)
    with pytest.raises(ValueError, match="unknown loss"):
        fit(model, [[1.0]], [1.0], "l1", optimizer, 1, progress=False)
    with pytest.raises(ValueError, match="patience"):
        fit(model, [[1.0]], [1.0], "mse", optimizer, 1, early_stopping=0, progress=False)


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"batch_size": 2.5}, TypeError, r"batch_size must be None .* or an int, got 2\.5"),
        ({"batch_size": "a"}, TypeError, "batch_size must be None .* got 'a'"),
        ({"batch_size": True}, TypeError, "batch_size must be None .* got True"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0"),
        ({"l2": -0.1}, ValueError, "l2 must be a finite number >= 0"),
        ({"l2": "0.1"}, TypeError, "l2 must be a finite number >= 0"),
        ({"l2": True}, TypeError, "l2 must be a finite number >= 0"),
        ({"schedule": 0.5}, TypeError, r"schedule must be None or have a step\(\) method"),
        ({"seed": 2.5}, TypeError, "seed must be None, an int"),
    ],
)
def test_fit_refuses_arguments_it_would_otherwise_quietly_coerce(options, error, message):
    model = Neuron(1, seed=0)
    before = model.state_dict()
    optimizer = SGD(model.parameters(), lr=0.1)
    with pytest.raises(error, match=message):
        fit(model, [[1.0], [2.0]], [1.0, 2.0], "mse", optimizer, 1, progress=False, **options)
    assert model.state_dict() == before and optimizer.lr == 0.1


def test_nn_imports_without_torch_tqdm_or_matplotlib():
    code = (
        "import sys\n"
        "for name in ('torch', 'tqdm', 'matplotlib'): sys.modules[name] = None\n"
        "import nn, nn.data\n"
        "X, y = nn.data.make_moons(10, seed=0)\n"
        "m = nn.MLP(2, [3, 1], seed=0)\n"
        "h = nn.fit(m, X, y, 'bce', nn.SGD(m.parameters(), lr=0.1), 2)\n"
        "print(len(h))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
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


# --- everything is checked before the first step ----------------------------------------------


def _picked(predictions, targets):
    """A loss of one's own that reads each target as an index into the outputs."""
    return ag.mean([-ag.log(ag.sigmoid(p[t])) for p, t in zip(predictions, targets)])


class _StepWithEpoch:
    def __init__(self, optimizer):
        self.optimizer = optimizer

    def step(self, epoch):  # fit calls step() with no arguments
        pass


@pytest.mark.parametrize(
    "loss, options, error, message",
    [
        ("bce", {"accuracy": lambda p: p.data > 0}, TypeError,
         r"accuracy must take two arguments, \(prediction, target\)"),
        ("bce", {"schedule": _StepWithEpoch}, TypeError,
         r"schedule: fit calls schedule.step\(\) with no arguments .* _StepWithEpoch.step"),
        (_picked, {"validation": ([[0.1, 0.2]], [3])}, IndexError, "list index out of range"),
        (lambda p, t: 0.5, {}, TypeError, r"loss must return a Value .* got float 0.5"),
        ("cross_entropy", {"accuracy": lambda p, t: p[t + 1].data > 0}, IndexError, "out of range"),
    ],
)  # fmt: skip
def test_what_only_a_call_can_check_is_checked_before_the_first_step(loss, options, error, message):
    """An accuracy or a schedule.step taking the wrong arguments, and a loss of one's own
    that cannot read a validation target or returns no Value, raised after the first step
    (or the first epoch), with the model and Adam's state changed."""
    model = MLP(2, [4, 3], seed=0)
    X, y = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [0, 2, 1]
    if loss == "bce":
        model, y = MLP(2, [4, 1], seed=0), [0.0, 1.0, 1.0]
    optimizer = Adam(model.parameters(), lr=0.1)
    if options.get("schedule") is _StepWithEpoch:
        options = {"schedule": _StepWithEpoch(optimizer)}
    before = model.state_dict()
    with pytest.raises(error, match=message):
        fit(model, X, y, loss, optimizer, 2, progress=False, **options)
    assert model.state_dict() == before and optimizer.t == 0


def test_what_python_cannot_read_the_arguments_of_is_left_to_the_call():
    """A built-in has no signature to read (inspect raises ValueError): fit calls it and lets
    the call say, rather than refuse a schedule.step that works."""
    from types import SimpleNamespace

    model = MLP(2, [2, 1], seed=0)
    X, y = [[0.1, 0.2], [0.3, 0.4]], [0.0, 1.0]
    schedule = SimpleNamespace(step={}.clear)  # (dict.clear: no signature, takes nothing)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 2, schedule=schedule,
                  progress=False)  # fmt: skip
    assert history.epochs == 2


def test_the_trial_of_a_loss_of_ones_own_draws_no_dropout_mask():
    """The trial runs the model in evaluation mode: a run with a loss of one's own trains with
    the masks a built-in loss's run draws, the same weights bit for bit."""

    def my_mse(predictions, targets):
        return mse_loss(predictions, targets)

    X, y = [[0.1, 0.2], [0.3, 0.4], [0.5, -0.6]], [0.5, -1.0, 2.0]
    states = []
    for loss in ("mse", my_mse):
        model = MLP(2, [8, 1], dropout=0.5, seed=0)
        fit(model, X, y, loss, SGD(model.parameters(), lr=0.1), 3, progress=False)
        states.append(model.state_dict())
    assert states[0] == states[1]


def test_the_trial_of_a_loss_of_ones_own_gives_it_the_models_own_predictions():
    """A trial that gave every target the first sample's prediction refused losses that
    train: a hand-written BCE met sigmoid(40) = 1.0 with the target 0 (log(0)), and a
    loss on z-scored predictions divided by their spread, 0."""

    def bce(predictions, targets):
        return ag.mean(
            [-(p.log() if t == 1 else (1 - p).log()) for p, t in zip(predictions, targets)]
        )

    def z_scored(predictions, targets):
        mean = ag.mean(predictions)
        spread = ag.mean([(p - mean) * (p - mean) for p in predictions]).sqrt()
        return ag.mean([((p - mean) / spread - t) ** 2 for p, t in zip(predictions, targets)])

    X, y = [[40.0], [0.5], [-0.5], [1.0]], [1, 0, 1, 0]
    for loss in (bce, z_scored):
        model = MLP(1, [1], output_activation="sigmoid", seed=0)
        model.layers[0].neurons[0].w[0].data, model.layers[0].neurons[0].b.data = 1.0, 0.0
        history = fit(model, X, y, loss, SGD(model.parameters(), lr=0.01), 1, progress=False)
        assert history.epochs == 1


def test_a_recorded_run_gives_a_loss_of_ones_own_the_targets_as_they_were():
    """The replay's recorder made every target a float: a loss reading a class index as a
    list index broke after the first epoch, only when record=True."""
    model = MLP(2, [4, 3], seed=0)
    X, y = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [0, 2, 1]
    history = fit(model, X, y, _picked, SGD(model.parameters(), lr=0.1), 2, record=True,
                  progress=False)  # fmt: skip
    assert history.epochs == 2 and history.recording.as_data()["y"] == [0.0, 2.0, 1.0]


def _twenty(label=1.0):
    X = [[0.1 * i, -0.05 * i] for i in range(20)]
    y = [label if i % 2 else 0.0 for i in range(20)]
    return X, y


def _spoiled(change):
    X, y = _twenty()
    X, y = [list(row) for row in X], list(y)
    options = {}
    change(X, y, options)
    return X, y, options


BAD_DATA = [
    # (loss, change, error, message)
    ("bce", lambda X, y, o: y.__setitem__(16, 2), ValueError, r"y\[16\]: targets must be in"),
    ("hinge", lambda X, y, o: y.__setitem__(16, 2), ValueError, r"y\[16\]: labels must be"),
    ("bce", lambda X, y, o: y.__setitem__(3, -1), ValueError, r"y\[3\]: targets must be in"),
    ("bce", lambda X, y, o: X.__setitem__(5, [1.0, 2.0, 3.0]), ValueError, r"X\[5\] has 3"),
    ("bce", lambda X, y, o: X.__setitem__(5, [1.0]), ValueError, r"X\[5\] has 1 feature"),
    ("mse", lambda X, y, o: X[7].__setitem__(1, math.nan), ValueError, r"X\[7\]\[1\] is nan"),
    ("mse", lambda X, y, o: X[7].__setitem__(0, math.inf), ValueError, r"X\[7\]\[0\] is inf"),
    ("mse", lambda X, y, o: y.__setitem__(9, math.inf), ValueError, r"y\[9\] is inf"),
    ("mse", lambda X, y, o: y.__setitem__(9, math.nan), ValueError, r"y\[9\] is nan"),
    ("mse", lambda X, y, o: X[2].__setitem__(0, "1.0"), TypeError, r"X\[2\]\[0\] must be a number"),
    ("mse", lambda X, y, o: y.__setitem__(4, "1"), TypeError, r"y\[4\]: expected a number"),
    ("mse", lambda X, y, o: y.__setitem__(4, [1.0, 2.0]), ValueError, r"y\[4\] has 2 number"),
    ("mse", lambda X, y, o: y.pop(), ValueError, "y has 19 targets but X has 20"),
    # no order, or keys for numbers: trained on as [1.0, 2.0] or as the target 0
    ("mse", lambda X, y, o: X.__setitem__(6, {2.0, 1.0}), TypeError, r"X\[6\] must be a list"),
    ("bce", lambda X, y, o: y.__setitem__(6, {0: 1.0}), TypeError, r"y\[6\]: expected a number"),
    (
        "bce",
        lambda X, y, o: o.update(validation=(X[:5], y[:4])),
        ValueError,
        "validation y has 4 targets but validation X has 5",
    ),
    (
        "bce",
        lambda X, y, o: o.update(validation=(X[:5], [0, 1, 0, 1, 2])),
        ValueError,
        r"validation y\[4\]: targets must be in",
    ),
    (
        "bce",
        lambda X, y, o: o.update(validation=([[0.0, 0.0, 0.0]], [1])),
        ValueError,
        r"validation X\[0\] has 3 feature",
    ),
    (
        "bce",
        lambda X, y, o: o.update(validation=(X, y, X)),
        ValueError,
        "validation must be a pair",
    ),
    ("bce", lambda X, y, o: o.update(validation=X), ValueError, "validation must be a pair"),
    ("bce", lambda X, y, o: o.update(validation="data"), TypeError, "validation must be None or a"),
]


@pytest.mark.parametrize("loss, change, error, message", BAD_DATA, ids=[m for *_, m in BAD_DATA])
def test_bad_data_raises_before_the_first_step_and_changes_nothing(loss, change, error, message):
    X, y, options = _spoiled(change)
    model = MLP(2, [4, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.5, momentum=0.9)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        fit(model, X, y, loss, optimizer, 3, batch_size=1, progress=False, **options)
    assert model.state_dict() == before
    assert optimizer.velocity == [None] * len(optimizer.params)  # no step was ever taken


def test_cross_entropy_targets_are_class_indices_the_model_can_give():
    X, y = make_spirals(30, classes=3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    before = model.state_dict()
    optimizer = SGD(model.parameters(), lr=0.5)
    with pytest.raises(ValueError, match=r"y\[7\]: target 3 is not in 0\.\.2"):
        fit(model, X, [*y[:7], 3, *y[8:]], "cross_entropy", optimizer, 1, progress=False)
    with pytest.raises(ValueError, match="class index"):
        fit(model, X, [*y[:7], 1.5, *y[8:]], "cross_entropy", optimizer, 1, progress=False)
    one_output = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="cross_entropy needs a model with 2 or more outputs"):
        optimizer = SGD(one_output.parameters(), lr=0.5)
        fit(one_output, X, y, "cross_entropy", optimizer, 1, progress=False)
    assert model.state_dict() == before


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"epochs": 2.0}, TypeError, "epochs must be an int >= 0"),
        ({"epochs": -1}, ValueError, "epochs must be an int >= 0"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be None"),
        ({"early_stopping": 2.0}, TypeError, "early_stopping .* must be None"),
        ({"early_stopping": True}, TypeError, "early_stopping .* must be None"),
        ({"progress": "yes"}, TypeError, "progress must be True or False"),
        ({"shuffle": 1}, TypeError, "shuffle must be True or False"),
        ({"record": "yes"}, TypeError, "record must be True or False"),
        ({"record": 1}, TypeError, "record must be True or False"),
        ({"loss": 3}, TypeError, "loss must be a name or a function"),
        ({"loss": "l1"}, ValueError, "loss must be one of"),
        ({"accuracy": "yes"}, ValueError, "accuracy must be 'auto', None or a function"),
        ({"accuracy": 3}, TypeError, "accuracy must be 'auto', None"),
        ({"optimizer": 0.1}, TypeError, r"optimizer must have a step\(\) method"),
        ({"model": lambda x: x}, TypeError, "model must be an nn Module"),
        ({"X": 3}, TypeError, "X must be a list"),
        ({"X": {(1.0,), (2.0,)}}, TypeError, "X must be a list .* got set"),  # which y is whose?
        ({"X": [], "y": []}, ValueError, "X is empty"),
    ],
)
def test_one_error_convention_for_fits_arguments(options, error, message):
    model = Neuron(1, seed=0)
    arguments = {
        "model": model,
        "X": [[1.0], [2.0]],
        "y": [1.0, 2.0],
        "loss": "mse",
        "optimizer": SGD(model.parameters(), lr=0.1),
        "epochs": 1,
        "progress": False,
    }
    before = model.state_dict()
    with pytest.raises(error, match=r"^" + message):
        fit(**{**arguments, **options})
    assert model.state_dict() == before


def test_a_custom_loss_gets_any_finite_targets_but_not_nan():
    model = MLP(1, [2, 3], seed=0)

    def first_output_mse(predictions, targets):
        return mse_loss([p[0] for p in predictions], targets)

    X, y = [[0.0], [1.0]], [0.5, 1.5]  # one number per sample for a 3-output model: its choice
    fit(model, X, y, first_output_mse, SGD(model.parameters(), lr=0.1), 1, progress=False)
    with pytest.raises(ValueError, match=r"y\[1\] is nan"):
        fit(model, X, [0.5, math.nan], first_output_mse, SGD(model.parameters(), lr=0.1), 1)


def test_big_fractions_are_refused_as_not_finite_not_as_overflow():
    from fractions import Fraction

    model = Neuron(1, seed=0)
    with pytest.raises(ValueError, match=r"X\[0\]\[0\] is Fraction"):
        fit(model, [[Fraction(10**400)]], [1.0], "mse", SGD(model.parameters(), lr=0.1), 1)


# --- early stopping, and epochs counted from 1 ------------------------------------------------


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


# --- recording a run for a replay -------------------------------------------------------------


def test_a_run_is_not_recorded_unless_asked_and_replay_says_how(tmp_path):
    X, y = make_moons(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), 1, progress=False)
    assert history.recording is None
    with pytest.raises(ValueError, match=r"^History.replay: this run was not recorded; call fit"):
        history.replay(tmp_path / "replay.html")
    assert list(tmp_path.iterdir()) == []


def test_targets_as_rows_of_a_numpy_array_train_as_the_same_lists_would():
    numpy = pytest.importorskip("numpy")  # y of shape (n, 1), as scikit-learn users keep it
    X, y = make_moons(20, noise=0.1, seed=1)
    Xv, yv = make_moons(10, noise=0.1, seed=2)

    def trained(targets, validation_targets, **options):
        model = MLP(2, [4, 1], seed=0)
        optimizer = SGD(model.parameters(), lr=0.1)
        history = fit(
            model, X, targets, "hinge", optimizer, 3,
            validation=(Xv, validation_targets), progress=False, **options,
        )  # fmt: skip
        return model.state_dict(), history.val_loss

    as_lists = trained([[t] for t in y], [[t] for t in yv])
    assert trained(numpy.array(y).reshape(-1, 1), numpy.array(yv).reshape(-1, 1)) == as_lists
    rows = [[float(t)] for t in y[:-1]] + [numpy.array([float(y[-1])])]  # one row of numpy
    assert trained(rows, yv, batch_size=1) == trained([[t] for t in y], yv, batch_size=1)
    model = MLP(2, [1], seed=0)
    assert mse_loss([model(x) for x in X[:2]], numpy.array([[1.0], [2.0]])).data == (
        mse_loss([model(x) for x in X[:2]], [1.0, 2.0]).data
    )


def test_a_schedule_made_for_another_optimizer_is_refused_before_training():
    from nn import StepDecay

    X, y = make_moons(10, noise=0.1, seed=1)
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    other = SGD(MLP(2, [1], seed=0).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="schedule was made for another optimizer"):
        fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), 2,
            schedule=StepDecay(other, 1, 0.5), progress=False)  # fmt: skip
    assert model.state_dict() == before


def test_an_optimizer_of_another_model_is_refused_before_training_but_a_subset_is_fine():
    """The notebook slip: the model's cell run again after the optimizer's. Every step would
    update the old model, and the loss would stay the same epoch after epoch."""
    X, y = make_moons(10, noise=0.1, seed=1)
    optimizer = SGD(MLP(2, [3, 1], seed=0).parameters(), lr=0.1)
    model = MLP(2, [3, 1], seed=1)  # made again: the optimizer holds the first one
    before = model.state_dict()
    with pytest.raises(ValueError, match="optimizer holds none of the model's parameters"):
        fit(model, X, y, "hinge", optimizer, 2, progress=False)
    assert model.state_dict() == before
    last = model.layers[-1].parameters()  # the first layer frozen: trains the last one only
    first = {name: v for name, v in before.items() if name.startswith("layers.0.")}
    fit(model, X, y, "hinge", SGD(last, lr=0.1), 2, progress=False)
    after = model.state_dict()
    assert {name: after[name] for name in first} == first
    assert after != before


class TwoLayers(Module):
    """A model of one's own: no ``nin`` or ``nouts`` for fit to read its sizes from."""

    def __init__(self, nouts):
        self.body = MLP(2, nouts, seed=0)
        self.drop = Dropout(0.5, seed=1)

    def forward(self, x):
        return self.body(self.drop(x))


@pytest.mark.parametrize(
    "y, validation, options",
    [
        ([0, 1, 5], None, {"batch_size": 1}),  # class 5 of 3 outputs, in the last batch
        ([0, 1, 2], ([[0.5, 0.6]], [7]), {}),  # in the validation data
        ([0, 1, 2], ([[0.5, 0.6, 0.7]], [1]), {}),  # 3 features where training has 2
        ([0, 1, 2], ([[0.5, 0.6], [0.1, 0.2, 0.3]], [0, 1]), {}),  # and in a later row
    ],
)
def test_a_model_of_ones_own_has_its_data_checked_before_the_first_step(y, validation, options):
    """fit runs a model that does not give its sizes once, on the first sample (in eval
    mode, recording nothing), to learn how many outputs it has; the validation data must
    have the training data's features. Before, these were found an epoch or a batch late."""
    model = TwoLayers([4, 3])
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    before, masks = model.state_dict(), model.drop._rng.getstate()
    X = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
    said = r"not in 0\.\.2|validation X\[[01]\] has 3 feature\(s\) but the training samples have 2"
    with pytest.raises(ValueError, match=said):
        fit(model, X, y, "cross_entropy", optimizer, 2, validation=validation,
            shuffle=False, progress=False, **options)  # fmt: skip
    assert model.state_dict() == before and optimizer.velocity == [None] * 27
    assert model.training and model.drop._rng.getstate() == masks  # no mask drawn
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_model_of_ones_own_has_every_row_like_the_first():
    model = TwoLayers([4, 3])
    before = model.state_dict()
    X = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6, 0.7]]
    with pytest.raises(ValueError, match=r"^X\[2\] has 3 feature\(s\) but X\[0\] has 2$"):
        fit(model, X, [0, 1, 2], "cross_entropy", SGD(model.parameters(), lr=0.1), 1,
            batch_size=1, shuffle=False, progress=False)  # fmt: skip
    assert model.state_dict() == before


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


def test_cross_entropy_accuracy_counts_the_largest_logit_as_the_prediction():
    model = Layer(1, 3, activation="linear", seed=0)
    for neuron, bias in zip(model.neurons, (0.0, 5.0, 1.0)):
        neuron.w[0].data, neuron.b.data = 0.0, bias
    X = [[1.0]] * 3
    assert evaluate(model, X, [1, 1, 1], "cross_entropy")[1] == 1.0
    assert evaluate(model, X, [0, 1, 2], "cross_entropy")[1] == pytest.approx(1 / 3)


def test_a_row_that_is_no_list_is_shown_short_in_the_message():
    model = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match=r"X\[0\] must be a list of numbers, got 'xxx") as error:
        fit(model, ["x" * 5000], [1.0], "mse", SGD(model.parameters(), lr=0.1), epochs=1,
            progress=False)  # fmt: skip
    assert len(str(error.value)) < 200  # (it held the whole 5,000-character row)
