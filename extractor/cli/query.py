"""``extractor query [SQL] --db DB [filters]``: read-only SQL, filters without SQL, full-text search."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from extractor.cli.app import DEFAULT_DB, app, reports_errors

if TYPE_CHECKING:
    from extractor.query import QueryResult

#: Width of the table when the output is not a terminal (a pipe, a file, a test runner).
PIPE_WIDTH = 200
#: Longest cell shown in the table format (titles are long); csv and json are never cut.
MAX_CELL = 60


class QueryFormat(str, Enum):
    """How rows are printed."""

    table = "table"
    csv = "csv"
    json = "json"


class QuerySource(str, Enum):
    """Which records the filters read."""

    best = "best"
    extracted = "extracted"
    curated = "curated"


@app.command("query")
@reports_errors
def query_command(
    sql: Annotated[str | None, typer.Argument(
        help="One SQL statement, run read-only (e.g. \"SELECT * FROM study_overview\"). Omit it to use the filters.")
    ] = None,
    db: Annotated[Path, typer.Option("--db", help="SQLite database written by `extractor run`.")] = DEFAULT_DB,
    output_format: Annotated[QueryFormat, typer.Option("--format", "-f", help="table, csv or json.")
                             ] = QueryFormat.table,
    design: Annotated[list[str] | None, typer.Option(help="Design type, e.g. rct (repeat for any of several).")] = None,
    cell_source: Annotated[list[str] | None, typer.Option(help="Cell source, e.g. umbilical_cord (repeatable).")] = None,
    condition: Annotated[list[str] | None, typer.Option(help="Words of a condition, e.g. lupus (repeatable).")] = None,
    measure: Annotated[list[str] | None, typer.Option(
        help="Whole words of an outcome measure or its alias, e.g. \"creatine kinase\" or CK (repeatable).")] = None,
    min_n: Annotated[int | None, typer.Option("--min-n", min=0, help="Smallest sample size.")] = None,
    year: Annotated[str | None, typer.Option(help="Year or range: 2015, 2010..2020, 2010.., ..2020.")] = None,
    search: Annotated[str | None, typer.Option(
        help="Full-text search of titles and abstracts (FTS5 syntax): \"mesenchymal AND lupus\".")] = None,
    values: Annotated[bool, typer.Option(
        "--values", help="One row per outcome value (the meta-analysis table) instead of one per study.")] = False,
    source: Annotated[QuerySource, typer.Option(
        help="Records to read: best (curated where there is one), extracted or curated.")] = QuerySource.best,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many rows.")] = None,
) -> None:
    """Query DB read-only: run SQL, or filter studies (or their outcome values) without SQL."""
    from extractor.query import QueryError, StudyFilters, find_studies, find_values, parse_years, run_sql
    from extractor.store import open_store

    filtering = any([design, cell_source, condition, measure, min_n is not None, year, search, values, limit])
    if sql is not None and filtering:
        raise typer.BadParameter("give either SQL or filters (--design, --search, ...), not both", param_hint="SQL")
    try:
        years = parse_years(year) if year else None
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--year") from exc
    store = open_store(db, read_only=True)
    try:
        if sql is not None:
            result = run_sql(store, sql)
        else:
            filters = StudyFilters(tuple(design or ()), tuple(cell_source or ()), tuple(condition or ()),
                                   tuple(measure or ()), min_n, years, search, source.value, limit)
            result = (find_values if values else find_studies)(store, filters)
    finally:
        store.close()
    _print_result(result, output_format)


def _print_result(result: QueryResult, output_format: QueryFormat) -> None:
    """The rows in the chosen format; the table ends with a row count on standard error."""
    from extractor.query import write_result

    if output_format is not QueryFormat.table:
        write_result(result, sys.stdout, fmt=output_format.value)
        return
    console = Console(width=None if Console().is_terminal else PIPE_WIDTH)
    table = Table(*result.columns, show_lines=False, header_style="bold")
    for row in result.rows:
        table.add_row(*(_cell(value) for value in row))
    console.print(table)
    typer.echo(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", err=True)


def _cell(value: Any) -> Text:
    """A value as a table cell (plain text, never markup): empty for null, ``7`` for ``7.0``, long text cut."""
    if value is None:
        return Text("")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return Text(text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…")
