"""Subcommands of the ``footprint`` CLI, one module each (see footprint.cli.COMMANDS)."""
