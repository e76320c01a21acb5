"""reals.py: ``as_real``, what counts as a number, and what a refusal says."""

import math
from fractions import Fraction

import pytest

from autograd_lite import Value
from autograd_lite.reals import as_real


def test_a_float_is_itself_and_an_int_becomes_a_float():
    x = 0.1
    assert as_real(x) is x
    assert as_real(3) == 3.0 and type(as_real(3)) is float


@pytest.mark.parametrize(
    ("given", "expected"),
    [(10**400, math.inf), (-(10**400), -math.inf), (Fraction(10**400, 3), math.inf)],
)
def test_too_large_is_infinite_as_in_ieee_not_an_error(given, expected):
    assert as_real(given) == expected


def test_a_value_is_refused_though_it_has_float_because_its_number_would_cut_the_graph():
    with pytest.raises(TypeError, match=r"backward\(gradient\) needs a real number.*\.detach"):
        as_real(Value(1.0), "backward(gradient)")
    with pytest.raises(TypeError, match="an object with __float__"):  # the class is no Value
        as_real(Value)


def test_an_object_with_float_is_a_number_whatever_its_other_attributes_do():
    from unittest.mock import MagicMock

    class Odd:
        def __getattr__(self, name):
            raise RuntimeError(name)

        def __float__(self):
            return 3.0

    assert as_real(Odd()) == 3.0 and as_real(MagicMock()) == 1.0


@pytest.mark.parametrize(
    ("given", "advice"),
    [
        (True, "1.0 or 0.0"),
        (None, "such as 0.0"),
        ("2.5", "float(text)"),
        (b"2.5", "float(text)"),
        (1 + 2j, "real numbers only"),
        (object(), "an object with __float__"),
    ],
)
def test_each_kind_of_non_number_gets_its_own_advice(given, advice):
    with pytest.raises(TypeError, match=r"^x needs a real number, got ") as info:
        as_real(given, "x")
    assert advice in str(info.value)


def test_a_collection_of_numbers_is_one_number_too_many():
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match="one number, not a collection"):
        as_real(np.array([1.0, 2.0]))
    assert as_real(np.array([2.0])[0]) == 2.0  # one NumPy number is a number


def test_a_long_argument_is_shown_shortened():
    with pytest.raises(TypeError) as info:
        as_real("x" * 100)
    shown = str(info.value).split("got str ", 1)[1].split(":", 1)[0]
    assert len(shown) == 40 and shown.endswith("...")


@pytest.mark.parametrize("several", [[2.0, 0.5], (1.0,)])
def test_a_list_where_one_number_belongs_says_so(several):
    with pytest.raises(
        TypeError, match=r"Value\(data\) needs a real number.*give one number, not a list"
    ):
        as_real(several)


def test_text_where_a_list_of_numbers_belongs_is_refused_whole_not_split_into_letters():
    from autograd_lite.reals import as_operands

    for text in ("abc", b"abc"):
        with pytest.raises(TypeError, match=r"needs Values or numbers in a list, got .*convert"):
            as_operands(text, "ag.mean(values)")
    assert as_operands((x for x in (1.0, 2.0)), "ag.sum(values)") == (1.0, 2.0)


def test_a_numpy_1_bool_is_refused_like_a_bool():
    bool_ = type("bool_", (), {"__float__": lambda self: 1.0})  # NumPy 1's np.bool_
    with pytest.raises(TypeError, match=r"1\.0 or 0\.0"):
        as_real(bool_())
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=r"1\.0 or 0\.0"):
        as_real(np.True_)


def test_a_number_whose_float_fails_is_told_so_not_called_a_collection():
    """A signalling NaN Decimal, or an object whose __float__ returns no float, was told to
    'give one number, not a collection of them': it is one number, whose conversion failed."""
    from decimal import Decimal

    class Text:
        def __float__(self):
            return "2.5"

    with pytest.raises(TypeError, match=r"got Decimal Decimal\('sNaN'\): its __float__ failed"):
        as_real(Decimal("sNaN"))
    with pytest.raises(TypeError, match=r"its __float__ failed \(.*returned non-float"):
        as_real(Text())


@pytest.mark.parametrize(
    "entry, advice",
    [(True, "1.0 or 0.0"), ("1.5", r"float\(text\)"), (1 + 2j, "real numbers only")],
)
def test_a_zero_dimensional_array_is_judged_by_its_one_entry(entry, advice):
    """float() of a 0-d NumPy array converts what it holds, so np.array(True) was taken as
    1.0 and np.array('1.5') as 1.5, where True and '1.5' are refused; np.array(1+2j) was
    told it was a collection of numbers."""
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=rf"^x needs a real number, got ndarray .*{advice}"):
        as_real(np.array(entry), "x")
    assert as_real(np.array(2.5)) == 2.5 and as_real(np.array(3)) == 3.0
    assert as_real(np.float64(0.5)) == 0.5 and as_real(np.int64(4)) == 4.0
