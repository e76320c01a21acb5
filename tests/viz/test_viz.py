"""Pictures across viz modules: showing them in Jupyter, and the fallback without Graphviz."""

import sys
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")

from graphs import neuron  # noqa: E402
from needs_graphviz import needs_a_program  # noqa: E402

from autograd_lite import Value, backward_steps  # noqa: E402
from autograd_lite.steps import Step  # noqa: E402
from autograd_lite.viz import draw_dot, programs  # noqa: E402
from autograd_lite.viz.jupyter import step_svg, value_svg  # noqa: E402


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
    monkeypatch.setattr(programs, "find_programs", lambda: {"dot": None, "graphviz-pure": None})
    programs.graphviz_program.cache_clear()
    try:
        with pytest.raises(programs.GraphvizNotFoundError) as error:
            draw_dot(neuron()).pipe()
        step = next(backward_steps(neuron()))
        assert step_svg(step) is None  # a Step falls back to its text
    finally:
        programs.graphviz_program.cache_clear()
    assert "pip install graphviz-pure" in str(error.value)
    assert "apt-get install graphviz" in str(error.value)
