"""``extractor curate import PATH... --db DB``: store curated entries beside the extracted records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from extractor.cli.app import DEFAULT_DB, app, reports_errors

if TYPE_CHECKING:
    from extractor.curate import ImportResult

#: Unpaired entries listed one by one in the summary; the rest are counted.
SHOWN_UNMATCHED = 10

curate_app = typer.Typer(
    name="curate",
    help="Curated entries: hand-made or corrected records kept beside the extracted ones.",
    no_args_is_help=True,
)
app.add_typer(curate_app, name="curate")


@curate_app.command("import")
@reports_errors
def import_command(
    paths: Annotated[list[Path], typer.Argument(
        help="Curated entries: .json files (a record or an array), .jsonl files, or folders of them.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to write (created if missing).")] = DEFAULT_DB,
    curated_by: Annotated[str | None, typer.Option(
        "--curated-by", help="Who curated the entries (overrides their provenance.curated_by).")] = None,
    curated_at: Annotated[str | None, typer.Option(
        "--curated-at", help="When, as an ISO 8601 date or time (overrides provenance.curated_at).")] = None,
    align_by_file: Annotated[bool, typer.Option(
        "--align-by-file/--keep-ids", help="Store an entry whose document id has no extracted record under the id of "
                                           "the one extracted document with the same file name (e.g. file:002 -> "
                                           "sha256:...); --keep-ids stores every entry under its own id.")
    ] = True,
) -> None:
    """Validate and store curated entries (source "curated"); invalid ones are listed and skipped (exit 1)."""
    from extractor.curate import check_timestamp, import_curated
    from extractor.store import open_store

    check_timestamp(curated_at)  # before the database is created or touched
    store = open_store(db)
    try:
        result = import_curated(store, paths, curated_by=curated_by, curated_at=curated_at,
                                align_by_file=align_by_file)
    finally:
        store.close()
    _print_summary(result, db=db)
    if not result.ok:
        raise typer.Exit(1)


def _print_summary(result: ImportResult, *, db: Path) -> None:
    """Counts, entries without an extracted record (with a hint), and the problems of rejected entries."""
    new = len(result.imported) - result.replaced
    lines = [f"curated import: {len(result.files)} files -> {db}",
             f"  imported             {len(result.imported)}  ({new} new, {result.replaced} replaced)",
             f"  aligned by file name {len(result.aligned)}",
             f"  without extracted    {len(result.unmatched)}",
             f"  rejected             {len(result.rejected)}"]
    for item in result.unmatched[:SHOWN_UNMATCHED]:
        hint = f"; extracted as {', '.join(item.same_file)}" if item.same_file else ""
        lines.append(f"  no extracted record for {item.document_id} ({item.source_file}){hint}")
    if len(result.unmatched) > SHOWN_UNMATCHED:
        lines.append(f"  ... and {len(result.unmatched) - SHOWN_UNMATCHED} more without an extracted record")
    if any(item.same_file for item in result.unmatched):
        lines.append("  (without --keep-ids such entries are stored under the extracted document's id)")
    lines += [str(problem) for problem in result.problems]
    typer.echo("\n".join(lines))
