"""Pictures across viz modules: rendering, showing in Jupyter, a missing Graphviz program."""

import sys
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from graphs import neuron  # noqa: E402
from needs_graphviz import needs_a_program  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.steps import Step  # noqa: E402
from autograd_lite.viz import draw_dot, render  # noqa: E402
from autograd_lite.viz import programs as render_module  # noqa: E402
from autograd_lite.viz.jupyter import step_svg, value_svg  # noqa: E402

PROGRAMS = render_module.find_programs()


# --- rendering ------------------------------------------------------------------------------
def rendered_svg(program):
    svg = render_module.to_svg(draw_dot(neuron()), program=program)
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


@needs_a_program
def test_pictures_show_in_jupyter():
    o = neuron()
    bundle = draw_dot(o)._repr_mimebundle_()
    ET.fromstring(bundle["image/svg+xml"])
    step = next(backward_steps(o))
    ET.fromstring(step_svg(step))
    ET.fromstring(value_svg(o))
    assert value_svg(Value(1.0)) is None  # a leaf stays text


def test_importing_viz_in_ipython_makes_values_show_as_pictures(monkeypatch):
    from types import SimpleNamespace

    from autograd_lite.viz.jupyter import show_values_as_pictures

    registered = {"image/svg+xml": {}, "text/plain": {}}

    def formatter(kind):
        table = registered[kind]
        return SimpleNamespace(
            for_type=lambda cls, f: table.__setitem__(cls, f),
            pop=lambda cls, default=None: table.pop(cls, default),
        )

    shell = SimpleNamespace(
        display_formatter=SimpleNamespace(formatters={k: formatter(k) for k in registered})
    )
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: shell))
    assert show_values_as_pictures() is True
    assert registered["image/svg+xml"][Value] is value_svg and Value in registered["text/plain"]
    assert registered["image/svg+xml"][Step] is step_svg
    assert show_values_as_pictures(False) is True
    assert registered == {"image/svg+xml": {}, "text/plain": {}}
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: None))
    assert show_values_as_pictures() is False


def test_without_a_program_the_error_says_how_to_install_one(monkeypatch):
    monkeypatch.delenv("AUTOGRAD_LITE_GRAPHVIZ", raising=False)
    monkeypatch.setattr(
        render_module, "find_programs", lambda: {"dot": None, "graphviz-pure": None}
    )
    render_module.graphviz_program.cache_clear()
    try:
        with pytest.raises(render_module.GraphvizNotFoundError) as error:
            draw_dot(neuron()).pipe()
        step = next(backward_steps(neuron()))
        assert step_svg(step) is None  # a Step falls back to its text
    finally:
        render_module.graphviz_program.cache_clear()
    assert "pip install graphviz-pure" in str(error.value)
    assert "apt-get install graphviz" in str(error.value)


def test_the_system_dot_comes_first(monkeypatch):
    monkeypatch.delenv("AUTOGRAD_LITE_GRAPHVIZ", raising=False)
    fake = {"dot": "/usr/bin/dot", "graphviz-pure": "/venv/bin/graphviz-pure"}
    monkeypatch.setattr(render_module, "find_programs", lambda: dict(fake))
    render_module.graphviz_program.cache_clear()
    try:
        assert render_module.graphviz_program() == "/usr/bin/dot"
        render_module.graphviz_program.cache_clear()
        fake["dot"] = None
        assert render_module.graphviz_program() == "/venv/bin/graphviz-pure"
    finally:
        render_module.graphviz_program.cache_clear()
