"""Losses: values by hand, stability for huge logits, and PyTorch as the oracle."""

import math
import random
from types import MappingProxyType

import pytest

import autograd_lite as ag
from nn import bce_with_logits, cross_entropy, hinge_loss, mse_loss, softmax
from nn.losses import logsumexp


def _values(xs):
    return [ag.Value(x) for x in xs]


def test_mse_is_the_mean_squared_difference_with_its_gradient():
    p = _values([1.0, 2.0, 4.0])
    loss = mse_loss(p, [0.0, 2.0, 1.0])
    assert loss.data == pytest.approx((1 + 0 + 9) / 3, rel=1e-15)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 * 1 / 3, 0.0, 2 * 3 / 3], rel=1e-15)


def test_mse_accepts_one_prediction_and_lists_of_outputs():
    assert mse_loss(ag.Value(3.0), 1.0).data == 4.0
    assert mse_loss([[ag.Value(1.0), ag.Value(2.0)]], [[0.0, 0.0]]).data == 2.5
    with pytest.raises(ValueError, match="2 prediction"):
        mse_loss(_values([1.0, 2.0]), [1.0])


@pytest.mark.parametrize(
    "loss, prediction, target, message",
    [
        (
            mse_loss,
            [[1.0, 2.0], [3.0, 4.0]],
            [[1, 2, 3], [4]],
            r"^mse_loss: prediction\[0\] has 2 number\(s\) but target\[0\] has 3; ",
        ),
        (
            mse_loss,
            [[1.0, 2.0], [3.0]],
            [[1, 2], [3, 4]],
            r"^mse_loss: prediction\[1\] has 1 number\(s\) but target\[1\] has 2; ",
        ),
        (
            mse_loss,  # (not one sample written flat: two samples of two for one target row)
            [[1.0, 2.0], [3.0, 4.0]],
            [[1, 2]],
            r"^mse_loss: 2 prediction\(s\) but 1 target\(s\); give one target per sample",
        ),
        (
            bce_with_logits,
            [[1.0, 2.0]],
            [[0, 1, 1]],
            r"^bce_with_logits: logits\[0\] has 2 number\(s\) but targets\[0\] has 3; ",
        ),
        (
            bce_with_logits,
            [[1.0], [2.0], [3.0], [4.0]],
            [[0, 1], [1, 0]],
            r"^bce_with_logits: 4 prediction\(s\) but 2 target\(s\); give one target per sample",
        ),
        (
            hinge_loss,
            [[1.0], [2.0]],
            [[1, -1], [1]],
            r"^hinge_loss: scores\[0\] has 1 number\(s\) but labels\[0\] has 2; ",
        ),
    ],
)
def test_each_sample_needs_as_many_targets_as_predictions(loss, prediction, target, message):
    # Same totals, different shapes: PyTorch refuses them; pairing the flat lists would match
    # one sample's prediction with another sample's target and say nothing.
    prediction = [_values(row) for row in prediction]
    with pytest.raises(ValueError, match=message):
        loss(prediction, target)


def test_a_one_number_sample_may_be_written_bare_or_in_a_list():
    # a one-output model gives Values, y of shape (n, 1) gives rows of one: fit pairs them
    a, b = ag.Value(1.0), ag.Value(2.0)
    assert mse_loss([a, b], [[0.0], [0.0]]).data == 2.5
    assert mse_loss([[a], [b]], [0.0, 0.0]).data == 2.5
    assert mse_loss(a, [0.0]).data == 1.0
    assert mse_loss([a, b], [0.0, 0.0]).data == 2.5
    # one sample of a two-output model, [a, b], against its target row [[0.5, 0.3]]: it
    # worked, then was refused as "2 prediction(s) but 1 target(s)" (PyTorch broadcasts)
    assert mse_loss([a, b], [[0.0, 0.0]]).data == 2.5
    assert mse_loss([[a, b]], [0.0, 0.0]).data == 2.5
    with pytest.raises(ValueError, match="3 prediction"):
        mse_loss([a, b, a], [[0.0, 0.0]])
    # but two samples of two are not one sample of four, nor is a ragged batch one sample
    for prediction, target in [([[a, b, a, b]], [[1.0, 2.0], [3.0, 4.0]]),
                               ([[a, b], [a, b]], [[1.0, 2.0, 3.0, 4.0]]),
                               ([[a, b, a]], [[1.0], [2.0, 3.0]])]:  # fmt: skip
        with pytest.raises(ValueError):
            mse_loss(prediction, target)


def test_hinge_is_the_mean_of_relu_one_minus_margin():
    s = _values([2.0, 0.5, -0.5])
    loss = hinge_loss(s, [1, 1, 1])
    assert loss.data == pytest.approx((0.0 + 0.5 + 1.5) / 3, rel=1e-15)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([0.0, -1 / 3, -1 / 3], rel=1e-15)


def test_hinge_reads_label_zero_as_minus_one_and_refuses_others():
    assert hinge_loss(_values([0.5]), [0]).data == hinge_loss(_values([0.5]), [-1]).data == 1.5
    with pytest.raises(ValueError, match="labels"):
        hinge_loss(_values([0.5]), [2])


def test_bce_by_hand():
    z, t = 0.7, 1.0
    sigmoid = 1 / (1 + math.exp(-z))
    x = ag.Value(z)
    loss = bce_with_logits([x], [t])
    assert loss.data == pytest.approx(-math.log(sigmoid), rel=1e-14)
    loss.backward()
    assert x.grad == pytest.approx(sigmoid - t, rel=1e-14)


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
def test_bce_gradient_at_zero_is_one_half_minus_target(t):
    x = ag.Value(0.0)
    bce_with_logits([x], [t]).backward()
    assert x.grad == 0.5 - t


@pytest.mark.parametrize("z", [1e4, -1e4, 1e300, -1e300])
@pytest.mark.parametrize("t", [0.0, 1.0])
def test_bce_is_finite_for_huge_logits(z, t):
    x = ag.Value(z)
    loss = bce_with_logits([x], [t])
    loss.backward()
    assert math.isfinite(loss.data) and math.isfinite(x.grad)
    wrong = (z > 0) != (t > 0.5)
    assert loss.data == (abs(z) if wrong else 0.0)
    assert x.grad == ((1.0 if z > 0 else -1.0) if wrong else 0.0)


def test_cross_entropy_is_finite_for_huge_logits():
    z = _values([1e4, -1e4, 0.0])
    loss = cross_entropy(z, 1)
    loss.backward()
    assert loss.data == 2e4
    assert [v.grad for v in z] == [1.0, -1.0, 0.0]


@pytest.mark.parametrize("big", [1e8, -1e8, 1e12, -1e12])
def test_cross_entropy_keeps_its_digits_when_equal_logits_are_huge(big):
    # (m + log 2) - m rounded log 2 away against m; log(2) + (m - m) keeps it exact.
    z = _values([big, big])
    loss = cross_entropy(z, 1)
    loss.backward()
    assert loss.data == pytest.approx(math.log(2.0), rel=1e-15)
    assert [v.grad for v in z] == [0.5, -0.5]


def test_cross_entropy_by_hand_and_softmax():
    logits = [1.0, 2.0, 0.5]
    exps = [math.exp(v) for v in logits]
    z = _values(logits)
    loss = cross_entropy(z, 0)
    assert loss.data == pytest.approx(-math.log(exps[0] / sum(exps)), rel=1e-14)
    loss.backward()
    probabilities = [e / sum(exps) for e in exps]
    assert [v.grad for v in z] == pytest.approx(
        [probabilities[0] - 1, *probabilities[1:]], rel=1e-14
    )
    assert [p.data for p in softmax(z)] == pytest.approx(probabilities, rel=1e-14)


def test_cross_entropy_checks_targets():
    with pytest.raises(ValueError, match=r"not in 0\.\.2"):
        cross_entropy(_values([1.0, 2.0, 3.0]), 3)
    with pytest.raises(ValueError, match="class index"):
        cross_entropy(_values([1.0, 2.0]), 0.5)
    with pytest.raises(ValueError, match="2 samples but 1"):
        cross_entropy([_values([1.0, 2.0]), _values([1.0, 2.0])], [0])


@pytest.mark.parametrize(
    "logits, target, error, message",
    [
        (["a", 1.0], 0, TypeError, r"logits\[0\] must be a number or a Value, got 'a'"),
        ("ab", 0, TypeError, r"logits must be a list of scores.*got str"),
        (ag.Value(1.0), 0, TypeError, r"logits must be a list of scores.*got Value"),
        (1.0, 0, TypeError, r"logits must be a list of scores.*got float"),
        ([[1.0, 2.0]], 0, TypeError, r"logits is a batch.*target_index must be a list.*got int"),
        ([[]], [0], ValueError, r"logits\[0\] is empty; give one score per class"),
        (
            [[1, 2], [1, 2, 3]],
            [0, 2],
            ValueError,
            r"logits\[1\] has 3 scores but logits\[0\] has 2",
        ),
    ],
)
def test_cross_entropy_checks_its_logits_and_names_them(logits, target, error, message):
    with pytest.raises(error, match=r"^cross_entropy: " + message):
        cross_entropy(logits, target)


# --- PyTorch as the oracle ------------------------------------------------------------------


def _random_logits(rng, rows, cols, scale):
    return [[rng.gauss(0.0, scale) for _ in range(cols)] for _ in range(rows)]


@pytest.mark.torch
@pytest.mark.parametrize(
    "scale, offset", [(1.0, 0.0), (30.0, 0.0), (1e4, 0.0), (3.0, 1e8), (3.0, 1e12), (3.0, -1e12)]
)
def test_cross_entropy_matches_torch(scale, offset, torch):
    # An offset of 1e12 makes logits huge but close together: the loss is small next to them.
    rng = random.Random(1)
    logits = [[offset + z for z in row] for row in _random_logits(rng, 6, 4, scale)]
    targets = [rng.randrange(4) for _ in range(6)]
    z = [_values(row) for row in logits]
    loss = cross_entropy(z, targets)
    loss.backward()
    tz = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tz, torch.tensor(targets))
    tloss.backward()
    assert loss.data == pytest.approx(tloss.item(), rel=1e-15 if offset else 1e-12)
    for row, trow in zip(z, tz.grad.tolist()):
        assert [v.grad for v in row] == pytest.approx(trow, rel=1e-12, abs=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
def test_bce_with_logits_matches_torch(scale, torch):
    rng = random.Random(2)
    logits = [rng.gauss(0.0, scale) for _ in range(12)] + [0.0]
    targets = [rng.choice([0.0, 1.0, 0.25]) for _ in logits]
    z = _values(logits)
    loss = bce_with_logits(z, targets)
    loss.backward()
    tz = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(targets, dtype=torch.float64)
    tloss = torch.nn.functional.binary_cross_entropy_with_logits(tz, tt)
    tloss.backward()
    assert loss.data == pytest.approx(tloss.item(), rel=1e-12)
    assert [v.grad for v in z] == pytest.approx(tz.grad.tolist(), rel=1e-12, abs=1e-15)


def test_targets_of_the_wrong_type_are_type_errors():
    with pytest.raises(TypeError, match=r"^hinge_loss: expected"):
        hinge_loss(_values([0.5]), ["1"])
    with pytest.raises(TypeError, match=r"^bce_with_logits: expected"):
        bce_with_logits(_values([0.5]), [True])
    with pytest.raises(TypeError, match=r"^mse_loss: expected"):
        mse_loss(_values([0.5]), "1")
    with pytest.raises(TypeError, match=r"^cross_entropy: a target must be a class index"):
        cross_entropy(_values([1.0, 2.0]), "0")
    with pytest.raises(ValueError, match=r"^bce_with_logits: targets must be in"):
        bce_with_logits(_values([0.5]), [-1])


@pytest.mark.parametrize("z", [20.0, 30.0, 50.0, 700.0])
def test_bce_keeps_the_digits_of_a_tiny_loss(z):
    # log(1 + e^-z) for a confident right answer: softplus(z) - z would cancel it away
    exact = math.log1p(math.exp(-z))
    for logit, target in ((z, 1.0), (-z, 0.0)):
        x = ag.Value(logit)
        loss = bce_with_logits([x], [target])
        loss.backward()
        assert loss.data == pytest.approx(exact, rel=1e-15, abs=0.0)
        assert abs(x.grad) == pytest.approx(1.0 / (1.0 + math.exp(z)), rel=1e-14, abs=0.0)


def test_softplus_is_an_op_that_differentiates_twice():
    from nn.losses import softplus

    assert softplus(-50.0) == math.log1p(math.exp(-50.0)) and softplus(1e300) == 1e300
    s = 1.0 / (1.0 + math.exp(-0.3))
    assert ag.grad(ag.grad(softplus))(0.3) == pytest.approx(s * (1 - s), rel=1e-15)


def test_a_softplus_of_your_own_leaves_the_loss_alone():
    # the lessons define an op named "softplus", even a wrong one on purpose: nn's is its own
    import copy

    x = ag.Value(2.0)
    loss = bce_with_logits([x], [0.0])
    ag.define_op("softplus", lambda z: 0.0, lambda z, out: (ag.sigmoid(-z),))  # wrong on purpose
    twin = copy.deepcopy(loss)
    (leaf,) = [n for n in ag.topological_order(twin) if not n.parents and n.data == 2.0]
    (d,) = ag.gradients(twin, [leaf], create_graph=True)  # (asks the rule again)
    assert d.data == pytest.approx(1.0 / (1.0 + math.exp(-2.0)), rel=1e-15)  # sigmoid(2)


def test_softmax_of_huge_logits_is_finite_and_exact():
    """softmax without subtracting the largest logit overflows: exp(1000) is inf."""
    probabilities = [p.data for p in softmax(_values([1000.0, 1000.0, 1000.0 - 2.0]))]
    e = 2.718281828459045**-2.0
    expected = [1.0 / (2.0 + e), 1.0 / (2.0 + e), e / (2.0 + e)]
    assert probabilities == pytest.approx(expected, rel=1e-14)


def test_logsumexp_of_huge_or_tiny_values_is_finite():
    """logsumexp without its shift gives inf for 1000 and -inf (log 0) for -1000."""
    assert logsumexp(_values([1000.0, 1000.0])).data == pytest.approx(1000.0 + 0.6931471805599453)
    assert logsumexp(_values([-1000.0, -1000.0])).data == pytest.approx(
        -1000.0 + 0.6931471805599453
    )


@pytest.mark.parametrize("fn, name", [(softmax, "logits"), (logsumexp, "values")])
@pytest.mark.parametrize(
    "given, error, message",
    [
        ([], ValueError, r"{name} is empty; give one score per class"),
        ("ab", TypeError, r"{name} must be a list of scores, got 'ab' \(str\)"),
        (5, TypeError, r"{name} must be a list of scores, got 5 \(int\)"),
        (ag.Value(1.0), TypeError, r"{name} must be a list of scores, got Value.*\(Value\)"),
        ([1.0, "a"], TypeError, r"{name}\[1\] must be a number or a Value, got 'a' \(str\)"),
    ],
    ids=["empty", "str", "int", "Value", "a str inside"],
)
def test_softmax_and_logsumexp_name_a_bad_argument(fn, name, given, error, message):
    # (not Python's own "max() arg is an empty sequence" or "'int' object is not iterable")
    with pytest.raises(error, match=rf"^{fn.__name__}: " + message.format(name=name)):
        fn(given)


@pytest.mark.parametrize("loss", [mse_loss, hinge_loss, bce_with_logits])
def test_a_dict_or_a_set_of_targets_is_refused(loss):
    # {0: 1.0, 1: -1.0} iterates as its keys 0 and 1: they must not be taken for targets
    refused = r"expected a number or a list of numbers, got .* \(dict\)$"
    with pytest.raises(TypeError, match=refused):
        loss(_values([1.0, 1.0]), {0: 1.0, 1: -1.0})
    with pytest.raises(TypeError, match=refused):
        loss({0: ag.Value(1.0)}, [1.0])
    with pytest.raises(TypeError, match=refused.replace("dict", "set")):  # which is whose?
        loss(_values([1.0, 1.0]), {1.0, -1.0})
    with pytest.raises(TypeError, match=refused.replace("dict", "mappingproxy")):  # its keys
        loss(_values([1.0, 1.0]), MappingProxyType({0: 1.0, 1: -1.0}))


def test_a_set_is_no_row_of_targets():
    # one sample's two targets given as a set were paired with the outputs in its own order
    with pytest.raises(TypeError, match=r"^mse_loss: expected numbers, got \{"):
        mse_loss([_values([1.0, 2.0])], [{1.0, -1.0}])
