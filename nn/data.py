"""Small synthetic data sets, in pure Python, all seeded.

Classification in 2-D, where you can see the answer: ``make_moons``, ``make_circles``,
``make_spirals``. Forecasting: ``make_price_series`` (a price path with a pattern worth
finding), ``log_returns`` and ``lagged_windows`` (turn a series into inputs and targets).
And ``train_test_split``. Each returns plain lists: ``X`` a list of ``[x0, x1]`` points,
``y`` a list of labels.
"""

from __future__ import annotations

import itertools
import math

from .validate import boolean, is_int, is_list_like, positive_int, rate, real, rng, samples


def _finite(X, what):
    """``X`` itself, once every coordinate is a finite number (a huge ``noise`` overflows)."""
    if not all(math.isfinite(c) for point in X for c in point):
        raise ValueError(f"{what} is too large: some points came out infinite; use a smaller one")
    return X


def _shuffled(X, y, draw):
    order = list(range(len(X)))
    draw.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def make_moons(n_samples=100, noise=0.0, seed=None):
    """Two interleaving half circles: label 0 on the upper moon, 1 on the lower one.

    Points are spread evenly along each arc, then moved by Gaussian ``noise`` (its
    standard deviation) and shuffled. Not linearly separable: a network must bend.
    """
    n_samples = positive_int(n_samples, "n_samples")
    noise = rate(noise, "noise")
    draw = rng(seed)
    upper = n_samples // 2
    lower = n_samples - upper
    X, y = [], []
    for count, label in ((upper, 0), (lower, 1)):
        for i in range(count):
            t = math.pi * i / max(count - 1, 1)
            if label == 0:
                point = [math.cos(t), math.sin(t)]
            else:
                point = [1.0 - math.cos(t), 0.5 - math.sin(t)]
            X.append([point[0] + draw.gauss(0.0, noise), point[1] + draw.gauss(0.0, noise)])
            y.append(label)
    return _shuffled(_finite(X, f"noise={noise!r}"), y, draw)


def make_circles(n_samples=100, noise=0.0, factor=0.5, seed=None):
    """A small circle (label 1, radius ``factor``) inside a large one (label 0, radius 1)."""
    n_samples = positive_int(n_samples, "n_samples")
    noise = rate(noise, "noise")
    factor = real(factor, "factor")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}")
    draw = rng(seed)
    outer = n_samples // 2
    inner = n_samples - outer
    X, y = [], []
    for count, radius, label in ((outer, 1.0, 0), (inner, factor, 1)):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            X.append(
                [
                    radius * math.cos(t) + draw.gauss(0.0, noise),
                    radius * math.sin(t) + draw.gauss(0.0, noise),
                ]
            )
            y.append(label)
    return _shuffled(_finite(X, f"noise={noise!r}"), y, draw)


def make_spirals(n_samples=300, classes=3, noise=0.0, turns=1.0, seed=None):
    """``classes`` spiral arms winding out from the centre, labels 0 .. classes-1.

    Arm k starts at angle 2*pi*k/classes; along the arm the radius grows from 0 to 1 while
    the angle turns ``turns`` full circles. ``noise`` jitters the angle (in radians / 4).
    """
    n_samples = positive_int(n_samples, "n_samples")
    classes = positive_int(classes, "classes")
    noise = rate(noise, "noise")
    turns = real(turns, "turns")
    if not math.isfinite(4.0 * math.pi * abs(turns)):
        raise ValueError(f"turns={turns!r} is too large: the angles would be infinite")
    draw = rng(seed)
    X, y = [], []
    for k in range(classes):
        count = n_samples // classes + (1 if k < n_samples % classes else 0)
        for i in range(count):
            r = (i + 1) / count
            angle = 2.0 * math.pi * (k / classes + turns * r) + draw.gauss(0.0, noise) / 4.0
            if not math.isfinite(angle):
                raise ValueError(f"noise={noise!r} is too large: an angle came out infinite")
            X.append([r * math.cos(angle), r * math.sin(angle)])
            y.append(k)
    return _shuffled(X, y, draw)


def make_price_series(
    n=500,
    start=100.0,
    drift=0.0002,
    volatility=0.01,
    pattern=(0.4, -0.2),
    seed=None,
):
    """A synthetic daily price path: geometric Brownian motion with memory in its returns.

    The log-return on day t is ``drift + pattern[0] * r[t-1] + pattern[1] * r[t-2] + ... +
    volatility * noise``, and the price is ``start * exp(r[1] + ... + r[t])``. With
    ``pattern=()`` it is plain GBM, where past returns tell nothing about the next one; with
    the default (an AR(2) pattern) yesterday's and the day before's returns predict part of
    today's, which a model fed ``lagged_windows(log_returns(prices), 2)`` can learn.
    Returns ``n`` prices, the first equal to ``start``.
    """
    n = positive_int(n, "n")
    start = real(start, "start")
    if start <= 0:
        raise ValueError(f"start must be a positive price, got {start!r}")
    drift = real(drift, "drift")
    volatility = rate(volatility, "volatility")
    if not is_list_like(pattern):
        raise TypeError(f"pattern must be a list of numbers such as (0.4, -0.2), got {pattern!r}")
    pattern = tuple(real(a, f"pattern[{i}]") for i, a in enumerate(pattern))
    if sum(abs(a) for a in pattern) >= 1.0:
        raise ValueError("pattern: the coefficients must sum in absolute value to < 1 (stable)")
    draw = rng(seed)
    returns = [0.0] * len(pattern)  # a quiet past to start the pattern from
    prices = [float(start)]
    log_price = math.log(start)
    for day in range(1, n):
        memory = sum(a * returns[-1 - j] for j, a in enumerate(pattern))
        r = drift + memory + volatility * draw.gauss(0.0, 1.0)
        returns.append(r)
        log_price += r
        if not -_LARGEST_LOG_PRICE < log_price < _LARGEST_LOG_PRICE:  # (or NaN)
            raise ValueError(
                f"the prices leave the range of a float on day {day} (start={start!r}, "
                f"drift={drift!r}, volatility={volatility!r}); use a smaller drift or volatility"
            )
        prices.append(math.exp(log_price))
    return prices


_LARGEST_LOG_PRICE = 708.0  # e ** 708 is 3e307, near the largest float; e ** -708, the smallest


def log_returns(prices) -> list[float]:
    """``log(p[t] / p[t-1])`` for each day after the first: the series a model should study."""
    prices = [real(p, f"prices[{i}]") for i, p in enumerate(samples(prices, "prices"))]
    if any(p <= 0 for p in prices):
        raise ValueError("log_returns needs positive prices")
    return [math.log(b / a) for a, b in itertools.pairwise(prices)]


def lagged_windows(series, lags, horizon=1):
    """Inputs and targets for forecasting: ``X[i] = series[i : i + lags]`` and ``y[i] =
    series[i + lags + horizon - 1]``, the value ``horizon`` steps after the window.

    >>> lagged_windows([1, 2, 3, 4, 5], lags=2)
    ([[1, 2], [2, 3], [3, 4]], [3, 4, 5])
    """
    lags = positive_int(lags, "lags")
    horizon = positive_int(horizon, "horizon")
    series = list(series)
    count = len(series) - lags - horizon + 1
    if count < 1:
        raise ValueError(f"series: {len(series)} values are too short for {lags} lags")
    X = [series[i : i + lags] for i in range(count)]
    y = [series[i + lags + horizon - 1] for i in range(count)]
    return X, y


def train_test_split(X, y, test_size=0.25, shuffle=True, seed=None):
    """``X_train, X_test, y_train, y_test``.

    ``test_size`` is a fraction (0 < f < 1) or a count. ``shuffle=False`` keeps the order
    and puts the LAST samples in the test set: for time series, where the model must be
    tested on the future, never on days mixed in among its training days.
    """
    X, y = samples(X, "X"), samples(y, "y")
    n = len(X)
    if n != len(y):
        raise ValueError(f"y has {len(y)} targets but X has {n} samples")
    shuffle = boolean(shuffle, "shuffle")
    draw = rng(seed)
    if is_int(test_size):
        n_test = int(test_size)
    else:
        fraction = real(test_size, "test_size")  # a str or a bool is a TypeError here
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"test_size as a fraction must be in (0, 1), got {test_size}")
        n_test = math.ceil(fraction * n)
    if not 0 < n_test < n:
        raise ValueError(f"test_size {test_size!r} leaves no train or no test data ({n} samples)")
    order = list(range(n))
    if shuffle:
        draw.shuffle(order)
    train, test = order[: n - n_test], order[n - n_test :]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]
