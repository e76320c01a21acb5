"""What every picture shows, whichever module draws it: hostile labels drawn visibly, and
every text fitting its box in any monospaced font."""

import re
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from needs_graphviz import needs_a_program  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.viz import draw_dot, draw_step, labels  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


# --- hostile labels ----------------------------------------------------------------------------
HOSTILE = ["a\nb", "tab\there", "nul\x00", "esc\x1b[31m", "lone\ud800", "zw\u200bj", 'q"<&>\\N']


@needs_a_program
@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_are_drawn_visibly_in_every_picture(label):
    x = Value(1.0, label=label)
    op = ag.define_op("labelled_op", lambda v: v, lambda v, out: (1.0,))  # names are checked
    y = op(x) * 2.0
    y.label = label
    steps = list(backward_steps(y))
    for picture in (draw_dot(y), draw_step(y, steps[1])):
        svg = picture.svg()
        text = "".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))
        assert labels.visible(label) in text
        assert not any(ch in text for ch in "\n\t\x00\x1b\ud800\u200b" if ch in label)


@needs_a_program
def test_every_text_fits_its_box_in_any_monospaced_font():
    """Each box is at least as wide as its longest line set in any monospaced font (0.6 em
    per character, DejaVu Sans Mono 0.602): so no renderer makes text overlap or spill."""
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    x, w = Value(2.0, label="x1"), Value(-3.0, label="w1")
    out = (x * w + c).tanh()
    steps = list(backward_steps(out))
    for picture in (draw_dot(out), draw_step(out, steps[3])):
        root = ET.fromstring(picture.svg())
        for group in root.iter(f"{SVG}g"):
            if group.get("class") != "node":
                continue
            xs = [float(v) for p in group.iter(f"{SVG}polygon")
                  for v in re.findall(r"(-?[\d.]+),", p.get("points", ""))]  # fmt: skip
            if not xs:
                continue  # an op circle: one character
            width = max(xs) - min(xs)
            for t in group.iter(f"{SVG}text"):
                assert "Courier" in t.get("font-family")
                needed = len(t.text) * 0.602 * float(t.get("font-size"))
                assert needed <= width, (t.text, needed, width)


# --- arrows touch their boxes ------------------------------------------------------------------
def numbers(text):
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]


def box_of(group):
    """The bounding box ``(x0, y0, x1, y1)`` of the outline of a node's box in the SVG."""
    points = []
    for shape in (*group.iter(f"{SVG}polygon"), *group.iter(f"{SVG}path")):
        values = numbers(shape.get("points") or shape.get("d"))
        points += list(zip(values[::2], values[1::2]))
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def gap(point, box):
    """How far ``point`` lies outside ``box`` (0 on or inside it)."""
    (x, y), (x0, y0, x1, y1) = point, box
    return max(x0 - x, 0.0, x - x1) + max(y0 - y, 0.0, y - y1)


@needs_a_program
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_every_arrow_starts_at_its_box(rankdir):
    """Before: a small box (the constants 2 and 1 of 2*x + 1) was a node of Graphviz's
    minimum size, 0.75 x 0.5 inch, around a smaller table: its arrows began 15 points away."""
    x = Value(1.5, label="x")
    y = 2 * x + 1
    z = y**2
    z.backward()
    root = ET.fromstring(draw_dot(z, rankdir=rankdir).svg())
    groups = list(root.iter(f"{SVG}g"))
    boxes = {g.findtext(f"{SVG}title"): g for g in groups if g.get("class") == "node"}
    starts = 0
    for g in groups:
        if g.get("class") != "edge":
            continue
        tail = g.findtext(f"{SVG}title").split("->")[0]
        if tail.startswith("v"):
            start = numbers(g.find(f"{SVG}path").get("d"))[:2]
            assert gap(start, box_of(boxes[tail])) < 2.0, (tail, start, box_of(boxes[tail]))
            starts += 1
    assert starts == 5  # from x, 2, 2*x, 1 and y
