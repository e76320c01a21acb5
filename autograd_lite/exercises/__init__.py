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

Each call of your function may take 3 seconds (``calls.TIME_LIMIT``, which a teacher may
set): a loop that never ends is stopped and reported (on Unix, when checking from the main
thread; elsewhere it would hang).

The lesson's hidden cells hold our answers, marked ``@our_answer``: ``check`` does not grade
those as yours, it says they are ours and asks for yours.

The lesson's nodes have four attributes, and the checker builds its graphs from nodes with
the same four, so your functions work on both:

- ``data``: the number; ``grad``: d(root)/d(this node), 0.0 until backward;
- ``parents``: the nodes it was computed from (``a + a`` has ``(a, a)``);
- ``local``: one local derivative d(this node)/d(parent) per parent.

Needs ``hypothesis`` (``pip install 'autograd-lite[testing]'``).

Inside: ``checking`` runs a check (and blames an earlier task); ``verdicts`` phrases what it
answers; ``tasks`` lists the tasks, written in ``derivatives`` (1-5), ``sort_and_backward``
(6-7) and ``neuron_and_sgd`` (8-9), which share ``calls`` (the time limit), ``judging`` and
``graphs`` (the checker's nodes).
"""

from __future__ import annotations

from ..extras import needs

try:  # every module here needs it: say so once, before any of them is imported
    import hypothesis  # noqa: F401
except ModuleNotFoundError as error:  # pragma: no cover - depends on the installation
    raise needs(error, "autograd_lite.exercises (the answer checker)") from None

from .checking import EXAMPLES as EXAMPLES
from .checking import check, our_answer
from .graphs import Node
from .tasks import TASKS
from .verdicts import Result

__all__ = ["TASKS", "Node", "Result", "check", "our_answer"]
