"""``extractor merge SHARD... --db DB``: merge extraction databases (Dask shards) into one, without duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extractor.cli.app import DEFAULT_DB, app, reports_errors

#: Tables whose merged row counts the summary shows.
SHOWN_TABLES = ("documents", "records", "outcome_values", "input_files", "failures")


@app.command("merge")
@reports_errors
def merge_command(
    shards: Annotated[list[Path], typer.Argument(
        exists=True, dir_okay=False, readable=True,
        help="Extraction databases to merge, in order (a later shard wins where two hold the same record).")],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to merge into (created if missing).")] = DEFAULT_DB,
) -> None:
    """Merge SHARDS into DB: re-merging a shard changes nothing; each shard replaces what its inputs made before."""
    from extractor.distributed import merge_shards
    from extractor.store import open_store

    if any(shard.resolve() == db.resolve() for shard in shards):
        raise typer.BadParameter(f"{db} is the target database; it cannot also be a shard", param_hint="SHARDS")
    store = open_store(db)
    try:
        summary = merge_shards(shards, store=store)
    finally:
        store.close()
    counts = ", ".join(f"{summary.rows.get(table, 0)} {table}" for table in SHOWN_TABLES)
    typer.echo(f"run {summary.run_id}: merged {summary.shards} shards into {db}: {counts}")
