"""Pictures: structure of the graph description, rendering, step pictures, the animation."""

import re
import sys
import time
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from graphs import neuron, reused  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.steps import Step  # noqa: E402
from autograd_lite.viz import draw_dot, draw_step, render  # noqa: E402
from autograd_lite.viz import programs as render_module  # noqa: E402
from autograd_lite.viz.colors import HIGHLIGHT  # noqa: E402
from autograd_lite.viz.jupyter import step_svg, value_svg  # noqa: E402

PROGRAMS = render_module.find_programs()
needs_a_program = pytest.mark.skipif(
    not any(PROGRAMS.values()), reason="no Graphviz program (dot or graphviz-pure)"
)


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


def highlighted_ids(picture):
    return [
        i for i in value_ids(picture) if f'COLOR="{HIGHLIGHT}" BORDER="3"' in line_of(picture, i)
    ]


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


def test_a_100000_node_graph_is_summarised_quickly():
    xs = [Value(i * 1e-3) for i in range(50_000)]
    loss = ag.sum([x * x for x in xs])  # 50,000 leaves + 50,000 products + 1
    start = time.perf_counter()
    picture = draw_dot(loss, max_nodes=200)
    seconds = time.perf_counter() - start
    assert seconds < 1.0, f"draw_dot took {seconds:.2f} s"
    assert len(value_ids(picture)) == 200
    assert "of 100,001: 99,801 left out" in picture.source
    assert "49,801 operands not shown" in picture.source


def test_a_deep_chain_is_summarised_without_recursion():
    y = Value(1.0)
    for _ in range(200_000):
        y = y.tanh()
    picture = draw_dot(y, max_nodes=50)
    assert len(value_ids(picture)) == 50 and "1 operand not shown" in picture.source


# --- draw_step -----------------------------------------------------------------------------
def test_each_step_highlights_its_node_and_writes_the_arithmetic():
    c = reused()
    order = ag.topological_order(c)
    for step in backward_steps(c):
        picture = draw_step(c, step)
        (node_id,) = highlighted_ids(picture)
        assert f"<B>{step.node.label}</B>" in line_of(picture, node_id)
        arithmetic = re.findall(r'label="([^"]*×[^"]*)"', picture.source)
        assert len(arithmetic) == len(step.contributions)
        for (_, local, product), text in zip(step.contributions, arithmetic):
            assert text == f"{ag.steps.short(step.upstream)} × {ag.steps.short(local)} = " + (
                ag.steps.short(product)
            )
    assert len(order) == 3


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
