"""save / load: bit-identical round trips, and clear errors for files that are not models."""

import builtins
import errno
import json
import math
import os
import struct
import subprocess
import sys

import pytest

from nn import MLP, Layer, Neuron, load, save


def _bits(state):
    return {name: struct.pack("<d", value) for name, value in state.items()}


def test_round_trip_is_bit_identical(tmp_path):
    model = MLP(
        3,
        [5, 4, 2],
        activation="leaky_relu",
        output_activation="tanh",
        init="uniform",
        seed=7,
        dropout=0.2,
    )
    model.layers[0].neurons[0].w[0].data = -0.0
    model.layers[0].neurons[0].w[1].data = 5e-324
    model.layers[0].neurons[0].w[2].data = 1 / 3
    model.layers[1].neurons[0].b.data = -1.7976931348623157e308
    path = tmp_path / "model.json"
    save(model, path)
    again = load(path)
    assert type(again) is MLP and again.config() == model.config()
    assert _bits(again.state_dict()) == _bits(model.state_dict())
    assert list(again.state_dict()) == list(model.state_dict())
    model.eval(), again.eval()
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in again(x)] == [v.data for v in model(x)]


@pytest.mark.parametrize("model", [Layer(2, 3, activation="sigmoid", seed=0), Neuron(4, seed=0)])
def test_layers_and_neurons_round_trip_too(tmp_path, model):
    save(model, tmp_path / "m.json")
    again = load(tmp_path / "m.json")
    assert type(again) is type(model) and again.state_dict() == model.state_dict()


def _tied():
    """A layer used twice (MLP(3, [3, 3, 1]): 28 names, 16 Values) and one weight tied to
    another inside the last neuron: 15 Values."""
    model = MLP(3, [3, 3, 1], activation="tanh", seed=0)
    model.layers[1] = model.layers[0]
    last = model.layers[2].neurons[0]
    last.w[2] = last.w[0]
    return model


def test_tied_weights_and_a_shared_layer_are_saved_once_and_come_back_tied(tmp_path):
    """Saved, such a model could not be loaded: 'config describes 28 parameters but
    state_dict holds 15'. The file now says which names are ties of which."""
    from nn import SGD

    model = _tied()
    save(model, tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert len(document["state_dict"]) == 15 and len(document["ties"]) == 13
    assert document["ties"]["layers.2.neurons.0.w.2"] == "layers.2.neurons.0.w.0"
    again = load(tmp_path / "m.json")
    assert again.num_parameters() == 15 and _bits(again.state_dict()) == _bits(model.state_dict())
    assert again.layers[1].neurons[2].w[1] is again.layers[0].neurons[2].w[1]
    assert again.layers[2].neurons[0].w[2] is again.layers[2].neurons[0].w[0]
    x = [0.1, -0.2, 0.3]
    for m in (model, again):  # one step each: still the same model, still tied
        out = m(x)
        out.backward()
        SGD(m.parameters(), lr=0.1).step()
    assert again.state_dict() == model.state_dict() and again(x).data == model(x).data
    assert again.layers[2].neurons[0].w[2] is again.layers[2].neurons[0].w[0]
    save(MLP(2, [2, 1], seed=0), tmp_path / "plain.json")  # no ties, no entry
    assert "ties" not in json.loads((tmp_path / "plain.json").read_text())


def test_a_layer_that_a_file_would_load_as_another_is_refused_before_writing(tmp_path):
    """The hidden layer (relu) used again as the output layer: the file records the tied
    weights, and load built a linear output layer holding them, a model computing other
    numbers (0.0 became -0.108)."""
    model = MLP(2, [3, 3, 3], seed=0)
    model.layers[2] = model.layers[1]
    path = tmp_path / "m.json"
    path.write_text("the old file")
    said = r"would load 'layers\.2' as Layer\(3 -> 3, activation='linear'.* instead of .*'relu'"
    with pytest.raises(ValueError, match=said):
        save(model, path)
    assert path.read_text() == "the old file"
    swapped = MLP(4, [4, 1], seed=0)  # no ties: a layer swapped after the model was made
    swapped.layers[0] = Layer(4, 4, activation="tanh", seed=0)
    with pytest.raises(ValueError, match=r"would load 'layers\.0' as .*'relu'.* instead of"):
        save(swapped, path)
    swapped.layers[0] = Layer(4, 4, activation="relu", init="uniform", seed=0)
    save(swapped, path)  # what the architecture makes there, whatever its init
    assert load(path)([0.1, 0.2, 0.3, 0.4]).data == swapped([0.1, 0.2, 0.3, 0.4]).data
    dropped = MLP(2, [3, 1], dropout=0.5, seed=0)
    dropped.dropouts[0].p = 0.2  # changed since: the file would load the 0.5 it was made with
    with pytest.raises(ValueError, match=r"'dropouts\.0' as Dropout\(p=0\.5\) instead of .*0\.2"):
        save(dropped, path)
    extra = MLP(2, [3, 1], seed=0)
    extra.more = extra.layers[0]  # a name the architecture does not have
    with pytest.raises(ValueError, match=r"^model: cannot save it, as its file would not load"):
        save(extra, path)
    every = [name for name, _ in model.named_modules(remove_duplicate=False)]
    assert "layers.2.neurons.0" in every and len(every) == 1 + 3 * (1 + 3)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("ties"), "28 parameters but 'state_dict' holds 15$"),
        (lambda d: d.update(ties=["x"]), "'ties' must be a JSON object of name -> name"),
        (lambda d: d["ties"].update({"layers.2.neurons.0.w.2": 7}), "'ties' must be"),
        (
            lambda d: d["ties"].update({"layers.9.w.0": d["ties"].pop("layers.2.neurons.0.w.2")}),
            r"the tie 'layers\.9\.w\.0' -> .* does not fit the architecture",
        ),
        (
            lambda d: d["ties"].update({"layers.2.neurons.0.w.2": "layers.1.neurons.0.b"}),
            r"'layers\.2\.neurons\.0\.w\.2' -> 'layers\.1\.neurons\.0\.b' does not fit",
        ),
        (lambda d: d["ties"].pop("layers.1.neurons.0.b"), "holds 15 and 'ties' 12 more"),
        (  # a tie from a name that has its own weight (one weight short elsewhere: 14 + 14)
            lambda d: (
                d["state_dict"].pop("layers.2.neurons.0.b"),
                d["ties"].update({"layers.0.neurons.0.w.0": "layers.0.neurons.0.w.1"}),
            ),
            r"the tie 'layers\.0\.neurons\.0\.w\.0' -> 'layers\.0\.neurons\.0\.w\.1' does not",
        ),
        (  # a name with neither a weight nor a tie, its weight under a name of no parameter
            lambda d: d["state_dict"].update(other=d["state_dict"].pop("layers.2.neurons.0.b")),
            r"the weights do not fit the architecture: no weight for 'layers\.2\.neurons\.0\.b'$",
        ),
    ],
)
def test_a_damaged_tie_is_reported(tmp_path, change, message):
    path = tmp_path / "m.json"
    save(_tied(), path)
    _edit(path, change)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_the_file_is_plain_json_with_a_format_and_version(tmp_path):
    save(MLP(2, [2, 1], seed=0), tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["format"] == "autograd-lite/nn" and document["version"] == 1
    assert document["model"] == "MLP" and document["config"]["nouts"] == [2, 1]
    assert len(document["state_dict"]) == 9


def test_non_finite_weights_are_not_saved(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    model.layers[0].neurons[1].b.data = math.nan
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.1\.b"):
        save(model, tmp_path / "m.json")


def test_a_weight_set_to_a_numpy_float32_is_saved_as_its_float(tmp_path):
    numpy = pytest.importorskip("numpy")  # (p.data = W[j, i] of a float32 array, say)
    model = MLP(2, [2, 1], seed=0)
    model.layers[1].neurons[0].w[0].data = numpy.float32(0.25)
    save(model, tmp_path / "m.json")
    assert load(tmp_path / "m.json").layers[1].neurons[0].w[0].data == 0.25


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "m.json"
    save(MLP(2, [3, 1], seed=0), path)
    return path


def _edit(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_a_truncated_file_is_reported(saved):
    text = saved.read_text()
    saved.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match=r"not valid JSON .*truncated"):
        load(saved)


@pytest.mark.parametrize(
    "edit",
    [
        lambda raw: raw.replace(b"\n", b"\r\n"),  # git's autocrlf on Windows
        lambda raw: b"\xef\xbb\xbf" + raw,  # a UTF-8 BOM, from Notepad or PowerShell 5
        lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
    ],
    ids=["crlf", "bom", "bom-crlf"],
)
def test_a_model_file_edited_or_checked_out_on_windows_still_loads(saved, edit):
    model = load(saved)
    saved.write_bytes(edit(saved.read_bytes()))
    assert load(saved).state_dict() == model.state_dict()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_model_file_in_utf16_or_utf32_loads_as_json_reads_it(saved, encoding):
    # PowerShell 5's > and Out-File write UTF-16 with a BOM (Get-Content m.json > copy.json);
    # Python's json.loads takes these bytes, BOM or none, and so does load
    model = load(saved)
    saved.write_bytes(saved.read_text(encoding="utf-8").encode(encoding))
    assert load(saved).state_dict() == model.state_dict()


def test_binary_garbage_is_reported(saved):
    saved.write_bytes(b"\x80\x81\xfe\xff" * 10)
    with pytest.raises(ValueError, match="not UTF-8 text, so not a saved model"):
        load(saved)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.clear(), "not an autograd-lite nn model"),
        (lambda d: d.update(format="keras"), "not an autograd-lite nn model"),
        (lambda d: d.update(version=2), "version 2 is not supported"),
        (lambda d: d.pop("config"), "'config' is missing"),
        (lambda d: d.update(model="Transformer"), "unknown model class 'Transformer'"),
        (lambda d: d["config"].update(activation="swish"), "architecture .* invalid"),
        (lambda d: d["config"].update(layers=4), "architecture .* invalid"),
        (lambda d: d["state_dict"].pop("layers.1.neurons.0.b"), "13 parameters .* holds 12"),
        (
            lambda d: d["state_dict"].update(bogus=d["state_dict"].pop("layers.1.neurons.0.b")),
            "missing 'layers.1.neurons.0.b'",
        ),
        (lambda d: d.update(version=True), "'version' must be an int .* got True"),
        (lambda d: d.update(version=1.0), "'version' must be an int .* got 1.0"),
        (lambda d: d["config"].update(activation=["relu"]), "invalid: unknown activation"),
        (lambda d: d["config"].update(output_activation=7), "invalid: unknown output_activation"),
        (lambda d: d["config"].update(nouts=3), "invalid: nouts must be a list of layer sizes"),
        (lambda d: d["config"].pop("nin"), r"invalid: missing entries \['nin'\] \(a MLP has"),
        (lambda d: d["config"].update(nin=None), "invalid: nin must be a positive int, got None"),
        # a default would stand in for what the file lost: a tanh model loaded as relu
        (lambda d: d["config"].pop("activation"), r"invalid: missing entries \['activation'\]"),
        (lambda d: d["config"].pop("dropout"), r"invalid: missing entries \['dropout'\]"),
        (
            lambda d: d["config"].update(dropout=[0.5]),
            r"invalid: dropout must be a number in \[0, 1\)",
        ),
        (lambda d: d["state_dict"].update({"layers.0.neurons.0.w.0": "x"}), "real number"),
        (lambda d: d["config"].update(nouts=[4, 1]), "do not fit"),
    ],
)
def test_a_foreign_or_damaged_document_is_reported(saved, change, message):
    _edit(saved, change)
    with pytest.raises(ValueError, match=message):
        load(saved)


def test_deeply_nested_json_is_a_value_error_not_a_recursion_error(saved):
    depth = 100_000
    saved.write_text(
        '{"format": "autograd-lite/nn", "version": 1, "x": ' + "[" * depth + "]" * depth + "}"
    )
    with pytest.raises(ValueError, match="nested too deeply"):
        load(saved)


@pytest.mark.parametrize(
    "model, config",
    [
        ("MLP", {"nin": 10**8, "nouts": [1]}),
        ("MLP", {"nin": 2, "nouts": [10**4, 10**4, 1]}),
        ("Layer", {"nin": 10**4, "nout": 10**4}),
        ("Neuron", {"nin": 10**8}),
    ],
)
def test_a_tiny_file_asking_for_a_huge_model_is_refused_before_building_it(saved, model, config):
    # Building would allocate 10**8 Values; the parameter count is checked first.
    rest = {"activation": "relu", "init": None}  # (what save writes besides the sizes)
    if model == "MLP":
        rest.update(output_activation="linear", dropout=0.0)
    document = {"format": "autograd-lite/nn", "version": 1, "model": model}
    document["config"] = {**config, **rest}
    saved.write_text(json.dumps({**document, "state_dict": {}}))
    with pytest.raises(
        ValueError, match=r"'config' describes [\d,]+ parameters but 'state_dict' holds 0"
    ):
        load(saved)


def test_json_that_is_not_an_object_or_has_nan_is_reported(saved):
    saved.write_text("[1, 2, 3]")
    with pytest.raises(ValueError, match="not an autograd-lite nn model"):
        load(saved)
    saved.write_text('{"format": "autograd-lite/nn", "version": NaN}')
    with pytest.raises(ValueError, match="NaN"):
        load(saved)


def test_only_known_models_are_saved(tmp_path):
    with pytest.raises(TypeError, match="save knows"):
        save(object(), tmp_path / "x.json")


# --- saving is atomic: a failed write leaves the old file whole -------------------------------


class _DiskFillsUp:
    """A file whose write stores half the bytes, then fails as a full disk does."""

    def __init__(self, f):
        self._f = f

    def write(self, data):
        self._f.write(data[: len(data) // 2])
        self._f.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def test_a_write_that_fails_half_way_leaves_the_old_model_and_no_debris(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    save(MLP(2, [3, 1], seed=0), path)
    old = path.read_bytes()
    real_open = builtins.open

    def failing_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return _DiskFillsUp(f) if "w" in mode else f

    monkeypatch.setattr(builtins, "open", failing_open)
    with pytest.raises(OSError, match="No space left"):
        save(MLP(2, [16, 16, 1], seed=1), path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
    assert load(path).state_dict() == MLP(2, [3, 1], seed=0).state_dict()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs ulimit (POSIX)")
def test_a_file_size_limit_mid_write_leaves_the_old_model(tmp_path):
    # The real thing: the kernel refuses bytes past RLIMIT_FSIZE (ulimit -f), like a full disk.
    path = tmp_path / "model.json"
    save(MLP(2, [3, 1], seed=0), path)
    old = path.read_bytes()
    code = (
        "import resource, signal, sys\n"
        "import nn\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    nn.save(nn.MLP(2, [16, 16, 1], seed=1), sys.argv[1])\n"
        "except OSError as error:\n"
        "    print('refused', error.errno)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.startswith("refused"), done.stdout + done.stderr
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


# --- loading reads at most a capped number of bytes -------------------------------------------


def test_a_huge_file_is_refused_by_its_size_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:  # 2 GB, sparse: costs no disk, and must cost no memory either
        f.truncate(2 * 1024**3)
    with pytest.raises(ValueError, match=r"2,147,483,648 bytes is too large for a saved model"):
        load(path)


def test_a_file_just_over_the_cap_is_refused(saved, monkeypatch):
    import nn.serialize

    monkeypatch.setattr(nn.serialize, "MAX_FILE_BYTES", saved.stat().st_size - 1)
    with pytest.raises(ValueError, match="too large for a saved model"):
        load(saved)
    monkeypatch.setattr(nn.serialize, "MAX_FILE_BYTES", saved.stat().st_size)
    assert isinstance(load(saved), MLP)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_file_is_read_only_up_to_the_cap(monkeypatch):
    import nn.serialize

    monkeypatch.setattr(nn.serialize, "MAX_FILE_BYTES", 10_000)
    with pytest.raises(ValueError, match="more than 10,000 bytes"):
        load("/dev/zero")


# --- loading refuses ambiguous and malformed configs ------------------------------------------


def test_a_key_given_twice_is_refused(saved):
    text = saved.read_text()
    saved.write_text(text.replace('"version": 1,', '"version": 1, "version": 1,', 1))
    with pytest.raises(ValueError, match="'version' appears twice"):
        load(saved)


@pytest.mark.parametrize("fan_out", [-2, 0, 10**400])
def test_a_config_with_fan_out_is_a_value_error(tmp_path, fan_out):
    path = tmp_path / "n.json"
    save(Neuron(2, activation="tanh", seed=0), path)
    _edit(path, lambda d: d["config"].update(fan_out=fan_out))
    with pytest.raises(ValueError, match="invalid"):
        load(path)


@pytest.mark.parametrize("init", ["", 0, [], {}, "zeros"])
@pytest.mark.parametrize("model", [Neuron(2, seed=0), Layer(2, 2, seed=0), MLP(2, [2], seed=0)])
def test_an_empty_or_wrong_init_is_refused_not_replaced_by_the_default(tmp_path, model, init):
    path = tmp_path / "m.json"
    save(model, path)
    _edit(path, lambda d: d["config"].update(init=init))
    with pytest.raises(ValueError, match="invalid: init must be"):
        load(path)


def test_constructor_arguments_that_config_never_writes_are_refused(saved):
    _edit(saved, lambda d: d["config"].update(seed=3))
    with pytest.raises(ValueError, match=r"unknown entries \['seed'\]"):
        load(saved)


def test_save_follows_the_error_convention(tmp_path):
    with pytest.raises(TypeError, match=r"^model: save knows"):
        save(object(), tmp_path / "x.json")
    model = MLP(2, [2, 1], seed=0)
    model.layers[0].neurons[0].w[0].data = math.inf
    with pytest.raises(ValueError, match=r"^model: cannot save parameter"):
        save(model, tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []


def test_a_path_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match=r"^path must be a str or a pathlib.Path"):
        save(MLP(2, [1], seed=0), 3)
    with pytest.raises(TypeError, match=r"^path must be a str or a pathlib.Path"):
        load(None)


def test_a_file_one_byte_over_the_cap_is_refused_by_its_size_before_reading(tmp_path, monkeypatch):
    import nn.serialize
    from nn import load, save

    path = tmp_path / "model.json"
    save(MLP(2, [3, 1], seed=0), path)
    size = path.stat().st_size
    monkeypatch.setattr(nn.serialize, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(ValueError, match=f"{size:,} bytes is too large for a saved model"):
        load(path)
