"""``extractor run`` and ``extractor export`` through typer's CliRunner, bad arguments included."""

from __future__ import annotations

import csv
import inspect
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from extractor.batch import evidence_mismatches
from extractor.cli import app
from extractor.export import CSV_COLUMNS
from extractor.store import DATA_TABLES, open_store

runner = CliRunner()
#: Input files of the bundled corpus (one per case).
N = len(list(CORPUS.glob("*/*.txt")))


@pytest.fixture()
def inputs(tmp_path, corpus_dir):
    """A folder with the corpus inputs (no expected files) in a sub-folder, and the run's database path."""
    folder = tmp_path / "in"
    for source in corpus_dir.glob("*/*.txt"):
        target = folder / source.parent.name / source.name
        target.parent.mkdir(parents=True)
        target.write_bytes(source.read_bytes())
    return folder, tmp_path / "out" / "x.db"


def run(*args: str):
    return runner.invoke(app, [*args])


def summary_value(output: str, label: str) -> str:
    """The value after ``label`` in the run summary."""
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return line.strip()[len(label):].split()[0]


def test_run_twice_stores_once_and_skips_unchanged(inputs):
    folder, db = inputs
    first = run("run", str(folder), "--db", str(db))
    assert first.exit_code == 0, first.output
    assert summary_value(first.output, "stored") == str(N)
    assert summary_value(first.output, "documents read") == str(N)
    assert summary_value(first.output, "failed") == "0"
    assert "documents/s" in first.output
    counts = {t: n for t, n in open_store(db).counts().items() if t in DATA_TABLES}
    second = run("run", str(folder), "--db", str(db))
    assert second.exit_code == 0, second.output
    assert summary_value(second.output, "skipped (unchanged)") == str(N)
    assert summary_value(second.output, "stored") == "0"
    assert {t: n for t, n in open_store(db).counts().items() if t in DATA_TABLES} == counts
    assert counts["documents"] == counts["records"] == counts["input_files"] == N


def test_a_changed_file_is_extracted_again(inputs):
    folder, db = inputs
    run("run", str(folder), "--db", str(db))
    changed = next(folder.glob("cirrhosis_rct/*.txt"))
    changed.write_text(changed.read_text() + "\nNo patient was lost to follow-up.\n")
    result = run("run", str(folder), "--db", str(db))
    assert (summary_value(result.output, "stored"), summary_value(result.output, "skipped (unchanged)")) == ("1", str(N - 1))


def test_bad_inputs_are_reported_and_do_not_stop_the_batch(inputs):
    folder, db = inputs
    (folder / "empty.txt").write_text("  \n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    result = run("run", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "stored") == str(N)
    assert summary_value(result.output, "failed") == "2"
    assert "FAILED empty.txt: the file is empty" in result.output
    assert "FAILED image.txt:" in result.output
    assert {f.source_file for f in open_store(db).failures()} == {"empty.txt", "image.txt"}
    strict = run("run", str(folder), "--db", str(db.with_name("strict.db")), "--strict")
    assert strict.exit_code == 1


@pytest.mark.parametrize("args, code, message", [
    (["run"], 2, "Missing argument"),
    (["run", "/no/such/folder"], 2, "does not exist"),
    (["run", "corpus", "--batch-size", "0"], 2, "--batch-size"),
    (["export", "--format", "xml"], 2, "'xml' is not one of"),
    (["export", "--source", "mine"], 2, "--source"),
    (["frobnicate"], 2, "No such command"),
])
def test_bad_arguments_exit_2_with_usage(args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert message in result.output


def test_run_batch_size_defaults_to_the_library_default():
    from extractor.batch import DEFAULT_BATCH_SIZE
    from extractor.cli.run import run_command

    assert inspect.signature(run_command).parameters["batch_size"].default == DEFAULT_BATCH_SIZE


def test_run_with_a_folder_as_database_is_an_error(inputs):
    folder, db = inputs
    db.mkdir(parents=True)
    result = run("run", str(folder), "--db", str(db))
    assert result.exit_code == 1
    assert f"Error: {db} is a folder" in result.output


def test_export_without_a_database_is_an_error(tmp_path):
    result = run("export", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "no database there" in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.fixture()
def stored(inputs):
    folder, db = inputs
    assert run("run", str(folder), "--db", str(db)).exit_code == 0
    return db


def test_export_jsonl_writes_one_exchange_record_per_document(stored, tmp_path):
    out = tmp_path / "records.jsonl"
    result = run("export", "--db", str(stored), "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert f"exported {N} records" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["document"]["source_file"] for r in records] == sorted(  # in source-file order
        f"{p.parent.name}/{p.name}" for p in CORPUS.glob("*/*.txt"))
    for record in records:
        assert {"schema_version", "document", "design", "population", "intervention", "outcomes"} <= set(record)
        assert record["schema_version"] == "1.1"
        assert record["provenance"]["source"] == "extracted"


def test_export_json_is_an_array_and_can_drop_extensions(stored):
    result = run("export", "--db", str(stored), "--format", "json", "--no-evidence")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == N
    assert all("provenance" not in r and "field_evidence" not in r for r in records)
    assert all("evidence" not in v for r in records for o in r["outcomes"] for v in o["values"])


def test_export_csv_has_one_row_per_outcome_value(stored):
    result = run("export", "--db", str(stored), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(csv.DictReader(io.StringIO(result.stdout)).fieldnames) == CSV_COLUMNS
    jsonl = run("export", "--db", str(stored), "--format", "jsonl").stdout
    values = [(r["document"]["id"], o["measure"], v["value"]) for r in map(json.loads, jsonl.splitlines())
              for o in r["outcomes"] for v in o["values"]]
    assert len(rows) == len(values)
    assert [(row["document_id"], row["measure"]) for row in rows] == [(d, m) for d, m, _ in values]


@pytest.fixture()
def curated_1_1(tmp_path):
    """A database with a format 1 entry (the knee RCT) and a format 1.1 entry (the lupus RCT) imported."""
    fixtures = Path(__file__).parent / "fixtures"
    db = tmp_path / "curated.db"
    result = run("curate", "import", str(fixtures / "curation" / "knee_rct.json"),
                 str(fixtures / "format_1_1" / "lupus_rct.json"), "--db", str(db))
    assert result.exit_code == 0, result.output
    return db


def test_export_keeps_each_records_format_version(curated_1_1):
    # a curated version 1 entry stays "1": labelling it 1.1 would claim count + percent pairs and effect
    # estimates its curator was not asked for (the scorers score those only against 1.1 records)
    result = run("export", "--db", str(curated_1_1), "--format", "jsonl", "--no-evidence")
    assert result.exit_code == 0, result.output
    records = {r["document"]["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert {k: r["schema_version"] for k, r in records.items()} == {
        "doi:10.5555/curation.knee": "1", "doi:10.5555/curation.lupus": "1.1"}
    odds_ratio = records["doi:10.5555/curation.lupus"]["outcomes"][1]["values"][4]
    assert odds_ratio == {"group": "UC-MSC vs placebo", "timepoint": "6 months", "days": 180.0, "kind": "change",
                          "statistic": "odds_ratio", "value": 4.5, "spread": None, "low": 1.2, "high": 17.1,
                          "n": None, "p": {"op": "=", "value": 0.03}}


def test_export_csv_rows_of_effect_estimates_and_counts(curated_1_1):
    result = run("export", "--db", str(curated_1_1), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["document_id"] == "doi:10.5555/curation.lupus"]
    columns = ("measure", "group", "days", "kind", "statistic", "value", "spread", "low", "high", "n",
               "p_op", "p_value")
    assert [tuple(row[c] for c in columns) for row in rows] == [
        ("SLEDAI score", "UC-MSC", "0", "level", "mean_sd", "12.1", "3.2", "", "", "20", "", ""),
        ("SLEDAI score", "UC-MSC", "180", "level", "mean_sd", "6.4", "2.9", "", "", "20", "", ""),
        ("SLEDAI score", "placebo", "180", "level", "mean_sd", "10.2", "3.5", "", "", "20", "", ""),
        ("SLEDAI score", "UC-MSC vs placebo", "180", "change", "mean_difference", "-3.8", "", "-5.3", "-2.3", "",
         "<", "0.001"),
        ("complete renal remission", "UC-MSC", "180", "level", "count", "12", "", "", "", "20", "", ""),
        ("complete renal remission", "UC-MSC", "180", "level", "percent", "60", "", "", "", "20", "", ""),
        ("complete renal remission", "placebo", "180", "level", "count", "5", "", "", "", "20", "", ""),
        ("complete renal remission", "placebo", "180", "level", "percent", "25", "", "", "", "20", "", ""),
        ("complete renal remission", "UC-MSC vs placebo", "180", "change", "odds_ratio", "4.5", "", "1.2", "17.1", "",
         "=", "0.03"),
    ]
    assert {row["source"] for row in rows} == {"curated"}


def test_export_of_curated_records_is_empty_before_curation(stored):
    result = run("export", "--db", str(stored), "--source", "curated")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_export_to_a_folder_is_an_error(stored, tmp_path):
    result = run("export", "--db", str(stored), "--output", str(tmp_path))
    assert result.exit_code == 1
    assert "is a folder" in result.output


def test_every_stored_value_keeps_the_evidence_invariant(stored):
    store = open_store(stored)
    for record in store.iter_records(source="extracted"):
        text = store.document_text(record["document"]["id"])
        assert evidence_mismatches(record, text) == [], record["document"]["source_file"]


def test_evidence_mismatches_names_the_broken_span():
    record = {"outcomes": [{"measure": "CK", "values": [{"evidence": {"start": 0, "end": 3, "quote": "abd"}}]}]}
    assert evidence_mismatches(record, "abc") == ["outcomes[CK].values[0]: text[0:3] is 'abc', quote is 'abd'"]


@pytest.mark.slow
def test_python_dash_m_and_help_do_not_load_spacy():
    code = ("import sys, runpy; sys.argv = ['extractor', '--help']\n"
            "try:\n    runpy.run_module('extractor', run_name='__main__')\n"
            "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "assert 'spacy' not in sys.modules, 'extractor --help imported spaCy'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for command in ("run", "export"):
        assert command in result.stdout
