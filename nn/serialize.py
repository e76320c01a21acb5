"""Saving and loading models as JSON: readable, portable, and never executed (no pickle).

A file holds the format name and version, the model's class and constructor arguments
(its architecture), and its ``state_dict``. Python writes each float with the shortest
digits that read back to the same float, so a round trip is bit-identical. A tied weight
(one Value under two names, or a layer used twice) is saved once, under its first name;
``ties`` then maps each other name to that first one, and ``load`` ties them again.

Saving is atomic: the text goes to a temporary file beside the target, which then replaces
it in one step, so a full disk or a crash leaves the old file whole.

Loading trusts nothing: a damaged, truncated, oversized or foreign file raises
``ValueError`` saying what is wrong, before any model is built.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import stat

from autograd_lite.files import write_atomic

from .layers import ACTIVATIONS, MLP, Layer, Neuron, check_layer_sizes
from .validate import is_int, positive_int

FORMAT = "autograd-lite/nn"
VERSION = 1

#: The classes a file may name.
MODEL_CLASSES = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron}

#: The constructor arguments each class's ``config()`` writes; a file may hold no others.
CONFIG_KEYS = {
    "MLP": {"nin", "nouts", "activation", "output_activation", "init", "dropout"},
    "Layer": {"nin", "nout", "activation", "init"},
    "Neuron": {"nin", "activation", "init"},
}

#: The largest file ``load`` reads (64 MiB, about a million parameters, more than a scalar
#: engine can train). A bigger file, or an endless one such as /dev/zero, is refused
#: before it can fill the memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


def save(model, path) -> None:
    """Write ``model`` (an ``MLP``, ``Layer`` or ``Neuron``) to ``path`` as JSON, atomically."""
    kind = type(model).__name__
    if MODEL_CLASSES.get(kind) is not type(model):
        raise TypeError(f"model: save knows {sorted(MODEL_CLASSES)}, not {kind}")
    state = model.state_dict()
    for name, number in state.items():
        if not math.isfinite(number):
            raise ValueError(
                f"model: cannot save parameter {name!r}, it is {number!r} (not finite)"
            )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "model": kind,
        "config": model.config(),
        "state_dict": state,
    }
    ties = _ties(model)
    if ties:  # (a model without ties writes no entry: its file is as it always was)
        document["ties"] = ties
    try:
        loaded = _model_from(document, "the file")  # what load will make of it
    except ValueError as error:
        raise ValueError(f"model: cannot save it, as its file would not load: {error}") from None
    _check_loads_as(model, loaded)
    text = json.dumps(document, indent=1, allow_nan=False)
    write_atomic(_path(path), text + "\n")


def load(path):
    """Read a model written by ``save``; ``ValueError`` names any problem with the file."""
    where = _path(path)
    raw = _read_capped(where)
    # save writes UTF-8; like json.loads given bytes, load also takes a BOM (which Notepad or
    # PowerShell may add on Windows) and UTF-16 or UTF-32 (PowerShell 5's > writes UTF-16)
    try:
        text = raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError:
        raise ValueError(
            f"{where}: not UTF-8 text, so not a saved model (save writes UTF-8 JSON; this is "
            "a binary file, or text in an encoding JSON does not use, such as cp1252)"
        ) from None
    try:
        document = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_refuse_duplicates
        )
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{where}: not valid JSON (damaged or truncated?): {error.msg} "
            f"at line {error.lineno}, column {error.colno}"
        ) from None
    except ValueError as error:  # NaN or Infinity, or a key given twice
        raise ValueError(f"{where}: {error}") from None
    except RecursionError:  # e.g. [[[[...]]]] 100,000 deep: no saved model looks like that
        raise ValueError(f"{where}: the JSON is nested too deeply to be a saved model") from None
    return _model_from(document, where)


def _path(path) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a pathlib.Path, got {type(path).__name__}")
    return os.fspath(path)


def _read_capped(where) -> bytes:
    """The file's bytes, refusing more than ``MAX_FILE_BYTES`` without reading them all."""
    cap = MAX_FILE_BYTES
    with open(where, "rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > cap:
            raise ValueError(
                f"{where}: {info.st_size:,} bytes is too large for a saved model "
                f"(at most {cap:,}); not loaded"
            )
        raw = f.read(cap + 1)  # a pipe or a device has no size: read one byte past the cap
    if len(raw) > cap:
        raise ValueError(f"{where}: more than {cap:,} bytes, too large for a saved model")
    return raw


def _reject_constant(name):
    raise ValueError(f"{name} is not a number a saved model may contain")


def _refuse_duplicates(pairs):
    """A JSON object as a dict, refusing a key given twice (json would keep the last one)."""
    document = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} appears twice in one object; which one is meant?")
        document[key] = value
    return document


def _ties(model) -> dict[str, str]:
    """``{other name: first name}`` for each parameter reached under more than one name."""
    first = {id(p): name for name, p in model.named_parameters()}
    every = model.named_parameters(remove_duplicate=False)
    return {name: first[id(p)] for name, p in every if first[id(p)] != name}


def _check_loads_as(model, loaded) -> None:
    """A ``ValueError`` when the file would load as a model that computes something else.
    A file records the architecture the model was made with and the weights (and which of
    them are tied), not which module object is used where: a hidden layer (relu) used
    again as the output layer, or a layer swapped or changed after the model was made,
    would come back as the architecture makes it."""
    built = dict(loaded.named_modules(remove_duplicate=False))
    for name, module in model.named_modules(remove_duplicate=False):
        again = built.get(name)
        if _computes(again) != _computes(module):
            raise ValueError(
                f"model: cannot save it: the file would load {name or 'the model'!r} as "
                f"{_described(again)} instead of {_described(module)} (a file records the "
                "architecture the model was made with: a module used in two places, or one "
                "swapped or changed since, must be what the architecture makes there)"
            )


def _computes(module) -> tuple:
    """What decides what a module computes: its kind, sizes, activation, dropout (not the
    init, which only chose the first weights)."""
    kind = type(module)
    return kind, *(getattr(module, key, None) for key in ("nin", "nout", "activation", "p"))


def _described(module) -> str:
    return "nothing" if module is None else f"{type(module).__name__}({module.extra_repr()})"


def _check_ties(ties, state, names, where) -> None:
    """A file's ``ties`` must tie names of the architecture that ``state_dict`` leaves out to
    names it holds; with ``state_dict`` they name every parameter exactly once."""
    for alias, first in ties.items():
        if alias not in names or alias in state or first not in state:
            raise ValueError(
                f"{where}: the tie {alias!r} -> {first!r} does not fit the architecture: "
                "each tie goes from a name 'state_dict' leaves out to one it holds"
            )
    left_out = sorted(set(names) - set(state) - set(ties))
    if left_out:
        raise ValueError(
            f"{where}: the weights do not fit the architecture: no weight for {left_out[0]!r}"
        )


def _tie(model, ties) -> None:
    """Put the parameter named by each tie's first name where its other name points
    (``layers.1.neurons.0.w.2``: attribute, list index, ...): two names, one Value."""
    values = dict(model.named_parameters())
    for alias, first in ties.items():
        *path, last = alias.split(".")
        holder = model
        for part in path:
            holder = holder[int(part)] if part.isdigit() else getattr(holder, part)
        if last.isdigit():
            holder[int(last)] = values[first]
        else:
            setattr(holder, last, values[first])


def _model_from(document, where):
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{where}: not an autograd-lite nn model (no 'format': {FORMAT!r})")
    version = document.get("version")
    if not is_int(version):  # (True == 1 and 1.0 == 1, yet neither is a version)
        raise ValueError(
            f"{where}: 'version' must be an int (this is version {VERSION}), got {version!r}"
        )
    if version != VERSION:
        raise ValueError(
            f"{where}: format version {version!r} is not supported (this is version {VERSION})"
        )
    for key in ("model", "config", "state_dict"):
        if key not in document:
            raise ValueError(f"{where}: the entry {key!r} is missing")
    kind, config, state = document["model"], document["config"], document["state_dict"]
    ties = document.get("ties", {})
    cls = MODEL_CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"{where}: unknown model class {kind!r}")
    if not isinstance(config, dict) or not isinstance(state, dict):
        raise ValueError(f"{where}: 'config' and 'state_dict' must be JSON objects")
    if not isinstance(ties, dict) or not all(isinstance(v, str) for v in ties.values()):
        raise ValueError(f"{where}: 'ties' must be a JSON object of name -> name")
    for key in ("activation", "output_activation"):  # a file's words, named as the file has them
        if key in config and not (isinstance(config[key], str) and config[key] in ACTIVATIONS):
            raise ValueError(
                f"{where}: the architecture in 'config' is invalid: unknown {key} "
                f"{config[key]!r} (one of {', '.join(map(repr, ACTIVATIONS))})"
            )
    unknown = sorted(set(config) - CONFIG_KEYS[kind])
    missing = sorted(CONFIG_KEYS[kind] - set(config))  # (save writes every one: a default
    for problem, names in (("unknown", unknown), ("missing", missing)):  # would guess, relu)
        if names:
            raise ValueError(
                f"{where}: the architecture in 'config' is invalid: {problem} entries {names} "
                f"(a {kind} has {sorted(CONFIG_KEYS[kind])})"
            )
    try:
        size = _parameter_count(kind, config)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: the architecture in 'config' is invalid: {error}") from None
    # A tiny file could ask for 10**8 weights: compare the sizes before building anything.
    if size != len(state) + len(ties):
        tied = f" and 'ties' {len(ties):,} more" if ties else ""
        raise ValueError(
            f"{where}: the weights do not fit the architecture: 'config' describes "
            f"{size:,} parameters but 'state_dict' holds {len(state):,}{tied}"
        )
    try:
        model = cls(**config, seed=0)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: the architecture in 'config' is invalid: {error}") from None
    if ties:
        _check_ties(ties, state, {name for name, _ in model.named_parameters()}, where)
        _tie(model, ties)
    try:
        model.load_state_dict(state, strict=True)
    except (TypeError, ValueError) as error:  # a damaged file is a ValueError, whatever is wrong
        raise ValueError(f"{where}: the weights do not fit the architecture: {error}") from None
    return model


def _parameter_count(kind, config) -> int:
    """How many parameters the architecture in ``config`` has (each neuron: nin + 1)."""
    nin = positive_int(config.get("nin"), "nin")
    if kind == "Neuron":
        return nin + 1
    if kind == "Layer":
        return (nin + 1) * positive_int(config.get("nout"), "nout")
    sizes = [nin, *check_layer_sizes(config.get("nouts"))]
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))
