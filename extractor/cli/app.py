"""The typer application object; commands live one per module in this package."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="extractor",
    help="Extract structured clinical-evidence records from abstracts and articles into SQLite.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
