"""nn modules: structure, names, seeds, initialisation, state dicts, dropout."""

import math
import random

import pytest

import autograd_lite as ag
from nn import MLP, Dropout, Layer, Module, Neuron


def test_micrograd_sized_mlp_has_337_parameters_and_returns_a_value():
    model = MLP(2, [16, 16, 1], seed=0)
    assert model.num_parameters() == len(model.parameters()) == 337
    assert isinstance(model([0.5, -1.0]), ag.Value)


def test_a_one_wide_hidden_layer_works():
    model = MLP(2, [16, 1, 1], seed=0)
    out = model([0.5, -1.0])
    assert isinstance(out, ag.Value)
    out.backward()
    assert model.num_parameters() == 3 * 16 + 17 + 2


def test_several_outputs_give_a_list_and_a_layer_always_gives_a_list():
    assert len(MLP(3, [4, 2], seed=0)([1.0, 2.0, 3.0])) == 2
    out = Layer(3, 1, seed=0)([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 1


def test_a_neuron_is_one_dot_node_and_one_activation_node():
    n = Neuron(3, activation="tanh", seed=0)
    out = n([1.0, 2.0, 3.0])
    assert out.op == "tanh"
    (z,) = out.parents
    assert z.op == "dot" and len(z.parents) == 2 * 4  # 3 weights + bias, 3 inputs + 1.0
    assert len(ag.topological_order(out)) == 2 + 8  # the two nodes and their 8 leaves
    linear = Neuron(3, activation="linear", seed=0)([1.0, 2.0, 3.0])
    assert linear.op == "dot"


def test_a_layer_adds_two_nodes_per_neuron():
    layer = Layer(5, 7, seed=0)
    outs = layer([0.1] * 5)
    nodes = {node for out in outs for node in ag.topological_order(out) if node.parents}
    assert len(nodes) == 2 * 7


@pytest.mark.parametrize(
    "activation, f",
    [
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
        ("linear", lambda z: z),
    ],
)
def test_neuron_computes_activation_of_weighted_sum_plus_bias(activation, f):
    for sign in (1.0, -1.0):
        n = Neuron(2, activation=activation, seed=0)
        n.w[0].data, n.w[1].data, n.b.data = 0.5 * sign, -1.5 * sign, 0.25 * sign
        x = [2.0, 0.75]
        z = sign * (0.5 * 2.0 - 1.5 * 0.75 + 0.25)
        out = n(x)
        assert out.data == pytest.approx(f(z), rel=1e-15, abs=1e-15)
        out.backward()
        h = 1e-6
        slope = (f(z + h) - f(z - h)) / (2 * h)
        assert n.w[0].grad == pytest.approx(slope * 2.0, rel=1e-6, abs=1e-9)
        assert n.b.grad == pytest.approx(slope, rel=1e-6, abs=1e-9)


def test_mlp_matches_a_hand_written_forward_pass():
    model = MLP(3, [4, 2], activation="tanh", seed=3)
    x = [0.3, -1.2, 2.0]
    hidden = [
        math.tanh(sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data)
        for n in model.layers[0].neurons
    ]
    expected = [
        sum(w.data * h for w, h in zip(n.w, hidden)) + n.b.data for n in model.layers[1].neurons
    ]
    got = [v.data for v in model(x)]
    assert got == pytest.approx(expected, rel=1e-14)


def test_wrong_input_size_is_reported():
    with pytest.raises(ValueError, match="expected 2 input"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])


@pytest.mark.parametrize("sample", [True, None, "ab", b"1", object()])
def test_a_sample_that_is_not_numbers_is_a_type_error_that_says_so(sample):
    said = r"a sample must be a number or a list of numbers \(the model takes 1\), got"
    with pytest.raises(TypeError, match=said):
        MLP(1, [3, 1], seed=0)(sample)


def test_a_single_input_may_be_a_bare_number():
    model = MLP(1, [3, 1], seed=0)
    assert model(0.5).data == model([0.5]).data


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


def test_same_seed_same_weights_other_seed_other_weights():
    a = MLP(2, [8, 8, 1], seed=42).state_dict()
    b = MLP(2, [8, 8, 1], seed=42).state_dict()
    c = MLP(2, [8, 8, 1], seed=43).state_dict()
    assert a == b
    assert a != c


def test_seeding_never_touches_the_global_random_generator():
    random.seed(7)
    expected = [random.random() for _ in range(3)]
    random.seed(7)
    MLP(2, [8, 1], seed=1, dropout=0.5)([1.0, 2.0])
    Dropout(0.5, seed=3)([ag.Value(1.0)] * 4)
    assert [random.random() for _ in range(3)] == expected


def _std(xs):
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))


def test_initialisations_have_their_documented_spread():
    he = [w.data for n in Layer(200, 100, init="he", seed=0).neurons for w in n.w]
    assert _std(he) == pytest.approx(math.sqrt(2 / 200), rel=0.03)
    xavier = [w.data for n in Layer(200, 100, init="xavier", seed=0).neurons for w in n.w]
    bound = math.sqrt(6 / 300)
    assert max(map(abs, xavier)) <= bound
    assert _std(xavier) == pytest.approx(bound / math.sqrt(3), rel=0.03)
    uniform = [w.data for n in Layer(200, 100, init="uniform", seed=0).neurons for w in n.w]
    assert max(map(abs, uniform)) <= 1 / math.sqrt(200)
    assert _std(uniform) == pytest.approx(1 / math.sqrt(200) / math.sqrt(3), rel=0.03)
    assert all(n.b.data == 0.0 for n in Layer(20, 5, seed=0).neurons)


def test_default_init_follows_the_activation():
    assert Layer(2, 2, activation="relu").init == "he"
    assert Layer(2, 2, activation="leaky_relu").init == "he"
    assert Layer(2, 2, activation="tanh").init == "xavier"
    assert Layer(2, 2, activation="sigmoid").init == "xavier"
    assert Layer(2, 2, activation="relu", init="uniform").init == "uniform"


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [3], activation="swish")
    with pytest.raises(ValueError, match="init"):
        Neuron(2, init="zeros")
    with pytest.raises(ValueError, match="positive int"):
        MLP(2, [3, 0])
    with pytest.raises(TypeError, match="seed"):
        MLP(2, [3], seed="abc")
    # Wrong types get the same clear messages, not "unhashable type" or "not iterable".
    with pytest.raises(TypeError, match=r"unknown activation \['relu'\]"):
        MLP(2, [3], activation=["relu"])
    with pytest.raises(ValueError, match="unknown output_activation 'swish'"):
        MLP(2, [3], output_activation="swish")
    with pytest.raises(TypeError, match=r"nouts must be a list of layer sizes .* got 3"):
        MLP(2, 3)
    with pytest.raises(TypeError, match=r"dropout must be a number in \[0, 1\), got \[0\.5\]"):
        MLP(2, [3, 1], dropout=[0.5])


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
    "spoil, message",
    [
        (lambda d: d.pop("layers.1.neurons.0.b"), "missing 'layers.1.neurons.0.b'"),
        (lambda d: d.__setitem__("layers.9.w", 1.0), "unexpected 'layers.9.w'"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", math.nan), "finite"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", math.inf), "finite"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", "0.5"), "real number"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", True), "real number"),
        (lambda d: d.__setitem__("layers.1.neurons.0.b", None), "real number"),
    ],
)
def test_one_bad_entry_is_reported_and_changes_nothing(spoil, message):
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    other = {name: value + 1.0 for name, value in before.items()}  # every value is new
    spoil(other)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(other)
    assert model.state_dict() == before


def test_non_strict_loading_loads_what_matches_and_reports_the_rest():
    model = MLP(2, [4, 1], seed=0)
    result = model.load_state_dict({"layers.0.neurons.0.b": 3.0, "extra": 1.0}, strict=False)
    assert model.layers[0].neurons[0].b.data == 3.0
    assert result.unexpected == ["extra"]
    assert len(result.missing) == model.num_parameters() - 1
    with pytest.raises(ValueError, match="finite"):
        model.load_state_dict({"layers.0.neurons.0.b": math.nan}, strict=False)
    assert model.layers[0].neurons[0].b.data == 3.0


# --- training mode and dropout -------------------------------------------------------------


def test_train_and_eval_reach_every_submodule():
    model = MLP(2, [4, 4, 1], seed=0, dropout=0.5)
    assert model.training and all(d.training for d in model.dropouts)
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_dropout_zeroes_about_p_and_rescales_the_rest():
    drop = Dropout(0.25, seed=0)
    xs = [ag.Value(2.0) for _ in range(4000)]
    out = [v.data for v in drop(xs)]
    assert set(out) == {0.0, 2.0 / 0.75}
    assert out.count(0.0) / len(out) == pytest.approx(0.25, abs=0.02)
    drop.eval()
    assert drop(xs) is xs


def test_dropout_masks_are_reproducible():
    xs = [ag.Value(1.0) for _ in range(50)]
    a = [v.data for v in Dropout(0.5, seed=9)(xs)]
    b = [v.data for v in Dropout(0.5, seed=9)(xs)]
    c = [v.data for v in Dropout(0.5, seed=10)(xs)]
    assert a == b and a != c
    m1, m2 = MLP(2, [32, 1], seed=5, dropout=0.5), MLP(2, [32, 1], seed=5, dropout=0.5)
    assert [m1([1.0, 1.0]).data for _ in range(5)] == [m2([1.0, 1.0]).data for _ in range(5)]


def test_mlp_dropout_is_active_only_in_training():
    model = MLP(2, [32, 1], seed=5, dropout=0.5)
    train_outputs = {model([1.0, -1.0]).data for _ in range(5)}
    assert len(train_outputs) > 1
    model.eval()
    assert len({model([1.0, -1.0]).data for _ in range(5)}) == 1
    assert len(model.parameters()) == 3 * 32 + 33  # dropout has no parameters


def test_dropout_probability_is_checked():
    with pytest.raises(ValueError, match="dropout probability"):
        Dropout(1.0)


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


def test_an_optimizer_given_one_value_twice_refuses_it():
    from nn import SGD, Adam

    p, q = ag.Value(1.0), ag.Value(2.0)
    for make in (SGD, Adam):
        with pytest.raises(ValueError, match=r"params\[2\] is the same Value as params\[0\]"):
            make([p, q, p], lr=0.1)


def test_named_modules_gives_dotted_names_parents_first():
    model = MLP(2, [3, 1], seed=0, dropout=0.5)
    names = [name for name, _ in model.named_modules()]
    assert names[:3] == ["", "layers.0", "layers.0.neurons.0"]
    assert "layers.1.neurons.0" in names and names[-1] == "dropouts.0"
    assert [m for _, m in model.named_modules()] == list(model.modules())
    assert dict(model.named_modules())["layers.1"] is model.layers[1]


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


# --- a layer computes as its neurons do ------------------------------------------------------


def test_a_layer_gives_bit_for_bit_what_its_neurons_give():
    from nn.layers import weighted_sums

    layer = Layer(3, 4, activation="tanh", seed=1)
    x = [0.3, -1.7, 2.2]
    assert [v.data for v in layer(x)] == [n(x).data for n in layer.neurons]
    sums = weighted_sums(layer.neurons, x)
    assert [z.op for z in sums] == ["dot"] * 4
    assert [ag.tanh(z).data for z in sums] == [v.data for v in layer(x)]


def test_repr_does_not_recognise_a_class_by_its_name():
    class Neuron(Module):  # a user's own class that happens to share the name
        def __init__(self):
            self.w = ag.Value(1.0)

    class Holder(Module):
        def __init__(self):
            self.part = Neuron()

    assert "(part) Neuron()" in repr(Holder())
    assert "(neurons" not in repr(Layer(2, 3, seed=0))  # a layer describes its neurons itself


# --- one error convention --------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Neuron(2, init=0), TypeError, "init must be a str"),
        (lambda: Neuron(2, init=[]), TypeError, "init must be a str"),
        (lambda: Neuron(2, init={}), TypeError, "init must be a str"),
        (lambda: Neuron(2, init=""), ValueError, "init must be one of"),
        (lambda: Layer(2, 2, init=""), ValueError, "init must be one of"),
        (lambda: MLP(2, [2], init=0), TypeError, "init must be a str"),
        (lambda: Neuron(2, fan_out=-1), ValueError, "fan_out must be a positive int"),
        (lambda: Neuron(2, fan_out=2.0), TypeError, "fan_out must be a positive int"),
        (lambda: Neuron("a"), TypeError, "nin must be a positive int"),
        (lambda: Neuron(2.0), TypeError, "nin must be a positive int"),
        (lambda: Neuron(0), ValueError, "nin must be a positive int"),
        (lambda: Layer(2, "a"), TypeError, "nout must be a positive int"),
        (lambda: MLP(2, ["a"]), TypeError, r"nouts\[0\] must be a positive int"),
        (lambda: MLP(2, [4, 0]), ValueError, r"nouts\[1\] must be a positive int"),
        (lambda: MLP(2, [4], activation=3), TypeError, "activation must be a str"),
        (lambda: MLP(2, [4], activation="swish"), ValueError, "activation must be one of"),
        (lambda: Dropout("0.5"), TypeError, "p .*must be a number in"),
        (lambda: Dropout(1.5), ValueError, "p .*must be a number in"),
    ],
)
def test_wrong_types_are_type_errors_and_bad_values_value_errors(make, error, message):
    with pytest.raises(error, match="^" + message):
        make()


def test_an_absurd_fan_out_gives_tiny_weights_not_an_overflow_error():
    n = Neuron(2, activation="tanh", fan_out=10**400, seed=0)  # xavier: 6 / (2 + 10**400)
    assert [w.data for w in n.w] == [0.0, 0.0]


def test_mlp_takes_its_seed_fifth_as_the_contract_writes_it():
    a = MLP(2, [3, 1], "tanh", "linear", 7)
    b = MLP(2, [3, 1], activation="tanh", seed=7)
    assert a.state_dict() == b.state_dict()
    with pytest.raises(TypeError):
        MLP(2, [3, 1], "tanh", "linear", 7, "he")  # init and dropout by name only


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
