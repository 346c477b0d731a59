"""``extractor run PATH... [--db DB] [--workers N] [--engine local|dask] [--scheduler ADDRESS]``.

Extracts every input under PATH into the database: in ``--workers`` processes
on this machine (``extractor.batch``), or as tasks on a Dask cluster, one
SQLite shard per task, merged into the database (``extractor.distributed``).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from extractor.cli.app import DEFAULT_DB, app, reports_errors

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from extractor.batch import RunSummary
    from extractor.store import Store

class Engine(str, Enum):
    """Where extraction runs."""

    local = "local"
    dask = "dask"


#: Failures listed one by one in the summary; the rest are counted and left in the ``failures`` table.
SHOWN_FAILURES = 20


@app.command("run")
@reports_errors
def run_command(
    paths: Annotated[list[Path], typer.Argument(
        exists=True, readable=True, help="Input files and folders (folders are read recursively).")],
    db: Annotated[Path, typer.Option("--db", help="SQLite database to write (created if missing).")] = DEFAULT_DB,
    full_text: Annotated[bool, typer.Option(
        "--full-text", help="Read whole articles (PDF bodies), not only abstracts.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 1 when any input failed.")] = False,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Input files written per database transaction.")] = 128,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, show_default="the number of cores; 1 for small inputs",
        help="Extraction processes (1: all in this process).")] = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="local: worker processes on this machine; dask: tasks on a Dask cluster, "
        "one SQLite shard per task, merged into --db.")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786); without it --engine dask starts "
        "a local cluster of --workers processes.")] = None,
    shards: Annotated[Path | None, typer.Option(
        "--shards", file_okay=False, help="Folder for the Dask shards, readable by this machine and "
        "writable by the workers (default: DB.shards beside the database).")] = None,
) -> None:
    """Read, extract and store every input under PATHS; print what was read, stored, skipped and failed."""
    if engine is Engine.local and (scheduler or shards):
        raise typer.BadParameter("only with --engine dask", param_hint="--scheduler" if scheduler else "--shards")
    # Imported here so that `extractor --help` does not load the extraction modules.
    from extractor.store import open_store

    store = open_store(db)
    try:
        with _progress_bar() as progress:
            summary = _run(engine, paths, store=store, full_text=full_text, batch_size=batch_size,
                           workers=workers, scheduler=scheduler, shards=shards, progress=progress)
    finally:
        store.close()
    _print_summary(summary, db=db)
    if summary.interrupted:
        raise typer.Exit(130)
    if strict and summary.failed:
        raise typer.Exit(1)


def _run(engine: Engine, paths: list[Path], *, store: Store, full_text: bool, batch_size: int, workers: int | None,
         scheduler: str | None, shards: Path | None, progress: Callable[[int, int, str], None] | None,
         ) -> RunSummary:
    """Call the engine's run function."""
    if engine is Engine.dask:
        from extractor.distributed import run_dask

        return run_dask(paths, store=store, scheduler=scheduler, workers=workers, shard_dir=shards,
                        full_text=full_text, progress=progress)
    from extractor.batch import run_batch

    return run_batch(paths, store=store, full_text=full_text, batch_size=batch_size, workers=workers,
                     progress=progress)


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on a terminal; nothing in a pipe or on CI."""
    console = Console(stderr=True)
    if not console.is_terminal or os.environ.get("CI"):
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("extracting", total=None)

        def advance(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name[-40:])

        yield advance


def _print_summary(summary: RunSummary, *, db: Path) -> None:
    """The run's counts, its failures (the first ``SHOWN_FAILURES``), and where to look for the rest."""
    rows = (
        ("documents read", summary.documents_read),
        ("stored", summary.stored),
        ("skipped (unchanged)", f"{summary.skipped}  ({summary.skipped_files} files)"),
        ("failed", summary.failed),
        ("elapsed", f"{summary.elapsed:.2f} s  ({summary.documents_per_second:.1f} documents/s)"),
    )
    lines = [f"run {summary.run_id}: {summary.files} input files -> {db}"]
    lines += [f"  {label:<20} {value}" for label, value in rows]
    if summary.interrupted:
        lines.append("  interrupted: run the same command again to do the rest")
    for failure in summary.failures[:SHOWN_FAILURES]:
        where = failure.source_file + (f" (record {failure.record})" if failure.record else "")
        lines.append(f"  FAILED {where}: {failure.reason}")
    if summary.failed > SHOWN_FAILURES:
        lines.append(f"  ... and {summary.failed - SHOWN_FAILURES} more: see the failures table of {db}")
    typer.echo("\n".join(lines))
