"""Colour by gradient size, so that vanishing and exploding gradients stand out.

The scale is fixed, not stretched to each graph, so two pictures can be compared: the colour
says how large |grad| is on a log scale, from 1e-6 (dark purple: vanishing) through 1
(teal) to 1e+6 (yellow: exploding). Exactly 0 is white (no gradient reached the node), and
NaN is pink. The ramp is viridis, which stays readable in greyscale and for colour-blind
readers because its lightness rises steadily.
"""

from __future__ import annotations

import math

#: Ten evenly spaced samples of the viridis colour map, dark to light.
RAMP = (
    "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
    "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725",
)  # fmt: skip

#: log10 |grad| at the two ends of the ramp: smaller or larger values get the end colour.
LOG10_LOW, LOG10_HIGH = -6.0, 6.0

ZERO_COLOR = "#ffffff"
NAN_COLOR = "#f7b6d2"
#: The colour of the node and edges being visited in a step.
HIGHLIGHT = "#d62728"


def _rgb(hex_color):
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def ramp_color(t: float) -> str:
    """The colour at position ``t`` in [0, 1] along the ramp, interpolated linearly."""
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    frac = t - i
    low, high = _rgb(RAMP[i]), _rgb(RAMP[i + 1])
    return "#" + "".join(f"{round(a + (b - a) * frac):02x}" for a, b in zip(low, high))


def grad_color(grad: float) -> str:
    """The fill colour for a node whose gradient is ``grad``."""
    if math.isnan(grad):
        return NAN_COLOR
    size = abs(grad)
    if size == 0.0:
        return ZERO_COLOR
    position = (math.log10(size) - LOG10_LOW) / (LOG10_HIGH - LOG10_LOW) if size < math.inf else 1
    return ramp_color(position)


def text_color(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    r, g, b = _rgb(fill)
    lightness = 0.299 * r + 0.587 * g + 0.114 * b  # perceived brightness, 0..255
    return "#000000" if lightness > 140 else "#ffffff"


def legend_ticks() -> list[tuple[str, str]]:
    """``(text, fill)`` for the legend: 0, then 1e-6 ... 1e+6 every two decades, then NaN."""
    ticks = [("0", ZERO_COLOR)]
    for exponent in range(int(LOG10_LOW), int(LOG10_HIGH) + 1, 2):
        text = "1" if exponent == 0 else f"1e{exponent:+d}"
        ticks.append((text, grad_color(10.0**exponent)))
    ticks.append(("nan", NAN_COLOR))
    return ticks
