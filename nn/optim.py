"""Optimizers (SGD, Adam) and learning-rate schedules.

An optimizer holds a list of parameters and, on ``step()``, moves each one against its
gradient. The update rules are exactly those documented for ``torch.optim.SGD`` and
``torch.optim.Adam`` (tests check 20 steps against PyTorch to 1e-12), so what you learn
here carries over.

One difference to know: PyTorch skips a parameter whose ``.grad`` is None; here every
gradient is a number (0.0 after ``zero_grad``), so every parameter is updated.
"""

from __future__ import annotations

import math
import numbers

from autograd_lite import Value


def _check_rate(x, name):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return float(x)


class Optimizer:
    """What every optimizer shares: the parameter list, ``lr``, ``zero_grad()``."""

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"parameter {i} must be a Value, got {type(p).__name__}")
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate; set it at any time (schedules do)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = _check_rate(value, "lr")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 before the next ``backward()``."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError

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
        self.momentum = _check_rate(momentum, "momentum")
        self.weight_decay = _check_rate(weight_decay, "weight_decay")
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.velocity = [None] * len(self.params)  # the momentum buffers b

    def step(self) -> None:
        lr, mu, wd, nesterov = self.lr, self.momentum, self.weight_decay, self.nesterov
        velocity = self.velocity
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                g = g + wd * p.data
            if mu:
                b = velocity[i]
                b = g if b is None else mu * b + g
                velocity[i] = b
                g = g + mu * b if nesterov else b
            p.data = p.data - lr * g


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
        beta1, beta2 = betas
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
        self.betas = (float(beta1), float(beta2))
        self.eps = _check_rate(eps, "eps")
        self.weight_decay = _check_rate(weight_decay, "weight_decay")
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        self.t += 1
        beta1, beta2 = self.betas
        eps, wd = self.eps, self.weight_decay
        step_size = self.lr / (1.0 - beta1**self.t)
        root_correction = math.sqrt(1.0 - beta2**self.t)
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                g = g + wd * p.data
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            denominator = math.sqrt(v[i]) / root_correction + eps
            p.data = p.data - step_size * m[i] / denominator


# --- learning-rate schedules ---------------------------------------------------------------


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
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive int, got {steps!r}")
        self.start = _check_rate(start, "start")  # no silent float("1.0") or True
        self.end = _check_rate(end, "end")
        self.steps = steps
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.start + (self.end - self.start) * (min(t, self.steps) / self.steps)


class StepDecay(Schedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps (a staircase).

    ``start`` defaults to the optimizer's current ``lr``.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, start=None):
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"step_size must be a positive int, got {step_size!r}")
        self.step_size, self.gamma = step_size, _check_rate(gamma, "gamma")
        self.start = optimizer.lr if start is None else _check_rate(start, "start")
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.start * self.gamma ** (t // self.step_size)
