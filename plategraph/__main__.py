"""``python -m plategraph``: the command line (see ``plategraph.app.cli``)."""

from .app.cli import main

raise SystemExit(main())
