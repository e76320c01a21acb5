"""The gradient-flow plot's log-axis ticks (imported by ``nn.plots`` only when it draws, as
it imports matplotlib; a module of its own so that a figure that uses them can be pickled)."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import LogLocator


class FiniteLogLocator(LogLocator):
    """matplotlib's log ticks, less any beyond the floats.

    Over hundreds of decades the ticks stand many decades apart, and matplotlib places one
    a stride beyond each end of the axis: past 1e308 that tick was inf, and labelling it
    raised OverflowError (a small subplot, with fewer ticks, met it at 200 decades).
    """

    def tick_values(self, vmin, vmax):
        with np.errstate(over="ignore", under="ignore"):  # (those ticks are dropped)
            ticks = super().tick_values(vmin, vmax)
        return ticks[(ticks > 0) & np.isfinite(ticks)]
