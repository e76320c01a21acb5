"""The safe expression reader: what it evaluates, and everything it refuses before running."""

import ast
import builtins
import inspect
import math
import os
import sys
import unicodedata
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.cli.expression import MAX_LENGTH, ExpressionError, listed, parse


def evaluate(source, **values):
    return parse(source, values).evaluate(values)


# --- what it reads ----------------------------------------------------------------------------


def test_value_and_gradients_of_the_readme_example():
    x, y = ag.Value(2.0, label="x"), ag.Value(-3.0, label="y")
    f = parse("x*y + sin(x)", ["x", "y"]).evaluate({"x": x, "y": y})
    f.backward()
    assert f.data == pytest.approx(2 * -3 + math.sin(2))
    assert x.grad == pytest.approx(-3 + math.cos(2))
    assert y.grad == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("-x**2", -9.0),  # ** binds tighter than unary minus, as in Python
        ("+x - -x", 6.0),
        ("2**x**2", 2.0**9),  # ** is right-associative
        ("7/2", 3.5),
        ("(x + 1) * (x - 1)", 8.0),
        ("exp(log(x)) + sqrt(x*x)", 6.0),
        ("tanh(0) + sigmoid(0) + relu(-x) + abs(-x)", 3.5),
        ("leaky_relu(-x) + leaky_relu(-x, 0.5) + leaky_relu(-x, -1)", -0.03 - 1.5 + 3.0),
        ("cos(0) + sin(0)", 1.0),
        ("1e-3 * 1_000", 1.0),
    ],
)
def test_evaluates_like_python(source, expected):
    assert float(evaluate(source, x=3.0)) == pytest.approx(expected)


def test_every_number_becomes_a_float_so_huge_powers_give_inf_at_once():
    # As Python ints, 9**9**9 has 369 million digits; as floats it is simply inf.
    assert evaluate("9**9**9").data == math.inf
    assert evaluate("10**400 * x", x=2.0).data == math.inf


def test_names_are_the_variables_used():
    assert parse("x*y + x", ["x", "y", "z"]).names == {"x", "y"}


def test_full_width_letters_are_read_as_python_reads_them():
    # Python's parser folds 'ｘ' (full width) to 'x' (NFKC); variable names are folded too.
    assert evaluate("ｘ + 1", x=1.0).data == 2.0
    assert float(parse("x * 2", ["ｘ"]).evaluate({"x": 4.0})) == 8.0


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("-" * 998 + "x", 2.0),  # 998 unary minuses: 998 levels deep
        ("x" + "+x" * 499, 1000.0),  # a left-leaning sum, 500 levels deep
        ("sin(" * 99 + "x" + ")" * 99, None),  # the most the Python parser allows is 200
        ("(" * 199 + "x" + ")" * 199, 2.0),
    ],
)
def test_deep_nesting_is_read_and_evaluated_without_recursion(source, expected):
    expression = parse(source, ["x"])
    # Leave ~60 frames above the caller: a recursive walk over hundreds of levels would fail.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 60)
    try:
        result = expression.evaluate({"x": 2.0})
    finally:
        sys.setrecursionlimit(old)
    if expected is not None:
        assert float(result) == expected


def test_length_up_to_the_limit_is_fine():
    source = "x" + "+x" * ((MAX_LENGTH - 1) // 2)
    assert len(source) <= MAX_LENGTH
    assert evaluate(source, x=1.0).data == (MAX_LENGTH + 1) // 2


# --- what it refuses, and where it points ------------------------------------------------------

REFUSED = [
    # (expression, words in the message, the text the caret underlines)
    ("x.__class__", "attribute", "x.__class__"),
    ("__import__('os').system('echo hi')", "function", "__import__('os').system"),
    ("sin(x)(x)", "function", "sin(x)"),
    ("[x][0]", "indexing", "[x][0]"),
    ("lambda: x", "lambda", "lambda: x"),
    ("[x for x in (1, 2)]", "comprehension", "[x for x in (1, 2)]"),
    ("(x := 2)", "assignment", "x := 2"),
    ("sin(*x)", "unpacking", "*x"),
    ("sin(x=1)", "keyword", "x=1"),
    ("sin(x, **{})", "keyword", "**{}"),
    ("f'{x}'", "f-string", "f'{x}'"),
    ("'abc' * 3", "string", "'abc'"),
    ("x if x else 1", "if", "x if x else 1"),
    ("x < 1", "comparison", "x < 1"),
    ("x and 1", "and", "x and 1"),
    ("(x) // 2", "//", "//"),
    ("x ^ 2", "**", "^"),
    ("~x", "~", "~x"),
    ("1j * x", "not a number", "1j"),
    ("True * x", "not a number", "True"),
    ("z * x", "unknown name 'z'", "z"),
    ("x(2)", "variable, not a function", "x"),
    ("max(x, 1)", "unknown function 'max'", "max"),
    ("sin + x", "sin is a function", "sin"),
    ("sin(x, x)", "one argument", "sin(x, x)"),
    ("leaky_relu(x, x)", "slope", "x"),
    ("1" * 400 + " * x", "too large", "1" * 400),
    ("ｘ + é + x.real", "unknown name 'é'", "é"),  # leftmost first; carets count characters
    ("ｘ + x.real", "attribute", "x.real"),
    ("x * 2  # times two", "comment (#)", "# times two"),  # would hide what follows it
    ("x # + y", "comment (#)", "# + y"),
]


@pytest.mark.parametrize(("source", "words", "underlined"), REFUSED)
def test_refused_with_a_caret_under_the_culprit(source, words, underlined):
    with pytest.raises(ExpressionError) as caught:
        parse(source, ["x"])
    error = caught.value
    assert words in error.message
    assert source[error.start : error.end] == underlined
    if len(source) <= 72:
        first, shown, carets = str(error).split("\n")
        assert first == error.message
        assert shown.strip() == source
        assert carets.strip() == "^" * len(underlined)
        assert carets.index("^") == cells(shown[: shown.index(source) + error.start])


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x +", "incomplete"),
        ("sin(x", "never closed"),
        ("2x", "invalid"),
        ("x\n+ 1", "one line"),
        ("x\x00", "one line"),
        ("x" * (MAX_LENGTH + 1), "too long"),
        ("(" * 10_000 + "x" + ")" * 10_000, "too long"),
        ("-" * 100_000 + "x", "too long"),
        ("(" * 300 + "x" + ")" * 300, "nested parentheses"),  # Python's own limit
        ("-(" * 250 + "x" + ")" * 250, "nested parentheses"),
    ],
)
def test_unreadable_input_is_refused_with_a_message(source, words):
    with pytest.raises(ExpressionError, match=words):
        parse(source, ["x"])


@pytest.mark.parametrize(
    "source, typed",
    [("x \u2212 y", "'-' for minus"), ("x\u2013y", "'-' for minus"),
     ("x \u00d7 y", "'*' for times"), ("x\u22c5y", "'*' for times"),
     ("x \u00f7 y", "'/' for divided by")],
)  # fmt: skip
def test_a_sign_copied_from_prose_or_a_picture_says_which_to_type(source, typed):
    # '\u2212' (as the pictures' legends and our prose print a minus) said only "invalid
    # character", though a learner copying a formula cannot see what is wrong with it
    with pytest.raises(ExpressionError) as caught:
        parse(source, ["x", "y"])
    assert str(caught.value).splitlines()[0].endswith(f"; type {typed}")


def test_python_parser_running_out_of_stack_or_memory_is_reported(monkeypatch):
    for trouble in (RecursionError, MemoryError):

        def fail(*args, trouble=trouble, **kwargs):
            raise trouble()

        monkeypatch.setattr(ast, "parse", fail)
        with pytest.raises(ExpressionError, match="nested too deeply"):
            parse("x", ["x"])


def cells(text: str) -> int:
    """How many columns ``text`` takes on a terminal: two for a wide character (ｘ, 日)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@pytest.mark.parametrize(
    ("source", "underlined"),
    [
        ("ｘ + x.real", "x.real"),
        ("ｘｘ.y + 1", "ｘｘ.y"),
        ("日本 + x.real", "x.real"),
        ("x + 日本語", "日本語"),
        ("ｘ + " * 30 + "x.y" + " + x" * 30, "x.y"),  # shortened around the caret
    ],
)
def test_the_caret_is_under_the_culprit_where_wide_characters_take_two_columns(source, underlined):
    # A terminal gives a full-width character two columns: "ｘｘ.y" was underlined ^^^^, under
    # the ｘｘ alone, and after a ｘ the caret stood one column to the left of the culprit.
    with pytest.raises(ExpressionError) as caught:
        parse(source, ["ｘｘ", "x", "日本"])
    _, shown, carets = str(caught.value).split("\n")
    at = shown.rindex(underlined) if underlined == "x.real" else shown.index(underlined)
    assert carets == " " * cells(shown[:at]) + "^" * cells(underlined)


def test_the_caret_is_under_the_culprit_after_a_combining_accent():
    # "é" written as e and a combining accent takes one column, not two
    source = "e\u0301 + x.real"
    with pytest.raises(ExpressionError) as caught:
        parse(source, ["x", "\u00e9"])
    _, shown, carets = str(caught.value).split("\n")
    assert shown == "    " + source
    assert carets == "    " + " " * len("é + ") + "^" * len("x.real")


def test_a_comment_is_underlined_without_the_spaces_after_it():
    with pytest.raises(ExpressionError, match="comment") as caught:
        parse("x # y   ", ["x", "y"])
    assert str(caught.value).splitlines()[2] == "    " + "  " + "^^^"


def test_a_long_expression_is_shown_around_the_caret():
    source = "x + " * 100 + "x.y" + " + x" * 100
    with pytest.raises(ExpressionError) as caught:
        parse(source, ["x"])
    _, shown, carets = str(caught.value).split("\n")
    assert len(shown) < 90 and shown.strip().startswith("...") and shown.endswith("...")
    assert shown[carets.index("^") :].startswith("x.y")


def test_the_whole_tree_is_checked_before_anything_is_evaluated():
    # log(-1) would fail when evaluated; the attribute further on is refused first.
    with pytest.raises(ExpressionError, match="attribute"):
        parse("log(x) + x.real", ["x"])


def test_nothing_is_ever_passed_to_eval_or_exec(monkeypatch, tmp_path):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    target = tmp_path / "pwned"
    for source in (f"open({str(target)!r}, 'w')", f"exec('open({str(target)!r}, \"w\")')"):
        with pytest.raises(ExpressionError):
            parse(source, ["x"])
    assert evaluate("x * 2", x=2.0).data == 4.0
    assert not target.exists()


# --- domain errors: the engine's message, pointing at the operation -----------------------------


@pytest.mark.parametrize(
    ("source", "words", "underlined"),
    [
        ("1 + log(x - 1)", "log is only defined for x > 0", "log(x - 1)"),
        ("sqrt(-x)", "sqrt is only defined", "sqrt(-x)"),
        ("2 / (x - 1)", "division by zero", "2 / (x - 1)"),
        ("(-x) ** 0.5", "negative base", "(-x) ** 0.5"),
    ],
)
def test_domain_errors_point_at_the_operation(source, words, underlined):
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, x=1.0)
    assert words in caught.value.message
    assert source[caught.value.start : caught.value.end] == underlined


def test_evaluate_needs_every_variable():
    with pytest.raises(ExpressionError, match="no value given for y"):
        parse("x + y", ["x", "y"]).evaluate({"x": 1.0})


def test_many_variables_without_a_value_are_named_in_a_short_error():
    names = [f"a{i}" for i in range(100)]
    with pytest.raises(ExpressionError) as caught:
        parse(" + ".join(names), names).evaluate({})
    assert str(caught.value) == "no value given for a0, a1, a10, a11, a12 and 95 more"


def test_names_are_listed_in_full_up_to_five():
    assert listed(["a", "b", "c", "d", "e"]) == "a, b, c, d, e"
    assert listed(["a", "b", "c", "d", "e", "f"]) == "a, b, c, d, e and 1 more"
    assert listed([]) == ""


def test_parse_needs_a_string():
    with pytest.raises(TypeError, match="str"):
        parse(b"x", ["x"])


@pytest.mark.parametrize("bad", ["\n", "\t", "\x00", "\x1b", "\x7f", "\u2028", "\ud800", "\udcff"])
def test_control_characters_and_lone_surrogates_are_shown_with_a_caret(bad):
    source = f"x + {bad}y"
    with pytest.raises(ExpressionError) as caught:
        parse(source, ["x", "y"])
    first, shown, carets = str(caught.value).split("\n")  # exactly three lines
    assert f"found {bad!r} at column 5" in first
    assert shown.strip() == "x + ?y"  # the character itself is never printed
    assert carets.strip() == "^" and carets.index("^") == shown.index("?")
    assert str(caught.value).encode("ascii", "strict")  # printable on any terminal


# --- fuzzing from the grammar -----------------------------------------------------------------
# Formulas are generated as trees from the reader's grammar, written out as text with only the
# parentheses Python's precedence needs (plus some spare ones and spaces), and read back.
# A valid formula must give exactly what the same tree gives when built from Values directly;
# a slightly broken one must be refused with the reader's own error, pointing at the spot.
# AUTOGRAD_LITE_FUZZ_EXAMPLES=5000 pytest -k grammar  searches harder than the default run.

FUZZ = settings(
    max_examples=int(os.environ.get("AUTOGRAD_LITE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
VARIABLES = {"x": 0.7, "y": -1.3, "w2": 2.0, "ｚ": 0.25}  # "ｚ" is read as z (NFKC)
UNARY_FUNCTIONS = ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"]
ATOM, UNARY, POWER = 5, 3, 4  # precedence: what binds tighter gets a larger number
BINARY = {"+": 1, "-": 1, "*": 2, "/": 2, "**": POWER}

numbers = st.one_of(
    st.integers(0, 1000).map(str),
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e-3", "2.5e2", "1_000", "0.5", "1e400", "9**9**9"]),
).map(lambda text: ("number", text))
names = st.sampled_from(sorted(VARIABLES)).map(lambda name: ("name", name))


def grow(children):
    return st.one_of(
        st.tuples(st.just("unary"), st.sampled_from("-+"), children),
        st.tuples(st.just("binary"), st.sampled_from(sorted(BINARY)), children, children),
        st.tuples(st.just("call"), st.sampled_from(UNARY_FUNCTIONS), children),
        st.tuples(st.just("leaky"), children, st.sampled_from(["0.1", "-0.2", "2"])),
    )


trees = st.recursive(st.one_of(numbers, names), grow, max_leaves=12)


@st.composite
def written(draw, tree):
    """``tree`` as text: the parentheses precedence needs, and now and then spare ones."""

    def text(node):  # (text, precedence)
        kind = node[0]
        if kind == "number":
            return node[1], (ATOM if node[1][0].isdigit() and "**" not in node[1] else POWER)
        if kind == "name":
            return node[1], ATOM
        if kind == "unary":
            return node[1] + wrap(node[2], UNARY), UNARY
        if kind == "binary":
            op, precedence = node[1], BINARY[node[1]]
            left_needs, right_needs = (ATOM, UNARY) if op == "**" else (precedence, precedence + 1)
            space = draw(st.sampled_from(["", " "]))
            return wrap(node[2], left_needs) + space + op + space + wrap(node[3], right_needs), (
                precedence
            )
        if kind == "call":
            return f"{node[1]}({text(node[2])[0]})", ATOM
        return f"leaky_relu({text(node[1])[0]}, {node[2]})", ATOM

    def wrap(node, needs):
        inner, precedence = text(node)
        if precedence < needs or draw(st.integers(0, 9)) == 0:
            return f"({inner})"
        return inner

    return text(tree)[0]


def reference(node):
    """The tree built from Values directly, as a user would in Python: no text involved."""
    kind = node[0]
    if kind == "number":
        if node[1] == "9**9**9":  # every number is a float: so this is inf, at once
            return ag.Value(9.0) ** (ag.Value(9.0) ** 9.0)
        return ag.Value(float(node[1]))
    if kind == "name":
        return VALUES[NAMES[node[1]]]
    if kind == "unary":
        operand = reference(node[2])
        return -operand if node[1] == "-" else operand
    if kind == "binary":
        left, right = reference(node[2]), reference(node[3])
        return {"+": left.__add__, "-": left.__sub__, "*": left.__mul__, "/": left.__truediv__,
                "**": left.__pow__}[node[1]](right)  # fmt: skip
    if kind == "call":
        return getattr(ag, node[1])(reference(node[2]))
    return ag.leaky_relu(reference(node[1]), float(node[2]))


NAMES = {name: ast.parse(name).body[0].value.id for name in VARIABLES}  # as Python reads them
VALUES = {NAMES[name]: ag.Value(number) for name, number in VARIABLES.items()}


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def no_eval(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("eval or exec was called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)


@FUZZ
@given(data=st.data())
def test_grammar_valid_formulas_read_as_the_same_graph_built_by_hand(data):
    tree = data.draw(trees)
    source = data.draw(written(tree))
    with pytest.MonkeyPatch.context() as patch:
        no_eval(patch)
        expression = parse(source, NAMES.values())  # a valid formula is always read
        try:
            expected = reference(tree).data
        except (ValueError, ArithmeticError):  # out of a function's domain
            with pytest.raises(ExpressionError) as caught:
                expression.evaluate(VALUES)
            assert caught.value.start is not None  # pointing at the operation
            return
        got = expression.evaluate(VALUES)
    assert same(float(got), expected), source


BREAKAGE = ["(", ")", "*", "**", ",", ".", "[", "'", '"', "=", ":=", "//", "%", "@", "^", "~",
            "lambda", "__import__", "if", "not", "é", "\n", "\t", "\x00", "\x1b", "\ud800",
            "1j", "0x1f", "True", "sin", "#", "\\", "{", "f'", "x.y", "..."]  # fmt: skip
WITHOUT_CARET = ("the expression is empty", "too long", "nested too deeply")


@FUZZ
@given(data=st.data())
def test_grammar_broken_formulas_are_refused_with_the_readers_own_error(data):
    source = data.draw(written(data.draw(trees)))
    at = data.draw(st.integers(0, len(source)))
    cut = data.draw(st.integers(0, 2))
    source = source[:at] + data.draw(st.sampled_from(BREAKAGE)) + source[at + cut :]
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        no_eval(patch)
        try:
            parse(source, NAMES.values()).evaluate(VALUES)  # still valid now and then
        except ExpressionError as error:
            message = str(error)
            if not any(words in error.message for words in WITHOUT_CARET):
                assert error.start is not None, message
                _, shown, carets = message.split("\n")
                assert set(carets.strip()) == {"^"}, message
                assert len(carets.rstrip()) <= cells(shown) + 1, message
                assert shown.isprintable()
    assert not warned, [str(w.message) for w in warned]  # nothing printed besides the error


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("2x", "write 2*x"),
        ("3.5y + 1", "write 3.5*y"),
        ("x1y + 2z", "write 2*z"),  # the number Python points at, not the 1 inside x1y
        ("1e5x", "write 1e5*x"),
        ("1_000x", "write 1_000*x"),
        ("1_", None),  # a bad number, no name against it: no hint
        ("2_000_x", None),  # (was "write 2_000_*x", itself no Python)
        ("2or x", None),  # a keyword is no name (was "write 2*or")
        ("2.x", "write 2.*x"),
        ("1.2.3x", None),  # (not "write 2.3*x": the number is not 2.3)
    ],
)
def test_a_number_written_against_a_name_is_answered_with_the_product(source, hint):
    with pytest.raises(ExpressionError, match="invalid decimal literal") as error:
        parse(source, ["x", "y", "z", "x1y"])
    said = str(error.value).splitlines()[0]
    assert said.endswith(f"(for a product, {hint})") if hint else said.endswith("literal")
