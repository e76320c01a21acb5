"""Whether operations record the graph: the switch behind `no_grad`.

The switch lives in a `ContextVar`, so it is local to each thread and each asyncio task:
one thread evaluating a model under `no_grad` never stops another from recording.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

_recording: ContextVar[bool] = ContextVar("autograd_lite_recording", default=True)


def is_recording() -> bool:
    """True when new operations record their parents (the default)."""
    return _recording.get()


class no_grad:
    """Turn recording off: operations inside give leaves with no parents.

    Use it as a context manager (``with no_grad(): ...``) or a decorator
    (``@no_grad`` or ``@no_grad()``). It nests, and restores the previous state on exit,
    also when an exception leaves the block.
    """

    def __new__(cls, func=None):
        self = super().__new__(cls)
        self._tokens = []
        return self if func is None else self(func)

    def __init__(self, func=None):
        pass

    def __enter__(self):
        self._tokens.append(_recording.set(False))
        return self

    def __exit__(self, *exc_info):
        _recording.reset(self._tokens.pop())
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"no_grad decorates a function, got {type(func).__name__}")

        @functools.wraps(func)
        def without_recording(*args, **kwargs):
            with no_grad():
                return func(*args, **kwargs)

        return without_recording
