"""nn.validate: wrong type is a TypeError, a bad value a ValueError, the name comes first."""

import random
from fractions import Fraction

import pytest

from nn.validate import (
    boolean,
    choice,
    held_float,
    integer,
    is_real,
    non_negative_int,
    positive_int,
    positive_int_or_none,
    probability,
    rate,
    real,
    rng,
    takes,
)


@pytest.mark.parametrize(
    "check, value, error",
    [
        (integer, 2.0, TypeError),
        (integer, True, TypeError),
        (integer, "3", TypeError),
        (positive_int, 2.0, TypeError),
        (positive_int, None, TypeError),
        (positive_int, 0, ValueError),
        (non_negative_int, 1.5, TypeError),
        (non_negative_int, -1, ValueError),
        (real, "1.0", TypeError),
        (real, False, TypeError),
        (real, float("nan"), ValueError),
        (real, Fraction(10**400), ValueError),  # not OverflowError
        (rate, None, TypeError),
        (rate, -0.5, ValueError),
        (rate, float("inf"), ValueError),
        (probability, "0.5", TypeError),
        (probability, 1.0, ValueError),
        (probability, Fraction(10**400), ValueError),  # not OverflowError
        (probability, -Fraction(10**400), ValueError),
        (boolean, 1, TypeError),
        (boolean, "yes", TypeError),
        (boolean, None, TypeError),
    ],
)
def test_wrong_type_is_a_type_error_and_bad_value_a_value_error(check, value, error):
    with pytest.raises(error, match=r"^size "):
        check(value, "size")


def test_good_values_come_back_in_the_form_to_keep():
    assert positive_int(3, "n") == 3 and type(integer(True + 0, "n")) is int
    assert non_negative_int(0, "n") == 0
    assert rate(Fraction(1, 4), "lr") == 0.25 and type(rate(1, "lr")) is float
    assert real(-2, "x") == -2.0 and probability(0, "p") == 0.0
    assert boolean(False, "flag") is False
    assert positive_int_or_none(None, "batch_size", "the whole set") is None


def test_none_or_a_positive_int():
    with pytest.raises(TypeError, match=r"^batch_size must be None \(the whole set\) or an int"):
        positive_int_or_none(2.5, "batch_size", "the whole set")
    with pytest.raises(ValueError, match=r"^batch_size must be >= 1, got 0; None means"):
        positive_int_or_none(0, "batch_size", "the whole set")


def test_choice_names_the_choices():
    assert choice("he", "init", ("he", "xavier")) == "he"
    with pytest.raises(TypeError, match=r"^init must be a str, one of 'he', 'xavier'"):
        choice(0, "init", ("he", "xavier"))
    with pytest.raises(ValueError, match=r"^init must be one of 'he', 'xavier'; unknown init ''"):
        choice("", "init", ("he", "xavier"))


def test_rng_is_private_and_seeded():
    assert rng(3).random() == rng(3).random() == random.Random(3).random()
    own = random.Random(1)
    assert rng(own) is own
    assert isinstance(rng(None), random.Random)
    for bad in (2.5, "a", True):
        with pytest.raises(TypeError, match=r"^seed must be None, an int or a random.Random"):
            rng(bad)


class _IntLike(int):
    pass


@pytest.mark.parametrize(
    "value, expected",
    [
        (1.5, True),
        (-3, True),
        (Fraction(1, 3), True),
        (_IntLike(2), True),  # a subclass: not the quick check's exact types, still a number
        (float("nan"), True),
        (True, False),  # a bool is not a number here
        (False, False),
        ("1.0", False),
        (None, False),
        (1j, False),
    ],
)
def test_is_real_takes_every_real_number_but_a_bool(value, expected):
    assert is_real(value) is expected


def test_is_real_takes_numpy_scalars_but_not_numpy_bools():
    """NumPy's scalars are registered as numbers.Real (a float64 is a float subclass, an
    int64 is not an int at all): the check past the quick one takes them; its bool is no
    number, as Python's is not."""
    np = pytest.importorskip("numpy")  # (matplotlib brings it; not a dependency of ours)
    for value in (np.float64(0.5), np.float32(-2.0), np.int64(3), np.int8(-1)):
        assert is_real(value) is True, type(value)
    assert is_real(np.bool_(True)) is False
    assert is_real(np.array([1.0])) is False  # an array, even of one number, is not a number


def test_a_negative_seed_is_refused_as_it_would_repeat_the_positive_one():
    import random

    assert random.Random(-1).random() == random.Random(1).random()  # Python's own rule
    with pytest.raises(ValueError, match=r"seed must be an int >= 0 .*same numbers as 1"):
        rng(-1)


def test_numbers_of_reads_one_output_or_a_sequence_of_them():
    from autograd_lite import Value
    from nn.validate import is_one_number, numbers_of

    assert is_one_number(Value(2.0)) and is_one_number(3) and not is_one_number([3])
    assert numbers_of(Value(2.0)) == [2.0] and numbers_of(3) == [3.0]
    assert numbers_of([Value(1.0), 2.5]) == [1.0, 2.5] == numbers_of((Value(1.0), 2.5))
    numpy = pytest.importorskip("numpy")
    assert numbers_of(numpy.array([Value(1.0), Value(-1.0)], dtype=object)) == [1.0, -1.0]
    assert numbers_of(numpy.float32(0.5)) == [0.5]
    for not_numbers in ("ab", b"ab", {0: Value(1.0)}):
        with pytest.raises(TypeError, match="expected numbers"):
            numbers_of(not_numbers)


def test_held_float_takes_any_real_number_and_names_what_is_not_one():
    import math

    assert held_float(0.5, "p.grad", "") == 0.5
    assert held_float(3, "p.grad", "") == 3.0 and type(held_float(3, "p.grad", "")) is float
    assert held_float(Fraction(1, 4), "p.grad", "") == 0.25
    assert held_float(10**400, "p.grad", "") == math.inf  # (past the floats: IEEE's inf)
    assert math.isnan(held_float(math.nan, "p.grad", ""))  # (a step spreads NaN, as torch)
    for wrong in (None, "0.5", True):
        with pytest.raises(TypeError, match=r"^p\.grad is \w+, not a number; set it to 0\.0$"):
            held_float(wrong, "p.grad", "set it to 0.0")


def test_takes_says_whether_a_function_can_be_called_with_that_many_arguments():
    def two(prediction, target):
        pass

    def at_least_one(first, *rest):
        pass

    assert takes(two, 2) and not takes(two, 1)
    assert not takes(two, 3)
    assert takes(at_least_one, 1) and takes(at_least_one, 5)
    assert not takes(at_least_one, 0)
    # Python cannot read the signature of some built-ins: then only the call itself can tell
    assert takes(max, 0)
