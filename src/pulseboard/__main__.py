"""`python -m pulseboard` runs the `pulse` command line."""

from pulseboard.cli.main import main

raise SystemExit(main())
