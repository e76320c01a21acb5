"""``autograd-lite draw``: value, gradients and picture of a formula; hostile formulas."""

import math
import os
import re
import shutil
import subprocess

import pytest
from cli_helpers import COMMAND, PNG, assert_one_line_error, run, run_command

from autograd_lite.cli import main

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


# --- draw ----------------------------------------------------------------------------------


def test_draw_prints_value_and_gradients_and_writes_graph_svg(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x*y + sin(x)", "x=2", "y=-3")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == f"f = x*y + sin(x) = {-6 + math.sin(2):.6g}"
    assert lines[1] == f"df/dx = {-3 + math.cos(2):.6g}"
    assert lines[2] == "df/dy = 2"
    assert lines[3] == "wrote graph.svg"
    svg = (tmp_path / "graph.svg").read_text()
    assert "<svg" in svg and ">x</text>" in svg and ">y</text>" in svg


@pytest.mark.parametrize(
    ("options", "name", "start"),
    [
        (["-o", "pic.png"], "pic.png", PNG),
        (["--format", "png"], "graph.png", PNG),
        (["--format", "dot"], "graph.dot", b"digraph"),
        (["-o", "g.txt", "--format", "dot"], "g.txt", b"digraph"),
        (["-o", "g.dot.bak", "--format", "dot"], "g.dot.bak", b"digraph"),
        (["-o", "g.gv"], "g.gv", b"digraph"),
        (["-o", "G.SVG"], "G.SVG", b"<?xml"),
        (["-o", "no-suffix"], "no-suffix", b"<?xml"),
        (["--steps"], "backprop.html", b"<!DOCTYPE html>"),
        (["--steps", "-o", "steps.html"], "steps.html", b"<!DOCTYPE html>"),
        (["--steps", "-o", "steps.htm"], "steps.htm", b"<!DOCTYPE html>"),
        (["-o", "out.html"], "out.html", b"<!DOCTYPE html>"),
        (["--format", "html"], "backprop.html", b"<!DOCTYPE html>"),
        (["--format", "html", "--steps", "-o", "a.htm"], "a.htm", b"<!DOCTYPE html>"),
    ],
)
def test_draw_formats(capsys, tmp_path, options, name, start):
    status, out, err = run(capsys, "draw", "tanh(x*y)", "x=2", "y=0.5", *options)
    assert status == 0, err
    assert out.splitlines()[-1] == f"wrote {name}"
    assert (tmp_path / name).read_bytes().startswith(start)


def test_draw_expression_without_variables(capsys):
    status, out, _ = run(capsys, "draw", "sin(0) + 2**3", "--format", "dot")
    assert status == 0
    assert out.splitlines()[0] == "f = sin(0) + 2**3 = 8"


def test_draw_expression_starting_with_minus_after_double_dash(capsys):
    status, out, _ = run(capsys, "draw", "--format", "dot", "--", "-x*y", "x=2", "y=3")
    assert status == 0
    assert out.splitlines()[:3] == ["f = -x*y = -6", "df/dx = -3", "df/dy = -2"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x*y", "x=2"], "unknown name 'y'"),
        (["x*y", "x=2", "y=3", "z=4"], "z: given but not used"),
        (["x*y", "x=2", "y=3", "x=4"], "x is given twice"),
        (["x*y", "x=2", "y=abc"], "'abc' is not a number"),
        (["x*y", "x=2", "y=nan"], "finite"),
        (["x*y", "x2", "y=3"], "not NAME=VALUE"),
        (["x*y", "x=2", "2y=3"], "not NAME=VALUE"),
        (["sin(x)", "sin=2", "x=1"], "sin is a function"),
        (["lambda*2", "lambda=1"], "lambda is a Python keyword; choose another variable name"),
        (["x", "x=1", "if=1"], "if is a Python keyword"),
        (["x", "x=1", "None=1"], "None is a Python keyword"),
        (
            ["x*y", "x=2", "y=3", "-o", "g.jpg"],
            "cannot write 'jpg' pictures: use --format svg, png, dot or html",
        ),
        (["2x + 3.5y", "x=2", "y=3"], "invalid decimal literal (for a product, write 2*x)"),
        (["x*y", "x=2", "y=3", "--format", "pdf"], "invalid choice"),
        (["x*y", "x=2", "y=3", "--steps", "--format", "svg"], "leave out --format"),
        (["x", "x=1", "-o", "g.svg", "--format", "png"], "a .svg file would not hold PNG"),
        (["x", "x=1", "-o", "g.png", "--format", "dot"], "a .png file would not hold DOT"),
        (["x", "x=1", "-o", "g.svg", "--steps"], "a .svg file would not hold HTML"),
        (["leaky_relu(x, 1e999)", "x=-1"], "slope must be a finite number"),
        (["log(x)", "x=-1"], "log is only defined for x > 0"),
        (["1 / (x - 1)", "x=1"], "division by zero"),
        (["x # *y", "x=2"], "a comment (#) is not allowed"),  # was drawn as f = x
        (["x # *y", "x=2", "y=3"], "a comment (#) is not allowed"),  # was "y: not used"
    ],
)
def test_draw_bad_input_is_a_short_error_and_writes_nothing(capsys, tmp_path, argv, words):
    status, out, err = run(capsys, "draw", *argv)
    assert status == 2
    assert "Traceback" not in err
    assert words in err.splitlines()[0]
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_big_graph_is_drawn_and_animated_in_part(capsys, tmp_path):
    big = "x" + "+1" * 300  # 601 nodes: more than a picture (150) or an animation (500) shows
    status, out, err = run(capsys, "draw", big, "x=1")
    assert status == 0, err
    assert "df/dx = 1" in out
    svg = (tmp_path / "graph.svg").read_text()
    picture = " ".join(re.sub(r"<[^>]+>", " ", svg).split())  # the text, over its lines
    assert "left out" in picture
    # the advice is what a user of the command can do, not a parameter it does not have
    assert (
        "the command line draws no more; from Python, draw_dot with max_nodes at least" in picture
    )
    assert "raise summary_nodes" not in picture
    status, out, err = run(capsys, "draw", big, "x=1", "-o", "graph.dot")  # the same advice
    assert status == 0, err
    source = " ".join(re.sub(r"<[^>]+>", " ", (tmp_path / "graph.dot").read_text()).split())
    assert "left out (the command line draws no more; from Python, draw_dot with" in source
    status, out, err = run(capsys, "draw", big, "x=1", "--steps")
    assert status == 0, err
    page = (tmp_path / "backprop.html").read_text()
    assert "left out" in page and "Every step still has its frame" in page
    assert "the command line animates no more" in page and "raise max_nodes" not in page


def test_a_domain_error_points_at_the_operation(capsys):
    _, _, err = run(capsys, "draw", "x + log(x - 5)", "x=2")
    first, shown, carets = err.splitlines()
    assert first == "autograd-lite draw: error: log(-3.0): log is only defined for x > 0"
    assert shown.strip() == "x + log(x - 5)"
    assert carets.strip() == "^" * len("log(x - 5)")
    assert carets.index("^") == shown.index("log")


def test_an_output_in_a_missing_folder_is_refused_before_anything_runs(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x", "x=1", "-o", str(tmp_path / "no" / "g.svg"))
    assert_one_line_error(status, err, "there is no folder", expected_status=1)
    assert out == ""


def test_a_picture_graphviz_cannot_lay_out_in_time_is_a_short_error(capsys, tmp_path, monkeypatch):
    slow = tmp_path / "slow-graphviz"  # stands in for Graphviz on a tangled graph
    slow.write_text("#!/bin/sh\nsleep 10\n")
    slow.chmod(0o755)
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", str(slow))
    monkeypatch.setattr("autograd_lite.cli.pictures.SECONDS", 0.5)
    status, _, err = run(capsys, "draw", "x + x", "x=1")
    assert_one_line_error(status, err, "could not lay out this graph in 0.5 s", expected_status=1)
    assert "--format dot" in err and "a node used many times makes a tangle" in err.lower()
    assert not (tmp_path / "graph.svg").exists()


# --- hostile expressions: refused or handled, nothing runs, no traceback ------------------------

SENTINEL = "pwned"  # a file that an expression would create if it were ever run

HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    f"open('{SENTINEL}', 'w').write('x') * x",
    f"exec(\"open('{SENTINEL}', 'w')\")",
    f"eval(\"open('{SENTINEL}', 'w')\")",
    f"(lambda: open('{SENTINEL}', 'w'))()",
    f"[open('{SENTINEL}', 'w') for _ in 'a']",
    f"x.__class__.__init__.__globals__['os'].system('touch {SENTINEL}')",
    "().__class__.__bases__[0].__subclasses__()",
    f"f\"{{open('{SENTINEL}', 'w')}}\" * x",
    f"x if open('{SENTINEL}', 'w') else x",
    "(x := 1) + x",
    "sin(*[x])",
    "sin(**{'x': 1})",
    f"sin(x, key=open('{SENTINEL}', 'w'))",
    "'a' * 10**9",
    "x[0]",
    "breakpoint()",
    "(" * 10_000 + "x" + ")" * 10_000,  # far too long: refused before Python's parser
    "(" * 300 + "x" + ")" * 300,  # short enough, but past Python's nesting limit
    "-" * 100_000 + "x",
]


@pytest.mark.parametrize("source", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_expressions_are_refused_before_anything_runs(capsys, tmp_path, source):
    status, out, err = run(capsys, "draw", "--", source, "x=1")
    assert status == 2
    assert "Traceback" not in err
    assert err.startswith("autograd-lite draw: error: ")
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # no sentinel file, and no picture either


@pytest.mark.parametrize(
    "source", ["9**9**9 * x", "x ** 1e308 ** 2", "exp(exp(exp(x)))", "10**400 * x", "-" * 998 + "x"]
)
def test_huge_and_deep_expressions_are_handled_quickly(capsys, source):
    # The contract: overflow is inf, never an OverflowError, and no giant integer is ever
    # computed (as Python ints, 9**9**9 would take minutes).
    status, out, err = run(capsys, "draw", "--format", "dot", "--", source, "x=2")
    assert "Traceback" not in err
    assert status == 0, err
    assert out.startswith(f"f = {source} = ")


def test_hostile_input_in_a_real_process(tmp_path):
    for source in (HOSTILE[0], "(" * 10_000 + "x" + ")" * 10_000, "x.__class__"):
        done = run_command("draw", "--", source, "x=1")
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert "error" in done.stderr
    done = run_command("draw", "x*y", "x=2", "y=oops")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_draw_in_a_real_process(tmp_path):
    done = run_command("draw", "x*y + sin(x)", "x=2", "y=-3", "-o", "g.svg")
    assert done.returncode == 0, done.stderr
    assert "df/dy = 2" in done.stdout
    assert len(done.stdout.splitlines()) == 4  # the drawing process repeats nothing
    assert (tmp_path / "g.svg").read_text().count("<svg") == 1


def test_dot_format_needs_no_graphviz_program(tmp_path):
    env = {**os.environ, "AUTOGRAD_LITE_GRAPHVIZ": str(tmp_path / "no-such-program")}
    done = run_command("draw", "x*x", "x=3", "--format", "dot", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    done = run_command("draw", "x*x", "x=3", env=env)  # svg needs the program: a clear error
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Graphviz" in done.stderr


@pytest.mark.parametrize("bad", ["\x1b[31m", "\x00", "\t", "\ud800"])
def test_a_control_character_or_lone_surrogate_is_refused_with_a_caret(capsys, tmp_path, bad):
    status, out, err = run(capsys, "draw", f"x*{bad}y", "x=2", "y=3")
    assert status == 2 and out == ""
    first, shown, carets = err.splitlines()
    assert first.startswith("autograd-lite draw: error: the expression must be one line")
    assert shown.strip().startswith("x*?") and carets.strip() == "^"
    assert "syntax" not in err and list(tmp_path.iterdir()) == []


def test_names_are_read_as_python_reads_them(capsys):
    status, out, err = run(capsys, "draw", "ｘ*2 + 𝑥", "ｘ=1", "--format", "dot")
    assert status == 0, err
    assert out.splitlines()[1:] == ["df/dx = 3", "wrote graph.dot"]


def test_an_html_output_is_the_animation(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x*y", "x=2", "y=3", "-o", "out.html")
    assert status == 0, err
    assert out.splitlines() == ["f = x*y = 6", "df/dx = 3", "df/dy = 2", "wrote out.html"]
    page = (tmp_path / "out.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "Step 1 of" in page


@pytest.mark.parametrize("argv", [[], ["-o", "graph.svg"]])
def test_a_folder_in_place_of_the_picture_is_refused_before_anything_runs(capsys, tmp_path, argv):
    (tmp_path / "graph.svg").mkdir()
    status, out, err = run(capsys, "draw", "x", "x=1", *argv)
    assert_one_line_error(status, err, "graph.svg: is a folder", expected_status=1)
    assert ("-o graph.svg" in err) == bool(argv)
    assert out == "" and [p.name for p in tmp_path.iterdir()] == ["graph.svg"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x", "x=inf"], "the value must be a finite number"),
        (["x", "x=1", "--time-limit", "0"], "--time-limit must be a number of seconds > 0"),
    ],
)
def test_draw_refuses_infinite_values_and_no_time(capsys, tmp_path, argv, words):
    status, out, err = run(capsys, "draw", *argv)
    assert status == 2 and words in err.splitlines()[0]
    assert out == "" and list(tmp_path.iterdir()) == []


def test_a_formula_that_is_one_variable_keeps_its_name(capsys, tmp_path):
    status, _, _ = run(capsys, "draw", "x", "x=2", "-o", "g.dot")
    assert status == 0
    source = (tmp_path / "g.dot").read_text()
    assert "<B>x</B>" in source and "<B>f</B>" not in source


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_as_the_output_is_refused_and_kept(capsys, tmp_path):
    os.mkfifo(tmp_path / "pipe.svg")
    status, out, err = run(capsys, "draw", "x", "x=1", "-o", "pipe.svg")
    assert_one_line_error(status, err, "-o pipe.svg: is not a regular file (a FIFO)", 1)
    assert out == "" and (tmp_path / "pipe.svg").is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.svg"]


def test_a_closed_output_does_not_stop_the_picture(tmp_path):
    # as in `autograd-lite draw ... | head -1`: the reader has gone before anything printed.
    # Its output to a pipe is buffered, as from a shell (PYTHONUNBUFFERED, if the tests run
    # with it, wrote every line at once: then an error from the buffer could not show).
    read, write = os.pipe()
    os.close(read)
    command = [str(COMMAND), "draw", "x*y + sin(x)", "x=2", "y=3", "-o", "hp.svg"]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    try:
        done = subprocess.run(command, stdout=write, stderr=subprocess.PIPE, timeout=120, env=env)
    finally:
        os.close(write)
    assert done.returncode == 0 and done.stderr == b""
    assert (tmp_path / "hp.svg").read_text().count("<svg") == 1


@pytest.mark.parametrize(
    ("argv", "result"),
    [
        (["x*y", "x=1", "y=2"], "f"),
        (["f*x", "f=3", "x=2"], "g"),
        (["f*g", "f=1", "g=2"], "h"),
        (["f*g*h", "f=1", "g=2", "h=3"], "f1"),
    ],
)
def test_the_result_is_named_apart_from_every_variable(capsys, tmp_path, argv, result):
    status, out, err = run(capsys, "draw", *argv, "-o", "g.dot")
    assert status == 0, err
    variables = [word.split("=")[0] for word in argv[1:]]
    named = [line.split(" = ")[0] for line in out.splitlines()[:-1]]
    assert named == [result] + [f"d{result}/d{name}" for name in variables]  # not df/df
    source = (tmp_path / "g.dot").read_text()
    for name in (result, *variables):
        assert source.count(f"<B>{name}</B>") == 1  # one box each


def test_a_long_file_name_is_written(capsys, tmp_path):
    name = "g" * 240 + ".svg"  # 244 characters: the file system takes it
    status, out, err = run(capsys, "draw", "x", "x=1", "-o", name)
    assert status == 0, err
    assert out.splitlines()[-1] == f"wrote {name}"
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    ("name", "said", "status"),
    [
        ("", "-o: give a file name, got an empty one", 2),
        ("g" * 300 + ".svg", "-o " + "g" * 300 + ".svg: File name too long", 1),
        ("d" * 300 + "/g.svg", f"-o {'d' * 300}/g.svg: there is no folder '{'d' * 300}'", 1),
    ],
)
def test_an_output_name_that_cannot_be_is_named_with_its_option(capsys, tmp_path, name, said,
                                                                 status):  # fmt: skip
    status_, out, err = run(capsys, "draw", "x", "x=1", "-o", name)
    assert_one_line_error(status_, err, said, status)
    assert out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("formula", "words"),
    [
        ("x", "a0, a1, a2, a3, a4 and 1,995 more: given but not used in 'x'"),
        ("x + z", "the variables are a0, a1, a10, a100, a1000 and 1,996 more"),
    ],
)
def test_many_variables_are_named_in_a_short_error(capsys, tmp_path, formula, words):
    # 2,000 NAME=VALUE pairs made a 20,000-character error line, every name in it.
    status, out, err = run(capsys, "draw", formula, "x=1", *(f"a{i}=1" for i in range(2000)))
    assert status == 2 and out == ""
    assert words in err.splitlines()[0]
    assert len(err.splitlines()[0]) < 300
    assert list(tmp_path.iterdir()) == []


# --- -o -: the picture on standard output ----------------------------------------------------

VALUES = ["f = x*y = 6", "df/dx = 3", "df/dy = 2"]


@pytest.mark.parametrize(
    ("options", "start"),
    [
        (["--format", "dot"], "digraph"),
        (["--format", "svg"], "<?xml"),
        ([], "<?xml"),  # svg, as for a file name without a suffix
        (["--format", "html"], "<!DOCTYPE html>"),
        (["--steps"], "<!DOCTYPE html>"),
    ],
)
def test_dash_output_writes_the_picture_to_standard_output(capsys, tmp_path, options, start):
    status, out, err = run(capsys, "draw", "x*y", "x=2", "y=3", *options, "-o", "-")
    assert status == 0, err
    assert out.startswith(start)
    assert err.splitlines() == VALUES  # beside the picture, not in it; no "wrote -"
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_dash_output_is_what_a_file_would_hold(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x*y", "x=2", "y=3", "--format", "dot", "-o", "-")
    assert status == 0, err
    run(capsys, "draw", "x*y", "x=2", "y=3", "-o", "g.dot")
    assert out == (tmp_path / "g.dot").read_text()


def test_dash_output_writes_png_bytes_to_a_pipe(capsysbinary, tmp_path):
    status = main(["draw", "x*y", "x=2", "y=3", "--format", "png", "-o", "-"])
    out, err = capsysbinary.readouterr()
    assert status == 0, err
    assert out.startswith(PNG) and out.rstrip().endswith(b"IEND\xaeB`\x82")
    assert err.decode().splitlines() == VALUES
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_dash_output_refuses_png_to_a_terminal(tmp_path):
    terminal, user = os.openpty()
    try:
        done = subprocess.run(
            [str(COMMAND), "draw", "x*y", "x=2", "y=3", "--format", "png", "-o", "-"],
            stdout=terminal, stderr=subprocess.PIPE, timeout=120,
        )  # fmt: skip
        os.set_blocking(user, False)
        try:
            shown = os.read(user, 1000)
        except BlockingIOError:
            shown = b""
    finally:
        os.close(terminal)
        os.close(user)
    err = done.stderr.decode()
    assert_one_line_error(done.returncode, err, "-o -: standard output is a terminal")
    assert "> graph.png" in err  # what to do instead
    assert shown == b""  # no PNG bytes, and no values either: nothing was done
    assert list(tmp_path.iterdir()) == []


def test_dash_output_to_a_closed_pipe_is_no_error(tmp_path):
    # `autograd-lite draw ... -o - | head -c 5`: the reader may go before the picture is written
    read, write = os.pipe()
    os.close(read)
    command = [str(COMMAND), "draw", "x*y", "x=2", "y=3", "--format", "dot", "-o", "-"]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    try:
        done = subprocess.run(command, stdout=write, stderr=subprocess.PIPE, timeout=120, env=env)
    finally:
        os.close(write)
    assert done.returncode == 0
    assert done.stderr.decode().splitlines() == VALUES  # no traceback, no "Broken pipe"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash (for PIPESTATUS)")
@pytest.mark.parametrize("format", ["dot", "svg", "png"])
def test_dash_output_piped_to_head(tmp_path, format):
    big = "x" + "+1" * 100  # its PNG is larger than a pipe holds (64 KiB): head leaves mid-way
    line = f"'{COMMAND}' draw '{big}' x=1 --format {format} -o - | head -c 5"
    done = subprocess.run(["bash", "-c", line + "; echo ${PIPESTATUS[0]} >&2"],
                          capture_output=True, timeout=120)  # fmt: skip
    err = done.stderr.decode()
    assert done.stdout == {"dot": b"digra", "svg": b"<?xml", "png": PNG[:5]}[format]
    assert "Traceback" not in err and "Broken pipe" not in err and "Exception" not in err
    assert err.splitlines()[-1] == "0"  # the status of autograd-lite
    assert list(tmp_path.iterdir()) == []


def test_a_file_named_dash_is_written_as_dot_slash_dash(capsys, tmp_path):
    status, out, err = run(capsys, "draw", "x*y", "x=2", "y=3", "--format", "dot", "-o", "./-")
    assert status == 0, err
    assert out.splitlines() == [*VALUES, "wrote ./-"]
    assert (tmp_path / "-").read_text().startswith("digraph")


def test_dash_output_sends_nothing_when_drawing_fails(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", str(tmp_path / "no-such-program"))
    status, out, err = run(capsys, "draw", "x*y", "x=2", "y=3", "-o", "-")
    assert status == 1 and out == ""  # not half a picture
    assert "no-such-program" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_dash_output_refuses_a_closed_standard_output(tmp_path):
    done = subprocess.run(
        [str(COMMAND), "draw", "x*y", "x=2", "y=3", "--format", "dot", "-o", "-"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
        preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    err = done.stderr.decode()
    assert_one_line_error(done.returncode, err, "-o -: standard output is closed")
    assert list(tmp_path.iterdir()) == []


def test_dash_output_refuses_png_where_standard_output_takes_only_text(monkeypatch, tmp_path):
    import io

    out = io.StringIO()  # (no .buffer: as set by a program that runs main() itself)
    monkeypatch.setattr("sys.stdout", out)
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    status = main(["draw", "x*y", "x=2", "y=3", "--format", "png", "-o", "-"])
    assert_one_line_error(status, err.getvalue(), "-o -: standard output takes only text here")
    assert out.getvalue() == "" and list(tmp_path.iterdir()) == []
    status = main(["draw", "x*y", "x=2", "y=3", "--format", "dot", "-o", "-"])
    assert status == 0 and out.getvalue().startswith("digraph")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a full disk)")
@pytest.mark.parametrize("format", ["dot", "png"])
def test_dash_output_to_a_full_disk_is_a_short_error(tmp_path, format):
    # `-o - > graph.dot` on a full disk: /dev/full refuses every write with "No space left".
    # Buffered, as from a shell: what is left in the buffer must not fail again at exit.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [str(COMMAND), "draw", "x*y", "x=2", "y=3", "--format", format, "-o", "-"],
            stdout=full, stderr=subprocess.PIPE, timeout=120, env=env,
        )  # fmt: skip
    err = done.stderr.decode()
    assert err.splitlines()[:3] == VALUES
    assert_one_line_error(done.returncode, "\n".join(err.splitlines()[3:]) + "\n",
                          "-o -: cannot write to standard output: No space left on device",
                          expected_status=1)  # fmt: skip
    assert "Exception ignored" not in err
