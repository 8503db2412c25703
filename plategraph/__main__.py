"""``python -m plategraph``: the command line (see ``plategraph.cli``)."""

from .app.cli import main

raise SystemExit(main())
