"""Loss functions: how wrong a prediction is, as one Value to call ``backward()`` on.

Each loss takes a prediction (a Value, or a list of them for a batch) and targets of the
same shape, and returns the MEAN over all entries as a Value, built with ``ag.mean`` (one
node, however large the batch).

Stability: ``exp`` of a large logit overflows, so the losses that need ``log(sum(exp(...)))``
first subtract the largest logit ``m`` (a plain number): ``log(sum(exp(z))) = m +
log(sum(exp(z - m)))``. Every ``exp`` then gets an argument <= 0 and the sum is >= 1, so
logits of 1e4 give finite losses and gradients.

Precision: a loss near 0 must not be computed as a big number minus a nearly equal one.
``cross_entropy`` is ``log(sum(exp(z - m))) + (m - z[target])``: both terms are >= 0, so
nothing cancels even when every logit is 1e12 (``(m + log(...)) - z[target]`` would round
the small log away against m first).
"""

from __future__ import annotations

import math

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.reals import shown

from .validate import is_list_like, is_one_number, is_real, number, wrong_type


def is_row(x) -> bool:
    """True for one sample's numbers given together: a list, a tuple, or another sequence
    such as a row of a NumPy array (not a str, a dict, a Value or a number)."""
    return isinstance(x, (list, tuple)) or is_list_like(x)


def _samples(x, name) -> list[list]:
    """A prediction or target as a list of samples, each the list of its numbers.

    A number or a Value is one sample of one number. A list holds one sample per item: a
    number (one output) or a list of numbers (one per output). So ``[a, b]`` is two samples
    of one number each, ``[[a, b]]`` one sample of two.
    """
    if is_one_number(x):
        return [[x]]
    if not is_list_like(x):
        raise TypeError(
            f"{name}: expected a number or a list of numbers, got {shown(x)} ({type(x).__name__})"
        )
    out = [list(item) if is_row(item) else [item] for item in x]
    for sample in out:
        for item in sample:
            if not is_one_number(item):
                raise TypeError(f"{name}: expected numbers, got {item!r} ({type(item).__name__})")
    return out


def _flat(x, name) -> list:
    """A prediction or target as one flat list of numbers: a number, a list, or a list of lists."""
    return [item for sample in _samples(x, name) for item in sample]


# --- what each loss accepts as a target: one rule, used by the loss and by fit ----------------


def hinge_sign(label, name="hinge_loss") -> float:
    """A hinge label as +1.0 or -1.0: labels are +1 and -1, and 0 is read as -1."""
    label = number(label)
    if label not in (1.0, -1.0, 0.0):
        raise ValueError(f"{name}: labels must be +1 or -1 (or 0 for -1), got {label}")
    return 1.0 if label > 0 else -1.0


def bce_target(target, name="bce_with_logits") -> float:
    """A BCE target: a probability in [0, 1] (usually a label 0 or 1)."""
    t = number(target)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{name}: targets must be in [0, 1], got {t}")
    return t


def class_index(target, classes, name="cross_entropy") -> int:
    """A cross-entropy target: an int class index in 0 .. classes - 1."""
    if not is_real(target):
        raise TypeError(f"{name}: a target must be a class index (an int), got {target!r}")
    if not float(target).is_integer():
        raise ValueError(f"{name}: a target must be a class index, got {target!r}")
    target = int(target)
    if not 0 <= target < classes:
        raise ValueError(f"{name}: target {target} is not in 0..{classes - 1}")
    return target


def _one_sample_written_flat(flat, row) -> bool:
    """One sample written flat on one side and as a row on the other: a two-output model's
    ``[a, b]`` with the target ``[[0.5, 0.3]]`` (PyTorch broadcasts (2,) to (1, 2))."""
    return len(row) == 1 and len(flat) == len(row[0]) > 1 and all(len(s) == 1 for s in flat)


def _pair(prediction, target, name, names=("prediction", "target")):
    """Predictions and targets as two flat lists, paired sample by sample.

    Each sample's prediction and target must hold as many numbers (PyTorch refuses tensors
    of different shapes): comparing only the totals would pair ``[[a, b], [c, d]]`` with
    ``[[1, 2, 3], [4]]`` and quietly match ``b`` with 3. ``names`` are the loss's argument
    names, for the message.
    """
    p, t = _samples(prediction, name), _samples(target, name)
    if _one_sample_written_flat(p, t) or _one_sample_written_flat(t, p):
        p, t = [[a for sample in p for a in sample]], [[b for sample in t for b in sample]]
    if len(p) != len(t):
        raise ValueError(
            f"{name}: {len(p)} prediction(s) but {len(t)} target(s); give one target per sample"
        )
    for i, (ps, ts) in enumerate(zip(p, t)):
        if len(ps) != len(ts):
            raise ValueError(
                f"{name}: {names[0]}[{i}] has {len(ps)} number(s) but {names[1]}[{i}] has "
                f"{len(ts)}; give each sample one target per prediction"
            )
    p, t = [a for sample in p for a in sample], [b for sample in t for b in sample]
    if not p:
        raise ValueError(f"{name}: no predictions given")
    return p, t


def _as_value(x):
    return x if isinstance(x, Value) else Value(x)


def logsumexp(values):
    """``log(exp(v1) + ... + exp(vn))``, computed without overflow (see the module notes).

    ``values``: a list of Values or numbers, at least one."""
    values = _scores(values, "values", "logsumexp")
    m = max(number(v) for v in values)  # a constant: the shift cancels in value and gradient
    return m + ag.log(ag.sum([ag.exp(v - m) for v in values]))


def _softplus(z: float) -> float:
    # max(z, 0) + log(1 + exp(-|z|)): exp never overflows, and log1p keeps every digit of
    # log(1 + tiny), which log(1.0 + tiny) would round away (softplus(-50) is 1.9e-22, not 0)
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


softplus = ag.define_op(
    "nn.softplus",  # (not "softplus": that name is yours to define, as the lessons do)
    _softplus,
    lambda z, out: (ag.sigmoid(z),),
    doc="``log(1 + exp(z))``, to the last digit for any z; its derivative is sigmoid(z).",
)


def softmax(logits) -> list:
    """Probabilities from one sample's logits: ``exp(z_i) / sum(exp(z))``, as Values (as
    floats when every logit is a plain number).

    ``logits``: a list of scores (Values or numbers), one per class."""
    logits = _scores(logits, "logits", "softmax")
    m = max(number(v) for v in logits)
    exps = [ag.exp(v - m) for v in logits]
    total = ag.sum(exps)
    return [e / total for e in exps]


def mse_loss(prediction, target):
    """Mean squared error: mean of ``(prediction - target) ** 2``."""
    p, t = _pair(prediction, target, "mse_loss")
    return _as_value(ag.mean([(a - b) * (a - b) for a, b in zip(p, t)]))


def hinge_loss(scores, labels):
    """Mean of ``relu(1 - y * score)``, the support-vector-machine loss.

    Labels are +1 and -1 (a label 0 is read as -1, so 0/1 labels work too). A point costs
    nothing once it is on the right side of the boundary by a margin of 1.
    """
    s, y = _pair(scores, labels, "hinge_loss", ("scores", "labels"))
    signs = [hinge_sign(label) for label in y]
    return _as_value(ag.mean([ag.relu(1.0 - si * yi) for si, yi in zip(s, signs)]))


def bce_with_logits(logits, targets):
    """Binary cross-entropy on raw scores z: mean of ``-t log s - (1-t) log(1-s)``, s = sigmoid(z).

    Written as ``softplus(z) - t * z``, the same function without ever forming ``log(0)``;
    for a label 1 as ``softplus(-z)``, equal to it, so that a confident right answer's tiny
    loss (2e-9 at z = 20) is not a difference of two nearly equal numbers. Targets are
    probabilities in [0, 1] (usually 0 or 1; between them the loss is never tiny).
    """
    z, t = _pair(logits, targets, "bce_with_logits", ("logits", "targets"))
    t = [bce_target(ti) for ti in t]
    return _as_value(ag.mean([_bce(zi, ti) for zi, ti in zip(z, t)]))


def _bce(z, t):
    return softplus(-z) if t == 1.0 else softplus(z) - t * z


def _one_cross_entropy(logits, target):
    target = class_index(target, len(logits))
    # logsumexp(z) - z[target], with logsumexp's shift m moved next to z[target]:
    # log(sum(exp(z - m))) + (m - z[target]) is two terms >= 0, so nothing cancels.
    m = max(number(v) for v in logits)
    return ag.log(ag.sum([ag.exp(v - m) for v in logits])) + (m - logits[target])


def cross_entropy(logits, target_index):
    """Mean of ``-log softmax(logits)[target]`` = ``logsumexp(logits) - logits[target]``,
    computed in the order that keeps its digits (see the module notes).

    One sample: a list of logits and an int. A batch: a list of such lists and a list of
    ints.
    """
    if not is_row(logits):
        raise TypeError(
            "cross_entropy: logits must be a list of scores, one per class (or a list of such "
            f"lists for a batch), got {type(logits).__name__}"
        )
    logits = list(logits)
    if not logits:
        raise ValueError("cross_entropy: no logits given")
    if not is_row(logits[0]):
        return _as_value(_one_cross_entropy(_scores(logits, "logits"), target_index))
    if not is_row(target_index):
        raise TypeError(
            "cross_entropy: logits is a batch (a list of lists), so target_index must be a "
            f"list of class indices, one per sample; got {type(target_index).__name__}"
        )
    targets = list(target_index)
    if len(targets) != len(logits):
        raise ValueError(f"cross_entropy: {len(logits)} samples but {len(targets)} targets")
    rows = [_scores(row, f"logits[{i}]") for i, row in enumerate(logits)]
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError(
                f"cross_entropy: logits[{i}] has {len(row)} scores but logits[0] has "
                f"{len(rows[0])}; every sample needs one score per class"
            )
    return _as_value(ag.mean([_one_cross_entropy(z, t) for z, t in zip(rows, targets)]))


def _scores(row, name, fn="cross_entropy") -> list:
    """One sample's logits as a list, each a Value or a number; ``fn`` names the function
    in the message (``softmax: logits[1] must be ...``)."""
    if not is_row(row):
        raise wrong_type(f"{fn}: {name}", "a list of scores", row)
    row = list(row)
    if not row:
        raise ValueError(f"{fn}: {name} is empty; give one score per class")
    for j, z in enumerate(row):
        if not is_one_number(z):
            raise wrong_type(f"{fn}: {name}[{j}]", "a number or a Value", z)
    return row


def check_target(loss_fn, target, outputs, name) -> None:
    """Check one sample's target before training: the rule of a known loss, and the shape.

    ``outputs`` is the model's number of outputs (None when unknown). A target is a number
    for a one-output model and a list of ``outputs`` numbers otherwise; cross-entropy takes
    a class index. ``name`` says which target it is (``y[16]``) in the message.
    """
    if loss_fn is cross_entropy:
        if outputs is not None and outputs < 2:
            raise ValueError(
                f"loss: cross_entropy needs a model with 2 or more outputs, not {outputs}"
            )
        class_index(target, outputs if outputs is not None else float("inf"), name)
        return
    entries = _flat(target, name)
    count = len(entries)
    if outputs is not None and count != outputs:
        raise ValueError(f"{name} has {count} number(s) but the model has {outputs} output(s)")
    for entry in entries:
        if not math.isfinite(number(entry)):
            raise ValueError(f"{name} is {number(entry)}: targets must be finite numbers")
        if loss_fn is hinge_loss:
            hinge_sign(entry, name)
        elif loss_fn is bce_with_logits:
            bce_target(entry, name)


#: Loss names that ``fit`` understands.
LOSSES = {
    "mse": mse_loss,
    "hinge": hinge_loss,
    "bce": bce_with_logits,
    "bce_with_logits": bce_with_logits,
    "cross_entropy": cross_entropy,
}
