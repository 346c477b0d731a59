"""Merging extraction databases (shards) into one: ``Store.merge_database``, ``merge_shards``, ``extractor merge``."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_parallel import snapshot, write_corpus, write_pubmed
from typer.testing import CliRunner

from extractor.batch import run_batch, run_files
from extractor.cli import app
from extractor.distributed import merge_shards
from extractor.errors import StoreError
from extractor.reader import iter_files
from extractor.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("merge") / "in", abstracts=10)


@pytest.fixture(scope="module")
def whole(corpus):
    """One local run over the whole corpus: what the merged shards must equal."""
    store = open_store(None)
    run_batch([corpus], store=store)
    yield snapshot(store)
    store.close()


def make_shards(corpus, folder, *, cut: int = 6):
    """Two shard databases: the corpus's first ``cut`` files, and the rest."""
    files = list(iter_files([corpus]))
    shards = []
    for index, part in enumerate((files[:cut], files[cut:])):
        shard = folder / f"shard-{index}.db"
        store = open_store(shard)
        run_files(part, store=store, paths=[str(corpus)])
        store.close()
        shards.append(shard)
    return shards


@pytest.fixture(scope="module")
def shards(corpus, tmp_path_factory):
    return make_shards(corpus, tmp_path_factory.mktemp("shards"))


def test_two_shards_merge_into_what_one_run_stores(shards, whole, tmp_path):
    store = open_store(tmp_path / "merged.db")
    summary = merge_shards(shards, store=store)
    assert snapshot(store) == whole
    assert summary.shards == 2
    assert summary.rows["records"] == whole["counts"]["records"] == 15
    assert summary.rows["failures"] == 2


def test_merging_again_changes_nothing(shards, whole, tmp_path):
    store = open_store(tmp_path / "merged.db")
    merge_shards(shards, store=store)
    merge_shards([*shards, shards[0]], store=store)
    assert snapshot(store) == whole
    assert store.counts()["runs"] == 2
    run_ids = {row[0] for row in store.db.conn.execute("SELECT DISTINCT run_id FROM records")}
    assert run_ids == {2}  # merged rows belong to the merging run


def test_a_rerun_after_a_merge_skips_every_input(shards, corpus, tmp_path):
    store = open_store(tmp_path / "merged.db")
    merge_shards(shards, store=store)
    again = run_batch([corpus], store=store)
    assert (again.documents_read, again.skipped_files) == (0, 13)


def test_merged_documents_are_searchable(shards, tmp_path):
    store = open_store(tmp_path / "merged.db")
    merge_shards(shards, store=store)
    assert len(store.search("stroke")) == 5
    assert len(store.search("osteoarthritis")) == 10


def test_a_shard_replaces_what_its_inputs_made_before(corpus, tmp_path):
    folder = tmp_path / "in"
    write_corpus(folder, abstracts=4)
    target = open_store(tmp_path / "target.db")
    run_batch([folder], store=target)
    xml = folder / "pubmed" / "batch.xml"
    write_pubmed(xml, range(900001, 900003))  # five records become two
    shard = open_store(tmp_path / "shard.db")
    run_files([(xml, "pubmed/batch.xml")], store=shard, paths=[str(folder)])
    shard.close()
    merge_shards([tmp_path / "shard.db"], store=target)
    reference = open_store(None)
    run_batch([folder], store=reference)
    run_batch([folder], store=reference)
    assert snapshot(target) == snapshot(reference)
    assert target.counts()["records"] == 6


def test_curated_records_survive_a_merge(shards, tmp_path):
    store = open_store(tmp_path / "merged.db")
    merge_shards(shards[:1], store=store)
    record = next(store.iter_records(source="extracted"))
    curated = {**record, "provenance": {"source": "curated", "extractor_version": None, "curated_by": "tester"}}
    store.save_record(curated)
    merge_shards(shards, store=store)
    assert [r["document"]["id"] for r in store.iter_records(source="curated")] == [record["document"]["id"]]
    assert store.counts()["records"] == 16  # 15 extracted and the curated one


def test_a_merge_keeps_columns_the_shard_lacks(shards, whole, tmp_path):
    old = tmp_path / "old.db"
    old.write_bytes(shards[1].read_bytes())
    with sqlite3.connect(old) as conn:
        conn.execute("ALTER TABLE documents DROP COLUMN vernacular_title")
    store = open_store(tmp_path / "merged.db")
    merge_shards([shards[0], old], store=store)
    assert snapshot(store)["records"] == whole["records"]


def _text_file(path):
    path.write_text("not a database\n" * 200)
    return path


def _empty_sqlite(path):
    sqlite3.connect(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    return path


def _newer(path, shards):
    path.write_bytes(shards[0].read_bytes())
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO _migrations VALUES ('9999_future', 'later')")
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p, s: p / "missing.db", "no database there"),
    (lambda p, s: _text_file(p / "notes.db"), "cannot open as an extraction database"),
    (lambda p, s: _empty_sqlite(p / "other.db"), r"is not an extraction database \(no documents table\)"),
    (lambda p, s: _newer(p / "newer.db", s), "newer version of the extractor"),
], ids=["missing", "not-sqlite", "other-sqlite", "newer"])
def test_a_bad_shard_is_refused_with_its_name(shards, tmp_path, make, message):
    bad = make(tmp_path, shards)
    store = open_store(tmp_path / "merged.db")
    with pytest.raises(StoreError, match=message) as raised:
        store.merge_database(bad, run_id=None)
    assert str(bad) in str(raised.value)
    assert store.counts()["records"] == 0


# ---------------------------------------------------------------- extractor merge


def test_merge_command_merges_and_reports(shards, whole, tmp_path):
    db = tmp_path / "out" / "merged.db"
    result = runner.invoke(app, ["merge", *map(str, shards), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"merged 2 shards into {db}" in result.output
    assert "15 records" in result.output and "2 failures" in result.output
    store = open_store(db)
    assert snapshot(store) == whole
    exported = runner.invoke(app, ["export", "--db", str(db), "--source", "extracted"])
    assert len([json.loads(line) for line in exported.output.splitlines()]) == 15


def test_merge_command_refuses_a_bad_shard(tmp_path):
    bad = _text_file(tmp_path / "notes.db")
    result = runner.invoke(app, ["merge", str(bad), "--db", str(tmp_path / "merged.db")])
    assert result.exit_code == 1
    assert "Error:" in result.output and "notes.db" in result.output


@pytest.mark.parametrize("args, message", [
    (["merge"], "Missing argument"),
    (["merge", "nowhere.db"], "does not exist"),
], ids=["no-shards", "missing-shard"])
def test_merge_command_bad_arguments_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_merge_command_refuses_the_target_as_a_shard(shards, tmp_path):
    db = tmp_path / "merged.db"
    db.write_bytes(shards[0].read_bytes())
    result = runner.invoke(app, ["merge", str(db), "--db", str(db)])
    assert result.exit_code == 2
    assert "cannot also be a shard" in result.output
