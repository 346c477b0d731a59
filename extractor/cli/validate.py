"""``extractor validate PATH...``: check curated entries; one ``FILE:LINE: field: problem`` line each."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from extractor.cli.app import app, reports_errors


class ValidateFormat(str, Enum):
    """How problems are printed."""

    text = "text"
    json = "json"


@app.command("validate")
@reports_errors
def validate_command(
    paths: Annotated[list[Path], typer.Argument(
        help="Curated entries: .json files (a record or an array), .jsonl files, or folders of them.")],
    output_format: Annotated[ValidateFormat, typer.Option(
        "--format", "-f", help="text: FILE:LINE: field.path: problem (got VALUE); json: the same as data.")
    ] = ValidateFormat.text,
) -> None:
    """Check curated entries against the exchange format and plausibility rules; exit 1 when any is invalid."""
    from extractor.validate import validate_paths

    report = validate_paths(paths)
    if output_format is ValidateFormat.json:
        typer.echo(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    else:
        for problem in report.problems:
            typer.echo(str(problem))
        verdict = "all valid" if report.ok else f"{report.invalid} invalid, {len(report.problems)} problems"
        typer.echo(f"{len(report.entries)} entries in {len(report.files)} files: {verdict}", err=True)
    if not report.files:
        typer.echo("Error: no .json or .jsonl files found under the paths given", err=True)
    if not report.ok or not report.files:
        raise typer.Exit(1)
