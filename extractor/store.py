"""The SQLite store: the only module that imports sqlite-utils (and sqlite3).

Tables (human names and foreign keys, so ``datasette`` browsing is pleasant):

- ``documents``: one row per source document (bibliographic fields, the
  canonical ``text`` that evidence offsets point into, the abstract, the
  content hash); FTS5 over title and abstract (``documents_fts``).
- ``records``: one row per document and ``source`` (``extracted`` or
  ``curated``), with the flat design/population/intervention fields and the
  whole exchange-format record as JSON (``record``, the single source of
  truth for export). A run only ever writes ``extracted`` rows, so curated
  rows are never overwritten.
- ``outcomes``, ``outcome_values``, ``evidence``: the record's outcomes,
  each number with its evidence span, and evidence of the other fields.
- ``runs``, ``input_files`` (path, sha256, extractor version: unchanged
  inputs are skipped without parsing), ``failures`` (file, record, reason).
- Views ``study_overview`` (one row per record) and ``meta_analysis_values``
  (one row per outcome value: the long table a meta-analyst wants); both have
  ``preferred`` = 1 on the record ``export --source best`` would pick (the
  curated one where there is one), so an analyst counts each study once.

``open_store(path, read_only=True)`` opens the file with ``mode=ro`` and
``query_only``, and refuses ATTACH: ``extractor query`` cannot change the data.

Ids are deterministic (``source:document id`` for records, hashes of the
parent id and position below it), so a re-run upserts the same rows.

Migrations are a small ordered list of our own (``MIGRATIONS``), recorded by
name in ``_migrations``: sqlite-utils has no migration class, and
``sqlite-migrate`` is a pre-1.0 plugin that would add a dependency for what is
thirty lines here. Migrations only ever add (0004 replaces a trigger); they
never drop a table. One that only changes how writes work (``reads=False``)
does not stop a read-only open of a database that lacks it.

Writes use plain SQL inside one ``with conn:`` transaction per batch:
sqlite-utils' ``insert_all`` commits on its own, which would split a document's
rows across commits, and each document must be committed atomically (a run
killed and restarted then stores the rest, nothing lost or duplicated).
A document's rows are tuples built from its record by ``document_rows``, a
pure function that a run's workers call (``prepare_file``), so the writer
(one process for the whole run) only executes SQL: per batch, one SELECT
finds which records are already stored, the children of those only are
deleted, and each table gets one ``executemany``; the inputs' stale records,
failures and file rows likewise take a few statements for the whole batch.
Document rows go 32 to an INSERT instead: the search triggers run inside it,
and FTS5 flushes what it indexed to a new segment at every statement (its
savepoint), so one statement per document cost a segment per document.
Since migration 0004 an updated document is re-indexed only when its title
or abstract changed (a re-run rewrites every row, mostly the same text).

A database file is written in WAL mode with ``synchronous=NORMAL``: a commit
is not flushed to disk on its own, only at checkpoints. That is safe in WAL
mode: a process killed at any point loses nothing committed, and a power cut
or OS crash can lose only the last transactions, never corrupt the file;
each input's ``input_files`` row is committed with its documents, so a
re-run redoes whatever was lost. A larger page cache and fewer checkpoints
(``WRITER_PRAGMAS``) save re-reading and re-writing the same index pages:
the ids of outcomes, values and evidence are hashes, so every batch touches
index pages all over their B-trees. The writer's CPU per abstract, measured
with ``benchmarks/bench_writer.py``, is in ``benchmarks/THROUGHPUT.md``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import operator
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from extractor.errors import StoreError

log = logging.getLogger(__name__)

#: Where ``run`` and ``export`` look when ``--db`` is not given.
DEFAULT_DB_PATH = Path("outputs/extractions.db")
#: Record sources; ``best`` (export only) prefers a curated record over an extracted one.
SOURCES = ("extracted", "curated")
EXPORT_SOURCES = (*SOURCES, "best")
#: Tables whose row counts describe the stored extraction (``runs`` grows by one per run).
DATA_TABLES = ("documents", "records", "outcomes", "outcome_values", "evidence", "input_files", "failures")


@dataclass(frozen=True, slots=True)
class Failure:
    """An input (or record ``record`` of it) that could not be read or extracted, and why."""

    source_file: str
    reason: str
    record: int | None = None


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """One document's exchange-format record (a dict) with the text its evidence points into."""

    record: dict[str, Any]
    text: str | None = None
    abstract_start: int = 0
    content_hash: str | None = None
    format: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentRows:
    """A document's rows for the store: tuples in the order of ``DOCUMENT_COLUMNS``, ``RECORD_COLUMNS`` etc.

    Built by ``document_rows``, a pure function of the record, so a run's
    workers build them and the writer only executes SQL.
    """

    record_id: str
    curated: bool  # a curated record's document row never replaces a stored one
    document: tuple[Any, ...]
    record: tuple[Any, ...]
    outcomes: tuple[tuple[Any, ...], ...] = ()
    values: tuple[tuple[Any, ...], ...] = ()
    evidence: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class InputFile:
    """Everything one input file produced: plain data, so it can cross process boundaries.

    ``documents`` are as extracted, or their rows once ``prepare_file`` built
    them (which workers do); the store takes either.
    """

    path: str
    source_file: str
    sha256: str | None
    documents: tuple[ExtractedDocument | DocumentRows, ...] = ()
    failures: tuple[Failure, ...] = ()
    read: int = 0  # documents the reader read (stored or failed in extraction)


@dataclass(frozen=True, slots=True)
class SeenFile:
    """What the store remembers of an input file it processed."""

    sha256: str
    extractor_version: str
    documents: int


# ---------------------------------------------------------------- migrations


@dataclass(frozen=True, slots=True)
class Migration:
    """A named, ordered schema step; ``apply`` must tolerate a partial earlier attempt.

    ``reads``: False for a step that only changes how writes work, so a
    read-only store may open a database that lacks it.
    """

    name: str
    apply: Callable[[sqlite_utils.Database], None]
    reads: bool = True


def _create_tables(db: sqlite_utils.Database) -> None:
    """0001: the data tables with their keys."""
    db["runs"].create(
        {"id": int, "started_at": str, "finished_at": str, "status": str, "extractor_version": str,
         "paths": str, "files": int, "documents_read": int, "stored": int, "skipped": int,
         "failed": int, "elapsed": float},
        pk="id", if_not_exists=True,
    )
    db["documents"].create(
        {"id": str, "source_file": str, "input_path": str, "title": str, "vernacular_title": str,
         "authors": str, "journal": str, "year": int, "volume": str, "issue": str, "pages": str,
         "doi": str, "pmid": str, "language": str, "country": str, "publication_types": str,
         "keywords": str, "abstract": str, "text": str, "abstract_start": int, "content_hash": str,
         "format": str, "updated_at": str},
        pk="id", if_not_exists=True,
    )
    db["records"].create(
        {"id": str, "document_id": str, "source": str, "title": str, "input_path": str,
         "extractor_version": str, "curated_by": str, "curated_at": str, "design_type": str,
         "randomized": int, "controlled": int, "blinding": str, "phase": str, "retrospective": int,
         "multicenter": int, "follow_up_min_days": float, "follow_up_max_days": float,
         "conditions": str, "sample_size": int, "arms": str, "cell_types": str, "cell_sources": str,
         "donor": str, "routes": str, "doses": str, "infusions": int, "record": str, "run_id": int,
         "updated_at": str},
        pk="id", foreign_keys=[("document_id", "documents", "id"), ("run_id", "runs", "id")],
        if_not_exists=True,
    )
    db["outcomes"].create(
        {"id": str, "record_id": str, "position": int, "measure": str, "aliases": str, "unit": str},
        pk="id", foreign_keys=[("record_id", "records", "id")], if_not_exists=True,
    )
    db["outcome_values"].create(
        {"id": str, "outcome_id": str, "record_id": str, "position": int, "group_label": str,
         "timepoint": str, "days": float, "kind": str, "statistic": str, "value": float,
         "spread": float, "low": float, "high": float, "n": int, "p_op": str, "p_value": float,
         "start": int, "end": int, "quote": str, "rule": str},
        pk="id", foreign_keys=[("outcome_id", "outcomes", "id"), ("record_id", "records", "id")],
        if_not_exists=True,
    )
    db["evidence"].create(
        {"id": str, "record_id": str, "position": int, "field": str, "start": int, "end": int,
         "quote": str, "rule": str},
        pk="id", foreign_keys=[("record_id", "records", "id")], if_not_exists=True,
    )
    db["input_files"].create(
        {"path": str, "source_file": str, "sha256": str, "extractor_version": str, "documents": int,
         "failures": int, "run_id": int, "processed_at": str},
        pk="path", foreign_keys=[("run_id", "runs", "id")], if_not_exists=True,
    )
    db["failures"].create(
        {"id": str, "input_path": str, "source_file": str, "record": int, "reason": str, "sha256": str,
         "extractor_version": str, "run_id": int},
        pk="id", foreign_keys=[("run_id", "runs", "id")], if_not_exists=True,
    )
    for table, columns in (("records", ["document_id"]), ("records", ["input_path"]),
                           ("outcomes", ["record_id"]), ("outcome_values", ["record_id"]),
                           ("outcome_values", ["outcome_id"]), ("evidence", ["record_id"]),
                           ("failures", ["input_path"]), ("documents", ["input_path"])):
        db[table].create_index(columns, if_not_exists=True)


#: One row per stored record, with what a reviewer scans first.
STUDY_OVERVIEW_SQL = """
SELECT r.id AS record_id, r.source, d.id AS document_id, d.source_file, d.title, d.year, d.journal,
       d.doi, r.design_type, r.randomized, r.controlled, r.blinding, r.phase, r.sample_size,
       r.conditions, r.cell_types, r.cell_sources, r.donor, r.routes,
       (SELECT count(*) FROM outcomes o WHERE o.record_id = r.id) AS outcomes,
       (SELECT count(*) FROM outcome_values v WHERE v.record_id = r.id) AS outcome_values,
       r.extractor_version, r.curated_by, r.curated_at, r.updated_at
FROM records r JOIN documents d ON d.id = r.document_id
"""

#: One row per outcome value, with the study columns a meta-analysis groups by.
META_ANALYSIS_SQL = """
SELECT r.source, d.id AS document_id, d.source_file, d.title, d.year, r.design_type, r.sample_size,
       r.cell_sources, o.measure, o.unit, v.group_label AS "group", v.timepoint, v.days, v.kind,
       v.statistic, v.value, v.spread, v.low, v.high, v.n, v.p_op, v.p_value, v.quote AS evidence,
       r.id AS record_id
FROM outcome_values v
JOIN outcomes o ON o.id = v.outcome_id
JOIN records r ON r.id = v.record_id
JOIN documents d ON d.id = r.document_id
"""


def _create_views_and_search(db: sqlite_utils.Database) -> None:
    """0002: the two browsing views and full-text search over titles and abstracts."""
    db.create_view("study_overview", STUDY_OVERVIEW_SQL, replace=True)
    db.create_view("meta_analysis_values", META_ANALYSIS_SQL, replace=True)
    if "documents_fts" not in db.table_names():
        db["documents"].enable_fts(["title", "abstract"], fts_version="FTS5", create_triggers=True)


#: ``preferred``: 1 on the record ``best`` export picks (curated where there is one, else extracted).
PREFERRED_SQL = """CASE WHEN r.source = 'curated' OR NOT EXISTS (SELECT 1 FROM records c
       WHERE c.document_id = r.document_id AND c.source = 'curated') THEN 1 ELSE 0 END AS preferred"""

#: 0003's study overview: 0002's columns plus ``preferred``.
STUDY_OVERVIEW_V2_SQL = f"""
SELECT r.id AS record_id, r.source, {PREFERRED_SQL}, d.id AS document_id, d.source_file, d.title, d.year,
       d.journal, d.doi, r.design_type, r.randomized, r.controlled, r.blinding, r.phase, r.sample_size,
       r.conditions, r.cell_types, r.cell_sources, r.donor, r.routes,
       (SELECT count(*) FROM outcomes o WHERE o.record_id = r.id) AS outcomes,
       (SELECT count(*) FROM outcome_values v WHERE v.record_id = r.id) AS outcome_values,
       r.extractor_version, r.curated_by, r.curated_at, r.updated_at
FROM records r JOIN documents d ON d.id = r.document_id
"""

#: 0003's meta-analysis table: 0002's columns plus ``preferred``.
META_ANALYSIS_V2_SQL = f"""
SELECT r.source, {PREFERRED_SQL}, d.id AS document_id, d.source_file, d.title, d.year, r.design_type,
       r.sample_size, r.cell_sources, o.measure, o.unit, v.group_label AS "group", v.timepoint, v.days, v.kind,
       v.statistic, v.value, v.spread, v.low, v.high, v.n, v.p_op, v.p_value, v.quote AS evidence,
       r.id AS record_id
FROM outcome_values v
JOIN outcomes o ON o.id = v.outcome_id
JOIN records r ON r.id = v.record_id
JOIN documents d ON d.id = r.document_id
"""


def _prefer_curated_and_index_queries(db: sqlite_utils.Database) -> None:
    """0003: ``preferred`` in both views; indexes for ``extractor query`` filters and curated lookups."""
    db.create_view("study_overview", STUDY_OVERVIEW_V2_SQL, replace=True)
    db.create_view("meta_analysis_values", META_ANALYSIS_V2_SQL, replace=True)
    for table, columns in (("records", ["document_id", "source"]), ("records", ["design_type"]),
                           ("records", ["sample_size"]), ("documents", ["year"]), ("outcomes", ["measure"])):
        db[table].create_index(columns, if_not_exists=True)


#: 0004's update trigger: sqlite-utils' re-indexed every updated row, so a re-run that upserts every
#: document tokenised each title and abstract twice (old text out, new in) for nothing.
SEARCH_UPDATE_TRIGGER_SQL = """
CREATE TRIGGER documents_au AFTER UPDATE ON documents
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, title, abstract)
    VALUES ('delete', old.rowid, old.title, old.abstract);
  INSERT INTO documents_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
END
"""


def _reindex_only_changed_text(db: sqlite_utils.Database) -> None:
    """0004: a document row's update re-indexes it for search only when its title or abstract changed."""
    db.execute("DROP TRIGGER IF EXISTS documents_au")
    db.execute(SEARCH_UPDATE_TRIGGER_SQL)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_tables", _create_tables),
    Migration("0002_views_fts", _create_views_and_search),
    Migration("0003_preferred_and_query_indexes", _prefer_curated_and_index_queries),
    Migration("0004_reindex_only_changed_text", _reindex_only_changed_text, reads=False),
)


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet recorded in ``_migrations``; return their names."""
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["_migrations"].rows}
    unknown = done - {m.name for m in MIGRATIONS}
    if unknown:
        raise StoreError(f"the database has migrations this extractor does not know ({', '.join(sorted(unknown))}); "
                         "it was written by a newer version: upgrade the extractor or use another --db")
    applied = []
    for migration in MIGRATIONS:
        if migration.name not in done:
            migration.apply(db)
            db["_migrations"].insert({"name": migration.name, "applied_at": _now()})
            applied.append(migration.name)
            log.info("applied migration %s", migration.name)
    return applied


# ---------------------------------------------------------------- the store


class Store:
    """A migrated extraction database; open one with ``open_store``."""

    def __init__(self, db: sqlite_utils.Database, *, path: Path | None = None, read_only: bool = False) -> None:
        self.db = db
        self.path = path
        self.read_only = read_only

    # --- runs and inputs

    def start_run(self, paths: Iterable[str], *, extractor_version: str) -> int:
        """Record the start of a run; return its id."""
        with self._transaction():
            cursor = self.db.conn.execute(
                "INSERT INTO runs (started_at, status, extractor_version, paths) VALUES (?, 'running', ?, ?)",
                (_now(), extractor_version, json.dumps([str(p) for p in paths])),
            )
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, *, status: str, counts: dict[str, Any]) -> None:
        """Record the end of run ``run_id`` with its summary ``counts`` (column name -> value)."""
        columns = ("files", "documents_read", "stored", "skipped", "failed", "elapsed")
        values = [counts.get(c) for c in columns]
        with self._transaction():
            self.db.conn.execute(
                f"UPDATE runs SET finished_at = ?, status = ?, {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                (_now(), status, *values, run_id),
            )

    def seen_files(self) -> dict[str, SeenFile]:
        """Input files already processed: path -> sha256, extractor version, documents stored."""
        rows = self.db.conn.execute("SELECT path, sha256, extractor_version, documents FROM input_files")
        return {path: SeenFile(sha, version, docs or 0) for path, sha, version, docs in rows if sha}

    # --- writes

    def save_files(self, files: Iterable[InputFile], *, run_id: int | None, extractor_version: str) -> int:
        """Store the results of several input files in one transaction; return records stored."""
        with self._transaction():
            items = list(files)
            rows_by_file = [_prepared(item) for item in items]
            self._save_documents([rows for rows_of_file in rows_by_file for rows in rows_of_file], run_id=run_id)
            # An input given twice in a batch ends as its last result left it, as when saved one by one.
            finished = {item.path: (item, {rows.record_id for rows in rows_of_file}, len(rows_of_file))
                        for item, rows_of_file in zip(items, rows_by_file)}
            self._finish_files(list(finished.values()), run_id=run_id, extractor_version=extractor_version)
        return sum(map(len, rows_by_file))

    def save_records(self, records: Iterable[dict[str, Any]]) -> list[str]:
        """Store exchange-format records (curated entries) in one transaction; return their record ids."""
        documents = [document_rows(ExtractedDocument(record), input_path=None) for record in records]
        with self._transaction():
            self._save_documents(documents, run_id=None)
        return [rows.record_id for rows in documents]

    def save_record(self, record: dict[str, Any], *, text: str | None = None, run_id: int | None = None) -> str:
        """Store one exchange-format record (its ``provenance.source`` decides the row); return its id."""
        rows = document_rows(ExtractedDocument(record, text=text), input_path=None)
        with self._transaction():
            self._save_documents([rows], run_id=run_id)
        return rows.record_id

    def _save_documents(self, documents: Sequence[DocumentRows], *, run_id: int | None) -> None:
        """Upsert the documents and replace their records (for each record's source), children included.

        A few statements per table for all ``documents``: the children of
        records already stored are deleted first (a record new to the database
        has none), then each table's rows go in one ``executemany`` (document
        rows in INSERTs of many rows: ``_save_document_rows``). A record
        given twice is stored once, from its later rows, as saving them one by
        one would leave it. Document rows of curated records are inserted only
        where none is stored (a curated record never rewrites what the reader
        read), after the others: what saving them one by one in any order gives.
        """
        latest = {rows.record_id: rows for rows in documents}
        if not latest:
            return
        conn = self.db.conn
        now = _now()
        stored = [rid for (rid,) in conn.execute(_STORED_RECORDS_SQL, (json.dumps(list(latest)),))]
        if stored:
            self._delete_children(stored)
        rows = list(latest.values())
        self._save_document_rows([(*r.document, now) for r in rows if not r.curated], keep_stored=False)
        self._save_document_rows([(*r.document, now) for r in rows if r.curated], keep_stored=True)
        conn.executemany(_UPSERT_SQL["records"], [(*r.record, run_id, now) for r in rows])
        conn.executemany(_INSERT_SQL["outcomes"], [row for r in rows for row in r.outcomes])
        conn.executemany(_INSERT_SQL["outcome_values"], [row for r in rows for row in r.values])
        conn.executemany(_INSERT_SQL["evidence"], [row for r in rows for row in r.evidence])

    def _save_document_rows(self, rows: Sequence[tuple[Any, ...]], *, keep_stored: bool) -> None:
        """Upsert (or with ``keep_stored`` insert where absent) ``documents`` rows, many per statement.

        Not ``executemany``: FTS5 flushes the terms it has gathered to a new
        index segment at each statement's savepoint, so one statement per
        document (each fires the search triggers) wrote a segment per document
        and then merged them, about half the writer's SQL time.
        """
        for start in range(0, len(rows), DOCUMENTS_PER_STATEMENT):
            chunk = rows[start:start + DOCUMENTS_PER_STATEMENT]
            sql = _document_rows_sql(len(chunk), keep_stored=keep_stored)
            self.db.conn.execute(sql, [value for row in chunk for value in row])

    def _finish_files(self, finished: Sequence[tuple[InputFile, Collection[str], int]], *, run_id: int | None,
                      extractor_version: str) -> None:
        """For each (input, record ids it produced, documents): drop what it no longer produces, replace
        its failures, write its file row. The inputs' paths must be distinct.

        Run after all of a batch's documents are stored, this leaves what
        finishing each input right after its own documents would: a record
        another input of the batch stored since carries that input's path.
        """
        conn = self.db.conn
        keep = {item.path: ids for item, ids, _ in finished}
        paths = json.dumps(list(keep))
        stale = [(rid, document_id) for rid, document_id, path in conn.execute(_RECORDS_OF_INPUTS_SQL, (paths,))
                 if rid not in keep[path]]
        if stale:
            self._delete_records(stale)
        conn.execute("DELETE FROM failures WHERE input_path IN (SELECT value FROM json_each(?))", (paths,))
        conn.executemany(_UPSERT_SQL["failures"], [
            (_hash(item.path, f.source_file, str(f.record), f.reason), item.path, f.source_file, f.record, f.reason,
             item.sha256, extractor_version, run_id)
            for item, _, _ in finished for f in item.failures])
        now = _now()
        conn.executemany(_UPSERT_SQL["input_files"], [
            (item.path, item.source_file, item.sha256, extractor_version, documents, len(item.failures), run_id, now)
            for item, _, documents in finished if item.sha256])

    def _delete_children(self, record_ids: Sequence[str]) -> None:
        """Delete the outcomes, values and evidence of records (values first, for the foreign keys)."""
        ids = json.dumps(list(record_ids))
        for table in ("outcome_values", "outcomes", "evidence"):
            self.db.conn.execute(f"DELETE FROM {table} WHERE record_id IN (SELECT value FROM json_each(?))", (ids,))

    def _delete_records(self, stale: Sequence[tuple[str, str]]) -> None:
        """Delete (record id, document id) records with their children, and documents left without a record."""
        self._delete_children([rid for rid, _ in stale])
        self.db.conn.execute("DELETE FROM records WHERE id IN (SELECT value FROM json_each(?))",
                             (json.dumps([rid for rid, _ in stale]),))
        self.db.conn.executemany(
            "DELETE FROM documents WHERE id = ? AND NOT EXISTS (SELECT 1 FROM records WHERE document_id = ?)",
            [(document_id, document_id) for _, document_id in stale])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        try:
            with self.db.conn:
                yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self._name()}: cannot write ({exc})") from exc

    # --- large inputs in parts, and shards (run --workers, run --engine dask, merge)

    def seen_file(self, path: str) -> SeenFile | None:
        """What the store remembers of input ``path`` (one indexed lookup: a run of millions holds no map)."""
        row = self.db.conn.execute(
            "SELECT sha256, extractor_version, documents FROM input_files WHERE path = ?", (path,)).fetchone()
        return SeenFile(row[0], row[1], row[2] or 0) if row and row[0] else None

    def save_part(self, item: InputFile, *, run_id: int | None, extractor_version: str,
                  earlier: Collection[str] = (), last: bool = False) -> list[str]:
        """Store one part of a large input's results in one transaction; return the record ids it stored.

        Parts before the ``last`` store their documents only. The last also
        drops the input's extracted records that neither it nor the ``earlier``
        parts (their record ids) produced, replaces the input's failures with
        its own, and writes the file row that lets a re-run skip the input; a
        run stopped between parts so re-extracts the whole input next time.
        """
        documents = _prepared(item)
        ids = [rows.record_id for rows in documents]
        with self._transaction():
            self._save_documents(documents, run_id=run_id)
            if last:
                keep = {*earlier, *ids}
                self._finish_files([(item, keep, len(keep))], run_id=run_id, extractor_version=extractor_version)
        return ids

    def merge_database(self, shard: Path, *, run_id: int | None) -> dict[str, int]:
        """Copy the extraction database ``shard`` into this one, in one transaction, without duplicates.

        Ids are deterministic, so rows upsert: merging a shard twice changes
        nothing. The shard is authoritative for the inputs it processed, as a
        run is: their old records (and children) and failures here are
        replaced, records they no longer produce are dropped. Copied rows get
        ``run_id`` (the merging run). Returns the shard's row counts by table.
        Raises ``StoreError`` for a shard that is not an extraction database.
        """
        _check_shard(shard)
        self.db.conn.execute("ATTACH DATABASE ? AS shard", (str(shard),))
        try:
            with self._transaction():
                self._drop_replaced_by_shard()
                for table in MERGED_TABLES:
                    self._copy_from_shard(table, run_id=run_id)
                return {t: self.db.conn.execute(f'SELECT count(*) FROM shard."{t}"').fetchone()[0]
                        for t in (*MERGED_TABLES, "runs")}
        finally:
            self.db.conn.execute("DETACH DATABASE shard")

    def _drop_replaced_by_shard(self) -> None:
        """Delete what the attached shard replaces: children of its records, stale records, failures."""
        conn = self.db.conn
        conn.execute(f"CREATE TEMP TABLE merge_paths AS {SHARD_INPUT_PATHS_SQL}")
        conn.execute("CREATE TEMP TABLE merge_stale AS SELECT id, document_id FROM main.records "
                     "WHERE source = 'extracted' AND input_path IN (SELECT path FROM merge_paths) "
                     "AND id NOT IN (SELECT id FROM shard.records)")
        for table in ("outcome_values", "outcomes", "evidence"):
            conn.execute(f"DELETE FROM main.{table} WHERE record_id IN (SELECT id FROM shard.records) "
                         "OR record_id IN (SELECT id FROM merge_stale)")
        conn.execute("DELETE FROM main.records WHERE id IN (SELECT id FROM merge_stale)")
        conn.execute("DELETE FROM main.documents WHERE id IN (SELECT document_id FROM merge_stale) "
                     "AND id NOT IN (SELECT document_id FROM main.records) "
                     "AND id NOT IN (SELECT id FROM shard.documents)")
        conn.execute("DELETE FROM main.failures WHERE input_path IN (SELECT path FROM merge_paths)")
        conn.execute("DROP TABLE temp.merge_paths")
        conn.execute("DROP TABLE temp.merge_stale")

    def _copy_from_shard(self, table: str, *, run_id: int | None) -> None:
        """Upsert every row of the shard's ``table`` here (columns both have; ``run_id`` set to ours)."""
        ours = [c.name for c in self.db[table].columns]
        theirs = {row[1] for row in self.db.conn.execute(f'PRAGMA shard.table_info("{table}")')}
        columns = [c for c in ours if c in theirs]
        pks = self.db[table].pks
        select = ", ".join("? AS run_id" if c == "run_id" else f'"{c}"' for c in columns)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in pks)
        names = ", ".join(f'"{c}"' for c in columns)
        # `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
        sql = (f'INSERT INTO main."{table}" ({names}) SELECT {select} FROM shard."{table}" WHERE true '
               f'ON CONFLICT ({", ".join(pks)}) DO UPDATE SET {updates}')
        self.db.conn.execute(sql, (run_id,) if "run_id" in columns else ())

    # --- reads

    def iter_records(self, *, source: str = "best") -> Iterator[dict[str, Any]]:
        """Exchange-format records in source-file order; ``best`` prefers curated over extracted."""
        if source not in EXPORT_SOURCES:
            raise StoreError(f"unknown record source {source!r}; use one of {', '.join(EXPORT_SOURCES)}")
        where = "r.source = ?" if source != "best" else (
            "(r.source = 'curated' OR NOT EXISTS (SELECT 1 FROM records c "
            "WHERE c.document_id = r.document_id AND c.source = 'curated'))")
        params = (source,) if source != "best" else ()
        sql = (f"SELECT r.record FROM records r JOIN documents d ON d.id = r.document_id WHERE {where} "
               "ORDER BY d.source_file, r.document_id, r.source")
        for (data,) in self.db.conn.execute(sql, params):
            yield json.loads(data)

    def sources_of(self, document_ids: Iterable[str]) -> dict[str, set[str]]:
        """The record sources (``extracted``, ``curated``) stored for each of ``document_ids`` that has any."""
        sql = "SELECT document_id, source FROM records WHERE document_id IN (SELECT value FROM json_each(?))"
        found: dict[str, set[str]] = {}
        for document_id, source in self.db.conn.execute(sql, (json.dumps(list(document_ids)),)):
            found.setdefault(document_id, set()).add(source)
        return found

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> tuple[list[str], list[tuple]]:
        """Run one SQL statement; return its column names and rows (``StoreError`` naming the problem)."""
        try:
            cursor = self.db.conn.execute(sql, params if isinstance(params, dict) else tuple(params))
            rows = cursor.fetchall()
        except (sqlite3.Error, sqlite3.Warning) as exc:
            if self.read_only and _is_write_refusal(exc):
                raise StoreError(f"{self._name()} is opened read-only; the query tried to change it ({exc}). "
                                 "Queries may only read (SELECT)") from exc
            raise StoreError(f"the query failed: {exc}") from exc
        return [column[0] for column in cursor.description or ()], rows

    def document_text(self, document_id: str) -> str | None:
        """The canonical text a document's evidence offsets point into."""
        row = self.db.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row[0] if row else None

    def failures(self, *, run_id: int | None = None) -> list[Failure]:
        """Stored failures (of one run, or all), in file order."""
        sql = "SELECT source_file, reason, record FROM failures"
        rows = self.db.conn.execute(sql + (" WHERE run_id = ?" if run_id else "") + " ORDER BY source_file, record",
                                    (run_id,) if run_id else ())
        return [Failure(source_file, reason, record) for source_file, reason, record in rows]

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Documents whose title or abstract match an FTS5 ``query``, best first."""
        try:
            return list(self.db["documents"].search(query, columns=["id", "source_file", "title"], limit=limit))
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query {query!r} ({exc})") from exc

    def counts(self) -> dict[str, int]:
        """Row count of every data table (and ``runs``)."""
        return {table: self.db[table].count for table in (*DATA_TABLES, "runs")}

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

    def _name(self) -> str:
        return str(self.path) if self.path else ":memory:"


def open_store(path: Path | str | None = None, *, create: bool = True, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the database at ``path``; ``None`` is in memory.

    ``read_only`` opens an existing file so that nothing can change it (no
    migration either). Raises ``StoreError`` when the path is a folder, not a
    SQLite database, missing with ``create=False`` or ``read_only``, or
    written by a newer (or, read-only, an older) extractor.
    """
    if path is None or str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
        return _ready(Store(db), wal=False)
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder; --db needs a database file path such as {DEFAULT_DB_PATH}")
    if not path.exists() and (not create or read_only):
        raise StoreError(f"{path}: no database there; run `extractor run PATH... --db {path}` first")
    if read_only:
        return _open_read_only(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=30))
        return _ready(Store(db, path=path), wal=True)
    except (OSError, sqlite3.DatabaseError) as exc:
        raise StoreError(f"{path}: cannot open as a SQLite database ({exc}); pass another --db") from exc


#: SQLite authorizer action codes refused on a read-only store (ATTACH could create or open other files).
_REFUSED_ACTIONS = frozenset({sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH})
#: Pragmas a read-only store refuses to set (they would lift the read-only guard or touch the file).
_REFUSED_PRAGMAS = frozenset({"query_only", "writable_schema", "journal_mode", "wal_checkpoint"})


def _open_read_only(path: Path) -> Store:
    """A store on ``path`` opened ``mode=ro`` with ``query_only`` and an authorizer refusing ATTACH."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        conn.execute("PRAGMA query_only = ON")
        conn.set_authorizer(_read_only_authorizer)
        store = Store(sqlite_utils.Database(conn), path=path, read_only=True)
        done = {name for (name,) in conn.execute("SELECT name FROM _migrations")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as an extraction database ({exc}); pass another --db") from exc
    missing = [m.name for m in MIGRATIONS if m.name not in done and m.reads]
    if missing:
        raise StoreError(f"{path} predates migration {missing[0]}; upgrade it with any writing command "
                         f"(e.g. `extractor run PATH... --db {path}`), then query again")
    if done - {m.name for m in MIGRATIONS}:
        raise StoreError(f"{path} was written by a newer version of the extractor; upgrade the extractor")
    return store


def _read_only_authorizer(action: int, arg1: str | None, arg2: str | None, *_: str | None) -> int:
    """Refuse ATTACH/DETACH and setting guard pragmas; allow the rest (writes fail on ``mode=ro``)."""
    if action in _REFUSED_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _REFUSED_PRAGMAS
                                      and arg2 is not None):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _is_write_refusal(exc: Exception) -> bool:
    """True for the errors SQLite raises when a read-only connection is asked to write or attach."""
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "not authorized" in text


# ---------------------------------------------------------------- shards

#: Tables ``merge_database`` copies, parents before children (for the foreign keys).
MERGED_TABLES = ("documents", "records", "outcomes", "outcome_values", "evidence", "input_files", "failures")

#: Inputs an attached shard processed: those with a file row, a failure or a record.
SHARD_INPUT_PATHS_SQL = """
SELECT path FROM shard.input_files
UNION SELECT input_path FROM shard.failures WHERE input_path IS NOT NULL
UNION SELECT input_path FROM shard.records WHERE input_path IS NOT NULL
"""


def _check_shard(shard: Path) -> None:
    """Raise ``StoreError`` unless ``shard`` is an extraction database this extractor can read."""
    if not shard.is_file():
        raise StoreError(f"{shard}: no database there; give the shard files a Dask run (or `run --db`) wrote")
    try:
        conn = sqlite3.connect(f"{shard.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            done = {name for (name,) in conn.execute("SELECT name FROM _migrations")} if "_migrations" in tables else set()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{shard}: cannot open as an extraction database ({exc})") from exc
    missing = [t for t in (*MERGED_TABLES, "runs") if t not in tables]
    if missing:
        raise StoreError(f"{shard} is not an extraction database (no {missing[0]} table)")
    if done - {m.name for m in MIGRATIONS}:
        raise StoreError(f"{shard} was written by a newer version of the extractor; upgrade the extractor")


#: Settings of a connection that writes a database file (in WAL mode); the module docstring says why.
WRITER_PRAGMAS = (
    # No fsync per commit, only at checkpoints: safe in WAL mode (a power cut loses the last commits only).
    "synchronous = NORMAL",
    # 16 MB of pages, not 2: hashed child ids put each batch's index entries all over their B-trees.
    "cache_size = -16000",
    # 40 MB of pages between checkpoints, not 4: a page many batches rewrite is copied to the database once.
    "wal_autocheckpoint = 10000",
)


def _ready(store: Store, *, wal: bool) -> Store:
    """Pragmas and migrations for a freshly opened store."""
    store.db.execute("PRAGMA foreign_keys = ON")
    if wal:
        store.db.enable_wal()
        for pragma in WRITER_PRAGMAS:
            store.db.execute(f"PRAGMA {pragma}")
    migrate(store.db)
    return store


# ---------------------------------------------------------------- rows

# A document's rows are a pure function of its record, built by ``document_rows`` where the
# record was extracted (a run's workers), so that the writer only executes SQL. Each row is a
# tuple in the order of its table's columns below; the writer appends the columns it owns
# (``run_id`` and ``updated_at``: the run, and the time of the write).

#: ``documents`` columns of ``DocumentRows.document`` (then ``updated_at``).
DOCUMENT_COLUMNS = ("id", "source_file", "input_path", "title", "vernacular_title", "authors", "journal", "year",
                    "volume", "issue", "pages", "doi", "pmid", "language", "country", "publication_types",
                    "keywords", "abstract", "text", "abstract_start", "content_hash", "format")
#: ``records`` columns of ``DocumentRows.record`` (then ``run_id``, ``updated_at``).
RECORD_COLUMNS = ("id", "document_id", "source", "title", "input_path", "extractor_version", "curated_by",
                  "curated_at", "design_type", "randomized", "controlled", "blinding", "phase", "retrospective",
                  "multicenter", "follow_up_min_days", "follow_up_max_days", "conditions", "sample_size", "arms",
                  "cell_types", "cell_sources", "donor", "routes", "doses", "infusions", "record")
OUTCOME_COLUMNS = ("id", "record_id", "position", "measure", "aliases", "unit")
VALUE_COLUMNS = ("id", "outcome_id", "record_id", "position", "group_label", "timepoint", "days", "kind",
                 "statistic", "value", "spread", "low", "high", "n", "p_op", "p_value", "start", "end", "quote",
                 "rule")
EVIDENCE_COLUMNS = ("id", "record_id", "position", "field", "start", "end", "quote", "rule")
FAILURE_COLUMNS = ("id", "input_path", "source_file", "record", "reason", "sha256", "extractor_version", "run_id")
INPUT_FILE_COLUMNS = ("path", "source_file", "sha256", "extractor_version", "documents", "failures", "run_id",
                      "processed_at")

#: A row dict (one ``_*_row`` builds) as the tuple of its table's columns; a missing column raises KeyError.
_AS_TUPLE = {table: operator.itemgetter(*columns) for table, columns in (
    ("documents", DOCUMENT_COLUMNS), ("records", RECORD_COLUMNS), ("outcomes", OUTCOME_COLUMNS),
    ("outcome_values", VALUE_COLUMNS), ("evidence", EVIDENCE_COLUMNS))}


def document_rows(doc: ExtractedDocument, *, input_path: str | None) -> DocumentRows:
    """The rows that store ``doc`` (read from ``input_path``, or ``None`` for a curated entry)."""
    record = doc.record
    row = _record_row(record, input_path=input_path)
    rid = row["id"]
    outcomes, values = [], []
    for position, outcome in enumerate(record.get("outcomes", [])):
        outcome_row = _outcome_row(outcome, record_id=rid, position=position)
        outcomes.append(_AS_TUPLE["outcomes"](outcome_row))
        values.extend(_AS_TUPLE["outcome_values"](_value_row(value, outcome_id=outcome_row["id"], record_id=rid,
                                                             position=index))
                      for index, value in enumerate(outcome.get("values", [])))
    evidence = tuple(_AS_TUPLE["evidence"](_evidence_row(span, record_id=rid, position=position))
                     for position, span in enumerate(record.get("field_evidence", [])))
    document = _AS_TUPLE["documents"](_document_row(doc, input_path=input_path))
    return DocumentRows(rid, row["source"] == "curated", document, _AS_TUPLE["records"](row), tuple(outcomes),
                        tuple(values), evidence)


def prepare_file(item: InputFile) -> InputFile:
    """``item`` with its documents as ``DocumentRows`` (what a worker sends, so the writer only writes)."""
    return replace(item, documents=_prepared(item))


def _prepared(item: InputFile) -> tuple[DocumentRows, ...]:
    """The rows of every document of ``item`` (built here unless a worker built them)."""
    return tuple(doc if isinstance(doc, DocumentRows) else document_rows(doc, input_path=item.path)
                 for doc in item.documents)


def _document_row(doc: ExtractedDocument, *, input_path: str | None) -> dict[str, Any]:
    meta = doc.record["document"]
    text = doc.text
    return {
        "id": meta["id"], "source_file": meta.get("source_file"), "input_path": input_path,
        "title": meta.get("title"), "vernacular_title": meta.get("vernacular_title"),
        "authors": _json(meta.get("authors")), "journal": meta.get("journal"), "year": meta.get("year"),
        "volume": meta.get("volume"), "issue": meta.get("issue"), "pages": meta.get("pages"),
        "doi": meta.get("doi"), "pmid": meta.get("pmid"), "language": meta.get("language"),
        "country": meta.get("country"), "publication_types": _json(meta.get("publication_types")),
        "keywords": _json(meta.get("keywords")),
        "abstract": text[doc.abstract_start:] if text is not None else None,
        "text": text, "abstract_start": doc.abstract_start, "content_hash": doc.content_hash,
        "format": doc.format,
    }


def record_id(document_id: str, source: str) -> str:
    """The deterministic id of a document's record from ``source``: ``extracted:doi:10...``."""
    return f"{source}:{document_id}"


def _record_row(record: dict[str, Any], *, input_path: str | None) -> dict[str, Any]:
    provenance = record.get("provenance") or {}
    source = provenance.get("source") or "extracted"
    design = record.get("design") or {}
    population = record.get("population") or {}
    intervention = record.get("intervention") or {}
    follow_up = design.get("follow_up") or {}
    return {
        "id": record_id(record["document"]["id"], source), "document_id": record["document"]["id"],
        "source": source, "title": record["document"].get("title"), "input_path": input_path,
        "extractor_version": provenance.get("extractor_version"), "curated_by": provenance.get("curated_by"),
        "curated_at": provenance.get("curated_at"), "design_type": design.get("type"),
        "randomized": design.get("randomized"), "controlled": design.get("controlled"),
        "blinding": design.get("blinding"), "phase": design.get("phase"),
        "retrospective": design.get("retrospective"), "multicenter": design.get("multicenter"),
        "follow_up_min_days": follow_up.get("min_days"), "follow_up_max_days": follow_up.get("max_days"),
        "conditions": _json(population.get("conditions")), "sample_size": population.get("sample_size"),
        "arms": _json(population.get("arms")), "cell_types": _json(intervention.get("cell_types")),
        "cell_sources": _json(intervention.get("cell_sources")), "donor": intervention.get("donor"),
        "routes": _json(intervention.get("routes")), "doses": _json(intervention.get("doses")),
        "infusions": intervention.get("infusions"), "record": json.dumps(record, ensure_ascii=False),
    }


def _outcome_row(outcome: dict[str, Any], *, record_id: str, position: int) -> dict[str, Any]:
    return {"id": _child_id(record_id, "outcome", position), "record_id": record_id, "position": position,
            "measure": outcome.get("measure"), "aliases": _json(outcome.get("aliases")), "unit": outcome.get("unit")}


def _evidence_row(span: dict[str, Any], *, record_id: str, position: int) -> dict[str, Any]:
    return {"id": _child_id(record_id, "evidence", position), "record_id": record_id, "position": position,
            "field": span.get("field"), "start": span.get("start"), "end": span.get("end"),
            "quote": span.get("quote"), "rule": span.get("rule")}


def _value_row(value: dict[str, Any], *, outcome_id: str, record_id: str, position: int) -> dict[str, Any]:
    p = value.get("p") or {}
    evidence = value.get("evidence") or {}
    return {
        "id": _child_id(outcome_id, "value", position), "outcome_id": outcome_id, "record_id": record_id,
        "position": position, "group_label": value.get("group"), "timepoint": value.get("timepoint"),
        "days": value.get("days"), "kind": value.get("kind"), "statistic": value.get("statistic"),
        "value": value.get("value"), "spread": value.get("spread"), "low": value.get("low"),
        "high": value.get("high"), "n": value.get("n"), "p_op": p.get("op"), "p_value": p.get("value"),
        "start": evidence.get("start"), "end": evidence.get("end"), "quote": evidence.get("quote"),
        "rule": evidence.get("rule"),
    }


# ---------------------------------------------------------------- the writer's SQL


def _insert_sql(table: str, columns: Sequence[str], *, rows: int = 1, on_conflict: str = "") -> str:
    """``INSERT INTO table (columns) VALUES (?, ...)`` for ``rows`` rows, then ``on_conflict``."""
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join([f'({", ".join("?" for _ in columns)})'] * rows)
    return f'INSERT INTO "{table}" ({names}) VALUES {values}{on_conflict}'


def _upsert_sql(table: str, columns: Sequence[str], *, pk: str = "id", rows: int = 1) -> str:
    """An insert that updates every column of an existing row (keeps rowids, so FTS triggers and keys hold)."""
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != pk)
    return _insert_sql(table, columns, rows=rows, on_conflict=f' ON CONFLICT ("{pk}") DO UPDATE SET {updates}')


#: Children are inserted plainly: those of a stored record are deleted first, and ids are unique per record.
_INSERT_SQL = {"outcomes": _insert_sql("outcomes", OUTCOME_COLUMNS),
               "outcome_values": _insert_sql("outcome_values", VALUE_COLUMNS),
               "evidence": _insert_sql("evidence", EVIDENCE_COLUMNS)}
_UPSERT_SQL = {"records": _upsert_sql("records", (*RECORD_COLUMNS, "run_id", "updated_at")),
               "failures": _upsert_sql("failures", FAILURE_COLUMNS),
               "input_files": _upsert_sql("input_files", INPUT_FILE_COLUMNS, pk="path")}
#: Document rows per statement: 23 columns each, under the 999 variables of the oldest SQLite builds.
DOCUMENTS_PER_STATEMENT = 32


@functools.lru_cache(maxsize=2 * DOCUMENTS_PER_STATEMENT)
def _document_rows_sql(rows: int, *, keep_stored: bool) -> str:
    """An upsert of ``rows`` document rows, or with ``keep_stored`` an insert of those not stored."""
    columns = (*DOCUMENT_COLUMNS, "updated_at")
    if keep_stored:
        return _insert_sql("documents", columns, rows=rows, on_conflict=' ON CONFLICT ("id") DO NOTHING')
    return _upsert_sql("documents", columns, rows=rows)


#: Which of the record ids in a JSON array are stored.
_STORED_RECORDS_SQL = "SELECT id FROM records WHERE id IN (SELECT value FROM json_each(?))"
#: Extracted records of the inputs whose paths are in a JSON array, with their documents and paths.
_RECORDS_OF_INPUTS_SQL = ("SELECT id, document_id, input_path FROM records "
                          "WHERE source = 'extracted' AND input_path IN (SELECT value FROM json_each(?))")


def _child_id(parent: str, kind: str, position: int) -> str:
    return _hash(parent, kind, str(position))


def _hash(*parts: str) -> str:
    """A short deterministic id from ``parts`` (sha1, 20 hex digits)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
