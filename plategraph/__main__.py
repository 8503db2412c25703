"""``python -m plategraph``: the command line (see ``plategraph.cli``)."""

from .cli import main

raise SystemExit(main())
