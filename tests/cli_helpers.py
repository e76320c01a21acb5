"""What the command-line tests share: running the command in this process or a real one."""

import subprocess
import sys
from pathlib import Path

from autograd_lite.cli import main

COMMAND = Path(sys.executable).with_name("autograd-lite")  # the installed console script
PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    """``main(argv)`` in this process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_command(*argv, env=None, **options):
    """The installed ``autograd-lite`` in a real process."""
    return subprocess.run(
        [str(COMMAND), *argv], capture_output=True, text=True, timeout=120, env=env, **options
    )


def assert_one_line_error(status, err, words, expected_status=2):
    assert status == expected_status
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert "error" in err and words in err
