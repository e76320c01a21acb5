"""The saved animation in a real browser: headless Chromium, offline, driven by selenium.

Skipped (with the reason) when selenium, Chromium or its driver is missing; CI installs
them (``.ci/run``: Debian's ``chromium`` and ``chromium-driver``).
"""

import shutil
from pathlib import Path

import pytest

pytest.importorskip("graphviz")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from autograd_lite import Value  # noqa: E402
from autograd_lite import mean as ag_mean  # noqa: E402
from autograd_lite.viz import backprop_animation  # noqa: E402
from autograd_lite.viz.programs import find_programs  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
    pytest.mark.skipif(CHROMEDRIVER is None, reason="chromedriver is not installed"),
    pytest.mark.skipif(not any(find_programs().values()), reason="no Graphviz program"),
]


def neuron():
    """The README's neuron, out = tanh(x1*w1 + x2*w2 + b), every node labelled."""
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1w1", "x2w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    out = n.tanh()
    out.label = "out"
    return out


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    return backprop_animation(neuron()).save(tmp_path_factory.mktemp("page") / "backprop.html")


def open_page(browser, path: Path):
    browser.get(path.as_uri())
    WebDriverWait(browser, 10).until(lambda d: caption(d).startswith("Start:"))


def caption(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".agl-caption").text


def type_step(browser, k: int) -> None:
    """Type step ``k`` into the page's step box and press Enter, as a learner does."""
    number = browser.find_element(By.CSS_SELECTOR, "input[type=number]")
    number.clear()
    number.send_keys(str(k), Keys.ENTER)


def visited(browser) -> list[str]:
    """The first line (the name) of each box outlined as visited."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.agl-node.agl-visit'))"
        ".map(function (g) { return g.querySelector('text').textContent; });"
    )


def box_places(browser) -> list:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.agl-node rect:not(.agl-ring)'))"
        ".map(function (r) {"
        "  var b = r.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; });"
    )


def test_next_the_arrow_key_and_the_slider_each_move_the_pass(browser, page):
    open_page(browser, page)
    assert visited(browser) == []
    browser.find_element(By.CSS_SELECTOR, '[data-go="1"]').click()
    assert caption(browser).startswith("Step 1 of 10: visit out = tanh(n)")
    assert visited(browser) == ["out = tanh(n)"]
    assert browser.find_elements(By.CSS_SELECTOR, ".agl-edges path.agl-hot")  # its arrow
    assert browser.find_element(By.CSS_SELECTOR, ".agl-labels").text == "1.0 × 0.5 = 0.5"

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert caption(browser).startswith("Step 2 of 10: visit n = ")
    assert visited(browser)[0].startswith("n = ")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    assert caption(browser).startswith("Step 1 of 10")

    slider = browser.find_element(By.CSS_SELECTOR, "input[type=range]")
    slider.send_keys(Keys.END)  # the browser's own slider handling, then our input event
    assert caption(browser).startswith("Step 10 of 10: x1 is a leaf")
    assert visited(browser) == ["x1"]
    slider.send_keys(Keys.ARROW_LEFT)
    assert caption(browser).startswith("Step 9 of 10")  # one step, not two

    number = browser.find_element(By.CSS_SELECTOR, "input[type=number]")
    number.clear()
    number.send_keys("4", Keys.ENTER)
    assert caption(browser).startswith("Step 4 of 10")


def test_a_step_typed_with_a_fraction_goes_to_the_nearest_step(browser, page):
    """Before: "2.5" painted the boxes of step 3, kept the caption of step 0 and threw
    a TypeError (data.steps[1.5] does not exist)."""
    open_page(browser, page)
    number = browser.find_element(By.CSS_SELECTOR, "input[type=number]")
    number.clear()
    number.send_keys("2.5", Keys.ENTER)
    assert caption(browser).startswith("Step 3 of 10")
    assert browser.find_element(By.CSS_SELECTOR, "input[type=range]").get_attribute("value") == "3"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_play_runs_to_the_end_and_space_plays_and_pauses(browser, page):
    open_page(browser, page)
    play = browser.find_element(By.CSS_SELECTOR, '[data-go="play"]')
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.SPACE)
    assert play.text == "pause"
    body.send_keys(Keys.SPACE)
    assert play.text == "play"
    slider = browser.find_element(By.CSS_SELECTOR, "input[type=range]")
    slider.send_keys(Keys.SPACE)  # space plays while the slider has focus too
    assert play.text == "pause"
    slider.send_keys(Keys.SPACE)
    assert play.text == "play"
    body.send_keys(Keys.HOME)
    browser.execute_script("document.querySelector('select').value = '15';")
    play.click()
    WebDriverWait(browser, 10).until(lambda d: caption(d).startswith("Step 10 of 10"))
    assert play.text == "play"  # stopped at the end


def test_every_box_keeps_its_place_and_size_from_first_to_last_frame(browser, page):
    open_page(browser, page)
    first = box_places(browser)
    texts_first = browser.find_element(By.CSS_SELECTOR, ".agl-view").text
    for k in range(1, 10):  # and in every frame between
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert caption(browser).startswith(f"Step {k} of 10")
        assert box_places(browser) == first, k
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
    assert caption(browser).startswith("Step 10 of 10")
    last = box_places(browser)
    assert len(first) == 10 and first == last
    assert browser.find_element(By.CSS_SELECTOR, ".agl-view").text != texts_first
    overflowing = browser.execute_script(
        "var bad = []; document.querySelectorAll('.agl-node').forEach(function (g) {"
        "  var w = g.querySelector('rect').getBBox().width;"
        "  g.querySelectorAll('text').forEach(function (t) {"
        "    if (t.getBBox().width > w) bad.push(t.textContent); }); });"
        "return bad;"
    )
    assert overflowing == []  # every line fits its box in the browser's own font


def test_a_long_pass_is_navigable_and_follows_the_visited_box(browser, tmp_path):
    from nn import MLP, hinge_loss
    from nn.data import make_moons

    X, y = make_moons(6, noise=0.1, seed=0)
    model = MLP(2, [6, 6, 1], seed=0)
    loss = hinge_loss([model(x) for x in X], y)
    animation = backprop_animation(loss)
    assert len(animation.nodes) > 150  # the quick layout for big graphs
    open_page(browser, animation.save(tmp_path / "big.html"))
    # at the start, the box where backward begins (the output, at the right edge) is in
    # sight: the caption names it, and the view showed the left edge, far from it
    assert browser.execute_script(
        "var v = document.querySelector('.agl-view').getBoundingClientRect();"
        "var d = JSON.parse(document.querySelector('.agl-data').textContent);"
        "var r = document.querySelectorAll('.agl-node')[d.root].getBoundingClientRect();"
        "return r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom;"
    )
    last = len(animation) - 1
    assert browser.find_element(By.CSS_SELECTOR, "input[type=range]").get_attribute("max") == (
        str(last)
    )
    for k in (last // 3, last - 40, 7):
        type_step(browser, k)
        assert caption(browser).startswith(f"Step {k} of {last}")
        in_sight = browser.execute_script(
            "var v = document.querySelector('.agl-view').getBoundingClientRect();"
            "var n = document.querySelector('.agl-node.agl-visit');"
            "if (!n) return null; var r = n.getBoundingClientRect();"
            "return r.left >= v.left && r.right <= v.right"
            "    && r.top >= v.top && r.bottom <= v.bottom;"
        )
        assert in_sight is True, k


def test_every_box_a_step_sends_to_is_in_sight(browser, tmp_path):
    """The page scrolled only to the visited box: on a 12-step chain at 1000 px, in 21 of
    37 frames a box receiving the gradient, with its arithmetic, was out of sight."""
    y = Value(0.5, label="x")
    for _ in range(12):
        y = (y * 1.01).tanh()
    animation = backprop_animation(y)
    open_page(browser, animation.save(tmp_path / "chain.html"))
    wide = browser.execute_script(
        "return document.querySelector('.agl-view svg').getBoundingClientRect().width"
        " > document.querySelector('.agl-view').getBoundingClientRect().width;"
    )
    assert wide  # (a picture wider than its view: the case of the bug)
    for k in range(1, len(animation)):
        type_step(browser, k)
        out_of_sight = browser.execute_script(
            "var v = document.querySelector('.agl-view').getBoundingClientRect();"
            "return Array.from(document.querySelectorAll('.agl-visit, .agl-receive'))"
            ".filter(function (n) { var r = n.getBoundingClientRect();"
            "  return r.left < v.left - 1 || r.right > v.right + 1; }).length;"
        )
        assert out_of_sight == 0, k


def test_a_tall_picture_keeps_the_visited_box_in_sight(browser, tmp_path):
    """At y = x + tanh(tanh(x)) drawn top to bottom, y's step sends to x at the top: the
    two span more than the view's height (yet less than its width), so the view must
    follow y alone, not centre on both and cut y off."""
    x = Value(0.5, label="x")
    y = x + x.tanh().tanh()
    y.label = "y"
    animation = backprop_animation(y, rankdir="TB")
    open_page(browser, animation.save(tmp_path / "tall.html"))
    for k in range(1, len(animation)):
        type_step(browser, k)
        assert caption(browser).startswith(f"Step {k} of {len(animation) - 1}")
        in_sight = browser.execute_script(
            "var v = document.querySelector('.agl-view').getBoundingClientRect();"
            "var r = document.querySelector('.agl-node.agl-visit').getBoundingClientRect();"
            "return [r.top >= v.top - 1 && r.bottom <= v.bottom + 1, v.height];"
        )
        assert in_sight[0], (k, in_sight[1])


def test_the_page_asks_the_network_for_nothing(browser, page):
    open_page(browser, page)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0
    policy = browser.execute_script(
        "return document.querySelector('meta[http-equiv=Content-Security-Policy]').content"
    )
    assert policy.startswith("default-src 'none'")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []  # no script error, no blocked request


def test_the_player_shows_where_keyboard_focus_is_and_says_what_it_is(browser, page):
    """Before: the first Tab landed on the player (the box the arrow keys and space drive)
    with its outline turned off, so a learner without a mouse could not see the focus; and
    that stop had no name for a screen reader."""
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, page)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.switch_to.active_element
    assert "agl-animation" in focused.get_attribute("class")
    style = browser.execute_script(
        "var s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, parseFloat(s.outlineWidth)];"
    )
    assert style[0] != "none" and style[1] >= 2, style
    name = focused.accessible_name
    assert "arrow keys" in name and "space" in name, name
    focused.send_keys(Keys.ARROW_RIGHT)  # and the keys it names work from there
    assert caption(browser).startswith("Step 1 of 10")


def test_an_arrows_arithmetic_hides_the_arrow_behind_it(browser, tmp_path):
    """Before: each label's white card was 92% opaque, so a red arrow ran on through the
    red text of its arithmetic (four of them at a mean); draw_step stops the arrow at its
    text. Each card is now opaque and leaves a little page either side of the text."""
    a, b, c, d = (Value(v, label=n) for v, n in ((1.0, "a"), (2.0, "b"), (-3.0, "c"), (0.5, "d")))
    m = ag_mean([a * d, b * d, c * d, a + b])
    m.label = "m"
    animation = backprop_animation(m)
    open_page(browser, animation.save(tmp_path / "mean.html"))
    type_step(browser, 1)  # m sends to its four operands: four arrows meet at it
    cards = browser.execute_script(
        "return Array.from(document.querySelectorAll('.agl-labels rect')).map(function (r) {"
        "  var s = getComputedStyle(r), t = r.nextElementSibling.getBBox(), c = r.getBBox();"
        "  return [s.opacity, s.fill, c.x, c.width, t.x, t.width]; });"
    )
    assert len(cards) == 4
    for opacity, fill, card_x, card_width, text_x, text_width in cards:
        assert float(opacity) == 1.0 and fill == "rgb(255, 255, 255)"
        assert text_x - card_x >= 3.5 and card_x + card_width - text_x - text_width >= 3.5
