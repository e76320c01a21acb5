"""Graded exercises: build a tiny engine yourself, and let hypothesis check each piece.

The lesson ``notebooks/00_build_your_own.ipynb`` asks for the pieces of a tiny engine, in the
order micrograd's lecture builds them. After each one, a single call grades it::

    from autograd_lite.exercises import check
    check("mul_derivative", mul_derivative)

``check`` tries the function on 200 random inputs drawn by hypothesis and compares it with
autograd-lite itself (and, for derivatives, with a numerical slope). It answers in a
sentence: "correct on 200 random inputs", or the *smallest* input where the function goes
wrong (hypothesis shrinks the failing input it found), what it returned, what was expected,
and a hint. The tasks, in order, are in ``TASKS``.

Each call of your function may take ``TIME_LIMIT`` seconds: a loop that never ends is
stopped and reported (on Unix, when checking from the main thread; elsewhere it would hang).

The lesson's hidden cells hold our answers, marked ``@our_answer``: ``check`` does not grade
those as yours, it says they are ours and asks for yours.

The lesson's nodes have four attributes, and the checker builds its graphs from nodes with
the same four, so your functions work on both:

- ``data``: the number; ``grad``: d(root)/d(this node), 0.0 until backward;
- ``parents``: the nodes it was computed from (``a + a`` has ``(a, a)``);
- ``local``: one local derivative d(this node)/d(parent) per parent.

Needs ``hypothesis`` (``pip install 'autograd-lite[testing]'``).
"""

from __future__ import annotations

import difflib
import dis
import html
import math
import numbers
import signal
import threading
import time
import types
from contextlib import contextmanager
from typing import NamedTuple

from .extras import needs

try:
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import Flaky
except ModuleNotFoundError as error:  # pragma: no cover - depends on the installation
    raise needs(error, "autograd_lite.exercises (the answer checker)") from None

import autograd_lite as ag
from autograd_lite.testing import values

EXAMPLES = 200  # random inputs per check
TIME_LIMIT = 3  # seconds one call of your function may take before it is stopped

# The same inputs on every run (derandomize), so a learner who re-runs a check sees the
# same answer; no database, no deadline (a first attempt may be slow), nothing printed.
_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    verbosity=Verbosity.quiet,
    print_blob=False,
)


# --- what check returns ---------------------------------------------------------------


class Result:
    """The verdict on one task: ``passed``, and a ``message`` for people.

    Prints as text in a terminal and shows as a coloured box in Jupyter. When the answer is
    wrong, ``failing_input``, ``returned`` (under the heading ``got``, "It returned:" or
    "It raised:" or "After it ran:"), ``expected`` and ``hint`` hold the parts of the message.
    ``ours`` is True when the answer was ours, from a hidden cell, and so not graded.
    """

    def __init__(self, task, passed, message, wrong=None, ours=False):
        self.task = task
        self.passed = passed
        self.message = message
        self.ours = ours  # the answer was ours (from a hidden cell), so it was not graded
        self.failing_input = wrong.failing_input if wrong else ""
        self.got = wrong.got if wrong else ""
        self.returned = wrong.returned if wrong else ""
        self.expected = wrong.expected if wrong else ""
        self.hint = wrong.hint if wrong else ""

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self.message

    __repr__ = __str__

    def _repr_html_(self):
        if self.ours:  # neither right nor wrong: not graded
            color, background = "#546e7a", "#eceff1"
        elif self.passed:
            color, background = "#2e7d32", "#f1f8e9"
        else:
            color, background = "#c62828", "#fdecea"
        title, *rest = self.message.split("\n", 1)
        body = ""
        if rest and self.expected:  # the parts, with the numbers in a fixed-width font
            parts = [
                ("The smallest input where it goes wrong:", self.failing_input),
                (self.got, self.returned),
                ("Expected:", self.expected),
            ]
            body = "".join(
                f'<div>{label}</div><pre style="margin: 2px 0 6px 1.5em">{html.escape(text)}</pre>'
                for label, text in parts
            )
            body += f"<div><b>Hint:</b> {html.escape(self.hint)}</div>"
        elif rest:  # (a time-out: the input, then the hint, as the other verdicts show it)
            text, _, hint = rest[0].partition("\nHint: ")
            body = f'<div style="white-space: pre-wrap">{html.escape(text)}</div>'
            if hint:
                body += f"<div><b>Hint:</b> {html.escape(hint)}</div>"
        return (
            f'<div style="border-left: 4px solid {color}; background: {background}; '
            f'padding: 6px 12px; color: #222"><div><b>{html.escape(title)}</b></div>'
            f"{body}</div>"
        )


class Wrong(Exception):
    """Raised inside the hypothesis test when an answer is wrong: what to tell the learner."""

    def __init__(self, failing_input, returned, expected, hint, got="It returned:"):
        super().__init__(failing_input)
        self.got = got
        self.failing_input = failing_input
        self.returned = returned
        self.expected = expected
        self.hint = hint


class Found(Exception):
    """What the search raises when ``judge`` finds a wrong answer."""

    def __init__(self, wrong):
        super().__init__(wrong.failing_input)
        self.wrong = wrong


def _passed(task, count, noun):
    return Result(task.name, True, f"✓ {task.name}: correct on {count} random {noun}.")


def _too_slow(task, where, blamed=None):
    hint = "Look for a loop that never ends, such as a `while` whose condition stays true."
    title = f"✗ {task.name} did not finish within {TIME_LIMIT:g} s on this input:"
    if blamed:  # an earlier task it calls is not right (it may be the one that never ends)
        hint = blamed.hint()
        title = (
            f"✗ {task.name} did not finish within {TIME_LIMIT:g} s, and {blamed.words()}, is "
            "not right yet: run its check first. On this input:"
        )
    message = f"{title}\n{_indent(where)}\nHint: {hint}"
    return Result(task.name, False, message, Wrong(where, "", "", hint, got=""))


def _flaky(task, blamed=None):
    if not blamed:
        hint = (
            "Does it use random numbers, or change something outside itself (a global "
            "variable)? It should compute its answer from its arguments alone."
        )
        message = f"✗ {task.name} gave different answers for the same input.\n{hint}"
        return Result(task.name, False, message, Wrong("", "", "", hint, got=""))
    # (a sort that returns a set, say: its order changes from run to run)
    title = (
        blamed.verdict(task.name)
        + f"\nWith it, {task.name} gave different answers for the same input."
    )
    message = f"{title}\nHint: {blamed.hint()}"
    return Result(task.name, False, message, Wrong("", "", "", blamed.hint(), got=""))


class Blame(NamedTuple):
    """An earlier task of the learner's, wrong, that a wrong answer calls."""

    task: str  # its name, such as "topological_sort"
    through: str | None  # the function it is called through (tanh, or an alias), if any
    right_alone: bool | None  # the answer's verdict with a right one in its place (None: not tried)
    own_hint: str = ""  # if still wrong then: what is wrong with the answer itself

    def words(self) -> str:
        """``"topological_sort, which it calls"``, ``"..., which it calls through tanh"``."""
        return f"{self.task}, which it calls" + (f" through {self.through}" if self.through else "")

    def verdict(self, name: str) -> str:
        """The first line of the verdict on ``name``, the answer that calls it."""
        if self.right_alone is False:  # wrong even with a right one in its place
            return (
                f"✗ {name} is not right yet, and {self.words()}, is not right either: run its "
                "check first."
            )
        return f"✗ {name} may be right: {self.words()}, is not right yet: run its check first."

    def hint(self) -> str:
        if self.right_alone is False:  # its own mistake, hinted at too
            return f"Fix {self.task} until its check passes. {self.own_hint}"
        return f"Fix {self.task} until its check passes, then run this check again."


def _ours(task):
    return Result(
        task.name,
        False,
        f"○ {task.name}: this is our answer, from the hidden cell, so it is not graded.\n"
        f"Write your own {task.name} in the empty cell above, run it, then run this check "
        f"again. (If you did, is it named exactly {task.name}, and did its cell run "
        "without an error?)",
        ours=True,
    )


def _failed(task, wrong, blamed=None):
    title = f"✗ {task.name} is not right yet."
    if blamed:
        title, wrong.hint = blamed.verdict(task.name), blamed.hint()
    lines = [
        title,
        f"The smallest input where it goes wrong:\n{_indent(wrong.failing_input)}",
        f"{wrong.got}\n{_indent(wrong.returned)}",
        f"Expected:\n{_indent(wrong.expected)}",
        f"Hint: {wrong.hint}",
    ]
    return Result(task.name, False, "\n".join(lines), wrong)


_MARK = "    <-- wrong"


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


# --- the one entry point --------------------------------------------------------------


def our_answer(function):
    """Mark ``function`` as our answer, so that ``check`` does not grade it as yours.

    The lesson's hidden cells define their answers with ``@our_answer``.

    >>> @our_answer
    ... def add_derivative(a, b):
    ...     return 1.0, 1.0
    >>> check("add_derivative", add_derivative).ours
    True
    """
    try:
        function.our_answer = True
    except AttributeError:  # (a builtin such as math.exp takes no attributes)
        raise TypeError(
            f"our_answer marks a function written with def, got {type(function).__name__} "
            f"{function!r}"
        ) from None
    return function


def check(task, answer) -> Result:
    """Grade ``answer`` (your function) for ``task`` (its name, see ``TASKS``) on random inputs.

    >>> check("add_derivative", lambda a, b: (1.0, 1.0))
    ✓ add_derivative: correct on 200 random inputs.
    """
    if not isinstance(task, str):
        raise TypeError(
            f"check: the task must be a name such as 'mul_derivative', got "
            f"{type(task).__name__} {task!r}"
        )
    if task not in _TASKS:
        close = [t for t in TASKS if t.startswith(task)] or difflib.get_close_matches(task, TASKS)
        guess = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"check: there is no task {task!r}.{guess} The tasks are: {', '.join(TASKS)}"
        )
    if not callable(answer):
        raise TypeError(
            f"check: the answer to {task!r} must be your function itself, got "
            f"{type(answer).__name__} {answer!r:.60}. Pass it without calling it: "
            f"check({task!r}, {task})"
        )
    if getattr(answer, "our_answer", False):
        return _ours(_TASKS[task])
    return _run(_TASKS[task], answer)


def _run(task, answer, blame=True):
    """Let hypothesis search for an input where ``answer`` is wrong, and phrase the outcome
    (``blame``: say so when an earlier task that it calls is wrong)."""
    passed = 0

    @_SETTINGS
    @given(task.inputs)
    def search(case):
        nonlocal passed
        try:
            task.judge(answer, case)
        except Wrong as wrong:
            problem = wrong
        else:
            passed += 1
            return
        # Raised from this one line, whatever went wrong, and outside the except block (no
        # __context__): hypothesis tells failures apart by where they come from, and must
        # see a single kind, so that it shrinks to the smallest input of all that fail.
        raise Found(problem)

    try:
        search()
    except Found as found:  # hypothesis re-raises the one from the smallest failing input
        wrong = found.wrong
    except TooSlow as slow:  # at the first input that takes too long: no shrinking
        blamed = _earlier_task_to_blame(task, answer, alone=False) if blame else None
        return _too_slow(task, slow.where, blamed)
    except Flaky:  # (a set's order changes from run to run: the set may be an earlier task's)
        return _flaky(task, _earlier_task_to_blame(task, answer) if blame else None)
    else:
        return _passed(task, passed, task.noun)
    # Wrong: but if it calls an earlier task that is wrong, the mistake may be there.
    return _failed(task, wrong, _earlier_task_to_blame(task, answer) if blame else None)


# --- when an answer is wrong because an earlier one is --------------------------------


def _earlier_task_to_blame(task, answer, alone=True):
    """The first earlier task that ``answer`` calls and that fails its own check, as a
    ``Blame``, or None.

    backward calls the learner's topological_sort, and neuron calls their tanh_derivative
    (through their tanh): when one of those is wrong, backward or neuron is wrong too.
    With ``alone``, ``answer`` is checked again with right answers in place of the wrong
    ones, to tell "may be right" from "not right either" (and what is still wrong then).
    """
    calls = _tasks_called_by(answer)
    wrong = [
        name
        for name in TASKS[: TASKS.index(task.name)]
        if name in calls
        and not getattr(calls[name][0], "our_answer", False)
        and not check(name, calls[name][0])
    ]
    if not wrong:
        return None
    first, through = wrong[0], calls[wrong[0]][1]
    verdict = _right_with_right_calls(task, answer, wrong) if alone else None
    if verdict is None or verdict:  # not tried, or right with right ones in their place
        return Blame(first, through, None if verdict is None else True)
    own = f"{task.name} is wrong with a right {first} too: {verdict.hint}"  # (every ✗ has one)
    return Blame(first, through, False, own)


def _right_with_right_calls(task, answer, names):
    """The verdict on ``answer`` with right answers in place of the earlier tasks ``names``
    (None if one has no right answer to put in). They are looked up by name among its
    global names, so they are swapped there, under every name that holds them (an alias
    too), for this one check."""
    if any(_TASKS[name].right is None for name in names):
        return None
    namespace = answer.__globals__
    # Every global name that holds their function (sort = topological_sort as well).
    right = {id(namespace[name]): _TASKS[name].right for name in names}
    theirs = {key: value for key, value in namespace.items() if id(value) in right}
    try:  # (the swap inside: a Ctrl-C as soon as it is done still puts theirs back)
        namespace.update({key: right[id(value)] for key, value in theirs.items()})
        return _run(task, answer, blame=False)
    finally:
        namespace.update(theirs)


def _tasks_called_by(answer):
    """{task name: (its function, the function it is called through or None)} for the tasks
    that ``answer`` calls, directly or through other functions defined beside it."""
    calls = {}
    if not isinstance(answer, types.FunctionType):
        return calls
    namespace = answer.__globals__  # the notebook's (or module's) global names
    # a task's function under another name too (sort = topological_sort): id -> task
    tasks = {id(namespace[name]): name for name in _TASKS if callable(namespace.get(name))}
    seen = set()

    def visit(function, through):
        seen.add(function)
        for name in _names_used(function.__code__):
            found = namespace.get(name)
            beside = isinstance(found, types.FunctionType) and found.__globals__ is namespace
            if name in _TASKS and callable(found):
                calls.setdefault(name, (found, through))
            elif id(found) in tasks and found is namespace[tasks[id(found)]]:
                calls.setdefault(tasks[id(found)], (found, through or name))
            elif beside and found not in seen:  # a function of the lesson's, such as tanh
                visit(found, through or name)

    visit(answer, None)
    return calls


def _names_used(code):
    """The global names a function's code reads, in its nested functions too: ``add`` in
    ``add(a, b)``, but not in ``visited.add(v)`` (an attribute: ``co_names`` holds both)."""
    names = {
        step.argval
        for step in dis.get_instructions(code)
        if step.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names_used(constant)
    return names


class Task:
    """One exercise: how to draw inputs, how to judge an answer on one, what to call them."""

    def __init__(self, name, inputs, judge, noun="inputs", right=None):
        self.name = name
        self.inputs = inputs  # a hypothesis strategy
        self.judge = judge  # (answer, case) -> None, or raises Wrong
        self.noun = noun
        self.right = right  # a right answer, put in for a wrong one a later answer calls


# --- helpers for judging --------------------------------------------------------------


def _num(x) -> str:
    """A number, short: 1.0, -2.5, 0.7615941559557649 -> 0.761594156."""
    if isinstance(x, float):
        text = repr(x)
        return text if len(text) <= 12 else f"{x:.9g}"
    return repr(x)


def _close(x, y) -> bool:
    return math.isclose(x, y, rel_tol=1e-7, abs_tol=1e-9) or x == y


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


class TooSlow(BaseException):
    """Raised in a call of your function that takes longer than ``TIME_LIMIT`` seconds.

    Not an Exception, like KeyboardInterrupt: an ``except Exception`` in your function does
    not catch it, and neither does hypothesis, which would retry smaller inputs, each slow.
    """

    def __init__(self, where):
        super().__init__(where)
        self.where = where


@contextmanager
def _time_limit(seconds, where):
    """Raise TooSlow(where) if the block runs longer than ``seconds``.

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
            raise TooSlow(where)

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


def _call(answer, args, where, hint):
    """answer(*args), or Wrong saying what it raised; TooSlow if it takes too long."""
    try:
        with _time_limit(TIME_LIMIT, where):
            return answer(*args)
    except Exception as error:  # the learner's code may raise anything: say what and where
        raise Wrong(
            where, f"{type(error).__name__}: {error}", "no error", hint, "It raised:"
        ) from None


def _not_returned(out):
    """The hint for a function that returned None."""
    if out is None:
        return "It returned None: did you forget the `return`?"
    return None


# --- tasks 1-5: local derivatives -----------------------------------------------------


def _numeric_slopes(f, args):
    """The slope of f along each argument, by central differences."""
    slopes = []
    for i, x in enumerate(args):
        h = 1e-6 * max(1.0, abs(x))
        up, down = list(args), list(args)
        up[i] += h
        down[i] -= h
        slopes.append((f(*up) - f(*down)) / (2 * h))
    return slopes


def _derivative_task(name, names, inputs, forward, engine, differentiated, hint, diagnose=None):
    """A task "write the local derivatives of an op".

    ``forward`` computes the op on floats (for the numerical slope), ``engine`` on Values
    (for autograd-lite's own rule); ``differentiated`` says which arguments get a derivative
    (``**`` has a constant exponent); the answer returns one number per such argument, a
    bare number when there is only one.
    """

    def derivatives(args):  # the right ones, by autograd-lite's own rule
        leaves = [ag.Value(x) for x in args]
        return ag.gradients(engine(*leaves), [leaves[i] for i in differentiated])

    def judge(answer, args):
        where = ", ".join(f"{n} = {_num(x)}" for n, x in zip(names, args))
        expected = derivatives(args)
        slopes = _numeric_slopes(forward, args)
        slopes = [slopes[i] for i in differentiated]
        out = _call(answer, args, where, hint)
        single = len(differentiated) == 1
        if single and isinstance(out, (tuple, list)) and len(out) == 1:
            out = out[0]  # (d,) for one derivative is fine too
        got = [out] if single else out
        ok_shape = isinstance(got, (tuple, list)) and len(got) == len(expected)
        numbers_only = ok_shape and all(_is_number(g) for g in got)
        if numbers_only and all(_close(float(g), e) for g, e in zip(got, expected)):
            return
        shown = ", ".join(_num(e) for e in expected)
        numeric = ", ".join(_num(float(f"{s:.8g}")) for s in slopes)
        if not single:
            shown, numeric = f"({shown})", f"({numeric})"
        expected_text = f"{shown}   (a numerical slope gives {numeric})"
        extra = _not_returned(out)
        if extra is None and not single and not ok_shape:
            each = ", ".join(f"d(out)/d{names[i]}" for i in differentiated)
            extra = f"Return {len(expected)} numbers, one per input: ({each})."
        elif extra is None and not numbers_only:
            extra = _plain_floats_hint(got, names)
        elif extra is None and diagnose is not None:
            extra = diagnose(args, got)
        raise Wrong(where, _shown(out), expected_text, f"{extra} {hint}" if extra else hint)

    def right(*args):  # a right answer, as a learner returns it
        found = derivatives(args)
        return found[0] if len(found) == 1 else tuple(found)

    return Task(name, inputs, judge, right=right)


def _plain_floats_hint(got, names):
    """The hint for derivatives of the right count that are not all numbers."""
    other = next(g for g in got if not _is_number(g))
    name = getattr(other, "__name__", "")
    if len(got) == 1 and callable(other) and name.isidentifier():  # return math.exp
        call = f"{name}({', '.join(names)})"
        return f"Return a plain float, not the function {name} itself: call it, as in {call}."
    if len(got) == 1:
        return f"Return a plain float, not {_kind(other)}."
    count = {2: "two", 3: "three"}.get(len(got), str(len(got)))
    return f"Return {count} plain floats, not {_kind(other, many=True)}."


def _kind(x, many=False) -> str:
    """What x is, for a hint: 'a Value' (or 'Values'), 'a string', 'True or False'."""
    if isinstance(x, bool):
        return "True or False"
    if x is None:
        return "None"
    name = "string" if isinstance(x, str) else type(x).__name__
    if many:
        return name + ("es" if name.endswith(("s", "x")) else "s")  # (complexes)
    return f"an {name}" if name[0] in "aeiou" or name == "ndarray" else f"a {name}"


def _shown(out) -> str:
    if _is_number(out):
        return _num(out)
    if isinstance(out, (tuple, list)) and all(_is_number(x) for x in out):
        inner = ", ".join(_num(x) for x in out)
        if isinstance(out, list):
            return f"[{inner}]"
        return f"({inner},)" if len(out) == 1 else f"({inner})"  # (1.0,) is a tuple, (1.0) not
    text = repr(out)
    return text if len(text) <= 80 else text[:77] + "..."


def _swapped(args, got):
    a, b = args
    if _close(float(got[0]), a) and _close(float(got[1]), b):
        return "You returned (a, b): the two are swapped."
    return None


def _pow_inputs():
    """(x, n): n is a constant exponent; a negative or fractional one gets a positive x."""

    @st.composite
    def draw_pair(draw):
        n = draw(st.sampled_from([2, 3, 1, 4, 0.5, -1, 1.5, -2]))
        positive_only = n < 0 or not float(n).is_integer()
        x = draw(values(0.5, 3.0) if positive_only else values())
        return (x, n)

    return draw_pair()


_DERIVATIVES = [
    _derivative_task(
        "mul_derivative",
        ("a", "b"),
        st.tuples(values(), values()),
        lambda a, b: a * b,
        lambda a, b: a * b,
        (0, 1),
        "For out = a * b, nudging a by a tiny h changes out by b * h, so d(out)/da = b; "
        "likewise d(out)/db = a. Return (d(out)/da, d(out)/db).",
        _swapped,
    ),
    _derivative_task(
        "add_derivative",
        ("a", "b"),
        st.tuples(values(), values()),
        lambda a, b: a + b,
        lambda a, b: a + b,
        (0, 1),
        "For out = a + b, nudging either input by h nudges out by exactly h: "
        "both local derivatives are 1, whatever a and b are.",
    ),
    _derivative_task(
        "tanh_derivative",
        ("x",),
        st.tuples(values()),
        math.tanh,
        ag.tanh,
        (0,),
        "The derivative of tanh(x) is 1 - tanh(x)**2 (use math.tanh).",
    ),
    _derivative_task(
        "exp_derivative",
        ("x",),
        st.tuples(values()),
        math.exp,
        ag.exp,
        (0,),
        "exp is its own derivative: d/dx exp(x) = exp(x) (use math.exp).",
    ),
    _derivative_task(
        "pow_derivative",
        ("x", "n"),
        _pow_inputs(),
        lambda x, n: x**n,
        lambda x, n: x**n,
        (0,),
        "The power rule: d/dx x**n = n * x**(n - 1). n is a plain number here, not a node, "
        "so only x gets a derivative.",
    ),
]


# --- the checker's nodes and random graphs --------------------------------------------


class Node:
    """The checker's node, with the four attributes of the lesson's ``Node``."""

    def __init__(self, data, parents=(), local=(), label=""):
        self.data = data
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local = tuple(local)
        self.label = label

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Node({name}data={_num(self.data)}, grad={_num(self.grad)})"


# op name -> (number of operands, how the engine computes it, how to write it)
_GRAPH_OPS = {
    "+": (2, lambda a, b: a + b, "{} + {}"),
    "*": (2, lambda a, b: a * b, "{} * {}"),
    "tanh": (1, ag.tanh, "tanh({})"),
    "exp": (1, ag.exp, "exp({})"),
    "**2": (1, lambda a: a**2, "{} ** 2"),
}


@st.composite
def _graph_plans(draw):
    """A random graph as a plan: leaf numbers, then ops on earlier nodes (by index).

    It shrinks towards one leaf, few ops, "+" and the first node, so a failing graph is
    reported as the simplest one that still fails.
    """
    leaves = [draw(values()) for _ in range(draw(st.integers(1, 3)))]
    steps = []
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(list(_GRAPH_OPS)))
        count = len(leaves) + len(steps)
        steps.append((op, [draw(st.integers(0, count - 1)) for _ in range(_GRAPH_OPS[op][0])]))
    return leaves, steps


class Graph:
    """A graph built from a plan twice: as checker Nodes and as autograd-lite Values."""

    def __init__(self, plan):
        leaves, steps = plan
        self.nodes = [Node(x) for x in leaves]
        self.values = [ag.Value(x) for x in leaves]
        self.ops = [None] * len(leaves)
        for op, operands in steps:
            parents = [self.nodes[i] for i in operands]
            if op == "exp" and abs(parents[0].data) > 5:
                op = "tanh"  # keep numbers small: no exp of exp of exp
            _, compute, _ = _GRAPH_OPS[op]
            value = compute(*(self.values[i] for i in operands))
            fresh = [ag.Value(p.data) for p in parents]  # one local derivative per edge
            local = ag.gradients(compute(*fresh), fresh)
            self.nodes.append(Node(value.data, parents, local))
            self.values.append(value)
            self.ops.append(op)
        self.root = self.nodes[-1]
        reached = _reachable(self.root)
        # Only what the root depends on is part of the graph: name it a, b, c, ...
        self.kept = [i for i, node in enumerate(self.nodes) if node in reached]
        for letter, i in zip("abcdefghijklmnopqrstuvwxyz", self.kept):
            self.nodes[i].label = letter

    def describe(self) -> str:
        """The graph as the lines of code that would build it."""
        lines = []
        for i in self.kept:
            node, op = self.nodes[i], self.ops[i]
            if op is None:
                lines.append(f"{node.label} = {_num(node.data)}")
            else:
                operands = (p.label for p in node.parents)
                lines.append(f"{node.label} = {_GRAPH_OPS[op][2].format(*operands)}")
        lines[-1] += "    (the root)"
        return "\n".join(lines)

    def expected_grads(self):
        """d root / d node for every node of the graph, by autograd-lite."""
        kept_values = [self.values[i] for i in self.kept]
        return ag.gradients(self.values[-1], kept_values)


def _reachable(root):
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.parents)
    return seen


def _name(node, graph) -> str:
    label = getattr(node, "label", None)
    if isinstance(node, Node) and label and any(node is graph.nodes[i] for i in graph.kept):
        return label
    return repr(node) if len(repr(node)) <= 40 else type(node).__name__


# --- task 6: topological sort ---------------------------------------------------------

_TOPO_HINT = (
    "Go depth first: before adding a node to the list, add each of its parents (a "
    "function that calls itself on the parents). Keep a set of visited nodes, so that a "
    "node used twice is added once."
)


def _judge_topological_sort(answer, plan):
    graph = Graph(plan)
    where = graph.describe()
    order = _call(answer, (graph.root,), where, _TOPO_HINT)
    expected = (
        "every node once, each after its parents, the root last, e.g. "
        + "["
        + (", ".join(graph.nodes[i].label for i in graph.kept) + "]")
    )
    if not isinstance(order, (list, tuple)):
        hint = _not_returned(order) or f"Return a list of nodes, not {_kind(order)}."
        raise Wrong(where, _shown(order), expected, f"{hint} {_TOPO_HINT}")
    shown = "[" + ", ".join(_name(node, graph) for node in order) + "]"
    problem = _order_problem(order, graph)
    if problem == _EARLIER_CALL:  # the sort itself may be right
        raise Wrong(where, shown, expected, problem)
    if problem:
        raise Wrong(where, shown, expected, f"{problem} {_TOPO_HINT}")
    # Right once; and again? A visited set kept from call to call (a global, a default
    # argument, or marks on the nodes) is right on every fresh graph, but a second call on
    # the same graph misses what the first one visited: in the lesson, backward(o) after
    # topological_sort(o).
    again = _call(answer, (graph.root,), where, _TOPO_HINT)
    if not isinstance(again, (list, tuple)):
        shown = _shown(again)
    elif _order_problem(again, graph):
        shown = "[" + ", ".join(_name(node, graph) for node in again) + "]"
    else:
        return
    raise Wrong(
        where, shown, expected, _SECOND_CALL, "Called again on the same graph, it returned:"
    )


_SECOND_CALL = (
    "The first call was right, a second call on the same graph was not: does it remember "
    "the nodes it visited from one call to the next, in a set that is a default argument "
    "(visited=set()) or a global, or in a mark left on the nodes (node.visited = True)? "
    "Make a new set inside the function, on every call."
)

_EARLIER_CALL = (
    "The list holds nodes from an earlier call: is it a default argument (order=[]) or a "
    "global list? Make a new list inside the function, on every call."
)


def _order_problem(order, graph):
    """What is wrong with ``order`` as a topological order of ``graph``, or None."""
    members = {id(graph.nodes[i]) for i in graph.kept}
    placed = set()
    for node in order:
        if id(node) not in members:
            if isinstance(node, Node) and all(node is not n for n in graph.nodes):
                return _EARLIER_CALL  # the checker's node, from another graph
            return f"{_name(node, graph)} is not a node of this graph."
        if id(node) in placed:
            return f"{node.label} is in the list twice."
        for parent in node.parents:
            if id(parent) not in placed:
                return f"{node.label} comes before its parent {parent.label}."
        placed.add(id(node))
    missing = [graph.nodes[i].label for i in graph.kept if id(graph.nodes[i]) not in placed]
    if missing:
        return f"The list leaves out {', '.join(missing)}."
    if order[-1] is not graph.root:  # pragma: no cover - implied by the checks above
        return "The root must come last."
    return None


# --- task 7: the backward loop --------------------------------------------------------

_BACKWARD_HINT = (
    "Set root.grad = 1.0, then visit the nodes in reversed(topological_sort(root)); each "
    "node sends node.grad * local to each of its parents with +=, since a node used twice "
    "receives from both uses."
)


def _judge_backward(answer, plan):
    graph = Graph(plan)
    where = graph.describe()
    _call(answer, (graph.root,), where, _BACKWARD_HINT)
    expected = graph.expected_grads()
    nodes = [graph.nodes[i] for i in graph.kept]
    got = [node.grad for node in nodes]
    if all(_is_number(g) and _close(float(g), e) for g, e in zip(got, expected)):
        return
    returned = "\n".join(
        f"{node.label}.grad = {_shown(g)}{'' if _is_number(g) and _close(g, e) else _MARK}"
        for node, g, e in zip(nodes, got, expected)
    )
    wanted = "\n".join(f"{node.label}.grad = {_num(e)}" for node, e in zip(nodes, expected))
    hint = _BACKWARD_HINT
    if graph.root.grad != 1.0 and all(g == 0.0 for g in got):
        hint = "Every gradient is still 0: backward starts with root.grad = 1.0. " + hint
    else:
        hint = f"{_backward_mistake(plan, got)} {hint}".lstrip()
    raise Wrong(where, returned, wanted, hint, "After it ran:")


def _forward_order(root):
    for node in _reference_order(root):  # not reversed
        for parent, d in zip(node.parents, node.local):
            parent.grad += node.grad * d


def _local_only(root):
    for node in reversed(_reference_order(root)):
        for parent, d in zip(node.parents, node.local):
            parent.grad += d


def _assigned(root):
    for node in reversed(_reference_order(root)):
        for parent, d in zip(node.parents, node.local):
            parent.grad = node.grad * d


def _at_once(root):  # notebook 01's naive backward; the graphs here are small
    for parent, d in zip(root.parents, root.local):
        parent.grad += root.grad * d
        _at_once(parent)


_BACKWARD_MISTAKES = [
    (_forward_order, "It looks as if the loop visits parents before the nodes that use "
     "them, so each node passes on its gradient while it is still 0."),
    (_local_only, "It looks as if each parent received only the local derivative: the "
     "chain rule multiplies it by node.grad, the gradient that has reached the node."),
    (_assigned, "It looks as if each parent's grad is assigned with =, so a node used "
     "twice keeps only the last use's share."),
    (_at_once, "It looks as if each node sends its gradient on as soon as some arrives, "
     "so a node used twice passes on a partial sum, and later the sum again."),
]  # fmt: skip


def _backward_mistake(plan, got) -> str:
    """What a wrong backward most likely did, found by doing each common mistake on the same
    graph and comparing the gradients it leaves with the answer's ("" if none matches)."""
    for mistake, said in _BACKWARD_MISTAKES:
        graph = Graph(plan)
        graph.root.grad = 1.0
        mistake(graph.root)
        theirs = [graph.nodes[i].grad for i in graph.kept]
        if all(_is_number(g) and _close(float(g), t) for g, t in zip(got, theirs)):
            return said
    return ""


# --- task 8: a neuron -----------------------------------------------------------------

_NEURON_HINT = (
    "A neuron computes tanh(w1*x1 + w2*x2 + ... + b). Build it from nodes with mul, add "
    "and tanh (not with .data and math), so that backward can send gradients to every "
    "weight."
)


_NO_OPERATORS = (
    "The lesson's Node has no + or * (micrograd's Value has them), so neither a + b nor "
    "Python's sum(...) works on nodes: combine them with add(a, b) and mul(a, b)."
)


@st.composite
def _neurons(draw):
    n = draw(st.integers(1, 3))
    xs = [draw(values()) for _ in range(n)]
    ws = [draw(values()) for _ in range(n)]
    return xs, ws, draw(values())


def _judge_neuron(answer, case):
    xs, ws, b = case
    x_nodes = [Node(x, label=f"x{i + 1}") for i, x in enumerate(xs)]
    w_nodes = [Node(w, label=f"w{i + 1}") for i, w in enumerate(ws)]
    b_node = Node(b, label="b")
    where = (
        f"xs = [{', '.join(_num(x) for x in xs)}], ws = [{', '.join(_num(w) for w in ws)}]"
        f", b = {_num(b)}"
    )
    try:
        out = _call(answer, (x_nodes, w_nodes, b_node), where, _NEURON_HINT)
    except Wrong as wrong:  # a + b, or the lecture's sum(...), on nodes: say why it fails
        if wrong.returned.startswith("TypeError: unsupported operand") and "'Node'" in (
            wrong.returned
        ):
            wrong.hint = f"{_NO_OPERATORS} {wrong.hint}"
        raise

    # The reference: the same neuron in autograd-lite.
    X, W, B = [ag.Value(x) for x in xs], [ag.Value(w) for w in ws], ag.Value(b)
    reference = ag.tanh(ag.dot(W, X) + B)
    inputs = [*W, B, *X]
    grads = ag.gradients(reference, inputs)
    expected = f"a node with data {_num(reference.data)}"
    data = getattr(out, "data", None)
    if not _is_number(data):
        hint = _not_returned(out) or f"Return the output node, not {_kind(out)}."
        raise Wrong(where, _shown(out), expected, f"{hint} {_NEURON_HINT}")
    if not _close(float(data), reference.data):
        raise Wrong(where, f"a node with data {_num(data)}", expected, _NEURON_HINT)

    # The right number; do the gradients reach every input? Run a reference backward.
    right = f"a node with the right data ({_num(data)})"
    if not getattr(out, "parents", None):
        hint = "It was made from plain numbers, so no gradient can flow back through it."
        made = expected + ", made by mul, add and tanh"
        raise Wrong(where, f"{right}, but no parents", made, f"{hint} {_NEURON_HINT}")
    if not _reference_backward(out):
        made = expected + ", made by mul, add and tanh"
        raise Wrong(where, f"{right}, but not one local derivative per parent", made, _NEURON_HINT)
    nodes = [*w_nodes, b_node, *x_nodes]
    wrong = [(n, e) for n, e in zip(nodes, grads) if not _close(n.grad, e)]
    if wrong:
        got = ", ".join(f"{n.label}.grad = {_num(n.grad)}" for n, _ in wrong)
        wanted = ", ".join(f"{n.label}.grad = {_num(e)}" for n, e in wrong)
        hint = (
            "The number is right but some gradients are not: does every weight, input and "
            "the bias enter the sum through mul and add, and the sum go through tanh? "
            "(And do the derivative tasks pass?)"
        )
        raise Wrong(where, f"{right}, but after backward: {got}", f"after backward: {wanted}", hint)


def _reference_order(root):
    """Every node ``root`` depends on, each after its parents (a right topological_sort)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def _reference_backward(root) -> bool:
    """Backward over any nodes with parents and local; False if the nodes lack them."""
    seen, stack = set(), [root]
    while stack:  # first, does every node have one local derivative per parent?
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        parents, local = getattr(node, "parents", None), getattr(node, "local", None)
        if not isinstance(parents, (tuple, list)) or not isinstance(local, (tuple, list)):
            return False
        if len(parents) != len(local):
            return False
        stack.extend(parents)
    order = _reference_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, d in zip(node.parents, node.local):
            parent.grad += node.grad * d
    return True


# --- task 9: one SGD step -------------------------------------------------------------

_SGD_HINT = (
    "Step against the gradient: for each parameter p, p.data -= lr * p.grad. Change the "
    "nodes you are given (their .data), do not make new ones."
)


_KEEP_GRAD = (
    "The data is right, but leave grad as it is: a step only changes data. Clearing the "
    "gradients is a step of its own, before the next backward (the training loop below "
    "does it, as optimizer.zero_grad() does in PyTorch)."
)


@st.composite
def _sgd_cases(draw):
    params = [(draw(values()), draw(values())) for _ in range(draw(st.integers(1, 3)))]
    return params, draw(st.sampled_from([0.1, 0.01, 0.5, 1.0]))


def _judge_sgd_step(answer, case):
    pairs, lr = case
    params = [Node(data, label=f"p{i + 1}") for i, (data, _) in enumerate(pairs)]
    for p, (_, grad) in zip(params, pairs):
        p.grad = grad
    where = (
        ", ".join(
            f"{p.label}.data = {_num(d)}, {p.label}.grad = {_num(g)}"
            for p, (d, g) in zip(params, pairs)
        )
        + f"; lr = {_num(lr)}"
    )
    _call(answer, (params, lr), where, _SGD_HINT)
    expected = [d - lr * g for d, g in pairs]
    if all(_is_number(p.data) and _close(float(p.data), e) for p, e in zip(params, expected)):
        if all(p.grad == g for p, (_, g) in zip(params, pairs)):
            return
        returned = ", ".join(
            f"{p.label}.data = {_shown(p.data)}, {p.label}.grad = {_shown(p.grad)}" for p in params
        )
        wanted = ", ".join(
            f"{p.label}.data = {_num(e)}, {p.label}.grad = {_num(g)}"
            for p, e, (_, g) in zip(params, expected, pairs)
        )
        raise Wrong(where, returned, wanted, _KEEP_GRAD, "After it ran:")
    returned = ", ".join(f"{p.label}.data = {_shown(p.data)}" for p in params)
    wanted = ", ".join(f"{p.label}.data = {_num(e)}" for p, e in zip(params, expected))
    raise Wrong(where, returned, wanted, _SGD_HINT, "After it ran:")


# --- the list of tasks ----------------------------------------------------------------

_TASKS = {task.name: task for task in _DERIVATIVES}
_TASKS["topological_sort"] = Task(
    "topological_sort", _graph_plans(), _judge_topological_sort, "graphs", _reference_order
)
_TASKS["backward"] = Task("backward", _graph_plans(), _judge_backward, "graphs")
_TASKS["neuron"] = Task("neuron", _neurons(), _judge_neuron)
_TASKS["sgd_step"] = Task("sgd_step", _sgd_cases(), _judge_sgd_step)

#: The task names, in the order the lesson asks for them.
TASKS = tuple(_TASKS)

__all__ = ["TASKS", "Node", "Result", "check", "our_answer"]
