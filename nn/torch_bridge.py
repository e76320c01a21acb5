"""``to_torch``: the same network as a PyTorch module, to compare with or to move on to.

PyTorch is imported only when ``to_torch`` is called; nn itself never needs it.
A ``Layer`` of scalar neurons is exactly a ``torch.nn.Linear``: row j of the weight
matrix is neuron j's ``w``, entry j of the bias vector its ``b``. A layer used twice (the
same Values in both places) becomes one ``Linear`` used twice, still tied; a tie PyTorch
cannot hold (one weight tied to another inside a matrix) is refused.
"""

from __future__ import annotations

from autograd_lite.extras import needs

from .layers import MLP, Layer, Neuron


def _torch_activation(torch, name):
    return {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
        "linear": None,
    }[name]


def _linear(torch, neurons, nin):
    linear = torch.nn.Linear(nin, len(neurons), dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(
            torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64)
        )
        linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
    return linear


def _values(neurons) -> list:
    """A layer's parameters in the order of its ``Linear``: the weights, row by row, then
    the biases (the order alone decides which Values are one ``Linear``)."""
    return [w for n in neurons for w in n.w] + [n.b for n in neurons]


def _check_ties(model, layers) -> None:
    """A ``ValueError`` for a tie that ``torch.nn.Linear``s cannot hold: a Value in two places
    other than the same place of one layer's Values used again whole."""
    layer_number = {}  # a layer's Values (their ids) -> a number; the same Values, one number
    place = {}  # id of a Value -> (its layer's number, its index there)
    for values in layers:
        layer = layer_number.setdefault(tuple(map(id, values)), len(layer_number))
        for i, v in enumerate(values):
            if place.setdefault(id(v), (layer, i)) != (layer, i):
                names = [n for n, p in model.named_parameters(remove_duplicate=False) if p is v]
                raise ValueError(
                    f"model: {names[1]!r} is the same Value as {names[0]!r}; PyTorch ties "
                    "whole weight tensors only, so to_torch cannot keep this tie (a layer "
                    "used twice, whole, converts)"
                )


def to_torch(model):
    """A ``torch.nn.Sequential`` (float64) computing what ``model`` computes, same weights.

    It takes a batch of shape (N, nin), a tensor of any dtype (PyTorch's default float32,
    say) or a list of lists, at the precision of its weights (float64, or float32 after
    ``.float()``), and returns (N, nout): for a one-output model,
    ``to_torch(model)(x)[i, 0]`` is ``model(x[i]).data``. The copy is independent: training
    one does not change the other. The training / eval mode is copied too.
    """
    try:
        import torch
    except ModuleNotFoundError as error:
        raise needs(error, "to_torch") from None

    if isinstance(model, MLP):
        stages = [(layer.neurons, layer.nin, layer.activation) for layer in model.layers]
        dropout = model.dropout_p
    elif isinstance(model, Layer):
        stages, dropout = [(model.neurons, model.nin, model.activation)], 0.0
    elif isinstance(model, Neuron):
        stages, dropout = [([model], model.nin, model.activation)], 0.0
    else:
        raise TypeError(f"to_torch converts MLP, Layer and Neuron, not {type(model).__name__}")
    _check_ties(model, [_values(neurons) for neurons, _, _ in stages])
    parts, linears = [], {}  # (the Linear made for each layer's Values, by their ids)
    for i, (neurons, nin, activation) in enumerate(stages):
        key = tuple(map(id, _values(neurons)))
        if key not in linears:
            linears[key] = _linear(torch, neurons, nin)
        parts.append(linears[key])
        make = _torch_activation(torch, activation)
        if make is not None:
            parts.append(make())
        if dropout and i < len(stages) - 1:
            parts.append(torch.nn.Dropout(dropout))
    result = torch.nn.Sequential(*parts)
    result.register_forward_pre_hook(_as_the_weights_dtype)
    result.train(model.training)
    return result


def _as_the_weights_dtype(module, args):
    """A forward pre-hook: the batch at the precision of the weights (float64, or float32 after
    ``.float()``). ``torch.tensor([[0.5, 1.0]])`` is float32, PyTorch's default, which a
    float64 ``Linear`` refuses; a list of lists is made a tensor. A module-level function,
    so that the twin still pickles."""
    import torch

    if not args:
        return None
    x, *rest = args
    weight = next(module.parameters())
    dtype = weight.dtype
    if not isinstance(x, torch.Tensor):  # (made where the weights are: on a GPU, say)
        x = torch.as_tensor(x, dtype=dtype, device=weight.device)
    elif x.dtype != dtype and not x.is_complex():
        x = x.to(dtype)
    return (x, *rest)
