"""The `reader` command: argument parsing and one module per command group."""
