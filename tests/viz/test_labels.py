"""Tests of ``autograd_lite/viz/labels.py``: the text inside the pictures, made visible and
safe for Graphviz, and sized by the one font."""

import pytest

pytest.importorskip("graphviz")  # importing autograd_lite.viz imports graphviz

from autograd_lite.viz import labels


def test_visible_escapes():
    hostile = "a\nb\t\x00\x1b\ud800\u202e\\"
    assert labels.visible(hostile) == "a\\nb\\t\\0\\x1b\\ud800\\u202e\\"  # as Python shows them
    assert labels.escape("\\N<") == "\\\\N&lt;"  # Graphviz reads \\ as one backslash
    assert labels.visible("ｘ·é 😀") == "ｘ·é 😀"  # printable text is left alone
    assert labels.escape('<b>&"') == "&lt;b&gt;&amp;&quot;"
    assert labels.text_width("x*w + b", 10) == 7 * 6.0  # 0.6 of the size per character
    assert labels.text_width("a\nb", 10) == 4 * 6.0  # as drawn: a\nb
    assert labels.clip("abcdef", 4) == "abc…" and labels.clip("abc", 4) == "abc"
