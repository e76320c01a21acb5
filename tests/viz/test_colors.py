"""The colour rules (colors.py), checked on the DOT that draw_dot and draw_step write:
sign, not-reached versus zero, a scale relative to each picture, broken numbers."""

import math
import re

import pytest

pytest.importorskip("graphviz")

from autograd_lite import Value, backward_steps
from autograd_lite.viz import colors, draw_dot, draw_step
from autograd_lite.viz.colors import GradScale, grad_fill, text_color


def boxes(picture):
    """{title: (fill, dashed)} for every Value's box, read back from the DOT source."""
    found = {}
    for line in picture.source.splitlines():
        if not re.match(r"\s*v\d+ \[", line):
            continue
        title = re.search(r"<B>([^<]*)</B>", line)
        if title is None:  # an unlabelled box: not looked at here
            continue
        table = re.search(r"<TABLE[^>]*BGCOLOR[^>]*>", line).group(0)  # (not a ring's)
        fill = re.search(r'BGCOLOR="(#\w+)"', table).group(1)
        found[title.group(1)] = (fill, 'STYLE="dashed"' in table)
    return found


def warm(fill):
    r, _, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return r > b


def lightness(fill):
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def labelled(value, label):
    value.label = label
    return value


def signs():
    """y = p*1 - n*1 + z*0: p gets +1, n gets -1, z gets 0."""
    p, n, z = Value(1.0, label="p"), Value(1.0, label="n"), Value(1.0, label="z")
    return labelled(p * 1.0 - n * 1.0 + z * 0.0, "y"), p, n, z


# --- on the pictures ---------------------------------------------------------------------
def test_the_sign_of_a_gradient_is_its_hue():
    y, *_ = signs()
    y.backward()
    drawn = boxes(draw_dot(y))
    assert warm(drawn["p"][0]) and not warm(drawn["n"][0])  # orange +, blue -
    assert drawn["p"][0] == colors.POSITIVE_RAMP[-1] and drawn["n"][0] == colors.NEGATIVE_RAMP[-1]


def test_exactly_zero_is_grey_and_not_reached_is_white_and_dashed():
    y, *_ = signs()
    before = boxes(draw_dot(y))  # no backward yet: nothing has arrived anywhere
    assert all(box == (colors.UNREACHED_FILL, True) for box in before.values())
    y.backward()
    after = boxes(draw_dot(y))
    assert after["z"] == (colors.ZERO_FILL, False)
    assert colors.ZERO_FILL != colors.UNREACHED_FILL
    assert not any(dashed for _, dashed in after.values())


def test_a_step_shows_which_gradients_have_not_arrived_yet():
    a, b = Value(2.0, label="a"), Value(0.0, label="b")
    y = labelled(labelled(a * b, "m").tanh(), "y")  # a gets 0 * ... = 0 exactly
    steps = list(backward_steps(y))
    first = boxes(draw_step(y, steps[0]))
    assert not first["y"][1] and not first["m"][1]  # the root and its operand: reached
    assert first["a"] == (colors.UNREACHED_FILL, True) and first["b"][1]
    last = boxes(draw_step(y, steps[-1]))
    assert last["a"] == (colors.ZERO_FILL, False)  # d y / d a = tanh'(0) * b = 0 exactly
    assert not any(dashed for _, dashed in last.values())


def test_the_scale_is_relative_to_the_pictures_largest_gradient():
    def picture(seed):
        u, v, w = Value(1.0, label="u"), Value(1.0, label="v"), Value(1.0, label="w")
        y = labelled(u - v * 1.5 + w * 0.5, "y")
        y.backward(seed)  # every gradient times seed: the same picture in other units
        return boxes(draw_dot(y))

    small, large = picture(1.0), picture(1000.0)
    assert small["u"][0] != small["w"][0]  # 1.0 and 0.5 look different
    assert warm(small["u"][0]) and not warm(small["v"][0])  # and -1.5 has its own hue
    assert small == large  # only ratios matter
    assert lightness(small["w"][0]) > lightness(small["u"][0])  # smaller is fainter


def test_a_vanishing_gradient_is_faint_next_to_the_others():
    x = Value(0.5, label="x0")
    y = x
    for i in range(1, 21):  # notebook 04's chain of sigmoids: each step scales by <= 1/4
        y = labelled(y.sigmoid(), f"x{i}")
    y.backward()
    drawn = boxes(draw_dot(y))
    assert x.grad < 1e-12
    assert drawn["x20"][0] == colors.POSITIVE_RAMP[-1]  # the output: darkest
    assert drawn["x0"][0] == colors.POSITIVE_RAMP[0]  # 12 powers of ten below: faintest
    assert drawn["x0"][0] not in (colors.ZERO_FILL, colors.UNREACHED_FILL)
    fills = [drawn[f"x{i}"][0] for i in range(21)]
    assert [lightness(f) for f in fills] == sorted((lightness(f) for f in fills), reverse=True)


def test_an_exploding_gradient_is_the_dark_one():
    x = Value(1.0, label="x")
    y = labelled(labelled(x * 1e9, "big") + labelled(x * 1.0, "small"), "y")
    y.backward()
    drawn = boxes(draw_dot(y))
    assert drawn["x"][0] == colors.POSITIVE_RAMP[-1]  # 1e9 + 1: the largest
    assert drawn["small"][0] == colors.POSITIVE_RAMP[0]  # grad 1, nine powers of ten below
    assert lightness(drawn["x"][0]) < 100


def test_nan_and_inf_have_their_own_colours():
    u = Value(1.0, label="u")
    s = labelled(u * 0.0, "s")
    t = labelled(s * Value(math.inf, label="big"), "t")
    t.backward()  # s.grad = inf, so u.grad = inf * 0.0 = nan
    drawn = boxes(draw_dot(t))
    assert drawn["u"][0] == colors.NAN_FILL and drawn["s"][0] == colors.INF_FILL
    u = Value(1e308, label="u")
    z = labelled(u * u, "z")
    z.backward()
    assert boxes(draw_dot(z))["u"][0] == colors.INF_FILL


def test_the_legend_states_this_pictures_range():
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    y = labelled(a * 1.5 + b * 1e-3, "y")  # grads from 1e-3 to 1.5: four powers of ten
    y.backward()
    source = draw_dot(y).source
    legend = source[source.index('<TABLE ID="legend"') :]
    assert "from 0.00015 or less (faintest) to 1.5 (darkest)" in legend
    assert "not reached" in legend and "nan" in legend
    for plain in (None, "none"):
        assert "legend" not in draw_dot(y, color_by=plain).source
    # the page and the stepper write the same caption on one line
    assert "darker = larger: from 0.00015 or less" in GradScale(1.5, 4).caption()


def test_the_legend_is_no_wider_than_a_small_graph():
    # its title on one line made notebook 1's first picture 706 pt wide, the legend's width
    # (the graph is 480 pt): wider than JupyterLab's output area beside the file browser
    pytest.importorskip("graphviz")
    from autograd_lite.viz.programs import to_svg

    a, b, c, f = (Value(x, label=n) for x, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    loss = labelled(labelled(labelled(a * b, "e") + c, "d") * f, "L")
    loss.backward()
    svg = to_svg(draw_dot(loss))
    width = float(re.search(r'<svg width="([0-9.]+)pt"', svg).group(1))
    assert width < 520
    assert "(darkest); orange +, blue" in svg  # (the whole caption, on two lines)
    # both lines start at the left (without BALIGN, Graphviz centres the shorter one)
    starts = [re.search(rf'<text [^>]*x="([-\d.]+)"[^>]*>{re.escape(words)}', svg).group(1)
              for words in ("|grad| on a log scale", "from ")]  # fmt: skip
    assert starts[0] == starts[1]


def test_pictures_can_share_one_scale():
    def picture(seed, scale=None):
        u = Value(1.0, label="u")
        y = labelled(u * 0.5, "y")
        y.backward(seed)
        return boxes(draw_dot(y, scale=scale))

    assert picture(1.0)["u"] == picture(100.0)["u"]  # each fitted to itself: the same
    shared = GradScale(100.0, 4)
    small, large = picture(1.0, shared), picture(100.0, shared)
    assert small["u"][0] == shared.fill(0.5) and large["u"][0] == shared.fill(50.0)
    assert lightness(small["u"][0]) > lightness(large["u"][0])  # on one scale: fainter
    with pytest.raises(TypeError, match=r"scale must be a colors\.GradScale"):
        draw_dot(Value(1.0) * 2.0, scale=1.0)


# --- the rules themselves ------------------------------------------------------------------
def test_fit_spans_whole_powers_of_ten_between_the_smallest_and_the_largest():
    assert GradScale.fit([1.5, -0.5, 0.0, None, 1e-3]) == GradScale(1.5, 4)
    assert GradScale.fit([1.0, 0.5]) == GradScale(1.0, 1)  # at least one power of ten
    assert GradScale.fit([1.0, 1e-30]) == GradScale(1.0, 8)  # at most eight
    assert GradScale.fit([0.0, None, math.nan, math.inf]) == GradScale(None, 1)
    assert GradScale.fit([-4.0]).largest == 4.0


def test_gradients_hundreds_of_powers_of_ten_apart_still_make_a_picture():
    # largest / smallest overflows (1e300 / 1e-300) or its inverse underflows (5e-324)
    assert GradScale.fit([1e300, 1e-300]) == GradScale(1e300, 8)
    assert GradScale.fit([1.0, 5e-324]) == GradScale(1.0, 8)
    assert GradScale(1e300, 8).fill(5e-324) == colors.POSITIVE_RAMP[0]
    x, y = Value(1.0, label="x"), Value(5e-324, label="y")
    z = x * y
    z.backward()
    assert "label=" in draw_dot(z).source


def test_fill_rules():
    scale = GradScale(2.0, 4)
    assert (
        scale.fill(2.0) == colors.POSITIVE_RAMP[-1]
        and scale.fill(-2.0) == (colors.NEGATIVE_RAMP[-1])
    )
    assert scale.fill(2e-4) == colors.POSITIVE_RAMP[0] == scale.fill(1e-300)
    assert scale.fill(0.0) == scale.fill(-0.0) == colors.ZERO_FILL
    assert scale.fill(None) == colors.UNREACHED_FILL
    assert scale.fill(math.nan) == colors.NAN_FILL
    assert scale.fill(math.inf) == scale.fill(-math.inf) == colors.INF_FILL
    assert (
        grad_fill(1.0, 1.0) == colors.POSITIVE_RAMP[-1]
        and grad_fill(1.0, None) == (colors.POSITIVE_RAMP[-1])
    )
    fills = {scale.fill(s * 2.0 * 10.0**-k) for s in (1, -1) for k in range(5)}
    assert len(fills) == 10  # every power of ten its own shade, per sign
    assert colors.outline_style(None) == "dashed" and colors.outline_style(0.0) == "solid"
    assert text_color(colors.POSITIVE_RAMP[-1]) == "#ffffff"
    assert text_color(colors.UNREACHED_FILL) == "#000000"


def test_the_legend_runs_from_minus_to_plus_the_largest_then_the_special_cases():
    cells = colors.legend(2.0, 3)
    texts = [text for text, _, _ in cells]
    assert texts[:9] == ["\u22122", "\u22120.2", "\u22120.02", "\u22120.002", "0",
                         "0.002", "0.02", "0.2", "2"]  # fmt: skip
    assert texts[9:] == ["not reached", "nan", "\u00b1inf"]
    assert cells[0][1] == colors.NEGATIVE_RAMP[-1] and cells[8][1] == colors.POSITIVE_RAMP[-1]
    assert cells[9] == ("not reached", colors.UNREACHED_FILL, "dashed")
    assert [t for t, _, _ in colors.legend(None)] == ["0", "not reached", "nan", "\u00b1inf"]
    wide = [t for t, _, _ in colors.legend(1.0, 8)]
    assert wide[:5] == ["\u22121", "\u22120.001", "\u22121e\u22126", "\u22121e\u22128", "0"]


def test_bad_scales_and_grads_are_refused():
    for largest in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="GradScale: largest"):
            GradScale(largest)
    for decades in (0, 9):
        with pytest.raises(ValueError, match="GradScale: decades"):
            GradScale(1.0, decades)
    with pytest.raises(TypeError, match="decades"):
        GradScale(1.0, 2.5)
    with pytest.raises(TypeError, match="grad must be a number or None"):
        grad_fill("1", 1.0)


def test_every_ramp_gets_darker():
    for ramp in (colors.POSITIVE_RAMP, colors.NEGATIVE_RAMP):
        shades = [lightness(c) for c in ramp]
        assert shades == sorted(shades, reverse=True)


def test_text_is_black_or_white_whichever_contrasts_more():
    """Before: white when the fill's brightness was at most 140 of 255, which put white on
    the mid orange #f16913 (a contrast ratio of 3.1; black has 6.7)."""
    assert text_color("#f16913") == "#000000"
    assert colors.contrast("#ffffff", "#f16913") == pytest.approx(3.1, abs=0.05)
    assert colors.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    scale = GradScale(1.0, 8)
    fills = [scale.fill(g * 10.0**-k) for g in (1.0, -1.0) for k in range(0, 9)]
    fills += [*colors.POSITIVE_RAMP, *colors.NEGATIVE_RAMP, colors.ZERO_FILL]
    fills += [colors.UNREACHED_FILL, colors.NAN_FILL, colors.INF_FILL]
    for fill in fills:
        assert colors.contrast(text_color(fill), fill) >= 4.5, fill


def test_the_ramp_position_is_clipped_to_faint_and_dark():
    scale = GradScale(1.0, 2)  # from 0.01 (faintest) to 1.0 (darkest)
    assert scale.position(1.0) == 1.0 and scale.position(0.01) == 0.0
    assert scale.position(0.1) == pytest.approx(0.5)
    assert scale.position(10.0) == 1.0 and scale.position(-1e-9) == 0.0  # beyond: clipped


def test_luminance_is_wcags_with_its_linear_segment():
    assert colors.luminance("#000000") == 0.0 and colors.luminance("#ffffff") == pytest.approx(1)
    # 0x40 / 255 = 0.25 is on the curve (above 0.04045), 0x08 / 255 = 0.03 on the straight part
    assert colors.luminance("#404040") == pytest.approx(0.05127, abs=1e-5)
    assert colors.luminance("#080808") == pytest.approx(0.002428, abs=1e-6)
    assert colors.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # WCAG's grey
