"""The nine tasks of lesson 00, in the order it asks for them."""

from __future__ import annotations

from .derivatives import DERIVATIVES
from .neuron_and_sgd import NEURON, SGD_STEP
from .sort_and_backward import BACKWARD, TOPOLOGICAL_SORT

#: Each ``Task`` by its name.
TASKS_BY_NAME = {
    task.name: task for task in [*DERIVATIVES, TOPOLOGICAL_SORT, BACKWARD, NEURON, SGD_STEP]
}

#: The task names, in the order the lesson asks for them.
TASKS = tuple(TASKS_BY_NAME)
