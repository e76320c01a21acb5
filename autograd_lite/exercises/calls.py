"""Calling the learner's function: within ``TIME_LIMIT`` seconds, and an error as a verdict.

A loop that never ends is stopped by the SIGALRM timer (on Unix, in the main thread) and
reported as ``TooSlow``; whatever else the function raises becomes a ``Wrong`` that says what
it raised and on which input.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

from .verdicts import Wrong

#: Seconds one call of your function may take before it is stopped; a teacher may set it
#: (``autograd_lite.exercises.calls.TIME_LIMIT = 10``): it is read at each call.
TIME_LIMIT = 3


class TooSlow(BaseException):
    """Raised in a call of your function that takes longer than ``TIME_LIMIT`` seconds.

    Not an Exception, like KeyboardInterrupt: an ``except Exception`` in your function does
    not catch it, and neither does hypothesis, which would retry smaller inputs, each slow.
    ``where`` is the input, ``seconds`` the limit it went over.
    """

    def __init__(self, where, seconds):
        super().__init__(where)
        self.where = where
        self.seconds = seconds


@contextmanager
def time_limit(seconds, where):
    """Raise TooSlow(where, seconds) if the block runs longer than ``seconds``.

    It uses the SIGALRM timer, so it works on Unix in the main thread only; elsewhere there
    is no limit. An alarm that was already set is put back as it was.
    """
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    running = [True]  # False once the block is over: an alarm that rings late is ignored

    def stop(signum, frame):
        if running[0]:
            raise TooSlow(where, seconds)

    previous = signal.signal(signal.SIGALRM, stop)
    earlier, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        running[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if earlier:  # someone else's alarm: let it ring when it would have
            left = earlier - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)


def call(answer, args, where, hint):
    """answer(*args), or Wrong saying what it raised; TooSlow if it takes longer than
    ``TIME_LIMIT`` seconds."""
    try:
        with time_limit(TIME_LIMIT, where):
            return answer(*args)
    except Exception as error:  # the learner's code may raise anything: say what and where
        raise Wrong(
            where, f"{type(error).__name__}: {error}", "no error", hint, "It raised:"
        ) from None
