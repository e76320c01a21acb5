"""nn.data: shapes, labels, seeds, the planted pattern, windows and splits."""

import math

import pytest

from nn.data import (
    lagged_windows,
    log_returns,
    make_circles,
    make_moons,
    make_price_series,
    make_spirals,
    train_test_split,
)


@pytest.mark.parametrize("make", [make_moons, make_circles, make_spirals])
def test_same_seed_same_data_and_other_seed_other_data(make):
    assert make(50, noise=0.1, seed=3) == make(50, noise=0.1, seed=3)
    assert make(50, noise=0.1, seed=3) != make(50, noise=0.1, seed=4)


def test_moons_without_noise_lie_on_their_arcs_and_are_balanced():
    X, y = make_moons(101, seed=0)
    assert len(X) == len(y) == 101
    assert y.count(0) == 50 and y.count(1) == 51
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    assert y[:10] != sorted(y[:10]) or y[-10:] != sorted(y[-10:])  # shuffled


def test_circles_have_their_radii():
    X, y = make_circles(80, factor=0.3, seed=0)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(0.3 if label == 1 else 1.0)
    assert y.count(1) == y.count(0) == 40


def test_spirals_have_k_classes():
    X, y = make_spirals(100, classes=4, noise=0.2, seed=0)
    assert len(X) == 100 and sorted(set(y)) == [0, 1, 2, 3]
    assert [y.count(k) for k in range(4)] == [25] * 4
    assert max(math.hypot(a, b) for a, b in X) == pytest.approx(1.0)


def test_price_series_is_a_positive_seeded_path():
    prices = make_price_series(300, start=50.0, seed=1)
    assert len(prices) == 300 and prices[0] == 50.0
    assert all(p > 0 for p in prices)
    assert prices == make_price_series(300, start=50.0, seed=1)
    assert prices != make_price_series(300, start=50.0, seed=2)


def _regress(X, y):
    """Least squares for y ~ c0 + c1 x1 + c2 x2 (normal equations, 3 x 3)."""
    rows = [[1.0, *x] for x in X]
    a = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    b = [sum(r[i] * t for r, t in zip(rows, y)) for i in range(3)]
    for col in range(3):  # Gaussian elimination
        for row in range(col + 1, 3):
            f = a[row][col] / a[col][col]
            a[row] = [u - f * v for u, v in zip(a[row], a[col])]
            b[row] -= f * b[col]
    c = [0.0] * 3
    for i in (2, 1, 0):
        c[i] = (b[i] - sum(a[i][j] * c[j] for j in range(i + 1, 3))) / a[i][i]
    return c


def test_the_planted_pattern_is_in_the_returns_and_absent_without_it():
    returns = log_returns(make_price_series(5000, pattern=(0.4, -0.2), seed=0))
    _, yesterday, before = _regress(*lagged_windows(returns, 2))
    # the windows hold [r[t-2], r[t-1]], so the coefficients come out in that order
    assert before == pytest.approx(0.4, abs=0.05) and yesterday == pytest.approx(-0.2, abs=0.05)
    plain = log_returns(make_price_series(5000, pattern=(), seed=0))
    assert all(abs(c) < 0.05 for c in _regress(*lagged_windows(plain, 2))[1:])


def test_price_series_checks_the_pattern():
    with pytest.raises(ValueError, match="stable"):
        make_price_series(10, pattern=(0.9, 0.5))


def test_lagged_windows():
    assert lagged_windows([1, 2, 3, 4, 5], lags=2) == ([[1, 2], [2, 3], [3, 4]], [3, 4, 5])
    assert lagged_windows([1, 2, 3, 4, 5], lags=2, horizon=2) == ([[1, 2], [2, 3]], [4, 5])
    with pytest.raises(ValueError, match="too short"):
        lagged_windows([1, 2], lags=2)


def test_log_returns():
    assert log_returns([1.0, math.e, 1.0]) == pytest.approx([1.0, -1.0])


def test_train_test_split_shuffles_with_a_seed():
    X = [[i] for i in range(20)]
    y = list(range(20))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    assert len(X_test) == 5 and len(X_train) == 15
    assert sorted(y_train + y_test) == y
    assert [x[0] for x in X_train] == y_train and [x[0] for x in X_test] == y_test
    assert train_test_split(X, y, seed=0) == train_test_split(X, y, seed=0)
    assert train_test_split(X, y, seed=0) != train_test_split(X, y, seed=1)
    assert y_train != sorted(y_train)


def test_train_test_split_without_shuffle_tests_on_the_end():
    X_train, X_test, _, y_test = train_test_split(
        list("abcdefghij"), list(range(10)), test_size=3, shuffle=False
    )
    assert X_train == list("abcdefg") and X_test == list("hij") and y_test == [7, 8, 9]
    with pytest.raises(ValueError, match="leaves no"):
        train_test_split([1, 2], [1, 2], test_size=2)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: make_moons("a"), TypeError, "n_samples must be a positive int"),
        (lambda: make_moons(10.0), TypeError, "n_samples must be a positive int"),
        (lambda: make_moons(0), ValueError, "n_samples must be a positive int"),
        (lambda: make_moons(10, noise=-0.1), ValueError, "noise must be a finite number >= 0"),
        (lambda: make_moons(10, noise="0.1"), TypeError, "noise must be a finite number >= 0"),
        (lambda: make_moons(10, seed=1.5), TypeError, "seed must be None"),
        (lambda: make_circles(10, factor="0.5"), TypeError, "factor must be a number"),
        (lambda: make_circles(10, factor=1.5), ValueError, "factor must be between 0 and 1"),
        (lambda: make_spirals(10, classes=2.0), TypeError, "classes must be a positive int"),
        (lambda: make_price_series("5"), TypeError, "n must be a positive int"),
        (lambda: make_price_series(5, start=-1.0), ValueError, "start must be a positive price"),
        (lambda: make_price_series(5, pattern=0.4), TypeError, "pattern must be a list"),
        (lambda: make_price_series(5, pattern=("a",)), TypeError, r"pattern\[0\] must be"),
        (lambda: lagged_windows([1, 2, 3], lags=1.0), TypeError, "lags must be a positive int"),
        (lambda: lagged_windows([1, 2, 3], lags=0), ValueError, "lags must be a positive int"),
        (lambda: train_test_split([1, 2], [1, 2], test_size="a"), TypeError, "test_size must be"),
        (lambda: train_test_split([1, 2], [1, 2], test_size=True), TypeError, "test_size must"),
        (lambda: train_test_split([1, 2], [1, 2], test_size=1.5), ValueError, "test_size as a"),
        (lambda: train_test_split([1, 2], [1, 2], shuffle="no"), TypeError, "shuffle must be"),
        (lambda: train_test_split([1, 2], [1], test_size=1), ValueError, "y has 1 targets"),
        (lambda: train_test_split(5, [1]), TypeError, "X must be a list"),
        (lambda: train_test_split("abcd", [1, 2, 3, 4]), TypeError, "X must be a list.*str"),
        (lambda: train_test_split([1, 2], None), TypeError, "y must be a list"),
        (lambda: train_test_split([1, 2], {0.5, 0.1}), TypeError, "y must be a list.*set"),
        (lambda: log_returns(5), TypeError, "prices must be a list"),
        (lambda: log_returns(["a", 1.0]), TypeError, r"prices\[0\] must be a number"),
        (lambda: log_returns([1.0, math.nan]), ValueError, r"prices\[1\] must be a finite"),
        # numbers too large for a float's range: said, not an OverflowError or "math domain"
        (lambda: make_moons(100, noise=1e308, seed=0), ValueError, "noise=1e.308 is too large"),
        (lambda: make_circles(100, noise=1e308, seed=0), ValueError, "noise=1e.308 is too large"),
        (lambda: make_spirals(100, noise=1e308, seed=0), ValueError, "noise=1e.308 is too large"),
        (lambda: make_spirals(10, turns=1e308), ValueError, "turns=1e.308 is too large"),
        (lambda: make_price_series(10, drift=1000.0), ValueError, "the prices leave the range"),
        (lambda: make_price_series(10, drift=-1000.0), ValueError, "the prices leave the range"),
        (lambda: make_price_series(3, start=1e308, drift=1.0), ValueError, "the prices leave"),
        (lambda: make_price_series(5, volatility=1e308, seed=0), ValueError, "the prices leave"),
    ],
)
def test_one_error_convention(make, error, message):
    with pytest.raises(error, match=r"^" + message):
        make()


def test_train_test_split_takes_any_fraction_type():
    from fractions import Fraction

    X, y = list(range(8)), list(range(8))
    assert len(train_test_split(X, y, test_size=Fraction(1, 4), seed=0)[1]) == 2
    numpy = pytest.importorskip("numpy")
    assert len(train_test_split(X, y, test_size=numpy.float64(0.25), seed=0)[1]) == 2
    assert len(train_test_split(X, y, test_size=numpy.int64(3), seed=0)[1]) == 3


def test_a_fractional_test_size_rounds_the_test_set_up():
    """As scikit-learn does: 25% of 10 samples is a test set of 3, not 2."""
    X_train, X_test, y_train, y_test = train_test_split(list(range(10)), list(range(10)), 0.25)
    assert len(X_test) == len(y_test) == 3 and len(X_train) == len(y_train) == 7


def test_circle_points_are_evenly_spaced_around_the_whole_circle():
    """Angles 2*pi*i/count: four points at 0, 90, 180 and 270 degrees, none repeated (an
    angle step of 2*pi/(count - 1) puts the last point back on the first)."""
    X, y = make_circles(8, noise=0.0, factor=0.5, seed=0)
    outer = sorted((round(a, 12) + 0.0, round(b, 12) + 0.0) for (a, b), t in zip(X, y) if t == 0)
    inner = sorted((round(a, 12) + 0.0, round(b, 12) + 0.0) for (a, b), t in zip(X, y) if t == 1)
    assert outer == [(-1.0, 0.0), (0.0, -1.0), (0.0, 1.0), (1.0, 0.0)]
    assert inner == [(-0.5, 0.0), (0.0, -0.5), (0.0, 0.5), (0.5, 0.0)]


@pytest.mark.parametrize("pattern", [{0.4: "a", -0.2: "b"}, {0.4, -0.2}])
def test_a_pattern_in_no_order_is_refused(pattern):
    # a dict would be read as its keys, a set in its own order: which lag is which?
    with pytest.raises(TypeError, match="pattern must be a list"):
        make_price_series(50, pattern=pattern)
