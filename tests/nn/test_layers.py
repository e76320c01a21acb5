"""Tests of ``nn/layers.py``: Neuron, Layer, MLP and Dropout (what they compute, the graph
they build, seeds, initialisations, and how they check their arguments)."""

import math
import random
from types import MappingProxyType

import pytest

import autograd_lite as ag
from nn import MLP, Dropout, Layer, Neuron


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
    said = r"^MLP\(x\): x must be one sample of 2 numbers, got a list of 3 numbers: give 2"
    with pytest.raises(ValueError, match=said):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    np = pytest.importorskip("numpy")  # ("an ndarray", as one says it)
    with pytest.raises(ValueError, match=r"^MLP\(x\): .* got an ndarray of 3 numbers: give 2"):
        MLP(2, [3, 1], seed=0)(np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("sample", [True, None, "ab", b"1", object()])
def test_a_sample_that_is_not_numbers_is_a_type_error_that_says_so(sample):
    said = r"^MLP\(x\): x must be one sample of 1 number, got .*: give one number$"
    with pytest.raises(TypeError, match=said):
        MLP(1, [3, 1], seed=0)(sample)


@pytest.mark.parametrize("make", [lambda: MLP(2, [3, 1], seed=0), lambda: Layer(2, 3, seed=0)])
@pytest.mark.parametrize(
    "sample",
    [
        {5.0: "a", 7.0: "b"},
        MappingProxyType({5.0: "a", 7.0: "b"}),  # (a mapping that is no dict: keys too)
        {2.0, 1.0},
        frozenset({1.0, 2.0}),
    ],
)
def test_a_dict_or_a_set_is_no_sample(make, sample):
    # a mapping's keys, or a set's numbers in no order, were taken for the inputs
    model = make()
    said = rf"^{type(model).__name__}\(x\): x must be one sample of 2 numbers, got .*: give a list"
    with pytest.raises(TypeError, match=said):
        model(sample)


def test_a_batch_given_as_one_sample_says_to_call_the_model_on_each_sample():
    # (it said "Value(data) needs a real number, got list [1.0, 2.0]", never that the model
    # takes one sample)
    batch = r": for a batch, call the model on each sample \(\[model\(x\) for x in X\]\)"
    model = MLP(2, [3, 1], seed=0)
    batches = [
        ([[1.0, 2.0], [3.0, 4.0]], "a list of 2 lists"),
        ([[1.0, 2.0]], "a list of 1 list"),
        (((1.0, 2.0), (3.0, 4.0), (5.0, 6.0)), "a tuple of 3 tuples"),
    ]
    for X, got in batches:
        with pytest.raises(
            TypeError, match=rf"^MLP\(x\): x must be one sample of 2 numbers, got {got}{batch}"
        ):
            model(X)
    with pytest.raises(
        ValueError, match=r"^MLP\(x\): .* of 1 number, got a list of 3 numbers" + batch
    ):
        MLP(1, [3, 1], seed=0)([1.0, 2.0, 3.0])  # one input each: three samples, surely
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=r"got an array of shape \(2, 2\)" + batch):
        model(np.array([[1.0, 2.0], [3.0, 4.0]]))


def test_one_number_for_a_model_of_several_inputs_says_so_and_one_input_takes_it():
    said = r"^MLP\(x\): x must be one sample of 2 numbers, got one number, 1.0: give a list"
    with pytest.raises(ValueError, match=said):
        MLP(2, [3, 1], seed=0)(1.0)
    assert isinstance(MLP(1, [3, 1], seed=0)(1.0), ag.Value)  # a bare number: the one input
    assert isinstance(Neuron(1, seed=0)(1.0), ag.Value)


def test_a_wrong_sample_is_reported_as_the_call_made():
    with pytest.raises(ValueError, match=r"^Neuron\(x\): x must be one sample of 2 numbers"):
        Neuron(2, seed=0)(1.0)
    with pytest.raises(TypeError, match=r"^Layer\(x\): .* got a list of 1 list: for a batch"):
        Layer(2, 3, seed=0)([[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"^MLP\(x\): .* got 'a' \(str\) as x\[1\]: convert text"):
        MLP(2, [3, 1], seed=0)([1.0, "a"])
    with pytest.raises(ValueError, match=r"^MLP\(x\): .* got a list with nothing in it"):
        MLP(2, [3, 1], seed=0)([])
    # every item wrong but none a list: the first wrong one is named, it is no batch
    with pytest.raises(TypeError, match=r"^MLP\(x\): .* got '1\.0' \(str\) as x\[0\]: convert"):
        MLP(2, [3, 1], seed=0)(["1.0", "2.0"])


def test_a_right_sample_keeps_the_error_that_is_about_something_else():
    # a weight whose .data was set to a Value (p.data -= lr * p): the model says so, not
    # that the sample [1.0, 2.0] is wrong
    model = MLP(2, [2, 1], seed=0)
    for p in model.parameters():
        p.data -= 0.1 * p
    with pytest.raises(TypeError, match=r"\.data holds a Value"):
        model([1.0, 2.0])
    one = MLP(1, [2, 1], seed=0)  # one input, given as one number: not blamed either
    for p in one.parameters():
        p.data -= 0.1 * p
    with pytest.raises(TypeError, match=r"\.data holds a Value"):
        one(1.0)


def test_a_sample_may_hold_values_of_a_subclass_of_value():
    """A Value subclass is a Value: the engine computes with it, and so does a model (it
    was refused as "Value(data) needs a real number, got V ...")."""

    class Tagged(ag.Value):
        pass

    model = MLP(2, [3, 1], seed=0)
    x = Tagged(0.5)
    out = model([x, 2.0])
    assert out.data == model([0.5, 2.0]).data
    out.backward()
    assert x.grad != 0.0


def test_a_sample_given_as_an_iterator_is_told_by_what_it_held():
    # (read once by the first layer: the message must not read it again, empty)
    with pytest.raises(ValueError, match=r"^MLP\(x\): .* got a list of 3 numbers: give 2"):
        MLP(2, [3, 1], seed=0)(iter([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match=r"^MLP\(x\): .* got 'a' \(str\) as x\[0\]"):
        MLP(2, [3, 1], seed=0)(iter(["a", 1.0]))
    assert isinstance(MLP(2, [3, 1], seed=0)(v for v in (1.0, 2.0)), ag.Value)


def test_a_single_input_may_be_a_bare_number():
    model = MLP(1, [3, 1], seed=0)
    assert model(0.5).data == model([0.5]).data


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


# --- dropout -------------------------------------------------------------------------------


def test_dropout_zeroes_about_p_and_rescales_the_rest():
    drop = Dropout(0.25, seed=0)
    xs = [ag.Value(2.0) for _ in range(4000)]
    out = [v.data for v in drop(xs)]
    assert set(out) == {0.0, 2.0 / 0.75}
    assert out.count(0.0) / len(out) == pytest.approx(0.25, abs=0.02)
    drop.eval()
    assert drop(xs) is xs


def test_dropout_draws_for_each_element_of_an_array():
    """A NumPy array was one input: all its elements kept or zeroed together."""
    numpy = pytest.importorskip("numpy")
    xs = numpy.array([ag.Value(1.0) for _ in range(40)], dtype=object)
    out = Dropout(0.5, seed=0)(xs)
    assert len(out) == 40 and {v.data for v in out} == {0.0, 2.0}
    assert Dropout(0.5, seed=0)(ag.Value(1.0)).data in (0.0, 2.0)  # one Value: one draw
    assert Dropout(0.5, seed=0)(3.0) in (0.0, 6.0)


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


# --- a layer computes as its neurons do ------------------------------------------------------


def test_a_layer_gives_bit_for_bit_what_its_neurons_give():
    from nn.layers import weighted_sums

    layer = Layer(3, 4, activation="tanh", seed=1)
    x = [0.3, -1.7, 2.2]
    assert [v.data for v in layer(x)] == [n(x).data for n in layer.neurons]
    sums = weighted_sums(layer.neurons, x)
    assert [z.op for z in sums] == ["dot"] * 4
    assert [ag.tanh(z).data for z in sums] == [v.data for v in layer(x)]


def test_a_layer_applies_its_own_activation_as_to_torch_and_save_read_it():
    layer = Layer(3, 2, activation="relu", seed=1)
    x = [0.3, -1.7, 2.2]
    layer.activation = "linear"  # the layer's: what to_torch, save and the replay show
    assert [z.op for z in layer(x)] == ["dot", "dot"]
    layer.activation = "tanh"
    assert [z.op for z in layer(x)] == ["tanh", "tanh"]


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
        (lambda: MLP(2, {3, 16}), TypeError, r"nouts must be a list of layer sizes"),  # [16, 3]
        (lambda: MLP(2, {16: "relu", 1: "linear"}), TypeError, r"nouts must be a list of layer"),
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


def test_an_mlps_dropout_masks_follow_its_seed_and_differ_from_layer_to_layer():
    """Each Dropout of an MLP gets its own generator drawn from the MLP's seed, not one fixed
    seed shared by all (masks the same in every layer and for every model seed)."""
    xs = [ag.Value(1.0) for _ in range(64)]

    def masks(model):
        return [[v.data for v in dropout(xs)] for dropout in model.dropouts]

    a = masks(MLP(2, [8, 8, 8, 1], seed=1, dropout=0.5))
    b = masks(MLP(2, [8, 8, 8, 1], seed=2, dropout=0.5))
    assert a == masks(MLP(2, [8, 8, 8, 1], seed=1, dropout=0.5))
    assert a != b
    assert a[0] != a[1] != a[2]
    assert isinstance(MLP(2, [4, 1], dropout=0.5, seed=0).dropouts[0], Dropout)
