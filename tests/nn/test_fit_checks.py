"""check_fit: every argument and sample of fit checked before the first step."""

import math

import pytest

import autograd_lite as ag
from nn import (
    MLP,
    SGD,
    Adam,
    Dropout,
    Module,
    Neuron,
    fit,
    mse_loss,
)
from nn.data import make_moons, make_spirals


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


def test_a_row_that_is_no_list_is_shown_short_in_the_message():
    model = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match=r"X\[0\] must be a list of numbers, got 'xxx") as error:
        fit(model, ["x" * 5000], [1.0], "mse", SGD(model.parameters(), lr=0.1), epochs=1,
            progress=False)  # fmt: skip
    assert len(str(error.value)) < 200  # (it held the whole 5,000-character row)
