"""Saving and loading models as JSON: readable, portable, and never executed (no pickle).

A file holds the format name and version, the model's class and constructor arguments
(its architecture), and its ``state_dict``. Python writes each float with the shortest
digits that read back to the same float, so a round trip is bit-identical.

Loading trusts nothing: a damaged, truncated or foreign file raises ``ValueError`` saying
what is wrong, before any model is built.
"""

from __future__ import annotations

import itertools
import json
import math
import os

from .layers import MLP, Layer, Neuron, _check_size, check_layer_sizes

FORMAT = "autograd-lite/nn"
VERSION = 1

#: The classes a file may name, with the constructor arguments each one needs.
MODEL_CLASSES = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron}


def save(model, path) -> None:
    """Write ``model`` (an ``MLP``, ``Layer`` or ``Neuron``) to ``path`` as JSON."""
    kind = type(model).__name__
    if MODEL_CLASSES.get(kind) is not type(model):
        raise TypeError(f"save knows {sorted(MODEL_CLASSES)}, not {kind}")
    state = model.state_dict()
    for name, number in state.items():
        if not math.isfinite(number):
            raise ValueError(f"cannot save: parameter {name!r} is {number!r} (not finite)")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "model": kind,
        "config": model.config(),
        "state_dict": state,
    }
    text = json.dumps(document, indent=1, allow_nan=False)
    with open(os.fspath(path), "w", encoding="utf-8") as f:
        f.write(text + "\n")


def load(path):
    """Read a model written by ``save``; ``ValueError`` names any problem with the file."""
    where = os.fspath(path)
    try:
        with open(where, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ValueError(f"{where}: not a text file, so not a saved model") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{where}: not valid JSON (damaged or truncated?): {error.msg} "
            f"at line {error.lineno}, column {error.colno}"
        ) from None
    except ValueError as error:  # NaN or Infinity in the file
        raise ValueError(f"{where}: {error}") from None
    except RecursionError:  # e.g. [[[[...]]]] 100,000 deep: no saved model looks like that
        raise ValueError(f"{where}: the JSON is nested too deeply to be a saved model") from None
    return _model_from(document, where)


def _reject_constant(name):
    raise ValueError(f"{name} is not a number a saved model may contain")


def _model_from(document, where):
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{where}: not an autograd-lite nn model (no 'format': {FORMAT!r})")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):  # True == 1 and 1.0 == 1
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
    cls = MODEL_CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"{where}: unknown model class {kind!r}")
    if not isinstance(config, dict) or not isinstance(state, dict):
        raise ValueError(f"{where}: 'config' and 'state_dict' must be JSON objects")
    try:
        size = _parameter_count(kind, config)
    except ValueError as error:
        raise ValueError(f"{where}: the architecture in 'config' is invalid: {error}") from None
    # A tiny file could ask for 10**8 weights: compare the sizes before building anything.
    if size != len(state):
        raise ValueError(
            f"{where}: the weights do not fit the architecture: 'config' describes "
            f"{size:,} parameters but 'state_dict' holds {len(state):,}"
        )
    try:
        model = cls(**config, seed=0)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: the architecture in 'config' is invalid: {error}") from None
    try:
        model.load_state_dict(state, strict=True)
    except ValueError as error:
        raise ValueError(f"{where}: the weights do not fit the architecture: {error}") from None
    return model


def _parameter_count(kind, config) -> int:
    """How many parameters the architecture in ``config`` has (each neuron: nin + 1)."""
    nin = _check_size(config.get("nin"), "nin")
    if kind == "Neuron":
        return nin + 1
    if kind == "Layer":
        return (nin + 1) * _check_size(config.get("nout"), "nout")
    sizes = [nin, *check_layer_sizes(config.get("nouts"))]
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))
