"""In a real IPython shell: a small Value shows as a picture, a big one as text and a hint."""

import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("graphviz")
interactiveshell = pytest.importorskip("IPython.core.interactiveshell")

from needs_graphviz import needs_a_program  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import Value  # noqa: E402
from autograd_lite.viz.jupyter import SHOW_UP_TO, graph_size, show_values_as_pictures  # noqa: E402


@pytest.fixture
def shell():
    """IPython's own shell, with Values shown as pictures (as importing viz does there)."""
    shell = interactiveshell.InteractiveShell.instance()
    show_values_as_pictures()
    yield shell
    show_values_as_pictures(False)
    interactiveshell.InteractiveShell.clear_instance()


def chain(n):
    """A graph of exactly ``n`` Values: x, then n - 1 negations."""
    y = Value(1.0, label="x")
    for _ in range(n - 1):
        y = -y
    return y


@needs_a_program
def test_a_small_graph_shows_as_a_picture(shell):
    y = chain(SHOW_UP_TO)
    bundle, _ = shell.display_formatter.format(y)
    ET.fromstring(bundle["image/svg+xml"])
    assert bundle["text/plain"] == repr(y)


def test_a_big_graph_shows_its_repr_and_how_to_draw_it(shell):
    y = chain(SHOW_UP_TO + 1)
    bundle, _ = shell.display_formatter.format(y)
    assert "image/svg+xml" not in bundle
    first, hint = bundle["text/plain"].split("\n")
    assert first == repr(y)
    assert "more than 60 values" in hint and "draw_dot(v" in hint


def test_the_moons_network_loss_is_text(shell):
    from nn import MLP, mse_loss
    from nn.data import make_moons

    X, labels = make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    loss = mse_loss([model(x) for x in X], labels)
    bundle, _ = shell.display_formatter.format(loss)
    assert "image/svg+xml" not in bundle and "draw_dot" in bundle["text/plain"]


def test_a_leaf_stays_text(shell):
    bundle, _ = shell.display_formatter.format(Value(2.0, label="a"))
    assert bundle == {"text/plain": "Value(data=2.0, grad=0.0, label='a')"}


def test_counting_stops_early():
    big = ag.sum([Value(float(i)) for i in range(100_000)])
    assert graph_size(big, 60) == 61  # not 100,001: counting stopped past the limit
    assert graph_size(chain(5), 60) == 5


def test_a_step_of_a_big_graph_shows_as_text_in_jupyter():
    from autograd_lite import backward_steps
    from autograd_lite.viz.jupyter import SHOW_UP_TO, step_svg

    x = Value(0.5, label="x")
    y = x
    for _ in range(SHOW_UP_TO):
        y = y * 1.01
    assert step_svg(next(backward_steps(y))) is None  # like a Value of that size
