"""The rule for tests that run a Graphviz program (the system ``dot`` or ``graphviz-pure``):
without one, such a test is skipped, with this reason, instead of failing.

Import it after ``pytest.importorskip("graphviz")``: looking for the programs needs the
``graphviz`` package.
"""

import pytest

from autograd_lite.viz.programs import find_programs

needs_a_program = pytest.mark.skipif(
    not any(find_programs().values()), reason="no Graphviz program (dot or graphviz-pure)"
)
