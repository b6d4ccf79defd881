"""`python -m ditmap` runs the CLI."""

from ditmap.cli import main

raise SystemExit(main())
