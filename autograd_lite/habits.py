"""What a PyTorch user writes by habit on a Value, so that a ported script does what it did.

- ``p -= lr * p.grad`` under ``no_grad`` moves ``p`` itself, as it moves a tensor in place
  (so do ``+=``, ``*=``, ``/=`` and ``**=``). While recording, ``total += term`` builds a new
  node as always: a graph node is never changed under the nodes computed from it.
- ``v.item()`` is the number, as ``float(v)`` and ``v.data`` are.
- ``v.requires_grad`` is True: backward reaches every Value an output depends on.
- ``backward(retain_graph=True)`` is taken: every graph here is kept until you drop it
  (PyTorch's defaults, ``retain_graph=None`` and ``inputs=None``, are taken too).
  ``create_graph=True`` and ``inputs=`` are refused with what to write instead.

``Value`` inherits these; they sit here, off the engine's reading path.
"""

from __future__ import annotations

from .reals import as_flag, as_real
from .recording import _is_recording, warn_if_cutting


class TorchHabits:
    """PyTorch's names on a Value: ``item``, ``requires_grad``, in-place updates."""

    __slots__ = ()

    def item(self) -> float:
        """The number this Value holds, as ``tensor.item()`` gives it: ``v.data`` as a Python
        float (also when ``.data`` was set by hand to an int or a NumPy number)."""
        warn_if_cutting()  # inside grad(f), a plain number cuts the graph, as float(v) does
        return as_real(self.data, "item(): .data")

    @property
    def requires_grad(self) -> bool:
        """Always True: every Value an output depends on gets its gradient."""
        return True

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        """True is how every Value is already (returns the Value); False is refused with what
        to write instead."""
        if not as_flag(requires_grad, "requires_grad"):
            raise ValueError(
                "requires_grad: every Value gets a gradient here and cannot be switched off; "
                "to freeze a weight, leave it out of the optimizer's params; to cut the graph, "
                "use v.detach(); to record nothing, use ag.no_grad()"
            )
        return self

    # ``self op= other``: under ``no_grad``, a leaf takes the new number in place (the same
    # node, grad and label kept); otherwise ``NotImplemented``, so that Python makes a new
    # node as for ``self = self op other``. (A non-leaf is asked first: a running total,
    # ``total += term``, is one after its first step, and then pays only for that check.)
    def _in_place(self, op, other):
        """The leaf ``self`` under ``no_grad``, given the number of ``self op other``."""
        result = op(self, other)  # (a leaf, under no_grad; a bad operand raises here)
        if not isinstance(result, TorchHabits):  # (NotImplemented, or a NumPy array)
            return result
        self.data = result.data
        return self

    def __iadd__(self, other):
        if self._rule is not None or _is_recording():
            return NotImplemented
        return self._in_place(type(self).__add__, other)

    def __isub__(self, other):
        if self._rule is not None or _is_recording():
            return NotImplemented
        return self._in_place(type(self).__sub__, other)

    def __imul__(self, other):
        if self._rule is not None or _is_recording():
            return NotImplemented
        return self._in_place(type(self).__mul__, other)

    def __itruediv__(self, other):
        if self._rule is not None or _is_recording():
            return NotImplemented
        return self._in_place(type(self).__truediv__, other)

    def __ipow__(self, other):
        if self._rule is not None or _is_recording():
            return NotImplemented
        return self._in_place(type(self).__pow__, other)


def check_backward_keywords(keywords) -> None:
    """PyTorch's keywords of ``backward``: ``retain_graph`` and ``create_graph=False`` change
    nothing here, nor do PyTorch's defaults ``retain_graph=None`` and ``inputs=None``;
    anything else raises, before any ``.grad`` changes, saying what to write."""
    for name, flag in keywords.items():
        if name not in ("retain_graph", "create_graph", "inputs"):
            raise TypeError(
                f"backward() got an unexpected keyword argument {name!r} (it takes gradient, "
                "and PyTorch's retain_graph and create_graph)"
            )
        if flag is None and name != "create_graph":  # (PyTorch's default: as if not given)
            continue
        if name == "inputs":
            raise ValueError(
                "backward(inputs=...): backward fills .grad on every node the output depends "
                "on; for some inputs only, ag.gradients(y, inputs) returns their gradients "
                "and leaves every .grad alone"
            )
        if as_flag(flag, f"backward: {name}") and name == "create_graph":
            raise ValueError(
                "backward(create_graph=True): .grad holds floats here, which cannot be "
                "differentiated again; for gradients that can, write "
                "ag.gradients(y, [x], create_graph=True) or ag.grad(ag.grad(f))"
            )
