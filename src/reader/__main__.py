"""`python -m reader` runs the same entry point as the `reader` command."""

import sys

from reader.cli.main import main

sys.exit(main())
