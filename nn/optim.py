"""Optimizers (SGD, Adam) and learning-rate schedules.

An optimizer holds a list of parameters and, on ``step()``, moves each one against its
gradient. The update rules are exactly those documented for ``torch.optim.SGD`` and
``torch.optim.Adam`` (tests check 20 steps against PyTorch to 1e-12), so what you learn
here carries over.

One difference to know: PyTorch skips a parameter whose ``.grad`` is None; here every
parameter is updated, so each ``.grad`` must be a number (0.0 after ``zero_grad``; a None
becomes one when ``backward`` reaches it).
"""

from __future__ import annotations

import math

from autograd_lite import Value

from .validate import boolean, held_float, positive_int, probability, rate


def check_parameters(params) -> list:
    """``params`` as a list of distinct leaf Values, such as ``model.parameters()``.

    A Value given twice would be stepped twice per ``step()``, so it is refused. So is a
    Value computed from others (``w * 2.0``, not a leaf), as PyTorch refuses a non-leaf
    tensor: ``step()`` would change that result's ``.data`` while ``w`` stayed where it was.
    """
    if isinstance(params, Value) or not hasattr(params, "__iter__"):
        raise TypeError(
            f"params must be an iterable of Values such as model.parameters(), "
            f"got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError("params is empty: the optimizer got no parameters")
    first = {}
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            named = _is_name(p)  # (torch.optim takes named_parameters(); we take the Values)
            hint = "; give model.parameters(), the Values without their names" if named else ""
            raise TypeError(f"params[{i}] must be a Value, got {type(p).__name__}{hint}")
        if not p.is_leaf:
            raise ValueError(
                f"params[{i}] is computed from other Values (by {p.op!r}), not a leaf: a step "
                "would move it and not the weights it came from; pass the leaves (the weights) "
                "themselves, such as model.parameters()"
            )
        if id(p) in first:
            raise ValueError(
                f"params[{i}] is the same Value as params[{first[id(p)]}]; give each parameter "
                "once (model.parameters() lists tied weights once)"
            )
        first[id(p)] = i
    return params


def _is_name(p) -> bool:
    """True for a parameter's name, or a ``(name, Value)`` pair of ``named_parameters()``."""
    return isinstance(p, str) or (isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str))


class Optimizer:
    """What every optimizer shares: the parameter list, ``lr``, ``zero_grad()``."""

    def __init__(self, params, lr):
        self.params = check_parameters(params)
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate; set it at any time (schedules do)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = rate(value, "lr")

    def zero_grad(self, set_to_none=True) -> None:
        """Set every parameter's gradient to 0.0 before the next ``backward()``.

        ``set_to_none`` is taken for PyTorch's sake, True or False: either way a cleared
        gradient is 0.0 here (``backward`` reads None as 0.0 too, and an optimizer updates
        every parameter)."""
        boolean(set_to_none, "set_to_none")
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError

    def _read(self) -> tuple[list[float], list[float]]:
        """Every parameter's ``.data`` and ``.grad`` as floats, read before ``step`` moves any
        parameter or changes any of its own state.

        A number of another kind (an int, a NumPy float32) becomes a float, one too large
        for a float becomes +-inf, so ``.data`` stays a float and the step is float
        arithmetic; anything else raises here, while nothing has changed yet."""
        datas, grads = [], []
        for i, p in enumerate(self.params):
            x, g = p.data, p.grad
            if type(x) is not float:
                hint = "set it to a number"
                if isinstance(x, Value):  # the slip p.data -= lr * p
                    hint += "; an update is p.data -= lr * p.grad, not lr * p"
                x = held_float(x, f"{type(self).__name__}.step: params[{i}].data", hint)
            if type(g) is not float:
                g = held_float(
                    g, f"{type(self).__name__}.step: params[{i}].grad",
                    "run backward first (it reads None as no gradient yet) or set it to 0.0 "
                    "(zero_grad does): every parameter is updated here, where PyTorch skips one "
                    "whose .grad is None",
                )  # fmt: skip
            datas.append(x)
            grads.append(g)
        return datas, grads

    def __repr__(self):
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr:g})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, Nesterov and weight decay.

    For each parameter p with gradient g (PyTorch's rule, dampening 0)::

        g = g + weight_decay * p                     # L2 regularisation
        b = g (first step)  or  momentum * b + g     # velocity: a running sum of gradients
        g = g + momentum * b  (nesterov)  or  b      # look ahead, or follow the velocity
        p = p - lr * g
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr)
        self.momentum = rate(momentum, "momentum")
        self.weight_decay = rate(weight_decay, "weight_decay")
        self.nesterov = boolean(nesterov, "nesterov")
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("nesterov: Nesterov momentum needs momentum > 0")
        self.velocity = [None] * len(self.params)  # the momentum buffers b

    def step(self) -> None:
        datas, grads = self._read()
        lr, mu, wd, nesterov = self.lr, self.momentum, self.weight_decay, self.nesterov
        velocity = self.velocity
        for i, (p, x, g) in enumerate(zip(self.params, datas, grads)):
            if wd:
                g = g + wd * x
            if mu:
                b = velocity[i]
                b = g if b is None else mu * b + g
                velocity[i] = b
                g = g + mu * b if nesterov else b
            p.data = x - lr * g


class Adam(Optimizer):
    """Adam: momentum on the gradient, divided by a running size of the gradient.

    PyTorch's rule, at step t (counting from 1), for parameter p with gradient g::

        g = g + weight_decay * p             # L2, added to the gradient (not AdamW)
        m = beta1 * m + (1 - beta1) * g      # mean of recent gradients
        v = beta2 * v + (1 - beta2) * g * g  # mean of recent squared gradients
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    The two ``1 - beta**t`` terms undo the bias of m and v starting at zero.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)):
            raise TypeError(f"betas must be a pair such as (0.9, 0.999), got {betas!r}")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair such as (0.9, 0.999), got {betas!r}")
        self.betas = (probability(betas[0], "betas[0]"), probability(betas[1], "betas[1]"))
        self.eps = rate(eps, "eps")
        self.weight_decay = rate(weight_decay, "weight_decay")
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        datas, grads = self._read()
        self.t += 1
        beta1, beta2 = self.betas
        eps, wd = self.eps, self.weight_decay
        step_size = self.lr / (1.0 - beta1**self.t)
        root_correction = math.sqrt(1.0 - beta2**self.t)
        m, v = self.m, self.v
        for i, (p, x, g) in enumerate(zip(self.params, datas, grads)):
            if wd:
                g = g + wd * x
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            denominator = math.sqrt(v[i]) / root_correction + eps
            try:
                p.data = x - step_size * m[i] / denominator
            except ZeroDivisionError:  # eps = 0 and no gradient yet: what PyTorch gives
                p.data = x - _divided_by_zero(step_size * m[i])


def _divided_by_zero(x: float) -> float:
    """``x / 0.0`` as IEEE arithmetic (and PyTorch) gives it, where Python raises: nan for 0,
    else an infinity of x's sign."""
    return math.nan if x == 0.0 or math.isnan(x) else math.copysign(math.inf, x)


# --- learning-rate schedules ---------------------------------------------------------------


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an SGD or Adam, got {type(optimizer).__name__}")


class Schedule:
    """Sets ``optimizer.lr`` from a formula of the step count; call ``step()`` after each
    optimizer step (``fit`` does it for you)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.t = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, t) -> float:
        raise NotImplementedError

    def step(self) -> None:
        self.t += 1
        self.optimizer.lr = self.lr_at(self.t)


class LinearDecay(Schedule):
    """From ``start`` down (or up) to ``end`` in a straight line over ``steps`` steps, then flat.

    micrograd's demo: ``LinearDecay(opt, 1.0, 0.1, 100)`` gives ``1.0 - 0.9 * t / 100``.
    """

    def __init__(self, optimizer, start, end, steps):
        _check_optimizer(optimizer)
        self.start = rate(start, "start")  # no silent float("1.0") or True
        self.end = rate(end, "end")
        self.steps = positive_int(steps, "steps")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.start + (self.end - self.start) * (min(t, self.steps) / self.steps)


class StepDecay(Schedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps (a staircase).

    ``start`` defaults to the optimizer's current ``lr``.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, start=None):
        _check_optimizer(optimizer)
        self.step_size = positive_int(step_size, "step_size")
        self.gamma = rate(gamma, "gamma")
        self.start = optimizer.lr if start is None else rate(start, "start")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.start * self.gamma ** (t // self.step_size)
