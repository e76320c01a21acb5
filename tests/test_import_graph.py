"""Which modules of the engine import which: only the node and its operations import each other.

``value`` needs its operations (``a + b`` applies the row ``+``) and the operations need
``Value`` (a row makes a node), so ``value``, ``rules`` and ``ops`` form the one circle. Every
other module sits on one side of it: ``graph`` and ``fast_backward`` know a node only by its
protocol, and ``steps``, ``names`` and ``reals`` never import ``value`` when they run. Imports
inside functions count (they run when the function does); imports under
``if TYPE_CHECKING:`` do not (they never run: they are for the annotations).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "autograd_lite"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree) -> set:
    """The ids of every node under an ``if TYPE_CHECKING:``."""
    inside = set()
    for node in ast.walk(tree):
        test = getattr(node, "test", None)  # if TYPE_CHECKING: or if typing.TYPE_CHECKING:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in (
            getattr(test, "id", ""),
            getattr(test, "attr", ""),
        ):
            for statement in node.body:
                inside.update(map(id, ast.walk(statement)))
    return inside


def run_time_imports() -> dict:
    """{module: the package modules it imports when it runs}, for every engine module."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    imports = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text("utf-8"))
        skip = _type_checking_only(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from . import ops, from ..value import Value
                    parts = package.split(".")
                    base = parts[: len(parts) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in files else target)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        # Importing a.b.c runs a/b/__init__.py too (unless it is a package this one is in)
        for target in list(found):
            while "." in target:
                target = target.rpartition(".")[0]
                if not name.startswith(target + "."):
                    found.add(target)
        imports[name] = {m for m in found if m in files and m != name}
    return imports


def reachable(imports: dict, start: str) -> set:
    seen, stack = set(), [start]
    while stack:
        for m in imports[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


def circles(imports: dict) -> set:
    """Each group of modules that import one another (directly or not), as frozensets."""
    reach = {m: reachable(imports, m) for m in imports}
    return {
        frozenset({m} | {n for n in reach[m] if m in reach[n]}) for m in imports if m in reach[m]
    }


def test_the_only_import_circle_is_the_node_and_its_operations():
    engine = "autograd_lite."
    found = circles(run_time_imports())
    assert found == {frozenset({engine + "value", engine + "rules", engine + "ops"})}, found


def test_the_graph_algorithms_import_nothing_of_the_engine():
    imports = run_time_imports()
    assert imports["autograd_lite.graph"] == set()
    assert imports["autograd_lite.fast_backward"] == set()
    for module in ("steps", "names", "reals"):  # the stepper knows a node by its protocol
        assert "autograd_lite.value" not in reachable(imports, "autograd_lite." + module)
