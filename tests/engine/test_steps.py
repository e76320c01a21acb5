"""backward_steps: the same pass as backward(), one node at a time."""

import collections
import math
import subprocess
import sys

import pytest
from graphs import reused

import autograd_lite as ag
from autograd_lite import Step, Value, backward_steps
from autograd_lite.names import expression
from autograd_lite.steps import formula, observe_steps, print_steps, replay, short, use_counts


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(-1.5, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(0.7, label="w2")
    b = Value(0.5, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    return out


softplus = ag.define_op(
    "softplus_steps",
    forward=lambda x: math.log1p(math.exp(x)),
    derivative=lambda x, out: (ag.sigmoid(x),),
)


def mixed():
    x, y = Value(0.3, label="x"), Value(1.7, label="y")
    terms = [x**2, 2.0**x, y**x, softplus(x * y), abs(-x), (x / y).relu(), ag.exp(-y)]
    return ag.sum(terms) + ag.dot([x, y, x], [y, y, 0.25]) * ag.mean([x, y])


GRAPHS = {"neuron": neuron, "reused": reused, "mixed": mixed}


def all_grads(root):
    return [g.hex() for g in (n.grad for n in ag.topological_order(root))]


@pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())
@pytest.mark.parametrize("seed", [1.0, -0.3])
def test_all_steps_leave_grads_bit_identical_to_backward(make, seed):
    expected, got = make(), make()
    for _ in range(2):  # twice: leaves accumulate, non-leaves are reset
        expected.backward(seed)
        collections.deque(backward_steps(got, seed), maxlen=0)
    assert all_grads(got) == all_grads(expected)


@pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())
def test_steps_visit_nodes_in_backward_order_with_one_contribution_per_edge(make):
    root = make()
    order = ag.topological_order(root)
    steps = list(root.backward_steps())
    assert [s.node for s in steps] == order[::-1]
    assert [s.index for s in steps] == list(range(len(order)))
    for step in steps:
        assert isinstance(step, Step)
        assert [p for p, _, _ in step.contributions] == list(step.node.parents)
        for _, local, product in step.contributions:
            assert product == step.upstream * local


def test_parents_already_include_the_step_when_it_is_yielded():
    root = neuron()
    for step in backward_steps(root):
        grads_now = {n: n.grad for n in ag.topological_order(root)}
        assert grads_now == replay(step)[0]
        for (parent, _, _), total in zip(step.contributions, step.running):
            if step.node.parents.count(parent) == 1:
                assert parent.grad == total


def test_the_root_gets_the_seed_and_its_upstream_is_the_seed():
    root = neuron()
    first = next(backward_steps(root, 2.5))
    assert first.node is root and first.upstream == 2.5


def test_a_leaf_as_root_accumulates_like_backward():
    a = Value(1.0)
    a.grad = 4.0
    (step,) = backward_steps(a)
    assert step.contributions == () and a.grad == 5.0


def test_reused_node_shows_its_running_sum():
    c = reused()
    steps = list(backward_steps(c))
    first, second = steps[0], steps[1]
    assert first.node.label == "c" and second.node.label == "b"
    assert [product for _, _, product in first.contributions] == [6.0, 6.0]
    assert first.running == (6.0, 12.0)  # b collects both uses in b * b
    assert second.upstream == 12.0
    assert second.running == (12.0, 24.0)  # a collects both uses in a + a
    assert "sum so far 12.0" in str(first)
    assert replay(first)[1][first.node.parents[0]] == 2  # two of b's two uses received


def test_a_million_deep_chain_never_recurses():
    x = Value(1.0, label="x")
    y = x
    for _ in range(1_000_000):
        y = -y
    count, last = 0, None
    for step in backward_steps(y):
        count += 1
        last = step
    assert count == 1_000_001
    assert x.grad == 1.0 and last.node is x


def test_a_step_prints_its_arithmetic():
    c = reused()
    text = [str(s) for s in backward_steps(c)]
    assert text[0] == "c = b * b: upstream 1.0 | b: 1.0 × 6.0 = 6.0, sum so far 6.0 | " + (
        "b: 1.0 × 6.0 = 6.0, sum so far 12.0"
    )
    assert text[-1] == "a (leaf): gradient 24.0"


@pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())
@pytest.mark.parametrize("seed", [1.0, -0.3])
def test_observing_is_backward_from_zero_and_changes_no_grad(make, seed):
    expected, got = make(), make()
    expected.backward(seed)
    got.backward(0.7)
    got.backward(0.7)  # the user's own gradients, leaves accumulated twice
    before = all_grads(got)
    steps = list(observe_steps(got, seed))
    assert all_grads(got) == before  # nothing read or changed
    final = replay(steps[-1])[0]
    assert [final[n].hex() for n in ag.topological_order(got)] == all_grads(expected)
    ag.zero_grad(ag.topological_order(expected))  # the pass by hand, from a true zero start
    by_hand = list(backward_steps(expected, seed))
    for mine, theirs in zip(steps, by_hand, strict=True):
        assert mine.index == theirs.index and mine.upstream == theirs.upstream
        assert [c[1:] for c in mine.contributions] == [c[1:] for c in theirs.contributions]
        assert mine.running == theirs.running


def test_print_steps_shows_this_pass_and_leaves_grads_alone(capsys):
    c = reused()
    c.backward()  # the example: print_steps after backward() printed 36 and 48
    nodes = ag.topological_order(c)
    before = [n.grad for n in nodes]
    print_steps(c)
    print_steps(c)
    assert [n.grad for n in nodes] == before == [24.0, 12.0, 1.0]
    first, second = capsys.readouterr().out.split("step  node")[1:]
    assert first == second
    sums = [line.split()[-1] for line in first.splitlines()[2:] if "leaf" not in line]
    assert sums == ["6.0", "12.0", "12.0", "24.0"]


def test_replay_starts_leaves_from_zero_even_on_top_of_earlier_grads():
    c = reused()
    c.backward()  # a.grad is 24 before the pass by hand ...
    steps = list(backward_steps(c))
    a = ag.topological_order(c)[0]
    assert a.grad == 48.0  # ... which accumulates, as backward() does
    assert replay(steps[-1])[0][a] == 24.0  # but the picture shows this pass's sum


def test_print_steps_prints_one_row_per_edge(capsys):
    print_steps(reused())
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["step", "node", "op", "upstream", "parent", "local", "product",
                                "sum", "so", "far"]  # fmt: skip
    rows = lines[2:]
    assert len(rows) == 2 + 2 + 1  # c: two edges, b: two edges, a: a leaf
    assert rows[1].split()[-1] == "12.0" and rows[3].split()[-1] == "24.0"


def test_numbers_are_short_and_readable():
    assert [short(x) for x in (-0.0, 0.0, 1e-12, 1e9, 2.0, 0.1234567, math.nan)] == [
        "-0.0", "0.0", "1e-12", "1e+9", "2.0", "0.1235", "nan",
    ]  # fmt: skip


def test_formula_uses_the_usual_notation():
    x = Value(2.0, label="x")
    assert formula(x**2) == "x**2"
    assert formula(x.tanh()) == "tanh(x)"
    assert formula(x * x) == "x * x"
    assert formula(softplus(x)) == "softplus_steps(x)"
    assert formula(x.leaky_relu(0.2)) == "leaky_relu(x, 0.2)"  # was "leaky_relu(0.2)(x)"


def test_backward_steps_needs_a_value():
    with pytest.raises(TypeError, match="needs a Value"):
        next(backward_steps(3.0))
    with pytest.raises(TypeError, match="observe_steps needs a Value"):
        next(observe_steps(3.0))

    class Node:  # the graph's protocol, but nothing to write a step with (no label, no op)
        parents, grad = (), 0.0

        def local_derivatives(self, create_graph=False):
            return ()

    for wrong in (Value, Node()):  # (the class Value is not a Value)
        with pytest.raises(TypeError, match="backward_steps needs a Value"):
            next(backward_steps(wrong))


def test_steps_do_not_import_graphviz():
    code = (
        "import sys, autograd_lite as ag\n"
        "x = ag.Value(2.0); y = x * x\n"
        "steps = list(y.backward_steps()); str(steps[0])\n"
        "assert 'graphviz' not in sys.modules, 'steps imported graphviz'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_steppers_check_their_arguments_at_the_call_not_at_the_first_step():
    with pytest.raises(TypeError, match="backward_steps needs a Value"):
        backward_steps(None)  # no next(): the call itself refuses
    with pytest.raises(TypeError, match=r"backward_steps\(gradient\)"):
        Value(1.0).backward_steps("1")
    with pytest.raises(TypeError, match="observe_steps needs a Value"):
        observe_steps(3.0)


def test_print_steps_names_itself_in_its_errors(capsys):
    with pytest.raises(TypeError, match=r"^print_steps needs a Value"):
        print_steps(3.0)
    with pytest.raises(TypeError, match=r"^print_steps\(gradient\)"):
        print_steps(Value(1.0), "x")
    assert capsys.readouterr().out == ""


def test_a_leaf_grad_that_is_no_number_is_refused_before_any_grad_changes():
    a, w1, b, w2 = (
        Value(v, label=n) for v, n in ((1.0, "a"), (2.0, "w1"), (3.0, "b"), (4.0, "w2"))
    )
    y = b * w2 + a * w1
    w1.grad = "0"
    with pytest.raises(TypeError, match=r"the \.grad of 'w1' is str.*set it to 0\.0"):
        next(backward_steps(y))
    assert (a.grad, b.grad, w2.grad, w1.grad) == (0.0, 0.0, 0.0, "0")


def test_a_leaf_grad_of_none_is_no_gradient_yet_as_in_backward():
    """backward reads None (PyTorch's zero_grad habit) as no gradient yet; the steps, which
    are backward done by hand, must too, to the last bit."""
    results = []
    for run in (Value.backward, lambda y: list(backward_steps(y))):
        a, w1, b, w2 = (Value(v) for v in (1.0, 2.0, 3.0, -4.0))
        y = (b * w2 + a * w1).relu()  # relu of -10: zeros reach every leaf
        w1.grad = None
        a.grad = None
        run(y)
        results.append([float.hex(v.grad) for v in (a, w1, b, w2)])
    assert results[0] == results[1]


def test_print_steps_to_a_file_name_says_to_open_the_file(capsys):
    x = Value(2.0)
    with pytest.raises(TypeError, match=r"print_steps: file needs an open text file.*open\("):
        print_steps(x * x, file="steps.txt")
    assert capsys.readouterr().out == ""  # checked first: nothing printed


def test_backward_steps_through_a_malformed_op_change_no_grad_before_they_say_why():
    bad = ag.define_op("steps_no_tuple", lambda x: 2 * x, lambda x, out: 2.0)
    a, b = Value(1.0), Value(2.0)
    a.grad = 7.0
    with pytest.raises(TypeError, match=r"op 'steps_no_tuple': derivative must return a tuple"):
        list(backward_steps(bad(b) + a * 3.0))  # a would be reached first
    assert (a.grad, b.grad) == (7.0, 0.0)


def test_a_step_names_an_unlabelled_node_once():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    o = (x * w).tanh()
    o.label = "o"
    first, second = (str(step) for step in list(backward_steps(o))[:2])
    assert first.startswith("o = tanh(x*w): upstream 1.0 | x*w: ")  # a label, then its formula
    assert second.startswith("x*w: upstream ")  # not "x*w = x * w"


def test_formula_writes_a_division_inline_and_counts_the_operands_it_leaves_out():
    x, y = Value(2.0, label="x"), Value(4.0, label="y")
    assert formula(x / y) == "x / y"
    assert formula(x - y) == "x - y"
    many = [Value(float(i), label=f"v{i}") for i in range(6)]
    assert formula(ag.sum(many)) == "sum(v0, v1, v2, … 3 more)"


def test_use_counts_counts_only_uses_by_the_nodes_given():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    a = x * y
    b = a + a
    counts = use_counts([b, a])  # x and y are not among the nodes: left out, not counted
    assert len(counts) == 2 and counts[a] == 2 and counts[b] == 0


def test_formula_brackets_an_operand_named_by_its_expression_where_the_order_needs_it():
    # e = (a*b - a)/b once read "e = a*b - a / b" in the animation: a different formula
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    assert formula((a * b - a) / b) == "(a*b - a) / b"
    assert formula((a + b) * (a - b)) == "(a + b) * (a - b)"
    assert formula(a - (b - a)) == "a - (b - a)"
    assert formula((a + b) ** 2) == "(a + b)**2"
    assert formula(2 ** (a + b)) == "2**(a + b)"
    assert formula(-(a + b)) == "-(a + b)"
    assert formula(a ** (b**2)) == "a ** b**2"
    assert formula((a**b) ** 2) == "(a**b)**2"
    assert formula(a * b + a) == "a*b + a"  # no brackets where none are needed
    assert formula((a * b).tanh()) == "tanh(a*b)"
    assert formula(a * -b) == "a * -b"
    assert formula(2 ** (a + b)) == "2**(a + b)"
    assert formula((-2) ** a) == "(-2)**a"  # not -2**a, which is -(2**a)


def test_formula_brackets_operands_as_the_names_do_no_more_and_no_fewer():
    # the formula of a node and the name of the same node (names.expression) agree on every
    # bracket: those the order needs, and none that it does not
    a, b, c = Value(1.5, label="a"), Value(2.0, label="b"), Value(0.5, label="c")
    for node, text in [
        (a / (b * c), "a / (b*c)"),  # a / b*c would be (a/b)*c
        ((a**b) ** c, "(a**b) ** c"),  # ** groups from the right
        (a ** (-c), "a ** (-c)"),  # as expression writes a**(-c)
        ((a + b) - c, "a + b - c"),
        (2 ** (a**2), "2**a**2"),
        (-(a**2), "-a**2"),  # ** binds tighter than the sign
    ]:
        assert formula(node) == text
        assert expression(node).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_print_steps_to_a_console_that_is_not_utf8_escapes_what_it_cannot_show(encoding):
    import io

    # a Windows console redirected to a file is cp1252; LC_ALL=C or PYTHONIOENCODING=ascii
    # make stdout ASCII: a shortened name (…) or a label of one's own (≈) must not crash it
    x, y = Value(2.0, label="x"), Value(3.0, label="y≈")
    out = ag.sum([x, y, x, y, x]) * y
    console = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    print_steps(out, file=console)
    console.flush()
    text = console.buffer.getvalue().decode(encoding)
    assert "y\\u2248" in text and "sum so far" in text
    assert ("\\u2026" in text) == (encoding == "ascii")  # (cp1252 has …)


def test_print_steps_keeps_its_columns_lined_up_when_it_writes_escapes():
    import io

    # the widths must be those of the cells as written: "x\\u2248" is 7 characters, not 2
    x, y = Value(2.0, label="x≈"), Value(3.0, label="y")
    console = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    print_steps(x * y, file=console)
    console.flush()
    header, rule, *rows = console.buffer.getvalue().decode("ascii").splitlines()
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    for line in [header, *rows]:  # every cell starts where its column does
        for start in starts[1:]:
            assert len(line) <= start or line[start - 2 : start] == "  ", line
    assert rows[0][starts[4] :].startswith("x\\u2248 ")  # the parent column


def test_the_tables_call_the_running_sum_what_a_step_calls_it(capsys):
    """Before: print_steps' last column was "parent sum", where a Step, the animation's
    caption and the boxes of every step picture say "sum so far" for the same number;
    notebook 01 shows the table and the steps one cell apart. The column is now
    "sum so far"."""
    c = reused()
    print_steps(c)
    header = capsys.readouterr().out.splitlines()[0]
    assert header.endswith("sum so far") and "parent sum" not in header
    assert "sum so far 12.0" in str(next(iter(observe_steps(c))))
