"""Lay a graph out once with Graphviz, then draw it as SVG as often as you like.

Graphviz is good at one thing we need, placing boxes and routing arrows, and slow at it on
big graphs. So ``lay_out`` asks it once, for boxes of sizes we choose (``-Tplain`` answers
with positions only), and ``Layout.svg`` draws any number of frames from that answer in
plain Python: same places, same sizes, only the words and colours differ.

Coordinates are in points (1/72 inch), with y growing downwards as in SVG.
"""

from __future__ import annotations

import math
from collections import Counter
from html import escape

from .labels import EDGE_SIZE as LABEL_SIZE
from .labels import FONT, text_width
from .programs import run_graphviz

#: Text lines in a box: 11 pt type on 14 pt lines, 3 pt of padding above and below.
FONT_SIZE, LINE, PAD = 11.0, 14.0, 3.0
FONTS = f"{FONT}, Cousine, Liberation Mono, DejaVu Sans Mono, monospace"
#: A box with more arrows than this leaving it (a weight read by every sample, the x of
#: x*x*...*x) gives Graphviz only one of them: many long arrows from one box are what makes
#: a layout slow (each becomes a chain of hidden nodes). The others are drawn straight.
MANY_USES = 3
#: Above this many boxes, Graphviz draws straight arrows and tries less hard to untangle
#: crossings: the layout takes a second instead of many.
QUICK_FROM = 150
STROKE, VISIT, RECEIVE = "#555555", "#d62728", "#e66101"
#: The visited box and those it sends to are ringed a gap outside their own outline, so the
#: ring shows on the page whatever the fill (an orange ring on an orange box, a red one on a
#: fill as light as red in grey): a thick red ring, a thin orange one (each at least 3:1
#: against white). ``RING_GAP`` is the page between the box and the ring's inner edge.
VISIT_WIDTH, RECEIVE_WIDTH, RING_GAP = 3.0, 1.5, 2.0
#: What each ring says, in the key beside a step picture's colour scale (``draw_step``, the
#: animation, the stepper): the rings are not shades of |grad|, and an orange ring could
#: otherwise be read as a positive gradient.
RING_WORDS = {"visit": "the node this step visits", "receive": "a parent it sends to"}
#: Page around the picture: room for the ring of a box at its edge (which reaches 5.5 out).
MARGIN = 6.0
#: An arrow's arithmetic stands on an opaque white card centred on the arrow, this much wider
#: than the text on each side: the arrow stops short of the text, as in ``draw_step``, and
#: never runs on through it.
CARD_PAD = 4.0


class Layout:
    """Where each box and each arrow goes. ``boxes[i]`` is ``(x, y, width, height)`` of box
    i (top left corner); ``edges[n]`` is ``(path, (x, y))``: the n-th arrow as SVG path data
    and the point half way along it, where its label goes."""

    def __init__(self, width: float, height: float, boxes: list, edges: list):
        self.width = width
        self.height = height
        self.boxes = boxes
        self.edges = edges

    def svg(self, contents, uid, visit=None, hot=(), standalone=False, window=None,
            at=None) -> str:  # fmt: skip
        """Draw one frame. ``contents[i]`` is ``(lines, paint, bold_title)`` for box i, where
        ``paint`` has ``fill``, ``ink`` and ``dashed``; ``visit`` is the box to outline;
        ``hot`` lists ``(box, edge, label)`` for the boxes receiving and their arrows.

        ``standalone`` writes the outline colours into the SVG itself (for a file or a
        notebook output); without it the page's style sheet and script supply them.
        ``window``, ``(left, top, width, height)``, shows only that part, at full size.
        ``at``, ``(x, y)``: the picture placed there inside a bigger SVG, at its scale (a
        size in that SVG's units, not in points).
        """
        receiving = {box for box, _, _ in hot}
        hot_edges = {edge: label for _, edge, label in hot if edge >= 0}
        namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
        left, top, width, height = window or (0, 0, self.width, self.height)
        unit, place = "pt", ""
        if at is not None:
            unit, place = "", f'x="{at[0]:.0f}" y="{at[1]:.0f}" '
        out = [
            f'<svg{namespace} class="agl-graph" {place}width="{width:.0f}{unit}" '
            f'height="{height:.0f}{unit}" '
            f'viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
            f'font-family="{FONTS}" font-size="{FONT_SIZE:g}">',
            "<defs>",
            _marker(f"{uid}-arrow", "#777777"),
            _marker(f"{uid}-hot", VISIT),
            "</defs>",
            f'<g class="agl-edges" fill="none" stroke="#777777" marker-end="url(#{uid}-arrow)">',
        ]
        for n, (path, _) in enumerate(self.edges):
            if n in hot_edges and standalone:
                out.append(f'<path class="agl-hot" stroke="{VISIT}" stroke-width="2.5" '
                           f'marker-end="url(#{uid}-hot)" d="{path}"/>')  # fmt: skip
            else:
                out.append(f'<path d="{path}"/>')
        out.append('</g>\n<g class="agl-nodes" text-anchor="middle">')
        for i, (place, content) in enumerate(zip(self.boxes, contents)):
            out.append(_box(place, content, _outline(i, visit, receiving), standalone))
        out.append("</g>")
        if standalone:  # each label on a white card, centred on its arrow (``CARD_PAD``)
            out.append(f'<g class="agl-labels" fill="{VISIT}" font-size="{LABEL_SIZE}" '
                       'text-anchor="middle">')  # fmt: skip
            placed = []  # (x, y, half width) of each card so far
            for edge, label in hot_edges.items():
                x, y = self.edges[edge][1]
                width = text_width(label, LABEL_SIZE) + 2 * CARD_PAD
                y = _below_others(x, y, width / 2, placed)
                card = (f'<rect x="{x - width / 2:.1f}" y="{y - 7:.1f}" width="{width:.1f}" '
                        'height="14" fill="#ffffff"/>')  # fmt: skip
                out.append(f'{card}<text x="{x:.1f}" y="{y + 3.5:.1f}">{escape(label)}</text>')
            out.append("</g>")
        else:
            out.append('<g class="agl-labels"></g>')
        out.append("</svg>")
        return "\n".join(out)

    def window_around(self, boxes: list[int], width: float, height: float) -> tuple:
        """``(left, top, width, height)``: a window of at most that size on ``boxes``, centred
        on them as far as the picture's edges allow; when they do not all fit, the first
        one stays in it."""
        width, height = min(width, self.width), min(height, self.height)
        places = [self.boxes[i] for i in boxes]
        x, y, w, h = places[0]

        def start(low, high, size, first, first_size, total):
            centred = (low + high) / 2 - size / 2
            centred = min(max(centred, first + first_size - size), first)  # the first in sight
            return min(max(centred, 0.0), total - size)

        left = start(min(p[0] for p in places), max(p[0] + p[2] for p in places), width,
                     x, w, self.width)  # fmt: skip
        top = start(min(p[1] for p in places), max(p[1] + p[3] for p in places), height,
                    y, h, self.height)  # fmt: skip
        return left, top, width, height


def _below_others(x, y, half, placed) -> float:
    """Where a label card centred at ``(x, y)``, ``2 * half`` wide, goes: moved down a line
    at a time while it would overlap one ``placed`` already (two arrows side by side, the
    two uses of ``b`` in ``b * b``), as the page's script moves it. Adds it to ``placed``."""
    while any(abs(qx - x) < q_half + half and abs(qy - y) < 14 for qx, qy, q_half in placed):
        y += 15
    placed.append((x, y, half))
    return y


def _outline(i, visit, receiving) -> tuple[str, str, str]:
    """How box i is ringed in this frame: its class, the ring's colour and width."""
    if i == visit:
        return "agl-node agl-visit", VISIT, VISIT_WIDTH
    if i in receiving:
        return "agl-node agl-receive", RECEIVE, RECEIVE_WIDTH
    return "agl-node", "none", 0.0


def _box(place, content, outline, standalone) -> str:
    """One box: a rounded rectangle and its lines (title, data, grad, sum so far)."""
    (x, y, w, h), (lines, paint, bold), (kind, ring, width) = place, content, outline
    if not standalone:  # the page's style sheet rings the boxes
        ring, width = "none", 0.0
    out = VISIT_WIDTH / 2 + RING_GAP + 0.5  # (one place for both rings; 0.5: the box outline)
    ring = (f'<rect class="agl-ring" x="{-out:g}" y="{-out:g}" width="{w + 2 * out:.1f}" '
            f'height="{h + 2 * out:.1f}" rx="{3 + out:g}" fill="none" stroke="{ring}" '
            f'stroke-width="{width:g}"/>')  # fmt: skip
    dash = ' stroke-dasharray="4 3"' if paint.dashed else ""
    texts = []
    for j, line in enumerate(lines):
        role = {0: ' font-weight="bold"' if bold else ' font-style="italic"',
                2: ' class="agl-g"', 3: ' class="agl-s"'}.get(j, "")  # fmt: skip
        baseline = PAD + LINE * j + FONT_SIZE
        texts.append(f'<text x="{w / 2:.1f}" y="{baseline:.1f}"{role}>{escape(line)}</text>')
    return (
        f'<g class="{kind}" transform="translate({x:.1f},{y:.1f})" fill="{paint.ink}">'
        f'<rect width="{w:.1f}" height="{h:.1f}" rx="3" fill="{paint.fill}" stroke="{STROKE}" '
        f'stroke-width="1"{dash}/>{ring}' + "".join(texts) + "</g>"
    )


def _marker(name, color) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0L10,5L0,10z" fill="{color}" stroke="none"/></marker>'
    )


def lay_out(nodes, index, sizes, rankdir="LR", gap=86.0, timeout=None) -> Layout:
    """Ask Graphviz once where to put ``nodes`` (boxes of ``sizes`` in points) and the
    arrows from each drawn parent to its child (one per use, in operand order).

    ``gap``: the room between ranks, in points, so that the arithmetic written on an arrow
    fits along it. A big graph gets less room and straight arrows: it must lay out quickly.
    """
    quick = len(nodes) > QUICK_FROM
    lines = [
        "digraph layout {",
        f"graph [rankdir={rankdir} nodesep=0.18"
        + (
            " ranksep=0.4 splines=line mclimit=0.05 nslimit=0.5 nslimit1=0.5 searchsize=5"
            if quick
            else f" ranksep={gap / 72:.3f}"
        )
        + "];",
        'node [shape=box fixedsize=true label=""];',
        "edge [arrowhead=none];",
    ]
    # (declared from the inputs up, as draw_dot's picture meets them: Graphviz then stacks
    # the inputs in the same order, so a picture and its animation look alike)
    for i, (width, height) in reversed(list(enumerate(sizes))):
        lines.append(f"v{i} [width={width / 72:.4f} height={height / 72:.4f}];")
    arrows = [(index[p], index[node]) for node in nodes for p in node.parents if p in index]
    routed = _routed(arrows)
    lines += [f"v{p} -> v{c};" for (p, c), route in zip(arrows, routed) if route]
    lines.append("}")
    answer = run_graphviz("\n".join(lines), "plain", timeout=timeout).decode("utf-8")
    return _read_plain(answer, len(nodes), arrows, routed)


def _routed(arrows) -> list[bool]:
    """Which arrows Graphviz routes: all but those of a box with more than ``MANY_USES``
    arrows leaving it, of which only the one to its earliest use (the child furthest from
    the output, so the box stays left of its uses)."""
    uses = Counter(p for p, _ in arrows)
    earliest = {}
    for p, c in arrows:
        if uses[p] > MANY_USES:
            earliest[p] = max(earliest.get(p, -1), c)
    return [uses[p] <= MANY_USES or c == earliest[p] for p, c in arrows]


def _read_plain(answer: str, count: int, arrows: list, routed: list) -> Layout:
    """Graphviz's ``-Tplain`` answer (inches, y up) as a Layout (points, y down); the
    arrows Graphviz did not route are drawn from box to box (``_straight_arrow``)."""
    margin = MARGIN
    height = 0.0
    boxes = [None] * count
    routes: dict[tuple, list] = {}
    for line in answer.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "graph":
            width, height = float(parts[2]) * 72, float(parts[3]) * 72
        elif parts[0] == "node":
            x, y, w, h = (float(v) * 72 for v in parts[2:6])
            boxes[int(parts[1][1:])] = (x - w / 2 + margin, height - y - h / 2 + margin, w, h)
        elif parts[0] == "edge":
            n = int(parts[3])
            coords = [float(v) * 72 for v in parts[4 : 4 + 2 * n]]
            points = [
                (coords[k] + margin, height - coords[k + 1] + margin) for k in range(0, 2 * n, 2)
            ]
            routes.setdefault((int(parts[1][1:]), int(parts[2][1:])), []).append(points)
    edges = []
    for (p, c), route in zip(arrows, routed):  # a repeated operand: its arrows in turn
        points = routes[(p, c)].pop(0) if route else _straight_arrow(boxes[p], boxes[c])
        edges.append((_path(points), _middle(points)))
    return Layout(width + 2 * margin, height + 2 * margin, boxes, edges)


def _straight_arrow(start, end) -> list:
    """An arrow from the border of box ``start`` to the border of box ``end``, bowed a
    little to its left (so that the many arrows of one box along a row stay apart), as the
    four points of a Bézier piece."""
    a = _border(start, _centre(end))
    b = _border(end, _centre(start))
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    bow = min(0.12 * length, 40.0) / length
    nx, ny = (b[1] - a[1]) * bow, (a[0] - b[0]) * bow  # a normal, ``bow * length`` long
    one, two = _between(a, b, 1 / 3), _between(a, b, 2 / 3)
    return [a, (one[0] + nx, one[1] + ny), (two[0] + nx, two[1] + ny), b]


def _centre(box):
    x, y, w, h = box
    return (x + w / 2, y + h / 2)


def _between(a, b, t):
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _border(box, towards):
    """Where the line from the centre of ``box`` to the point ``towards`` leaves the box."""
    (cx, cy), (_, _, w, h) = _centre(box), box
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        return (cx, cy)
    t = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
    return (cx + dx * t, cy + dy * t)


def _path(points) -> str:
    """SVG path data for a Graphviz spline (cubic Bézier pieces); a straight one as a line."""
    text = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    if len(points) == 4 and _straight(points):
        return text[0] + f"L{points[3][0]:.1f},{points[3][1]:.1f}"
    for k in range(1, len(points) - 2, 3):
        text.append("C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in points[k : k + 3]))
    return "".join(text)


def _straight(points) -> bool:
    """True when the two control points lie within half a point of the chord."""
    (x0, y0), (x3, y3) = points[0], points[3]
    length = math.hypot(x3 - x0, y3 - y0) or 1.0
    return all(abs((x3 - x0) * (y - y0) - (y3 - y0) * (x - x0)) / length < 0.5
               for x, y in points[1:3])  # fmt: skip


def _middle(points) -> tuple[float, float]:
    """The point half way along a Bézier spline (the middle of its middle piece)."""
    pieces = (len(points) - 1) // 3
    k = 3 * (pieces // 2)
    if pieces % 2 == 0:  # an even number of pieces meet at the middle
        return points[k]
    p0, p1, p2, p3 = points[k : k + 4]
    return tuple(0.125 * a + 0.375 * b + 0.375 * c + 0.125 * d
                 for a, b, c, d in zip(p0, p1, p2, p3))  # fmt: skip
