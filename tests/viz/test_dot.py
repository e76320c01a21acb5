"""Tests of ``autograd_lite/viz/dot.py``: ``draw_dot`` and ``draw_step``, read back from the
Graphviz description they write (boxes, ops, arrows, names, expanded neurons, reused nodes)."""

import html
import re
import struct
import time
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from graphs import neuron, nn_neuron, reused, rounded  # noqa: E402
from needs_graphviz import needs_a_program  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.viz import draw_dot, draw_step, labels  # noqa: E402
from autograd_lite.viz.colors import HIGHLIGHT  # noqa: E402
from autograd_lite.viz.dot import REPEAT_LIMIT, SUMMARY_NODES  # noqa: E402
from autograd_lite.viz.layout import RECEIVE, RING_GAP  # noqa: E402


# --- reading the DOT source back: the structure tests ----------------------------------
def value_ids(picture):
    return re.findall(r"^\s*(v\d+) \[", picture.source, re.M)


def op_ids(picture):
    return re.findall(r"^\s*(op\d+) \[", picture.source, re.M)


def edges(picture):
    return re.findall(r"^\s*(\w+) -> (\w+)", picture.source, re.M)


def line_of(picture, node_id):
    lines = picture.source.splitlines()
    return next(line for line in lines if line.strip().startswith(f"{node_id} ["))


#: A highlighted box: its table (with its own outline) inside a red ring, the ring's table.
RINGED = re.compile(r"<<TABLE([^>]*)><TR><TD([^>]*)><TABLE([^>]*)>")


def ring_of(line):
    """The attributes of a box's ring, its ring's cell and its own table; None unringed."""
    found = RINGED.search(line)
    return found and HIGHLIGHT in found[1] and found.groups()


def highlighted_ids(picture):
    return [i for i in value_ids(picture) if ring_of(line_of(picture, i))]


def node_lines(picture):
    return {
        m.group(1): line
        for line in picture.source.splitlines()
        if (m := re.match(r"\s*(\w+) \[", line))
    }


def edge_lines(picture):
    return [line for line in picture.source.splitlines() if " -> " in line]


def texts_on_arrows(picture):
    """``(source id, text, target id)`` for each text a step writes on an arrow: a text node
    that exactly one arrow runs into (without a head) and exactly one runs out of."""
    found = []
    for node_id, line in node_lines(picture).items():
        if "shape=plaintext" not in line or not (m := re.search(r"label=<([^<]*)>", line)):
            continue
        into = [e for e in edge_lines(picture) if e.strip().split(" -> ")[1].startswith(node_id)]
        out = [e for e in edges(picture) if e[0] == node_id]
        assert len(into) == 1 and len(out) == 1, (node_id, into, out)
        assert "arrowhead=none" in into[0]
        found.append((into[0].split(" -> ")[0].strip(), m.group(1), out[0][1]))
    return found


# --- draw_dot ----------------------------------------------------------------------------
def test_draw_dot_returns_a_digraph_with_one_edge_per_operand():
    a = Value(3.0, label="a")
    y = a * a
    picture = draw_dot(y)
    assert isinstance(picture, graphviz.Digraph)
    assert len(value_ids(picture)) == 2 and len(op_ids(picture)) == 1
    assert edges(picture).count(("v1", "op0")) == 2  # a * a: two arrows from a
    assert edges(picture).count(("op0", "v0")) == 1
    assert len(edges(picture)) == 3
    # As a notebook's plain-text output: no memory address, so re-running changes nothing.
    assert re.fullmatch(r"<Picture: \d+ lines of Graphviz DOT; .*>", repr(picture))


def test_every_value_and_op_of_a_neuron_is_drawn_with_its_numbers():
    o = neuron()
    o.backward()
    picture = draw_dot(o)
    nodes = ag.topological_order(o)
    assert len(value_ids(picture)) == len(nodes)
    assert len(op_ids(picture)) == sum(1 for n in nodes if n.parents)
    assert len(edges(picture)) == sum(len(n.parents) + 1 for n in nodes if n.parents)
    for label in ("x1", "w1", "x2", "w2", "b", "n", "o"):
        assert f"<B>{label}</B>" in picture.source
    assert "data 0.7071" in picture.source and "grad -1.5" in picture.source
    assert "tanh" in picture.source and "legend" in picture.source


def test_numbers_at_the_extremes_are_readable():
    tiny, huge, negzero = Value(1e-12, label="t"), Value(1e9, label="h"), Value(-0.0, label="z")
    source = draw_dot(tiny + huge + negzero).source
    assert "data 1e-12" in source and "data 1e+9" in source and "data -0.0" in source


def test_op_labels_come_from_the_rule_table():
    x = Value(1.5, label="x")
    mine = ag.define_op("cube_viz", lambda v: v**3, lambda v, out: (3 * v * v,))
    source = draw_dot(mine(x**2)).source
    assert "label=<cube_viz>" in source and "label=<**2>" in source


def test_a_long_op_name_is_an_oval_cut_short_and_a_short_one_a_circle():
    # "leaky_relu(0.123457)", or a user op's long name, was a circle as wide as its text:
    # as tall as wide, it pushed every box apart; a 1000-character name, 6000 points
    x = Value(1.5, label="x")
    long = ag.define_op("o" * 1000, lambda v: v, lambda v, out: (1.0,))
    source = draw_dot(long(x.leaky_relu(0.123456789)).exp() + x).source
    ops = dict(re.findall(r"\top\d+ \[label=<([^>]*)> (.*)\]", source))
    assert set(ops) == {"o" * 23 + "\u2026", "leaky_relu(0.123457)", "exp", "+"}
    for label, attributes in ops.items():
        assert ("shape=circle" in attributes) == (len(label) <= 4), label
        assert ("shape=ellipse" in attributes) == (len(label) > 4), label


@needs_a_program
def test_op_names_that_mean_something_to_graphviz_are_drawn_as_written():
    for name in ("bs\\", "<relu>", "a&b", "\\N"):
        op = ag.define_op(name, lambda v: v, lambda v, out: (1.0,))
        svg = draw_dot(op(Value(1.0))).svg()
        ET.fromstring(svg)
        text = "".join(ET.fromstring(svg).itertext())
        assert name in text


def test_colour_can_be_turned_off():
    x = Value(1.0, label="x")
    y = x * 1e-9 + x * 1e9
    y.backward()
    assert "legend" in draw_dot(y).source
    for plain in (None, "none"):
        source = draw_dot(y, color_by=plain).source
        assert "legend" not in source and set(re.findall(r'BGCOLOR="(#\w+)"', source)) == {
            "#ffffff"
        }
    assert not re.search(r">grad [-\d]", draw_dot(y, show_grad=False, color_by=None).source)
    a = Value(3.0, label="a")  # used twice: without gradients the box says only that
    source = draw_dot(a * a, show_grad=False).source
    assert "used 2 times" in source and "sum of" not in source
    assert "sum of 2 uses" in draw_dot(a * a).source
    assert re.search(r">grad [-\d]", draw_dot(y, color_by=None).source)
    with pytest.raises(ValueError, match="color_by"):
        draw_dot(y, color_by="data")


def test_direction_is_a_choice():
    y = Value(1.0, label="x") * 2.0
    assert "rankdir=TB" in draw_dot(y, rankdir="TB").source
    assert "rankdir=LR" in draw_dot(y).source
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(y, rankdir="up")


def test_highlight_outlines_the_chosen_node():
    a = Value(3.0, label="a")
    y = a * 2.0
    assert highlighted_ids(draw_dot(y, highlight=a)) == ["v1"]
    assert highlighted_ids(draw_dot(y)) == []


def test_a_highlighted_box_is_ringed_a_gap_outside_its_own_outline():
    """Before: its own outline was drawn 3pt red straight on its fill, where in grey or for
    a red-blind reader it merged with a fill as light as red (an orange one). Now it keeps
    its own outline and a red ring stands a gap of page outside it, as in the animation."""
    a, b = Value(3.0, label="a"), Value(-1.0, label="b")
    y = a * b * 2.0
    y.backward()
    steps = list(backward_steps(y))
    constant = y.parents[1]
    pictures = [draw_dot(y, highlight=[a, constant]), draw_step(y, steps[0]),
                draw_step(y, steps[-1]), draw_dot(y, highlight=b, color_by=None)]  # fmt: skip
    for picture in pictures:
        ringed = highlighted_ids(picture)
        assert ringed, picture.source
        for node_id in ringed:
            ring, cell, box = ring_of(line_of(picture, node_id))
            assert 'BORDER="3"' in ring and "BGCOLOR" not in ring  # the page shows through
            assert 'CELLPADDING="0"' in ring and 'BORDER="0"' in cell
            assert int(re.search(r'CELLSPACING="(\d+)"', ring)[1]) >= 2  # the gap
            assert HIGHLIGHT not in box and 'BORDER="1"' in box  # its own outline, as others
    assert len(highlighted_ids(pictures[0])) == 2  # the constant too
    for node_id in set(value_ids(pictures[0])) - set(highlighted_ids(pictures[0])):
        assert HIGHLIGHT not in line_of(pictures[0], node_id)


def ring_colours(picture) -> dict:
    """Each drawn box's first line (its name or number) -> the colour of its ring, or None;
    a box drawn once per use appears once per copy, as ``name#k``."""
    found, seen = {}, {}
    for node_id in value_ids(picture) + re.findall(r"^\s*(v\d+r\d+) \[", picture.source, re.M):
        line = line_of(picture, node_id)
        name = re.search(r"<([BI])>(.*?)</\1>|>([-\d.]+)</FONT>", line)  # a name, or a number
        name = name[2] or name[3]
        seen[name] = seen.get(name, -1) + 1
        ring = RINGED.search(line)
        colour = ring and re.search(r'COLOR="(#\w+)"', ring[1])
        found[f"{name}#{seen[name]}" if seen[name] else name] = colour and colour[1]
    return found


def test_draw_step_rings_the_boxes_the_step_sends_to_as_the_animation_does():
    """Before: draw_step rang only the visited box (red), while the animation and the
    stepper, showing the same step in notebook 01, also ring each box it sends to in thin
    orange a gap outside: one step drawn two ways. draw_step now rings them too, and only
    them: not a box that receives nothing at this step, nor the copies of a box drawn once
    per use whose arrow is not the step's."""
    c = reused()  # c = b * b, b = a + a
    steps = list(backward_steps(c))
    assert ring_colours(draw_step(c, steps[0])) == {"a": None, "b": RECEIVE, "c": HIGHLIGHT}
    assert ring_colours(draw_step(c, steps[1])) == {"a": RECEIVE, "b": HIGHLIGHT, "c": None}
    assert ring_colours(draw_step(c, steps[2])) == {"a": HIGHLIGHT, "b": None, "c": None}
    a, b = Value(3.0, label="a"), Value(-1.0, label="b")
    y = a * b * 2.0
    y.label = "y"
    ab = y.parents[0]
    ab.label = "ab"
    rings = ring_colours(draw_step(y, next(backward_steps(y))))
    assert rings == {"a": None, "b": None, "ab": RECEIVE, "2.0": RECEIVE, "y": HIGHLIGHT}
    assert set(ring_colours(draw_dot(y, highlight=a)).values()) == {None, HIGHLIGHT}
    x = Value(1.5, label="x")
    z = x * x * x * x * x  # x used 5 times: drawn beside each use
    z.label = "z"
    rings = ring_colours(draw_step(z, next(backward_steps(z))))  # z sends to x once
    x_rings = [ring for name, ring in rings.items() if name.split("#")[0] == "x"]
    assert len(x_rings) == 5 and x_rings.count(RECEIVE) == 1 and x_rings.count(None) == 4
    for line in (line_of(draw_step(c, steps[0]), i) for i in ("v0", "v1", "v2")):
        ring = RINGED.search(line)
        if ring and RECEIVE in ring[1]:  # a thinner ring, the same gap as the red one
            assert 'BORDER="2"' in ring[1] and "BGCOLOR" not in ring[1]
            assert f'CELLSPACING="{RING_GAP:.0f}"' in ring[1]


def test_a_box_drawn_once_per_use_keeps_its_red_ring_on_every_copy():
    """Of a box drawn beside each use, only the copy whose arrow the step sends along gets
    the orange ring; the red one, the visited box or one given to ``highlight``, stayed on
    no copy at all (their arrows are not the step's), where before every copy had it."""
    x = Value(0.5, label="x")
    h = x.tanh()
    h.label = "h"
    y = ag.sum([h * Value(float(i)) for i in range(REPEAT_LIMIT + 2)])  # h drawn per use
    y.label = "y"
    step = next(s for s in backward_steps(y) if s.node is h)

    def h_rings(picture):
        return [ring for name, ring in ring_colours(picture).items() if name.split("#")[0] == "h"]

    assert h_rings(draw_step(y, step)) == [HIGHLIGHT] * (REPEAT_LIMIT + 2)
    y.backward()
    assert h_rings(draw_dot(y, highlight=h)) == [HIGHLIGHT] * (REPEAT_LIMIT + 2)


def test_a_step_picture_says_what_its_rings_mean_beside_its_colour_scale():
    """Before: only notebook prose said what the red and orange rings mean, and an orange
    ring could be read as a positive gradient. A step picture now has a key under its
    legend: a small box ringed each way, and its words. Not in a plain draw_dot, whose
    highlight is whatever you asked for."""
    from autograd_lite.viz.layout import RING_WORDS

    c = reused()
    source = draw_step(c, next(backward_steps(c))).source
    key = source[source.index('<TABLE ID="rings"') :]
    for words, colour in zip(RING_WORDS.values(), (HIGHLIGHT, RECEIVE)):
        ringed = key.index(f'COLOR="{colour}"')
        assert ringed < key.index(words)
    assert not any('ID="rings"' in draw_dot(c, **kw).source for kw in ({}, {"highlight": c}))


@needs_a_program
def test_the_ring_is_drawn_outside_the_box_with_page_between():
    """The SVG a Graphviz program draws: the red ring's inner edge is at least 1.5pt
    outside the box's fill on every side (before: its 3pt border lay on the fill); so is
    the orange one of a box the step sends to."""
    a = Value(3.0, label="a")
    y = a * -2.0
    y.label = "y"
    y.backward()
    step = next(iter(backward_steps(y)))
    for name, picture, colour in (("a", draw_dot(y, highlight=a), HIGHLIGHT),
                                  ("y", draw_step(y, step), HIGHLIGHT),
                                  ("a", draw_step(y, step), RECEIVE)):  # fmt: skip
        (node_id,) = [i for i in value_ids(picture) if f"<B>{name}</B>" in line_of(picture, i)]
        svg = ET.fromstring(picture.svg())
        ns = {"s": "http://www.w3.org/2000/svg"}
        nodes = [g for g in svg.iterfind(".//s:g", ns) if g.get("class") == "node"]
        (group,) = [g for g in nodes if g.findtext("s:title", "", ns) == node_id]
        polygons = group.findall("s:polygon", ns)
        fills = [p for p in polygons if p.get("fill") not in ("none", "white", "#ffffff", None)]
        rings = [p for p in polygons if p.get("stroke") == colour]
        assert len(fills) == 1 and len(rings) == 1, ET.tostring(group, encoding="unicode")
        box, ring = corners(fills[0]), corners(rings[0])
        inner = float(rings[0].get("stroke-width", "1")) / 2
        gaps = (box[0] - ring[0] - inner, box[1] - ring[1] - inner,
                ring[2] - inner - box[2], ring[3] - inner - box[3])  # fmt: skip
        assert min(gaps) >= 1.5, gaps


def corners(polygon):
    """The smallest and largest x and y of an SVG polygon's points."""
    points = [tuple(map(float, p.split(","))) for p in polygon.get("points").split()]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def test_a_100000_node_graph_is_summarised_quickly():
    xs = [Value(i * 1e-3) for i in range(50_000)]
    loss = ag.sum([x * x for x in xs])  # 50,000 leaves + 50,000 products + 1
    start = time.perf_counter()
    picture = draw_dot(loss, max_nodes=300, summary_nodes=200)
    seconds = time.perf_counter() - start
    assert seconds < 1.0, f"draw_dot took {seconds:.2f} s"
    assert len(value_ids(picture)) == 200
    said = "200 of 100,001 nodes, those nearest the output: 99,801 left out (raise summary_nodes"
    assert said in text_of(picture)
    assert "49,801 operands not shown" in picture.source


def test_a_deep_chain_is_summarised_without_recursion():
    y = Value(1.0)
    for _ in range(200_000):
        y = y.tanh()
    picture = draw_dot(y, max_nodes=50, summary_nodes=60)
    assert len(value_ids(picture)) == 50 and "1 operand not shown" in picture.source
    assert "(raise max_nodes to see more" in text_of(picture)
    # max_nodes is what cut here (summary_nodes=200 would show no more): it is the one named
    assert "(raise max_nodes to see more" in text_of(draw_dot(y, max_nodes=40))
    # a caller with other means (the command line) gives its own advice, checked as text
    told = text_of(draw_dot(y, max_nodes=40, to_see_more="ask for more"))
    assert "left out (ask for more)." in told and "raise" not in told
    empty = text_of(draw_dot(y, max_nodes=40, to_see_more=""))
    assert "left out (raise max_nodes to see more" in empty  # "": the default advice
    with pytest.raises(TypeError, match=r"draw_dot: to_see_more must be a str or None"):
        draw_dot(y, max_nodes=40, to_see_more=5)


def huge_chain(n=100_000):
    """The audit's 10^5-node chain: ``+ 0.001`` and ``tanh(y * 1.0001)`` in turn."""
    y = Value(0.5, label="x")
    for i in range(n - 1):
        y = (y * 1.0001).tanh() if i % 2 else y + 0.001
    y.label = "out"
    return y


def text_of(picture) -> str:
    """The picture's source with its notes' line breaks made spaces again."""
    return picture.source.replace('<BR ALIGN="LEFT"/>', " ")


def test_a_note_above_the_picture_is_in_lines_no_wider_than_the_title():
    y = huge_chain(1_000)
    source = draw_dot(y, max_nodes=40).source
    note = re.search(r'<TABLE ID="summary"[^>]*><TR><TD>(.*?)</TD>', source).group(1)
    lines = [html.unescape(line) for line in note.split('<BR ALIGN="LEFT"/>') if line]
    assert len(lines) >= 2 and all(len(line) <= 90 for line in lines), lines


def test_gradients_left_from_another_backward_are_said_to_be_so():
    """The output's grad is 0 but its inputs' are not: they come from an earlier backward
    (here of x * y). The boxes show .grad as it is, and a note says whose it is."""
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    assert 'ID="stale"' not in draw_dot(x + y).source  # no backward yet: all "not reached"
    (x * y).backward()
    z = x + y
    assert 'ID="stale"' in draw_dot(z).source
    assert "left from an earlier backward" in text_of(draw_dot(z))
    assert 'ID="stale"' not in draw_dot(z, show_grad=False).source  # no grads shown
    z.backward()
    assert 'ID="stale"' not in draw_dot(z).source  # its own pass now
    # a step shows its own pass from zero, whatever .grad holds: never a stale one
    steps = list(backward_steps(z))
    ag.zero_grad([x, y, z])
    assert not any('ID="stale"' in draw_step(z, step).source for step in steps)


def test_a_graph_bigger_than_max_nodes_is_summarised_by_the_few_nearest_the_output():
    y = huge_chain(3_000)
    assert len(value_ids(draw_dot(y))) == SUMMARY_NODES == 40
    assert len(value_ids(draw_dot(y, summary_nodes=100))) == 100
    assert len(value_ids(draw_dot(y, max_nodes=10))) == 10  # never more than max_nodes
    small = huge_chain(100)  # 250 Values: drawn whole
    assert len(value_ids(draw_dot(small))) == len(ag.topological_order(small))


@needs_a_program
@pytest.mark.parametrize("shape", ["chain", "wide"])
def test_the_default_summary_of_a_huge_graph_is_a_png_of_sensible_size_in_seconds(shape, tmp_path):
    """Before: a 500-Value summary, 85,844 points wide (a chain: the PNG timed out after
    30 s) or 78,129 pixels tall (a 500-leaf sum)."""
    if shape == "chain":
        root = huge_chain()
    else:
        root = ag.sum([Value(float(i % 7) - 3, label=f"v{i}") for i in range(100_000)])
    root.backward()
    start = time.perf_counter()
    draw_dot(root).write(tmp_path / "summary.png", timeout=15)
    seconds = time.perf_counter() - start
    width, height = struct.unpack(">II", (tmp_path / "summary.png").read_bytes()[16:24])
    assert seconds < 8.0, f"{seconds:.1f} s to draw"
    assert max(width, height) <= 16_000 and width * height <= 25e6, (width, height)


def test_summary_nodes_is_a_positive_int():
    y = huge_chain(1_000)
    with pytest.raises(TypeError, match="summary_nodes must be an int, got float"):
        draw_dot(y, summary_nodes=2.5)
    with pytest.raises(ValueError, match="summary_nodes must be at least 1, got 0"):
        draw_step(y, next(iter(backward_steps(y))), summary_nodes=0)


# --- draw_step -----------------------------------------------------------------------------
def test_each_step_highlights_its_node_and_writes_the_arithmetic():
    c = reused()
    order = ag.topological_order(c)
    for step in backward_steps(c):
        picture = draw_step(c, step)
        (node_id,) = highlighted_ids(picture)
        assert f"<B>{step.node.label}</B>" in line_of(picture, node_id)
        arithmetic = texts_on_arrows(picture)
        assert len(arithmetic) == len(step.contributions)
        for (parent, local, product), (source, text, target) in zip(step.contributions, arithmetic):
            assert text == f"{ag.steps.short(step.upstream)} × {ag.steps.short(local)} = " + (
                ag.steps.short(product)
            )
            assert f"<B>{parent.label}</B>" in line_of(picture, source)
            assert edges(picture).count((target, node_id)) == 1  # into the visited node's op
    assert len(order) == 3


def test_a_step_far_from_the_output_of_a_summarised_graph_is_drawn_around_its_node():
    """Before: the summary kept the 40 boxes nearest the output whatever the step, so a
    step at the input of a long chain drew nothing red and no arithmetic at all."""
    y = huge_chain(1_000)
    steps = list(backward_steps(y))
    far = steps[-1]  # the input x, 999 nodes from the output
    picture = draw_step(y, far)
    (node_id,) = highlighted_ids(picture)
    assert "<B>x</B>" in line_of(picture, node_id)
    total = len(ag.topological_order(y))
    assert f"of {total:,} nodes, those nearest the node this step visits:" in text_of(picture)
    middle = steps[500]
    picture = draw_step(y, middle)
    assert len(highlighted_ids(picture)) == 1
    assert len(texts_on_arrows(picture)) == len(middle.contributions)
    assert len(value_ids(picture)) == SUMMARY_NODES
    near = draw_step(y, steps[0])  # at the output: the same picture as before
    assert f"of {total:,} nodes, those nearest the output:" in text_of(near)
    inside = draw_step(y, steps[20])  # among the 40 nearest the output: as draw_dot has it
    assert f"of {total:,} nodes, those nearest the output:" in text_of(inside)
    # a box whose users were left out says so, not to be taken for the output: in the
    # middle of the chain, the one at the output's end of the 40 kept
    assert text_of(picture).count("used by nodes not shown") == 1
    assert "used by nodes not shown" not in text_of(near) + text_of(draw_dot(y))


def test_each_arithmetic_is_written_on_its_own_arrow():
    """Before, edge labels: graphviz-pure put the labels of the three arrows into a
    ``mean`` beside the middle arrow, two stacked on it and none on the others."""
    x0 = Value(0.5, label="x0")
    m = ag.mean([x0 * 2, x0 * x0, Value(3.0, label="c")])
    step = next(backward_steps(m))
    picture = draw_step(m, step)
    assert "×" not in "".join(edge_lines(picture))  # no arithmetic left as an edge label
    arithmetic = texts_on_arrows(picture)
    assert [text for _, text, _ in arithmetic] == ["1.0 × 0.3333 = 0.3333"] * 3
    names = ["x0*2", "x0*x0", "<B>c</B>"]
    for name, (source, _, target) in zip(names, arithmetic):
        assert name in line_of(picture, source) and target == "op0"


def test_the_arithmetic_on_an_arrow_says_where_its_numbers_are_rounded():
    out = rounded()
    at_t = next(s for s in backward_steps(out) if s.node.label == "t")
    texts = [text for _, text, _ in texts_on_arrows(draw_step(out, at_t))]
    assert "0.42 × 2.0 ≈ 0.8399" in texts  # 0.41997 × 2.0: "= 0.8399" would look like a slip


def test_the_order_of_operands_is_written_with_their_arithmetic():
    e, k = Value(9.0, label="e"), Value(4.0, label="k")
    ratio = e / k
    picture = draw_step(ratio, next(backward_steps(ratio)))
    texts = [text for _, text, _ in texts_on_arrows(picture)]
    assert texts == ["1st: 1.0 × 0.25 = 0.25", "2nd: 1.0 × -0.5625 = -0.5625"]
    assert "headlabel" not in picture.source


def test_draw_dot_names_a_reused_nodes_sum_in_the_words_of_the_steps():
    """Before: after backward, draw_dot wrote "grad sums 2 uses" under a node used twice,
    where draw_step, the animation and the stepper write "sum so far: 2 of 2 uses" for the
    same finished sum: two phrasings of one thing. draw_dot now writes "sum of 2 uses"."""
    c = reused()
    last = draw_step(c, list(backward_steps(c))[-1]).source
    c.backward()
    plain = draw_dot(c).source
    assert "sum so far: 2 of 2 uses" in last
    assert plain.count("sum of 2 uses") == 2 and "grad sums" not in plain  # a and b


def test_draw_step_shows_the_running_sum_at_reused_nodes():
    c = reused()
    steps = list(backward_steps(c))
    first = draw_step(c, steps[0]).source  # c = b * b: b has received both of its uses
    assert "sum so far: 2 of 2 uses" in first and "grad 12.0" in first
    assert "sum so far: 0 of 2 uses" in first  # a: not reached yet
    second = draw_step(c, steps[1]).source
    assert "grad 24.0" in second and "12.0 × 1.0 = 12.0" in second


def test_draw_step_checks_its_arguments():
    c = reused()
    step = next(backward_steps(c))
    with pytest.raises(ValueError, match="another root"):
        draw_step(c * 2.0, step)
    with pytest.raises(TypeError, match="Step"):
        draw_step(c, "step")
    with pytest.raises(TypeError, match=r"^draw_step needs a Value, got str"):
        draw_step("c", step)  # (it said "draw_dot needs a Value")


@pytest.mark.parametrize("bad", [0, [], backward_steps(reused())], ids=["index", "list", "gen"])
def test_draw_step_given_an_index_or_all_the_steps_says_to_pick_one(bad):
    # A learner passes the step's number, or the whole list or generator of steps.
    with pytest.raises(TypeError, match=r"one Step .* such as steps\[0\] of .*got "):
        draw_step(reused(), bad)


@pytest.mark.parametrize(
    "bad, error, said",
    [
        ({"show_grad": None}, TypeError, "show_grad must be True or False, got None"),
        ({"show_grad": "no"}, TypeError, "show_grad must be True or False, got 'no'"),
        ({"rankdir": 1}, TypeError, "rankdir must be a str, .* got int 1"),
        ({"rankdir": "lr"}, ValueError, "rankdir must be .*, got 'lr'"),
        ({"color_by": 1}, TypeError, "color_by must be .*, got int 1"),
        ({"color_by": ["grad"]}, TypeError, "color_by must be .*, got list"),
        ({"color_by": "GRAD"}, ValueError, "color_by must be .*, got 'GRAD'"),
    ],
)
def test_a_wrong_type_is_a_type_error_and_a_wrong_value_a_value_error(bad, error, said):
    """Before: show_grad=None silently hid the grads, rankdir=1 and color_by=1 were
    ValueErrors."""
    with pytest.raises(error, match=f"^draw_dot: {said}"):
        draw_dot(reused(), **bad)


# --- names and constants ---------------------------------------------------------------------
def test_an_unlabelled_node_is_named_by_its_expression():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    y = (x * w + b).tanh()
    source = draw_dot(y).source
    for name in ("x*w", "x*w + b", "tanh(x*w + b)"):
        assert f"<I>{name}</I>" in source
    assert "(+ …)" not in source and "(* …)" not in source


def test_a_constant_is_drawn_as_its_number_without_a_gradient():
    x = Value(3.0, label="x")
    y = 2 * x
    y.backward()
    (constant,) = [line for line in node_lines(draw_dot(y)).values() if ">2.0<" in line]
    assert "grad" not in constant and "leaf" not in constant and "BGCOLOR" not in constant
    assert "leaf" not in draw_dot(y).source


def test_the_operands_of_minus_divide_and_power_are_marked_first_and_second():
    x, y = Value(3.0, label="x"), Value(2.0, label="y")
    for node in (x - y, x / y, x**y, y - x):
        lines = node_lines(draw_dot(node))
        ids = {
            name: key for key, line in lines.items() for name in "xy" if f"<B>{name}</B>" in line
        }
        edges = edge_lines(draw_dot(node))
        first, second = node.parents[0].label, node.parents[1].label
        assert any(
            e.strip().startswith(f"{ids[first]} ->") and re.search(r'headlabel="?1st', e)
            for e in edges
        )
        assert any(
            e.strip().startswith(f"{ids[second]} ->") and re.search(r'headlabel="?2nd', e)
            for e in edges
        )
    assert "headlabel" not in draw_dot(x * y + x**2).source


# --- a neuron, expanded ----------------------------------------------------------------------
def test_a_neuron_is_drawn_as_its_products_and_its_bias():
    unit, out = nn_neuron()
    out.backward()
    picture = draw_dot(out)
    source = picture.source
    for k in range(3):
        assert f"<I>w.{k}*x.{k}</I>" in source  # each weight paired with its input
        assert f"x.{k} = " in source
    bias = [e for e in edge_lines(picture) if "label=bias" in e]
    assert len(bias) == 1
    b_id = next(k for k, line in node_lines(picture).items() if "<B>b</B>" in line)
    assert bias[0].strip().startswith(f"{b_id} ->")
    assert ">1.0<" not in source  # the constant 1 the bias is multiplied by is not drawn
    assert "used by nodes not shown" not in source  # (each product box is used, and shown)
    products = re.findall(
        r"<I>w\.\d\*x\.\d</I></FONT></TD></TR><TR><TD><FONT[^>]*>data ([-\d.e+]+)", source
    )
    assert products == [ag.steps.short(w.data * x) for w, x in zip(unit.w, [1.0, -2.0, 0.5])]
    plain = draw_dot(out, expand_dots=False).source
    assert "label=<dot>" in plain and "w.0*x.0</I>" not in plain and "bias" not in plain


def test_a_product_of_an_expanded_dot_brackets_a_factor_that_is_a_sum():
    a, b, c, w, v = (Value(float(i), label=name) for i, name in enumerate("abcwv", 1))
    out = ag.dot([a + b, c], [w, v - a])
    out.backward()
    titles = re.findall(r"<I>([^<]*)</I>", draw_dot(out).source)
    assert "(a + b)*w" in titles and "c*(v - a)" in titles  # never "a + b*w"


@needs_a_program
def test_a_partners_label_on_an_arrow_into_a_dot_is_escaped_as_a_boxs_is(tmp_path):
    # a backslash at the end, a lone surrogate, an escape character: the "×partner" on the
    # arrow failed to draw (a Graphviz syntax error, a UnicodeEncodeError) or kept ESC raw
    for label in ("x\\", "x\udc80", "x\x1b[31m", "<x&y>"):
        w, x = Value(2.0, label="w"), Value(3.0, label=label)
        picture = draw_dot(ag.dot([w], [x]), expand_dots=False)
        svg = picture.pipe(format="svg").decode("utf-8")
        assert "\x1b" not in svg and "×" in svg


def test_a_dot_node_kept_whole_in_a_small_picture_says_which_operands_pair_up():
    # (its six arrows came unlabelled, in the order w.0, w.1, b, x1, x2, 1.0: notebook 2's
    # "the edges pair up as weight times input" could not be seen)
    from nn import Neuron

    unit = Neuron(2, activation="tanh", seed=0)
    for name, p in unit.named_parameters():
        p.label = name
    out = unit([Value(2.0, label="x1"), Value(0.0, label="x2")])
    picture = draw_dot(out, expand_dots=False)
    boxes = {name: k for k, line in node_lines(picture).items()
             for name in ("w.0", "w.1", "b", "x1", "x2") if f"<B>{name}</B>" in line}  # fmt: skip
    boxes["1.0"] = next(k for k, line in node_lines(picture).items() if ">1.0<" in line)
    dot_id = next(k for k, line in node_lines(picture).items() if "label=<dot>" in line)
    marks = {}
    for line in edge_lines(picture):
        source, target = line.strip().split(" [")[0].split(" -> ")
        if target == dot_id:
            marks[source] = re.search(r"label=<([^>]*)>", line).group(1)
    pairs = {"w.0": "x1", "w.1": "x2", "b": "1.0", "x1": "w.0", "x2": "w.1", "1.0": "b"}
    assert marks == {boxes[name]: f"×{partner}" for name, partner in pairs.items()}
    # a step writes its arithmetic instead, and a big picture keeps its arrows plain
    at_dot = next(s for s in backward_steps(out) if s.node.op == "dot")
    assert "×x1" not in draw_step(out, at_dot, expand_dots=False).source
    from nn import MLP

    big = MLP(2, [8, 8, 1], seed=0)([1.0, 2.0])
    assert "label=<×" not in draw_dot(big).source  # (it looked for '"×', never written)


def test_a_step_at_the_neuron_writes_the_arithmetic_of_every_product():
    _, out = nn_neuron()
    steps = list(backward_steps(out))
    at_dot = next(s for s in steps if s.node.op == "dot")
    source = draw_step(out, at_dot).source
    for _, local, product in at_dot.contributions[:-1]:  # not to the constant 1 (not drawn)
        assert ag.names.product_text(at_dot.upstream, local, product) in source
    assert "bias: " in source
    on_arrows = texts_on_arrows(draw_step(out, at_dot))
    # 3 weights and 3 inputs into their products, 3 products and the bias into the sum
    assert len(on_arrows) == 3 + 3 + 3 + 1


def test_big_pictures_keep_the_dot_nodes_whole_unless_asked():
    from nn import MLP

    out = MLP(2, [8, 8, 1], seed=0)([1.0, 2.0])
    assert "w.0*x.0</I>" not in draw_dot(out).source  # 100+ values: one node per neuron
    expanded = draw_dot(out, expand_dots=True).source
    assert "<I>w.0*x.0</I>" in expanded  # a product names its factors short: w.0, not layers...
    assert "<B>layers.0.neurons.0.w.0</B>" in expanded and "neurons.0.w.0*" not in expanded
    with pytest.raises(TypeError, match="expand_dots"):
        draw_dot(out, expand_dots="yes")


# --- reused nodes ----------------------------------------------------------------------------
def test_a_node_used_many_times_is_drawn_beside_each_use():
    x = Value(1.0001, label="x")
    y = x
    for _ in range(59):
        y = y * x  # x*x*...*x: 60 uses of x
    picture = draw_dot(y)
    x_boxes = [k for k, line in node_lines(picture).items() if "<B>x</B>" in line]
    assert len(x_boxes) == 60
    starts = [e.split("->")[0].strip() for e in edge_lines(picture)]
    assert all(starts.count(box) == 1 for box in x_boxes)  # no box with 60 long arrows
    assert "sum of 60 uses" in picture.source
    a = Value(2.0, label="a")
    few = a * a * a
    assert REPEAT_LIMIT >= 3
    a_boxes = [k for k, line in node_lines(draw_dot(few)).items() if "<B>a</B>" in line]
    assert len(a_boxes) == 1  # a few uses: one box, one arrow per use


# --- one font ------------------------------------------------------------------------------------
def test_every_label_is_set_in_the_pinned_font():
    _, out = nn_neuron()
    source = draw_dot(out).source
    assert source.splitlines()[1].strip().startswith(f"fontname={labels.FONT} ")  # the graph's
    for what in ("node", "edge"):
        assert re.search(rf"^\s*{what} \[[^\]]*fontname={labels.FONT}", source, re.M)
    assert "Helvetica" not in source and "FACE=" not in source


@pytest.mark.parametrize(
    "highlight, said",
    [("z", "not its label"), (5, "got int 5"), ([Value(1.0), "z"], "got list")],
)
def test_highlight_that_is_not_values_is_a_type_error(highlight, said):
    z = Value(2.0, label="z")
    with pytest.raises(TypeError, match=rf"highlight needs a Value or a list of Values.*{said}"):
        draw_dot(z * z, highlight=highlight)


def test_a_cut_down_picture_says_how_many_uses_a_grad_sums():
    """Before: ``c`` used 10 times, in a picture of the 4 Values nearest the output, said
    "grad sums 3 uses" (the uses drawn), beside the grad that sums all 10 (that row now reads
    "sum of ... uses", as the steps' "sum so far: 2 of 2 uses" does)."""
    c = Value(2.0, label="c")
    y = c
    for _ in range(9):
        y = y * c
    y.backward()
    assert "sum of 10 uses, 3 shown" in draw_dot(y, max_nodes=4).source
    assert "sum of 10 uses<" in draw_dot(y).source  # all drawn (beside each use)
    assert draw_dot(y, max_nodes=4).source.count(" uses") == 1  # only c is used twice


def test_a_title_stands_above_the_picture_in_lines_escaped():
    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    source = draw_dot(y, title="x <squared> & " + "more words " * 12).source
    assert "<B>x &lt;squared&gt; &amp; more words" in source
    assert source.count('<BR ALIGN="LEFT"/>') == 2  # two lines of at most 90 characters
    assert "<B>x &lt;" not in draw_dot(y).source
    with pytest.raises(TypeError, match="draw_dot: title must be a str or None, got int"):
        draw_dot(y, title=3)


def test_a_long_label_is_clipped_in_its_box():
    x = Value(1.0, label="a" * 100)
    source = draw_dot(x).source
    assert "a" * 39 + "\u2026" in source and "a" * 40 not in source


def test_a_graph_of_exactly_max_nodes_is_drawn_whole():
    y = Value(0.5, label="x")
    for _ in range(49):  # a chain of 50 Values
        y = y.tanh()
    assert "Showing " not in draw_dot(y, max_nodes=50).source
    assert "Showing 40 of 50 nodes, those nearest the output" in draw_dot(y, max_nodes=49).source


def test_pictures_of_up_to_60_values_expand_their_dot_nodes():
    def weighted_sum(pairs, extra):  # 2 * pairs + 1 Values, and ``extra`` more after it
        ws = [Value(1.0, label=f"w{k}") for k in range(pairs)]
        xs = [Value(2.0, label=f"x{k}") for k in range(pairs)]
        y = ag.dot(ws, xs)
        for _ in range(extra):
            y = y.tanh()
        return y

    assert "<I>w0*x0</I>" in draw_dot(weighted_sum(29, 1)).source  # 60 Values
    assert "<I>w0*x0</I>" not in draw_dot(weighted_sum(29, 2)).source  # 61
    # kept whole, a dot node marks its pairs on its arrows in pictures of the same size
    assert "label=<×x0>" in draw_dot(weighted_sum(29, 1), expand_dots=False).source
    assert "label=<×" not in draw_dot(weighted_sum(29, 2), expand_dots=False).source


def test_a_zero_gradient_after_backward_is_zero_not_unreached():
    x = Value(-1.0, label="x")
    y = x.relu()
    y.label = "y"
    y.backward()  # x.grad is 0: it arrived, and it is 0
    source = draw_dot(y).source
    assert "grad: not reached" not in source and re.search(r">grad -?0(\.0)?<", source)


def test_without_grads_shown_the_boxes_are_plain_and_there_is_no_legend():
    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    source = draw_dot(y, show_grad=False).source  # color_by="grad", but no grad to colour by
    assert "legend" not in source
    assert set(re.findall(r'BGCOLOR="(#\w+)"', source)) == {"#ffffff"}
