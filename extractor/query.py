"""Read-only queries of an extraction database: SQL, filters without SQL, and full-text search.

- ``run_sql``: one statement on a store opened read-only (``open_store(path,
  read_only=True)``), so a write fails with ``StoreError``.
- ``find_studies`` / ``find_values``: the filters an analyst asks for most
  (design, cell source, condition, measure, minimum sample size, years,
  full-text search), one row per study or one per outcome value. A repeated
  filter matches any of its values; different filters must all match. A
  condition matches as a substring ("lupus" finds "lupus nephritis"); a
  measure matches whole words of the name or an alias ("CK" finds "serum CK",
  not "back pain").
  ``source="best"`` keeps one record per document (curated where there is
  one), as ``export --source best`` does.
- ``write_result``: a result as CSV or JSON.

Full-text search uses the store's FTS5 index over titles and abstracts
(``Store.search``, sqlite-utils), in FTS5 query syntax: ``mesenchymal AND
lupus``, ``"umbilical cord"``, ``lupus NOT mouse``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from extractor.errors import ExtractorError
from extractor.store import EXPORT_SOURCES, Store

#: Output formats of ``write_result`` (the CLI adds ``table``).
RESULT_FORMATS = ("csv", "json")
#: Bounds of the year filter when one side is open ("2015..").
YEAR_FLOOR, YEAR_CEILING = 0, 9999

# A year or a range of years: "2015", "2010..2020", "2010..", "..2020" (also "2010-2020").
YEAR_RANGE = re.compile(r"^\s*(\d{4})?\s*(\.\.|-)?\s*(\d{4})?\s*$")

#: Characters read as word breaks in measure names and aliases ("MMT-8", "CK (U/L)", "FEV1/FVC").
WORD_BREAKS = "-(),/;:[]\"'"
# A measure query cut into words the same way: "Creatine-Kinase" -> "creatine kinase".
WORD_BREAK = re.compile("[" + re.escape(WORD_BREAKS) + r"\s]+")


def _words_sql(expression: str) -> str:
    """SQL of ``expression`` with word breaks as single spaces, padded: ``serum CK (U/L)`` -> `` serum ck u l ``."""
    for char in WORD_BREAKS:
        expression = f"replace({expression}, '{char.replace(chr(39), chr(39) * 2)}', ' ')"
    for _ in range(2):  # "serum (CK)" -> "serum  ck " -> "serum ck "
        expression = f"replace({expression}, '  ', ' ')"
    return f"(' ' || {expression} || ' ')"


# A measure matches when its name or an alias holds the query's words as whole words, so "CK" finds
# "serum CK" but not "back pain"; ``q.value`` is the query already cut into words (``measure_words``).
_MEASURE_MATCH = (f"(instr({_words_sql('lower(o.measure)')}, ' ' || q.value || ' ') > 0 OR EXISTS (SELECT 1 "
                  f"FROM json_each(coalesce(o.aliases, '[]')) a WHERE instr({_words_sql('lower(a.value)')}, "
                  "' ' || q.value || ' ') > 0))")

#: WHERE clauses of each filter over ``records r`` and ``documents d``; ``?`` takes a JSON array of the values.
FILTER_CLAUSES = {
    "designs": "r.design_type IN (SELECT value FROM json_each(?))",
    "cell_sources": "EXISTS (SELECT 1 FROM json_each(r.cell_sources) s WHERE s.value IN (SELECT value FROM json_each(?)))",
    "conditions": ("EXISTS (SELECT 1 FROM json_each(r.conditions) c, json_each(?) q "
                   "WHERE instr(lower(c.value), lower(q.value)) > 0)"),
    "measures": f"EXISTS (SELECT 1 FROM outcomes o, json_each(?) q WHERE o.record_id = r.id AND {_MEASURE_MATCH})",
    "document_ids": "d.id IN (SELECT value FROM json_each(?))",
}
#: The same measure filter on one outcome ``o`` (for value rows: only the values of matching measures).
VALUE_MEASURE_CLAUSE = f"EXISTS (SELECT 1 FROM json_each(?) q WHERE {_MEASURE_MATCH})"
#: Records of one source; ``best``: the curated record where a document has one, else the extracted one.
SOURCE_CLAUSES = {
    "extracted": "r.source = 'extracted'",
    "curated": "r.source = 'curated'",
    "best": ("(r.source = 'curated' OR NOT EXISTS (SELECT 1 FROM records c "
             "WHERE c.document_id = r.document_id AND c.source = 'curated'))"),
}

#: One row per study record: what a reviewer scans first (list columns joined with "; ").
STUDIES_SQL = """
SELECT d.id AS document_id, r.source, d.source_file, d.year, r.design_type, r.sample_size,
       (SELECT group_concat(value, '; ') FROM json_each(r.conditions)) AS conditions,
       (SELECT group_concat(value, '; ') FROM json_each(r.cell_sources)) AS cell_sources,
       (SELECT count(*) FROM outcome_values v WHERE v.record_id = r.id) AS outcome_values, d.title
FROM records r JOIN documents d ON d.id = r.document_id
WHERE {where}
ORDER BY d.source_file, d.id, r.source
"""
#: One row per outcome value: the long table a meta-analysis reads.
VALUES_SQL = """
SELECT d.id AS document_id, r.source, d.source_file, d.year, r.design_type, r.sample_size, o.measure, o.unit,
       v.group_label AS "group", v.timepoint, v.days, v.kind, v.statistic, v.value, v.spread, v.low, v.high,
       v.n, v.p_op, v.p_value
FROM outcome_values v
JOIN outcomes o ON o.id = v.outcome_id
JOIN records r ON r.id = v.record_id
JOIN documents d ON d.id = r.document_id
WHERE {where}
ORDER BY d.source_file, d.id, r.source, o.position, v.position
"""


class QueryError(ExtractorError):
    """A query filter is malformed (a year range, a limit, an unknown source)."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Column names and rows of a query."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as ``{column: value}``."""
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclass(frozen=True, slots=True)
class StudyFilters:
    """Filters without SQL; empty ones are not applied."""

    designs: tuple[str, ...] = ()
    cell_sources: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    min_n: int | None = None
    years: tuple[int, int] | None = None
    search: str | None = None
    source: str = "best"
    limit: int | None = None


def run_sql(store: Store, sql: str) -> QueryResult:
    """Run one SQL statement (``StoreError`` when it fails or, on a read-only store, tries to write)."""
    if not sql.strip():
        raise QueryError("the SQL query is empty; give a statement such as 'SELECT * FROM study_overview'")
    columns, rows = store.query(sql)
    return QueryResult(tuple(columns), tuple(rows))


def find_studies(store: Store, filters: StudyFilters) -> QueryResult:
    """One row per study record matching ``filters`` (ranked by relevance when searching)."""
    return _find(store, filters, STUDIES_SQL, value_rows=False)


def find_values(store: Store, filters: StudyFilters) -> QueryResult:
    """One row per outcome value of the studies matching ``filters`` (only matching measures' values)."""
    return _find(store, filters, VALUES_SQL, value_rows=True)


def parse_years(text: str) -> tuple[int, int]:
    """``"2010..2020"`` -> ``(2010, 2020)``; ``"2015"`` -> ``(2015, 2015)``; open ends: ``"2010.."``, ``"..2020"``."""
    match = YEAR_RANGE.match(text)
    if not match or not (match.group(1) or match.group(3)) or (match.group(2) is None and match.group(3)):
        raise QueryError(f"--year {text!r}: expected YEAR or FROM..TO, e.g. 2015 or 2010..2020 (either end open)")
    low, sep, high = match.groups()
    years = (int(low) if low else YEAR_FLOOR, int(high) if high else (YEAR_CEILING if sep else int(low)))
    if years[0] > years[1]:
        raise QueryError(f"--year {text!r}: the first year is after the last")
    return years


def write_result(result: QueryResult, fh: TextIO, *, fmt: str) -> int:
    """Write ``result`` as CSV (a header row, then one line per row) or a JSON array of objects; return rows."""
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
    rows = [tuple(_number(value) for value in row) for row in result.rows]
    if fmt == "json":
        json.dump([dict(zip(result.columns, row)) for row in rows], fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    else:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(rows)
    return len(rows)


def _number(value: Any) -> Any:
    """``7.0`` -> ``7`` (SQLite REAL columns hold whole days and counts); other values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# ---------------------------------------------------------------- building the query


def _find(store: Store, filters: StudyFilters, template: str, *, value_rows: bool) -> QueryResult:
    """Build the WHERE clause, run it, order by search rank when searching, apply the limit."""
    if filters.source not in EXPORT_SOURCES:
        raise QueryError(f"unknown record source {filters.source!r}; use one of {', '.join(EXPORT_SOURCES)}")
    if filters.limit is not None and filters.limit < 1:
        raise QueryError(f"--limit {filters.limit}: give a positive number of rows")
    ranked = _search_ids(store, filters.search) if filters.search else None
    clauses, params = _where(filters, ranked, value_rows=value_rows)
    columns, rows = store.query(template.format(where=" AND ".join(clauses)), params)
    if ranked is not None:
        rank = {doc_id: position for position, doc_id in enumerate(ranked)}
        rows = sorted(rows, key=lambda row: rank[row[0]])  # stable: each document's rows keep their order
    return QueryResult(tuple(columns), tuple(rows[: filters.limit] if filters.limit else rows))


def _where(filters: StudyFilters, ranked: Sequence[str] | None, *, value_rows: bool) -> tuple[list[str], list[Any]]:
    """The AND-ed clauses and their parameters."""
    clauses, params = [SOURCE_CLAUSES[filters.source]], []
    measures = [measure_words(m) for m in filters.measures]
    lists = {"designs": filters.designs, "cell_sources": filters.cell_sources, "conditions": filters.conditions,
             "measures": measures, "document_ids": ranked}
    for name, values in lists.items():
        if values is not None and (values or name == "document_ids"):
            clauses.append(FILTER_CLAUSES[name])
            params.append(json.dumps(list(values), ensure_ascii=False))
    if value_rows and measures:
        clauses.append(VALUE_MEASURE_CLAUSE)
        params.append(json.dumps(measures, ensure_ascii=False))
    if filters.min_n is not None:
        clauses.append("r.sample_size >= ?")
        params.append(filters.min_n)
    if filters.years is not None:
        clauses.append("d.year BETWEEN ? AND ?")
        params.extend(filters.years)
    return clauses, params


def measure_words(text: str) -> str:
    """A measure query as the words it is matched by: ``"Creatine-Kinase "`` -> ``"creatine kinase"``."""
    words = WORD_BREAK.sub(" ", text.lower()).strip()
    if not words:
        raise QueryError(f"--measure {text!r} has no words to match")
    return words


def _search_ids(store: Store, query: str) -> list[str]:
    """Document ids whose title or abstract match the FTS5 ``query``, best first."""
    if not query.strip():
        raise QueryError("--search is empty; give words, e.g. --search 'mesenchymal AND lupus'")
    return [row["id"] for row in store.search(query, limit=None)]
