"""What ``check`` answers: a ``Result``, and the sentences it is made of.

A judge raises ``Wrong`` with the parts of its verdict (the input, what the answer did, what
was expected, a hint); the functions below put those parts into the message a learner reads,
for each way a check can end: passed, wrong, too slow, different answers for one input, or our
answer, not graded. ``Blame`` says so when the mistake may sit in an earlier task instead.
"""

from __future__ import annotations

import html
from typing import NamedTuple


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


def passed(task, count, noun):
    """The verdict on an answer right on all ``count`` random ``noun`` ("inputs")."""
    return Result(task.name, True, f"✓ {task.name}: correct on {count} random {noun}.")


def too_slow(task, where, seconds, blamed=None):
    """The verdict on an answer stopped after ``seconds`` on the input ``where``."""
    hint = "Look for a loop that never ends, such as a `while` whose condition stays true."
    title = f"✗ {task.name} did not finish within {seconds:g} s on this input:"
    if blamed:  # an earlier task it calls is not right (it may be the one that never ends)
        hint = blamed.hint()
        title = (
            f"✗ {task.name} did not finish within {seconds:g} s, and {blamed.words()}, is "
            "not right yet: run its check first. On this input:"
        )
    message = f"{title}\n{_indent(where)}\nHint: {hint}"
    return Result(task.name, False, message, Wrong(where, "", "", hint, got=""))


def flaky(task, blamed=None):
    """The verdict on an answer that gave different answers for the same input."""
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


def ours(task):
    """The verdict on our answer, from a hidden cell: not graded, and what to do instead."""
    return Result(
        task.name,
        False,
        f"○ {task.name}: this is our answer, from the hidden cell, so it is not graded.\n"
        f"Write your own {task.name} in the empty cell above, run it, then run this check "
        f"again. (If you did, is it named exactly {task.name}, and did its cell run "
        "without an error?)",
        ours=True,
    )


def failed(task, wrong, blamed=None):
    """The verdict on a wrong answer: its smallest failing input, what it did, what was
    expected, and a hint (the blamed earlier task's, if there is one)."""
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


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())
