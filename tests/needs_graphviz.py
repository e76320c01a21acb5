"""The rule for tests that run a Graphviz program (the system ``dot`` or ``graphviz-pure``):
without one, such a test is skipped, with this reason, instead of failing.

Looking for the programs needs the ``graphviz`` package (the ``viz`` extra): import this
after ``pytest.importorskip("graphviz")``. Without the package, this module skips itself
(pytest also imports it on its own, for its doctests).
"""

import pytest

pytest.importorskip("graphviz")

from autograd_lite.viz.programs import find_programs

needs_a_program = pytest.mark.skipif(
    not any(find_programs().values()), reason="no Graphviz program (dot or graphviz-pure)"
)
