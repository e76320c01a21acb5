"""The entry point, ``check``: a search for an input where the answer is wrong, phrased.

When the answer calls an earlier task of the learner's (backward calls topological_sort,
neuron calls tanh_derivative through tanh) and that one is wrong, the verdict blames it, and
says whether the answer is right with a right one in its place.
"""

from __future__ import annotations

import difflib
import dis
import types

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Flaky

from . import verdicts
from .calls import TooSlow
from .tasks import TASKS, TASKS_BY_NAME
from .verdicts import Blame, Found, Result, Wrong

EXAMPLES = 200  # random inputs per check

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
    if task not in TASKS_BY_NAME:
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
        return verdicts.ours(TASKS_BY_NAME[task])
    return _run(TASKS_BY_NAME[task], answer)


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
        return verdicts.too_slow(task, slow.where, slow.seconds, blamed)
    except Flaky:  # (a set's order changes from run to run: the set may be an earlier task's)
        return verdicts.flaky(task, _earlier_task_to_blame(task, answer) if blame else None)
    else:
        return verdicts.passed(task, passed, task.noun)
    # Wrong: but if it calls an earlier task that is wrong, the mistake may be there.
    return verdicts.failed(task, wrong, _earlier_task_to_blame(task, answer) if blame else None)


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
    if any(TASKS_BY_NAME[name].right is None for name in names):
        return None
    namespace = answer.__globals__
    # Every global name that holds their function (sort = topological_sort as well).
    right = {id(namespace[name]): TASKS_BY_NAME[name].right for name in names}
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
    tasks = {id(namespace[name]): name for name in TASKS_BY_NAME if callable(namespace.get(name))}
    seen = set()

    def visit(function, through):
        seen.add(function)
        for name in _names_used(function.__code__):
            found = namespace.get(name)
            beside = isinstance(found, types.FunctionType) and found.__globals__ is namespace
            if name in TASKS_BY_NAME and callable(found):
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
