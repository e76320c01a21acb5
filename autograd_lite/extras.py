"""The optional extras: which ``pip install`` brings each optional package.

The engine needs nothing; pictures, plots, progress bars, widgets and property tests each
need a package of their own (``pyproject.toml`` lists them by extra). When one is missing,
the error names what needed it and the command that installs it::

    try:
        import graphviz
    except ModuleNotFoundError as error:
        raise needs(error, "autograd_lite.viz (pictures of graphs)") from None
"""

from __future__ import annotations

#: The extra that installs each optional package.
EXTRAS = {
    "graphviz": "viz",
    "matplotlib": "train",
    "tqdm": "train",
    "ipywidgets": "notebooks",
    "hypothesis": "testing",
    "torch": "torch",  # nn.to_torch's target (and the tests' oracle)
}


def install_hint(module: str | None) -> str:
    """``pip install 'autograd-lite[viz]'`` for ``graphviz``, and so on; "" for a package
    no extra brings."""
    top = (module or "").partition(".")[0]
    extra = EXTRAS.get(top)
    return f"pip install 'autograd-lite[{extra}]'" if extra else ""


def needs(error: ModuleNotFoundError, what: str) -> ModuleNotFoundError:
    """``error`` said again: ``what`` needs the missing package, and how to install it.

    The new error keeps the package's ``name``, so code that asks which one is missing still
    can (``pytest.importorskip``, the command line)."""
    package = (error.name or "a package").partition(".")[0]  # matplotlib, not .pyplot
    hint = install_hint(error.name)
    how = f": {hint}" if hint else ""
    return ModuleNotFoundError(f"{what} needs {package}, which is not installed{how}",
                               name=error.name)  # fmt: skip
