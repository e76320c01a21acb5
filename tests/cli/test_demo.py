"""``autograd-lite demo``: micrograd's demo, its five files, and its errors."""

from pathlib import Path

import pytest
from cli_helpers import PNG, assert_one_line_error, run, run_command

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


# --- demo ----------------------------------------------------------------------------------

DEMO_FILES = [
    "neuron.svg",
    "neuron-backprop.html",
    "decision-boundary.png",
    "loss.png",
    "model.json",
]


def check_demo_files(folder: Path):
    import nn

    assert sorted(p.name for p in folder.iterdir()) == sorted(DEMO_FILES)
    svg = (folder / "neuron.svg").read_text()
    assert "<svg" in svg and ">w0</text>" in svg and ">out</text>" in svg
    assert "Step 1 of" in (folder / "neuron-backprop.html").read_text()
    # both say which neuron, at which point, and why backward does not start at 1
    for name in ("neuron.svg", "neuron-backprop.html"):
        assert "the gradient the loss sends back" in (folder / name).read_text()
    for picture in ("decision-boundary.png", "loss.png"):
        assert (folder / picture).read_bytes().startswith(PNG)
    model = nn.load(folder / "model.json")
    assert model.num_parameters() == 337


def test_demo_writes_five_files_and_names_them(capsys, tmp_path):
    status, out, err = run(capsys, "demo", "--out", "results", "--epochs", "3", "--quiet")
    assert status == 0, err
    folder = tmp_path / "results"
    check_demo_files(folder)
    assert out.splitlines() == [f"wrote {Path('results') / name}" for name in DEMO_FILES]


def test_demo_default_folder_and_summary(capsys, tmp_path):
    status, out, err = run(capsys, "demo", "--epochs", "2")
    assert status == 0, err
    check_demo_files(tmp_path / "autograd-lite-demo")
    assert "accuracy" in out and "trained 2 epochs" in out and "done in" in out
    assert "fit" in err  # the progress bar


@pytest.mark.slow
def test_the_full_demo_learns_the_moons_in_well_under_a_minute(tmp_path):
    done = run_command("demo")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    summary = next(line for line in done.stdout.splitlines() if line.startswith("trained"))
    accuracy = float(summary.split("accuracy ")[1].split("%")[0])
    assert accuracy == 100.0  # micrograd's demo learns the moons completely
    seconds = float(done.stdout.splitlines()[-1].split()[2])
    assert seconds < 45
    check_demo_files(tmp_path / "autograd-lite-demo")


def test_demo_bad_arguments(capsys):
    for argv, words in [
        (["--epochs", "0"], "--epochs must be a positive int"),
        (["--seed", "x"], "argument --seed: 'x' is not a number"),
        (["--seed", "1.5"], "--seed must be an int >= 0, got 1.5 (float)"),
        (["--seed", "-1"], "--seed must be an int >= 0, got -1"),
    ]:
        status, _, err = run(capsys, "demo", *argv)
        assert_one_line_error(status, err, words)


@pytest.mark.parametrize("out", ["taken", "taken/inside"])
def test_demo_output_folder_under_a_file(capsys, tmp_path, out):
    (tmp_path / "taken").write_text("")
    status, _, err = run(capsys, "demo", "--out", out, "--epochs", "1", "--quiet")
    assert_one_line_error(status, err, "taken is a file, not a folder", expected_status=1)
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_demo_without_graphviz_fails_before_training(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", str(tmp_path / "no-such-dot"))
    status, out, err = run(capsys, "demo", "--out", "results", "--epochs", "1")
    assert status == 1 and "Traceback" not in err
    assert "no-such-dot" in err and "epoch" not in out
    assert list(tmp_path.iterdir()) == []


def test_the_demo_neuron_receives_the_gradient_the_whole_model_sends_it():
    import nn
    from autograd_lite.cli.demo import one_neuron, one_neuron_recipe
    from nn.data import make_moons

    X, y = make_moons(30, noise=0.1, seed=2)
    model = nn.MLP(2, [4, 4, 1], seed=3)
    nn.fit(model, X, y, "hinge", nn.SGD(model.parameters(), lr=0.3), 3, progress=False)
    *recipe, point, upstream = one_neuron_recipe(model, X, y)
    assert upstream != 0.0  # a point the loss still pushes on
    label = y[[list(p) for p in X].index(point)]
    model.zero_grad()
    nn.hinge_loss(model(point), label).backward()  # the whole model, on that point
    trained = model.layers[0].neurons[0]
    out = one_neuron(*recipe, point, upstream)
    small = {v.label: v.grad for v in ag_leaves(out)}
    assert [small[f"w{i}"] for i in range(2)] == pytest.approx([w.grad for w in trained.w])
    assert small["b"] == pytest.approx(trained.b.grad)


def ag_leaves(out):
    from autograd_lite import topological_order

    return [v for v in topological_order(out) if v.is_leaf and v.label]
