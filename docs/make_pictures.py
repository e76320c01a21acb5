"""Regenerate the pictures in docs/ that the README shows: ``make docs``.

- ``neuron.svg``: one neuron's graph after ``backward()``, shaded by |grad|;
- ``step.svg``: one step of ``backward_steps`` on ``b = a + a; c = b * b``, with the
  chain-rule arithmetic on the edges and the running sum at the reused nodes;
- ``backprop.html``: the neuron's whole backward pass as a self-contained animation;
- ``gradient_flow.png``: mean and max |grad| per layer of a deep sigmoid network
  (``nn.plots``), the vanishing-gradient picture;
- ``backprop_step.png`` and ``replay.png``: the animation mid-pass and the training replay
  at epoch 40, as headless Chromium shows them (skipped, saying why, without selenium,
  Chromium and chromedriver: the ``dev`` extra and ``.ci/run`` bring them).

Needs the ``viz`` and ``train`` extras (graphviz + a Graphviz program, matplotlib).
Run from anywhere: ``python docs/make_pictures.py``.
"""

from __future__ import annotations

from pathlib import Path

import autograd_lite as ag
from autograd_lite.viz import backprop_animation, draw_dot, draw_step

DOCS = Path(__file__).resolve().parent


def neuron() -> ag.Value:
    """out = tanh(x1*w1 + x2*w2 + b): the example of the README, written as it is there
    (the unlabelled sums are named by their expressions in the picture)."""
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(0.0, label="x2")
    w1, w2 = ag.Value(-3.0, label="w1"), ag.Value(1.0, label="w2")
    b = ag.Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    return out


def reused() -> ag.Value:
    """c = b * b with b = a + a: every node is used twice."""
    a = ag.Value(3.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    return c


def graph_pictures() -> list[Path]:
    """neuron.svg and step.svg: still pictures of the README's examples."""
    out = neuron()
    out.backward()
    written = [draw_dot(out).write(DOCS / "neuron.svg")]
    c = reused()
    steps = list(c.backward_steps())
    written.append(draw_step(c, steps[1]).write(DOCS / "step.svg"))  # visiting b
    return written


def animation() -> list[Path]:
    """backprop.html: the neuron's whole backward pass, step by step."""
    return [backprop_animation(neuron()).save(DOCS / "backprop.html")]


# --- the part that needs nn.plots (the nn developer's) -------------------------------------
def gradient_flow_picture() -> list[Path]:
    """A deep sigmoid MLP after one backward pass: the gradient fades towards the input."""
    import matplotlib

    matplotlib.use("Agg")  # no window: write the file only
    try:
        from nn import MLP, mse_loss
        from nn.data import make_moons
        from nn.plots import plot_gradient_flow
    except ImportError as error:
        print(f"skipped gradient_flow.png: nn.plots is not ready ({error})")
        return []
    X, y = make_moons(64, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 16, 16, 1], activation="sigmoid", seed=0)
    loss = mse_loss([model(x) for x in X], y)
    loss.backward()
    path = DOCS / "gradient_flow.png"
    plot_gradient_flow(model).savefig(path, dpi=120)
    return [path]


# --- screenshots of the two pages ------------------------------------------------------------
def screenshots() -> list[Path]:
    """backprop_step.png (the animation at the step at x1*w1) and replay.png (200 epochs of
    Adam on two moons, at epoch 40, as the README describes it)."""
    import shutil
    import tempfile

    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
    except ImportError:
        print("skipped backprop_step.png and replay.png: selenium is not installed")
        return []
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        print("skipped backprop_step.png and replay.png: no Chromium or chromedriver")
        return []
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--window-size=1260,800"):
        options.add_argument(flag)
    # (the driver named: selenium would otherwise look for one online first)
    browser = webdriver.Chrome(options=options, service=Service(driver))
    scratch = Path(tempfile.mkdtemp())
    try:
        return [_animation_shot(browser, By, scratch), _replay_shot(browser, By, scratch)]
    finally:
        browser.quit()
        shutil.rmtree(scratch)


def _animation_shot(browser, By, scratch) -> Path:
    page = backprop_animation(neuron()).save(scratch / "backprop.html")
    browser.get(page.as_uri())
    frame = browser.find_element(By.CSS_SELECTOR, ".agl-animation")
    # the step at x1*w1: it sends 0.5 × 2.0 to w1 and 0.5 × -3.0 to x1
    steps = enumerate(neuron().backward_steps(), 1)
    k = next(k for k, step in steps if any(p.label == "x1" for p in step.node.parents))
    field = browser.find_element(By.CSS_SELECTOR, "input[type=number]")
    field.clear()
    field.send_keys(f"{k}\n")
    browser.execute_script("document.activeElement.blur();")  # (no text cursor in the picture)
    path = DOCS / "backprop_step.png"
    frame.screenshot(str(path))
    return path


def _replay_shot(browser, By, scratch) -> Path:
    import nn
    from nn.data import make_moons

    X, y = make_moons(100, noise=0.1, seed=1)
    X_val, y_val = make_moons(100, noise=0.1, seed=2)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.02)
    run = nn.fit(model, X, y, "bce", optimizer, epochs=200, validation=(X_val, y_val),
                 record=True, progress=False)  # fmt: skip
    browser.get(run.replay(scratch / "run.html").as_uri())
    browser.execute_script(
        "const s = document.getElementById('epoch'); s.value = 39;"
        "s.dispatchEvent(new Event('input'));"
    )
    path = DOCS / "replay.png"
    browser.find_element(By.TAG_NAME, "body").screenshot(str(path))
    return path


def main() -> None:
    for path in graph_pictures() + animation() + gradient_flow_picture() + screenshots():
        print(f"wrote {path.relative_to(DOCS.parent)}")


if __name__ == "__main__":
    main()
