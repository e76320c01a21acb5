"""Whether operations record the graph (`no_grad`), and keeping the collector off a graph.

The switch lives in a `ContextVar`, so it is local to each thread and each asyncio task:
one thread evaluating a model under `no_grad` never stops another from recording.

`gc_paused` is about speed only: see its docstring.
"""

from __future__ import annotations

import functools
import gc
import threading
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


class gc_paused:
    """Pause Python's cyclic garbage collector inside a block (or a decorated function).

    Why: the engine makes no reference cycles, so reference counting frees every graph the
    moment its last name goes away; the cyclic collector is not needed for it. Yet while a
    large graph is being built, the generational collector walks all of its live nodes
    again and again (every few hundred new objects, and the whole graph every time it has
    grown by a quarter). Building a graph node by node, that is a third to a half of the
    time (see ``benchmarks/RESULTS.md``), and more in a process that has imported a big
    library such as PyTorch.

    What it does: ``gc.disable()`` on entry and, on exit, ``gc.enable()`` again if the
    collector was enabled before the first of the nested blocks, also when an exception
    leaves the block. Nothing else changes: no threshold, no frozen objects. The
    collector's state is process-wide, so the pause is too: blocks in several threads nest
    as one (the collector comes back when the last one exits), and reference cycles that
    any code makes meanwhile wait until then to be collected.

    Use it around a training step (forward, loss, backward, update) or a whole loop::

        with ag.gc_paused():
            loss = model_loss(...)
            loss.backward()
    """

    _lock = threading.Lock()
    _depth = 0  # blocks entered and not yet exited, in all threads
    _was_enabled = False  # the collector's state before the outermost block

    def __new__(cls, func=None):
        self = super().__new__(cls)
        return self if func is None else self(func)

    def __init__(self, func=None):
        pass

    def __enter__(self):
        cls = gc_paused
        with cls._lock:
            if cls._depth == 0:
                cls._was_enabled = gc.isenabled()
                gc.disable()
            cls._depth += 1
        return self

    def __exit__(self, *exc_info):
        cls = gc_paused
        with cls._lock:
            cls._depth -= 1
            if cls._depth == 0 and cls._was_enabled:
                gc.enable()
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"gc_paused decorates a function, got {type(func).__name__}")

        @functools.wraps(func)
        def with_gc_paused(*args, **kwargs):
            with gc_paused():
                return func(*args, **kwargs)

        return with_gc_paused
