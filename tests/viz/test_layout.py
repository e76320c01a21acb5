"""layout.py: reading Graphviz's positions once, and drawing arrows it was not asked for."""

import math
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("graphviz")

from autograd_lite.viz import layout

# Two 1 x 0.5 inch boxes side by side in a 4 x 1 inch picture, one straight arrow between.
PLAIN = """graph 1 4 1
node v0 0.5 0.5 1 0.5 "" solid box black lightgrey
node v1 3.5 0.5 1 0.5 "" solid box black lightgrey
edge v0 v1 4 1 0.5 2 0.5 2 0.5 3 0.5 solid black
stop
"""


def test_positions_become_points_with_y_downwards():
    drawn = layout._read_plain(PLAIN, 2, [(0, 1)], [True])
    margin = layout.MARGIN
    assert drawn.width == 4 * 72 + 2 * margin and drawn.height == 72 + 2 * margin
    assert drawn.boxes[0] == (margin, 0.25 * 72 + margin, 72.0, 36.0)
    assert drawn.boxes[1] == (3 * 72 + margin, 0.25 * 72 + margin, 72.0, 36.0)
    path, middle = drawn.edges[0]
    left, right, y = 72 + margin, 216 + margin, 36 + margin
    assert path == f"M{left},{y}L{right},{y}"  # a straight spline is written as a line
    assert middle == pytest.approx((144.0 + margin, y))


def test_an_arrow_graphviz_did_not_route_runs_from_border_to_border():
    drawn = layout._read_plain(PLAIN, 2, [(0, 1), (0, 1)], [True, False])
    points = layout._straight_arrow(drawn.boxes[0], drawn.boxes[1])
    left, right, y = 72 + layout.MARGIN, 216 + layout.MARGIN, 36 + layout.MARGIN
    assert points[0] == pytest.approx((left, y)) and points[3] == pytest.approx((right, y))
    assert points[1][1] < y  # bowed, so it does not hide the routed arrow
    assert drawn.edges[1][0].startswith(f"M{left},{y}C")


def test_only_a_much_used_box_loses_arrows_and_keeps_its_earliest_use():
    arrows = [(0, 5), (0, 6), (0, 7), (0, 9), (1, 5), (1, 6)]  # box 0 used 4 times
    assert layout._routed(arrows) == [False, False, False, True, True, True]


def test_the_middle_of_a_two_piece_spline_is_where_the_pieces_meet():
    points = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0)]
    assert layout._middle(points) == (3, 0)
    assert layout._border((0, 0, 10, 4), (105, 2)) == (10, 2)
    assert math.isclose(layout._border((0, 0, 10, 4), (5, 102))[1], 4)


@pytest.mark.parametrize("max_nodes", [1000, 7, 6], ids=["whole", "one-left-out", "two-left-out"])
def test_the_inputs_stand_in_the_order_the_expression_wrote_them_as_in_draw_dot(max_nodes):
    # (the animation used to stack them upside down: w2 on top, x1 at the bottom; and one
    # cut down by max_nodes still did: x2, w1, x1 from the top, and w1 above x1)
    from autograd_lite import Value
    from autograd_lite.viz import backprop_animation

    x1, w1, x2, w2 = (
        Value(v, label=n) for v, n in ((2.0, "x1"), (-3.0, "w1"), (0.0, "x2"), (1.0, "w2"))
    )
    out = (x1 * w1 + x2 * w2).tanh()  # 8 Values
    animation = backprop_animation(out, max_nodes=max_nodes)
    tops = {n.label: animation.layout.boxes[i][1] for n, i in animation.index.items() if n.label}
    written = [name for name in ("x1", "w1", "x2", "w2") if name in tops]
    assert len(written) == 4 - (8 - min(max_nodes, 8))  # (the leaves left out)
    assert sorted(tops, key=tops.get) == written


def three_boxes():
    """A 1000 x 300 point picture: a box at the top left, one at the top right, and a
    taller one in the middle (x, y, width, height of each)."""
    boxes = [(10.0, 10.0, 50.0, 20.0), (900.0, 10.0, 50.0, 20.0), (500.0, 120.0, 50.0, 40.0)]
    return layout.Layout(1000.0, 300.0, boxes, [])


def test_a_window_is_centred_on_its_boxes_and_stays_inside_the_picture():
    drawn = three_boxes()
    assert drawn.window_around([2], 200.0, 100.0) == (425.0, 90.0, 200.0, 100.0)  # centred
    assert drawn.window_around([2, 1], 500.0, 100.0)[0] == 475.0  # on both: 500 .. 950
    # near an edge it stops there: no part of the window is outside the picture ...
    assert drawn.window_around([0], 200.0, 100.0)[:2] == (0.0, 0.0)
    assert drawn.window_around([1], 200.0, 100.0)[:2] == (800.0, 0.0)
    # ... and a window bigger than the picture is the whole picture
    assert drawn.window_around([0], 2000.0, 1000.0) == (0.0, 0.0, 1000.0, 300.0)


def test_boxes_too_far_apart_for_one_window_keep_the_first_in_it():
    drawn = three_boxes()  # boxes 0 and 1 are 940 points apart
    assert drawn.window_around([1, 0], 200.0, 100.0)[0] == 750.0  # 750 .. 950: box 1
    assert drawn.window_around([0, 1], 200.0, 100.0)[0] == 10.0  # 10 .. 210: box 0


def test_a_window_is_drawn_at_full_size():
    from autograd_lite.viz.animation import Paint

    drawn = three_boxes()
    contents = [(["a"], Paint("#ffffff", "#000000", False), False)] * 3
    whole = ET.fromstring(drawn.svg(contents, "t"))
    assert [whole.get(a) for a in ("width", "height", "viewBox")] == [
        "1000pt", "300pt", "0 0 1000 300"
    ]  # fmt: skip
    part = ET.fromstring(drawn.svg(contents, "t", window=(425.0, 90.0, 200.0, 100.0)))
    # 200 x 100 points of the picture on 200 x 100 points of the page: neither shrunk to
    # the whole picture's size nor stretched
    assert [part.get(a) for a in ("width", "height", "viewBox")] == [
        "200pt", "100pt", "425 90 200 100"
    ]  # fmt: skip


def test_the_visited_and_receiving_boxes_are_ringed_apart_from_their_fill():
    """Before: the receiving boxes were outlined in #ff7f0e on their own edge: on an orange
    box (a positive gradient) the outline vanished into the fill, and against the page it
    had a contrast of 2.5 (WCAG asks 3 of a mark one must see); the red of the visited box
    vanished likewise into a fill of its lightness, in grey or for a red-blind reader. Now
    each is a ring a gap outside its box, on the page, in a colour that contrasts with it."""
    from autograd_lite.viz.animation import Paint
    from autograd_lite.viz.colors import contrast

    drawn = layout._read_plain(PLAIN, 2, [(0, 1)], [True])
    same = [Paint(layout.VISIT, "#ffffff", False), Paint(layout.RECEIVE, "#000000", False)]
    svg = drawn.svg([(["v0"], same[0], True), (["v1"], same[1], True)], "t", visit=0,
                    hot=[(1, 0, "1.0 × 2.0 = 2.0")], standalone=True)  # fmt: skip
    root = ET.fromstring(svg)
    groups = root.findall(".//{http://www.w3.org/2000/svg}g[@transform]")
    for group, color in zip(groups, (layout.VISIT, layout.RECEIVE)):
        box, ring = group.findall("{http://www.w3.org/2000/svg}rect")
        assert box.get("stroke") == layout.STROKE and box.get("stroke-width") == "1"
        assert ring.get("stroke") == color and ring.get("fill") == "none"
        gap = -float(ring.get("x")) - float(ring.get("stroke-width")) / 2 - 0.5
        assert gap >= 1.0, group.get("class")  # page shows between the ring and the box
        assert contrast(color, "#ffffff") >= 3.0, color
    visit_width, receive_width = (float(g.findall("{http://www.w3.org/2000/svg}rect")[1]
                                        .get("stroke-width")) for g in groups)  # fmt: skip
    assert visit_width > receive_width  # told apart by more than hue
