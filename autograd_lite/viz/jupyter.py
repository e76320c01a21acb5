"""In Jupyter, show a Value as the picture of its graph.

``value.py`` stays free of pictures (and of any cost for them): instead, importing
``autograd_lite.viz`` tells IPython how to draw a Value. A leaf keeps its plain text, since
a one-box picture says no more than ``Value(data=..., grad=...)``.
"""

from __future__ import annotations

import sys

from ..value import Value
from .dot import draw_dot
from .programs import GraphvizNotFoundError, to_svg


def value_svg(value: Value, max_nodes: int = 60) -> str | None:
    """The picture of ``value``'s graph as SVG, or None (plain text) for a leaf or when no
    Graphviz program is installed."""
    if value.is_leaf:
        return None
    try:
        return to_svg(draw_dot(value, max_nodes=max_nodes))
    except GraphvizNotFoundError:
        return None


def show_values_as_pictures(enable: bool = True) -> bool:
    """Show Values as pictures in this IPython / Jupyter session (or stop, with False).

    Returns False when not running under IPython, where there is nothing to do.
    """
    ipython_module = sys.modules.get("IPython")  # never import IPython just for this
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is None:
        return False
    formatter = shell.display_formatter.formatters["image/svg+xml"]
    if enable:
        formatter.for_type(Value, value_svg)
    else:
        formatter.pop(Value, None)
    return True
