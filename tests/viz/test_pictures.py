"""What the pictures say and how they are drawn: names, constants, operand order, expanded
neurons, reused nodes, hostile labels, one font, PNG resolution, formats and time bounds."""

import re
import struct
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.viz import draw_dot, draw_step, labels, programs  # noqa: E402
from autograd_lite.viz.dot import REPEAT_LIMIT  # noqa: E402

needs_a_program = pytest.mark.skipif(
    not any(programs.find_programs().values()), reason="no Graphviz program"
)
SVG = "{http://www.w3.org/2000/svg}"


def node_lines(picture):
    return {
        m.group(1): line
        for line in picture.source.splitlines()
        if (m := re.match(r"\s*(\w+) \[", line))
    }


def edge_lines(picture):
    return [line for line in picture.source.splitlines() if " -> " in line]


def neuron(n=3):
    from nn import Neuron

    unit = Neuron(n, activation="tanh", seed=0)
    out = unit([1.0, -2.0, 0.5][:n])
    return unit, out


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
    unit, out = neuron()
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
    products = re.findall(
        r"<I>w\.\d\*x\.\d</I></FONT></TD></TR><TR><TD><FONT[^>]*>data ([-\d.e+]+)", source
    )
    assert products == [ag.steps.short(w.data * x) for w, x in zip(unit.w, [1.0, -2.0, 0.5])]
    plain = draw_dot(out, expand_dots=False).source
    assert "label=<dot>" in plain and "w.0*x.0</I>" not in plain and "bias" not in plain


def test_a_step_at_the_neuron_writes_the_arithmetic_of_every_product():
    _, out = neuron()
    steps = list(backward_steps(out))
    at_dot = next(s for s in steps if s.node.op == "dot")
    source = draw_step(out, at_dot).source
    for _, local, product in at_dot.contributions[:-1]:  # not to the constant 1 (not drawn)
        arithmetic = f"{ag.steps.short(at_dot.upstream)} × {ag.steps.short(local)} = "
        assert arithmetic + ag.steps.short(product) in source
    assert "bias: " in source


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
    assert "grad sums 60 uses" in picture.source
    a = Value(2.0, label="a")
    few = a * a * a
    assert REPEAT_LIMIT >= 3
    a_boxes = [k for k, line in node_lines(draw_dot(few)).items() if "<B>a</B>" in line]
    assert len(a_boxes) == 1  # a few uses: one box, one arrow per use


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


def test_visible_escapes():
    hostile = "a\nb\t\x00\x1b\ud800\u202e\\"
    assert labels.visible(hostile) == "a\\nb\\t\\0\\x1b\\ud800\\u202e\\"  # as Python shows them
    assert labels.escape("\\N<") == "\\\\N&lt;"  # Graphviz reads \\ as one backslash
    assert labels.visible("ｘ·é 😀") == "ｘ·é 😀"  # printable text is left alone
    assert labels.escape('<b>&"') == "&lt;b&gt;&amp;&quot;"
    assert labels.text_width("x*w + b", 10) == 7 * 6.0  # 0.6 of the size per character
    assert labels.text_width("a\nb", 10) == 4 * 6.0  # as drawn: a\nb
    assert labels.clip("abcdef", 4) == "abc…" and labels.clip("abc", 4) == "abc"


# --- one font, sized by it -----------------------------------------------------------------------
def test_every_label_is_set_in_the_pinned_font():
    _, out = neuron()
    source = draw_dot(out).source
    assert source.splitlines()[1].strip().startswith(f"fontname={labels.FONT} ")  # the graph's
    for what in ("node", "edge"):
        assert re.search(rf"^\s*{what} \[[^\]]*fontname={labels.FONT}", source, re.M)
    assert "Helvetica" not in source and "FACE=" not in source


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


# --- files ---------------------------------------------------------------------------------------
@needs_a_program
def test_png_is_drawn_at_twice_the_points(tmp_path):
    picture = draw_dot(neuron()[1])
    svg_width = float(re.search(r'<svg width="([\d.]+)pt"', picture.svg()).group(1))
    png = picture.write(tmp_path / "n.png").read_bytes()
    width, _ = struct.unpack(">II", png[16:24])  # the PNG header's IHDR
    assert abs(width - 2 * svg_width) <= 2


@needs_a_program
def test_a_format_the_program_cannot_write_is_refused_before_any_work(tmp_path):
    known = programs.output_formats(programs.graphviz_program())
    if known is None or "pdf" in known:
        pytest.skip("this Graphviz writes PDF")
    picture = draw_dot(neuron()[1])
    with pytest.raises(ValueError, match=r"format 'pdf': .* cannot write it; it writes svg, png"):
        picture.write(tmp_path / "g.pdf")
    with pytest.raises(ValueError, match="cannot write"):
        picture.render(tmp_path / "g", format="pdf")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the DOT source


def slow_program(tmp_path):
    """A stand-in Graphviz that lists its formats at once and then takes 60 s to draw."""
    script = tmp_path / "slow-dot"
    script.write_text(
        "#!/bin/sh\n"
        'case "$1" in -T\\?) echo \'Format: "?" not recognized. Use one of: svg png\' >&2; '
        "exit 1;; esac\nexec sleep 60\n"
    )
    script.chmod(0o755)
    return str(script)


def test_every_graphviz_run_has_a_time_bound(tmp_path, monkeypatch):
    import sys

    if sys.platform == "win32":
        pytest.skip("a shell script stands in for Graphviz")
    program = slow_program(tmp_path)
    with pytest.raises(programs.GraphvizTimeoutError, match=r"in 0\.3 s and was stopped"):
        programs.run_graphviz("digraph {}", "svg", program, timeout=0.3)
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", program)
    programs.graphviz_program.cache_clear()
    monkeypatch.setattr(programs, "DEFAULT_TIMEOUT", 0.3)
    try:
        picture = draw_dot(Value(1.0, label="x") * 2.0)
        with pytest.raises(programs.GraphvizTimeoutError, match="timeout="):
            picture.write(tmp_path / "g.svg")  # the default bound applies
        picture.timeout = 0.2
        with pytest.raises(programs.GraphvizTimeoutError, match=r"in 0\.2 s"):
            picture.svg()
        with pytest.raises(programs.GraphvizTimeoutError):  # graphviz's render, too
            picture.render(tmp_path / "r", format="svg")
    finally:
        programs.graphviz_program.cache_clear()
    assert not (tmp_path / "g.svg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slow-dot"]  # nothing half made


def test_bad_timeouts_are_refused():
    with pytest.raises(TypeError, match="timeout"):
        programs.run_graphviz("digraph {}", timeout="5")
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="timeout must be a positive"):
            programs.run_graphviz("digraph {}", timeout=bad)
