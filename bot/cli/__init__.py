"""The composition root: the ``gridbot`` commands, and the one place that wires handlers,
runtime, adapters and storage together (``bot.cli.wiring``)."""

from bot.cli.main import main

__all__ = ["main"]
