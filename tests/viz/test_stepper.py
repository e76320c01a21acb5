"""The Jupyter stepper: widgets driven from Python, through every step, grads untouched."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("graphviz")
pytest.importorskip("ipywidgets", reason="ipywidgets (the notebooks extra) is not installed")

from graphs import neuron as labelled_neuron
from graphs import reused, rounded

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.viz import Stepper, stepper
from autograd_lite.viz.programs import find_programs

pytestmark = pytest.mark.skipif(not any(find_programs().values()), reason="no Graphviz program")


def neuron():
    return labelled_neuron(sum_label="", out_label="out")


def visited_title(svg: str) -> str | None:
    for group in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g"):
        if "agl-visit" in (group.get("class") or "").split():
            return next(group.iter("{http://www.w3.org/2000/svg}text")).text
    return None


def test_the_slider_moves_through_every_step_and_grads_stay_as_they_were():
    out = neuron()
    out.backward()
    out.backward()  # the user's own gradients: leaves accumulated twice
    nodes = ag.topological_order(out)
    before = [n.grad for n in nodes]
    control = stepper(out)
    assert isinstance(control, Stepper) and control.last == len(nodes)
    seen = []
    for k in range(control.last + 1):
        control.slider.value = k
        svg = control.picture.value
        seen.append((control.caption.value, svg, control.table.value))
        if k:
            assert f"Step {k} of {len(nodes)}" in control.caption.value
            assert visited_title(svg) == control.animation.names.title(nodes[-k])
            assert control.table.value.count("<tr>") - 1 == sum(
                max(1, len(s.contributions)) for s in control.animation.steps[:k]
            )
        else:
            assert "Start:" in control.caption.value and visited_title(svg) is None
    assert len({caption for caption, _, _ in seen}) == len(seen)  # every frame its own
    assert len({svg for _, svg, _ in seen}) == len(seen)
    assert [n.grad for n in nodes] == before  # an observer
    assert "grad -1.5" in seen[-1][1]  # x1's gradient from this pass alone, not -4.5


def test_a_seed_other_than_1_is_in_the_derivative_the_caption_writes():
    x = Value(3.0, label="x")
    y = x * 2
    y.label = "y"
    control = stepper(y, gradient=5.0)
    control.go(control.last)  # x, a leaf: 10.0 is 5 × d y / d x, and d y / d x is 2
    assert "Its gradient 5.0 (the seed) × d y / d x = 10.0 is final" in control.caption.value
    assert "gradient d y / d x" not in control.caption.value


def test_buttons_step_and_stop_at_the_ends():
    control = stepper(reused())
    control.previous.click()
    assert control.slider.value == 0
    control.next.click()
    control.next.click()
    assert control.slider.value == 2 and "Step 2 of 3" in control.caption.value
    for _ in range(5):
        control.next.click()
    assert control.slider.value == 3 == control.play.max
    control.go(1)
    assert "Step 1 of 3" in control.caption.value


def test_a_long_pass_shows_the_latest_rows_of_the_table():
    x = Value(1.0, label="x")
    y = x
    for _ in range(30):
        y = y * 1.0
    control = stepper(y)
    control.go(25)
    assert "The last 12 of 25 steps." in control.table.value


def test_a_saved_notebook_still_shows_a_picture():
    control = stepper(reused())
    bundle = control._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget
    ET.fromstring(bundle["image/svg+xml"])  # ... and a static picture where no kernel runs
    assert "grad 24.0" in bundle["image/svg+xml"]
    assert "run the notebook" in bundle["text/plain"]
    # the finished pass, with no box outlined as visited: no step is current there (the
    # last-visited leaf was outlined in red, with nothing to say why)
    assert visited_title(bundle["image/svg+xml"]) is None


def test_the_saved_picture_says_what_its_colours_mean():
    # Every picture states its colour scale: on GitHub or nbviewer the saved stepper is the
    # only picture of the pass, with no widget around it to hold the legend.
    control = stepper(reused())
    svg = control._repr_mimebundle_()["image/svg+xml"]
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "from 0.24 or less (faintest) to 24 (darkest); orange +, blue \u2212" in texts
    cells = [text for text, _, _ in control.animation.scale.legend()]
    assert cells[0] == "\u221224" and "not reached" in cells
    assert all(cell in texts for cell in cells)
    # the legend sits above the graph, not over its boxes
    graph = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}svg")
    assert float(graph.get("y")) > 0 and "grad 24.0" in ET.tostring(graph, encoding="unicode")


def _window(control, k) -> list[float]:
    """The part of the picture the stepper shows at frame k: left, top, width, height."""
    control.go(k)
    return [float(v) for v in ET.fromstring(control.picture.value).get("viewBox").split()]


def _chain(length):
    x = Value(0.3, label="x")
    y = x
    for _ in range(length):
        y = y.sigmoid()
    y.label = "out"
    return y


def _notebook_1_L():
    a, b, c = Value(2.0, label="a"), Value(-0.75, label="b"), Value(1.0, label="c")
    u = a * b
    v = u + c
    u.label, v.label = "u", "v"
    L = v.tanh()
    L.label = "L"
    return L


def test_the_stepper_states_its_colours_and_shows_the_boxes_each_step_is_about():
    """It had no legend (the page and draw_dot have one), and a wide picture always opened
    at its left edge: the output, where the caption says backward begins, and the boxes
    the steps visit were out of sight, and a widget has no script to scroll to them."""
    control = stepper(neuron())
    assert "|grad| on a log scale" in control.legend.value and "not reached" in control.legend.value
    controls = control.widget.children[0]
    assert control.legend in control.widget.children and control.whole in controls.children
    y = _chain(12)
    wide = stepper(y)
    layout = wide.animation.layout
    start = _window(wide, 0)
    assert start[2] < layout.width  # only a part ...
    x, _, w, _ = layout.boxes[wide.animation.index[y]]
    assert start[0] <= x and x + w <= start[0] + start[2]  # ... around the output
    assert _window(wide, 1) == start  # step 1 visits the output: in sight, nothing moves
    assert _window(wide, 8)[0] < start[0]
    assert wide.whole.layout.display != "none"  # a part is shown: the button to see all
    wide.go(2)
    wide.whole.value = True  # the whole graph, fitted to the width, as soon as it is pressed
    whole = ET.fromstring(wide.picture.value)
    assert whole.get("viewBox") == f"0 0 {layout.width:.0f} {layout.height:.0f}"
    assert "max-width: 100%" in whole.get("style")
    wide.whole.value = False  # pressed again: the part around the step, at once
    assert ET.fromstring(wide.picture.value).get("viewBox") != whole.get("viewBox")
    assert _window(wide, 2)[2] < layout.width
    small = stepper(Value(2.0, label="a") * 3.0)
    assert small.whole.layout.display == "none"  # (a small picture is whole anyway)


@pytest.mark.parametrize(
    "root, rankdir",
    [(_chain(12), "LR"), (_notebook_1_L(), "LR"), (_chain(12), "TB")],
    ids=["chain", "notebook-1", "tall-chain"],
)
def test_every_box_a_step_sends_to_is_in_sight(root, rankdir):
    """Notebook 1's L is 976 points wide: at its steps 2 and 4 the window showed the
    visited box but cut off u and c, then a and b, the boxes receiving its gradient. A
    tall picture (rankdir="TB") is followed up and down as a wide one is sideways."""
    control = stepper(root, rankdir=rankdir)
    layout = control.animation.layout
    assert layout.width > 640 or layout.height > 400  # (bigger than the window: the bug's case)
    for k in range(1, control.last + 1):
        left, top, width, height = _window(control, k)
        for i in control.animation.focus(k):
            x, y, w, h = layout.boxes[i]
            assert left <= x and x + w <= left + width, (k, i)
            assert top <= y and y + h <= top + height, (k, i)


def test_the_window_moves_only_when_a_box_the_step_is_about_is_out_of_it():
    """A window centred afresh at every step would shift the whole picture each time,
    though the boxes the step is about were all in sight."""
    control = stepper(neuron())  # 1212 points wide: a 640-point window shows half of it
    boxes = control.animation.layout.boxes
    before, moves = _window(control, 0), 0
    for k in range(1, control.last + 1):
        now = _window(control, k)
        if all(_inside(boxes[i], before) for i in control.animation.focus(k)):
            assert now == before, k
        else:
            moves += 1
        before = now
    assert 0 < moves < control.last - 1  # (it moves now and then, and stays now and then)


def _inside(box, window) -> bool:
    x, y, w, h = box
    left, top, width, height = window
    return left <= x and x + w <= left + width and top <= y and y + h <= top + height


def test_the_table_says_where_its_numbers_are_rounded():
    control = stepper(rounded())
    control.go(control.last)
    # 0.41997 × 2.0 is 0.83994: written "0.42 × 2.0 = 0.8399", it would look like a slip
    assert "<td>0.42 × 2.0 ≈ 0.8399</td>" in control.table.value


def test_stepper_checks_its_root():
    with pytest.raises(TypeError, match="stepper needs a Value"):
        stepper(2.0)


@pytest.mark.parametrize(
    "options, error",
    [
        (dict(gradient="1"), TypeError),
        (dict(gradient=True), TypeError),
        (dict(rankdir="XY"), ValueError),
        (dict(max_nodes=0), ValueError),
        (dict(max_nodes=True), TypeError),
    ],
)
def test_stepper_names_itself_for_a_bad_option(options, error):
    """The messages named backprop_animation, which the user had not called."""
    with pytest.raises(error, match=r"^stepper") as raised:
        stepper(neuron(), **options)
    assert "backprop_animation" not in str(raised.value)


@pytest.mark.parametrize("k", ["x", None, float("nan"), 1.5, True])
def test_go_takes_a_step_number_only(k):
    s = stepper(neuron())
    s.go(3)
    with pytest.raises(TypeError, match=r"Stepper\.go: k, the step, must be an int"):
        s.go(k)
    assert s.slider.value == 3  # where it was


def test_show_names_a_frame_that_does_not_exist():
    s = stepper(neuron())
    with pytest.raises(IndexError, match="frame 99 does not exist"):
        s.show(99)


def test_viz_imports_without_ipywidgets_and_stepper_says_what_to_install():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "import autograd_lite as ag\n"
        "from autograd_lite.viz import stepper\n"
        "try:\n"
        "    stepper(ag.Value(1.0) * 2)\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "stepper needs ipywidgets, which is not installed" in done.stdout
    assert "autograd-lite[notebooks]" in done.stdout


def test_a_broken_ipywidgets_is_not_said_to_be_missing(tmp_path):
    # installed, but failing on import (a version that does not match its dependencies):
    # its own error, not "stepper needs ipywidgets, which is not installed"
    broken = tmp_path / "ipywidgets"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('cannot import name Widget')\n")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
        "import autograd_lite as ag\n"
        "from autograd_lite.viz import stepper\n"
        "try:\n"
        "    stepper(ag.Value(1.0) * 2)\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "ImportError cannot import name Widget\n"


def test_a_picture_a_little_wider_than_the_window_is_shown_whole_not_cut():
    """Notebook 1's stepper(c), for b = a + a; c = b * b, is 659 points wide, 19 more than
    the window: step 1 cut off the left edge of a, step 2 the right edge of c, and the
    picture jumped between them. Fitted to the width it keeps 97 % of its size."""
    a = Value(3.0, label="a")
    b = a + a
    c = b * b
    b.label, c.label = "b", "c"
    control = stepper(c)
    layout = control.animation.layout
    assert 640 < layout.width < 700  # (the case: a little wider than the window)
    assert control.whole.layout.display == "none"  # nothing to toggle: it is all there
    for k in range(control.last + 1):
        assert _window(control, k) == [0.0, 0.0, round(layout.width), round(layout.height)]
        assert "max-width: 100%" in ET.fromstring(control.picture.value).get("style")


def test_the_table_calls_the_running_sum_what_the_caption_calls_it():
    """Before: the table's last column was "parent sum" under a caption that says "sum so
    far: 12.0 (2 of 2 uses)" for the same number; it is now "sum so far", as in print_steps."""
    control = stepper(reused())
    control.go(1)
    assert "sum so far: 12.0" in control.caption.value
    assert "<th>sum so far</th>" in control.table.value and "parent sum" not in control.table.value
