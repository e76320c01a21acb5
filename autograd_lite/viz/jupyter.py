"""In Jupyter, show a small Value as the picture of its graph, and a big one as text.

``value.py`` and ``steps.py`` stay free of pictures (and of any cost for them): instead,
importing ``autograd_lite.viz`` tells IPython how to draw a Value and a ``Step``. Only a
small graph (at most ``SHOW_UP_TO`` Values) becomes a picture; typing ``loss`` for a
network's 7,838-node graph shows its repr and a one-line hint on drawing it, not a picture
4,744 points tall. A leaf keeps its plain text too: a one-box picture says no more than
``Value(data=..., grad=...)``.
"""

from __future__ import annotations

import sys
from collections import deque

from ..steps import Step
from ..value import Value
from .dot import SUMMARY_NODES, draw_dot, draw_step
from .programs import GraphvizNotFoundError, GraphvizTimeoutError, to_svg

#: The largest graph (in Values) that shows as a picture by itself.
SHOW_UP_TO = 60


def graph_size(value: Value, limit: int) -> int:
    """How many Values ``value``'s graph has, counting no further than ``limit + 1`` (so
    asking about a huge graph costs no more than about a small one)."""
    seen, queue = {value}, deque([value])
    while queue:
        for parent in queue.popleft().parents:
            if parent not in seen:
                seen.add(parent)
                if len(seen) > limit:
                    return len(seen)
                queue.append(parent)
    return len(seen)


def value_svg(value: Value, max_nodes: int = SHOW_UP_TO) -> str | None:
    """The picture of ``value``'s graph as SVG, or None (Jupyter then shows the text) for a
    leaf, a graph of more than ``max_nodes`` Values, or when no Graphviz program is
    installed or it takes too long."""
    if value.is_leaf or graph_size(value, max_nodes) > max_nodes:
        return None
    try:
        return to_svg(draw_dot(value), timeout=10)
    except (GraphvizNotFoundError, GraphvizTimeoutError):
        return None


def value_text(value: Value, max_nodes: int = SHOW_UP_TO) -> str:
    """The repr, and for a graph too big to show by itself, one line on how to draw it."""
    text = repr(value)
    if graph_size(value, max_nodes) > max_nodes:
        text += (
            f"\n(its graph has more than {max_nodes} values, too many to show here: "
            f"draw_dot(v) draws it, or the {SUMMARY_NODES} nearest the output past 500)"
        )
    return text


def step_svg(step: Step) -> str | None:
    """A Step as the picture of its graph at that step, or None (Jupyter then shows its
    text) for a graph of more than ``SHOW_UP_TO`` Values, as for a Value, or when no
    Graphviz program is installed or it takes too long."""
    if len(step.backward_pass.order) > SHOW_UP_TO:
        return None
    try:
        return to_svg(draw_step(step.backward_pass.root, step), timeout=10)
    except (GraphvizNotFoundError, GraphvizTimeoutError):
        return None


def _pretty(value, printer, cycle):
    printer.text(value_text(value))


def show_values_as_pictures(enable: bool = True) -> bool:
    """Show Values as pictures in this IPython / Jupyter session (or stop, with False).

    Returns False when not running under IPython, where there is nothing to do.
    """
    ipython_module = sys.modules.get("IPython")  # never import IPython just for this
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    if enable:
        formatters["image/svg+xml"].for_type(Value, value_svg)
        formatters["image/svg+xml"].for_type(Step, step_svg)
        formatters["text/plain"].for_type(Value, _pretty)
    else:
        formatters["image/svg+xml"].pop(Value, None)
        formatters["image/svg+xml"].pop(Step, None)
        formatters["text/plain"].pop(Value, None)
    return True
