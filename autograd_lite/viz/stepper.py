"""``stepper(root)``: the backward pass in Jupyter, one step at a time, driven from Python.

An ipywidgets control: previous / next buttons, a play button (``ipywidgets.Play``) and a
slider over the frames, then the caption (the step's arithmetic, as in the animation), its
picture and the table of the steps so far. Plain ipywidgets and no JavaScript of our own,
so it works wherever widgets do (JupyterLab, Notebook 7, VS Code). The pictures come from
the one layout of ``backprop_animation``: moving the slider redraws the SVG in Python,
without Graphviz.

Where no kernel runs (a saved notebook on GitHub or nbviewer) the output still shows a
picture: the display carries the finished pass as a plain SVG beside the widget, with its
colour scale, which every viewer shows when it cannot show widgets.

Needs the ``notebooks`` extra (ipywidgets); importing ``autograd_lite.viz`` does not.

>>> stepper(loss)            # doctest: +SKIP
"""

from __future__ import annotations

from html import escape

from ..extras import needs
from ..names import product_text
from ..reals import as_real
from ..steps import short
from ..value import Value
from .animation import backprop_animation, legend_html
from .colors import text_color
from .dot import check_count, check_rankdir
from .labels import text_width
from .layout import FONTS

#: Rows of the "steps so far" table: the latest ones (a long pass would fill the page).
TABLE_ROWS = 12
#: The part of a big picture shown around the step, in points (width, height).
WINDOW = (640.0, 400.0)
#: A picture that keeps at least this share of its size when fitted into ``WINDOW`` is shown
#: whole: cutting the edge off a box would show less than shrinking it a little does.
SHRINK = 0.8


def stepper(root: Value, gradient=1.0, rankdir: str = "LR", max_nodes: int = 300) -> Stepper:
    """A Jupyter control that steps through the backward pass of ``root``.

    The same frames as ``backprop_animation(root)``: the start, then one per step. An
    observer: every ``.grad`` is left as it was. ``max_nodes`` bounds the picture.
    """
    try:
        import ipywidgets  # noqa: F401  (checked first: say how to get it)
    except ModuleNotFoundError as error:
        raise needs(error, "stepper") from None
    if not isinstance(root, Value):
        raise TypeError(f"stepper needs a Value, got {type(root).__name__}")
    # checked here too, so that a message names stepper, the function that was called
    check_rankdir(rankdir, "stepper")
    check_count(max_nodes, "max_nodes", "stepper")
    gradient = as_real(gradient, "stepper(gradient)")
    return Stepper(backprop_animation(root, gradient, rankdir, max_nodes))


class Stepper:
    """The widgets of one stepper: ``slider``, ``play``, ``previous``, ``next``, ``whole``,
    ``caption``, ``legend``, ``picture``, ``table``, all in ``widget``. ``go(k)`` shows
    frame k."""

    def __init__(self, animation):
        import ipywidgets as widgets

        self.animation = animation
        self.last = len(animation) - 1
        self.slider = widgets.IntSlider(
            value=0, min=0, max=self.last, description="step",
            layout=widgets.Layout(width="min(36em, 60%)"),
        )  # fmt: skip
        self.play = widgets.Play(value=0, min=0, max=self.last, interval=800,
                                 description="play", tooltip="play the pass")  # fmt: skip
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.previous = widgets.Button(description="◀ previous", tooltip="previous step")
        self.next = widgets.Button(description="next ▶", tooltip="next step")
        self.previous.on_click(lambda _: self.go(self.slider.value - 1))
        self.next.on_click(lambda _: self.go(self.slider.value + 1))
        self.caption = widgets.HTML()
        self.legend = widgets.HTML(legend_html(animation.scale))  # what the colours say
        self.picture = widgets.HTML()
        self.table = widgets.HTML()
        self._window = None  # the part of a big picture in sight
        self.whole = widgets.ToggleButton(
            description="whole picture", tooltip="the whole graph, fitted to the width; "
            "or, pressed again, the part around the step at full size",
        )  # fmt: skip
        self.slider.observe(lambda change: self.show(change["new"]), names="value")
        self.whole.observe(lambda _: self.show(self.slider.value), names="value")
        if _fits(animation.layout):
            self.whole.layout.display = "none"  # (the whole picture is shown anyway)
        controls = widgets.HBox([self.previous, self.play, self.next, self.slider, self.whole])
        self.widget = widgets.VBox([controls, self.caption, self.legend, self.picture, self.table])
        self.show(0)

    def go(self, k: int) -> None:
        """Move to frame ``k`` (kept within the pass); the slider follows, and so does the
        picture."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(
                f"Stepper.go: k, the step, must be an int, got {type(k).__name__} {k!r}"
            )
        self.slider.value = max(0, min(self.last, k))

    def show(self, k: int) -> None:
        """Draw frame ``k`` into the widgets (the slider's observer calls this)."""
        caption = self.animation.frames[self.animation.check_frame(k)].caption
        self.caption.value = f'<pre style="white-space: pre-wrap">{escape(caption)}</pre>'
        self.picture.value = self.picture_of(k)
        self.table.value = steps_table(self.animation, k)

    def picture_of(self, k: int) -> str:
        """Frame ``k``'s picture: the whole graph fitted to the width when it (nearly) fits
        in ``WINDOW`` (``_fits``) or ``whole`` is pressed; else, at full size, a part with the
        boxes the step is about in it (the visited one and those it sends to), moved only when
        one of them is out of sight (as the saved page's script scrolls; a widget has no
        script)."""
        uid = f"agl-stepper-{id(self)}"
        layout = self.animation.layout
        if self.whole.value or _fits(layout):
            svg = self.animation.svg(k, uid=uid)
            return svg.replace("<svg ", '<svg style="max-width: 100%; height: auto" ', 1)
        focus = self.animation.focus(k)  # the visited box and the boxes it sends to
        if self._window is None or not all(_inside(layout.boxes[i], self._window) for i in focus):
            self._window = layout.window_around(focus, *WINDOW)  # (else it stays: no jump)
        return self.animation.svg(k, uid=uid, window=self._window)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget for a running notebook, and a plain SVG of the finished pass for a
        viewer without a kernel (GitHub, nbviewer): each shows what it can."""
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle["image/svg+xml"] = still_picture(self.animation)
        bundle["text/plain"] = (
            f"<stepper: {self.last} steps of the backward pass; run the notebook to step "
            "through them>"
        )
        return bundle

    def __repr__(self):
        return f"<Stepper: {self.last} steps, at step {self.slider.value}>"


def still_picture(animation) -> str:
    """The finished pass as one SVG, no step current, with the colour scale above the graph:
    a viewer without a kernel shows only this, so it must say what its colours mean itself
    (the widget shows the same legend as HTML)."""
    scale, size = animation.scale, 10.0
    out = [f'<text x="4" y="{12 + 13 * i}">{escape(line)}</text>'
           for i, line in enumerate(scale.caption_lines())]  # fmt: skip
    x, top = 4.0, 13.0 * len(out) + 4
    for text, fill, style in scale.legend():
        width = text_width(text, size) + 10
        dashes = ' stroke-dasharray="4,2"' if style == "dashed" else ""
        out.append(f'<rect x="{x:.1f}" y="{top:.0f}" width="{width:.1f}" height="18" '
                   f'fill="{fill}" stroke="#555555"{dashes}/><text x="{x + width / 2:.1f}" '
                   f'y="{top + 13:.0f}" text-anchor="middle" fill="{text_color(fill)}">'
                   f"{escape(text)}</text>")  # fmt: skip
        x += width + 2
    layout, below = animation.layout, top + 26
    graph = animation.svg(marked=False, at=(0, below))
    width, height = max(layout.width, x + 2), layout.height + below
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" height="{height:.0f}pt" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONTS}" font-size="{size:g}">',
        *out, graph, "</svg>",
    ])  # fmt: skip


def _fits(layout) -> bool:
    """Whether the whole picture is shown, fitted to the width, at every step: it fits into
    ``WINDOW``, or does so shrunk by no more than ``SHRINK``."""
    return layout.width * SHRINK <= WINDOW[0] and layout.height * SHRINK <= WINDOW[1]


def _inside(box, window) -> bool:
    x, y, w, h = box
    left, top, width, height = window
    return left <= x and x + w <= left + width and top <= y and y + h <= top + height


def steps_table(animation, k: int) -> str:
    """The steps so far (the latest ``TABLE_ROWS`` of them) as an HTML table: one row per
    edge, upstream × local = product and the parent's running sum."""
    if k == 0:
        return "<p>No step yet: the output holds the seed gradient.</p>"
    names = animation.names
    rows = []
    first = max(0, k - TABLE_ROWS)
    for step in animation.steps[first:k]:
        head = [str(step.index + 1), names[step.node], short(step.upstream)]
        if not step.contributions:
            rows.append([*head, "(a leaf: nothing to pass on)", "", ""])
        for (parent, local, product), total in zip(step.contributions, step.running):
            arithmetic = product_text(step.upstream, local, product)
            rows.append([*head, names[parent], arithmetic, short(total)])
            head = ["", "", ""]
    header = ["step", "node", "upstream", "parent", "upstream × local = product", "sum so far"]
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    note = f"<p>The last {TABLE_ROWS} of {k} steps.</p>" if first else ""
    return (
        f'{note}<table style="font-family: monospace"><tr>'
        + "".join(f"<th>{escape(h)}</th>" for h in header)
        + f"</tr>{cells}</table>"
    )
