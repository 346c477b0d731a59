"""Command-line interface: the thinnest layer (parse arguments, call one library function, print).

Each command is a module of this package that registers itself on ``app``.
Heavy libraries (spaCy, pdfplumber) are imported inside command bodies so
that ``extractor --help`` stays instant.
"""

from __future__ import annotations

import logging
import sys

from extractor.cli.app import app
from extractor.errors import ExtractorError

# Command modules register themselves on ``app`` when imported.
from extractor.cli import commands  # noqa: E402,F401

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: ``ExtractorError`` becomes ``Error: ...`` and exit code 1."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except ExtractorError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(1)
