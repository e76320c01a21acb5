"""nn/module.py's Module: parameters and their dotted names, state dicts, training mode, repr,
shared parameters, and the collector paused for a model call."""

import math

import pytest

import autograd_lite as ag
from nn import MLP, Layer, Module, Neuron


def test_dotted_parameter_names():
    model = MLP(2, [16, 16, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w.1" in names
    assert names[-1] == "layers.2.neurons.0.b"
    assert len(set(names)) == 337
    named = dict(model.named_parameters())
    assert named["layers.1.neurons.5.w.7"] is model.layers[1].neurons[5].w[7]


def test_a_custom_module_finds_its_parameters_and_submodules():
    class Affine(Module):
        def __init__(self):
            self.scale = ag.Value(2.0)
            self.shift = [ag.Value(1.0)]
            self.inner = Neuron(1, activation="linear", seed=0)
            self._cache = ag.Value(9.0)  # private: not a parameter

        def forward(self, x):
            return self.inner([x * self.scale + self.shift[0]])

    m = Affine()
    assert [n for n, _ in m.named_parameters()] == ["scale", "shift.0", "inner.w.0", "inner.b"]
    assert isinstance(m(1.0), ag.Value)


def test_weights_in_a_list_of_lists_or_a_dict_are_parameters_too():
    # A weight matrix kept as rows (a list of lists), or parts kept by name in a dict, are
    # as much the module's parameters as a flat list: skipping them would leave them
    # untrained, unsaved and out of every optimizer, with no word said.
    class Net(Module):
        def __init__(self):
            self.W = [[ag.Value(1.0), ag.Value(2.0)], [ag.Value(3.0), ag.Value(4.0)]]
            self.heads = {"a": Neuron(1, activation="linear", seed=0), "b": ag.Value(5.0)}
            self.pairs = ([ag.Value(6.0)],)

        def forward(self, x):
            return self.W[0][0] * x

    m = Net()
    assert [n for n, _ in m.named_parameters()] == [
        "W.0.0", "W.0.1", "W.1.0", "W.1.1", "heads.a.w.0", "heads.a.b", "heads.b", "pairs.0.0",
    ]  # fmt: skip
    assert m.num_parameters() == 8
    assert [name for name, _ in m.named_modules()] == ["", "heads.a"]
    m.eval()
    assert m.heads["a"].training is False
    state = m.state_dict()
    state["W.1.0"] = 30.0
    m.load_state_dict(state)
    assert m.W[1][0].data == 30.0


def test_a_list_that_holds_itself_is_walked_once():
    class Loop(Module):
        def __init__(self):
            self.items = [ag.Value(1.0)]
            self.items.append(self.items)

    assert [n for n, _ in Loop().named_parameters()] == ["items.0"]


@pytest.mark.parametrize(
    "heads, error, said",
    [
        ({1: ag.Value(1.0), "1": ag.Value(2.0)}, TypeError, r"'heads' has the key 1 \(int\)"),
        ({(0, 1): ag.Value(1.0)}, TypeError, r"the key \(0, 1\) \(tuple\)"),
        ({"a.b": ag.Value(1.0), "a": {"b": ag.Value(2.0)}}, ValueError, r"the key 'a\.b'"),
        ({"": ag.Value(1.0)}, ValueError, r"'heads' has the key ''"),
        ({"a": [{2: Neuron(1, seed=0)}]}, TypeError, r"'heads\.a\.0' has the key 2 \(int\)"),
        ({"a.b": {"c": ag.Value(1.0)}}, ValueError, r"'heads' has the key 'a\.b'"),  # above
    ],
)
def test_a_dict_key_that_cannot_name_a_parameter_is_refused(heads, error, said):
    # heads.1 named both the Value under 1 and the one under "1" (heads.a.b, both of the
    # others): state_dict() kept one number of the two, load_state_dict() set one of them
    class Net(Module):
        def __init__(self):
            self.heads = heads
            self.config = {1.5: "a key that holds no parameter is fine"}

    m = Net()
    for walk in (m.parameters, m.state_dict, lambda: m.load_state_dict({}, strict=False)):
        with pytest.raises(error, match=said + ".*a str without '.', such as"):
            walk()


@pytest.mark.parametrize("key, such_as", [("a.b", "a_b"), ("", "w"), ((0, 1), "0_1"), (1, "1")])
def test_a_refused_dict_key_comes_with_one_that_works(key, such_as):
    class Net(Module):
        def __init__(self):
            self.heads = {key: ag.Value(1.0)}

    with pytest.raises((TypeError, ValueError), match=rf"such as '{such_as}'$"):
        Net().parameters()


def test_repr_names_the_architecture_and_parameter_count():
    text = repr(MLP(2, [16, 16, 1], seed=0))
    assert text.startswith("MLP(2 -> [16, 16, 1]")
    assert "337 parameters" in text
    assert "(layers.1) Layer(16 -> 16" in text and "272 parameters" in text


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [4, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# --- state dicts -------------------------------------------------------------------------


def test_state_dict_round_trip():
    a, b = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, 0.4]).data == a([0.3, 0.4]).data


@pytest.mark.parametrize(
    "spoil, error, message",
    [
        (lambda d: d.pop("layers.1.neurons.0.b"), ValueError, "missing 'layers.1.neurons.0.b'"),
        (lambda d: d.__setitem__("layers.9.w", 1.0), ValueError, "unexpected 'layers.9.w'"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", math.nan), ValueError, "finite"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", math.inf), ValueError, "finite"),
        # not a number at all: the wrong type
        (lambda d: d.__setitem__("layers.1.neurons.0.b", "0.5"), TypeError, "real number"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", True), TypeError, "real number"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", None), TypeError, "real number"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", ag.Value(1.0)), TypeError, "its .data"),
    ],
)
def test_one_bad_entry_is_reported_and_changes_nothing(spoil, error, message):
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    other = {name: value + 1.0 for name, value in before.items()}  # every value is new
    spoil(other)
    with pytest.raises(error, match=message):
        model.load_state_dict(other)
    assert model.state_dict() == before


def test_a_state_that_is_no_mapping_is_named_in_a_short_message():
    model = MLP(2, [16, 16, 1], seed=0)
    with pytest.raises(TypeError) as caught:
        model.load_state_dict(list(model.state_dict().items()))  # 337 pairs, not a dict
    message = str(caught.value)
    assert message.startswith("load_state_dict: d must be a mapping of name -> number")
    assert message.endswith("(list)") and len(message) < 200


def test_load_state_dict_takes_its_arguments_by_the_names_api_md_gives():
    a, b = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=1)
    b.load_state_dict(d=a.state_dict(), strict=True)  # load_state_dict(d, strict=True)
    assert b.state_dict() == a.state_dict()


def test_non_strict_loading_loads_what_matches_and_reports_the_rest():
    model = MLP(2, [4, 1], seed=0)
    result = model.load_state_dict({"layers.0.neurons.0.b": 3.0, "extra": 1.0}, strict=False)
    assert model.layers[0].neurons[0].b.data == 3.0
    assert result.unexpected == ["extra"]
    assert len(result.missing) == model.num_parameters() - 1
    # and under the names PyTorch gives them, for code written for torch
    assert (result.missing_keys, result.unexpected_keys) == (result.missing, ["extra"])
    with pytest.raises(ValueError, match="finite"):
        model.load_state_dict({"layers.0.neurons.0.b": math.nan}, strict=False)
    assert model.layers[0].neurons[0].b.data == 3.0


# --- training mode -------------------------------------------------------------------------


def test_train_and_eval_reach_every_submodule():
    model = MLP(2, [4, 4, 1], seed=0, dropout=0.5)
    assert model.training and all(d.training for d in model.dropouts)
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_parameters_are_labelled_with_their_dotted_names():
    from nn import MLP, Neuron

    model = MLP(2, [3, 1], seed=0)
    assert [p.label for p in model.parameters()] == [n for n, _ in model.named_parameters()]
    assert model.layers[0].neurons[1].w[0].label == "layers.0.neurons.1.w.0"
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["w.0", "w.1", "b"]


# --- tied weights and shared sub-modules: one parameter, listed once -----------------------


class _TiedScalar(Module):
    """``a`` and ``b`` are the same Value: ``out = a * x + b * 2x`` = 3 a x."""

    def __init__(self):
        self.a = ag.Value(1.0)
        self.b = self.a

    def forward(self, x):
        return self.a * x + self.b * (2.0 * x)


class _SharedNeuron(Module):
    """One neuron held under two names, as an encoder whose decoder is tied to it."""

    def __init__(self):
        self.encoder = Neuron(2, activation="linear", seed=0)
        self.scale = ag.Value(2.0)
        self.decoder = self.encoder

    def forward(self, x):
        return self.decoder([self.encoder(x), self.scale])


def test_a_value_under_two_names_is_one_parameter_under_its_first_name():
    model = _TiedScalar()
    assert [name for name, _ in model.named_parameters()] == ["a"]
    assert model.parameters() == [model.a] and model.num_parameters() == 1
    assert list(model.state_dict()) == ["a"]


def test_a_shared_submodule_is_listed_once_under_its_first_name():
    model = _SharedNeuron()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["encoder.w.0", "encoder.w.1", "encoder.b", "scale"]
    assert [name for name, _ in model.named_modules()] == ["", "encoder"]
    assert [name for name, _ in model.children()] == ["encoder"]
    model.load_state_dict({name: 0.5 for name in names})  # strict: these are all the names
    assert model.decoder.b.data == 0.5


def test_remove_duplicate_false_lists_every_name_as_in_pytorch():
    every = [name for name, _ in _SharedNeuron().named_parameters(remove_duplicate=False)]
    assert every == ["encoder.w.0", "encoder.w.1", "encoder.b", "scale",
                     "decoder.w.0", "decoder.w.1", "decoder.b"]  # fmt: skip
    assert [n for n, _ in _TiedScalar().named_parameters(remove_duplicate=False)] == ["a", "b"]
    looped = _TiedScalar()
    looped.me = looped  # a module holding itself is walked once, not forever
    assert len(list(looped.named_parameters(remove_duplicate=False))) == 2
    with pytest.raises(TypeError, match="remove_duplicate"):
        looped.named_parameters(remove_duplicate="no")
    with pytest.raises(TypeError, match="remove_duplicate"):
        looped.named_modules(remove_duplicate="no")


def test_tied_weights_take_one_sgd_step_as_in_torch(torch):
    from nn import SGD

    ours = _TiedScalar()
    optimizer = SGD(ours.parameters(), lr=0.1)
    ours(1.0).backward()  # d/da (a + 2a) = 3
    optimizer.step()

    class TorchTied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64))
            self.b = self.a

        def forward(self, x):
            return self.a * x + self.b * (2.0 * x)

    theirs = TorchTied()
    optimizer = torch.optim.SGD(theirs.parameters(), lr=0.1)
    theirs(1.0).backward()
    optimizer.step()
    assert [n for n, _ in theirs.named_parameters()] == [n for n, _ in ours.named_parameters()]
    assert ours.a.data == pytest.approx(theirs.a.item(), rel=1e-15) == 0.7


def test_named_modules_gives_dotted_names_parents_first():
    model = MLP(2, [3, 1], seed=0, dropout=0.5)
    names = [name for name, _ in model.named_modules()]
    assert names[:3] == ["", "layers.0", "layers.0.neurons.0"]
    assert "layers.1.neurons.0" in names and names[-1] == "dropouts.0"
    assert [m for _, m in model.named_modules()] == list(model.modules())
    assert dict(model.named_modules())["layers.1"] is model.layers[1]


def test_a_prefix_names_the_module_itself_with_a_dot_as_pytorch_writes_it():
    model = MLP(2, [1], seed=0)
    names = [n for n, _ in model.named_parameters(prefix="enc")]
    assert names == [
        "enc.layers.0.neurons.0.w.0",
        "enc.layers.0.neurons.0.w.1",
        "enc.layers.0.neurons.0.b",
    ]
    assert [n for n, _ in model.named_modules(prefix="enc")][:2] == ["enc", "enc.layers.0"]
    for walk in (model.named_parameters, model.named_modules):
        with pytest.raises(TypeError, match=f"^{walk.__name__}: prefix must be a str"):
            walk(prefix=1)


# --- evaluation mode as a context -----------------------------------------------------------


def test_evaluating_puts_every_module_back_as_it_was_even_after_an_error():
    model = MLP(2, [4, 4, 1], seed=0, dropout=0.5)
    model.dropouts[0].eval()  # a mixed state: it must come back exactly
    before = [m.training for m in model.modules()]
    with model.evaluating():
        assert not any(m.training for m in model.modules())
    assert [m.training for m in model.modules()] == before
    with pytest.raises(ZeroDivisionError), model.evaluating():
        1 / 0
    assert [m.training for m in model.modules()] == before
    with model.in_mode(True):
        assert all(m.training for m in model.modules())
    assert [m.training for m in model.modules()] == before


def test_train_refuses_a_mode_that_is_not_a_bool():
    with pytest.raises(TypeError, match="mode must be True or False"):
        MLP(2, [1], seed=0).train("no")


def test_repr_does_not_recognise_a_class_by_its_name():
    class Neuron(Module):  # a user's own class that happens to share the name
        def __init__(self):
            self.w = ag.Value(1.0)

    class Holder(Module):
        def __init__(self):
            self.part = Neuron()

    assert "(part) Neuron()" in repr(Holder())
    assert "(neurons" not in repr(Layer(2, 3, seed=0))  # a layer describes its neurons itself


# --- a model call pauses the cyclic collector, and only for the call --------------------


class _Records(Module):
    """Remembers whether the collector was on inside forward; raises if asked to."""

    def forward(self, x, fail=False):
        import gc

        self.collector_on = gc.isenabled()
        if fail:
            raise RuntimeError("inside forward")
        return x


def test_a_model_call_pauses_the_collector_and_restores_it_after():
    import gc

    m = _Records()
    assert gc.isenabled()
    assert m(1.0) == 1.0 and m.collector_on is False and gc.isenabled()
    with pytest.raises(RuntimeError, match="inside forward"):
        m(1.0, fail=True)
    assert m.collector_on is False and gc.isenabled()
    with ag.gc_paused():  # nested in a block of yours: the block still holds it after
        m(1.0)
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # off before: off after
    try:
        m(1.0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_forward_that_builds_a_big_graph_sets_off_no_collection():
    # What the pause is for: a model call makes thousands of nodes and the collector walks
    # none of them. Two calls in a row: the second begins with the first's nodes still
    # counted as new objects, so a pause that itself made an object (a ``with`` block)
    # would set off a collection as it began.
    import gc

    class Chain(Module):
        def forward(self, x):
            for _ in range(3000):  # 6,000 new nodes (each product and its constant);
                x = x * 1.0001  # the collector looks every 700 new objects
            return x

    model, x = Chain(), ag.Value(1.0)
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        first = model(x)
        second = model(x)
    finally:
        gc.callbacks.remove(count)
    assert len(ag.topological_order(first)) > 3000 and second is not first
    assert collections == []


def test_ctrl_c_as_a_model_call_switches_the_collector_off_leaves_it_on(
    monkeypatch, ctrl_c_after_gc_disable
):
    import gc

    import nn.module

    ctrl_c_after_gc_disable(nn.module)
    with pytest.raises(KeyboardInterrupt):
        _Records()(1.0)
    monkeypatch.undo()
    assert gc.isenabled()


def test_state_dict_gives_floats_whatever_kind_of_number_a_weight_was_set_to():
    from fractions import Fraction

    model = MLP(2, [2, 1], seed=0)
    weights = model.layers[0].neurons[0]
    weights.w[0].data, weights.w[1].data, weights.b.data = Fraction(1, 2), 3, 10**400
    state = model.state_dict()
    assert [state[f"layers.0.neurons.0.{k}"] for k in ("w.0", "w.1", "b")] == [0.5, 3.0, math.inf]
    assert all(type(x) is float for x in state.values())
    weights.b.data = "0.5"  # no number: named, not handed on to save or to load_state_dict
    with pytest.raises(TypeError, match=r"^state_dict: 'layers\.0\.neurons\.0\.b' needs a real"):
        model.state_dict()


def test_repr_of_a_module_that_holds_a_module_above_it_ends():
    """A part that keeps a reference to its owner (self.owner = owner), or a module that
    holds itself, is walked once by named_parameters and named_modules; repr recursed
    through it until RecursionError, so typing the model in Jupyter showed a traceback."""

    class Child(Module):
        def __init__(self, owner):
            self.owner = owner
            self.n = Neuron(2, seed=0)

    class Own(Module):
        def __repr__(self):
            return "Own, as I write it"

    class Parent(Module):
        def __init__(self):
            self.child = Child(self)
            self.me = self
            self.own = Own()

    text = repr(Parent())
    assert text.splitlines() == [
        "Parent()  # 3 parameters",
        "  (child) Child()  # 3 parameters",
        "    (owner) Parent  # the module above, again",
        "    (n) Neuron(2, activation='relu', init='he')  # 3 parameters",
        "  (me) Parent  # the module above, again",
        "  (own) Own, as I write it",
    ]


def test_a_numpy_bool_or_a_0d_array_of_text_is_no_weight_for_load_state_dict():
    """A NumPy bool (np.True_) loaded as 1.0 and np.array('0.5') as 0.5, where True and
    '0.5' are refused as no real number."""
    np = pytest.importorskip("numpy")
    model = MLP(2, [1], seed=0)
    before = model.state_dict()
    for bad in (np.True_, np.array(True), np.array("0.5")):
        with pytest.raises(TypeError, match=r"^load_state_dict: 'layers\.0\.neurons\.0\.b' must"):
            model.load_state_dict({**before, "layers.0.neurons.0.b": bad})
        assert model.state_dict() == before
    model.load_state_dict({**before, "layers.0.neurons.0.b": np.array(0.5)})  # a number
    assert model.state_dict()["layers.0.neurons.0.b"] == 0.5
