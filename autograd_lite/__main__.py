"""``python -m autograd_lite ...`` is the ``autograd-lite`` command."""

from .cli import main

raise SystemExit(main())
