"""The training replay: what the Recorder keeps, the page it writes, and the page in a browser."""

import itertools
import json
import re

import pytest

import nn
from nn.data import make_moons, make_price_series
from nn.replay import Recorder, write_replay


def recorded_run(epochs=5, loss="hinge", model=None, X=None, y=None):
    """Train epoch by epoch, noting each one as fit(..., record=True) does."""
    if X is None:
        X, y = make_moons(40, noise=0.1, seed=1)
    model = model or nn.MLP(2, [8, 8, 1], seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    recorder = Recorder(model, X, y, loss)
    for epoch in range(1, epochs + 1):
        nn.fit(model, X, y, loss, optimizer, epochs=1, progress=False)
        recorder.end_epoch(model, epoch)
    return model, recorder


def test_fit_records_a_run_and_history_replays_it(tmp_path):
    X, y = make_moons(40, noise=0.1, seed=1)
    model = nn.MLP(2, [8, 8, 1], seed=0)
    history = nn.fit(
        model, X, y, "hinge", nn.Adam(model.parameters(), lr=0.05), 4, progress=False, record=True
    )
    path = history.replay(tmp_path / "run.html")
    _, data = page_data(path)
    assert [e["epoch"] for e in data["epochs"]] == [1, 2, 3, 4]
    assert data["epochs"][-1]["loss"] == pytest.approx(history.recording.epochs[-1]["loss"])
    unrecorded = nn.fit(model, X, y, "hinge", nn.SGD(model.parameters(), lr=0.1), 1, progress=False)
    with pytest.raises(ValueError, match="not recorded"):
        unrecorded.replay(tmp_path / "none.html")


def page_data(path):
    text = path.read_text()
    found = re.search(r'<script id="data" type="application/json">(.*?)</script>', text, re.S)
    return text, json.loads(found.group(1).replace("<\\/", "</"))


def test_each_epoch_keeps_weights_figures_predictions_and_gradient_flow():
    model, recorder = recorded_run(epochs=3)
    assert [e["epoch"] for e in recorder.epochs] == [1, 2, 3]
    last = recorder.epochs[-1]
    assert set(last["flow"]) == {"layers.0", "layers.1", "layers.2"}
    assert all(v >= 0 for v in last["flow"].values())
    # the same figures as plot_gradient_flow's bars (each layer's weights; before, the page
    # took the biases in too, so its bars and notebook 4's differed for the same layer)
    flow = {name: pytest.approx(mean, rel=1e-5) for name, mean, _ in nn.plots.gradient_flow(model)}
    assert last["flow"] == flow
    assert 0.0 <= last["accuracy"] <= 1.0
    # the float forward pass the page and the recorder use is the model's own arithmetic
    model.eval()
    for x, p in zip(recorder.X, last["predictions"]):
        assert p[0] == pytest.approx(float(model(x)), rel=1e-5, abs=1e-6)  # rounded to 6 digits
    with pytest.raises(AssertionError):  # the check above can fail: a changed weight shows
        model.layers[0].neurons[0].w[0].data += 1.0
        for x, p in zip(recorder.X, last["predictions"]):
            assert p[0] == pytest.approx(float(model(x)), rel=1e-5, abs=1e-6)


def test_the_loss_is_the_models_at_the_end_of_the_epoch():
    model, recorder = recorded_run(epochs=2)
    X, y = recorder.X, recorder.y
    model.eval()
    assert recorder.epochs[-1]["loss"] == pytest.approx(
        float(nn.hinge_loss([model(x) for x in X], y)), rel=1e-5
    )


def test_the_page_is_one_file_with_no_network_and_every_epoch(tmp_path):
    _, recorder = recorded_run(epochs=4)
    path = write_replay(recorder, tmp_path / "replay.html")
    text, data = page_data(path)
    assert len(data["epochs"]) == 4 and data["boundary"] is True
    assert "default-src 'none'" in text  # the page may not load anything
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text)) - {"http://www.w3.org/2000/svg"}
    assert not urls
    assert not list(tmp_path.glob(".*"))  # written atomically: no temporary file left


def test_a_regression_replays_predictions_against_targets(tmp_path):
    prices = make_price_series(60, seed=3)
    X = [prices[i : i + 3] for i in range(50)]
    y = [prices[i + 3] for i in range(50)]
    model = nn.MLP(3, [4, 1], activation="tanh", seed=1)
    _, recorder = recorded_run(epochs=2, loss="mse", model=model, X=X, y=y)
    _, data = page_data(write_replay(recorder, tmp_path / "r.html"))
    assert data["task"] == "regression" and data["boundary"] is False
    assert data["epochs"][0]["accuracy"] is None


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(TypeError, match="write_replay: recorder"):
        write_replay("not a recorder", tmp_path / "x.html")
    X, y = make_moons(10, seed=1)
    empty = Recorder(nn.MLP(2, [1], seed=0), X, y, "hinge")
    with pytest.raises(ValueError, match="nothing was recorded"):
        write_replay(empty, tmp_path / "x.html")
    assert not list(tmp_path.iterdir())


def test_two_hundred_epochs_of_the_moons_mlp_stay_under_3_mb(tmp_path):
    X, y = make_moons(100, noise=0.1, seed=1)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    recorder = Recorder(model, X, y, "hinge")
    for epoch in range(1, 201):  # the weights need not change for the size to be honest
        recorder.end_epoch(model, epoch)
    path = write_replay(recorder, tmp_path / "replay.html")
    assert path.stat().st_size < 3_000_000


# --- in a real browser --------------------------------------------------------------------


def test_moving_the_slider_changes_the_epoch_shown(tmp_path, browser):
    _, recorder = recorded_run(epochs=6)
    path = write_replay(recorder, tmp_path / "replay.html")
    browser.get(path.as_uri())
    caption = lambda: browser.find_element("id", "caption").text
    picture = lambda: browser.execute_script("return document.getElementById('left').toDataURL()")
    assert caption().startswith("epoch 6 of 6")
    last_picture = picture()
    browser.execute_script(
        "const s = document.getElementById('epoch'); s.value = 0;"
        "s.dispatchEvent(new Event('input'));"
    )
    assert caption().startswith("epoch 1 of 6")
    assert picture() != last_picture  # the boundary of epoch 1 is not that of epoch 6
    body = browser.find_element("tag name", "body")
    body.send_keys("\ue014")  # the right arrow key
    assert caption().startswith("epoch 2 of 6")
    marker = browser.find_element("id", "marker").get_attribute("x1")
    body.send_keys("\ue014")
    assert browser.find_element("id", "marker").get_attribute("x1") != marker
    requests = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert requests == 0


def open_one_epoch(browser, tmp_path, model, X, y, loss):
    """Record ``model`` on X, y for one epoch and open the replay page of it."""
    recorder = Recorder(model, X, y, loss)
    recorder.end_epoch(model, 1)
    browser.get(write_replay(recorder, tmp_path / "page.html").as_uri())


def line_run(slopes, grads=None) -> Recorder:
    """A recording of a line, prediction = w * x, fitted to the targets y = x for x from 0 to
    1, with the slope ``w`` (and, if given, the gradient of w) of each epoch in turn."""
    X = [[i / 10] for i in range(11)]
    model = nn.MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    recorder = Recorder(model, X, [x[0] for x in X], "mse")
    for epoch, w in enumerate(slopes, 1):
        neuron.w[0].data, neuron.b.data = w, 0.0
        if grads is not None:
            neuron.w[0].grad = grads[epoch - 1]
        recorder.end_epoch(model, epoch)
    return recorder


def test_predictions_against_targets_keep_one_frame_for_every_epoch(tmp_path, browser):
    recorder = line_run((2.0, 1.0))  # predictions up to 2, then up to 1
    browser.get(write_replay(recorder, tmp_path / "line.html").as_uri())

    def dots_across(epoch_index):  # the leftmost and rightmost column of the blue dots
        return browser.execute_script(
            "const s = document.getElementById('epoch'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input'));"
            "const c = document.getElementById('left'), d = c.getContext('2d')"
            "  .getImageData(0, 0, c.width, c.height).data;"
            "let lo = c.width, hi = -1;"
            "for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] - d[i] > 60) {"
            "  const x = (i / 4) % c.width; lo = Math.min(lo, x); hi = Math.max(hi, x); }"
            "return [lo, hi];",
            epoch_index,
        )

    # the targets are the same in both epochs, and so is where they sit across
    assert dots_across(0) == dots_across(1)
    note = browser.find_element("id", "left-note").text
    assert "Both axes run from 0.00 to 2.00 in every epoch." in note


def test_one_wild_epoch_does_not_squash_the_others_into_a_corner(tmp_path, browser):
    recorder = line_run((200.0, 1.5, 1.0))  # an early epoch predicts up to 200
    browser.get(write_replay(recorder, tmp_path / "wild.html").as_uri())

    def note_at(epoch_index):
        browser.execute_script(
            "const s = document.getElementById('epoch'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input'));",
            epoch_index,
        )
        return browser.find_element("id", "left-note").text

    # the frame is the targets' 0 to 1 widened by at most their span: up to 2, not 200
    assert "Both axes run from 0.00 to 2.00 in every epoch; 10 predictions beyond" in note_at(0)
    assert note_at(1).endswith("from 0.00 to 2.00 in every epoch.")  # 1.5 fits: no hollow dot


def test_targets_and_predictions_all_alike_still_get_a_frame(tmp_path, browser):
    # every target 1 and every prediction exactly 1: the frame was 1 to 1, and a division by
    # its zero width drew no dot and no diagonal
    model = nn.MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 0.0, 1.0
    open_one_epoch(browser, tmp_path, model, [[1.0], [2.0]], [1.0, 1.0], "mse")
    blue = browser.execute_script(
        "const c = document.getElementById('left'), d = c.getContext('2d')"
        "  .getImageData(0, 0, c.width, c.height).data;"
        "let n = 0;"
        "for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] - d[i] > 60) n++;"
        "return n;"
    )
    assert blue > 0
    assert (
        "Both axes run from 0.00 to 2.00 in every epoch."
        in browser.find_element("id", "left-note").text
    )


def test_a_classifier_of_more_than_two_inputs_shows_true_against_predicted_class(tmp_path, browser):
    X = [[(k - 9.5) / 10, 0.3, -0.2] for k in range(20)]
    y = [1.0 if x[0] > 0 else -1.0 for x in X]
    model = nn.MLP(3, [1], seed=0)  # a score: w . x + b
    neuron = model.layers[0].neurons[0]
    recorder = Recorder(model, X, y, "hinge")
    for epoch, w in enumerate((1.0, -1.0), 1):  # every point right, then every point wrong
        neuron.w[0].data, neuron.w[1].data, neuron.w[2].data, neuron.b.data = w, 0.0, 0.0, 0.0
        recorder.end_epoch(model, epoch)
    browser.get(write_replay(recorder, tmp_path / "classes.html").as_uri())

    def dots_on_and_off_the_diagonal(epoch_index):  # two classes: squares of 150 px from 30
        return browser.execute_script(
            "const s = document.getElementById('epoch'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input'));"
            "const c = document.getElementById('left'), d = c.getContext('2d')"
            "  .getImageData(0, 0, c.width, c.height).data;"
            "let on = 0, off = 0;"
            "for (let i = 0; i < d.length; i += 4)"
            "  if (d[i + 3] > 0 && Math.abs(d[i] - d[i + 2]) > 40) {"  # (a dot: not grey)
            "  const x = (i / 4) % c.width, y = Math.floor(i / 4 / c.width);"
            "  if ((x < 180) === (y >= 180)) on++; else off++; }"
            "return [on, off];",
            epoch_index,
        )

    on, off = dots_on_and_off_the_diagonal(0)
    assert on > 0 and off == 0  # accuracy 100%: every dot on the diagonal
    on, off = dots_on_and_off_the_diagonal(1)
    assert on == 0 and off > 0  # accuracy 0%: none
    assert (
        "On the shaded diagonal the prediction is right"
        in browser.find_element("id", "left-note").text
    )


def test_the_points_over_a_decision_boundary_have_their_class_colour(tmp_path, browser):
    from nn.plots import CLASS_COLOURS

    X, y = [[-1.0, 0.5], [1.0, -0.5], [0.2, 0.9]], [-1.0, 1.0, 1.0]
    open_one_epoch(browser, tmp_path, nn.MLP(2, [1], seed=0), X, y, "hinge")
    centres = browser.execute_script(
        "const c = document.getElementById('left'), g = c.getContext('2d');"
        "return D.X.map(r => [...g.getImageData("
        "  Math.round((r[0] - box[0]) / (box[1] - box[0]) * c.width),"
        "  Math.round((box[3] - r[1]) / (box[3] - box[2]) * c.height), 1, 1).data].slice(0, 3));"
    )
    blue, red = ([int(colour[i : i + 2], 16) for i in (1, 3, 5)] for colour in CLASS_COLOURS[:2])
    assert centres == [blue, red, red]


def test_the_class_squares_colour_each_dot_by_its_class_and_leave_out_a_score_of_nan(
    tmp_path, browser
):
    X = [[(k - 9.5) / 10, 0.3, -0.2] for k in range(20)]
    y = [1.0 if x[0] > 0 else -1.0 for x in X]
    model = nn.MLP(3, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    recorder = Recorder(model, X, y, "hinge")
    for epoch, w in enumerate((1.0, float("nan")), 1):  # every point right, then no score
        neuron.w[0].data, neuron.w[1].data, neuron.w[2].data, neuron.b.data = w, 0.0, 0.0, 0.0
        recorder.end_epoch(model, epoch)
    browser.get(write_replay(recorder, tmp_path / "colours.html").as_uri())

    def dots(epoch_index):  # [blue, red] dots' pixels in the column of class 0, of class 1
        return browser.execute_script(
            "const s = document.getElementById('epoch'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input'));"
            "const c = document.getElementById('left'), d = c.getContext('2d')"
            "  .getImageData(0, 0, c.width, c.height).data;"
            "const n = [[0, 0], [0, 0]];"
            "for (let i = 0; i < d.length; i += 4) {"
            "  if (d[i + 3] === 0) continue;"
            "  const column = (i / 4) % c.width < 180 ? 0 : 1;"
            "  if (d[i + 2] - d[i] > 40) n[column][0]++;"
            "  else if (d[i] - d[i + 2] > 40) n[column][1]++;"
            "}"
            "return n;",
            epoch_index,
        )

    (blue_in_0, red_in_0), (blue_in_1, red_in_1) = dots(0)
    assert blue_in_0 > 0 and red_in_1 > 0  # class 0 blue, class 1 red, as in the plots
    assert red_in_0 == 0 and blue_in_1 == 0
    assert dots(1) == [[0, 0], [0, 0]]  # a score of nan has no class: no dot


@pytest.mark.parametrize(
    "loss, y, names",
    [
        ("hinge", [-1.0, 1.0], ["-1", "+1"]),
        ("hinge", [0.0, 1.0], ["0", "1"]),
        ("bce_with_logits", [0.0, 1.0], ["0", "1"]),
    ],
)
def test_the_class_squares_are_named_by_the_labels_given(tmp_path, browser, loss, y, names):
    # the hinge loss's classes were numbered 0 and 1 though its labels were -1 and +1
    X = [[-1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    open_one_epoch(browser, tmp_path, nn.MLP(3, [1], seed=0), X, y, loss)
    texts = browser.execute_script(
        "const texts = [], fill = CanvasRenderingContext2D.prototype.fillText;"
        "CanvasRenderingContext2D.prototype.fillText = function (t, ...rest) {"
        "  texts.push(String(t)); return fill.call(this, t, ...rest); };"
        "document.getElementById('epoch').dispatchEvent(new Event('input'));"
        "return texts;"
    )
    assert texts.count(names[0]) == 2 and texts.count(names[1]) == 2  # on both axes


def test_a_long_run_keeps_evenly_spaced_epochs_and_the_last(tmp_path):
    X, y = make_moons(10, seed=1)
    model = nn.MLP(2, [2, 1], seed=0)
    recorder = Recorder(model, X, y, "hinge")
    for epoch in range(1, 1001):
        recorder.end_epoch(model, epoch)
    shown = [e["epoch"] for e in recorder.kept()]
    assert shown[0] == 1 and shown[-1] == 1000 and len(shown) <= 401
    gaps = {b - a for a, b in itertools.pairwise(shown[:-1])}
    assert gaps == {4}  # the stride doubled twice: 1, 5, 9, ...
    _, data = page_data(write_replay(recorder, tmp_path / "long.html"))
    assert [e["epoch"] for e in data["epochs"]] == shown


def test_the_replay_counts_accuracy_as_fit_was_told_to(tmp_path):
    X, y = make_moons(30, noise=0.1, seed=1)
    model = nn.MLP(2, [4, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    none = nn.fit(model, X, y, "hinge", optimizer, 2, progress=False, record=True, accuracy=None)
    assert none.accuracy == [] and [e["accuracy"] for e in none.recording.epochs] == [None, None]
    always = nn.fit(model, X, y, "hinge", optimizer, 2, progress=False, record=True,
                    accuracy=lambda p, t: True)  # fmt: skip
    assert [e["accuracy"] for e in always.recording.epochs] == [1.0, 1.0]


def test_a_recorded_run_gives_your_own_loss_and_accuracy_values_as_training_does(tmp_path):
    import autograd_lite as ag
    from nn import MLP, SGD, fit
    from nn.data import make_moons

    X, y = make_moons(20, noise=0.1, seed=1)
    y = [2 * t - 1 for t in y]

    def hinge(scores, labels):  # reads Values: .relu() is no method of a float
        return ag.mean([(1 - s * t).relu() for s, t in zip(scores, labels)])

    def right(score, label):
        return (score.data > 0) == (label > 0), 1

    def run(record):
        model = MLP(2, [4, 1], seed=0)
        optimizer = SGD(model.parameters(), lr=0.1)
        return fit(model, X, y, hinge, optimizer, 2, accuracy=right, record=record, progress=False)

    plain, recorded = run(False), run(True)
    recorded.replay(tmp_path / "run.html")
    assert (recorded.loss, recorded.accuracy) == (plain.loss, plain.accuracy)


def test_a_run_of_three_classes_keeps_its_class_indices_and_names_its_loss(tmp_path):
    """The accuracy of one's own gets each class index as given (an int, a list index), the
    points are coloured by their class index, and the title says the loss in words."""
    X, y = [[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]], [0, 2, 1]
    model = nn.MLP(2, [4, 3], seed=0)

    def right(prediction, target):  # (a float target is no list index)
        return max(range(3), key=lambda k: prediction[k].data) == [0, 1, 2][target]

    history = nn.fit(model, X, y, "cross_entropy", nn.SGD(model.parameters(), lr=0.1), 2,
                     accuracy=right, record=True, progress=False)  # fmt: skip
    assert [e["accuracy"] for e in history.recording.epochs] == history.accuracy
    text, data = page_data(history.replay(tmp_path / "three.html"))
    assert data["classes"] == [0, 2, 1]
    assert "<title>Training replay: 2 epochs of cross-entropy</title>" in text


def test_a_page_of_130000_samples_still_draws(browser, tmp_path):
    # Math.min(...array) overflowed Chromium's stack past about 125,000 entries: a blank page
    from selenium.webdriver.support.ui import WebDriverWait

    n = 130_000
    X = [[i / n] for i in range(n)]
    y = [2 * x[0] + 1 for x in X]
    open_one_epoch(browser, tmp_path, nn.MLP(1, [1], seed=0), X, y, "mse")
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("return document.getElementById('caption').textContent") != ""
    )


@pytest.mark.parametrize(
    "path, error, message",
    [
        (None, TypeError, "the path to write to must be a str or a Path"),
        (3, TypeError, "the path to write to must be a str or a Path"),
        ("a\0b.html", ValueError, "holds a NUL character"),
        ("", ValueError, "the path is empty"),
    ],
)
def test_replay_names_a_path_it_cannot_write(path, error, message):
    X, y = make_moons(10, seed=0)
    model = nn.MLP(2, [1], seed=0)
    history = nn.fit(model, X, y, "hinge", nn.SGD(model.parameters(), lr=0.1), 1, record=True,
                     progress=False)  # fmt: skip
    with pytest.raises(error, match=message):
        history.replay(path)


def _early_stopped(tmp_path):
    X, y = make_moons(60, noise=0.3, seed=1)
    Xv, yv = make_moons(40, noise=0.3, seed=2)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    adam = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(model, X, y, "hinge", adam, 200, validation=(Xv, yv), early_stopping=5,
                     record=True, progress=False)  # fmt: skip
    assert history.stopped_early and history.best_epoch < history.epochs
    return history, history.replay(tmp_path / "run.html")


def test_an_early_stopped_run_is_replayed_at_its_best_epoch(tmp_path):
    history, path = _early_stopped(tmp_path)
    data = json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>',
                                path.read_text(), re.S).group(1).replace("<\\/", "</"))  # fmt: skip
    assert data["best_epoch"] == history.best_epoch


def test_the_page_of_an_early_stopped_run_opens_on_the_weights_fit_returned(browser, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    history, path = _early_stopped(tmp_path)
    browser.get(path.as_uri())
    caption = WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("return document.getElementById('caption').textContent")
    )
    assert caption.startswith(f"epoch {history.best_epoch} of {history.epochs}:")
    assert "the best epoch: early stopping gave these weights back" in caption


def test_fit_tells_the_recording_which_epoch_early_stopping_gave_back(tmp_path):
    history, _ = _early_stopped(tmp_path)
    assert history.recording.best["epoch"] == history.best_epoch


def _long_early_stopped_record(best_epoch):
    """1000 epochs noted as fit notes them, with early stopping's best at ``best_epoch``."""
    X, y = make_moons(10, seed=1)
    model = nn.MLP(2, [2, 1], seed=0)
    recorder = Recorder(model, X, y, "hinge")
    for epoch in range(1, 1001):  # (best so far: epoch 300, then best_epoch)
        recorder.end_epoch(model, epoch, best=epoch in (300, best_epoch))
    recorder.best_epoch = best_epoch
    return recorder


def test_a_long_run_keeps_the_best_epoch_between_the_evenly_spaced_ones():
    recorder = _long_early_stopped_record(508)
    shown = [e["epoch"] for e in recorder.kept()]
    assert shown[:3] == [1, 5, 9]  # every fourth epoch is kept, but not 508
    assert 508 in shown and 300 not in shown  # the best, not an earlier best so far
    assert shown == sorted(shown) and shown[-1] == 1000 and len(shown) <= 402


def test_the_page_of_a_long_early_stopped_run_opens_on_its_best_epoch(browser, tmp_path):
    path = write_replay(_long_early_stopped_record(508), tmp_path / "long.html")
    browser.get(path.as_uri())
    caption = browser.find_element("id", "caption").text
    assert caption.startswith("epoch 508 of 1000:")
    assert "the best epoch: early stopping gave these weights back" in caption
    curves = browser.execute_script("return document.getElementById('curves').textContent")
    assert "best 508" in curves  # the dotted line at the best epoch, labelled


def _validated_run(tmp_path, epochs):
    X, y = make_moons(40, noise=0.2, seed=1)
    Xv, yv = make_moons(30, noise=0.2, seed=2)
    model = nn.MLP(2, [8, 1], seed=0)
    history = nn.fit(model, X, y, "hinge", nn.Adam(model.parameters(), lr=0.05), epochs,
                     validation=(Xv, yv), record=True, progress=False)  # fmt: skip
    return history, history.replay(tmp_path / "run.html")


def test_a_run_with_validation_data_keeps_its_figures_for_every_epoch(tmp_path):
    history, path = _validated_run(tmp_path, 5)
    _, data = page_data(path)
    assert data["validation"] is True
    assert [e["val_loss"] for e in data["epochs"]] == [
        pytest.approx(v, rel=1e-5) for v in history.val_loss
    ]
    assert [e["val_accuracy"] for e in data["epochs"]] == history.val_accuracy
    assert history.val_loss != history.loss  # (a different data set: not the training figures)
    _, recorder = recorded_run(epochs=2)  # no validation data
    _, plain = page_data(write_replay(recorder, tmp_path / "plain.html"))
    assert plain["validation"] is False
    assert all(e["val_loss"] is None and e["val_accuracy"] is None for e in plain["epochs"])


def test_the_page_draws_the_validation_curves_dashed_and_names_them(browser, tmp_path):
    history, path = _validated_run(tmp_path, 6)
    browser.get(path.as_uri())
    curves = {
        c: browser.find_element("id", c).get_attribute("stroke-dasharray")
        for c in ("loss-curve", "val-loss-curve", "accuracy-curve", "val-accuracy-curve")
    }
    assert curves == {
        "loss-curve": None,
        "val-loss-curve": "6 4",
        "accuracy-curve": None,
        "val-accuracy-curve": "6 4",
    }
    caption = browser.find_element("id", "caption").text
    shown = re.search(r"; validation loss (\S+), accuracy (\S+)%", caption)
    assert float(shown.group(1)) == pytest.approx(history.val_loss[-1], rel=1e-3)
    assert float(shown.group(2)) == pytest.approx(100 * history.val_accuracy[-1], abs=0.05)
    assert browser.find_element("id", "curves-note").text.startswith("Solid: the training data")


def test_a_single_epoch_is_drawn_as_dots(browser, tmp_path):
    # a line through one point draws nothing: the page of a one-epoch run had empty curves
    _, path = _validated_run(tmp_path, 1)
    browser.get(path.as_uri())
    for curve in ("loss-curve", "val-loss-curve", "accuracy-curve", "val-accuracy-curve"):
        assert browser.find_element("id", curve).tag_name == "circle"
    # side by side, not one on the other; and the key and the note speak of dots
    x = [
        float(browser.find_element("id", c).get_attribute("cx"))
        for c in ("loss-curve", "val-loss-curve")
    ]
    assert x[0] < x[1]
    assert browser.find_element("id", "curves-note").text.startswith("Filled: the training data")
    assert browser.find_element("tag name", "h1").text.startswith("Training replay: 1 epoch of")


def test_targets_all_alike_get_a_frame_as_wide_as_one_and_count_a_prediction_beyond_it(
    tmp_path, browser
):
    # every target 1, predictions 1, 2 and 5: the frame runs from 1 to 1 + 1 (the targets have
    # no span of their own: one is taken), and the 5 is one prediction beyond it
    model = nn.MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 1.0, 0.0
    open_one_epoch(browser, tmp_path, model, [[1.0], [2.0], [5.0]], [1.0, 1.0, 1.0], "mse")
    assert browser.find_element("id", "left-note").text.endswith(
        "Both axes run from 1.00 to 2.00 in every epoch; 1 prediction beyond that, hollow at "
        "the edge."
    )


def test_the_gradient_flow_scale_is_written_as_a_reader_writes_it(tmp_path, browser):
    # one mean |grad| of 0.1 (w's; the bias is left out): the axis runs from 0.01 to 0.10
    browser.get(write_replay(line_run((1.0,), grads=(0.1,)), tmp_path / "flow.html").as_uri())
    texts = browser.execute_script(
        "return [...document.querySelectorAll('#flow text')].map(t => t.textContent);"
    )
    assert texts[-2:] == ["log scale, from 0.01", "to 0.10, the run's largest"]


def test_a_loss_that_is_not_a_number_is_shown_as_what_it_is(tmp_path):
    model = nn.MLP(2, [2, 1], seed=0)
    X, y = make_moons(10, seed=1)
    recorder = Recorder(model, X, y, "mse")
    recorder.end_epoch(model, 1, (float("inf"), None))  # a run that blew up: inf, then nan
    recorder.end_epoch(model, 2, (float("nan"), None))
    _, data = page_data(write_replay(recorder, tmp_path / "run.html"))
    assert data["validation"] is True  # no finite figure, but validation data there was
    assert [e["val_loss"] for e in data["epochs"]] == ["inf", "nan"]


def test_only_a_layer_without_gradient_has_no_bar(browser, tmp_path):
    # the floor of the log scale was the run's smallest mean |grad|: that layer's bar vanished,
    # and the page says a bar that shrinks to nothing is a layer that stopped learning
    _, path = _validated_run(tmp_path, 8)
    browser.get(path.as_uri())
    empty = browser.execute_script(
        "const out = [];"
        "E.forEach((e, k) => { show(k); const bars = document.querySelectorAll('#flow rect');"
        "  Object.keys(e.flow).forEach((n, j) => {"
        "    if (e.flow[n] > 0 && !(+bars[j].getAttribute('height') > 0)) out.push([k, n]); }); });"
        "return out;"
    )
    assert empty == []


def test_a_diverging_run_gets_a_readable_log_axis_and_a_caption_that_fits(tmp_path, browser):
    slopes = (1.1, 1e5, 1e15, 1e27)  # the loss climbs 56 decades
    recorder = line_run(slopes, grads=(1e-13, *slopes[1:]))  # (gradient flow: 1e-14 to 5e26)
    browser.get(write_replay(recorder, tmp_path / "diverging.html").as_uri())
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#curves text')].map(t => t.textContent)"
        "  .filter(t => /^(1e-?\\d+|0\\.0?1|1|10|100)$/.test(t));"
    )
    assert 3 <= len(labels) <= 9, labels  # one a decade would be 56 labels on top of each other
    inside = browser.execute_script(
        "const svg = document.getElementById('flow'), w = svg.width.baseVal.value;"
        "return [...svg.querySelectorAll('text')].every(t => {"
        "  const b = t.getBBox(); return b.x >= 0 && b.x + b.width <= w; });"
    )
    assert inside  # the scale's caption ran past the panel's edge: "... the run's larges"
