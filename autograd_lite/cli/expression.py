"""Formulas typed by a user, such as ``"x*y + sin(x)"``, read safely and built from Values.

Python's ``eval`` would run anything (``__import__('os').system(...)``), so we never call
it. Instead ``ast.parse`` turns the text into a syntax tree, ``parse`` checks every node of
that tree against a short whitelist, and ``Expression.evaluate`` walks the checked tree,
building the graph from ``Value`` operations. Allowed are:

- numbers (every number becomes a float, so ``9**9**9`` is ``inf``, not a giant integer);
- the variable names given to ``parse``;
- ``+ - * / **``, unary ``-`` and ``+``, and parentheses;
- calls of the engine's functions: ``exp log sqrt tanh sigmoid relu leaky_relu sin cos abs``.

Anything else is rejected before a single operation runs, with an ``ExpressionError`` that
shows the formula with a caret under the offending part:

    attribute access (a.b) is not allowed
        x.__class__
        ^^^^^^^^^^^
"""

from __future__ import annotations

import ast
import keyword
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping

from .. import ops
from ..value import Value

MAX_LENGTH = 1000  # characters; longer text is refused before Python's parser sees it
SHOWN = 72  # characters of a long expression shown around the caret in an error

FUNCTIONS = {
    name: getattr(ops, name)
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "sin", "cos", "abs")
}
OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
ALLOWED = "allowed are numbers, variables, + - * / ** and " + " ".join(FUNCTIONS)

# What to call the syntax we refuse, so that the message speaks the user's language.
REFUSED = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[b])",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "unpacking (*)",
    ast.JoinedStr: "an f-string",
    ast.Compare: "a comparison",
    ast.BoolOp: "and / or",
    ast.IfExp: "if / else",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.FloorDiv: "// (use /)",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^ (for powers use **)",
    ast.Invert: "~",
    ast.Not: "not",
}


class ExpressionError(ValueError):
    """A formula that cannot be read or evaluated; ``str()`` points at the culprit.

    ``start`` and ``end`` are character columns in ``source`` (None when the problem is
    the formula as a whole).
    """

    def __init__(self, message: str, source: str = "", start=None, end=None):
        super().__init__(message)
        self.message, self.source, self.start, self.end = message, source, start, end

    def __str__(self) -> str:
        if self.start is None or not self.source:
            return self.message
        text, start = self.source, min(max(self.start, 0), len(self.source))
        end = max(self.end or 0, start + 1)
        if len(text) > SHOWN:  # show the part around the caret
            left = max(0, min(start - SHOWN // 2, len(text) - SHOWN))
            right, shift = left + SHOWN, 3 if left else 0
            text = ("..." if left else "") + text[left:right] + ("..." if right < len(text) else "")
            start, end = start - left + shift, min(end, right) - left + shift
        text = "".join(char if char.isprintable() else "?" for char in text)  # one line, shown
        before, culprit = _columns(text[:start]), max(1, _columns(text[start:end]))
        return f"{self.message}\n    {text}\n    {' ' * before}{'^' * culprit}"


def _columns(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide character (``ｘ``, ``日``),
    none for a combining accent, one for any other."""
    wide = ("W", "F")
    return sum(
        2 if unicodedata.east_asian_width(char) in wide else 0 if unicodedata.combining(char) else 1
        for char in text
    )


class Expression:
    """A checked formula: ``evaluate`` builds it from Values; ``names`` are its variables."""

    def __init__(self, source: str, tree: ast.expr, names: frozenset[str]):
        self.source, self.tree, self.names = source, tree, names

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def evaluate(self, values: Mapping[str, Value | float]) -> Value | float:
        """The formula's result for ``values`` (name -> Value or number).

        An operation outside its domain, such as ``log(-1)``, raises ``ExpressionError``
        carrying the engine's message and pointing at that operation.
        """
        missing = sorted(self.names - values.keys())
        if missing:
            raise ExpressionError(f"no value given for {listed(missing)}")
        # Children before parents, with a stack of our own instead of recursion, so that
        # any depth the parser accepts is fine (a sum of 500 terms is 500 levels deep).
        results = []  # finished sub-expressions, left to right
        todo = [(self.tree, False)]
        while todo:
            node, operands_done = todo.pop()
            operands = _operands(node)
            if not operands_done:
                todo.append((node, True))
                todo.extend((operand, False) for operand in reversed(operands))
                continue
            first = len(results) - len(operands)
            args = results[first:]
            del results[first:]
            results.append(self._apply(node, args, values))
        return results[0]

    def _apply(self, node: ast.expr, args: list, values):
        """One node's value, from its operands' values ``args``."""
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            return -args[0] if isinstance(node.op, ast.USub) else args[0]
        if isinstance(node, ast.BinOp):
            left, right = args
            if not isinstance(left, Value):
                left = Value(left)  # so the engine's rules apply: 9.0 ** 1e9 gives inf
            return self._run(node, OPERATORS[type(node.op)], left, right)
        return self._run(node, FUNCTIONS[node.func.id], *args)  # a call: nothing else is left

    def _run(self, node, operation, *args):
        """``operation(*args)``, with a domain error pointing at ``node``."""
        try:
            return operation(*args)
        except OverflowError:
            raise _error("the result is too large for a float", self.source, node) from None
        except (ValueError, ArithmeticError) as error:
            raise _error(str(error), self.source, node) from None


def parse(source: str, variables: Iterable[str] = ()) -> Expression:
    """Read ``source`` as a formula in ``variables``; raise ``ExpressionError`` if it is
    anything more. Nothing in ``source`` is run.

    >>> f = parse("x*y + sin(x)", ["x", "y"])
    >>> f.evaluate({"x": 2.0, "y": -3.0}).data
    -5.090702573174318
    """
    if not isinstance(source, str):
        raise TypeError(f"parse needs the formula as a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is too long: {len(source):,} characters (at most {MAX_LENGTH:,})"
        )
    for column, char in enumerate(source):  # control characters, lone surrogates, ...
        if not char.isprintable():
            raise ExpressionError(
                "the expression must be one line of printable characters: "
                f"found {char!r} at column {column + 1}",
                source,
                column,
            )
    if not source.strip():
        raise ExpressionError("the expression is empty")
    tree = _parse_python(source)
    variables = {normalize_name(name) for name in variables}
    names = _check(tree, source, variables)
    if "#" in source:  # (no string passed the check, so this "#" starts a comment)
        message = f"a comment (#) is not allowed: it would hide the rest of the formula; {ALLOWED}"
        raise ExpressionError(message, source, source.index("#"), len(source.rstrip()))
    return Expression(source, tree, frozenset(names))


def listed(names: list[str], most: int = 5) -> str:
    """``"a, b, c"``; past ``most`` names, the first few and how many more (an error stays
    one short line however many variables were given)."""
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} and {len(names) - most:,} more"


def normalize_name(name: str) -> str:
    """A name as Python's parser sees it (NFKC: a full-width ``ｘ`` is ``x``)."""
    return unicodedata.normalize("NFKC", name)


def _parse_python(source: str) -> ast.expr:
    """Python's syntax tree for ``source``, with Python's own complaints made ours."""
    try:
        with warnings.catch_warnings():  # Python's doubts ("1if") are errors here, not noise
            warnings.simplefilter("error", SyntaxWarning)
            warnings.simplefilter("error", DeprecationWarning)  # what Python 3.10 calls them
            return ast.parse(source, mode="eval").body
    except SyntaxError as error:
        if not error.offset:  # Python ran out of text before the expression was complete
            raise ExpressionError("the expression is incomplete", source, len(source)) from None
        start = error.offset - 1
        end = error.end_offset - 1 if (error.end_offset or 0) > error.offset else None
        message = f"not a valid expression: {error.msg}"
        if error.msg == "invalid decimal literal":
            message += _product_hint(source, start)
        elif source[start : start + 1] in _TYPED_AS:  # a sign copied from a page or a picture
            typed = _TYPED_AS[source[start]]
            message += f"; type {typed!r} for {_SIGN_NAMES[typed]}"
        raise ExpressionError(message, source, start, end) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply to read") from None
    except ValueError as error:  # e.g. an integer literal with too many digits
        raise ExpressionError(f"not a valid expression: {error}") from None


# Signs that prose and our pictures print (x \u2212 y, upstream \u00d7 local), as typed here
# (a middle dot is not among them: Python reads a\u00b7b as one name).
_TYPED_AS = {"\u2212": "-", "\u2013": "-", "\u00d7": "*", "\u22c5": "*", "\u00f7": "/"}
_SIGN_NAMES = {"-": "minus", "*": "times", "/": "divided by"}

# A number written against a name, as in algebra: 2x, 3.5y, 1e5x (not the 1 of x1y).
_NUMBER_THEN_NAME = re.compile(
    r"(?<![\w.])"  # not inside a name or a number
    r"(\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?)"  # 2, 3.5, 1_000, 1e5
    r"([A-Za-z_]\w*)"  # x
)


def _product_hint(source: str, at: int) -> str:
    """ " (for a product, write 2*x)" when Python's complaint at ``at`` is a number written
    against a name; "" otherwise."""
    for match in _NUMBER_THEN_NAME.finditer(source):
        if match.start(1) <= at < match.end(1) and not keyword.iskeyword(match[2]):
            return f" (for a product, write {match[1]}*{match[2]})"
    return ""


def _operands(node: ast.expr) -> list[ast.expr]:
    """The sub-expressions of a node that ``parse`` allowed."""
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return node.args
    return []


def _check(tree: ast.expr, source: str, variables: set[str]) -> set[str]:
    """Refuse every node outside the whitelist; return the variable names used.
    Iterative, like ``evaluate``: no depth of nesting can overflow the stack."""
    used = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        stack.extend(reversed(_allowed_children(node, source, variables)))  # leftmost first
        if isinstance(node, ast.Name):
            used.add(node.id)
    return used


def _allowed_children(node: ast.AST, source: str, variables: set[str]) -> list[ast.expr]:
    """The sub-expressions of an allowed ``node``; raise ``ExpressionError`` for any other."""
    if isinstance(node, ast.Constant):
        _check_number(node, source)
        return []
    if isinstance(node, ast.Name):
        if node.id in variables:
            return []
        if node.id in FUNCTIONS:
            raise _error(f"{node.id} is a function: call it, as in {node.id}(x)", source, node)
        given = f"; the variables are {listed(sorted(variables))}" if variables else ""
        raise _error(f"unknown name {node.id!r}: give it a value as {node.id}=NUMBER{given}",
                     source, node)  # fmt: skip
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return [node.operand]
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return _check_call(node, source, variables)
    if isinstance(node, ast.BinOp):  # point at the operator, between the operands
        what, at = REFUSED.get(type(node.op), type(node.op).__name__), _between(node, source)
    else:
        shown = node.op if isinstance(node, ast.UnaryOp) else node
        what, at = REFUSED.get(type(shown), type(shown).__name__), node
    raise _error(f"{what} is not allowed: {ALLOWED}", source, at)


def _check_number(node: ast.Constant, source: str) -> None:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        what = "a string" if isinstance(value, (str, bytes)) else repr(value)
        raise _error(f"{what} is not a number: {ALLOWED}", source, node)
    try:
        float(value)
    except OverflowError:
        raise _error("this number is too large for a float", source, node) from None


def _check_call(node: ast.Call, source: str, variables: set[str]) -> list[ast.expr]:
    func = node.func
    if not isinstance(func, ast.Name):
        raise _error(f"only a function's name can be called: {ALLOWED}", source, func)
    if func.id in variables:
        raise _error(f"{func.id} is a variable, not a function", source, func)
    if func.id not in FUNCTIONS:
        raise _error(f"unknown function {func.id!r}: {ALLOWED}", source, func)
    if node.keywords:
        raise _error("keyword arguments are not allowed", source, node.keywords[0])
    most = 2 if func.id == "leaky_relu" else 1
    if not 1 <= len(node.args) <= most:
        takes = "one or two arguments (x, slope)" if most == 2 else "one argument"
        raise _error(f"{func.id} takes {takes}, got {len(node.args)}", source, node)
    if len(node.args) == 2 and not _is_number(node.args[1]):
        raise _error("leaky_relu's slope must be a plain number", source, node.args[1])
    return node.args


def _is_number(node: ast.expr) -> bool:
    """A literal number, possibly signed: ``0.1``, ``-0.2``."""
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _between(node: ast.BinOp, source: str) -> ast.AST:
    """Where a binary operator sits: between its operands, past spaces and parentheses (a
    stand-in node with positions, since ast records none for operators)."""
    start, end = node.left.end_col_offset, node.right.col_offset
    gap = source.encode("utf-8")[start:end]
    spot = ast.AST()
    spot.col_offset = start + len(gap) - len(gap.lstrip(b" )"))
    spot.end_col_offset = end - (len(gap) - len(gap.rstrip(b" (")))
    return spot


def _error(message: str, source: str, node: ast.AST) -> ExpressionError:
    """An ExpressionError pointing at ``node`` (ast columns count UTF-8 bytes; we want
    characters)."""
    encoded = source.encode("utf-8")

    def column(offset):
        return len(encoded[:offset].decode("utf-8", "ignore"))

    end = getattr(node, "end_col_offset", None)
    return ExpressionError(
        message, source, column(node.col_offset), None if end is None else column(end)
    )
