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
import copy
import io
import json
import random
import re
import shutil
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
#: Predictions for a format 1.1 gold (the composed lupus RCT) and a format 1 gold (the knee RCT).
FORMAT_1_1_GOLD = (ROOT / "tests" / "fixtures" / "format_1_1" / "lupus_rct.json",
                   ROOT / "tests" / "fixtures" / "curation" / "knee_rct.json")
FORMAT_1_1_PREDICTIONS = FIXTURE / "format_1_1_predictions.jsonl"
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
    # trial1's one predicted arm of 60 finds both gold arms of 60; trial2 40 found, 36 (38 predicted) not;
    # trial4's two arms missing
    assert result.accuracy["arm_size_recall"] == {"acc": 0.5, "n": 6}
    assert list(result.accuracy) == ["sample_size", "mean_recall", "sd_recall", "arm_size_recall"]
    assert result.missing_predictions == ("trial4.txt",)


# --------------------------------------------------------------------------- format 1.1, worked out by hand


@pytest.fixture(scope="module")
def format_1_1_gold(tmp_path_factory) -> Path:
    """A gold folder: the lupus RCT in format 1.1 and the knee RCT in format 1."""
    folder = tmp_path_factory.mktemp("gold_1_1")
    for path in FORMAT_1_1_GOLD:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def format_1_1_result(format_1_1_gold):
    """The format 1.1 predictions against that gold."""
    return evaluate_paths(format_1_1_gold, FORMAT_1_1_PREDICTIONS)


FORMAT_1_1_CASES = [
    # the mean difference found; the odds ratio predicted as a risk ratio (fn and fp); an extra hazard ratio
    ("prf", "outcomes.effect_numbers", {"p": 0.3333, "r": 0.5, "f1": 0.4, "tp": 1, "fp": 2, "fn": 1}),
    # 12 of 20 found; 5 of 20 predicted without its total (fn and fp); the knee count is not scored (format 1 gold)
    ("prf", "outcomes.count_numbers", {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}),
    # matched means: the knee's three arms right; lupus UC-MSC baseline right, 6 months as placebo, placebo as null
    ("accuracy", "outcomes.group_of_matched", {"acc": 0.6667, "n": 6}),
    # every gold value with a group, in any statistic: knee 4 of 4, lupus 7 of 9 (the two means above missed;
    # "MSC vs placebo" names "UC-MSC vs placebo"; the odds ratio's numbers and group found under risk_ratio)
    ("accuracy", "outcomes.grouped_value_recall", {"acc": 0.8462, "n": 13}),
    # knee: its mean tuples all exact; lupus: its mean tuples are exact too, but against 1.1 gold score.py
    # computes this figure from the counts (one of two wrong)
    ("accuracy", "outcomes.document_all_mean_tuples_exact", {"acc": 0.5, "n": 2}),
    ("prf", "outcomes.mean_tuples", {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 6, "fp": 0, "fn": 0}),
]


@pytest.mark.parametrize("section, field, row", FORMAT_1_1_CASES)
def test_format_1_1_figures(format_1_1_result, section, field, row):
    assert getattr(format_1_1_result, section)[field] == row, field


def test_effect_and_count_numbers_are_not_scored_against_format_1_gold(format_1_1_gold):
    result = evaluate_paths(format_1_1_gold / "knee_rct.json", FORMAT_1_1_PREDICTIONS)
    assert "outcomes.effect_numbers" not in result.prf and "outcomes.count_numbers" not in result.prf


def test_format_1_1_disagreements(format_1_1_result):
    lupus = next(d for d in format_1_1_result.per_document if d.key == "lupus_rct.txt")
    found = {(d.field, json.dumps(d.gold), json.dumps(d.predicted)) for d in lupus.disagreements
             if d.field in ("outcomes.effect_numbers", "outcomes.count_numbers")}
    effect = {"measure": "complete renal remission", "group": "UC-MSC vs placebo", "timepoint": "6 months",
              "days": 180, "kind": "change", "statistic": "odds_ratio", "value": 4.5, "spread": None,
              "low": 1.2, "high": 17.1}
    count = {"measure": "complete renal remission", "group": "placebo", "timepoint": "6 months", "days": 180,
             "kind": "level", "statistic": "count", "value": 5, "spread": None}
    assert found == {
        ("outcomes.effect_numbers", json.dumps(effect), "null"),
        ("outcomes.effect_numbers", "null", json.dumps({**effect, "statistic": "risk_ratio"})),
        ("outcomes.effect_numbers", "null", json.dumps({**effect, "statistic": "hazard_ratio", "value": 0.8,
                                                        "low": 0.5, "high": 1.2})),
        ("outcomes.count_numbers", json.dumps({**count, "n": 20}), "null"),
        ("outcomes.count_numbers", "null", json.dumps(count)),
    }


def test_cli_shows_an_effect_estimate_with_its_interval(format_1_1_gold):
    result = _invoke(str(format_1_1_gold), str(FORMAT_1_1_PREDICTIONS), "-d")
    assert result.exit_code == 0, result.output
    assert "complete renal remission [UC-MSC vs placebo], 6 months (180 d), change: 4.5 (1.2 to 17.1) " \
           "(odds_ratio)" in result.output
    assert "complete renal remission [placebo], 6 months (180 d), level: 5 of 20 (count)" in result.output


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
    assert trial2.disagreements == (Disagreement("outcomes.means", 33.0, None),
                                    Disagreement("population.arms.n", 36.0, None))


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
    assert _table_rows(result.output)["arm_size_recall"] == ["0.5", "6", ""]


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

#: Exchange-format dev sets of ../shared/eval scored with score.py: msc_dev (format 1) and msc2_dev (format 1.1).
DEV_SETS = ("msc_dev", "msc2_dev")
#: Numbers-only dev set scored with score_external.py.
EXTERNAL_DEV_SET = "pico_dev"


def _score_py(gold: Path, predictions: Path, out: Path) -> dict:
    """score.py's figures (its ``--json`` output) for ``predictions`` against ``gold``."""
    subprocess.run([sys.executable, str(SHARED_EVAL / "score.py"), str(gold), str(predictions), "--json", str(out)],
                   check=True, capture_output=True)
    return json.loads(out.read_text())


def assert_agrees(result, reference: dict) -> None:
    """The same metrics as the scorer, in its order, each with the same figures; naming any that differ."""
    ours = result.to_dict(disagreements=False)
    for section in ("accuracy", "prf"):
        assert list(ours[section]) == list(reference[section]), section
        differ = {name: (ours[section][name], row) for name, row in reference[section].items()
                  if ours[section][name] != row}
        assert differ == {}, f"{section}: (ours, score.py) differ"
    assert ours["documents"] == reference["documents"]
    assert ours["missing_predictions"] == reference["missing_predictions"]


@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize("gold, predictions", [
    ("fixture", PREDICTIONS),
    ("format_1_1_gold", FORMAT_1_1_PREDICTIONS),
])
def test_agrees_with_score_py(request, tmp_path, gold, predictions):
    folder = GOLD if gold == "fixture" else request.getfixturevalue(gold)
    assert_agrees(evaluate_paths(folder, predictions), _score_py(folder, predictions, tmp_path / "reference.json"))


def perturb(records: list[dict], *, seed: int) -> list[dict]:
    """Predictions made from gold by deterministic mistakes of every kind the scorers count.

    Documents are dropped, fields changed, values dropped, duplicated or
    changed in number, spread, interval, total, timepoint, kind, statistic,
    group, measure and p-value, so every metric sees hits and misses.
    """
    rng = random.Random(seed)
    predictions = []
    for record in copy.deepcopy(records):
        chance = rng.random()
        if chance < 0.1:  # a document missed
            continue
        if chance < 0.75:  # the rest found without a mistake
            _perturb_fields(record, rng)
            _perturb_outcomes(record, rng)
        predictions.append(record)
    return predictions


def _perturb_outcomes(record: dict, rng: random.Random) -> None:
    """Rename a measure now and then; drop, duplicate and change values."""
    for outcome in record.get("outcomes", []):
        if rng.random() < 0.1:
            outcome["measure"] = "unrelated measure"
        outcome["values"] = [_perturb_value(v, rng) for v in outcome["values"] if rng.random() > 0.08]
        if outcome["values"] and rng.random() < 0.1:
            outcome["values"].append(copy.deepcopy(rng.choice(outcome["values"])))


def _perturb_fields(record: dict, rng: random.Random) -> None:
    """Change document, design, population and intervention fields now and then."""
    population, intervention = record["population"], record["intervention"]
    if rng.random() < 0.2:
        record["document"]["title"] = "another title"
    if rng.random() < 0.2:
        record["design"]["type"] = "other"
    if rng.random() < 0.2 and population.get("sample_size") is not None:
        population["sample_size"] += 1
    for arm in population.get("arms", []):
        if rng.random() < 0.2 and arm.get("n") is not None:
            arm["n"] += 1
    if rng.random() < 0.2:
        intervention["cell_sources"] = intervention.get("cell_sources", [])[1:]
    for dose in intervention.get("doses", []):
        if rng.random() < 0.2:
            dose["value"] *= 10


#: The effect statistics a perturbed effect estimate may be mislabelled as.
EFFECTS = ("odds_ratio", "risk_ratio", "hazard_ratio", "mean_difference", "std_mean_difference", "risk_difference")


def _perturb_value(value: dict, rng: random.Random) -> dict:
    """One outcome value with at most a few mistakes."""
    mistakes = {
        "value": lambda v: v.update(value=v["value"] + 1),
        "spread": lambda v: v.update(spread=None if v.get("spread") is not None else 1.5),
        "days": lambda v: v.update(days=(v.get("days") or 0) + 30),
        "kind": lambda v: v.update(kind="level" if v.get("kind") == "change" else "change"),
        "group": lambda v: v.update(group=rng.choice([None, "another arm", f"{v.get('group')} group"])),
        "p": lambda v: v.update(p=None if v.get("p") else {"op": "<", "value": 0.05}),
        "low": lambda v: v.update(low=(v.get("low") or 0) - 1),
        "n": lambda v: v.update(n=None if v.get("n") is not None else 7),
        "statistic": lambda v: v.update(statistic=rng.choice(EFFECTS) if v["statistic"] in EFFECTS
                                        else rng.choice(["mean", "median", "percent", "count", v["statistic"]])),
    }
    for name in rng.sample(sorted(mistakes), k=rng.choice([0, 0, 0, 1, 1, 2])):
        mistakes[name](value)
    if value.get("group") and rng.random() < 0.1:  # an arm alone mistaken, so a matched value has it wrong
        mistakes["group"](value)
    return value


@pytest.fixture(scope="module", params=DEV_SETS)
def dev_gold(request) -> Path:
    """The gold folder of one dev set of ../shared/eval (skipped when absent)."""
    folder = SHARED_EVAL / request.param / "gold"
    if not folder.is_dir() or not (SHARED_EVAL / "score.py").is_file():
        pytest.skip(f"no gold at {folder}")
    return folder


def _dev_predictions(kind: str, gold: Path, folder: Path) -> Path:
    """Predictions for a dev set: the gold itself, a perturbed copy of it, or the extractor's records."""
    if kind == "gold":
        return gold
    out = folder / f"{gold.parent.name}-{kind}.jsonl"
    if kind == "perturbed":
        records = load_records(gold)
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in perturb(records, seed=7)))
    else:
        out.write_text(_extract(gold.parent / "inputs"))
    return out


def _extract(inputs: Path) -> str:
    """The extractor's records of every input under ``inputs``, as exported JSONL."""
    from extractor.batch import run_batch
    from extractor.export import export_records
    from extractor.store import open_store

    store = open_store(None)
    try:
        summary = run_batch([inputs], store=store)
        assert summary.failed == 0, summary.failures
        stream = io.StringIO()
        export_records(store, None, fmt="jsonl", stream=stream)
    finally:
        store.close()
    return stream.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gold", "perturbed", "extracted"])
def test_dev_set_figures_agree_with_score_py(dev_gold, kind, tmp_path):
    predictions = _dev_predictions(kind, dev_gold, tmp_path)
    reference = _score_py(dev_gold, predictions, tmp_path / "reference.json")
    assert_agrees(evaluate_paths(dev_gold, predictions), reference)
    if dev_gold.parent.name == "msc2_dev":  # the format 1.1 metrics are there to be compared
        assert {"outcomes.effect_numbers", "outcomes.count_numbers"} <= set(reference["prf"])
        assert {"outcomes.group_of_matched", "outcomes.grouped_value_recall"} <= set(reference["accuracy"])


def test_gold_against_itself_is_perfect(dev_gold):
    result = evaluate_paths(dev_gold, dev_gold)
    assert {name: row["acc"] for name, row in result.accuracy.items() if row["acc"] != 1.0} == {}
    assert {name: row for name, row in result.prf.items() if row["fp"] or row["fn"]} == {}


def test_perturbed_predictions_miss_and_hit_in_every_metric(dev_gold, tmp_path):
    # the agreement test above can only fail where the figures are neither all right nor all wrong
    result = evaluate_paths(dev_gold, _dev_predictions("perturbed", dev_gold, tmp_path))
    assert result.missing_predictions
    imperfect = {name for name, row in result.accuracy.items() if 0 < row["acc"] < 1}
    assert {"outcomes.group_of_matched", "outcomes.grouped_value_recall", "design.type",
            "outcomes.document_all_mean_tuples_exact", "population.sample_size"} <= imperfect
    families = ["mean_tuples", "mean_numbers", "percent_numbers"]
    families += ["effect_numbers", "count_numbers"] if dev_gold.parent.name == "msc2_dev" else []
    for family in families:
        row = result.prf[f"outcomes.{family}"]
        assert row["tp"] and row["fp"] and row["fn"], (family, row)


@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize("gold, predictions", [
    ("fixture", PREDICTIONS),
    ("format_1_1_gold", FORMAT_1_1_PREDICTIONS),
])
def test_printed_figures_agree_with_score_py(request, gold, predictions):
    gold = GOLD if gold == "fixture" else request.getfixturevalue(gold)
    printed = subprocess.run([sys.executable, str(SHARED_EVAL / "score.py"), str(gold), str(predictions)],
                             check=True, capture_output=True, text=True).stdout
    rows = _table_rows(_invoke(str(gold), str(predictions)).output)
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


@pytest.mark.slow
def test_external_dev_set_agrees_with_score_external_py(tmp_path):
    gold = SHARED_EVAL / EXTERNAL_DEV_SET / "gold.jsonl"
    if not gold.is_file() or not (SHARED_EVAL / "score_external.py").is_file():
        pytest.skip(f"no gold at {gold}")
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(_extract(gold.parent / "inputs"))
    printed = subprocess.run([sys.executable, str(SHARED_EVAL / "score_external.py"), str(gold), str(predictions)],
                             check=True, capture_output=True, text=True).stdout
    reference = json.loads(printed)
    assert evaluate_paths(gold, predictions).accuracy == reference
    assert reference["arm_size_recall"]["n"] > 0


# --------------------------------------------------------------------------- layering


def test_evaluate_library_imports_no_cli_nlp_or_sqlite():
    tree = ast.parse((ROOT / "extractor" / "evaluate.py").read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    roots = {name.split(".")[0] for name in names}
    assert not roots & {"typer", "rich", "spacy", "sqlite_utils", "sqlite3", "pdfplumber"}
    assert not {n for n in names if n.startswith(("extractor.cli", "extractor.nlp", "extractor.reader"))}
