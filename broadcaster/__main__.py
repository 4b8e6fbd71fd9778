"""``python -m broadcaster`` runs the CLI."""

from broadcaster.cli import main

raise SystemExit(main())
