"""What every picture shows, whichever module draws it: hostile labels drawn visibly, every
text fitting its box in any monospaced font; PNG resolution, formats and time bounds."""

import re
import struct
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from graphs import nn_neuron  # noqa: E402
from needs_graphviz import needs_a_program  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.viz import draw_dot, draw_step, labels, programs  # noqa: E402

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


# --- files ---------------------------------------------------------------------------------------
@needs_a_program
def test_png_is_drawn_at_twice_the_points(tmp_path):
    picture = draw_dot(nn_neuron()[1])
    svg_width = float(re.search(r'<svg width="([\d.]+)pt"', picture.svg()).group(1))
    png = picture.write(tmp_path / "n.png").read_bytes()
    width, _ = struct.unpack(">II", png[16:24])  # the PNG header's IHDR
    assert abs(width - 2 * svg_width) <= 2


@needs_a_program
def test_a_format_the_program_cannot_write_is_refused_before_any_work(tmp_path):
    known = programs.output_formats(programs.graphviz_program())
    if known is None or "pdf" in known:
        pytest.skip("this Graphviz writes PDF")
    picture = draw_dot(nn_neuron()[1])
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
