"""Drawing from the command line: a time limit on every Graphviz call, and whole files only."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_helpers import COMMAND, assert_one_line_error, run, run_command

from autograd_lite.cli.pictures import _start_method

pytest.importorskip("graphviz")
pytest.importorskip("matplotlib")


@pytest.fixture
def one_thread():
    """As far as the tests can, a process with one thread, the only kind the command forks
    (Python 3.12+ warns that a child forked beside other threads may deadlock): a progress
    bar of an earlier test leaves tqdm's monitor thread running for good, so it is stopped."""
    for thread in threading.enumerate():
        if type(thread).__module__ == "tqdm._monitor":
            thread.exit()  # (tqdm starts another with its next bar)


@pytest.fixture
def slow_graphviz(tmp_path, monkeypatch, one_thread):
    """A stand-in for Graphviz stuck on a tangled graph; it notes its process id. The
    command forks its drawing (one thread), so the stand-in starts well within 1 s."""
    slow = tmp_path.parent / f"{tmp_path.name}-slow-graphviz"
    pids = tmp_path.parent / f"{tmp_path.name}-pids"
    slow.write_text(f"#!/bin/sh\necho $$ >> {pids}\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setenv("AUTOGRAD_LITE_GRAPHVIZ", str(slow))
    monkeypatch.setattr("autograd_lite.cli.pictures.SECONDS", 1)
    return pids


def still_running(pid: int) -> bool:
    """True if process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def stopped_soon(pid: int, seconds: float = 5.0) -> bool:
    """True once process ``pid`` has stopped, within ``seconds``: a SIGKILL is sent at once,
    but on a busy machine the process can take a moment to die (make test ran red once
    while other tests ran beside it)."""
    deadline = time.monotonic() + seconds
    while still_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("options", [[], ["--steps"], ["-o", "steps.html"]])
def test_every_picture_has_a_time_limit_and_graphviz_is_stopped(capsys, tmp_path, slow_graphviz,
                                                                 options):  # fmt: skip
    # 1 s is time enough for a forked child to start Graphviz; a spawned one (the command's
    # choice beside other threads) can spend all of it starting Python again, on a busy machine
    assert _start_method() == "fork"
    start = time.monotonic()
    status, _, err = run(capsys, "draw", "x*y", "x=2", "y=3", *options)
    # stopped at its 1 s, not when the child's own Graphviz timeout (30 s) would end it
    assert time.monotonic() - start < 15
    assert_one_line_error(status, err, "could not lay out this graph in 1 s", expected_status=1)
    assert "--format dot" in err
    assert list(tmp_path.iterdir()) == []
    pids = [int(line) for line in slow_graphviz.read_text().split()]
    assert pids and all(stopped_soon(pid) for pid in pids)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_cleans_up_as_ctrl_c_does(tmp_path, slow_graphviz, name):
    (tmp_path / "keep.svg").write_text("the old picture")
    scratch = tmp_path.parent / f"{tmp_path.name}-scratch"  # the drawing's temporary folder
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    command = [str(COMMAND), "draw", "x*y", "x=1", "y=2", "-o", "keep.svg"]

    def as_in_a_terminal():  # the signal handled, even when the tests run under nohup
        signal.signal(getattr(signal, name), signal.SIG_DFL)

    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=as_in_a_terminal)  # fmt: skip
    deadline = time.monotonic() + 60
    while not slow_graphviz.exists() and time.monotonic() < deadline:  # Graphviz has started
        time.sleep(0.05)
    process.send_signal(getattr(signal, name))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + getattr(signal, name), err
    assert err == f"autograd-lite draw: error: stopped by {name}\n"
    assert (tmp_path / "keep.svg").read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.svg"]  # no temporary file
    assert list(scratch.iterdir()) == []
    pids = [int(line) for line in slow_graphviz.read_text().split()]
    assert pids and all(stopped_soon(pid) for pid in pids)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP")
def test_a_hangup_the_command_was_started_ignoring_stays_ignored(tmp_path, slow_graphviz):
    # as under nohup: the hangup does not stop it; the drawing's time limit (2 s) does
    def ignore_hangups():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    command = [str(COMMAND), "draw", "x*y", "x=1", "y=2", "-o", "g.svg", "--time-limit", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=ignore_hangups)  # fmt: skip
    deadline = time.monotonic() + 60
    while not slow_graphviz.exists() and time.monotonic() < deadline:  # Graphviz has started
        time.sleep(0.05)
    process.send_signal(signal.SIGHUP)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "could not lay out this graph in 2 s" in err, err


def test_demo_with_a_stuck_graphviz_writes_nothing(capsys, tmp_path, slow_graphviz):
    status, _, err = run(capsys, "demo", "--out", "results", "--epochs", "1", "--quiet")
    assert_one_line_error(status, err, "could not lay out this graph in 1 s", expected_status=1)
    assert list(tmp_path.iterdir()) == []  # no half-set of files, and no folder


def small_files(limit):
    """For a child process: no file it writes may grow past ``limit`` bytes (a full disk)."""
    resource = pytest.importorskip("resource")  # POSIX only
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("name", ["graph.svg", "graph.png", "graph.dot", "steps.html"])
def test_a_full_disk_leaves_the_old_picture_whole(tmp_path, name):
    old = tmp_path / name
    old.write_text("the old picture")
    big = "x" + " + 1" * 60
    done = run_command("draw", big, "x=1", "-o", name, preexec_fn=small_files(8 * 1024))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == f"autograd-lite draw: error: {name}: File too large\n"
    assert old.read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    done = run_command("draw", big, "x=1", "-o", name)
    assert done.returncode == 0, done.stderr
    assert os.path.getsize(old) > 8 * 1024  # it was big enough to hit the limit


def test_a_full_disk_during_training_keeps_every_old_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.json").write_text("old model")
    # (no bytecode written: under the 4 KiB limit Python would leave a cut-off .pyc of a
    # module not yet compiled, and every later import of it would fail)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = run_command("train", "--epochs", "2", "--samples", "20", "--out", "out", "--quiet",
                       env=env, preexec_fn=small_files(4 * 1024))  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == "autograd-lite train: error: out/model.json: File too large\n"
    assert [p.name for p in out.iterdir()] == ["model.json"]
    assert (out / "model.json").read_text() == "old model"


def test_the_time_limit_is_an_option(capsys, tmp_path, slow_graphviz):
    status, _, err = run(capsys, "draw", "x", "x=1", "--time-limit", "0.5")
    assert_one_line_error(status, err, "could not lay out this graph in 0.5 s", expected_status=1)
    assert "the time limit was reached" in err and "Allow more time (--time-limit" in err
    assert "tangle" not in err  # one node: no tangle to blame


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0", "--time-limit must be a number of seconds > 0, got 0"),
        ("-1", "--time-limit must be a number of seconds > 0, got -1"),
        ("inf", "--time-limit must be a finite number"),
        ("1e9", "--time-limit must be at most 3,600"),
        ("soon", "argument --time-limit: 'soon' is not a number"),
    ],
)
def test_a_bad_time_limit_is_refused_before_anything_runs(capsys, tmp_path, text, words):
    status, out, err = run(capsys, "draw", "x", "x=1", "--time-limit", text)
    assert_one_line_error(status, err, words)
    assert out == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pictures_are_drawn_with_any_way_of_starting_a_process(capsys, tmp_path, monkeypatch,
                                                                method, one_thread):  # fmt: skip
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setattr("autograd_lite.cli.pictures._start_method", lambda: method)
    status, _, err = run(capsys, "draw", "x*y", "x=2", "y=3", "-o", "g.svg")
    assert status == 0, err
    assert (tmp_path / "g.svg").read_text().count("<svg") == 1
    status, _, err = run(capsys, "demo", "--epochs", "1", "--quiet", "--out", "demo")
    assert status == 0, err
    assert ">w0</text>" in (tmp_path / "demo" / "neuron.svg").read_text()


def test_control_characters_in_a_message_are_never_sent_to_the_terminal(capsys):
    status, _, err = run(capsys, "draw", "x", "x=1", "--colour\x1b[2J", "red")
    assert status == 2 and "\x1b" not in err and "\\x1b[2J" in err


def test_control_characters_in_a_file_name_that_was_written_are_shown_as_escapes(capsys, tmp_path):
    status, out, _ = run(capsys, "draw", "x", "x=1", "-o", str(tmp_path / "g\x1b[2J.dot"))
    assert status == 0 and "\x1b" not in out and "g\\x1b[2J.dot" in out
    assert (tmp_path / "g\x1b[2J.dot").exists()


def test_a_drawing_process_that_dies_is_a_short_error(capsys, tmp_path, monkeypatch, one_thread):
    from autograd_lite.cli.draw import build

    parent = os.getpid()

    def die(*args, **kwargs):  # in the drawing process only
        if os.getpid() != parent:
            os._exit(3)  # as a crash would
        return build(*args, **kwargs)

    monkeypatch.setattr("autograd_lite.cli.pictures._start_method", lambda: "fork")
    monkeypatch.setattr("autograd_lite.cli.draw.build", die)
    status, _, err = run(capsys, "draw", "x", "x=1")
    assert_one_line_error(status, err, "the drawing process stopped (exit code 3)", 1)
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_in_any_script_prints_as_it_is(capsys, tmp_path):
    name = "shot 9.41\u202fAM \U0001f468\u200d\U0001f469.svg"  # a narrow no-break space, a ZWJ
    status, out, _ = run(capsys, "draw", "x", "x=1", "-o", str(tmp_path / name))
    assert status == 0 and name in out


def test_on_macos_the_drawing_is_spawned_as_python_does_there(monkeypatch, one_thread):
    # macOS offers fork, but its system libraries may run threads Python does not see, so a
    # forked child can crash; Python has spawned there by default since 3.8
    import multiprocessing

    all_three = ["spawn", "fork", "forkserver"]
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: all_three)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _start_method() == "spawn"
    monkeypatch.setattr(sys, "platform", "linux")
    assert _start_method() == "fork"
