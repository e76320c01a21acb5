"""The benchmark's contenders compute the same thing (no timing here: benchmarks are not tests)."""

import pytest

from benchmarks import training


def two_steps_of_each_contender(have):
    """{contender: (loss of step 1, loss of step 2)} on 20 moons; the second sees the update."""
    X, y = training.make_moons(n=20)
    weights = training.initial_weights()
    losses = {}
    for name, factory, _why in training.contenders(weights, X, y, have):
        if factory is not None:
            model = factory()
            losses[name] = (model.step(), model.step())
    return losses


def assert_all_the_same(losses):
    first = losses[training.NODES_ROW]
    alone = losses.pop(training.NODES_ALONE_ROW)  # builds the first step's graph, every step
    assert abs(alone[0] - first[0]) < 1e-12 and abs(alone[1] - first[0]) < 1e-12
    for name, pair in losses.items():
        assert abs(pair[0] - first[0]) < 1e-12 and abs(pair[1] - first[1]) < 1e-12, name


def test_every_contender_of_ours_computes_the_same_training_step():
    have = {"micrograd": False, "torch": False, "torch_missing": "torch not installed"}
    losses = two_steps_of_each_contender(have)
    assert len(losses) == 4  # nn, node by node, the two floors
    assert_all_the_same(losses)


def test_the_collectors_floor_makes_one_tracked_object_per_node_as_node_by_node_does():
    import gc

    X, y = training.make_moons(n=5)
    weights = training.initial_weights()
    made = {}
    for name, model in (
        ("ours", training.ag_node_by_node(weights, X, y)),
        ("alone", training.NodesAlone(weights, X, y)),
    ):
        gc.collect()
        was = gc.isenabled()
        gc.disable()  # (no collection in between: the count is every object made and kept)
        try:
            before = gc.get_count()[0]
            loss = model.forward_loss()
            made[name] = gc.get_count()[0] - before
        finally:
            if was:
                gc.enable()
        del loss
    assert made["alone"] == made["ours"] > 3000  # (5 moons: about 3,900 nodes)


def test_micrograd_and_pytorch_compute_the_same_training_step_as_ours(torch):
    pytest.importorskip("micrograd", reason="micrograd is not installed (pip install micrograd)")
    have = {"micrograd": True, "torch": True, "torch_missing": ""}
    losses = two_steps_of_each_contender(have)
    assert len(losses) == 7  # and micrograd twice (as shipped, gc off) and PyTorch
    assert_all_the_same(losses)


def test_the_results_name_the_processor_they_were_measured_on(tmp_path):
    import platform

    from benchmarks.__main__ import processor

    assert processor().endswith(platform.machine()) and processor()
    fake = tmp_path / "cpuinfo"  # Linux's /proc/cpuinfo, and a machine without one
    fake.write_text("processor\t: 0\nmodel name\t: Some CPU @ 3.0GHz\n", encoding="utf-8")
    assert processor(fake) == f"Some CPU @ 3.0GHz, {platform.machine()}"
    assert processor(tmp_path / "no such file") == platform.machine()


def test_a_block_counts_the_collections_its_steps_trigger_and_no_others():
    import gc

    from benchmarks.harness import Timing, block, in_collector

    timing = block(lambda: gc.collect(), min_seconds=0.0)  # one full collection a step
    assert isinstance(timing, Timing)
    assert timing.full == 1.0
    assert 0.0 < timing.collector <= timing.seconds
    quiet = block(lambda: None, min_seconds=0.0)  # (block's own gc.collect is untimed)
    assert quiet.full == 0.0 and quiet.collector == 0.0
    shown = in_collector([Timing(0.2, 0.05, 1.0), Timing(0.1, 0.05, 0.0), Timing(0.3, 0.1, 1.0)])
    assert shown == "50.0 ms (33%), 1.0 full"  # the median share of a step: 25%, 50%, 33%


def test_garbage_left_when_a_block_ends_is_not_counted_in_it():
    import gc

    from benchmarks.harness import block

    class Cycle:  # garbage that only the collector frees
        def __init__(self):
            self.me = self

    def step():  # makes cycles with the collector off, as micrograd's gc.disable() row does
        was = gc.isenabled()
        gc.disable()
        try:
            for _ in range(5000):
                Cycle()
        finally:
            if was:
                gc.enable()

    assert block(step, min_seconds=0.0).collector == 0.0


def how_figures_are_made(markdown_text):
    """The prose of RESULTS.md between its first line and the table."""
    return markdown_text.split("\n\n", 2)[2].split("| case |")[0]


def test_results_say_how_the_figures_were_made_with_the_runs_own_settings():
    from pathlib import Path

    from benchmarks import cases
    from benchmarks.__main__ import markdown

    results = Path(__file__).resolve().parent.parent / "benchmarks" / "RESULTS.md"
    full = how_figures_are_made(markdown("header", [], [], cases.FULL))
    assert how_figures_are_made(results.read_text(encoding="utf-8")) == full
    quick = how_figures_are_made(markdown("header", [], [], cases.QUICK))
    assert "at least 0.1 s" in quick and "(1 round of the training step" in quick
    assert "(1 round;" in quick  # the big graphs: one round in a quick run, not 3


def test_a_ratio_to_the_cases_first_row_has_no_dangling_space():
    from benchmarks.cases import _ratio_note

    assert _ratio_note(0.54, 0.1) + "; max |difference| 4.4e-16" == "5.4×; max |difference| 4.4e-16"
    assert _ratio_note(0.75, 0.1, "of node by node") == "7.5× of node by node"


def test_a_bar_inside_a_cell_does_not_split_it_in_the_markdown_table():
    from benchmarks.harness import Row, table

    row = Row("5 hessian", "torch", 0.0124, "per hessian", "5.4×; max |difference| 4.4e-16")
    header, _rule, line = table([row], markdown=True).splitlines()
    assert line.replace("\\|", "").count("|") == header.count("|")  # six cells, as the header
    assert "max \\|difference\\| 4.4e-16" in line
    assert "max |difference| 4.4e-16" in table([row], markdown=False)  # the terminal's as is


def test_without_pytorch_the_results_do_not_say_the_notebook_heap_imported_it():
    from benchmarks import cases
    from benchmarks.__main__ import markdown

    assert "numpy, matplotlib and PyTorch imported first" in markdown("h", [], [], cases.FULL)
    without = how_figures_are_made(markdown("h", [], [], cases.FULL, torch=False))
    assert "and PyTorch imported" not in without
    assert "PyTorch is not installed, so this heap is smaller" in without
    # (", as in a learner's notebook" followed it: "smaller than a learner's with it, as in a
    # learner's notebook", which says both things at once)
    assert "with it, as in a learner's notebook" not in without
