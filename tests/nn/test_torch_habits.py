"""PyTorch habits with nn: they do what PyTorch does, or say what to write instead."""

import pytest

from nn import MLP, SGD, Adam


@pytest.mark.parametrize("set_to_none", [True, False])
@pytest.mark.parametrize("who", ["model", "SGD", "Adam"])
def test_zero_grad_takes_set_to_none_and_clears_to_zero(who, set_to_none):
    """``optimizer.zero_grad(set_to_none=True)`` (PyTorch's default) clears the gradients;
    here a cleared .grad is 0.0, as the next backward needs it."""
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, 2.0]).backward()
    clearer = {"model": model, "SGD": SGD(model.parameters(), lr=0.1),
               "Adam": Adam(model.parameters())}[who]  # fmt: skip
    clearer.zero_grad(set_to_none=set_to_none)
    assert all(p.grad == 0.0 for p in model.parameters())


@pytest.mark.parametrize("who", ["model", "SGD"])
def test_zero_grad_refuses_a_set_to_none_that_is_no_bool_and_changes_nothing(who):
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, 2.0]).backward()
    grads = [p.grad for p in model.parameters()]
    clearer = model if who == "model" else SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"set_to_none must be True or False, got 'yes'"):
        clearer.zero_grad(set_to_none="yes")
    assert [p.grad for p in model.parameters()] == grads
