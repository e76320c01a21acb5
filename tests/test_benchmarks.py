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


def test_the_results_name_the_processor_they_were_measured_on(tmp_path):
    import platform

    from benchmarks.__main__ import processor

    assert processor().endswith(platform.machine()) and processor()
    fake = tmp_path / "cpuinfo"  # Linux's /proc/cpuinfo, and a machine without one
    fake.write_text("processor\t: 0\nmodel name\t: Some CPU @ 3.0GHz\n", encoding="utf-8")
    assert processor(fake) == f"Some CPU @ 3.0GHz, {platform.machine()}"
    assert processor(tmp_path / "no such file") == platform.machine()
