"""The ``neutroguide`` command line: one module per command group."""
