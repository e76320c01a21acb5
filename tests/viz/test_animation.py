"""The backprop animation: every step a frame, laid out once, an observer, one offline page."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("graphviz")

from graphs import neuron, reused, rounded
from needs_graphviz import needs_a_program

import autograd_lite as ag
from autograd_lite import Value, backward_steps
from autograd_lite.steps import print_steps
from autograd_lite.viz import backprop_animation, draw_step, labels
from autograd_lite.viz import layout as layout_module
from autograd_lite.viz import programs as programs_module
from autograd_lite.viz.animation import text_width, title

SVG = "{http://www.w3.org/2000/svg}"


def negations(n):
    """x and -(-(...(-x))), n minus signs deep: a chain of n + 1 nodes."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = -y
    return x, y


def boxes(svg):
    """Each box of an SVG frame: (position, size) and its lines of text."""
    tree = ET.fromstring(svg)
    found = []
    for group in tree.iter(f"{SVG}g"):
        if "agl-node" in (group.get("class") or "").split():
            rect = group.find(f"{SVG}rect")
            place = (group.get("transform"), rect.get("width"), rect.get("height"))
            found.append((place, [t.text for t in group.iter(f"{SVG}text")]))
    return found


@needs_a_program
def test_every_step_is_a_frame_and_the_last_is_where_backward_ends():
    o = neuron()
    nodes = ag.topological_order(o)
    o.backward()
    o.backward()  # the user's grads, leaves accumulated twice
    before = [n.grad for n in nodes]
    animation = backprop_animation(o)
    assert [n.grad for n in nodes] == before  # an observer: nothing changed

    assert len(animation) == len(animation.frames) == len(nodes) + 1
    assert [f.step.index for f in animation.frames[1:]] == list(range(len(nodes)))
    assert [f.step.node for f in animation.frames[1:]] == nodes[::-1]
    ag.zero_grad(nodes)
    o.backward()
    final = animation.grads(len(animation) - 1)
    assert all(final[n] == n.grad for n in nodes)  # one pass from zero, as backward gives
    start = animation.grads(0)
    assert start[o] == 1.0 and all(g == 0.0 for n, g in start.items() if n is not o)
    for k in range(len(animation)):
        ET.fromstring(animation.svg(k))
    assert "b receives 0.5 × 1.0 = 0.5" in animation.frames[2].caption
    with pytest.raises(IndexError, match="frame 11 does not exist"):
        animation.svg(11)


@needs_a_program
def test_graphviz_runs_once_whatever_the_number_of_frames(monkeypatch, tmp_path):
    calls = []
    real_run = programs_module.subprocess.run

    def counting_run(*args, **kwargs):
        calls.append(args[0])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(programs_module.subprocess, "run", counting_run)
    _, y = negations(60)
    animation = backprop_animation(y)
    animation.save(tmp_path / "a.html")
    for k in (0, 30, 61):
        animation.svg(k)
    assert len(animation) == 62
    assert len(calls) == 1 and calls[0][1] == "-Tplain"  # positions only, asked once


@needs_a_program
def test_a_box_used_many_times_sends_graphviz_one_arrow_and_draws_the_rest(monkeypatch):
    sources = []
    real = layout_module.run_graphviz
    monkeypatch.setattr(layout_module, "run_graphviz", lambda s, *a, **k: sources.append(s) or
                        real(s, *a, **k))  # fmt: skip
    x = Value(1.0001, label="x")
    y = x
    for _ in range(59):
        y = y * x  # x*x*...*x: a tangle of long arrows that Graphviz is slow to untie
    animation = backprop_animation(y)
    x_box = f"v{animation.index[x]}"
    # only the arrows to x's earliest use, x*x (two of them), go to Graphviz ...
    assert len(re.findall(rf"^{x_box} -> ", sources[0], re.M)) == 2
    assert len(re.findall(r"^v\d+ -> ", sources[0], re.M)) == 58 + 2  # and the chain
    assert len(animation.layout.edges) == 2 * 59  # yet every arrow is drawn
    assert len(ET.fromstring(animation.svg()).findall(f"./{SVG}g/{SVG}path")) == 2 * 59


@needs_a_program
def test_nothing_moves_between_frames_only_numbers_and_colours_change():
    animation = backprop_animation(neuron())
    frames = [boxes(animation.svg(k)) for k in range(len(animation))]
    places = [[place for place, _ in frame] for frame in frames]
    assert all(p == places[0] for p in places)  # every box: same place and size
    assert len(places[0]) == 10
    texts = [[lines for _, lines in frame] for frame in frames]
    assert texts[0] != texts[-1]
    assert all(lines[2] == "grad: not reached" for lines in texts[0][1:])  # unreached
    assert texts[0][0][2] == "grad 1.0"  # the output holds the seed
    assert texts[-1][-1] == ["x1", "data 2.0", "grad -1.5"]


@needs_a_program
@pytest.mark.parametrize("uses", [2, 10])
def test_each_box_is_wide_enough_for_everything_it_will_show(uses):
    a = Value(3.0, label="a")
    c = ag.sum([a] * uses)  # "sum so far: 0 of 10 uses" grows to "10 of 10 uses"
    c.label = "c"
    animation = backprop_animation(c)
    width = {lines[0]: float(place[1]) for place, lines in boxes(animation.svg(0))}
    for k in range(len(animation)):
        for _, lines in boxes(animation.svg(k)):
            for line in lines:  # each line with its padding, 6 points either side
                assert text_width(line) + 12 <= width[lines[0]], (k, line)
    a_lines = boxes(animation.svg())[-1][1]
    assert a_lines == ["a", "data 3.0", f"grad {uses}.0", f"sum so far: {uses} of {uses} uses"]


@needs_a_program
def test_captions_give_the_arithmetic_and_the_running_sums():
    animation = backprop_animation(reused())
    captions = [f.caption for f in animation.frames]
    assert captions[0].startswith("Start: the forward pass is done")
    assert captions[1].splitlines() == [
        "Step 1 of 3: visit c = b * b. Its gradient is complete: 1.0. "
        "Each parent receives upstream × local:",
        "  b receives 1.0 × 6.0 = 6.0; sum so far: 6.0 (1 of 2 uses)",
        "  b receives 1.0 × 6.0 = 6.0; sum so far: 12.0 (2 of 2 uses)",
    ]
    assert captions[2].splitlines()[-1] == (
        "  a receives 12.0 × 1.0 = 12.0; sum so far: 24.0 (2 of 2 uses); "
        "a is a leaf: its gradient is now final, 24.0"
    )
    assert captions[3] == (
        "Step 3 of 3: a is a leaf: nothing to pass on. Its gradient d c / d a = 24.0 is final "
        "(the sum of its 2 uses)."
    )


@needs_a_program
def test_a_seed_other_than_1_is_in_every_derivative_a_caption_writes():
    # From a loss's gradient -2.0 at out, a leaf's gradient is -2.0 × d out / d leaf:
    # calling it d out / d leaf would state a wrong derivative.
    x, w = Value(3.0, label="x"), Value(0.5, label="w")
    out = x * w
    out.label = "out"
    captions = [f.caption for f in backprop_animation(out, gradient=-2.0).frames]
    assert captions[2].endswith(
        "Its gradient -2.0 (the seed) × d out / d w = -6.0 is final (from its one use)."
    )
    assert "-2.0 (the seed) × d out / d x = -1.0 is final" in captions[3]
    assert not any(re.search(r"gradient d out / d", c) for c in captions)
    (only,) = backprop_animation(x, gradient=5.0).frames[1:]  # d x / d x is 1, not 5
    assert "Its gradient 5.0 (the seed) × d x / d x = 5.0 is final" in only.caption


@needs_a_program
def test_a_derivative_names_the_output_as_its_box_does():
    # an unlabelled output is "output"; a label's control characters are written out, as
    # in every name of the captions, never sent raw to the page or a terminal
    x = Value(3.0, label="x")
    final = [f.caption for f in backprop_animation(x * 2).frames if f.step and f.step.node is x]
    assert "Its gradient d output / d x = 2.0 is final" in final[0]
    y = x * 2
    y.label = "y\x1b[31m"
    final = [f.caption for f in backprop_animation(y).frames if f.step and f.step.node is x]
    assert "Its gradient d y\\x1b[31m / d x = 2.0 is final" in final[0]
    assert "\x1b" not in final[0]


@needs_a_program
def test_a_caption_says_where_its_numbers_are_rounded():
    captions = [f.caption for f in backprop_animation(rounded()).frames]
    # 0.41997 × 2.0 is 0.83994: written "0.42 × 2.0 = 0.8399", it would look like a slip
    assert sum("a receives 0.42 × 2.0 ≈ 0.8399;" in c for c in captions) == 1


@needs_a_program
def test_focus_is_the_visited_box_then_the_drawn_boxes_it_sends_to():
    """What the stepper keeps in sight at each frame."""
    o = neuron()
    animation = backprop_animation(o)
    index = animation.index
    assert animation.focus(0) == [index[o]]  # the start: where backward begins
    for k in range(1, len(animation)):
        node = animation.frames[k].step.node
        assert animation.focus(k) == [index[node], *(index[p] for p in node.parents)], k
    cut = backprop_animation(o, max_nodes=4)  # o, n and n's two operands
    assert len(cut.nodes) == 4
    for k in range(1, len(cut)):
        node = cut.frames[k].step.node
        drawn = [cut.index[p] for p in node.parents if p in cut.index]  # (the rest: no box)
        assert cut.focus(k) == [cut.index.get(node, cut.index[o]), *drawn], k


def test_the_legend_of_the_page_and_the_stepper_draws_not_reached_dashed():
    # as the boxes are: "not reached yet" must not look like "exactly zero"
    from autograd_lite.viz.animation import legend_html
    from autograd_lite.viz.colors import GradScale

    html = legend_html(GradScale.fit([1.0, -0.5]))
    cells = {text: style for style, text in re.findall(r'<span style="([^"]*)">([^<]*)<', html)}
    assert "border:1px dashed" in cells["not reached"]
    assert "border:1px solid" in cells["0"]


def test_the_legend_of_the_page_and_the_stepper_says_what_the_rings_mean():
    # (before: only notebook prose did; an orange ring could pass for a positive gradient)
    from autograd_lite.viz.animation import legend_html
    from autograd_lite.viz.colors import GradScale
    from autograd_lite.viz.layout import RECEIVE, RING_WORDS, VISIT

    html = legend_html(GradScale.fit([1.0, -0.5]))
    rings = html[html.index("Rings:") :]
    for words, colour in zip(RING_WORDS.values(), (VISIT, RECEIVE)):
        assert rings.index(f"solid {colour}") < rings.index(words)


@needs_a_program
def test_observers_show_one_pass_from_zero_and_change_no_grad(capsys):
    c = reused()
    c.backward()  # a.grad is 24 ...
    steps = list(backward_steps(c))  # ... and 48 after a second pass by hand
    nodes = ag.topological_order(c)
    before = [n.grad for n in nodes]
    assert before == [48.0, 12.0, 1.0]
    print_steps(c)
    animation = backprop_animation(c)
    picture = draw_step(c, steps[-1]).source
    assert [n.grad for n in nodes] == before
    assert "grad 24.0" in picture and "grad 48.0" not in picture  # this pass's sum
    assert "24.0" in capsys.readouterr().out
    assert "sum so far: 24.0 (2 of 2 uses)" in animation.frames[2].caption
    assert animation.grads(3)[nodes[0]] == 24.0


@needs_a_program
def test_the_saved_page_is_self_contained_and_carries_every_frame(tmp_path):
    c = reused()
    animation = backprop_animation(c)
    page = animation.save(tmp_path / "backprop.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1  # one picture, laid out once
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script src" not in page and not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and not re.search(r"url\((?!#)", page)  # only url(#marker)
    for go, word in (("-1", "previous"), ("play", "play"), ("1", "next")):
        assert re.search(f'<button type="button" data-go="{go}"[^>]*>[^<]*{word}', page)
    assert 'type="range"' in page and 'type="number"' in page and "<select>" in page
    data = json.loads(re.search(r'class="agl-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["captions"]) == len(data["steps"]) + 1 == 4
    assert [s[1] for s in data["steps"]] == [0, 0, 1]  # the leaf's frame is marked as such
    assert animation._repr_html_() != animation._repr_html_()  # two displays, two ids
    assert list(tmp_path.iterdir()) == [tmp_path / "backprop.html"]  # written atomically


@needs_a_program
def test_a_label_cannot_break_out_of_the_page(tmp_path):
    x = Value(2.0, label="</script><script>alert(1)</script>")
    y = x * x
    y.label = "<b>&"
    page = backprop_animation(y).save(tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>&" not in page
    assert page.count("</script>") == 2  # the data and the player, nothing else


@needs_a_program
def test_a_big_graph_draws_the_nodes_nearest_the_output_and_keeps_every_step():
    x, y = negations(400)
    animation = backprop_animation(y, max_nodes=20)
    assert len(animation) == 402  # every step has its frame, drawn or not
    assert len(animation.nodes) == 20 and len(boxes(animation.svg(5))) == 20
    assert "(outside the picture)" in animation.frames[100].caption
    note = "Showing 20 of 401 nodes, those nearest the output: 381 left out (raise max_nodes to"
    assert note in animation.html_fragment()  # how many of how many, then which, as draw_dot
    told = backprop_animation(y, max_nodes=20, to_see_more="ask <for> more").html_fragment()
    assert "381 left out (ask &lt;for&gt; more)" in told
    empty = backprop_animation(y, max_nodes=20, to_see_more="").html_fragment()
    assert "381 left out (raise max_nodes to see more)" in empty  # "": the default, as in draw_dot
    with pytest.raises(TypeError, match=r"backprop_animation: to_see_more must be a str"):
        backprop_animation(y, max_nodes=20, to_see_more=5)
    assert animation.grads(len(animation) - 1)[x] == 1.0  # (-1) ** 400, as backward gives
    assert x.grad == 0.0


@needs_a_program
def test_a_leaf_alone_and_constants_get_honest_captions():
    x = Value(2.0, label="x")
    (only,) = backprop_animation(x).frames[1:]
    assert only.caption.endswith("d x / d x = 1.0 is final (the seed: it is the output).")
    captions = [f.caption for f in backprop_animation(x * 2).frames]
    assert captions[1].splitlines()[1:] == [
        "  x receives 1.0 × 2.0 = 2.0; x is a leaf: its gradient is now final, 2.0",
        "  2 receives 1.0 × 2.0 = 2.0",  # a constant: its gradient is no result
    ]
    assert "the constant 2 is a leaf" in captions[2] + captions[3]


@needs_a_program
def test_a_labelled_box_and_its_caption_write_its_formula_with_the_brackets_it_needs():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = (a * b - a) / b
    e.label = "e"
    assert title(e) == "e = (a*b - a) / b"  # it once read "e = a*b - a / b"
    caption = backprop_animation(e).frames[1].caption
    assert caption.startswith("Step 1 of 5: visit e = (a*b - a) / b.")


def test_long_names_are_shortened_in_the_boxes():
    x = Value(1.0, label="a_rather_long_input_name_indeed")
    y = x * x
    y.label = "y"
    assert len(title(y)) == 30 and title(y).endswith("…")


def test_arguments_are_checked_before_any_work():
    with pytest.raises(TypeError, match="backprop_animation needs a Value"):
        backprop_animation(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        backprop_animation(reused(), rankdir="up")
    with pytest.raises(ValueError, match="max_nodes must be at least 1"):
        backprop_animation(reused(), max_nodes=0)
    with pytest.raises(TypeError, match="max_nodes must be an int"):
        backprop_animation(reused(), max_nodes=2.5)
    with pytest.raises(TypeError, match="rankdir must be a str"):
        backprop_animation(reused(), rankdir=1)


def test_a_path_or_frame_of_the_wrong_type_is_named():
    """Before: save(5) said "expected str, bytes or os.PathLike object, not int", and
    svg("1") "'<=' not supported between instances of 'int' and 'str'"."""
    animation = backprop_animation(reused())
    with pytest.raises(TypeError, match=r"^BackpropAnimation.save: path must be a file name"):
        animation.save(5)
    with pytest.raises(TypeError, match=r"^k, the frame number, must be an int, got str '1'"):
        animation.svg("1")
    with pytest.raises(TypeError, match="frame number, must be an int, got bool"):
        animation.grads(True)


def test_saving_into_a_missing_folder_is_refused_before_anything_is_drawn(tmp_path):
    animation = backprop_animation(reused())  # (no Graphviz needed: nothing is laid out)
    with pytest.raises(ValueError, match=r"the folder .*figs does not exist; create it first"):
        animation.save(tmp_path / "figs" / "backprop.html")
    assert list(tmp_path.iterdir()) == []


def test_the_first_caption_counts_one_step_in_the_singular():
    """Before: a leaf's animation began "1 steps follow"."""
    leaf = backprop_animation(Value(2.0, label="x"))
    assert "1 step follows, one per node" in leaf.frames[0].caption
    assert "3 steps follow, one per node" in backprop_animation(reused()).frames[0].caption


def test_a_title_stands_above_the_player():
    x = Value(2.0, label="x")
    html = backprop_animation(x * x, title="x <squared>")._repr_html_()
    assert '<p class="agl-title">x &lt;squared&gt;</p>' in html
    assert 'agl-title">' not in backprop_animation(x * x)._repr_html_()
    with pytest.raises(TypeError, match="backprop_animation: title must be a str or None"):
        backprop_animation(x * x, title=1)


@needs_a_program
def test_frame_k_holds_the_grads_just_after_step_k():
    x, w = Value(0.5, label="x"), Value(-1.0, label="w")
    t = x * w
    y = t.tanh()
    animation = backprop_animation(y)
    after_first = animation.grads(1)  # y visited: only t has received its gradient
    assert after_first[t] == pytest.approx(1 - y.data**2)
    assert after_first[x] == 0.0 and after_first[w] == 0.0
    last = animation.grads(len(animation) - 1)
    assert last[x] == pytest.approx(w.data * (1 - y.data**2))


@needs_a_program
def test_a_leaf_is_called_final_only_once_all_its_uses_have_arrived():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    caption = backprop_animation(y).frames[1].caption
    assert "(1 of 2 uses)" in caption and "(2 of 2 uses)" in caption
    assert caption.count("is a leaf: its gradient is now final") == 1


def test_an_arrows_arithmetic_hides_the_arrow_behind_it_as_in_draw_step():
    """Before: each label sat on a white card of opacity 0.92 over its red arrow, so the
    arrow ran on, faintly, through the red text (notebook 01's stepper, the saved still);
    draw_step stops the arrow at its text. The card is now opaque, a little wider than the
    text, so the arrow stops short of it."""
    c = reused()
    svg = backprop_animation(c).svg(1)
    groups = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "agl-labels"]
    (group,) = groups
    cards, texts = group.findall(f"{SVG}rect"), group.findall(f"{SVG}text")
    assert len(cards) == len(texts) == 2
    for card, text in zip(cards, texts):
        assert float(card.get("opacity", "1")) == 1.0 and card.get("fill") == "#ffffff"
        room = float(card.get("width")) - labels.text_width(text.text, labels.EDGE_SIZE)
        assert room >= 8, (room, text.text)  # 4 points of page each side of the text


def test_the_arithmetic_of_two_arrows_side_by_side_does_not_overprint():
    """Before: the SVG drawn in Python (the stepper's picture) put each label at the middle
    of its arrow, so the two arrows of c = b * b from b, a few points apart, had their
    "1.0 × 6.0 = 6.0" printed one on the other, unreadable (notebook 01, section 4); the
    page's script moved the second below the first. The SVG now does the same."""
    svg = backprop_animation(reused()).svg(1)
    (group,) = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "agl-labels"]
    cards = group.findall(f"{SVG}rect")
    assert len(cards) == 2
    (top, bottom) = sorted(float(card.get("y")) for card in cards)
    assert bottom - top >= 14  # one card's height: they do not overlap
