"""``extractor curate import``: curated rows beside extracted ones, kept by later runs, exported, evaluated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from extractor.cli import app
from extractor.curate import check_timestamp, curated_record, import_curated
from extractor.errors import ReadError, ValidationFailed
from extractor.records.models import StudyRecord
from extractor.store import open_store

runner = CliRunner()
#: Cases of the bundled corpus (an input and its expected record each).
N = len(list(CORPUS.glob("*/expected.json")))
FIXTURES = Path(__file__).parent / "fixtures" / "curation"
#: A composed format 1.1 entry: effect estimates and count + percent pairs.
LUPUS_1_1 = Path(__file__).parent / "fixtures" / "format_1_1" / "lupus_rct.json"


def invoke(*args: str):
    return runner.invoke(app, [*args])


def summary_value(output: str, label: str) -> str:
    """The first word after ``label`` in the import summary."""
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return line.strip()[len(label):].split()[0]


@pytest.fixture(scope="module")
def extracted_db(tmp_path_factory, corpus_dir) -> tuple[Path, Path]:
    """The composed corpus inputs (no expected files) and a database of their extraction, built once."""
    root = tmp_path_factory.mktemp("extracted")
    inputs = root / "in"
    for source in corpus_dir.glob("*/*.txt"):
        (inputs / source.parent.name).mkdir(parents=True)
        shutil.copy(source, inputs / source.parent.name / source.name)
    result = invoke("run", str(inputs), "--db", str(root / "x.db"))
    assert result.exit_code == 0, result.output
    return inputs, root / "x.db"


@pytest.fixture()
def work(tmp_path, extracted_db, corpus_dir):
    """A fresh copy of the inputs and database, and the corpus's expected records as curated entries.

    The ALS entry's sample size is changed (9 -> 90) so a curated value differs from the extracted one.
    """
    inputs, db = extracted_db
    shutil.copytree(inputs, tmp_path / "in")
    shutil.copy(db, tmp_path / "x.db")
    curated = tmp_path / "curated"
    curated.mkdir()
    for expected in sorted(corpus_dir.glob("*/expected.json")):
        record = json.loads(expected.read_text())
        if expected.parent.name == "als_phase1":
            record["population"]["sample_size"] = 90
        (curated / f"{expected.parent.name}.json").write_text(json.dumps(record, indent=1))
    return tmp_path / "in", tmp_path / "x.db", curated


def stored(db: Path, sql: str, params=()) -> list[tuple]:
    store = open_store(db, read_only=True)
    try:
        return store.query(sql, params)[1]
    finally:
        store.close()


# --------------------------------------------------------------------------- import


def test_import_stores_curated_beside_extracted(work):
    _, db, curated = work
    result = invoke("curate", "import", str(curated), "--db", str(db), "--curated-by", "reviewer one",
                    "--curated-at", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "imported") == str(N)
    assert f"({N} new, 0 replaced)" in result.output
    assert summary_value(result.output, "without extracted") == "0"
    assert summary_value(result.output, "rejected") == "0"
    rows = stored(db, "SELECT source, count(*), min(curated_by), min(curated_at) FROM records GROUP BY source")
    assert rows == [("curated", N, "reviewer one", "2024-06-01"), ("extracted", N, None, None)]
    assert stored(db, "SELECT sample_size FROM records WHERE source = 'curated' AND document_id IN "
                      "(SELECT document_id FROM records WHERE source = 'extracted' AND sample_size = 9)") == [(90,)]
    again = invoke("curate", "import", str(curated / "als_phase1.json"), "--db", str(db))
    assert again.exit_code == 0 and "(0 new, 1 replaced)" in again.output
    assert stored(db, "SELECT count(*) FROM records WHERE source = 'curated'") == [(N,)]


def test_a_later_run_never_overwrites_curated_records(work):
    inputs, db, curated = work
    assert invoke("curate", "import", str(curated), "--db", str(db)).exit_code == 0
    before = stored(db, "SELECT id, record, curated_by, updated_at FROM records WHERE source = 'curated' ORDER BY id")
    assert len(before) == N
    first = invoke("run", str(inputs), "--db", str(db))  # inputs at a new path: every document stored again
    assert first.exit_code == 0 and summary_value(first.output, "stored") == str(N), first.output
    als = inputs / "als_phase1" / "als_phase1.txt"
    als.write_text(als.read_text() + "\n")  # changed bytes: the file is extracted again
    second = invoke("run", str(inputs), "--db", str(db))
    assert second.exit_code == 0 and summary_value(second.output, "stored") == "1", second.output
    after = "SELECT id, record, curated_by, updated_at FROM records WHERE source = 'curated' ORDER BY id"
    assert stored(db, after) == before
    assert stored(db, "SELECT count(*) FROM records WHERE source = 'extracted'") == [(N,)]


def test_export_prefers_curated_and_exports_either_side(work):
    _, db, curated = work
    assert invoke("curate", "import", str(curated / "als_phase1.json"), "--db", str(db)).exit_code == 0

    def export(source: str) -> list[dict]:
        result = invoke("export", "--db", str(db), "--format", "jsonl", "--source", source)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines()]

    best = export("best")
    assert len(best) == N
    assert sorted(r["provenance"]["source"] for r in best) == ["curated"] + ["extracted"] * (N - 1)
    assert next(r for r in best if r["provenance"]["source"] == "curated")["population"]["sample_size"] == 90
    assert [r["population"]["sample_size"] for r in export("curated")] == [90]
    assert {r["provenance"]["source"] for r in export("extracted")} == {"extracted"}
    assert len(export("extracted")) == N


def test_evaluate_compares_curated_with_extracted_in_one_database(work):
    _, db, curated = work
    assert invoke("curate", "import", str(curated), "--db", str(db)).exit_code == 0
    result = invoke("evaluate", str(db), "--format", "json", "--disagreements")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == N and data["missing_predictions"] == []
    assert data["accuracy"]["design.type"]["n"] == N
    assert data["accuracy"]["population.sample_size"]["acc"] < 1
    als = next(d for d in data["per_document"] if d["key"] == "als_phase1.txt")
    assert {"field": "population.sample_size", "gold": 90, "predicted": 9} in als["disagreements"]
    table = invoke("evaluate", str(db), "--disagreements")
    assert table.exit_code == 0
    line = next(line for line in table.stdout.splitlines() if line.strip().startswith("population.sample_size  gold"))
    assert "gold: 90" in line and "predicted: 9" in line


def test_invalid_entries_are_listed_and_skipped(work, tmp_path):
    _, db, curated = work
    shutil.copy(FIXTURES / "broken_sense.json", curated / "zz_broken.json")
    result = invoke("curate", "import", str(curated), "--db", str(db))
    assert result.exit_code == 1
    assert summary_value(result.output, "imported") == str(N)
    assert summary_value(result.output, "rejected") == "1"
    assert f"{curated / 'zz_broken.json'}:121: outcomes.0.values.2.spread: an SD or SE is never negative" in result.output
    assert stored(db, "SELECT count(*) FROM records WHERE source = 'curated'") == [(N,)]


def test_entries_keyed_by_file_are_aligned_by_default_or_reported_with_keep_ids(work, tmp_path):
    _, db, curated = work
    record = json.loads((curated / "knee_oa_single_arm.json").read_text())
    extracted_id = record["document"]["id"]
    record["document"]["id"] = "file:knee"
    entry = tmp_path / "knee.json"
    entry.write_text(json.dumps(record))
    plain = invoke("curate", "import", str(entry), "--db", str(db), "--keep-ids")
    assert plain.exit_code == 0
    assert f"no extracted record for file:knee (knee_oa_single_arm/knee_oa_single_arm.txt); extracted as " \
           f"{extracted_id}" in plain.output
    assert "without --keep-ids" in plain.output
    aligned = invoke("curate", "import", str(entry), "--db", str(db))
    assert aligned.exit_code == 0, aligned.output
    assert summary_value(aligned.output, "aligned by file name") == "1"
    assert stored(db, "SELECT count(*) FROM records WHERE document_id = ?", (extracted_id,)) == [(2,)]


def test_import_into_a_new_database_keeps_the_curated_metadata(tmp_path):
    db = tmp_path / "new.db"
    result = invoke("curate", "import", str(FIXTURES / "knee_rct.json"), str(FIXTURES / "entries.jsonl"),
                    "--db", str(db))
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "without extracted") == "3"
    assert stored(db, "SELECT id, year FROM documents ORDER BY id") == [
        ("doi:10.5555/curation.knee", 2019), ("pmid:99990001", 2021), ("sha256:" + "ab" * 32, 2008)]
    # provenance of the entry is kept when no --curated-by/--curated-at is given
    assert stored(db, "SELECT curated_by, curated_at FROM records WHERE document_id = 'pmid:99990001'") == [
        ("reviewer one", "2024-03-02")]


def test_import_accepts_a_format_1_and_a_format_1_1_entry(tmp_path):
    db = tmp_path / "new.db"
    result = invoke("curate", "import", str(FIXTURES / "knee_rct.json"), str(LUPUS_1_1), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "imported") == "2"
    assert summary_value(result.output, "rejected") == "0"
    versions = stored(db, "SELECT document_id, json_extract(record, '$.schema_version') FROM records ORDER BY 1")
    assert versions == [("doi:10.5555/curation.knee", "1"), ("doi:10.5555/curation.lupus", "1.1")]
    effects = stored(db, "SELECT group_label, kind, statistic, value, low, high, n FROM outcome_values "
                         "WHERE statistic IN ('odds_ratio', 'mean_difference', 'count') ORDER BY position, statistic")
    assert sorted(effects) == sorted([
        ("UC-MSC vs placebo", "change", "mean_difference", -3.8, -5.3, -2.3, None),
        ("UC-MSC", "level", "count", 12.0, None, None, 20),
        ("placebo", "level", "count", 5.0, None, None, 20),
        ("UC-MSC vs placebo", "change", "odds_ratio", 4.5, 1.2, 17.1, None),
    ])


def test_import_rejects_a_version_1_entry_with_1_1_statistics(tmp_path):
    entry = json.loads(LUPUS_1_1.read_text())
    entry["schema_version"] = "1"
    (tmp_path / "old.json").write_text(json.dumps(entry, indent=1))
    result = invoke("curate", "import", str(tmp_path / "old.json"), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1
    assert summary_value(result.output, "rejected") == "1"
    assert 'outcomes.0.values.3.statistic: is a format 1.1 statistic; set schema_version to "1.1"' in result.output


@pytest.mark.parametrize("args, message", [
    (["--curated-at", "last tuesday"], "not an ISO 8601 date"),
    (["--db", "{tmp}"], "is a folder"),
])
def test_bad_options_are_errors(tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    db_args = [] if "--db" in args else ["--db", str(tmp_path / "x.db")]
    result = invoke("curate", "import", str(FIXTURES / "knee_rct.json"), *db_args, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_bad_paths(tmp_path):
    missing = invoke("curate", "import", str(tmp_path / "absent.json"), "--db", str(tmp_path / "x.db"))
    assert missing.exit_code == 1 and "absent.json: no such file or folder" in missing.stderr
    assert invoke("curate", "import", "--db", str(tmp_path / "x.db")).exit_code == 2
    assert invoke("curate").exit_code == 2  # no sub-command: usage


# --------------------------------------------------------------------------- the library


def test_curated_record_sets_provenance():
    record = StudyRecord.model_validate(json.loads((FIXTURES / "entries.jsonl").read_text().splitlines()[0]))
    data = curated_record(record, curated_by="reviewer two")
    assert data["provenance"] == {"source": "curated", "extractor_version": None, "curated_by": "reviewer two",
                                  "curated_at": "2024-03-02"}
    assert data["document"]["id"] == "pmid:99990001" and data["schema_version"] == "1"


@pytest.mark.parametrize("text, ok", [("2024-06-01", True), ("2024-06-01T10:30:00", True), (None, True),
                                      ("01/06/2024", False), ("", False)])
def test_check_timestamp(text, ok):
    if ok:
        assert check_timestamp(text) == text
    else:
        with pytest.raises(ValidationFailed):
            check_timestamp(text)


def test_import_curated_on_a_store(store):
    result = import_curated(store, [FIXTURES])
    # files in name order: broken_contract.json, broken_sense.json, entries.jsonl, knee_rct.json
    assert result.imported == ("pmid:99990001", "sha256:" + "ab" * 32, "doi:10.5555/curation.knee")
    assert [entry.file.rsplit("/", 1)[-1] for entry in result.rejected] == ["broken_contract.json",
                                                                         "broken_sense.json"]
    assert not result.ok and len(result.problems) == 13
    with pytest.raises(ReadError):
        import_curated(store, [FIXTURES / "absent"])
