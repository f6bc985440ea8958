"""``python -m bot`` is the ``ascolto`` command."""

from bot.cli import main

raise SystemExit(main())
