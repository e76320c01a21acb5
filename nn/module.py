"""`Module`: the base class of every network part, and how its parameters are found.

A module keeps its parameters (``Value`` leaves) and its sub-modules as ordinary
attributes: a ``Value``, a ``Module``, or lists, tuples and dicts of them (nested too, as a
weight matrix kept as a list of rows; a dict's keys are str without "."). Walking those
attributes in the order they were set gives every parameter a dotted name that says where
it lives, such as ``layers.0.neurons.3.w.1`` (layer 0, neuron 3, weight 1).

A Value or a module reachable under two names (tied weights, a shared encoder) is walked
once, under the first name met, as PyTorch does: one parameter is counted, saved and
stepped once however many names it has.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
from collections.abc import Mapping
from typing import NamedTuple

from autograd_lite import Value
from autograd_lite.reals import as_real

from .validate import boolean, wrong_type


class LoadResult(NamedTuple):
    """What ``load_state_dict(..., strict=False)`` left out: names missing, names unknown.
    (``missing_keys`` and ``unexpected_keys`` too, the names PyTorch gives them.)"""

    missing: list
    unexpected: list

    @property
    def missing_keys(self) -> list:
        return self.missing

    @property
    def unexpected_keys(self) -> list:
        return self.unexpected


def _check_prefix(prefix, who) -> None:
    if type(prefix) is not str:
        raise TypeError(
            f"{who}: prefix must be a str such as 'encoder', got {type(prefix).__name__}"
        )


class Module:
    """A piece of a network: holds parameters and sub-modules, and is called like a function.

    Subclasses set their parameters and sub-modules as attributes and define ``forward``.
    Attributes whose name starts with ``_`` are private and are not walked.
    """

    training = True

    #: Whether ``repr`` lists the sub-modules one per line. A module whose own
    #: ``extra_repr`` already describes its parts (a Layer, of its neurons) sets it False.
    repr_children = True

    def __call__(self, *args, **kwargs):
        """``forward(...)``, with Python's cyclic garbage collector paused for the call.

        A forward pass builds a graph with no reference cycles, which reference counting
        frees; while it is being built, the collector would only walk it again and again
        (see ``ag.gc_paused``). If the collector was on, it is switched off here and on
        again when the call returns or raises; if it was off, nothing changes. So
        ``gc.isenabled()`` is False inside ``forward``. The switch is process-wide and is not
        counted with ``ag.gc_paused()`` blocks: other threads run paused while a call
        lasts, a call that ends switches the collector back on for every thread (another
        thread's ``gc_paused`` block then merely runs slower), and a ``gc.disable()``
        inside ``forward`` ends with the call.
        """
        # Plain calls, not ``with ag.gc_paused()``: entering a block makes objects, and a
        # new object can start a collection before the pause begins. The switch-off sits
        # inside the ``try``, so that Ctrl-C cannot come between it and the ``finally``.
        was_on = gc.isenabled()
        try:
            if was_on:
                gc.disable()
            return self.forward(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward(...)")

    # --- walking the attributes -------------------------------------------------------
    def _public_attributes(self):
        return ((k, v) for k, v in vars(self).items() if not k.startswith("_"))

    def _named_members(self):
        """``(name, item)`` for each Value or Module held directly: lists and tuples entry by
        entry (``W.1.0`` in a list of rows), dicts by key (``heads.a``), however nested. A
        container met again (one that holds itself) is not walked twice."""
        for name, value in self._public_attributes():
            if isinstance(value, (Value, Module)):
                yield name, value
            elif isinstance(value, (list, tuple, Mapping)):
                yield from _in_container(name, value)

    def children(self):
        """``(name, module)`` for each direct sub-module, in the order they were set.

        A module held under two names (shared) is listed once, under its first name.
        """
        seen = set()
        for name, item in self._named_members():
            if isinstance(item, Module) and id(item) not in seen:
                seen.add(id(item))
                yield name, item

    def named_modules(self, prefix="", remove_duplicate=True):
        """``(dotted name, module)`` for this module (named ``prefix``, "" by default) and
        every module inside it, parents before children; a shared one once, under its first
        name (``remove_duplicate=False``: under every name, as in PyTorch)."""
        _check_prefix(prefix, "named_modules")
        once = boolean(remove_duplicate, "remove_duplicate")
        return self._walk_modules(prefix, set(), once)

    def _walk_modules(self, name, seen, once=True):
        seen.add(id(self))
        yield name, self
        members = self.children() if once else self._named_members()
        for child_name, child in members:
            if isinstance(child, Module) and id(child) not in seen:
                inside = seen if once else set(seen)  # (as in _walk_parameters)
                child_name = f"{name}.{child_name}" if name else child_name
                yield from child._walk_modules(child_name, inside, once)

    def modules(self):
        """This module and every module inside it, parents before children."""
        return (module for _, module in self.named_modules())

    def named_parameters(self, prefix="", remove_duplicate=True):
        """``(dotted name, Value)`` for every parameter, in the order the attributes were set.

        A Value reachable under two names (tied weights, a shared sub-module) is ONE
        parameter: it is listed once, under the first name met, as PyTorch does. Listing it
        twice would count it twice in ``num_parameters`` and step it twice in an optimizer.
        ``remove_duplicate=False`` lists it under every name (``save`` writes the ties so).
        ``prefix`` is this module's own name, put in front as ``prefix.layers.0...``.
        """
        _check_prefix(prefix, "named_parameters")
        once = boolean(remove_duplicate, "remove_duplicate")
        return self._walk_parameters(f"{prefix}." if prefix else "", set(), set(), once)

    def _walk_parameters(self, prefix, seen_values, seen_modules, once=True):
        """The walk of ``named_parameters``. ``seen_modules`` holds the modules walked already
        (``once``), or only those on the way down to this one (a module that holds itself
        is not walked forever)."""
        seen_modules.add(id(self))
        for name, item in self._named_members():
            if isinstance(item, Value):
                if not once or id(item) not in seen_values:
                    seen_values.add(id(item))
                    yield prefix + name, item
            elif id(item) not in seen_modules:
                inside = seen_modules if once else set(seen_modules)
                yield from item._walk_parameters(f"{prefix}{name}.", seen_values, inside, once)

    def label_parameters(self) -> None:
        """Label each parameter with its dotted name, so a picture says which weight is which.

        Neuron, Layer and MLP call it when they are made; a model built from them
        relabels its parts with the longer names, as in ``layers.0.neurons.3.w.1``.
        """
        for name, value in self.named_parameters():
            value.label = name

    def parameters(self) -> list[Value]:
        """Every parameter, as a list (the order of ``named_parameters``)."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        return sum(1 for _ in self.named_parameters())

    def zero_grad(self, set_to_none=True) -> None:
        """Set every parameter's ``.grad`` to 0.0 (gradients accumulate otherwise).

        ``set_to_none`` (True or False) is taken for PyTorch's sake: here a cleared
        gradient is 0.0 either way (``backward`` reads None as 0.0 too)."""
        boolean(set_to_none, "set_to_none")
        for p in self.parameters():
            p.grad = 0.0

    # --- training and evaluation mode ---------------------------------------------------
    def train(self, mode=True):
        """Switch to training mode (dropout active); returns the module."""
        mode = boolean(mode, "mode")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self):
        """Switch to evaluation mode (dropout off); returns the module."""
        return self.train(False)

    @contextlib.contextmanager
    def in_mode(self, training):
        """Inside the ``with``, every module is in training (True) or evaluation (False) mode;
        afterwards, even after an error, each one is back in the mode it had."""
        before = [(m, m.training) for m in self.modules()]
        self.train(training)
        try:
            yield self
        finally:
            for m, mode in before:
                m.training = mode

    def evaluating(self):
        """``with model.evaluating(): ...`` runs in evaluation mode (no dropout), then puts
        every module's mode back.

        >>> from nn import MLP
        >>> model = MLP(2, [4, 1], dropout=0.5, seed=0)
        >>> with model.evaluating():
        ...     model.training
        False
        >>> model.training
        True
        """
        return self.in_mode(False)

    # --- weights as plain numbers --------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """Every parameter's number by dotted name, as a float: a snapshot you can save or
        restore. (A ``.data`` set by hand to a NumPy float32 or an int comes out a float; one
        that is no number, such as a str, raises a ``TypeError`` naming the parameter.)"""
        return {
            name: as_real(p.data, f"state_dict: {name!r}") for name, p in self.named_parameters()
        }

    def load_state_dict(self, d, strict=True) -> LoadResult:
        """Copy numbers from ``d`` (a ``state_dict``) into the parameters.

        Every key and value is checked first; if anything is wrong, an error names it (a
        ``TypeError`` for a value that is not a number) and no parameter has changed.
        ``strict=True`` needs exactly this module's names; ``strict=False`` loads the names
        that match and reports the rest.
        """
        if not isinstance(d, Mapping):
            raise wrong_type("load_state_dict: d", "a mapping of name -> number (a state_dict)", d)
        strict = boolean(strict, "strict")
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in d]
        unexpected = [name for name in d if name not in params]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing {_listing(missing)}")
            if unexpected:
                parts.append(f"unexpected {_listing(unexpected)}")
            raise ValueError(f"load_state_dict: {'; '.join(parts)}; nothing was changed")
        updates = []
        for name, p in params.items():
            if name in d:
                updates.append((p, _as_finite(d[name], name)))
        for p, number in updates:  # only now, with everything checked
            p.data = number
        return LoadResult(missing, unexpected)

    # --- a readable summary ----------------------------------------------------------------
    def extra_repr(self) -> str:
        """The part of the repr between the parentheses; subclasses describe themselves."""
        return ""

    def __repr__(self):
        return self._repr_within(frozenset())

    def _repr_within(self, above) -> str:
        """The repr, given the ids of the modules it sits in (``above``): a part that holds
        one of them again (``self.owner = owner``) is named, not written out forever."""
        head = f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{head}  # {self.num_parameters():,} parameters"]
        above = above | {id(self)}
        for name, child in self.children() if self.repr_children else ():
            if id(child) in above:
                inner = f"{type(child).__name__}  # the module above, again"
            elif type(child).__repr__ is not Module.__repr__:  # (a repr of its own)
                inner = repr(child).replace("\n", "\n  ")
            else:
                inner = child._repr_within(above).replace("\n", "\n  ")
            lines.append(f"  ({name}) {inner}")
        return "\n".join(lines)


def _in_container(name, container):
    """``(dotted name, item)`` for each Value or Module inside a list, tuple or dict (and the
    lists, tuples and dicts inside it), in order; with a stack, so no nesting is too deep.

    A dict key is part of a name, so a key over a parameter must be a str without "." (as
    an attribute's name is): with ``{1: u, "1": v}`` or ``{"a.b": u, "a": {"b": v}}``, two
    parameters would share one name, and ``state_dict`` would keep only one of them. Such a
    key is refused when a Value or Module is met under it; a dict of settings is let be.
    """
    seen = set()
    todo = [(name, container, None)]  # (name, item, the first unusable key above it, if any)
    walked = (Value, Module, list, tuple, Mapping)  # (a number, say, is passed over unnamed)
    while todo:
        name, value, bad = todo.pop()
        if isinstance(value, (Value, Module)):
            if bad is not None:
                raise _unusable_key(*bad)
            yield name, value
        elif id(value) not in seen:  # a list, tuple or dict
            seen.add(id(value))
            if isinstance(value, Mapping):
                entries = [(f"{name}.{key}", item, bad or _usable_key(name, key))
                           for key, item in value.items() if isinstance(item, walked)]  # fmt: skip
            else:
                entries = [(f"{name}.{i}", item, bad)
                           for i, item in enumerate(value) if isinstance(item, walked)]  # fmt: skip
            todo.extend(reversed(entries))


def _usable_key(name, key):
    """None for a dict key that can be part of a parameter's name, else (the dict's name,
    the key), for ``_unusable_key`` to raise should a parameter be found under it."""
    return None if type(key) is str and key and "." not in key else (name, key)


def _unusable_key(name, key) -> Exception:
    """The error for a dict key over a parameter that cannot be part of its name."""
    such_as = re.sub(r"\W+", "_", str(key)).strip("_") or "w"
    kind = "" if type(key) is str else f" ({type(key).__name__})"
    said = (f"the dict {name!r} has the key {key!r}{kind} over a parameter; a parameter's "
            f"name is made of the keys, so each must be a str without '.', such as "
            f"{such_as!r}")  # fmt: skip
    return (ValueError if type(key) is str else TypeError)(said)


def _listing(names, limit=5):
    shown = ", ".join(repr(n) for n in names[:limit])
    more = len(names) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _as_finite(x, name) -> float:
    """``x`` as a finite float: a TypeError naming the parameter for what is not a real
    number (a str, a bool or NumPy bool, a Value: give ``v.data``), a ValueError for one that
    is not finite. What counts as a number is ``as_real``'s rule, as for ``Value(data)``."""
    try:
        number = as_real(x, "")
    except TypeError:
        hint = " (a Value: give its .data)" if isinstance(x, Value) else ""
        raise TypeError(
            f"load_state_dict: {name!r} must be a real number, got {x!r}{hint}"
        ) from None
    if not math.isfinite(number):
        raise ValueError(f"load_state_dict: {name!r} must be finite, got {number!r}")
    return number
