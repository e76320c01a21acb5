"""The benchmark's contenders compute the same thing (no timing here: benchmarks are not tests)."""

from benchmarks import training


def test_every_pure_python_contender_computes_the_same_training_step():
    X, y = training.make_moons(n=20)
    weights = training.initial_weights()
    have = {"micrograd": False, "torch": False, "torch_missing": "torch not installed"}
    losses = {}
    for name, factory, _why in training.contenders(weights, X, y, have):
        if factory is not None:
            model = factory()
            losses[name] = (model.step(), model.step())  # the second step sees the update
    first = losses[training.NODES_ROW]
    assert len(losses) == 3
    for name, pair in losses.items():
        assert abs(pair[0] - first[0]) < 1e-12 and abs(pair[1] - first[1]) < 1e-12, name
