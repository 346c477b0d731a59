"""``extractor evaluate GOLD PREDICTIONS``: per-field accuracy and precision/recall/F1 against gold."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from extractor.cli.app import app, reports_errors

if TYPE_CHECKING:
    from extractor.evaluate import DocumentResult, Evaluation


class OutputFormat(str, Enum):
    """How the figures are printed."""

    table = "table"
    json = "json"


class Match(str, Enum):
    """How predictions are paired with gold documents."""

    auto = "auto"
    source_file = "source_file"
    id = "id"


class Source(str, Enum):
    """Which records of a database to read."""

    curated = "curated"
    extracted = "extracted"
    best = "best"


@app.command("evaluate")
@reports_errors
def evaluate_command(
    gold: Annotated[Path, typer.Argument(
        metavar="GOLD",
        help="Gold: a folder of exchange-format *.json, a JSON/JSONL file, a numbers-only gold.jsonl "
             "(source_file, sample_sizes, means, sds), or a database (its curated records).")],
    predictions: Annotated[Path | None, typer.Argument(
        metavar="PREDICTIONS",
        help="Predictions: a JSONL/JSON file, a folder of *.json, or a database (its extracted records). "
             "Defaults to GOLD when GOLD is a database: curated against extracted in one database.")] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="table (for reading) or json (the reference scorers' layout).")] = OutputFormat.table,
    disagreements: Annotated[bool, typer.Option(
        "--disagreements", "-d", help="Also list, per document, each field where prediction and gold differ.")] = False,
    match: Annotated[Match, typer.Option(
        help="Pair predictions with gold by source file name, document id, or file name then id.")] = Match.auto,
    gold_source: Annotated[Source, typer.Option(help="Records read from a GOLD database.")] = Source.curated,
    predicted_source: Annotated[Source, typer.Option(
        help="Records read from a PREDICTIONS database.")] = Source.extracted,
) -> None:
    """Score PREDICTIONS against GOLD: per-field accuracy and precision/recall/F1, as shared/eval's scorers do."""
    from extractor.evaluate import evaluate_paths, is_database

    if predictions is None and not is_database(gold):
        raise typer.BadParameter("required unless GOLD is a database (then its curated records are compared "
                                 "with its extracted ones)", param_hint="PREDICTIONS")
    result = evaluate_paths(gold, predictions or gold, match=match.value,
                            gold_source=gold_source.value, predicted_source=predicted_source.value)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(disagreements=disagreements), indent=1, ensure_ascii=False))
    else:
        _print_tables(result, disagreements=disagreements)


def _print_tables(result: Evaluation, *, disagreements: bool) -> None:
    """Summary line, the accuracy table, the set table and, optionally, the disagreements."""
    console = Console()
    missing = len(result.missing_predictions)
    console.print(f"documents: {result.documents}  missing predictions: {missing}  (gold: {result.gold_format})",
                  markup=False, highlight=False)
    console.print(_accuracy_table(result.accuracy))
    if result.prf:
        console.print(_prf_table(result.prf))
    if disagreements:
        for document in result.per_document:
            _print_document(console, document)


def _accuracy_table(rows: dict[str, dict[str, Any]]) -> Table:
    """One row per accuracy field: acc and n (and abstentions for numbers-only gold)."""
    extra = any("abstained" in row for row in rows.values())
    table = Table("field", "acc", "n", *(["abstained"] if extra else []), title="accuracy", title_justify="left")
    for name, row in rows.items():
        cells = [name, "-" if row["acc"] is None else str(row["acc"]), str(row["n"])]
        table.add_row(*cells, *([str(row.get("abstained", ""))] if extra else []))
    return table


def _prf_table(rows: dict[str, dict[str, Any]]) -> Table:
    """One row per set field: precision, recall, F1 (3 places, as score.py prints) and the counts."""
    table = Table("field", "P", "R", "F1", "tp", "fp", "fn", title="precision / recall", title_justify="left")
    for name, row in rows.items():
        table.add_row(name, *(f"{row[k]:.3f}" for k in ("p", "r", "f1")), *(str(row[k]) for k in ("tp", "fp", "fn")))
    return table


def _print_document(console: Console, document: DocumentResult) -> None:
    """A document's disagreements, one ``field: gold ... | predicted ...`` line each."""
    label = document.key + (f" ({document.document_id})" if document.document_id else "")
    if not document.matched:
        console.print(Text(f"{label}: no prediction", style="bold red"))
        return
    if not document.disagreements:
        return
    count = len(document.disagreements)
    console.print(Text(f"{label}: {count} disagreement{'' if count == 1 else 's'}", style="bold"))
    width = max(len(item.field) for item in document.disagreements)
    for item in document.disagreements:
        line = f"  {item.field:{width}}  gold: {_show(item.gold)}  | predicted: {_show(item.predicted)}"
        console.print(Text(line), soft_wrap=True)


def _show(value: Any) -> str:
    """A value as a curator reads it: outcome values as 'measure, timepoint (days): value ± spread'."""
    if value is None:
        return "-"
    if isinstance(value, dict) and "measure" in value and "value" in value:
        return _show_outcome_value(value)
    if isinstance(value, dict) and set(value) == {"measure", "unit"}:
        return f"{value['measure']} [{value['unit'] or 'no unit'}]"
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        return f"{value['value']:g} {value['unit'] or ''}".strip()
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _show_outcome_value(value: dict[str, Any]) -> str:
    """``serum CK, 1 week (7 d), level: 886 ± 248, n=8 (mean_sd), p < 0.05``; ``4.5 (1.2 to 17.1)``; ``12 of 20``."""
    numbers = f"{value['value']}" + (f" ± {value['spread']}" if value.get("spread") is not None else "")
    if value.get("low") is not None or value.get("high") is not None:
        numbers += f" ({value.get('low')} to {value.get('high')})"
    if value.get("n") is not None:
        numbers += f" of {value['n']}" if value.get("statistic") == "count" else f", n={value['n']}"
    when = f"{value.get('timepoint') or 'no timepoint'} ({value.get('days')} d)"
    group = f" [{value['group']}]" if value.get("group") else ""
    p = value.get("p")
    p_text = f", p {p.get('op')} {p.get('value')}" if isinstance(p, dict) else ""
    return f"{value['measure']}{group}, {when}, {value.get('kind') or 'level'}: {numbers} ({value.get('statistic')}){p_text}"
