"""Names a learner can read: an unlabelled node is called by the expression that made it.

>>> from autograd_lite import Value
>>> x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
>>> expression(x * w + b), expression(2 * x), expression((x - b) / (w ** 2))
('x*w + b', '2*x', '(x - b)/w**2')
>>> expression(((x * w + b) * x + b * w + x).tanh())
'tanh((x*w + b)*x + b*w + x)'
>>> expression(((x * w + b) * x + b * w + x).tanh(), max_chars=20)
'tanh(…*x + b*w + x)'

The rules:

- a labelled node is its label;
- an **unlabelled leaf is a constant**, named by its number (``2`` in ``2*x``). The engine
  wraps the plain numbers of ``2 * x`` as leaves with the label "", and a ``Value(2.0)``
  made without a label cannot be told apart from them: label a leaf to make it an input;
- an unlabelled result is its expression, written as Python would (``x*w + b``,
  ``tanh(x*w + b)``, ``x**2``), with only the brackets the order of operations needs;
- long ones are shortened from the inside: the deepest parts become ``…`` until the name
  fits ``max_chars`` (``tanh(…*x + b*w + x)``), and n-ary sums keep their first and last
  terms (``w.0*x.0 + … + b``). Nothing here recurses deeper than a name can be long.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (for the annotations only: names read a node's label, op and parents)
    from .value import Value

#: How long a name may be before it is shortened.
MAX_CHARS = 32

# How tightly each kind of expression binds: brackets go round a part that binds less
# tightly than the place it is put in.
_SUM, _PRODUCT, _SIGN, _POWER, _ATOM = 1, 2, 3, 4, 5
_BINARY = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT}
#: The deepest a name looks into the graph (so a name never recurses further).
_DEEPEST = 200
_ELLIPSIS = "\u2026"


def is_constant(node: Value) -> bool:
    """True for an unlabelled leaf: a plain number the engine wrapped (or a Value made
    without a label). Pictures draw it as its number, without a gradient."""
    return not node.parents and not node.label


def number(x: float, digits: int = 4) -> str:
    """A number as short as it reads well: 2, -0.5, 0.3333, 1e-12, 1.5e+9, inf, nan."""
    if math.isinf(x) or math.isnan(x):
        return str(x)
    if x == int(x) and abs(x) < 1e6:
        return str(int(x)) if x or math.copysign(1.0, x) > 0 else "-0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent):+d}"
    return text


def short(x: float) -> str:
    """A number in at most about 10 characters, 4 significant digits: 1.5, 2.0, -0.0, 1e-12,
    1e+9, -inf, nan, and 1531 for 1530.9 (for data and grads in pictures and tables)."""
    text = f"{x:.4g}"
    if "e" in text:  # 1e-12 and 1e+9, not 1e-12 and 1e+09
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent):+d}"
    # 2.0 and -0.0, so that a float looks like one (2.0000000000000004 too: it is 2.000 to
    # 4 digits); but 1531, not 1531.0, for 1530.9: a fifth digit rounding took away
    digits = text.lstrip("-")
    if digits.isdigit() and (len(digits) < 4 or float(text) == x):
        return text + ".0"
    return text


def product_text(upstream: float, local: float, product: float) -> str:
    """``upstream × local = product``, each number as ``short`` writes it, for the pictures
    and tables of a backward pass. Where the rounded numbers do not multiply to the rounded
    product the sign is ``≈``: an upstream of 0.41997 shows as 0.42, and "0.42 × 2.0 =
    0.8399" would look like a slip of the engine; "0.42 × 2.0 ≈ 0.8399" says it is rounding."""
    u, d, p = short(upstream), short(local), short(product)
    # (compared as numbers: "1531" and "1531.0" are the same, as short writes 1530.9 "1531")
    exact = float(short(float(u) * float(d))) == float(p) or math.isnan(product)
    return f"{u} × {d} {'=' if exact else '≈'} {p}"


def expression(node: Value, max_chars: int = MAX_CHARS, digits: int = 4) -> str:
    """The node's name: its label, its number (a constant), or the expression that made it,
    shortened to about ``max_chars`` characters; constants with ``digits`` significant
    digits."""
    if isinstance(max_chars, bool) or not isinstance(max_chars, int):
        raise TypeError(f"expression: max_chars must be an int, got {max_chars!r}")
    if max_chars < 2:
        raise ValueError(f"expression: max_chars must be at least 2, got {max_chars}")
    if node.label:
        return node.label
    # A name of n characters cannot show more than n levels, and a deeper name is never
    # shorter: find the deepest that fits by halving. Each try stops once past max_chars.
    fits, low, high = None, 1, min(max_chars, _DEEPEST)
    while low <= high:
        depth = (low + high) // 2
        try:
            fits = _Writer(max_chars, digits).write(node, depth)[0]
            low = depth + 1
        except _TooLong:
            high = depth - 1
    if fits is not None:
        return fits
    text = _Writer(math.inf, digits).write(node, 1)[0]  # even that is too long: cut it
    return text[: max_chars - 1] + _ELLIPSIS


def binding(node: Value) -> int:
    """How tightly ``expression(node)`` binds, from loosest to tightest: a sum, a product,
    a sign, a power, an atom (a label, a number, a call such as ``tanh(x)``)."""
    return _Writer(math.inf, 4)._write(node, 1)[1]


#: How tightly the left and the right operand of each operator must bind to go without
#: brackets (``a - (b - c)``, ``(a + b)*c``, ``(a**b)**c``).
OPERAND_BINDING = {
    "+": (_SUM, _SUM + 1), "-": (_SUM, _SUM + 1),
    "*": (_PRODUCT, _PRODUCT + 1), "/": (_PRODUCT, _PRODUCT + 1),
    "**": (_ATOM, _POWER),
}  # fmt: skip
ATOM, POWER = _ATOM, _POWER


def bracketed(text: str, operand: Value, at_least: int) -> str:
    """``text``, the name of ``operand``, in brackets when it binds less tightly than
    ``at_least`` (its place in a formula needs it): ``(a + b)`` as a factor."""
    return f"({text})" if binding(operand) < at_least else text


def operands(node: Value) -> list[str]:
    """How each operand edge of ``node`` is marked in a picture: "1st", "2nd", ... where
    the order matters (``a - b``, ``a / b``, ``a ** b``, an op of your own with several
    inputs); "" for one operand, or for ``+ * sum mean dot``, where it does not."""
    count = len(node.parents)
    if count < 2 or node.op in _COMMUTATIVE:
        return [""] * count
    return [_ordinal(k) for k in range(1, count + 1)]


_COMMUTATIVE = {"+", "*", "sum", "mean", "dot"}


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


class _TooLong(Exception):
    """A name grew past its length while being written: try a shallower one."""


class _Writer:
    """Writes one name, ``max_chars`` long at most, constants with ``digits`` digits."""

    def __init__(self, max_chars: int, digits: int):
        self.max_chars = max_chars
        self.digits = digits

    def write(self, node: Value, depth: int) -> tuple[str, int]:
        """``(text, how tightly it binds)`` for ``node``, written ``depth`` levels deep."""
        text, binds = self._write(node, depth)
        if len(text) > self.max_chars:
            raise _TooLong
        return text, binds

    def _write(self, node: Value, depth: int) -> tuple[str, int]:
        if node.label:
            return short_label(node), _ATOM
        if not node.parents:
            text = number(node.data, self.digits)
            return text, (_SIGN if text.startswith("-") else _ATOM)
        if depth <= 0:
            return _ELLIPSIS, _ATOM
        parents, label, op = node.parents, node.op_label, node.op
        below = depth - 1

        def part(parent, at_least):
            text, binds = self.write(parent, below)
            return f"({text})" if binds < at_least else text

        if op in _BINARY and len(parents) == 2:
            binds = _BINARY[op]
            sep = f" {op} " if binds == _SUM else op
            # brackets on the right at the same level, as in the graph: a - (b + c)
            return part(parents[0], binds) + sep + part(parents[1], binds + 1), binds
        if op == "neg":
            return "-" + part(parents[0], _POWER), _SIGN
        if op == "**" and len(parents) == 2:
            return part(parents[0], _ATOM) + "**" + part(parents[1], _POWER), _POWER
        if label.startswith("**") and len(parents) == 1:  # x ** 2: the exponent is in the op
            return part(parents[0], _ATOM) + label, _POWER
        if label.endswith("**") and len(parents) == 1:  # 2 ** x, and (-2) ** x
            base = label[:-2]
            base = f"({base})" if base.startswith("-") else base
            return base + "**" + part(parents[0], _POWER), _POWER
        if op == "sum":
            return _terms([part(p, _SUM + 1) for p in _ends(parents)], len(parents)), _SUM
        if op == "dot":
            return _terms(_dot_terms(parents, part), len(parents) // 2), _SUM
        arguments = [self.write(p, below)[0] for p in _ends(parents)]
        if len(parents) > 3:
            arguments[1:-1] = [_ELLIPSIS]
        name, _, setting = label.partition("(")  # leaky_relu(0.2): the slope comes last
        if setting.endswith(")"):
            arguments.append(setting[:-1])
        return f"{name if setting else label}({', '.join(arguments)})", _ATOM


def _ends(parents) -> tuple:
    """All of a short operand list; the first and the last of a long one (the rest become
    "…"): enough to recognise the expression without writing every term."""
    return parents if len(parents) <= 3 else (parents[0], parents[-1])


def _terms(texts: list[str], count: int) -> str:
    if count > 3:
        texts = [texts[0], _ELLIPSIS, texts[-1]]
    return " + ".join(texts)


def _dot_terms(parents, part) -> list[str]:
    """``w.0*x.0``, ``w.1*x.1``, ... of a dot product, each pair side by side; a last pair
    with the constant 1 is written as the other one alone (a neuron's bias)."""
    pairs = dot_pairs(parents)
    ends = pairs if len(pairs) <= 3 else [pairs[0], pairs[-1]]
    terms = []
    for a, b in ends:
        if (a, b) == pairs[-1] and is_bias_pair(a, b):
            terms.append(part(a if is_constant(b) else b, _SUM + 1))
        else:
            terms.append(_text(a, part, _PRODUCT, b) + "*" + _text(b, part, _PRODUCT + 1, a))
    return terms


def dot_pairs(parents) -> list[tuple[Value, Value]]:
    """The ``(x_i, y_i)`` pairs of a ``dot`` node's operands ``(x_1..x_n, y_1..y_n)``."""
    n = len(parents) // 2
    return list(zip(parents[:n], parents[n:]))


def is_bias_pair(a: Value, b: Value) -> bool:
    """True when one of the pair is the constant 1: the term is the other one, a bias."""
    return (is_constant(b) and b.data == 1.0) or (is_constant(a) and a.data == 1.0)


def paired_name(node: Value, partner: Value) -> str | None:
    """The name of a constant input that meets the weight ``w.3`` in a dot product:
    ``x.3``, so that the weights and the inputs they multiply pair up. None otherwise."""
    if not is_constant(node):
        return None
    head, dot, index = short_label(partner).rpartition(".")
    return f"x.{index}" if dot and head == "w" and index.isdigit() else None


def short_label(node: Value) -> str:
    """A label as an expression writes it: a module's dotted parameter name by its last
    part (``layers.0.neurons.3.w.1`` -> ``w.1``, ``layers.0.neurons.3.b`` -> ``b``)."""
    parts = node.label.split(".")
    if len(parts) <= 2:
        return node.label
    keep = 2 if parts[-1].isdigit() else 1
    return ".".join(parts[-keep:])


def _text(node, part, at_least, partner) -> str:
    return paired_name(node, partner) or part(node, at_least)
