"""Whether operations record the graph (`no_grad`), and keeping the collector off a graph.

The switch lives in a `ContextVar`, so it is local to each thread and each asyncio task:
one thread evaluating a model under `no_grad` never stops another from recording.

`gc_paused` is about speed only: see its docstring.
"""

from __future__ import annotations

import functools
import gc
import inspect
import threading
import warnings
from contextvars import ContextVar

_recording: ContextVar[bool] = ContextVar("autograd_lite_recording", default=True)
_is_recording = _recording.get  # is_recording() without a Python call: asked once per node


def is_recording() -> bool:
    """True when new operations record their parents (the default)."""
    return _recording.get()


# --- a plain number where a derivative is being taken --------------------------------------
# Inside ``grad(f)`` (``value_and_grad``, ``hessian``, ``gradcheck``), and inside your op's
# derivative when it is differentiated again, ``math.exp(x)`` or ``float(x)`` of a Value
# gives a plain number, and so do ``backward()`` and ``gradients()`` without create_graph:
# the graph is cut there, and the derivative comes out wrong (0 along that path) without a
# word. JAX refuses it; here they keep working, and warn.
_taking_derivative: ContextVar[str | None] = ContextVar("autograd_lite_cut", default=None)


class GraphCutWarning(UserWarning):
    """A plain number where a derivative is being taken: ``float()`` of a Value
    (``math.exp(x)``, say), or gradients as floats from ``backward()`` or ``gradients()``.
    The derivative cannot see through it, so it is wrong along that path."""


# How many derivatives are being taken around this point (in this thread or task): grad,
# hessian and gradcheck evaluating their function (``functional.differentiating``), and your
# op's derivative being differentiated again. Inside one, a ``grad`` must give Values, not
# floats: the outer derivative differentiates them.
_outer_calls: ContextVar[int] = ContextVar("autograd_lite_outer_grad_calls", default=0)


class taking_derivative:
    """Inside, a derivative is being taken: ``float()`` of a Value warns that it cuts the
    graph (``where`` says what is being differentiated), and a ``grad`` gives Values.
    (``grad`` sets the same switches in ``functional.differentiating``.)"""

    def __init__(self, where):
        self.where = where

    def __enter__(self):
        self._tokens = (
            _taking_derivative.set(self.where),
            _outer_calls.set(_outer_calls.get() + 1),
        )

    def __exit__(self, *exc_info):
        cutting, depth = self._tokens
        _outer_calls.reset(depth)
        _taking_derivative.reset(cutting)
        return False


class on_numbers:
    """Where the op named ``op`` runs its derivative on floats, when its node is made.

    Inside, no derivative is being taken, whatever is outside, so a ``grad`` the derivative
    calls gives floats, as it would at the top level (inside ``grad(f)`` it would give
    Values). And where Python raises but IEEE arithmetic gives inf or nan (``0.5 / out`` at
    out = 0, a log of 0), the error names the op and the IEEE functions to write instead.
    """

    def __init__(self, op):
        self.op = op

    def __enter__(self):
        self._tokens = (_taking_derivative.set(None), _outer_calls.set(0))

    def __exit__(self, kind, error, traceback):
        cutting, depth = self._tokens
        _outer_calls.reset(depth)
        _taking_derivative.reset(cutting)
        # Python's float arithmetic and math module raise these where IEEE gives inf or nan
        # (a ValueError may also be your own: then the advice is an "if"; math's messages
        # differ between Python versions, so they are not read)
        # (an op's own error, which names its op already, is passed on as it is)
        ours = str(error).startswith("op ")
        if kind in (ZeroDivisionError, OverflowError, ValueError) and not ours:
            maybe = "if Python refused a singular point there: " if kind is ValueError else ""
            raise kind(
                f"op {self.op!r}: its derivative raised {kind.__name__} ({error}); {maybe}"
                "IEEE arithmetic gives inf or nan where Python refuses (a / 0, log of 0), as a "
                "derivative at a singular point should: write it with ag.ieee_div(a, b) for "
                "a / b, ag.ieee_pow(x, y), ag.ieee_log(x) and ag.exp(x), on floats and on "
                "Values alike"
            ) from error
        return False


CUT_BY_FLOAT = (
    "float() or int() of a Value (math.exp(x) or int(x), say) gives a plain number",
    "use the ag functions on Values (ag.exp, ag.sin, ...), and v.data where you mean just "
    "the number (for a branch, say)",
)


CUT_BY_GRADS = (
    "the gradients are plain numbers",
    "inside a function that grad differentiates, take derivatives with ag.grad, or with "
    "ag.gradients(y, xs, create_graph=True), not backward() or gradients() of floats",
)


def warn_if_cutting(what=CUT_BY_FLOAT, stacklevel=3) -> None:
    """Warn when a derivative is being taken (and recorded) through a plain number: ``what``
    is (what gave it, what to do instead). ``Value.__float__`` calls it, and so do
    ``backward`` and ``gradients``, whose floats an outer ``grad`` cannot see through."""
    where = _taking_derivative.get()
    if where is not None and _recording.get():  # (under no_grad there is no graph to cut)
        gave, instead = what
        message = (
            f"{where}: {gave} that the derivative cannot see through, so the derivative "
            f"is wrong (0 along that path); {instead}"
        )
        warnings.warn(GraphCutWarning(message), stacklevel=stacklevel)  # at the caller


class _BlockOrDecorator:
    """A context manager that also decorates: ``with X():``, ``@X`` and ``@X()`` all work.

    A decorated function runs each call inside a fresh ``X()``. For a generator function
    (async too) the block is entered around each step of the generator only, so that it
    never leaks to the caller between two ``yield``s, and what the caller throws into it or
    closes reaches the generator inside the block; a coroutine function holds it across its
    awaits.
    """

    def __new__(cls, func=None):
        self = super().__new__(cls)
        return self if func is None else self(func)

    def __init__(self, func=None):
        pass

    def __call__(self, func):
        block = type(self)
        if not callable(func):
            raise TypeError(f"{block.__name__} decorates a function, got {type(func).__name__}")
        if inspect.iscoroutinefunction(func):

            async def wrapper(*args, **kwargs):
                with block():
                    return await func(*args, **kwargs)

        elif inspect.isgeneratorfunction(func):

            def wrapper(*args, **kwargs):
                steps = func(*args, **kwargs)
                try:
                    with block():
                        item = next(steps)
                    while True:  # pass on what the caller sends, throws or closes
                        try:
                            sent = yield item
                        except GeneratorExit:
                            with block():
                                steps.close()
                            raise
                        except BaseException as error:
                            with block():
                                item = steps.throw(error)
                        else:
                            with block():
                                item = steps.send(sent)
                except StopIteration as finished:
                    return finished.value

        elif inspect.isasyncgenfunction(func):

            async def wrapper(*args, **kwargs):
                steps = func(*args, **kwargs)
                try:
                    with block():
                        item = await steps.__anext__()
                    while True:  # the same, for an async generator
                        try:
                            sent = yield item
                        except GeneratorExit:
                            with block():
                                await steps.aclose()
                            raise
                        except BaseException as error:
                            with block():
                                item = await steps.athrow(error)
                        else:
                            with block():
                                item = await steps.asend(sent)
                except StopAsyncIteration:
                    return

        else:

            def wrapper(*args, **kwargs):
                with block():
                    return func(*args, **kwargs)

        return functools.wraps(func)(wrapper)


class no_grad(_BlockOrDecorator):
    """Turn recording off: operations inside give leaves with no parents.

    Use it as a context manager (``with no_grad(): ...``) or a decorator
    (``@no_grad`` or ``@no_grad()``). It nests, and restores the previous state on exit,
    also when an exception leaves the block. One ``no_grad()`` object may be entered in
    several threads or tasks at once: each remembers its own previous state.
    """

    def __enter__(self):
        _before_no_grad.set((*_before_no_grad.get(), _recording.get()))
        _recording.set(False)
        return self

    def __exit__(self, *exc_info):
        *rest, before = _before_no_grad.get()
        _before_no_grad.set(tuple(rest))
        _recording.set(before)
        return False


# The states that the open no_grad blocks will restore, innermost last: one variable for
# them all, per thread and task as ``_recording`` is. (A variable per block, as before,
# stayed in the context for good: 100,000 blocks left 100,000 of them, and each block
# took longer than the last.)
_before_no_grad: ContextVar[tuple] = ContextVar("autograd_lite_no_grad_before", default=())


class gc_paused(_BlockOrDecorator):
    """Pause Python's cyclic garbage collector inside a block (or a decorated function).

    Why: the engine makes no reference cycles, so reference counting frees every graph the
    moment its last name goes away; the cyclic collector is not needed for it. Yet while a
    large graph is being built, the generational collector walks all of its live nodes
    again and again (every few hundred new objects, and the whole graph every time it has
    grown by a quarter). Building a graph node by node, that is a tenth to a quarter of
    the time in a bare process, depending on the machine, and more than half in one that
    has imported big libraries such as numpy, matplotlib and PyTorch (see
    ``benchmarks/RESULTS.md``).

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

    ``fit`` pauses it for each step. ``nn``'s models pause it for each call of their own,
    with a switch of their own that is not counted with these blocks (see
    ``nn.Module.__call__``).
    """

    _lock = threading.Lock()
    _depth = 0  # blocks entered and not yet exited, in all threads
    _was_enabled = False  # the collector's state before the outermost block

    def __enter__(self):
        cls = gc_paused
        with cls._lock:
            cls._depth += 1
            try:
                if cls._depth == 1:
                    cls._was_enabled = gc.isenabled()
                    gc.disable()
            except BaseException:  # Ctrl-C as the switch went off: the block never began,
                cls._depth -= 1  # so its __exit__ will never run; undo the pause here
                if cls._depth == 0 and cls._was_enabled:
                    gc.enable()
                raise
            self._open = getattr(self, "_open", 0) + 1  # this object's blocks, for __exit__
        return self

    def __exit__(self, *exc_info):
        cls = gc_paused
        with cls._lock:
            if not getattr(self, "_open", 0):  # an exit without its enter: nothing to undo
                return False
            self._open -= 1
            cls._depth -= 1
            if cls._depth == 0 and cls._was_enabled:
                gc.enable()
        return False
