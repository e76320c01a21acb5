"""Tests of ``autograd_lite/viz/programs.py``: finding a Graphviz program, running it with a
time bound, and the pictures it writes (SVG, PNG at twice the points, refused formats)."""

import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from graphs import neuron, nn_neuron  # noqa: E402
from needs_graphviz import needs_a_program  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value  # noqa: E402
from autograd_lite.viz import draw_dot, programs, render  # noqa: E402

PROGRAMS = programs.find_programs()


# --- rendering ------------------------------------------------------------------------------
def rendered_svg(program):
    svg = programs.to_svg(draw_dot(neuron()), program=program)
    tree = ET.fromstring(svg)
    groups = tree.iter("{http://www.w3.org/2000/svg}g")
    classes = [g.get("class") for g in groups]
    return classes


@pytest.mark.parametrize("name", ["dot", "graphviz-pure"])
def test_rendering_gives_svg_that_parses_as_xml(name):
    program = PROGRAMS[name]
    if program is None:
        pytest.skip(f"{name} is not installed")
    classes = rendered_svg(program)
    o = neuron()
    nodes = ag.topological_order(o)
    ops = sum(1 for n in nodes if n.parents)
    assert classes.count("node") == len(nodes) + ops  # the legend is the graph's label
    assert classes.count("edge") == sum(len(n.parents) + 1 for n in nodes if n.parents)


@needs_a_program
def test_render_writes_svg_and_png_files(tmp_path):
    picture = draw_dot(neuron())
    svg = render(picture, tmp_path / "n.svg")
    png = picture.write(tmp_path / "n.png")
    ET.parse(svg)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    out = picture.render(tmp_path / "n", format="svg", cleanup=True)
    assert out.endswith("n.svg") and not (tmp_path / "n").exists()


def test_the_system_dot_comes_first(monkeypatch):
    monkeypatch.delenv("AUTOGRAD_LITE_GRAPHVIZ", raising=False)
    fake = {"dot": "/usr/bin/dot", "graphviz-pure": "/venv/bin/graphviz-pure"}
    monkeypatch.setattr(programs, "find_programs", lambda: dict(fake))
    programs.graphviz_program.cache_clear()
    try:
        assert programs.graphviz_program() == "/usr/bin/dot"
        programs.graphviz_program.cache_clear()
        fake["dot"] = None
        assert programs.graphviz_program() == "/venv/bin/graphviz-pure"
    finally:
        programs.graphviz_program.cache_clear()


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


def test_to_svg_and_render_of_a_value_say_to_draw_it_first(tmp_path):
    y = Value(2.0) * Value(3.0)
    with pytest.raises(TypeError, match=r"to_svg needs a picture, got Value: draw it first"):
        programs.to_svg(y)
    with pytest.raises(TypeError, match=r"render needs a picture, got str: give draw_dot\(y\)"):
        render("digraph {}", tmp_path / "g.svg")


def test_render_into_a_missing_folder_is_refused_before_graphviz_runs(tmp_path):
    picture = draw_dot(Value(2.0) * Value(3.0))  # (no Graphviz program needed: it never runs)
    with pytest.raises(ValueError, match=r"the folder .*figs does not exist; create it first"):
        picture.write(tmp_path / "figs" / "g.svg")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TypeError, match=r"^Picture.write: path must be a file name, .* got None"):
        picture.write(None)  # (it said "expected str, bytes or os.PathLike object")
    with pytest.raises(TypeError, match=r"^render: path must be a file name, .* got int"):
        render(picture, 5)


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_a_picture_written_with_a_timeout_of_zero_is_refused_not_given_the_default(
    timeout, tmp_path
):
    picture = draw_dot(Value(2.0) * Value(3.0))
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        picture.write(tmp_path / "g.svg", timeout=timeout)
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        picture.svg(timeout=timeout)


def test_a_graphviz_variable_that_names_no_program_is_refused(monkeypatch, tmp_path):
    missing = str(tmp_path / "no-such-dot")
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", missing)
    with pytest.raises(programs.GraphvizNotFoundError, match="not a program here"):
        programs.graphviz_program()


# --- without the graphviz package ------------------------------------------------------------
def test_pictures_without_the_graphviz_package_say_what_to_install_in_one_error():
    code = "import sys; sys.modules['graphviz'] = None\nimport autograd_lite.viz\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "ModuleNotFoundError: autograd_lite.viz (pictures of graphs) needs graphviz, which is "
        "not installed: pip install 'autograd-lite[viz]'"
    )
    assert "During handling" not in done.stderr  # not chained to the bare import error


def test_a_broken_graphviz_package_is_not_said_to_be_missing(tmp_path):
    # installed, but failing on import: its own error, not "needs graphviz, which is not
    # installed" (which would send the user to install what they have)
    (tmp_path / "graphviz").mkdir()
    (tmp_path / "graphviz" / "__init__.py").write_text("raise ImportError('cannot import X')\n")
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r})\nimport autograd_lite.viz\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.splitlines()[-1] == "ImportError: cannot import X"
