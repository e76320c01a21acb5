"""``backprop_animation``: the backward pass as a slide show, laid out once.

Frame 0 is the graph after the forward pass, with only the seed gradient at the output.
Frame k shows the graph just after step k of the backward pass: the visited node outlined,
its edges red and labelled ``upstream × local = product``, every gradient as it is at that
moment. The caption gives the same arithmetic and the running sum at each node used more
than once ("sum so far: 2 of 3 uses"). Every step is a frame; a leaf's frame is short,
since a leaf passes nothing on (its final gradient is also named in the step that
completes it).

Graphviz runs once, only to place the boxes (``layout.py``). Each box is sized for the
widest text it will ever show, so nothing moves between frames: a frame changes only
colours, outlines, numbers and the caption. The page holds one SVG and each step's changes
as JSON; a small script applies them. Nothing comes from the network, so the page works
offline and can be mailed to a friend.

An observer: the pass is worked out on the side (``observe_steps``) from a zero start, and
no ``.grad`` is read or changed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from html import escape
from pathlib import Path
from typing import NamedTuple

from ..files import write_atomic
from ..names import is_constant, product_text
from ..reals import as_real
from ..steps import formula, name_of, observe_steps, replay, short, use_counts
from ..value import Value
from .colors import GradScale, outline_style, text_color
from .dot import check_count, check_rankdir, check_title, nearest_nodes
from .labels import BOX_SIZE, clip, visible
from .labels import EDGE_SIZE as LABEL_SIZE
from .labels import text_width as _width
from .layout import (
    CARD_PAD,
    RECEIVE,
    RECEIVE_WIDTH,
    RING_GAP,
    RING_WORDS,
    STROKE,
    VISIT,
    VISIT_WIDTH,
    Layout,
    lay_out,
)
from .programs import writable_path

_display_count = itertools.count(1)  # to tell apart two animations in one notebook

#: Lines of text in a box: title, data, grad, and (for a node used twice or more) its sum.
LINE = 14.0
TITLE_CHARS = 30  # longer names are shortened with "…"


class Paint(NamedTuple):
    """How a box is filled: background, text colour, and a dashed border (not reached yet)."""

    fill: str
    ink: str
    dashed: bool


#: A constant (the ``2`` of ``2*x``): just its number, grey on white, as in ``draw_dot``.
CONSTANT = Paint("#ffffff", "#555555", False)


def paint(grad: float | None, scale: GradScale) -> Paint:
    """The colours of a box whose gradient is ``grad`` (None: not reached yet), by the
    rules of ``colors.py``."""
    fill = scale.fill(grad)
    return Paint(fill, text_color(fill), outline_style(grad) == "dashed")


def legend_html(scale: GradScale) -> str:
    """The colour scale of this animation (its range in words, then the cells), as HTML,
    styled inline: the page and the stepper show it alike."""
    cells = "".join(
        f'<span style="display:inline-block;padding:0 0.4em;border:1px {style} #999;'
        f'background:{fill};color:{text_color(fill)}">{escape(text)}</span>'
        for text, fill, style in scale.legend()
    )
    rings = "".join(
        f'<span style="display:inline-block;width:1.2em;height:0.7em;margin:0 0.5em 0 0.9em;'
        f"vertical-align:middle;border:1px solid {STROKE};outline:{width}px solid {colour};"
        f'outline-offset:{RING_GAP:g}px"></span>{escape(RING_WORDS[kind])}'
        for kind, colour, width in (
            ("visit", VISIT, VISIT_WIDTH),
            ("receive", RECEIVE, RECEIVE_WIDTH),
        )
    )
    return (
        f'<p class="agl-legend" style="font-size:0.8em;margin:0.3em 0">'
        f"{escape(scale.caption())}: {cells}<br>Rings:{rings}</p>"
    )


class Frame:
    """One frame: its ``caption`` and the ``step`` it shows (None for the first)."""

    __slots__ = ("caption", "step")

    def __init__(self, caption, step):
        self.caption = caption
        self.step = step

    def __repr__(self):
        return f"Frame({self.caption!r})"


def backprop_animation(
    root: Value,
    gradient=1.0,
    rankdir: str = "LR",
    max_nodes: int = 1000,
    timeout: float | None = 60.0,
    *,
    title: str | None = None,
    to_see_more: str | None = None,
) -> BackpropAnimation:
    """Step through the backward pass of ``root``: show it in Jupyter, or ``.save(path)``.

    One frame for the start, then one per step of the pass. At most ``max_nodes`` boxes
    are drawn (those nearest the output); steps at nodes outside the picture still get
    their frame and caption. Graphviz runs once, for at most ``timeout`` seconds. Every
    ``.grad`` is left as it was. ``title``: a line above the player saying what it shows.
    ``to_see_more``: what the note advises for seeing the boxes left out (by default, to
    raise ``max_nodes``).
    """
    check_title(title, "backprop_animation")
    check_title(to_see_more, "backprop_animation", "to_see_more")
    if not isinstance(root, Value):
        raise TypeError(f"backprop_animation needs a Value, got {type(root).__name__}")
    check_rankdir(rankdir, "backprop_animation")
    check_count(max_nodes, "max_nodes", "backprop_animation")
    seed = as_real(gradient, "backprop_animation(gradient)")
    animation = BackpropAnimation(root, seed, rankdir, max_nodes, timeout)
    animation.title = title
    if to_see_more:  # ("" or None: the default advice, as in draw_dot)
        animation.to_see_more = to_see_more
    return animation


class Names(dict):
    """Each node's name (``names.py``), control characters made visible, worked out once:
    a caption names a weight as often as it is used."""

    def __missing__(self, node: Value) -> str:
        name = self[node] = visible(name_of(node))
        return name

    def called(self, node: Value) -> str:
        """``n = a + b`` for a labelled result, just its name otherwise."""
        if node.label and node.parents:
            return f"{self[node]} = {visible(formula(node, name=self.__getitem__))}"
        return self[node]

    def title(self, node: Value) -> str:
        """The first line of a box: ``called``, shortened to fit."""
        return clip(self.called(node), TITLE_CHARS)


def title(node: Value) -> str:
    """The first line of a node's box."""
    return Names().title(node)


class BackpropAnimation:
    """The backward pass of one graph as a small self-contained HTML player.

    ``frames`` (caption and step of each), ``steps`` (from ``observe_steps``), ``grads(k)``
    (every node's gradient in frame k), ``svg(k)`` (frame k as a picture), ``save(path)``.
    """

    title = None  # a line above the player (backprop_animation's ``title``)
    to_see_more = "raise max_nodes to see more"  # the note's advice, when boxes are left out

    def __init__(self, root, seed, rankdir="LR", max_nodes=1000, timeout=60.0):
        self.root = root
        self.seed = seed
        self.steps = list(observe_steps(root, seed))
        order = self.steps[0].backward_pass.order
        self.total = len(order)
        self.nodes = order[::-1]  # backward's order: the inputs stand as they are written
        if max_nodes < len(order):  # those nearest the output, in that same order
            kept = set(nearest_nodes(root, max_nodes)[0])
            self.nodes = [node for node in self.nodes if node in kept]
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.uses = use_counts(order)
        self.names = Names()
        self._work_out_frames()
        widest_label = max(
            (len(change[5]) for changes in self._changes for change in changes if change[1] >= 0),
            default=0,
        )
        gap = _width("x" * widest_label, LABEL_SIZE) + 24.0  # room for the arithmetic
        self.layout: Layout = lay_out(
            self.nodes, self.index, self._box_sizes(), rankdir, gap, timeout=timeout
        )

    # --- what each frame shows ---------------------------------------------------------------
    def _work_out_frames(self):
        """Walk the pass once: the start state of every drawn box, then what each step
        changes (as ``(box, edge, grad text, paint, sum text, arithmetic)`` per edge), the
        captions, and the widest text each box will ever hold."""
        index, uses, root = self.index, self.uses, self.root
        grads = dict.fromkeys(self.nodes, 0.0)  # the drawn boxes' gradients so far
        received = dict.fromkeys(uses, 0)  # every node's products received so far
        grads[root] = self.seed
        shown = [self.seed]  # every gradient a box will show, for the colour scale
        for step in self.steps:
            shown += [t for (p, _, _), t in zip(step.contributions, step.running)
                      if p in grads and not is_constant(p)]  # fmt: skip
        self.scale = GradScale.fit(shown)
        self.paints: list[Paint] = []
        self._paint_index: dict[Paint, int] = {}

        def state(node):
            if is_constant(node):  # a constant shows its number only, never a gradient
                return "", self._paint_id(CONSTANT), ""
            reached = node is root or received[node] > 0
            text = f"grad {short(grads[node])}" if reached else "grad: not reached"
            count = uses[node]
            total = f"sum so far: {received[node]} of {count} uses" if count > 1 else ""
            return text, self._paint_id(paint(grads[node] if reached else None, self.scale)), total

        self._start = [state(node) for node in self.nodes]
        widest = [[len(text), len(total)] for text, _, total in self._start]
        edge_numbers = self._edge_numbers()
        self._changes = []
        captions = [self._first_caption()]
        for step in self.steps:
            changes, lines = [], []
            for k, ((parent, local, product), total) in enumerate(
                zip(step.contributions, step.running)
            ):
                arithmetic = product_text(step.upstream, local, product)
                received[parent] += 1
                lines.append(self._edge_line(parent, arithmetic, total, received[parent]))
                if parent in grads:
                    grads[parent] = total
                    text, paint_id, summed = state(parent)
                    i = index[parent]
                    widest[i][0] = max(widest[i][0], len(text))
                    widest[i][1] = max(widest[i][1], len(summed))
                    edge = edge_numbers.get((step.node, k), -1)
                    changes.append((i, edge, text, paint_id, summed, arithmetic))
            self._changes.append(changes)
            captions.append(self._caption(step, lines))
        self.frames = [Frame(captions[0], None)]
        self.frames += [Frame(text, step) for text, step in zip(captions[1:], self.steps)]
        self._widest = widest

    def _edge_numbers(self) -> dict:
        """``(node, operand position) -> n``: the n-th arrow drawn, for each drawn edge."""
        numbers = {}
        for node in self.nodes:
            for k, parent in enumerate(node.parents):
                if parent in self.index:
                    numbers[(node, k)] = len(numbers)
        return numbers

    def _paint_id(self, chosen: Paint) -> int:
        number = self._paint_index.get(chosen)
        if number is None:
            number = self._paint_index[chosen] = len(self.paints)
            self.paints.append(chosen)
        return number

    def _first_caption(self) -> str:
        follow = "1 step follows" if self.total == 1 else f"{self.total:,} steps follow"
        return (
            f"Start: the forward pass is done. Backward begins at {self.names[self.root]} with "
            f"the seed gradient {short(self.seed)}; the white dashed boxes are not reached yet. "
            f"{follow}, one per node (→ or space to go on)."
        )

    def _edge_line(self, parent, arithmetic, total, received) -> str:
        line = f"  {self.names[parent]} receives {arithmetic}"
        count = self.uses[parent]
        if count > 1:
            line += f"; sum so far: {short(total)} ({received} of {count} uses)"
        if not parent.parents and received == count and not is_constant(parent):
            line += f"; {self.names[parent]} is a leaf: its gradient is now final, {short(total)}"
        return line

    def _caption(self, step, lines) -> str:
        node, count = step.node, self.total
        head = f"Step {step.index + 1} of {count}: "
        where = "" if node in self.index else " (outside the picture)"
        if not node.parents:
            uses = self.uses[node]
            times = {0: "the seed: it is the output", 1: "from its one use"}.get(
                uses, f"the sum of its {uses} uses"
            )
            if is_constant(node):
                return head + (
                    f"the constant {self.names[node]}{where} is a leaf: nothing to pass on "
                    f"(its gradient, {short(step.upstream)}, changes nothing)."
                )
            return (
                head + f"{self.names[node]} is a leaf{where}: nothing to pass on. Its gradient "
                f"{self.derivative(node)} = {short(step.upstream)} is final ({times})."
            )
        return "\n".join(
            [
                head + f"visit {self.names.called(node)}{where}. Its gradient is "
                f"complete: {short(step.upstream)}. Each parent receives upstream × local:",
                *lines,
            ]
        )

    def derivative(self, node) -> str:
        """What a gradient of this pass is: ``d out / d w``, or from a seed other than 1
        (the gradient a loss sends back to ``out``), ``-2.0 (the seed) × d out / d w``."""
        output = visible(self.root.label) or "output"
        formula = f"d {output} / d {self.names[node]}"
        return formula if self.seed == 1.0 else f"{short(self.seed)} (the seed) × {formula}"

    def _box_sizes(self) -> list[tuple[float, float]]:
        """Width and height (points) of each box, for the widest text it will ever show."""
        sizes = []
        for node, (grad_chars, sum_chars) in zip(self.nodes, self._widest):
            if is_constant(node):
                sizes.append((text_width(short(node.data)) + 10.0, LINE + 6.0))
                continue
            chars = [len(f"data {short(node.data)}"), grad_chars, sum_chars]
            width = max(text_width(self.names.title(node)), text_width("x" * max(chars)))
            lines = 4 if sum_chars else 3
            sizes.append((width + 12.0, lines * LINE + 6.0))
        return sizes

    # --- the state of a frame, in Python (the page does the same in JavaScript) -----------
    def check_frame(self, k) -> int:
        """``k`` if it numbers a frame: a TypeError for what is not an int, an IndexError
        for an int outside 0 .. len(frames) - 1."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"k, the frame number, must be an int, got {type(k).__name__} {k!r}")
        if not 0 <= k < len(self.frames):
            raise IndexError(f"frame {k} does not exist: there are {len(self.frames)} frames")
        return k

    def _state(self, k: int) -> list[tuple[str, int, str]]:
        self.check_frame(k)
        state = list(self._start)
        for changes in self._changes[:k]:
            for i, _, text, paint_id, summed, _ in changes:
                state[i] = (text, paint_id, summed)
        return state

    def grads(self, k: int) -> dict:
        """Every node's gradient in frame ``k`` (0: the start; the last: what backward gives)."""
        if k == 0:
            grads = dict.fromkeys(self.steps[0].backward_pass.order, 0.0)
            grads[self.root] = self.seed
            return grads
        self._state(k)  # checks k
        return replay(self.steps[k - 1])[0]

    def svg(self, k: int | None = None, uid: str = "agl", marked: bool = True,
            window=None, at=None) -> str:  # fmt: skip
        """Frame ``k`` (default: the last) as SVG text, with the visited node outlined and
        the arithmetic on its edges (``marked=False``: the gradients only, as a still
        picture of the pass); ``window``: only that part; ``at``: placed there inside a
        bigger SVG (see ``Layout.svg``). Drawn from the one layout, no Graphviz needed."""
        k = len(self.frames) - 1 if k is None else k
        state = self._state(k)
        visit, hot = None, []
        if k > 0 and marked:
            step = self.steps[k - 1]
            visit = self.index.get(step.node)
            hot = [(i, edge, arithmetic) for i, edge, _, _, _, arithmetic in self._changes[k - 1]]
        return self.layout.svg(
            [self._box(node, state[i]) for i, node in enumerate(self.nodes)],
            uid,
            visit=visit,
            hot=hot,
            standalone=True,
            window=window,
            at=at,
        )

    def focus(self, k: int) -> list[int]:
        """The boxes frame ``k`` is about: the one visited first (the output's at the start,
        or when the visited node is not drawn), then those it sends gradients to."""
        step = self.steps[k - 1] if k > 0 else None
        visited = self.index.get(step.node if step else self.root, self.index.get(self.root, 0))
        parents = [parent for parent, _, _ in step.contributions] if step else []
        return [visited, *(self.index[p] for p in parents if p in self.index)]

    def _box(self, node, state) -> tuple:
        text, paint_id, summed = state
        if is_constant(node):
            return [short(node.data)], self.paints[paint_id], False
        lines = [self.names.title(node), f"data {short(node.data)}", text]
        lines += [summed] if summed else []
        return lines, self.paints[paint_id], bool(node.label)

    # --- the page ------------------------------------------------------------------------------
    def __len__(self):
        return len(self.frames)

    def __repr__(self):
        return (
            f"<BackpropAnimation: {len(self.frames)} frames, {len(self.nodes):,} of "
            f"{self.total:,} nodes drawn; .save(path) writes the page>"
        )

    def _repr_html_(self) -> str:
        return self.html_fragment(f"-{next(_display_count)}")

    def save(self, path) -> Path:
        """Write one HTML file that plays the animation offline, and return its path.

        The file is written atomically; its Content-Security-Policy lets it load nothing.
        """
        path = writable_path(path, "BackpropAnimation.save")  # before the frames are drawn
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>Backpropagation, step by step</title>\n</head>\n<body>\n"
            f"{self.html_fragment(page=True)}\n</body>\n</html>\n"
        )
        return write_atomic(path, page)

    def data(self) -> dict:
        """What the page's script needs: the start state, each step's changes, captions."""
        return {
            "paints": [[p.fill, p.ink, int(p.dashed)] for p in self.paints],
            "start": [list(s) for s in self._start],
            "steps": [
                [self.index.get(step.node, -1), int(not step.node.parents), changes]
                for step, changes in zip(self.steps, self._changes)
            ],
            "captions": [frame.caption for frame in self.frames],
            "root": self.index.get(self.root, -1),  # in sight at the start
        }

    def html_fragment(self, suffix: str = "", page: bool = False) -> str:
        """The player as one ``<div>`` with its own style, picture, data and script."""
        data = json.dumps(self.data(), ensure_ascii=False, separators=(",", ":"))
        data = data.replace("<", "\\u003c")  # no "</script>" can end the data early
        uid = "agl-" + hashlib.sha1(data.encode()).hexdigest()[:10] + suffix
        state = self._state(len(self.frames) - 1)
        svg = self.layout.svg([self._box(node, state[i]) for i, node in enumerate(self.nodes)], uid)
        note = ""
        if len(self.nodes) < self.total:
            note = (
                f'<p class="agl-note">Showing {len(self.nodes):,} of {self.total:,} nodes, those '
                f"nearest the output: {self.total - len(self.nodes):,} left out "
                f"({escape(visible(self.to_see_more))}). Every step still has its frame.</p>"
            )
        last = len(self.frames) - 1
        speed = 1000 if last <= 40 else 250
        options = "".join(
            f'<option value="{ms}"{" selected" if ms == speed else ""}>{name}</option>'
            for ms, name in ((2000, "slow"), (1000, "normal"), (250, "fast"), (60, "faster"),
                             (15, "fastest"))
        )  # fmt: skip
        # One height for every caption (the longest, within reason), so the picture below
        # never moves; a longer caption scrolls.
        lines = max(frame.caption.count("\n") for frame in self.frames) + 2
        title = f'<p class="agl-title">{escape(visible(self.title))}</p>' if self.title else ""
        return _TEMPLATE.format(
            uid=uid,
            title=title,
            caption_height=f"{1.3 * min(lines, 8):.1f}",
            last=last,
            options=options,
            caption=escape(self.frames[-1].caption),
            legend=legend_html(self.scale),
            note=note,
            svg=svg,
            data=data,
            page="true" if page else "false",
            pad=f"{CARD_PAD:g}",
        )


def text_width(text: str) -> float:
    """Points that ``text`` takes in the pictures' monospaced font (``labels.py``), which
    every renderer sets at the same width. The page squeezes any text that still doesn't fit."""
    return _width(text, BOX_SIZE)


_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"

_TEMPLATE = """<div id="{uid}" class="agl-animation" tabindex="0" role="group"
  aria-label="Backpropagation, step by step: the arrow keys step, space plays and pauses">
<style>
#{uid} {{ font-family: "DejaVu Sans", Verdana, Helvetica, Arial, sans-serif; }}
#{uid}:focus-visible {{ outline: 2px solid #1f5fbf; outline-offset: 2px; }}
#{uid} .agl-controls {{ display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center;
  margin: 0.3em 0; }}
#{uid} .agl-controls input[type=range] {{ flex: 1 1 14em; }}
#{uid} .agl-controls input[type=number] {{ width: 5em; }}
#{uid} .agl-caption {{ white-space: pre-wrap; height: {caption_height}em; overflow-y: auto;
  margin: 0.3em 0; font-size: 0.95em; line-height: 1.3; }}
#{uid} .agl-view {{ overflow: auto; max-height: 80vh; border: 1px solid #ddd; }}
#{uid}.agl-fit .agl-view svg {{ max-width: 100%; height: auto; }}
#{uid} .agl-note {{ font-size: 0.85em; color: #665; }}
#{uid} .agl-title {{ font-weight: bold; margin: 0.3em 0; }}
#{uid} .agl-node.agl-visit .agl-ring {{ stroke: #d62728; stroke-width: 3; }}
#{uid} .agl-node.agl-receive .agl-ring {{ stroke: #e66101; stroke-width: 1.5; }}
#{uid} .agl-edges path {{ fill: none; stroke: #777; stroke-width: 1; }}
#{uid} .agl-edges path.agl-hot {{ stroke: #d62728; stroke-width: 2.5;
  marker-end: url(#{uid}-hot); }}
#{uid} .agl-labels text {{ fill: #d62728; font-size: 10px; text-anchor: middle; }}
#{uid} .agl-labels rect {{ fill: #fff; }}
</style>
{title}<div class="agl-controls">
<button type="button" data-go="-1" title="previous step (←)">&#9664; previous</button>
<button type="button" data-go="play" title="play / pause (space)">play</button>
<button type="button" data-go="1" title="next step (→)">next &#9654;</button>
<input type="range" min="0" max="{last}" value="{last}" aria-label="step">
<label>step <input type="number" min="0" max="{last}" value="{last}"
  aria-label="go to step"></label><span class="agl-count">of {last}</span>
<label>speed <select>{options}</select></label>
<button type="button" data-go="zoom" title="fit the picture to the width, or full size">
zoom</button>
</div>
<p class="agl-caption" aria-live="polite">{caption}</p>
{legend}{note}
<div class="agl-view">
{svg}
</div>
<script type="application/json" class="agl-data">{data}</script>
<script>
(function () {{
  var box = document.getElementById("{uid}"), wholePage = {page};
  var data = JSON.parse(box.querySelector(".agl-data").textContent);
  var svg = box.querySelector("svg"), view = box.querySelector(".agl-view");
  var nodes = svg.querySelectorAll(".agl-node"), edges = svg.querySelectorAll(".agl-edges path");
  var labels = svg.querySelector(".agl-labels"), NS = "http://www.w3.org/2000/svg";
  var caption = box.querySelector(".agl-caption"), slider = box.querySelector("[type=range]");
  var number = box.querySelector("[type=number]"), speed = box.querySelector("select");
  var play = box.querySelector('[data-go="play"]');
  var rects = [], grads = [], sums = [], shown = [], lit = [];
  var last = data.captions.length - 1, at = -1, timer = null;
  nodes.forEach(function (node) {{
    rects.push(node.querySelector("rect"));
    grads.push(node.querySelector(".agl-g"));
    sums.push(node.querySelector(".agl-s"));
    shown.push([null, null, null]);
  }});
  function fit(text, rect) {{  // squeeze a text that a narrow font still makes too wide
    text.removeAttribute("textLength");
    var room = rect.width.baseVal.value - 6;
    if (text.getComputedTextLength() > room) {{
      text.setAttribute("textLength", room);
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }}
  }}
  function stateAt(k) {{
    var state = data.start.slice();
    for (var j = 0; j < k; j++) data.steps[j][2].forEach(function (c) {{
      state[c[0]] = [c[2], c[3], c[4]];
    }});
    return state;
  }}
  function label(edge, text, placed) {{  // on an opaque white card, centred on the arrow
    var p = edge.getPointAtLength(edge.getTotalLength() / 2), y = p.y;
    var half = 3 * text.length + {pad};  // half the card's width: 10 px type, 0.6 em a letter
    function near(q) {{ return Math.abs(q[0] - p.x) < q[2] + half && Math.abs(q[1] - y) < 14; }}
    while (placed.some(near)) y += 15;
    placed.push([p.x, y, half]);
    var card = document.createElementNS(NS, "rect"), t = document.createElementNS(NS, "text");
    t.setAttribute("x", p.x.toFixed(1));
    t.setAttribute("y", (y + 3.5).toFixed(1));
    t.textContent = text;
    labels.appendChild(card);
    labels.appendChild(t);
    var box = t.getBBox();
    card.setAttribute("x", (box.x - {pad}).toFixed(1));  // the arrow stops short of the text
    card.setAttribute("y", (box.y - 1).toFixed(1));
    card.setAttribute("width", (box.width + 2 * {pad}).toFixed(1));
    card.setAttribute("height", (box.height + 2).toFixed(1));
  }}
  function show(k) {{
    k = Math.max(0, Math.min(last, Math.round(k) || 0));  // a whole step: 2.5 typed is 3
    var state = stateAt(k);
    state.forEach(function (s, i) {{
      var was = shown[i];
      if (grads[i] && was[0] !== s[0]) {{ grads[i].textContent = s[0]; fit(grads[i], rects[i]); }}
      if (was[1] !== s[1]) {{
        var paint = data.paints[s[1]];
        rects[i].setAttribute("fill", paint[0]);
        nodes[i].setAttribute("fill", paint[1]);
        if (paint[2]) rects[i].setAttribute("stroke-dasharray", "4 3");
        else rects[i].removeAttribute("stroke-dasharray");
      }}
      if (sums[i] && was[2] !== s[2]) {{ sums[i].textContent = s[2]; fit(sums[i], rects[i]); }}
      shown[i] = s;
    }});
    lit.forEach(function (el) {{ el.classList.remove("agl-visit", "agl-receive", "agl-hot"); }});
    lit = [];
    labels.textContent = "";
    if (k > 0) {{
      var step = data.steps[k - 1], placed = [];
      step[2].forEach(function (c) {{
        nodes[c[0]].classList.add("agl-receive");
        lit.push(nodes[c[0]]);
        if (c[1] >= 0) {{ edges[c[1]].classList.add("agl-hot"); lit.push(edges[c[1]]); }}
      }});
      step[2].forEach(function (c) {{ if (c[1] >= 0) label(edges[c[1]], c[5], placed); }});
      if (step[0] >= 0) {{
        nodes[step[0]].classList.add("agl-visit");
        lit.push(nodes[step[0]]);
        follow([nodes[step[0]]].concat(step[2].map(function (c) {{ return nodes[c[0]]; }})));
      }}
    }} else if (data.root >= 0) follow([nodes[data.root]]);  // where backward begins
    at = k;
    caption.textContent = data.captions[k];
    slider.value = k;
    number.value = k;
  }}
  function follow(boxes) {{  // scroll a big picture so that the visited box (the first)
    // and the boxes it sends to are in sight; the visited one alone when they cannot all be
    var v = view.getBoundingClientRect(), first = boxes[0].getBoundingClientRect();
    var all = boxes.map(function (b) {{ return b.getBoundingClientRect(); }});
    function span(low, high, size) {{
      var a = Math.min.apply(null, all.map(function (r) {{ return r[low]; }}));
      var b = Math.max.apply(null, all.map(function (r) {{ return r[high]; }}));
      return b - a <= size ? [a, b] : [first[low], first[high]];
    }}
    var x = span("left", "right", v.width), y = span("top", "bottom", v.height);
    if (x[0] < v.left || x[1] > v.right) view.scrollLeft += (x[0] + x[1] - v.left - v.right) / 2;
    if (y[0] < v.top || y[1] > v.bottom) view.scrollTop += (y[0] + y[1] - v.top - v.bottom) / 2;
  }}
  function dwell() {{  // a leaf passes nothing on: its frame goes by quickly
    var ms = Number(speed.value);
    return at < last && data.steps[at][1] ? ms / 4 : ms;
  }}
  function stop() {{ clearTimeout(timer); timer = null; play.textContent = "play"; }}
  function tick() {{
    if (at >= last) {{ stop(); return; }}
    show(at + 1);
    timer = setTimeout(tick, dwell());
  }}
  function toggle() {{
    if (timer) {{ stop(); return; }}
    if (at === last) show(0);
    play.textContent = "pause";
    timer = setTimeout(tick, dwell());
  }}
  box.querySelectorAll("button").forEach(function (button) {{
    button.addEventListener("click", function () {{
      var go = button.getAttribute("data-go");
      if (go === "play") toggle();
      else if (go === "zoom") box.classList.toggle("agl-fit");
      else {{ stop(); show(at + Number(go)); }}
    }});
  }});
  slider.addEventListener("input", function () {{ stop(); show(Number(slider.value)); }});
  number.addEventListener("change", function () {{ stop(); show(Number(number.value)); }});
  function key(event) {{
    var tag = event.target.tagName, type = event.target.type;
    // the number box and the menu keep their keys; the slider its arrows, not space
    if (tag === "SELECT" || type === "number" || (type === "range" && event.key !== " ")) return;
    if (tag === "BUTTON" && (event.key === " " || event.key === "Enter")) return;
    var moves = {{ ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }};
    if (event.key in moves) {{ stop(); show(at + moves[event.key]); }}
    else if (event.key === " ") toggle();
    else if (event.key === "Home") {{ stop(); show(0); }}
    else if (event.key === "End") {{ stop(); show(last); }}
    else return;
    event.preventDefault();
  }}
  (wholePage ? document : box).addEventListener("keydown", key);
  var natural = svg.width.baseVal.value;
  if (natural * 0.5 <= view.clientWidth) box.classList.add("agl-fit");  // fit if still legible
  var asked = wholePage && /step=([0-9]+)/.exec(location.hash);  // backprop.html#step=4
  show(asked ? Number(asked[1]) : 0);
}})();
</script>
</div>"""
