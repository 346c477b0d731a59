"""``extractor.evaluate`` and ``extractor evaluate``: figures equal to the shared scorers', disagreements, errors.

The fixture under ``tests/fixtures/evaluate`` holds fictional studies written
for these tests: four gold records (one without a prediction) with a
prediction file that gets some fields right and some wrong, and a numbers-only
gold with its predictions. The expected figures below were worked out by hand
from the scorers' definitions; when ``../shared/eval`` is present the shared
scorers are run on the same files and must print the same figures.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import ReadError, StoreError, ValidationFailed
from extractor.evaluate import (
    Disagreement,
    days_eq,
    detect_gold_format,
    evaluate_external,
    evaluate_paths,
    evaluate_records,
    first_pages,
    load_records,
    measure_match,
    num_eq,
    pair_records,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "evaluate"
GOLD = FIXTURE / "gold"
PREDICTIONS = FIXTURE / "predictions.jsonl"
EXTERNAL_GOLD = FIXTURE / "external_gold.jsonl"
EXTERNAL_PREDICTIONS = FIXTURE / "external_predictions.jsonl"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
needs_shared = pytest.mark.skipif(not (SHARED_EVAL / "score.py").is_file(), reason="../shared/eval is absent")

runner = CliRunner()


@pytest.fixture(scope="module")
def fixture_result():
    """The evaluation of the fixture predictions against the fixture gold."""
    return evaluate_paths(GOLD, PREDICTIONS)


# --------------------------------------------------------------------------- figures, worked out by hand

ACCURACY_CASES = [
    # knee: case_series for single_arm; lung and review right; case has no prediction
    ("design.type", 0.5, 4),
    # knee 12, lung 40 right; case (no prediction) wrong; review (gold null) is scored as abstention
    ("population.sample_size", 0.6667, 3),
    ("population.sample_size_abstain", 0.0, 1),
    # "101-9" is not "101-109"
    ("document.pages", 0.0, 1),
    # title: case missing; punctuation and case are ignored for knee
    ("document.title", 0.75, 4),
    # WOMAC points vs score twice; FEV1 twice and the walk distance right
    ("outcomes.unit_of_matched", 0.6, 5),
    # WOMAC 6 months p<0.05 for p<0.01
    ("outcomes.p_of_matched", 0.8, 5),
    # knee has a missed and an extra tuple; lung is exact; review and case have no means
    ("outcomes.document_all_mean_tuples_exact", 0.5, 2),
    # 360 days is within 6% of 365
    ("design.follow_up", 1.0, 2),
    ("design.blinding", 0.0, 1),
    ("intervention.donor", 0.5, 2),
]

PRF_CASES = [
    # knee: WOMAC baseline and 26 weeks (182 d ~ 180 d) match; VAS as level for change and CRP are extra;
    # lung: both FEV1 arms and "six-minute" ~ "6-minute walk distance" (Jaccard 3/5)
    ("outcomes.mean_tuples", 5, 2, 2),
    # numbers only: the VAS 25 ± 10 counts whatever its kind; VAS baseline 62 ± 15 is missed
    ("outcomes.mean_numbers", 6, 1, 1),
    ("outcomes.median_numbers", 1, 0, 0),
    ("outcomes.percent_numbers", 1, 1, 0),
    # 1e7 cells found, 5e7 missed, 1e7 cells/kg extra; 1e6 cells/kg found, 2e6 missed
    ("intervention.doses", 2, 1, 2),
    ("intervention.cell_sources", 2, 1, 0),
    # "t test" and "t-test" normalise alike; ANOVA extra, Wilcoxon missed
    ("design.statistical_tests", 2, 1, 1),
    ("population.arms_n", 1, 0, 0),
]


@pytest.mark.parametrize("field, acc, n", ACCURACY_CASES)
def test_accuracy_figures(fixture_result, field, acc, n):
    assert fixture_result.accuracy[field] == {"acc": acc, "n": n}, field


@pytest.mark.parametrize("field, tp, fp, fn", PRF_CASES)
def test_prf_figures(fixture_result, field, tp, fp, fn):
    row = fixture_result.prf[field]
    assert (row["tp"], row["fp"], row["fn"]) == (tp, fp, fn), field


def test_prf_ratios_are_rounded_like_the_scorer(fixture_result):
    assert fixture_result.prf["outcomes.mean_tuples"] == {"p": 0.7143, "r": 0.7143, "f1": 0.7143,
                                                          "tp": 5, "fp": 2, "fn": 2}
    assert fixture_result.prf["intervention.doses"]["f1"] == 0.5714


def test_documents_and_missing(fixture_result):
    assert fixture_result.gold_format == "records"
    assert fixture_result.documents == 4
    assert fixture_result.missing_predictions == ("case.txt",)


def test_external_figures():
    result = evaluate_paths(EXTERNAL_GOLD, EXTERNAL_PREDICTIONS)
    assert result.gold_format == "external"
    # trial1 120 right; trial2 76 is one of its totals; trial3 has none; trial4 has no prediction
    assert result.accuracy["sample_size"] == {"acc": 0.6667, "n": 3, "abstained": 1}
    # 5.4 and 6.1 found; 33.0 only as a median (not a mean); trial4 missing
    assert result.accuracy["mean_recall"] == {"acc": 0.5, "n": 4}
    # 1.2 found; 1.4 is not 1.5; trial4 missing
    assert result.accuracy["sd_recall"] == {"acc": 0.3333, "n": 3}
    assert result.missing_predictions == ("trial4.txt",)


# --------------------------------------------------------------------------- disagreements


def test_disagreements_of_a_document(fixture_result):
    knee = next(d for d in fixture_result.per_document if d.key == "knee.txt")
    assert knee.matched and knee.document_id == "doi:10.5555/fixture.knee"
    found = set((d.field, json.dumps(d.gold), json.dumps(d.predicted)) for d in knee.disagreements)
    expected = [
        Disagreement("design.type", "single_arm", "case_series"),
        Disagreement("document.pages", "101-109", "101-9"),
        Disagreement("intervention.cell_sources", None, "adipose"),
        Disagreement("design.statistical_tests", "wilcoxon signed rank test", None),
        Disagreement("intervention.doses", {"value": 5e7, "unit": "cells"}, None),
        Disagreement("outcomes.unit_of_matched", {"measure": "WOMAC total score", "unit": "points"},
                     {"measure": "WOMAC score", "unit": "score"}),
    ]
    for item in expected:
        assert (item.field, json.dumps(item.gold), json.dumps(item.predicted)) in found, item
    missed = [d.gold for d in knee.disagreements if d.field == "outcomes.mean_tuples" and d.gold]
    assert {(v["measure"], v["value"], v["kind"]) for v in missed} == {
        ("pain visual analogue scale", 62, "level"), ("pain visual analogue scale", 25.0, "change")}


def test_agreeing_fields_are_not_listed(fixture_result):
    knee = next(d for d in fixture_result.per_document if d.key == "knee.txt")
    fields = {d.field for d in knee.disagreements}
    assert not fields & {"population.sample_size", "document.doi", "design.follow_up", "intervention.routes"}


def test_documents_worst_first(fixture_result):
    keys = [d.key for d in fixture_result.per_document]
    # no prediction first, then by number of disagreements
    assert keys[0] == "case.txt"
    counts = [len(d.disagreements) for d in fixture_result.per_document[1:]]
    assert counts == sorted(counts, reverse=True)
    assert keys[1] == "knee.txt"


def test_external_disagreements():
    result = evaluate_paths(EXTERNAL_GOLD, EXTERNAL_PREDICTIONS)
    trial1 = next(d for d in result.per_document if d.key == "trial1.txt")
    assert trial1.disagreements == (Disagreement("outcomes.sds", 1.5, None),)
    trial2 = next(d for d in result.per_document if d.key == "trial2.txt")
    assert trial2.disagreements == (Disagreement("outcomes.means", 33.0, None),)


def test_to_dict_without_disagreements(fixture_result):
    data = fixture_result.to_dict(disagreements=False)
    assert set(data) == {"gold_format", "documents", "missing_predictions", "accuracy", "prf"}
    assert "per_document" in fixture_result.to_dict()


# --------------------------------------------------------------------------- matching

def _record(doc_id: str, source_file: str, design_type: str | None = None) -> dict:
    return {"document": {"id": doc_id, "source_file": source_file}, "design": {"type": design_type}}


MATCH_CASES = [
    # same file name in different folders: matched by name
    ("auto", "a/x.txt", "doi:1", "b/x.txt", "doi:2", True),
    # curated entry and extracted record of one document: matched by id
    ("auto", "curated/x.json", "doi:1", "x.txt", "doi:1", True),
    ("source_file", "curated/x.json", "doi:1", "x.txt", "doi:1", False),
    ("id", "x.txt", "doi:1", "x.txt", "doi:2", False),
    ("id", "x.json", "doi:1", "x.txt", "doi:1", True),
]


@pytest.mark.parametrize("match, gold_file, gold_id, pred_file, pred_id, paired", MATCH_CASES)
def test_pair_records(match, gold_file, gold_id, pred_file, pred_id, paired):
    gold, pred = _record(gold_id, gold_file), _record(pred_id, pred_file)
    [(_, found)] = pair_records([gold], [pred], match=match)
    assert (found is pred) is paired


def test_later_prediction_for_a_file_wins():
    gold = [_record("doi:1", "x.txt", "rct")]
    preds = [_record("doi:1", "x.txt", "rct"), _record("doi:1", "x.txt", "cohort")]
    assert evaluate_records(gold, preds).accuracy["design.type"] == {"acc": 0.0, "n": 1}


# --------------------------------------------------------------------------- comparison helpers

NUM_CASES = [
    (1.0, 1.0, True),
    (1681, 1681.0, True),
    (1e6, 1.0000001e6, True),
    (1.2, 1.21, False),
    (None, None, True),
    (None, 0, False),
    ("12", 12, True),
    ("n/a", 12, False),
]


@pytest.mark.parametrize("a, b, equal", NUM_CASES)
def test_num_eq(a, b, equal):
    assert num_eq(a, b) is equal


@pytest.mark.parametrize("a, b, equal", [(0, 1, True), (0, 2, False), (180, 182, True), (365, 360, True),
                                         (90, 30, False), (None, None, True), (None, 0, False)])
def test_days_eq(a, b, equal):
    assert days_eq(a, b) is equal


MEASURE_CASES = [
    ("creatine kinase", {"measure": "serum creatine kinase"}, True),
    ("CK", {"measure": "serum creatine kinase", "aliases": ["CK"]}, True),
    ("six-minute walk distance", {"measure": "6-minute walk distance"}, True),
    ("HbA1c", {"measure": "fasting glucose"}, False),
    ("", {"measure": "fasting glucose"}, False),
    # stop words alone carry no meaning
    ("serum level", {"measure": "plasma level"}, False),
]


@pytest.mark.parametrize("predicted, outcome, matched", MEASURE_CASES)
def test_measure_match(predicted, outcome, matched):
    assert measure_match(predicted, outcome) is matched


@pytest.mark.parametrize("pages, expected", [("175-178", "175-178"), ("e12 – e19", "e12-e19"), ("S5", "s5"),
                                             (None, "")])
def test_first_pages(pages, expected):
    assert first_pages(pages) == expected


# --------------------------------------------------------------------------- loading


def test_load_formats(tmp_path):
    record = {"document": {"id": "doi:1", "source_file": "x.txt"}}
    (tmp_path / "array.json").write_text(json.dumps([record, record]))
    (tmp_path / "one.json").write_text(json.dumps(record, indent=2))
    (tmp_path / "lines.jsonl").write_text(json.dumps(record) + "\n\n" + json.dumps(record) + "\n")
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode())
    (tmp_path / "empty.jsonl").write_text("  \n")
    assert len(load_records(tmp_path / "array.json")) == 2
    assert load_records(tmp_path / "one.json") == [record]
    assert len(load_records(tmp_path / "lines.jsonl")) == 2
    assert load_records(tmp_path / "bom.jsonl") == [record]
    assert load_records(tmp_path / "empty.jsonl") == []
    assert len(load_records(GOLD)) == 4


BAD_FILES = [
    ("missing.jsonl", None, "no such file or folder"),
    ("broken.json", '{"document": ', "line 1: not valid JSON"),
    ("broken_line.jsonl", '{"a": 1}\n{"b": 2}\n{"c": \n', "line 3: not valid JSON"),
    ("numbers.json", "[1, 2]", "record 1: expected a JSON object"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES)
def test_load_errors_name_file_and_problem(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(ReadError, match=re.escape(message)) as info:
        load_records(path)
    assert name in str(info.value)


def test_load_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"t": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(ReadError, match="not UTF-8"):
        load_records(path)


def test_detect_gold_format():
    assert detect_gold_format([{"document": {}}], source=Path("g")) == "records"
    assert detect_gold_format([{"source_file": "a.txt", "sample_sizes": [3]}], source=Path("g")) == "external"
    with pytest.raises(ReadError, match="neither"):
        detect_gold_format([{"document": {}}, {"source_file": "a.txt"}], source=Path("g"))


def test_misspelt_field_is_a_validation_error(tmp_path):
    bad = tmp_path / "pred.jsonl"
    bad.write_text(json.dumps({"document": {"id": "doi:1", "source_file": "knee.txt"},
                               "population": {"sample_sise": 12}}) + "\n")
    with pytest.raises(ValidationFailed, match=r"record 1 \(knee.txt\): population.sample_sise"):
        evaluate_paths(GOLD, bad)


def test_empty_gold_is_an_error(tmp_path):
    with pytest.raises(ReadError, match="no gold"):
        evaluate_paths(tmp_path, PREDICTIONS)


def test_malformed_external_gold(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"source_file": "a.txt", "means": ["five"]}) + "\n")
    with pytest.raises(ReadError, match="'means' must be a list of numbers"):
        evaluate_paths(gold, EXTERNAL_PREDICTIONS)


def test_no_predictions_counts_every_document_missed(tmp_path):
    empty = tmp_path / "none.jsonl"
    empty.write_text("")
    result = evaluate_paths(GOLD, empty)
    assert len(result.missing_predictions) == 4
    assert result.accuracy["design.type"] == {"acc": 0.0, "n": 4}


# --------------------------------------------------------------------------- a database (curated vs extracted)


@pytest.fixture
def curated_db(tmp_path):
    """A database with an extracted and a curated record of the knee study, and an extracted one of the lung."""
    from extractor.store import open_store

    path = tmp_path / "study.db"
    store = open_store(path)
    gold = {p.stem: json.loads(p.read_text()) for p in GOLD.glob("*.json")}
    preds = [json.loads(line) for line in PREDICTIONS.read_text().splitlines()]
    curated = {**gold["knee"], "provenance": {"source": "curated", "curated_by": "tester"}}
    curated["document"] = {**curated["document"], "source_file": "curated/knee.json"}
    for record in (preds[0], preds[1], curated):
        store.save_record({**record, "provenance": record.get("provenance") or {"source": "extracted"}})
    store.close()
    return path


def test_database_compares_curated_with_extracted(curated_db):
    result = evaluate_paths(curated_db, curated_db)
    # one curated record, paired with its extracted record by document id
    assert result.documents == 1 and result.missing_predictions == ()
    assert result.accuracy["design.type"] == {"acc": 0.0, "n": 1}
    assert result.prf["outcomes.mean_tuples"]["tp"] == 2


def test_database_against_a_gold_folder(curated_db):
    result = evaluate_paths(GOLD, curated_db)
    assert result.missing_predictions == ("case.txt", "review.txt")
    assert result.accuracy["population.sample_size"] == {"acc": 0.6667, "n": 3}


def test_missing_database(tmp_path):
    with pytest.raises(StoreError, match="no database there"):
        evaluate_paths(tmp_path / "absent.db", PREDICTIONS)


# --------------------------------------------------------------------------- the command


def _invoke(*args: str):
    return runner.invoke(app, ["evaluate", *args])


def test_cli_table():
    result = _invoke(str(GOLD), str(PREDICTIONS))
    assert result.exit_code == 0, result.output
    assert "documents: 4  missing predictions: 1" in result.output
    assert _table_rows(result.output)["design.type"] == ["0.5", "4"]
    assert _table_rows(result.output)["outcomes.mean_tuples"] == ["0.714", "0.714", "0.714", "5", "2", "2"]


def test_cli_json():
    result = _invoke(str(GOLD), str(PREDICTIONS), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["accuracy"]["population.sample_size"] == {"acc": 0.6667, "n": 3}
    assert "per_document" not in data
    data = json.loads(_invoke(str(GOLD), str(PREDICTIONS), "-f", "json", "--disagreements").stdout)
    assert data["per_document"][0] == {"key": "case.txt", "document_id": "doi:10.5555/fixture.case",
                                       "matched": False, "disagreements": data["per_document"][0]["disagreements"]}


def test_cli_disagreements():
    result = _invoke(str(GOLD), str(PREDICTIONS), "--disagreements")
    assert result.exit_code == 0, result.output
    assert "case.txt (doi:10.5555/fixture.case): no prediction" in result.output
    line = next(line for line in result.output.splitlines() if line.strip().startswith("design.type"))
    assert "gold: single_arm" in line and "predicted: case_series" in line
    assert "pain visual analogue scale, baseline (0 d), level: 62 ± 15 (mean_sd)" in result.output


def test_cli_external():
    result = _invoke(str(EXTERNAL_GOLD), str(EXTERNAL_PREDICTIONS))
    assert result.exit_code == 0, result.output
    assert _table_rows(result.output)["sample_size"] == ["0.6667", "3", "1"]


def test_cli_database_alone(curated_db):
    result = _invoke(str(curated_db), "-d")
    assert result.exit_code == 0, result.output
    assert "documents: 1  missing predictions: 0" in result.output
    assert "knee.json (doi:10.5555/fixture.knee)" in result.output


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "absent.jsonl", "no such file or folder"),
    (lambda tmp: _write(tmp / "bad.jsonl", "{not json}\n"), "line 1: not valid JSON"),
    (lambda tmp: _write(tmp / "bad.json", '"just a string"'), "expected a JSON object"),
])
def test_cli_bad_predictions(tmp_path, make, message):
    path = make(tmp_path)
    result = _invoke(str(GOLD), str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr and path.name in result.stderr


def test_cli_missing_gold(tmp_path):
    result = _invoke(str(tmp_path / "nothing"), str(PREDICTIONS))
    assert result.exit_code == 1
    assert "Error: " in result.stderr and "nothing" in result.stderr


@pytest.mark.parametrize("args", [
    [str(GOLD)],  # PREDICTIONS is needed when GOLD is not a database
    [str(GOLD), str(PREDICTIONS), "--format", "xml"],
    [str(GOLD), str(PREDICTIONS), "--match", "title"],
])
def test_cli_usage_errors(args):
    result = _invoke(*args)
    assert result.exit_code == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _table_rows(output: str) -> dict[str, list[str]]:
    """Rows of the rich tables: first cell -> the other cells."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


# --------------------------------------------------------------------------- agreement with the shared scorers


@pytest.mark.slow
@needs_shared
def test_agrees_with_score_py(tmp_path, fixture_result):
    out = tmp_path / "reference.json"
    subprocess.run([sys.executable, str(SHARED_EVAL / "score.py"), str(GOLD), str(PREDICTIONS), "--json", str(out)],
                   check=True, capture_output=True)
    reference = json.loads(out.read_text())
    assert fixture_result.accuracy == reference["accuracy"]
    assert fixture_result.prf == reference["prf"]
    assert fixture_result.documents == reference["documents"]
    assert list(fixture_result.missing_predictions) == reference["missing_predictions"]


@pytest.mark.slow
@needs_shared
def test_printed_figures_agree_with_score_py():
    printed = subprocess.run([sys.executable, str(SHARED_EVAL / "score.py"), str(GOLD), str(PREDICTIONS)],
                             check=True, capture_output=True, text=True).stdout
    rows = _table_rows(_invoke(str(GOLD), str(PREDICTIONS)).output)
    reference = re.findall(r"^\s+(\S+)\s+acc (\S+)\s+\(n=(\d+)\)", printed, flags=re.M)
    assert reference and all(rows[field] == [acc, n] for field, acc, n in reference)
    reference = re.findall(r"^\s+(\S+)\s+P (\S+) R (\S+) F1 (\S+)\s+tp=(\d+) fp=(\d+) fn=(\d+)", printed, flags=re.M)
    assert reference and all(rows[field] == list(figures) for field, *figures in reference)


@pytest.mark.slow
@needs_shared
def test_agrees_with_score_external_py():
    printed = subprocess.run([sys.executable, str(SHARED_EVAL / "score_external.py"), str(EXTERNAL_GOLD),
                              str(EXTERNAL_PREDICTIONS)], check=True, capture_output=True, text=True).stdout
    assert evaluate_paths(EXTERNAL_GOLD, EXTERNAL_PREDICTIONS).accuracy == json.loads(printed)


# --------------------------------------------------------------------------- layering


def test_evaluate_library_imports_no_cli_nlp_or_sqlite():
    tree = ast.parse((ROOT / "extractor" / "evaluate.py").read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    roots = {name.split(".")[0] for name in names}
    assert not roots & {"typer", "rich", "spacy", "sqlite_utils", "sqlite3", "pdfplumber"}
    assert not {n for n in names if n.startswith(("extractor.cli", "extractor.nlp", "extractor.reader"))}
