"""The typer application object; commands live one per module in this package."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from extractor.errors import ExtractorError

app = typer.Typer(
    name="extractor",
    help="Extract structured clinical-evidence records from abstracts and articles into SQLite.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: The database ``run`` writes and ``export`` reads when ``--db`` is not given.
DEFAULT_DB = Path("outputs/extractions.db")

F = TypeVar("F", bound=Callable)


def reports_errors(command: F) -> F:
    """Decorate a command so an ``ExtractorError`` prints ``Error: ...`` and exits 1 (also under CliRunner)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ExtractorError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]
