"""``backprop_animation``: the backward pass as a slide show, one frame per step.

Frame 0 is the graph after the forward pass, with only the seed gradient at the output.
Each further frame is ``draw_step`` for one step of ``backward_steps``, captioned with that
step's arithmetic. The last frame holds the gradients ``backward()`` gives.

Everything goes into one HTML file: the frames as inline SVG, a few lines of CSS, and a
few lines of JavaScript for the previous / next / play buttons. No network, no scripts or
fonts from elsewhere, so the file works offline and can be mailed to a friend.

Your numbers are left alone: the animation shows one backward pass that starts from zero
gradients (as after ``zero_grad``), and puts every ``.grad`` back as it found it.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from ..graph import topological_order
from ..steps import Step, backward_steps, formula, name_of, short, use_counts
from ..value import Value, as_real
from .dot import _draw, draw_dot, nearest_nodes
from .programs import to_svg

_display_count = itertools.count(1)  # to tell apart two animations in one notebook


class Frame:
    """One frame: ``caption`` (text), ``svg`` (the picture), ``grads`` (node -> gradient at
    this moment, for each node drawn; the last frame has every node's) and the ``step`` it
    shows (None for the first and for a closing summary frame)."""

    __slots__ = ("caption", "svg", "grads", "step")

    def __init__(self, caption, svg, grads, step):
        self.caption = caption
        self.svg = svg
        self.grads = grads
        self.step = step

    def __repr__(self):
        return f"Frame({self.caption!r})"


def caption(step: Step, count: int) -> str:
    """The arithmetic of one step in words."""
    node = step.node
    head = f"Step {step.index + 1} of {count}: "
    if not step.contributions:
        return head + f"{name_of(node)} is a leaf; its gradient is final: {short(step.upstream)}."
    sends = "; ".join(
        f"{name_of(parent)} receives {short(step.upstream)} × {short(local)} = {short(product)}"
        f" (its sum so far: {short(total)})"
        for (parent, local, product), total in zip(step.contributions, step.running)
    )
    return (
        head + f"visit {name_of(node)} = {formula(node)}, whose gradient is complete: "
        f"{short(step.upstream)}. {sends}."
    )


def backprop_animation(
    root: Value, gradient=1.0, rankdir: str = "LR", max_frames: int = 300, max_nodes: int = 100
) -> BackpropAnimation:
    """Step through the backward pass of ``root``: show it in Jupyter, or ``.save(path)``.

    One frame for the seed, then one per step. Each frame draws at most ``max_nodes`` boxes
    (the ones nearest the output), and at most ``max_frames`` frames are drawn: a bigger
    graph shows its first steps one by one, skipping those whose node is outside the picture,
    then a last frame with the finished pass. So a huge graph never hangs. Needs a Graphviz
    program (the frames are drawn now, several at once). Every ``.grad`` is left as it was.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backprop_animation needs a Value, got {type(root).__name__}")
    if max_frames < 3:
        raise ValueError(f"backprop_animation: max_frames must be at least 3, got {max_frames}")
    order = topological_order(root)
    limit = len(order) if len(order) + 1 <= max_frames else max_frames - 2  # steps to draw
    saved = [node.grad for node in order]
    try:
        for node in order:  # one pass from zero, as after zero_grad
            node.grad = 0.0
        root.grad = as_real(gradient, "backprop_animation(gradient)")
        # Worked out once for the whole pass, so each frame costs the same in any graph.
        nodes, total = nearest_nodes(root, max_nodes)
        uses = use_counts(order)
        received = dict.fromkeys(nodes, 0)  # products received so far, per drawn node
        start = "Start: the forward pass is done; the output's gradient is the seed, "
        pictures = [draw_dot(root, rankdir=rankdir, highlight=root, max_nodes=max_nodes)]
        frames = [Frame(f"{start}{short(root.grad)}.", None, {n: n.grad for n in nodes}, None)]
        root.grad = 0.0
        drawn = 0  # steps drawn so far; a step whose node is outside the picture is skipped
        for step in backward_steps(root, gradient):
            for parent, _, _ in step.contributions:
                if parent in received:
                    received[parent] += 1
            if drawn < limit and step.node in received:
                grads = {node: node.grad for node in nodes}
                scene = (nodes, total, uses, grads, dict(received))
                pictures.append(
                    _draw(root, rankdir, True, "grad", max_nodes, {step.node}, step, scene)
                )
                frames.append(Frame(caption(step, len(order)), None, grads, step))
                drawn += 1
        if drawn < len(order):
            pictures.append(draw_dot(root, rankdir=rankdir, max_nodes=max_nodes))
            words = (
                f"{len(order) - drawn:,} of the {len(order):,} steps were not drawn one by one "
                "(their node is outside the picture, or there were too many). "
                "The pass is complete: every gradient is now what backward() gives."
            )
            frames.append(Frame(words, None, {node: node.grad for node in order}, None))
    finally:
        for node, grad in zip(order, saved):
            node.grad = grad
    # Graphviz draws each frame in its own process: run as many at once as we have cores.
    with ThreadPoolExecutor(max_workers=_usable_cores()) as pool:
        for frame, svg in zip(frames, pool.map(to_svg, pictures)):
            frame.svg = svg
    return BackpropAnimation(frames)


def _usable_cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container), at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


class BackpropAnimation:
    """The frames of one backward pass, as a small self-contained HTML player."""

    def __init__(self, frames: list[Frame]):
        self.frames = frames

    def __len__(self):
        return len(self.frames)

    def __repr__(self):
        return f"<BackpropAnimation: {len(self.frames)} frames>"

    def _repr_html_(self) -> str:
        return self.html_fragment(f"-{next(_display_count)}")

    def save(self, path) -> Path:
        """Write one HTML file that plays the animation offline, and return its path."""
        path = Path(path)
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>Backpropagation, step by step</title>\n</head>\n<body>\n"
            f"{self.html_fragment()}\n</body>\n</html>\n"
        )
        path.write_text(page, encoding="utf-8")
        return path

    def html_fragment(self, suffix: str = "") -> str:
        """The player as one ``<div>`` with its own style and script."""
        frames = "\n".join(
            f'<div class="agl-frame{" agl-on" if i == 0 else ""}">'
            f'<p class="agl-caption">{escape(frame.caption)}</p>{_inline(frame.svg)}</div>'
            for i, frame in enumerate(self.frames)
        )
        uid = "agl-" + hashlib.sha1(frames.encode()).hexdigest()[:10] + suffix
        return _TEMPLATE.format(uid=uid, frames=frames, last=len(self.frames) - 1)


def _inline(svg: str) -> str:
    """An SVG file's text without the XML prologue, ready to sit inside HTML.

    The namespace declarations go too: inside HTML an ``<svg>`` is SVG anyway, and the page
    then names no web address at all.
    """
    svg = svg[svg.index("<svg") :]
    for declaration in (' xmlns="http://www.w3.org/2000/svg"',
                        ' xmlns:xlink="http://www.w3.org/1999/xlink"'):  # fmt: skip
        svg = svg.replace(declaration, "", 1)
    return svg


_TEMPLATE = """<div id="{uid}" class="agl-animation">
<style>
#{uid} {{ font-family: sans-serif; }}
#{uid} .agl-frame {{ display: none; }}
#{uid} .agl-frame.agl-on {{ display: block; }}
#{uid} .agl-caption {{ min-height: 3em; max-width: 60em; }}
#{uid} svg {{ max-width: 100%; height: auto; }}
</style>
<noscript><style>#{uid} .agl-frame {{ display: block; }}</style></noscript>
<div class="agl-controls">
<button type="button" data-go="-1">&#9664; previous</button>
<button type="button" data-go="play">play</button>
<button type="button" data-go="1">next &#9654;</button>
<span class="agl-count">0 / {last}</span>
</div>
{frames}
<script>
(function () {{
  var box = document.getElementById("{uid}");
  var frames = box.querySelectorAll(".agl-frame");
  var count = box.querySelector(".agl-count");
  var play = box.querySelector('[data-go="play"]');
  var at = 0, timer = null;
  function show(k) {{
    frames[at].classList.remove("agl-on");
    at = Math.max(0, Math.min(frames.length - 1, k));
    frames[at].classList.add("agl-on");
    count.textContent = at + " / " + (frames.length - 1);
  }}
  function stop() {{ clearInterval(timer); timer = null; play.textContent = "play"; }}
  box.querySelectorAll("button").forEach(function (button) {{
    button.addEventListener("click", function () {{
      var go = button.getAttribute("data-go");
      if (go !== "play") {{ stop(); show(at + Number(go)); return; }}
      if (timer) {{ stop(); return; }}
      if (at === frames.length - 1) show(0);
      play.textContent = "pause";
      timer = setInterval(function () {{
        if (at === frames.length - 1) stop(); else show(at + 1);
      }}, 1200);
    }});
  }});
}})();
</script>
</div>"""
