"""``History``: what ``fit`` measured, epoch by epoch, and the ways to look at it."""

from __future__ import annotations

__all__ = ["History"]


class History:
    """Per-epoch figures of a training run; ``plot()`` draws the curves.

    Epochs are counted from 1, everywhere: ``best_epoch == 3`` is the third epoch, whose
    loss is ``loss[2]`` (``loss[best_epoch - 1]``), and the plot's x axis starts at 1.

    ``loss`` and ``accuracy`` are training figures (averaged over the epoch's batches, so
    measured while the weights were still moving); ``val_loss`` and ``val_accuracy`` are
    measured at the end of each epoch. Lists stay empty for figures that do not apply
    (no accuracy for regression, no validation figures without validation data).
    """

    def __init__(self):
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.val_loss: list[float] = []
        self.val_accuracy: list[float] = []
        self.lr: list[float] = []
        self.best_epoch: int | None = None  # set by early stopping; counted from 1
        self.stopped_early = False
        self.steps = 0  # optimizer steps taken
        self.seconds = 0.0  # wall-clock time of the run
        self.recording = None  # what fit(..., record=True) recorded, for replay()

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __len__(self):
        return self.epochs

    def last(self) -> dict:
        """The latest epoch's figures by name."""
        names = ("loss", "accuracy", "val_loss", "val_accuracy")
        return {n: getattr(self, n)[-1] for n in names if getattr(self, n)}

    def __repr__(self):
        figures = ", ".join(f"{k}={v:.4g}" for k, v in self.last().items())
        stop = f", stopped early (best: epoch {self.best_epoch})" if self.stopped_early else ""
        return f"History({self.epochs} epochs{', ' if figures else ''}{figures}{stop})"

    def plot(self, ax=None):
        """Loss (and accuracy, when measured) per epoch; needs matplotlib."""
        from .plots import plot_history

        return plot_history(self, ax=ax)

    def replay(self, path):
        """Write the recorded run as one HTML page to ``path`` (needs ``fit(..., record=True)``)."""
        if self.recording is None:
            raise ValueError(
                "History.replay: this run was not recorded; call fit(..., record=True)"
            )
        from .replay import write_replay

        return write_replay(self.recording, path)
