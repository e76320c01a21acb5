"""Colours that say something about a gradient: its sign, its size, and whether it came yet.

The rules, the same in every picture (``draw_dot``, ``draw_step``, the animation):

- **Sign**: orange for a positive gradient, blue for a negative one (a pair that colour-blind
  readers tell apart too; the ramps are ColorBrewer's "Oranges" and "Blues").
- **Size**: the darker, the larger |grad|, on a log scale *relative to the picture's own
  largest* |grad|. The largest is the darkest; each power of ten below it is a step lighter,
  down to the faintest tint ``decades`` powers of ten below (and anything smaller). So 1.0
  and 0.5 differ, and a gradient that vanished (1e-9 next to 1.0) is a pale tint while the
  others are dark: vanishing and exploding gradients stand out whatever their units.
- **Exactly zero** is a neutral grey: the gradient arrived, and it is 0.
- **Not reached yet** (``grad=None``) is white with a dashed outline: backward has not
  got there (before ``backward()``, or at an early step of the pass).
- **NaN** is reddish purple, **±inf** near-black: both are broken numbers, not sizes.

A ``GradScale`` holds one picture's scale (its largest |grad| and how many powers of ten the
ramp spans); ``GradScale.fit(grads)`` fits it to the gradients in a picture, and its legend
states that range. ``grad_fill(grad, largest)`` is the one-call version.

>>> scale = GradScale.fit([1.5, -0.5, 0.0, 1e-3])
>>> scale.largest, scale.decades
(1.5, 4)
>>> scale.fill(1.5), scale.fill(-1.5), scale.fill(0.0), scale.fill(None)
('#7f2704', '#08306b', '#e0e0e0', '#ffffff')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Light to dark: the fill for a positive gradient, from faint (small) to dark (largest).
POSITIVE_RAMP = ("#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#a63603", "#7f2704")
#: Light to dark: the fill for a negative gradient.
NEGATIVE_RAMP = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")

ZERO_FILL = "#e0e0e0"
UNREACHED_FILL = "#ffffff"
#: The outline of a box whose gradient has not arrived yet (a Graphviz ``style``).
UNREACHED_STYLE = "dashed"
NAN_FILL = "#cc79a7"
INF_FILL = "#252525"
#: The fill of a box when colours are turned off (``color_by=None``).
PLAIN_FILL = "#ffffff"
#: The colour of the node and edges being visited in a step.
HIGHLIGHT = "#d62728"

#: How many powers of ten below the largest |grad| the ramp spans at least and at most.
MIN_DECADES, MAX_DECADES = 1, 8


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def ramp_color(ramp, t: float) -> str:
    """The colour at position ``t`` in [0, 1] along ``ramp`` (0 = faint, 1 = dark)."""
    t = min(max(t, 0.0), 1.0) * (len(ramp) - 1)
    i = min(int(t), len(ramp) - 2)
    frac = t - i
    low, high = _rgb(ramp[i]), _rgb(ramp[i + 1])
    return "#" + "".join(f"{round(a + (b - a) * frac):02x}" for a, b in zip(low, high))


def _check_grad(grad, who: str):
    if grad is not None and (isinstance(grad, bool) or not isinstance(grad, (int, float))):
        raise TypeError(f"{who}: grad must be a number or None, got {type(grad).__name__}")


@dataclass(frozen=True)
class GradScale:
    """One picture's colour scale.

    - ``largest``: the largest finite, non-zero |grad| in the picture (drawn darkest), or
      None when there is none (all zero, unreached or broken);
    - ``decades``: how many powers of ten below ``largest`` the faintest tint is.
    """

    largest: float | None = None
    decades: int = MAX_DECADES

    def __post_init__(self):
        if self.largest is not None and not (0.0 < self.largest < math.inf):
            raise ValueError(f"GradScale: largest must be positive and finite, got {self.largest}")
        if isinstance(self.decades, bool) or not isinstance(self.decades, int):
            raise TypeError(f"GradScale: decades must be an int, got {self.decades!r}")
        if not MIN_DECADES <= self.decades <= MAX_DECADES:
            raise ValueError(
                f"GradScale: decades must be from {MIN_DECADES} to {MAX_DECADES}, "
                f"got {self.decades}"
            )

    @classmethod
    def fit(cls, grads) -> GradScale:
        """The scale for a picture showing ``grads`` (numbers; None = not reached yet):
        darkest at the largest |grad|, faintest at the smallest non-zero one, spanning
        whole powers of ten (at least 1, at most 8)."""
        sizes = [abs(g) for g in grads if g is not None and 0.0 < abs(g) < math.inf]
        if not sizes:
            return cls(None, MIN_DECADES)
        largest, smallest = max(sizes), min(sizes)
        # (a difference of logarithms: largest / smallest can overflow, 1e300 / 1e-300)
        decades = math.log10(largest) - math.log10(smallest)
        span = math.ceil(decades - 1e-9) if smallest < largest else 0
        return cls(largest, min(max(span, MIN_DECADES), MAX_DECADES))

    def position(self, grad: float) -> float:
        """Where |grad| sits on the ramp: 1 at ``largest``, 0 at ``decades`` powers of ten
        below it (or lower). Only for finite, non-zero ``grad``."""
        if self.largest is None:
            return 1.0
        below = math.log10(abs(grad)) - math.log10(self.largest)  # (the ratio can underflow)
        return min(max(1.0 + below / self.decades, 0.0), 1.0)

    def fill(self, grad: float | None) -> str:
        """The fill colour (``#rrggbb``) for a box whose gradient is ``grad`` (None: not
        reached yet)."""
        _check_grad(grad, "GradScale.fill")
        if grad is None:
            return UNREACHED_FILL
        if math.isnan(grad):
            return NAN_FILL
        if math.isinf(grad):
            return INF_FILL
        if grad == 0.0:
            return ZERO_FILL
        ramp = POSITIVE_RAMP if grad > 0 else NEGATIVE_RAMP
        return ramp_color(ramp, self.position(grad))

    def caption(self) -> str:
        """The range in words, for the legend's title."""
        return " ".join(self.caption_lines())

    def caption_lines(self) -> list[str]:
        """The caption in two lines: a picture's legend is then no wider than a small graph."""
        if self.largest is None:
            return ["grad: no non-zero gradient in this picture"]
        smallest = self.largest / 10.0**self.decades
        return [
            "|grad| on a log scale, darker = larger:",
            f"from {_tick(smallest)} or less (faintest) to {_tick(self.largest)} (darkest); "
            "orange +, blue \u2212",
        ]

    def legend(self) -> list[tuple[str, str, str]]:
        """The legend's cells, ``(text, fill, outline style)`` left to right: the negative
        ramp from -largest, zero, the positive ramp up to +largest, then the special cases."""
        cells = []
        if self.largest is not None:
            every = math.ceil(self.decades / 3)  # a tick every few powers of ten: 4 at most
            powers = [*range(0, self.decades, every), self.decades]
            sizes = [self.largest / 10.0**k for k in powers]
            cells += [(_tick(-s), self.fill(-s), "solid") for s in sizes]
            cells.append(("0", ZERO_FILL, "solid"))
            cells += [(_tick(s), self.fill(s), "solid") for s in reversed(sizes)]
        else:
            cells.append(("0", ZERO_FILL, "solid"))
        cells += [
            ("not reached", UNREACHED_FILL, UNREACHED_STYLE),
            ("nan", NAN_FILL, "solid"),
            ("\u00b1inf", INF_FILL, "solid"),
        ]
        return cells


def _tick(x: float) -> str:
    """A legend number in a few characters: 1.5, 0.015, 1.5e-08 -> 1.5e-8."""
    text = f"{x:.2g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent):+d}"
    return text.replace("-", "\u2212")


def grad_fill(grad: float | None, largest: float | None, decades: int = MAX_DECADES) -> str:
    """The fill colour for ``grad`` in a picture whose largest |grad| is ``largest``
    (``grad=None``: not reached yet). See ``GradScale`` for the rules."""
    return GradScale(largest, decades).fill(grad)


def legend(largest: float | None, decades: int = MAX_DECADES) -> list[tuple[str, str, str]]:
    """The legend cells ``(text, fill, outline style)`` of a picture whose largest |grad| is
    ``largest`` (see ``GradScale.legend``)."""
    return GradScale(largest, decades).legend()


def outline_style(grad: float | None) -> str:
    """The box outline: dashed while the gradient has not arrived (None), else solid."""
    return UNREACHED_STYLE if grad is None else "solid"


BLACK, WHITE = "#000000", "#ffffff"


def luminance(color: str) -> float:
    """WCAG's relative luminance of ``#rrggbb``: 0 for black, 1 for white. Each channel is
    made linear first (sRGB stores light on a curve), then weighted by how bright it looks."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white).
    Body text needs 4.5 to be read easily."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color(fill: str) -> str:
    """Black or white, whichever has the higher contrast ratio on ``fill`` (one of the two
    always reaches 4.5). White on the orange ``#f16913`` is only 3.1, black is 6.7."""
    return BLACK if contrast(fill, BLACK) >= contrast(fill, WHITE) else WHITE
