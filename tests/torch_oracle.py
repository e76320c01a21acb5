"""The PyTorch oracle for derivatives of order 1 to 3, shared by the engine's tests.

Each case is a function written twice, once for autograd_lite and once for torch. Every
partial derivative up to third order is computed both ways, in float64, and must agree to
1e-9 relative. Import it only from tests that need torch (they are skipped without it).
"""

import math

from needs_torch import import_torch

from autograd_lite import Value, gradients

torch = import_torch()  # a test module importing this is skipped without it

REL = 1e-9


def close(ours, theirs):
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-12) or ours == theirs


def ours_up_to_third(f, xs):
    """[first, second, third]: nested lists of d^k f / dx_i dx_j ..., from autograd_lite."""
    leaves = [Value(x) for x in xs]
    first = gradients(f(*leaves), leaves, create_graph=True)
    second = [gradients(g, leaves, create_graph=True) for g in first]
    third = [[gradients(h, leaves) for h in row] for row in second]
    return [[float(g) for g in first], [[float(h) for h in row] for row in second], third]


def torch_grads(y, ts, create_graph):
    if not (isinstance(y, torch.Tensor) and y.requires_grad):
        return [torch.zeros((), dtype=torch.float64) for _ in ts]
    gs = torch.autograd.grad(y, ts, create_graph=create_graph, retain_graph=True, allow_unused=True)
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in gs]


def torch_up_to_third(tf, xs):
    ts = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    first = torch_grads(tf(*ts), ts, create_graph=True)
    second = [torch_grads(g, ts, create_graph=True) for g in first]
    third = [[torch_grads(h, ts, create_graph=False) for h in row] for row in second]
    as_float = lambda nested: (
        [as_float(n) for n in nested] if isinstance(nested, list) else float(nested.detach())
    )
    return [as_float(first), as_float(second), as_float(third)]


def flatten(nested):
    if isinstance(nested, list):
        for item in nested:
            yield from flatten(item)
    else:
        yield nested


def assert_match_torch(f, tf, xs):
    ours, theirs = ours_up_to_third(f, xs), torch_up_to_third(tf, xs)
    for order in range(3):
        a, t = list(flatten(ours[order])), list(flatten(theirs[order]))
        bad = [(i, x, y) for i, (x, y) in enumerate(zip(a, t)) if not close(x, y)]
        assert not bad, f"order {order + 1} at {xs}: (index, ours, torch) {bad}"
