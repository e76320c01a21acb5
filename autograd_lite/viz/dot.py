"""``draw_dot`` and ``draw_step``: the computation graph as a picture.

Every Value is a box: its name (its label, or the expression that made it, ``x*w + b``),
its data and its grad, filled by the colour rules of ``colors.py`` (legend included).
Every operation is a small circle between its operands and its result, one arrow per
operand (``a * a`` has two arrows from ``a``); where the order of the operands matters
(``-``, ``/``, ``**``, your own ops) the arrows are marked ``1st``, ``2nd``, ... A constant
(an unlabelled leaf, such as the ``2`` of ``2*x``) is a small grey box with just its
number: it has no gradient worth showing.

A ``dot`` node (a neuron's weighted sum, ``ag.dot``) can be drawn expanded: each product
``w.0*x.0`` as a box of its own feeding a ``+``, and the bias (the weight paired with the
constant 1) arriving as the bias. That is the default for small pictures. A small picture
that keeps a ``dot`` node whole (``expand_dots=False``) writes on each arrow into it what
that operand is multiplied by: "×x1" on the arrow from ``w.0``, "×w.0" on the one from
``x1``, so the pairs can be read off.

Shaped to be quick to lay out: a node used more than ``REPEAT_LIMIT`` times (the ``x`` of
``x*x*...*x``, an input read by every neuron) is drawn again beside each use instead of
sending one long arrow to each, which Graphviz is slow to untangle.

A graph of more than ``max_nodes`` Values is summarised: only the ``summary_nodes`` Values
nearest the output are drawn (40 by default; for a step far from the output, those nearest
the node it visits), with a note saying how many were left out. A learner needs to see how
the output is made, not 500 boxes: a chain of 500 Values is a picture some 85,000 points
wide that takes minutes to turn into a PNG, while 40 draw in about a second. Nothing here
recurses and nothing here runs Graphviz (that is ``programs.py``).
"""

from __future__ import annotations

import textwrap
from collections import deque

from ..graph import topological_order
from ..names import (
    OPERAND_BINDING,
    bracketed,
    dot_pairs,
    expression,
    is_bias_pair,
    is_constant,
    operands,
    paired_name,
    product_text,
    short,
    short_label,
)
from ..reals import as_flag, shown
from ..steps import Step, replay, use_counts
from ..value import Value
from .colors import HIGHLIGHT, PLAIN_FILL, GradScale, outline_style, text_color
from .labels import BOX_SIZE, EDGE_SIZE, FONT, NOTE_SIZE, clip, escape, visible
from .layout import RECEIVE, RECEIVE_WIDTH, RING_GAP, RING_WORDS, VISIT_WIDTH
from .programs import Picture

#: A node used more often than this is drawn once per use (see the module docstring).
REPEAT_LIMIT = 3
#: ``expand_dots=None`` expands the dot nodes of pictures of at most this many Values; in
#: such a picture a dot node left whole has its pairs marked on its arrows ("×x1" from w.0).
EXPAND_UP_TO = 60
#: How many Values a summary of a graph bigger than ``max_nodes`` shows (module docstring).
SUMMARY_NODES = 40
#: Longest label written in a box (labels are data: a huge one must not make a huge box).
MAX_LABEL = 40
#: An op's name up to this long is drawn in a circle, a longer one in an oval of one line,
#: cut to ``MAX_OP_LABEL`` characters.
CIRCLE_CHARS, MAX_OP_LABEL = 4, 24
CONSTANT_INK = "#555555"
#: A box is its HTML table and nothing more: no margin, and no minimum size (Graphviz's
#: default, 0.75 x 0.5 inch, would leave a gap between a small box and its arrows).
BOX = {"shape": "plaintext", "margin": "0", "width": "0", "height": "0"}
#: A highlighted box (the step's node, or one given to ``highlight``) keeps its own outline
#: and is ringed in red a gap of page outside it, as in the animation: a red outline on the
#: box itself merges, in grey or for a red-blind reader, with a fill as light as the red.
#: A box the step sends to is ringed the same way, thinner and orange, as in the animation
#: (Graphviz draws borders in whole points: 2 for the animation's 1.5).
RINGS = {
    kind: f'<TABLE BORDER="{width:.0f}" COLOR="{colour}" CELLBORDER="0" '
    f'CELLSPACING="{RING_GAP:.0f}" CELLPADDING="0"'
    for kind, width, colour in (
        ("visit", VISIT_WIDTH, HIGHLIGHT),
        ("receive", RECEIVE_WIDTH, RECEIVE),
    )
}
#: The first half of an arrow that carries text (``_Drawing._via``): no arrowhead.
TO_TEXT = {"arrowhead": "none"}


def nearest_nodes(root: Value, max_nodes: int) -> tuple[list[Value], int]:
    """The first ``max_nodes`` Values met going back from ``root`` breadth first, and how
    many Values the graph has in all."""
    kept, seen = [], {root}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if len(kept) < max_nodes:
            kept.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return kept, len(seen)


def nodes_around(node: Value, order, count: int) -> list[Value]:
    """The first ``count`` Values met going out from ``node`` breadth first, both ways: to
    its operands and to the results it is used in (``order``: the graph's Values)."""
    users = {}
    for result in order:
        for parent in result.parents:
            users.setdefault(parent, []).append(result)
    kept, seen = [], {node}
    queue = deque([node])
    while queue and len(kept) < count:
        here = queue.popleft()
        kept.append(here)
        for other in (*here.parents, *users.get(here, ())):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return kept


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    color_by: str | None = "grad",
    max_nodes: int = 500,
    highlight=None,
    expand_dots: bool | None = None,
    *,
    scale: GradScale | None = None,
    summary_nodes: int = SUMMARY_NODES,
    title: str | None = None,
    to_see_more: str | None = None,
) -> Picture:
    """The graph behind ``root`` as a ``graphviz.Digraph`` (a ``Picture``).

    - ``rankdir``: "LR" (inputs left, output right) or "TB" (top to bottom);
    - ``show_grad``: write each node's grad (after ``backward()``); before any backward
      (every grad 0) the boxes say "not reached yet", and a note says when the output's
      grad is 0 but others are not (left from an earlier backward);
    - ``color_by``: "grad" to fill boxes by the colour rules of ``colors.py`` (sign as hue,
      |grad| relative to this picture's largest); None or "none" for plain boxes;
    - ``max_nodes``: a graph of more Values than this is summarised: only the
      ``summary_nodes`` (default 40) nearest ``root`` are drawn, with a note;
    - ``highlight``: a Value (or several) to ring in red, a gap outside its box;
    - ``expand_dots``: draw each ``dot`` node (a neuron's weighted sum) as its products
      and a sum, the bias named; None (default) does so for pictures of at most 60 Values.
      A dot node of such a picture kept whole (False) marks each arrow into it with what
      that operand is multiplied by ("×x1" from ``w.0``);
    - ``scale``: a ``colors.GradScale`` to colour by instead of one fitted to this picture
      (``GradScale.fit(grads)``), so that several pictures share one scale;
    - ``title``: a line of text above the picture, saying what it shows;
    - ``to_see_more``: what the summary's note advises for seeing the nodes left out (by
      default, the parameters to raise; the command line says what its user can do).

    In Jupyter the result shows itself; ``.write("graph.svg")`` or ``.png`` saves it.
    """
    check_title(title, "draw_dot")
    check_title(to_see_more, "draw_dot", "to_see_more")
    return _draw(root, rankdir, show_grad, color_by, max_nodes, _as_set(highlight),
                 expand_dots=expand_dots, scale=scale, summary_nodes=summary_nodes,
                 title=title, to_see_more=to_see_more)  # fmt: skip


def check_title(title, who, name="title") -> None:
    """A picture's title (or another line of text, ``name``): a str, or None for none."""
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{who}: {name} must be a str or None, got {type(title).__name__}")


def draw_step(
    root: Value,
    step: Step,
    rankdir: str = "LR",
    max_nodes: int = 500,
    expand_dots: bool | None = None,
    *,
    scale: GradScale | None = None,
    summary_nodes: int = SUMMARY_NODES,
) -> Picture:
    """The graph at one step of ``backward_steps(root)``.

    The visited node is ringed in red and its edges are red, each edge carries ``upstream ×
    local = product``, each node it sends to is ringed thinly in orange (as in the
    animation), every grad is as it was just after this step (a node that has received
    nothing yet is "not reached yet"), and a node used more than once shows its running sum
    ("sum so far: 2 of 3 uses"). ``max_nodes``, ``expand_dots``, ``scale`` and
    ``summary_nodes`` are as in ``draw_dot``; a summary of a big graph is drawn around the
    step's node when it is not among those nearest the output.
    """
    if not isinstance(step, Step):
        raise TypeError(
            "draw_step(root, step) needs one Step from backward_steps, such as steps[0] of "
            f"steps = list(root.backward_steps()); got {type(step).__name__}"
        )
    return _draw(root, rankdir, True, "grad", max_nodes, {step.node}, step,
                 expand_dots=expand_dots, scale=scale, summary_nodes=summary_nodes,
                 who="draw_step")  # fmt: skip


def _as_set(highlight) -> set:
    """``highlight`` (None, a Value, or several) as a set of Values, or a TypeError."""
    if highlight is None:
        return set()
    if isinstance(highlight, Value):
        return {highlight}
    if not isinstance(highlight, (str, bytes)) and hasattr(highlight, "__iter__"):
        nodes = list(highlight)
        if all(isinstance(node, Value) for node in nodes):
            return set(nodes)
    hint = ": give the Value itself, not its label" if isinstance(highlight, str) else ""
    got = f"{type(highlight).__name__} {shown(highlight)}"
    raise TypeError(f"draw_dot: highlight needs a Value or a list of Values, got {got}{hint}")


#: The directions a picture can run in (Graphviz's ``rankdir``).
RANKDIRS = ("LR", "TB", "RL", "BT")


def check_rankdir(rankdir, who: str) -> None:
    """A TypeError if ``rankdir`` is not a str, a ValueError if it is not one of ``RANKDIRS``."""
    if not isinstance(rankdir, str):
        raise TypeError(f'{who}: rankdir must be a str, "LR", "TB", "RL" or "BT", '
                        f"got {type(rankdir).__name__} {shown(rankdir)}")  # fmt: skip
    if rankdir not in RANKDIRS:
        raise ValueError(f'{who}: rankdir must be "LR", "TB", "RL" or "BT", got {rankdir!r}')


def check_count(count, name, who) -> None:
    """A TypeError if ``count`` is not an int, a ValueError if it is below 1."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"{who}: {name} must be an int, got {type(count).__name__}")
    if count < 1:
        raise ValueError(f"{who}: {name} must be at least 1, got {count}")


def _check(root, rankdir, show_grad, color_by, max_nodes, step, expand_dots, scale,
           summary_nodes, who):  # fmt: skip
    """Every argument of ``draw_dot`` / ``draw_step`` (``who``): a wrong type is a
    TypeError, a right type with a wrong value a ValueError, each naming the argument."""
    if not isinstance(root, Value):
        raise TypeError(f"{who} needs a Value, got {type(root).__name__}")
    check_rankdir(rankdir, who)
    as_flag(show_grad, f"{who}: show_grad")
    if color_by is not None and not isinstance(color_by, str):
        raise TypeError(f'{who}: color_by must be "grad", "none" or None, '
                        f"got {type(color_by).__name__} {shown(color_by)}")  # fmt: skip
    if color_by not in ("grad", None, "none"):
        raise ValueError(f'{who}: color_by must be "grad", "none" or None, got {color_by!r}')
    check_count(max_nodes, "max_nodes", who)
    check_count(summary_nodes, "summary_nodes", who)
    if expand_dots not in (None, True, False):
        raise TypeError(f"{who}: expand_dots must be True, False or None, got {expand_dots!r}")
    if scale is not None and not isinstance(scale, GradScale):
        raise TypeError(f"{who}: scale must be a colors.GradScale, got {type(scale).__name__}")
    if step is not None and step.backward_pass.root is not root:
        raise ValueError(f"{who}: this step comes from backward_steps of another root")


def _draw(root, rankdir, show_grad, color_by, max_nodes, highlight, step=None,
          *, expand_dots=None, scale=None, summary_nodes=SUMMARY_NODES, title=None,
          who="draw_dot", to_see_more=None):  # fmt: skip
    """The picture. ``scale``: a ``GradScale`` to use instead of fitting one to this
    picture (one scale for several pictures); ``who``: the function named in errors."""
    _check(root, rankdir, show_grad, color_by, max_nodes, step, expand_dots, scale,
           summary_nodes, who)  # fmt: skip
    nodes, total = nearest_nodes(root, max_nodes)
    around = root  # what a summary is drawn around: the output, or a step's far-off node
    if total > max_nodes:  # a summary: the few nearest the output, which draw quickly
        keep = min(max_nodes, summary_nodes)
        nodes = nodes[:keep]
        if step is not None and step.node not in nodes:  # (it would show no step at all)
            around = step.node
            nodes = nodes_around(step.node, step.backward_pass.order, keep)
    drawn = use_counts(nodes)  # the uses this picture has arrows for
    if step is None:
        # a cut-down picture still counts every use in the whole graph, as a step does
        uses = use_counts(topological_order(root)) if total > len(nodes) else drawn
        grads, received = {node: node.grad for node in nodes}, None
    else:
        uses = use_counts(step.backward_pass.order)
        grads, received = replay(step)
    shown = _shown_grads(nodes, grads, received, root)
    if color_by == "grad" and show_grad:
        scale = scale or GradScale.fit(shown[n] for n in nodes if not is_constant(n))
    else:
        scale = None
    expand = len(nodes) <= EXPAND_UP_TO if expand_dots is None else expand_dots

    picture = Picture(name="autograd_lite", format="svg")
    picture.attr(rankdir=rankdir, fontname=FONT, fontsize=str(EDGE_SIZE), nodesep="0.25",
                 ranksep="0.35")  # fmt: skip
    picture.attr("node", fontname=FONT, fontsize=str(BOX_SIZE))
    picture.attr("edge", fontname=FONT, fontsize=str(EDGE_SIZE), arrowsize="0.7")

    small = len(nodes) <= EXPAND_UP_TO
    drawing = _Drawing(picture, {node: i for i, node in enumerate(nodes)}, step, small)
    receivers = {parent for parent, _, _ in step.contributions} if step else set()
    for node, i in drawing.index.items():
        if not node.parents:
            continue
        if expand and node.op == "dot" and len(node.parents) % 2 == 0:
            drawing.expanded_dot(node, i, shown[node], scale, show_grad)
        else:
            drawing.operation(node, i)
    for node, i in drawing.index.items():
        # (every result; a leaf only with an arrow to draw, not the 1 a bias is multiplied by)
        if node is root or node.parents or drawing.sources[node]:
            name = drawing.names.get(node)
            ring = "visit" if node in highlight else "receive" if node in receivers else None
            boxes = {kind: _box(node, name, shown[node], show_grad, scale, kind, uses[node],
                                None if received is None else received[node],
                                drawn=drawn[node])
                     for kind in {ring, None}}  # fmt: skip
            # (a box drawn per use: its red ring on every copy, its orange one on the copy
            # the step sends along)
            drawing.place(node, i, boxes[ring], boxes[None] if ring == "receive" else None)

    heading = []  # above the graph, not a node of it: it takes no room between the boxes
    if title:  # (in lines of at most 90 characters, so that it does not widen the picture)
        lines = textwrap.wrap(title, 90) or [title]
        # (each line ends in a left-aligned break: Graphviz aligns a line by the break after it)
        heading.append("<B>" + "".join(f'{escape(t)}<BR ALIGN="LEFT"/>' for t in lines) + "</B>")
    if total > len(nodes):
        left_out = total - len(nodes)
        knob = "summary_nodes" if summary_nodes < max_nodes else "max_nodes"  # the one that cut
        more = to_see_more or (f"raise {knob} to see more; max_nodes={total} draws them "
                               "all, slowly")  # fmt: skip
        where = "the output" if around is root else "the node this step visits"
        note = (f"Showing {len(nodes):,} of {total:,} nodes, those nearest {where}: "
                f"{left_out:,} left out ({more}).")  # fmt: skip
        heading.append(_note("summary", note))
    if step is None and show_grad and root.grad == 0.0 and any(shown[n] for n in nodes):
        heading.append(_note("stale", STALE_NOTE))
    if scale is not None:  # the legend explains the shading, if there is any
        heading.append(_legend(scale))
    if step is not None:  # and a step picture's rings, which are no shading
        heading.append(_ring_key())
    if heading:
        rows = "".join(f'<TR><TD ALIGN="LEFT">{part}</TD></TR>' for part in heading)
        picture.attr(label=f'<<TABLE BORDER="0" CELLSPACING="4">{rows}</TABLE>>',
                     labelloc="t", labeljust="l")  # fmt: skip
    return picture


#: Said above a picture whose output has no gradient while other nodes have some.
STALE_NOTE = (
    "The output's grad is 0: no backward has run from it yet. The gradients shown are left "
    "from an earlier backward (of another output, or before zero_grad); call backward() on "
    "this output to see its own."
)


def _note(name, text) -> str:
    """A note above the picture, in a yellow box: not part of the graph. In lines of at
    most 90 characters, as the title, so that it does not widen the picture."""
    lines = "".join(f'{escape(line)}<BR ALIGN="LEFT"/>' for line in textwrap.wrap(text, 90))
    return (f'<TABLE ID="{name}" BORDER="1" COLOR="#c9a227" BGCOLOR="#fff3cd" '
            f'CELLPADDING="4"><TR><TD>{lines}</TD></TR></TABLE>')  # fmt: skip


def dot_partners(node) -> tuple | None:
    """What each operand of a ``dot`` node is multiplied by (``x1`` for ``w.0``, and
    ``w.0`` for ``x1``); None for any other node."""
    parents = node.parents
    if node.op != "dot" or len(parents) % 2:
        return None
    half = len(parents) // 2
    return parents[half:] + parents[:half]


class _Drawing:
    """Collects the arrows of one picture, then writes the boxes they start from.

    Arrows are recorded first so that a node used many times can be drawn once per use
    (``place``), and a constant that only serves as a bias's partner is not drawn at all.
    """

    def __init__(self, picture, index, step, mark_pairs=False):
        self.picture = picture
        self.index = index
        self.step = step
        self.mark_pairs = mark_pairs  # a dot node drawn whole says which operands pair up
        # node -> [(target id, edge attributes)], one per arrow leaving its box
        self.sources = {node: [] for node in index}
        # a constant input that meets weight w.3 in a dot product is called x.3
        self.names = {}

    def visited(self, node) -> bool:
        return self.step is not None and node is self.step.node

    def arithmetic(self, k) -> str:
        """``upstream × local = product`` for operand ``k`` of the visited node."""
        _, local, product = self.step.contributions[k]
        return product_text(self.step.upstream, local, product)

    def _circle(self, name, text, red):
        """The op: a small circle, or for a name longer than ``CIRCLE_CHARS`` an oval one
        line tall (a circle as wide as ``leaky_relu(0.123457)`` is as tall, and pushes every
        box apart), its name cut to ``MAX_OP_LABEL`` (an op's name is yours: any length)."""
        text = clip(visible(text), MAX_OP_LABEL)
        shape = "circle" if len(text) <= CIRCLE_CHARS else "ellipse"
        self.picture.node(name, f"<{escape(text)}>", shape=shape, style="filled",
                          fillcolor="#eeeeee", fontsize=str(EDGE_SIZE), margin="0.02",
                          width="0.3", height="0.3", **red)  # fmt: skip

    def _red(self, node) -> dict:
        return {"color": HIGHLIGHT, "penwidth": "2.5"} if self.visited(node) else {}

    def _via(self, name, text, target, red) -> str:
        """A red arrow into ``target`` that carries ``text`` *on* it: the arrow runs into a
        small text node ``name`` and out of it on to ``target``. Returns ``name``, where the
        arrow's source must point (without an arrowhead: ``TO_TEXT``).

        Not an edge label: Graphviz programs place those beside the middle of the edge,
        and where arrows converge (three operands of one ``mean``) a label can sit on the
        wrong arrow or on top of another. Text that is part of the arrow cannot.
        """
        self.picture.node(name, f"<{escape(text)}>", shape="plaintext", fontcolor=HIGHLIGHT,
                          fontsize=str(EDGE_SIZE), margin="0.03", width="0",
                          height="0")  # fmt: skip
        self.picture.edge(name, target, **red)
        return name

    def operation(self, node, i):
        """The op circle of node ``v{i}``, one arrow per operand and one to the result.

        At the step being drawn the arrows are red and carry ``upstream × local = product``
        (after "1st:", "2nd:" where the order matters); else they are marked "1st", "2nd",
        or, into a ``dot`` node of a small picture, with the operand's partner ("×x1").
        Operands cut off by ``max_nodes`` are counted in a small note instead.
        """
        red = self._red(node)
        self._circle(f"op{i}", node.op_label, red)
        self.picture.edge(f"op{i}", f"v{i}", **red)
        hidden = 0
        partners = dot_partners(node) if self.mark_pairs and not red else None
        for k, (parent, mark) in enumerate(zip(node.parents, operands(node))):
            if parent not in self.index:
                hidden += 1
                continue
            if red:  # "1st: upstream × local = product" on the arrow
                text = f"{mark}: {self.arithmetic(k)}" if mark else self.arithmetic(k)
                via = self._via(f"op{i}a{k}", text, f"op{i}", red)
                self.sources[parent].append((via, {**red, **TO_TEXT}))
            elif partners:  # into a dot: "×x1" on the arrow from w.0, so the pairs show
                times = "×" + self._name(partners[k], parent)
                pair = dict(label=f"<{escape(times)}>", fontsize=str(NOTE_SIZE),
                            fontcolor="#444444")  # fmt: skip
                self.sources[parent].append((f"op{i}", pair))
            else:  # which operand is which, beside the arrow's head
                head = dict(headlabel=mark, labelfontsize=str(NOTE_SIZE), labeldistance="1.6",
                            labelfontcolor="#444444") if mark else {}  # fmt: skip
                self.sources[parent].append((f"op{i}", head))
        self._note_hidden(hidden, f"op{i}", i)

    def expanded_dot(self, node, i, grad, scale, show_grad):
        """A ``dot`` node as its products and a sum: ``w.k``, ``x.k`` -> ``*`` -> a box
        ``w.k*x.k`` -> ``+`` -> the node; a weight paired with the constant 1 (a neuron's
        bias) arrives at the ``+`` directly, its arrow labelled "bias"."""
        red = self._red(node)
        self._circle(f"op{i}", "+", red)
        self.picture.edge(f"op{i}", f"v{i}", **red)
        pairs = dot_pairs(node.parents)
        n, hidden = len(pairs), 0
        for k, (a, b) in enumerate(pairs):
            if a not in self.index or b not in self.index:
                hidden += 1
                continue
            for one, other in ((a, b), (b, a)):
                if paired_name(one, other):
                    self.names.setdefault(one, paired_name(one, other))
            if k == n - 1 and is_bias_pair(a, b):
                bias, at = (a, k) if is_constant(b) else (b, n + k)
                if red:
                    via = self._via(f"op{i}b", f"bias: {self.arithmetic(at)}", f"op{i}", red)
                    self.sources[bias].append((via, {**red, **TO_TEXT}))
                else:
                    self.sources[bias].append((f"op{i}", {"label": "bias"}))
                continue
            term = f"v{i}t{k}"
            self._circle(f"op{i}m{k}", "*", red)
            for operand, at in ((a, k), (b, n + k)):
                if red:
                    via = self._via(f"op{i}m{k}a{at}", self.arithmetic(at), f"op{i}m{k}", red)
                    self.sources[operand].append((via, {**red, **TO_TEXT}))
                else:
                    self.sources[operand].append((f"op{i}m{k}", {}))
            self.picture.edge(f"op{i}m{k}", term, **red)
            left, right = OPERAND_BINDING["*"]  # (a + b)*w, not a + b*w
            factors = bracketed(self._name(a, b), a, left), bracketed(self._name(b, a), b, right)
            title = "*".join(factors)
            box = _box(None, title, grad, show_grad, scale, None, 1, None, a.data * b.data)
            self.picture.node(term, box, **BOX)
            if red:
                upstream = short(self.step.upstream)
                via = self._via(f"op{i}t{k}", f"{upstream} × 1.0 = {upstream}", f"op{i}", red)
                self.picture.edge(term, via, **red, **TO_TEXT)
            else:
                self.picture.edge(term, f"op{i}")
        self._note_hidden(hidden, f"op{i}", i)

    def _name(self, node, partner) -> str:
        """How a product box names one factor: ``w.1`` for ``layers.0.neurons.2.w.1``, ``x.1``
        for the constant input it meets, a short expression otherwise."""
        if node.label:
            return short_label(node)
        if node.parents:
            return expression(node, 16)
        return paired_name(node, partner) or short(node.data)

    def _note_hidden(self, hidden, target, i):
        if hidden:
            note = f"… {hidden:,} operand{'s' * (hidden > 1)} not shown"
            self.picture.node(f"cut{i}", note, shape="note", fontsize=str(NOTE_SIZE),
                              color="#999999", fontcolor="#666666")  # fmt: skip
            self.picture.edge(f"cut{i}", target, style="dashed", color="#999999")

    def place(self, node, i, box, unringed=None):
        """Node ``v{i}``'s box and its arrows; drawn again beside each use when it is used
        more than ``REPEAT_LIMIT`` times (ids ``v{i}r1``, ``v{i}r2``, ...). Of those copies,
        only one whose arrow is the step's (red) shows ``box``, the others ``unringed``: the
        step sends along that use alone (``unringed`` None: every copy shows ``box``)."""
        arrows = self.sources[node]
        repeat = len(arrows) > REPEAT_LIMIT
        if not repeat:
            self.picture.node(f"v{i}", box, **BOX)
        for k, (target, attrs) in enumerate(arrows):
            source = f"v{i}r{k}" if repeat and k else f"v{i}"
            if repeat:
                red = attrs.get("color") == HIGHLIGHT
                self.picture.node(source, box if red or unringed is None else unringed, **BOX)
            self.picture.edge(source, target, **attrs)


def _shown_grads(nodes, grads, received, root) -> dict:
    """The gradient each box shows, None where it has not arrived yet: at a step, a node
    that has received nothing so far (the root has its seed); in a plain picture, every
    node when all gradients are 0 (no backward yet)."""
    if received is not None:
        return {n: grads[n] if received[n] or n is root else None for n in nodes}
    if all(grads[n] == 0.0 for n in nodes):
        return dict.fromkeys(nodes)
    return {n: grads[n] for n in nodes}


def _box(node, title, grad, show_grad, scale, ring, uses, received, data=None,
         drawn=None) -> str:  # fmt: skip
    """A box as a Graphviz HTML-like label: name, data, grad (and running sum).

    ``node`` None draws a product of an expanded dot (``title`` and ``data`` given).
    ``grad`` None means not reached yet; ``scale`` None means no colours. ``uses``: how
    many times the node is used in the whole graph; ``drawn``: how many of those uses the
    picture draws (fewer in a cut-down picture). ``ring``: None, or the kind of ring of
    ``RINGS`` ("visit", "receive").
    """
    table = _table(node, title, grad, show_grad, scale, uses, received, data, drawn)
    if ring is None:
        return f"<{table}>"
    rounded = ' STYLE="rounded"' if node is not None and is_constant(node) else ""  # as it
    return f'<{RINGS[ring]}{rounded}><TR><TD BORDER="0">{table}</TD></TR></TABLE>>'


def _table(node, title, grad, show_grad, scale, uses, received, data, drawn) -> str:
    """The box of ``_box`` (its arguments), an HTML-like table without its ring. Its
    outline's colour is set, not left to Graphviz, which would take the ring's."""
    border = ' BORDER="1" COLOR="black"'
    if node is not None and is_constant(node):  # just the number, small and grey
        text = f"{title} = {short(node.data)}" if title else short(node.data)
        return (
            f'<TABLE BORDER="1" COLOR="{CONSTANT_INK}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="2" STYLE="rounded"><TR><TD><FONT POINT-SIZE="{EDGE_SIZE}" '
            f'COLOR="{CONSTANT_INK}">{escape(text)}</FONT></TD></TR></TABLE>'
        )
    fill = scale.fill(grad) if scale is not None else PLAIN_FILL
    ink = text_color(fill)
    if node is None:
        rows = [f"<I>{escape(title)}</I>", f"data {short(data)}"]
    else:
        name = title or (node.label and clip(node.label, MAX_LABEL))
        rows = [f"<B>{escape(name)}</B>" if name else f"<I>{escape(expression(node))}</I>"]
        rows.append(f"data {short(node.data)}")
    if show_grad:
        rows.append("grad: not reached" if grad is None else f"grad {short(grad)}")
    if uses > 1 and not show_grad:  # (no gradients in this picture: only the reuse)
        rows.append(f"used {uses} times")
    elif uses > 1:
        if received is not None:
            rows.append(f"sum so far: {received} of {uses} uses")
        elif drawn is not None and drawn < uses:  # (in the steps' words: "sum so far: ...")
            rows.append(f"sum of {uses} uses, {drawn} shown")
        else:
            rows.append(f"sum of {uses} uses")
    if drawn == 0 and uses > 0:  # a summary around a far step cut it off from its users:
        rows.append("used by nodes not shown")  # it is no output
    if scale is not None:
        border += _style(outline_style(grad))
    cells = "".join(f'<TR><TD><FONT COLOR="{ink}">{row}</FONT></TD></TR>' for row in rows)
    return (
        f'<TABLE{border} CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="{fill}">{cells}</TABLE>'
    )


def _legend(scale: GradScale) -> str:
    """The colour scale of this picture: its range in words, then one cell per tick."""
    legend = scale.legend()
    cells = "".join(
        f'<TD BGCOLOR="{fill}" BORDER="1"{_style(style)}>'
        f'<FONT COLOR="{text_color(fill)}" POINT-SIZE="{NOTE_SIZE}">{escape(text)}</FONT></TD>'
        for text, fill, style in legend
    )
    caption = "<BR/>".join(escape(line) for line in scale.caption_lines())
    title = f'<TR><TD COLSPAN="{len(legend)}" ALIGN="LEFT" BALIGN="LEFT">{caption}</TD></TR>'
    table = '<TABLE ID="legend" BORDER="0" CELLSPACING="2" CELLPADDING="3">'
    return f"{table}{title}<TR>{cells}</TR></TABLE>"


def _ring_key() -> str:
    """What a step picture's rings mean: a small plain box ringed as in the picture, and its
    words, for each kind of ring."""
    cells = "".join(
        f'<TD>{RINGS[kind]}><TR><TD BORDER="1" COLOR="#555555" WIDTH="14" HEIGHT="9"></TD>'
        f'</TR></TABLE></TD><TD ALIGN="LEFT"><FONT POINT-SIZE="{NOTE_SIZE}">'
        f"{escape(words)}</FONT></TD>"
        for kind, words in RING_WORDS.items()
    )
    return f'<TABLE ID="rings" BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{cells}</TR></TABLE>'


def _style(style: str) -> str:
    """The STYLE attribute of a table or cell: nothing for a solid outline."""
    return "" if style == "solid" else f' STYLE="{style}"'
