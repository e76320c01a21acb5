"""``EpochBar``: the progress bar ``fit`` shows, a tqdm bar that moves once an epoch.

Imported only when a bar is wanted (``tqdm`` is optional: the ``train`` extra).
"""

from __future__ import annotations

from tqdm.auto import tqdm


class EpochBar(tqdm):
    """A tqdm bar (a widget in notebooks, text in a terminal) without tqdm's monitor thread.

    tqdm's first bar starts a thread that redraws stalled bars, and it outlives the bar;
    this bar moves once an epoch and needs none. (A process left with a second thread
    cannot safely fork: the command line would draw each picture in a fresh Python.)
    """

    monitor_interval = 0
