"""``python -m autograd_lite.cli``: the same as the ``autograd-lite`` command."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
