"""A missing optional package says what needed it and which ``pip install`` brings it."""

import sys

import pytest

import nn
from autograd_lite.extras import install_hint, needs


def test_each_optional_package_names_its_extra():
    assert install_hint("graphviz") == "pip install 'autograd-lite[viz]'"
    assert install_hint("matplotlib.pyplot") == "pip install 'autograd-lite[train]'"
    assert install_hint("tqdm") == "pip install 'autograd-lite[train]'"
    assert install_hint("ipywidgets") == "pip install 'autograd-lite[notebooks]'"
    assert install_hint("hypothesis") == "pip install 'autograd-lite[testing]'"
    assert install_hint("torch") == "pip install 'autograd-lite[torch]'"
    assert install_hint("numpy") == install_hint(None) == ""


def test_needs_keeps_the_missing_name_and_says_what_needed_it():
    error = needs(ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib.pyplot"),
                  "nn.plots")  # fmt: skip
    assert isinstance(error, ModuleNotFoundError) and error.name == "matplotlib.pyplot"
    assert str(error) == (
        "nn.plots needs matplotlib, which is not installed: pip install 'autograd-lite[train]'"
    )
    other = needs(ModuleNotFoundError("No module named 'scipy'", name="scipy"), "something")
    assert str(other) == "something needs scipy, which is not installed"


def test_plots_without_matplotlib_say_how_to_install_it(monkeypatch):
    from nn.plots import plot_gradient_flow

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # as if not installed
    with pytest.raises(ModuleNotFoundError, match=r"nn.plots .*'autograd-lite\[train\]'"):
        plot_gradient_flow(nn.MLP(2, [2], seed=0))


def test_to_torch_without_torch_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModuleNotFoundError, match=r"to_torch needs torch, .*\[torch\]'"):
        nn.to_torch(nn.MLP(2, [2], seed=0))
