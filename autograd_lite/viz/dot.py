"""``draw_dot`` and ``draw_step``: the computation graph as a picture.

Every Value is a box showing its label, data and grad; every operation is a small circle
between its operands and its result, with one arrow per operand (``a * a`` has two arrows
from ``a``). Boxes are filled by |grad| (see ``colors.py``) with a legend.

Big graphs are cut down to the ``max_nodes`` Values nearest the output (breadth first, the
way the gradient arrives), with a note saying how many were left out. Nothing here recurses
and nothing here runs Graphviz: building the picture is plain Python, drawing it is
``render.py``'s job.
"""

from __future__ import annotations

import html
from collections import deque

from ..steps import Step, replay, short, use_counts
from ..value import Value
from .colors import HIGHLIGHT, PLAIN_FILL, GradScale, outline_style, text_color
from .programs import Picture

FONT = "Helvetica"


def escape(text: str) -> str:
    """``text`` for a Graphviz HTML label: <, >, & and quotes as entities. A backslash is
    drawn as the look-alike "⧵", since Graphviz reads ``\\N`` as the node's name even there."""
    return html.escape(text).replace("\\", "\u29f5")


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


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    color_by: str | None = "grad",
    max_nodes: int = 500,
    highlight=None,
) -> Picture:
    """The graph behind ``root`` as a ``graphviz.Digraph`` (a ``Picture``).

    - ``rankdir``: "LR" (inputs left, output right) or "TB" (top to bottom);
    - ``show_grad``: write each node's grad (after ``backward()``);
    - ``color_by``: "grad" to fill boxes by |grad| on a log scale; None or "none" for plain;
    - ``max_nodes``: past this many Values, draw only those nearest ``root``, with a note;
    - ``highlight``: a Value (or several) to outline in red.

    In Jupyter the result shows itself; ``.write("graph.svg")`` saves it.
    """
    return _draw(root, rankdir, show_grad, color_by, max_nodes, _as_set(highlight))


def draw_step(root: Value, step: Step, rankdir: str = "LR", max_nodes: int = 500) -> Picture:
    """The graph at one step of ``backward_steps(root)``.

    The visited node and its edges are red, each edge carries ``upstream × local = product``,
    every grad is as it was just after this step, and a node used more than once shows its
    running sum ("2 of 3 uses so far").
    """
    if not isinstance(step, Step):
        raise TypeError(f"draw_step needs a Step from backward_steps, got {type(step).__name__}")
    return _draw(root, rankdir, True, "grad", max_nodes, {step.node}, step)


def _as_set(highlight) -> set:
    if highlight is None:
        return set()
    if isinstance(highlight, Value):
        return {highlight}
    return set(highlight)


def _draw(root, rankdir, show_grad, color_by, max_nodes, highlight, step=None, scene=None):
    """The picture. ``scene``, when given, is what a caller drawing many steps of one pass
    worked out once: ``(nodes, total, uses, grads, received)``, as computed below."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot needs a Value, got {type(root).__name__}")
    if color_by not in ("grad", None, "none"):
        raise ValueError(f'color_by must be "grad", "none" or None, got {color_by!r}')
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f'rankdir must be "LR", "TB", "RL" or "BT", got {rankdir!r}')
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if step is not None and step.backward_pass.root is not root:
        raise ValueError("draw_step: this step comes from backward_steps of another root")
    if scene is not None:
        nodes, total, uses, grads, received = scene
    else:
        nodes, total = nearest_nodes(root, max_nodes)
        if step is None:
            uses = use_counts(nodes)
            grads, received = {node: node.grad for node in nodes}, None
        else:
            uses = use_counts(step.backward_pass.order)
            grads, received = replay(step)
    index = {node: i for i, node in enumerate(nodes)}
    shown = _shown_grads(nodes, grads, received, root)
    coloured = color_by == "grad" and show_grad
    scale = GradScale.fit(shown.values()) if coloured else None

    picture = Picture(name="autograd_lite", format="svg")
    picture.attr(rankdir=rankdir, fontname=FONT, nodesep="0.25", ranksep="0.35")
    picture.attr("node", fontname=FONT, fontsize="11")
    picture.attr("edge", fontname=FONT, fontsize="10", arrowsize="0.7")

    for node, i in index.items():
        received_so_far = None if received is None else received[node]
        record = _record(node, shown[node], show_grad, scale, node in highlight,
                         uses[node], received_so_far)  # fmt: skip
        picture.node(f"v{i}", record, shape="plaintext", margin="0")
        if node.parents:
            _add_operation(picture, node, i, index, step)

    if total > len(nodes):
        left_out = total - len(nodes)
        picture.node(
            "summary",
            f"Showing the {len(nodes):,} nodes nearest the output of "
            f"{total:,}: {left_out:,} left out (raise max_nodes to see more).",
            shape="box",
            style="rounded,filled",
            fillcolor="#fff3cd",
            fontsize="10",
        )
    if coloured:  # the legend explains the shading, if there is any
        picture.node("legend", _legend(scale), shape="plaintext", margin="0")
    return picture


def _add_operation(picture, node, i, index, step):
    """The op circle of node ``v{i}``, with one arrow per operand and one to the result.

    At the step being drawn the arrows are red and carry ``upstream × local = product``;
    operands cut off by ``max_nodes`` are counted in a small note instead.
    """
    visited = step is not None and node is step.node
    red = {"color": HIGHLIGHT, "penwidth": "2.5"} if visited else {}
    picture.node(f"op{i}", f"<{escape(node.op_label)}>", shape="circle", style="filled",
                 fillcolor="#eeeeee", fontsize="10", margin="0.02", width="0.3", **red)  # fmt: skip
    picture.edge(f"op{i}", f"v{i}", **red)
    hidden = 0
    for k, parent in enumerate(node.parents):
        j = index.get(parent)
        if j is None:
            hidden += 1
        elif visited:
            _, local, product = step.contributions[k]
            arithmetic = f"{short(step.upstream)} × {short(local)} = {short(product)}"
            picture.edge(f"v{j}", f"op{i}", label=arithmetic, fontcolor=HIGHLIGHT, **red)
        else:
            picture.edge(f"v{j}", f"op{i}")
    if hidden:
        note = f"… {hidden:,} operand{'s' * (hidden > 1)} not shown"
        picture.node(f"cut{i}", note, shape="note", fontsize="9", color="#999999",
                     fontcolor="#666666")  # fmt: skip
        picture.edge(f"cut{i}", f"op{i}", style="dashed", color="#999999")


def _shown_grads(nodes, grads, received, root) -> dict:
    """The gradient each box shows, None where it has not arrived yet: at a step, a node
    that has received nothing so far (the root has its seed); in a plain picture, every
    node when all gradients are 0 (no backward yet)."""
    if received is not None:
        return {n: grads[n] if received[n] or n is root else None for n in nodes}
    if all(grads[n] == 0.0 for n in nodes):
        return dict.fromkeys(nodes)
    return {n: grads[n] for n in nodes}


def _record(node, grad, show_grad, scale, highlighted, uses, received) -> str:
    """A node's box as a Graphviz HTML-like label: title, data, grad (and running sum).
    ``grad`` None means not reached yet; ``scale`` None means no colours."""
    fill = scale.fill(grad) if scale is not None else PLAIN_FILL
    ink = text_color(fill)
    if node.parents:
        op = escape(node.op_label)
        title = f"<B>{escape(node.label)}</B> = {op}" if node.label else f"<I>{op}</I>"
    else:
        title = f"<B>{escape(node.label)}</B>" if node.label else "<I>leaf</I>"
    rows = [title, f"data {short(node.data)}"]
    if show_grad:
        rows.append("grad (not reached yet)" if grad is None else f"grad {short(grad)}")
    if uses > 1:
        if received is None:
            rows.append(f"grad sums {uses} uses")
        else:
            rows.append(f"sum so far: {received} of {uses} uses")
    border = f' COLOR="{HIGHLIGHT}" BORDER="3"' if highlighted else ' BORDER="1"'
    if scale is not None:
        border += _style(outline_style(grad))
    cells = "".join(
        f'<TR><TD WIDTH="96"><FONT COLOR="{ink}">{row}</FONT></TD></TR>' for row in rows
    )
    return (
        f'<<TABLE{border} CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="{fill}">{cells}</TABLE>>'
    )


def _legend(scale: GradScale) -> str:
    """The colour scale of this picture: its range in words, then one cell per tick."""
    cells = "".join(
        f'<TD BGCOLOR="{fill}" BORDER="1"{_style(style)}>'
        f'<FONT COLOR="{text_color(fill)}" POINT-SIZE="9">{escape(text)}</FONT></TD>'
        for text, fill, style in scale.legend()
    )
    count = len(scale.legend())
    title = f'<TR><TD COLSPAN="{count}">{escape(scale.caption())}</TD></TR>'
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="3">{title}<TR>{cells}</TR></TABLE>>'


def _style(style: str) -> str:
    """The STYLE attribute of a table or cell: nothing for a solid outline."""
    return "" if style == "solid" else f' STYLE="{style}"'
