"""The SQLite store: migrations, deterministic upserts, atomic batches, curated rows, views, search."""

from __future__ import annotations

import pytest

from extractor.errors import StoreError
from extractor.store import (
    MIGRATIONS,
    ExtractedDocument,
    Failure,
    InputFile,
    migrate,
    open_store,
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
    with pytest.raises(StoreError, match="cannot write"), db._transaction():
        db.db.conn.execute("INSERT INTO outcomes (id, record_id) VALUES ('x', 'no such record')")


def _write(path, data: bytes):
    path.write_bytes(data)
    return path

