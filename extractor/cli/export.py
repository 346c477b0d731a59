"""``extractor export --db DB --format jsonl|json|csv --output FILE``: write the stored records."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from extractor.cli.app import DEFAULT_DB, app, reports_errors


class ExportFormat(str, Enum):
    """Output formats: exchange-format records (JSONL, JSON array) or the long CSV of outcome values."""

    jsonl = "jsonl"
    json = "json"
    csv = "csv"


class RecordSource(str, Enum):
    """Which stored records to export."""

    best = "best"
    extracted = "extracted"
    curated = "curated"


@app.command("export")
@reports_errors
def export_command(
    db: Annotated[Path, typer.Option("--db", help="SQLite database written by `extractor run`.")] = DEFAULT_DB,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="jsonl/json: one exchange-format record per document; "
                               "csv: one row per outcome value.")] = ExportFormat.jsonl,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write (replaced atomically); standard output when omitted.")] = None,
    source: Annotated[RecordSource, typer.Option(
        "--source", help="extracted, curated, or best (curated where there is one, else extracted).")] = RecordSource.best,
    evidence: Annotated[bool, typer.Option(
        "--evidence/--no-evidence", help="Include the project's evidence and provenance fields.")] = True,
) -> None:
    """Export the records stored in DB, one per document, in the exchange format (or the long CSV)."""
    from extractor.export import export_records
    from extractor.store import open_store

    store = open_store(db, create=False)
    try:
        count = export_records(store, output, fmt=fmt.value, source=source.value, with_extensions=evidence,
                               stream=sys.stdout)
    finally:
        store.close()
    if output is not None:
        typer.echo(f"exported {count} records ({fmt.value}, {source.value}) to {output}")
