"""The SQLite store: migrations, deterministic upserts, atomic batches, curated rows, views, search."""

from __future__ import annotations

import pytest

import extractor.store as store_module
from extractor.errors import StoreError
from extractor.store import (
    DATA_TABLES,
    DOCUMENT_COLUMNS,
    EVIDENCE_COLUMNS,
    MIGRATIONS,
    OUTCOME_COLUMNS,
    RECORD_COLUMNS,
    VALUE_COLUMNS,
    DocumentRows,
    ExtractedDocument,
    Failure,
    InputFile,
    document_rows,
    migrate,
    open_store,
    prepare_file,
    record_id,
)

TEXT = "Stem cells for knee pain\n\nTwelve patients; the WOMAC score fell from 52.4±8.1 to 30.2±6.9 (P<0.01)."


def make_record(doc_id: str = "doi:10.1/abc", *, values: int = 2, source: str = "extracted",
                title: str = "Stem cells for knee pain") -> dict:
    """A small exchange-format record with ``values`` WOMAC values, each with evidence into TEXT."""
    start = TEXT.index("52.4±8.1")
    rows = [{"group": None, "timepoint": "baseline" if i == 0 else f"{i * 3} months", "days": i * 90,
             "kind": "level", "statistic": "mean_sd", "value": 52.4 - i, "spread": 8.1, "n": None,
             "p": {"op": "<", "value": 0.01} if i else None,
             "evidence": {"start": start, "end": start + 8, "quote": "52.4±8.1", "rule": "mean_sd"}}
            for i in range(values)]
    return {
        "schema_version": "1",
        "document": {"id": doc_id, "source_file": f"{doc_id[-3:]}.txt", "title": title, "year": 2019},
        "design": {"type": "single_arm", "randomized": False},
        "population": {"sample_size": 12, "arms": []},
        "intervention": {"cell_sources": ["adipose"], "routes": ["intra_articular"]},
        "outcomes": [{"measure": "WOMAC score", "aliases": ["WOMAC"], "unit": None, "values": rows}],
        "field_evidence": [{"field": "population.sample_size", "start": 26, "end": 32, "quote": "Twelve",
                            "rule": "n_words"}],
        "provenance": {"source": source, "extractor_version": "test"},
    }


def input_file(*records: dict, path: str = "/in/a.txt", failures: tuple[Failure, ...] = ()) -> InputFile:
    docs = tuple(ExtractedDocument(r, text=TEXT, abstract_start=26, content_hash="h", format="text") for r in records)
    return InputFile(path, path.rsplit("/", 1)[-1], "sha-" + path, docs, failures, read=len(docs))


def test_migrations_create_tables_views_and_search(store):
    names = set(store.db.table_names())
    assert {"documents", "records", "outcomes", "outcome_values", "evidence", "runs", "input_files",
            "failures", "documents_fts", "_migrations"} <= names
    assert set(store.db.view_names()) == {"study_overview", "meta_analysis_values"}
    assert [row["name"] for row in store.db["_migrations"].rows] == [m.name for m in MIGRATIONS]


def test_migrate_twice_applies_nothing(store):
    assert migrate(store.db) == []


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "x.db"
    open_store(path).db["_migrations"].insert({"name": "9999_future", "applied_at": "2100-01-01"})
    with pytest.raises(StoreError, match="newer version"):
        open_store(path)


@pytest.mark.parametrize("make_path, message", [
    (lambda tmp: tmp, "is a folder"),
    (lambda tmp: _write(tmp / "notes.db", b"this is not a database at all" * 100), "cannot open"),
])
def test_bad_database_paths_raise_store_error(tmp_path, make_path, message):
    with pytest.raises(StoreError, match=message):
        open_store(make_path(tmp_path))


def test_missing_database_is_not_created_for_reading(tmp_path):
    with pytest.raises(StoreError, match="no database there"):
        open_store(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_saving_the_same_input_twice_upserts(store):
    item = input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb", values=3),
                      failures=(Failure("a.txt", "record 3 has no abstract", 3),))
    store.save_files([item], run_id=None, extractor_version="v1")
    first = store.counts()
    store.save_files([item], run_id=None, extractor_version="v1")
    assert store.counts() == first
    assert first == {"documents": 2, "records": 2, "outcomes": 2, "outcome_values": 5, "evidence": 2,
                     "input_files": 1, "failures": 1, "runs": 0}


def test_ids_are_deterministic(tmp_path):
    ids = []
    for name in ("one.db", "two.db"):
        db = open_store(tmp_path / name)
        db.save_files([input_file(make_record())], run_id=None, extractor_version="v1")
        ids.append(sorted(r["id"] for r in db.db["outcome_values"].rows))
    assert ids[0] == ids[1]
    assert record_id("doi:10.1/abc", "extracted") == "extracted:doi:10.1/abc"


def test_a_changed_record_replaces_its_children(store):
    store.save_files([input_file(make_record(values=3))], run_id=None, extractor_version="v1")
    store.save_files([input_file(make_record(values=1))], run_id=None, extractor_version="v2")
    assert store.counts()["outcome_values"] == 1
    assert [r["value"] for r in store.db["outcome_values"].rows] == [52.4]


def test_a_document_gone_from_its_file_is_removed(store):
    store.save_files([input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb"))],
                     run_id=None, extractor_version="v1")
    store.save_files([input_file(make_record("doi:10.1/aaa"))], run_id=None, extractor_version="v1")
    assert [r["id"] for r in store.db["documents"].rows] == ["doi:10.1/aaa"]
    assert store.counts()["outcome_values"] == 2


def test_failures_of_an_input_are_replaced_when_it_is_read_again(store):
    failing = input_file(failures=(Failure("a.txt", "the file is empty"),))
    store.save_files([failing, failing], run_id=None, extractor_version="v1")
    assert store.failures() == [Failure("a.txt", "the file is empty")]
    store.save_files([input_file(make_record())], run_id=None, extractor_version="v1")
    assert store.failures() == []


def test_a_batch_is_atomic(store):
    def items():
        yield input_file(make_record("doi:10.1/aaa"), path="/in/a.txt")
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        store.save_files(items(), run_id=None, extractor_version="v1")
    assert store.counts() == dict.fromkeys(store.counts(), 0)


def test_curated_records_survive_extraction_and_win_in_best(store):
    store.save_files([input_file(make_record())], run_id=None, extractor_version="v1")
    curated = make_record(values=1, source="curated", title="Curated title")
    store.save_record(curated)
    store.save_files([input_file(make_record(values=3))], run_id=None, extractor_version="v2")
    assert store.counts()["records"] == 2
    assert [r["provenance"]["source"] for r in store.iter_records(source="best")] == ["curated"]
    assert len(next(store.iter_records(source="curated"))["outcomes"][0]["values"]) == 1
    assert len(next(store.iter_records(source="extracted"))["outcomes"][0]["values"]) == 3
    assert store.document_text("doi:10.1/abc") == TEXT  # the curated save kept the reader's text


def test_unknown_record_source_is_an_error(store):
    with pytest.raises(StoreError, match="unknown record source"):
        list(store.iter_records(source="mine"))


def test_seen_files_remember_hash_version_and_document_count(store):
    store.save_files([input_file(make_record(), path="/in/a.txt")], run_id=None, extractor_version="v1")
    seen = store.seen_files()["/in/a.txt"]
    assert (seen.sha256, seen.extractor_version, seen.documents) == ("sha-/in/a.txt", "v1", 1)


def test_runs_record_start_and_counts(store):
    run_id = store.start_run(["corpus"], extractor_version="v1")
    store.finish_run(run_id, status="done", counts={"files": 3, "stored": 2, "failed": 1, "elapsed": 0.5})
    row = store.db["runs"].get(run_id)
    assert (row["status"], row["files"], row["stored"], row["failed"]) == ("done", 3, 2, 1)
    assert row["finished_at"] >= row["started_at"]


def test_views_give_one_row_per_value_and_per_study(store):
    store.save_files([input_file(make_record(values=2))], run_id=None, extractor_version="v1")
    values = list(store.db.query("SELECT measure, timepoint, value, p_op, evidence FROM meta_analysis_values "
                                 "ORDER BY days"))
    assert values == [
        {"measure": "WOMAC score", "timepoint": "baseline", "value": 52.4, "p_op": None, "evidence": "52.4±8.1"},
        {"measure": "WOMAC score", "timepoint": "3 months", "value": 51.4, "p_op": "<", "evidence": "52.4±8.1"},
    ]
    study = list(store.db.query("SELECT design_type, sample_size, outcomes, outcome_values FROM study_overview"))
    assert study == [{"design_type": "single_arm", "sample_size": 12, "outcomes": 1, "outcome_values": 2}]


def test_full_text_search_over_titles_and_abstracts(store):
    store.save_files([input_file(make_record())], run_id=None, extractor_version="v1")
    assert [hit["id"] for hit in store.search("womac")] == ["doi:10.1/abc"]
    assert store.search("cirrhosis") == []
    with pytest.raises(StoreError, match="bad search query"):
        store.search('"unbalanced')


def test_file_database_uses_wal_and_foreign_keys(tmp_path):
    db = open_store(tmp_path / "out" / "x.db")
    assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: safe in WAL mode
    assert db.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10000
    with pytest.raises(StoreError, match="cannot write"), db._transaction():
        db.db.conn.execute("INSERT INTO outcomes (id, record_id) VALUES ('x', 'no such record')")


def _write(path, data: bytes):
    path.write_bytes(data)
    return path



# ---------------------------------------------------------------- batched writes


#: Columns that say when or by which run a row was written, not what it holds.
WHEN = {"updated_at", "processed_at", "run_id"}


def table_rows(store) -> dict[str, list[tuple]]:
    """Every row of every data table (sorted; time stamps and run ids left out)."""
    rows = {}
    for table in DATA_TABLES:
        columns = [c.name for c in store.db[table].columns if c.name not in WHEN]
        names = ", ".join(f'"{c}"' for c in columns)
        rows[table] = sorted(store.db.conn.execute(f'SELECT {names} FROM "{table}"').fetchall(), key=repr)
    return rows


def search_index_is_exact(store) -> bool:
    """True when the FTS index holds exactly the tokens of the stored titles and abstracts."""
    store.db.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms "
                          "USING fts5vocab(main, 'documents_fts', 'instance')")
    def terms():
        return sorted(store.db.conn.execute("SELECT term, doc, col, offset FROM temp.fts_terms"))
    before = terms()
    store.db.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")
    return before == terms()


def one_by_one(*batches: list[InputFile]) -> dict[str, list[tuple]]:
    """What saving every file of ``batches`` in its own transaction leaves: the reference for batches."""
    store = open_store(None)
    for batch in batches:
        for item in batch:
            store.save_files([item], run_id=None, extractor_version="v1")
    return table_rows(store)


def save_batches(store, *batches: list[InputFile]) -> dict[str, list[tuple]]:
    for batch in batches:
        store.save_files(batch, run_id=None, extractor_version="v1")
    assert search_index_is_exact(store)
    return table_rows(store)


def test_row_builders_fill_exactly_the_listed_columns():
    rows = document_rows(ExtractedDocument(make_record(), text=TEXT), input_path="/in/a.txt")
    assert (len(rows.document), len(rows.record)) == (len(DOCUMENT_COLUMNS), len(RECORD_COLUMNS))
    assert [len(r) for r in (*rows.outcomes, *rows.values, *rows.evidence)] == (
        [len(OUTCOME_COLUMNS)] + [len(VALUE_COLUMNS)] * 2 + [len(EVIDENCE_COLUMNS)])
    record = make_record()
    assert set(store_module._record_row(record, input_path=None)) == set(RECORD_COLUMNS)
    assert set(store_module._document_row(ExtractedDocument(record), input_path=None)) == set(DOCUMENT_COLUMNS)
    value = record["outcomes"][0]["values"][0]
    assert set(store_module._value_row(value, outcome_id="o", record_id="r", position=0)) == set(VALUE_COLUMNS)
    assert set(store_module._outcome_row(record["outcomes"][0], record_id="r", position=0)) == set(OUTCOME_COLUMNS)
    span = record["field_evidence"][0]
    assert set(store_module._evidence_row(span, record_id="r", position=0)) == set(EVIDENCE_COLUMNS)


def test_listed_columns_are_the_tables_columns(store):
    for table, columns, added in (("documents", DOCUMENT_COLUMNS, {"updated_at"}),
                                  ("records", RECORD_COLUMNS, {"run_id", "updated_at"}),
                                  ("outcomes", OUTCOME_COLUMNS, set()), ("outcome_values", VALUE_COLUMNS, set()),
                                  ("evidence", EVIDENCE_COLUMNS, set())):
        assert {c.name for c in store.db[table].columns} == {*columns, *added}, table


def test_rows_built_by_a_worker_store_what_the_records_would(store):
    item = input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb", values=3),
                      failures=(Failure("a.txt", "record 3 has no abstract", 3),))
    prepared = prepare_file(item)
    assert all(isinstance(doc, DocumentRows) for doc in prepared.documents)
    assert prepared.documents[0].record_id == "extracted:doi:10.1/aaa"
    assert save_batches(store, [prepared]) == one_by_one([item])


def test_a_rerun_after_one_document_changed_replaces_its_children_exactly(store):
    first = [input_file(make_record("doi:10.1/aaa", values=3), make_record("doi:10.1/bbb", values=2)),
             input_file(make_record("doi:10.1/ccc", values=2), path="/in/c.txt")]
    changed = make_record("doi:10.1/bbb", values=1, title="Knee cartilage regrows")
    changed["field_evidence"] = []
    second = [input_file(make_record("doi:10.1/aaa", values=3), changed),
              input_file(make_record("doi:10.1/ccc", values=2), path="/in/c.txt")]
    rows = save_batches(store, first, second)
    assert rows == one_by_one(second)
    assert store.counts() == {"documents": 3, "records": 3, "outcomes": 3, "outcome_values": 6, "evidence": 2,
                              "input_files": 2, "failures": 0, "runs": 0}
    assert [hit["id"] for hit in store.search("cartilage")] == ["doi:10.1/bbb"]
    assert sorted(hit["id"] for hit in store.search("stem")) == ["doi:10.1/aaa", "doi:10.1/ccc"]


def test_a_batch_mixing_new_and_stored_documents(store):
    stored = [input_file(make_record("doi:10.1/aaa", values=3), path="/in/a.txt")]
    mixed = [input_file(make_record("doi:10.1/aaa", values=1), make_record("doi:10.1/new", values=2),
                        path="/in/a.txt"),
             input_file(make_record("doi:10.1/xyz"), path="/in/x.txt")]
    assert save_batches(store, stored, mixed) == one_by_one(stored, mixed)
    assert [r["value"] for r in store.db.query("SELECT value FROM outcome_values WHERE record_id = ?",
                                               ["extracted:doi:10.1/aaa"])] == [52.4]


@pytest.mark.parametrize("batch", [
    pytest.param([input_file(make_record("doi:10.1/aaa", values=3), path="/in/a.txt"),
                  input_file(make_record("doi:10.1/aaa", values=1), path="/in/b.txt")], id="one document in two files"),
    pytest.param([input_file(make_record("doi:10.1/aaa", values=3), make_record("doi:10.1/aaa", values=1))],
                 id="one document twice in a file"),
    pytest.param([input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb"),
                             failures=(Failure("a.txt", "record 3 has no abstract", 3),)),
                  input_file(make_record("doi:10.1/ccc"), path="/in/c.txt"),
                  input_file(make_record("doi:10.1/bbb", values=1), make_record("doi:10.1/ccc"))],
                 id="one input twice"),
    pytest.param([input_file(make_record("doi:10.1/aaa", values=3), path="/in/b.txt"),
                  input_file(make_record("doi:10.1/bbb"), path="/in/a.txt")], id="a document moves to another input"),
])
def test_a_batch_stores_what_its_files_one_by_one_would(store, batch):
    before = [input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/zzz"), path="/in/a.txt")]
    assert save_batches(store, before, batch) == one_by_one(before, batch)


def test_curated_and_extracted_records_of_one_document_in_one_batch(store):
    curated = make_record("doi:10.1/aaa", values=1, source="curated", title="Curated title")
    store.save_records([curated, make_record("doi:10.1/aaa", values=2)])
    assert store.db["documents"].get("doi:10.1/aaa")["title"] == "Stem cells for knee pain"
    store.save_records([make_record("doi:10.1/bbb", source="curated", title="Curated title"),
                        make_record("doi:10.1/bbb", values=3)])
    assert store.db["documents"].get("doi:10.1/bbb")["title"] == "Stem cells for knee pain"
    assert store.counts()["records"] == 4 and store.counts()["outcome_values"] == 8
    assert search_index_is_exact(store)


def test_more_documents_than_one_statement_holds(store):
    many = [make_record(f"doi:10.1/{i:03d}", values=i % 3, title=f"Trial number{i}") for i in range(70)]
    assert len(many) > 2 * store_module.DOCUMENTS_PER_STATEMENT
    rows = save_batches(store, [input_file(*many[:40])], [input_file(*many[20:])])
    assert rows == one_by_one([input_file(*many[20:])])
    assert store.counts()["documents"] == 50
    assert [hit["id"] for hit in store.search("number45")] == ["doi:10.1/045"]


def test_an_unchanged_document_is_not_reindexed_and_a_changed_one_is(tmp_path):
    store = open_store(tmp_path / "x.db")
    store.save_files([input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb"))], run_id=None,
                     extractor_version="v1")
    segments = store.db.conn.execute("SELECT count(*) FROM documents_fts_data").fetchone()[0]
    store.save_files([input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb"))], run_id=None,
                     extractor_version="v2")
    assert store.db.conn.execute("SELECT count(*) FROM documents_fts_data").fetchone()[0] == segments
    store.save_files([input_file(make_record("doi:10.1/aaa"), make_record("doi:10.1/bbb", title="Bone marrow"))],
                     run_id=None, extractor_version="v3")
    assert [hit["id"] for hit in store.search("marrow")] == ["doi:10.1/bbb"]
    longer = ExtractedDocument(make_record("doi:10.1/aaa"), text=TEXT + " Osteoarthritis improved.", abstract_start=26)
    store.save_files([InputFile("/in/a.txt", "a.txt", "sha2", (longer,))], run_id=None, extractor_version="v4")
    assert [hit["id"] for hit in store.search("osteoarthritis")] == ["doi:10.1/aaa"]
    assert search_index_is_exact(store)


def test_a_database_from_before_0004_gets_the_new_search_trigger_and_can_be_read_meanwhile(tmp_path):
    path = tmp_path / "old.db"
    store = open_store(path)
    store.save_files([input_file(make_record())], run_id=None, extractor_version="v1")
    store.db.execute("DELETE FROM _migrations WHERE name LIKE '0004%'")
    store.db.execute("DROP TRIGGER documents_au")
    store.db.execute("CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN "
                     "INSERT INTO documents_fts (documents_fts, rowid, title, abstract) "
                     "VALUES ('delete', old.rowid, old.title, old.abstract); "
                     "INSERT INTO documents_fts (rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract); END")
    store.db.conn.commit()
    store.close()
    reader = open_store(path, read_only=True)  # 0004 changes only how writes work
    assert [hit["id"] for hit in reader.search("womac")] == ["doi:10.1/abc"]
    reader.close()
    store = open_store(path)
    trigger = store.db.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_au'").fetchone()[0]
    assert "WHEN old.title IS NOT new.title" in trigger
    store.save_files([input_file(make_record(title="Umbilical cord cells"))], run_id=None, extractor_version="v2")
    assert [hit["id"] for hit in store.search("umbilical")] == ["doi:10.1/abc"]
    assert search_index_is_exact(store)
