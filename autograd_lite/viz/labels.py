r"""The text inside the pictures: one font, made safe for Graphviz, sized by that font.

**One font everywhere.** Every label is set in Courier, a monospaced font: Graphviz (and
``graphviz-pure``, which ships Cousine, Courier's metric twin) measures it exactly, and every
monospaced stand-in a viewer may substitute (Liberation Mono, DejaVu Sans Mono, Cousine)
has the same width per character, 0.6 of the font size. So a label laid out here fits its
box in any renderer: no ``x1*w1= *`` overlaps, no text spilling out of a box.

**Safe text.** Labels are user data. ``visible`` writes control characters, invisible
formatting characters and lone surrogates as the escapes Python would show (``\n``,
``\x1b``, ``\udc80``), so a label can never break the DOT syntax or hide itself; ``escape``
then makes it safe inside Graphviz's HTML-like labels (``<``, ``&``, and the backslash,
which Graphviz would otherwise read as ``\N``, "the node's name").
"""

from __future__ import annotations

import html
import unicodedata

#: The font of every label (see the module docstring); "monospace" is the SVG fallback.
FONT = "Courier"
#: Width of one character of ``FONT``, as a fraction of the font size.
CHAR_WIDTH = 0.6
#: Font sizes in points: a box's text, an edge's label, small notes.
BOX_SIZE, EDGE_SIZE, NOTE_SIZE = 11, 10, 9

_NAMED = {"\n": "n", "\t": "t", "\r": "r", "\x00": "0"}
# Control, format (zero-width, bidi overrides), surrogate, private-use and unassigned.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn"}


def visible(text: str) -> str:
    """``text`` with every character that would be invisible, or would not survive UTF-8,
    written as a visible escape: a newline as the two characters ``\\n``, ESC as ``\\x1b``."""
    out = []
    for ch in text:
        if ch in _NAMED:
            out.append("\\" + _NAMED[ch])
        elif unicodedata.category(ch) in _HIDDEN:
            code = ord(ch)
            out.append("\\" + (f"x{code:02x}" if code < 0x100 else f"u{code:04x}"))
        else:
            out.append(ch)
    return "".join(out)


def escape(text: str) -> str:
    """``text`` for a Graphviz HTML-like label: visible (above), then <, >, & and quotes as
    entities, and each backslash doubled (Graphviz turns ``\\\\`` into one backslash, and
    would read a single one followed by N as the node's name)."""
    return html.escape(visible(text)).replace("\\", "\\\\")


def text_width(text: str, size: float = BOX_SIZE) -> float:
    """The width in points of ``text`` set in ``FONT`` at ``size`` points (each character
    the same width: that is the point of a monospaced font)."""
    return len(visible(text)) * CHAR_WIDTH * size


def clip(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` characters with "…" when longer (a label is data: a
    10,000-character label must not make a 60,000-point box)."""
    return text if len(text) <= max_chars else text[: max_chars - 1] + "\u2026"
