"""Export stored records: JSONL / JSON (one exchange-format record per document) or the long CSV.

The JSON forms are the records as stored (``schema_version``, ``document``,
``design``, ``population``, ``intervention``, ``outcomes``, plus the project's
``field_evidence``, ``provenance`` and per-value ``evidence`` unless
``with_extensions=False``). Extracted records are format 1.1; a curated entry
keeps the version it was written in, since a version 1 entry does not follow
1.1's conventions (events as count plus percent, effect estimates). The CSV is
the table a meta-analyst wants: one row per outcome value, with the study
columns repeated on each row; an effect estimate's row names it in
``statistic`` with its CI in ``low``/``high``, a count's row has its total in
``n``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from extractor.errors import ExtractorError
from extractor.store import Store

FORMATS = ("jsonl", "json", "csv")

#: CSV columns, in order (FORMAT.md names; ``group`` is the arm label).
CSV_COLUMNS = (
    "document_id", "source_file", "title", "year", "design_type", "sample_size", "cell_sources",
    "measure", "unit", "group", "timepoint", "days", "kind", "statistic", "value", "spread", "low", "high",
    "n", "p_op", "p_value", "source",
)


def export_records(store: Store, output: Path | None, *, fmt: str, source: str = "best",
                   with_extensions: bool = True, stream: TextIO | None = None) -> int:
    """Write the store's records to ``output`` (atomically) or ``stream``; return records written."""
    if fmt not in FORMATS:
        raise ExtractorError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    records = (_plain(r) if not with_extensions else r for r in store.iter_records(source=source))
    if output is None:
        return write_records(records, stream or sys.stdout, fmt=fmt)
    return _write_atomically(output, lambda fh: write_records(records, fh, fmt=fmt))


def write_records(records: Iterable[dict[str, Any]], fh: TextIO, *, fmt: str) -> int:
    """Write ``records`` to an open text stream in ``fmt``; return how many were written."""
    count = 0
    if fmt == "jsonl":
        for count, record in enumerate(records, start=1):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "json":
        items = list(records)
        json.dump(items, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
        count = len(items)
    else:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for count, record in enumerate(records, start=1):
            writer.writerows(value_rows(record))
    return count


def value_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The CSV rows of one record: one per outcome value."""
    document = record["document"]
    study = {
        "document_id": document["id"], "source_file": document.get("source_file"),
        "title": document.get("title"), "year": document.get("year"),
        "design_type": (record.get("design") or {}).get("type"),
        "sample_size": (record.get("population") or {}).get("sample_size"),
        "cell_sources": ";".join((record.get("intervention") or {}).get("cell_sources") or []),
        "source": (record.get("provenance") or {}).get("source", "extracted"),
    }
    for outcome in record.get("outcomes", []):
        for value in outcome.get("values", []):
            p = value.get("p") or {}
            yield {**study, "measure": outcome["measure"], "unit": outcome.get("unit"),
                   **{key: _number(value.get(key)) for key in ("days", "value", "spread", "low", "high", "n")},
                   "group": value.get("group"), "timepoint": value.get("timepoint"), "kind": value.get("kind"),
                   "statistic": value.get("statistic"), "p_op": p.get("op"), "p_value": _number(p.get("value"))}


def _number(value: Any) -> Any:
    """``7.0`` -> ``7`` so integers read as integers; other values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """The record without project-only fields (evidence, provenance)."""
    record = {k: v for k, v in record.items() if k not in ("field_evidence", "provenance")}
    record["outcomes"] = [
        {**o, "values": [{k: v for k, v in value.items() if k != "evidence"} for value in o.get("values", [])]}
        for o in record.get("outcomes", [])
    ]
    return record


def _write_atomically(output: Path, write) -> int:
    """Write through a temporary file renamed over ``output``, so a failed export leaves no half file."""
    if output.is_dir():
        raise ExtractorError(f"{output} is a folder; --output needs a file path such as outputs/records.jsonl")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    except OSError as exc:
        raise ExtractorError(f"{output}: cannot write there ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count = write(fh)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return count
