"""Golden cases: each ``corpus/<case>/`` holds an input and the hand-annotated ``expected.json``.

The extracted record is compared field by field (each failure names the
field); every evidence span must quote the text it points into.
``pytest --update-golden`` rewrites ``expected.json`` from the extraction for
review in ``git diff``.

``compare_records`` is shared with ``test_reference.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS
from extractor.batch import FileTask, evidence_mismatches, extract_file

DOCUMENT_FIELDS = ("id", "source_file", "title", "vernacular_title", "authors", "journal", "year", "volume",
                   "issue", "pages", "doi", "pmid", "language", "country", "publication_types", "keywords")
DESIGN_FIELDS = ("type", "randomized", "controlled", "blinding", "phase", "retrospective", "multicenter",
                 "statistical_tests", "follow_up")
POPULATION_FIELDS = ("conditions", "sample_size", "arms")
INTERVENTION_FIELDS = ("cell_types", "cell_sources", "donor", "routes", "doses", "infusions")
#: Lists whose order carries no meaning.
UNORDERED = frozenset({
    "document.publication_types", "document.keywords", "design.statistical_tests", "population.conditions",
    "population.arms", "intervention.cell_types", "intervention.cell_sources", "intervention.routes",
    "intervention.doses",
})
#: Keys of an outcome value compared (the timepoint by its days; its wording may vary).
VALUE_KEYS = ("group", "days", "kind", "statistic", "value", "spread", "low", "high", "n", "p")
#: Project-only keys dropped when a golden file is rewritten.
EXTENSIONS = ("field_evidence", "provenance")

CASES = sorted(p.parent.name for p in CORPUS.glob("*/expected.json"))


def field_paths(expected: dict[str, Any]) -> list[str]:
    """Every field compared for ``expected``: scalar paths, one per expected outcome, and extra outcomes."""
    paths = [f"{section}.{name}" for section, names in (
        ("document", DOCUMENT_FIELDS), ("design", DESIGN_FIELDS), ("population", POPULATION_FIELDS),
        ("intervention", INTERVENTION_FIELDS)) for name in names]
    return [*paths, *(f"outcomes[{o['measure']}]" for o in expected.get("outcomes", [])), "outcomes (extra)"]


def compare_records(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, str]:
    """Field path -> what differs, for every field of ``field_paths(expected)`` that differs."""
    differences = {}
    for path in field_paths(expected):
        message = compare_field(path, expected, actual)
        if message:
            differences[path] = message
    return differences


def compare_field(path: str, expected: dict[str, Any], actual: dict[str, Any]) -> str | None:
    """A message when ``path`` differs between the records, else ``None``."""
    if path == "outcomes (extra)":
        extra = [o["measure"] for o in actual.get("outcomes", [])
                 if not any(_same_measure(o, e) for e in expected.get("outcomes", []))]
        return f"unexpected outcome measures {extra}" if extra else None
    if path.startswith("outcomes["):
        return _compare_outcome(path, expected, actual)
    section, name = path.split(".")
    want = (expected.get(section) or {}).get(name)
    got = (actual.get(section) or {}).get(name)
    if _canon(want, unordered=path in UNORDERED) == _canon(got, unordered=path in UNORDERED):
        return None
    return f"expected {json.dumps(want, ensure_ascii=False)}, got {json.dumps(got, ensure_ascii=False)}"


def _compare_outcome(path: str, expected: dict[str, Any], actual: dict[str, Any]) -> str | None:
    measure = path[len("outcomes["):-1]
    want = next(o for o in expected["outcomes"] if o["measure"] == measure)
    matches = [o for o in actual.get("outcomes", []) if _same_measure(o, want)]
    if not matches:
        names = [o["measure"] for o in actual.get("outcomes", [])]
        return f"not extracted (extracted measures: {names})"
    problems = []
    units = {_canon(o.get("unit")) for o in matches}
    if units != {_canon(want.get("unit"))}:
        problems.append(f"unit: expected {want.get('unit')!r}, got {sorted(map(str, units))}")
    want_values = sorted((_value_key(v) for v in want.get("values", [])), key=repr)  # None and numbers mix
    got_values = sorted((_value_key(v) for o in matches for v in o.get("values", [])), key=repr)
    missing = [v for v in want_values if v not in got_values]
    extra = [v for v in got_values if v not in want_values]
    if missing or extra:
        problems.append(f"values: missing {_show(missing)}; unexpected {_show(extra)} "
                        f"(as {', '.join(VALUE_KEYS)})")
    return "; ".join(problems) or None


def _same_measure(outcome: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Same measure when a name of one (measure or alias) equals a name of the other, normalised."""
    names = {_norm(n) for n in [reference.get("measure"), *reference.get("aliases", [])] if n}
    return bool(names & {_norm(n) for n in [outcome.get("measure"), *outcome.get("aliases", [])] if n})


def _value_key(value: dict[str, Any]) -> tuple:
    return tuple(_canon(value.get(key)) for key in VALUE_KEYS)


def _canon(value: Any, *, unordered: bool = False) -> Any:
    """A comparable form: strings normalised, numbers rounded, dicts and lists recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    if isinstance(value, str):
        return _norm(value) or value  # "<" and "=" (p-value operators) are all punctuation
    if isinstance(value, dict):
        return tuple(sorted((k, _canon(v)) for k, v in value.items()))
    items = [_canon(v) for v in value]
    return tuple(sorted(items, key=repr)) if unordered else tuple(items)


def _norm(text: str) -> str:
    """Lower case, punctuation as spaces, whitespace collapsed (as the reference scorer normalises)."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def _show(values: list[tuple]) -> str:
    return "[" + ", ".join("(" + ", ".join(map(str, v)) + ")" for v in values) + "]" if values else "[]"


def golden_record(expected_path: Path) -> dict[str, Any]:
    return json.loads(expected_path.read_text(encoding="utf-8"))


def extract_case(case: str) -> tuple[dict[str, Any], str]:
    """The extracted record of a corpus case and the text its evidence points into."""
    folder = CORPUS / case
    inputs = [p for p in folder.iterdir() if p.is_file() and p.name != "expected.json"]
    assert len(inputs) == 1, f"{folder} must hold exactly one input file besides expected.json"
    result = extract_file(FileTask(str(inputs[0]), f"{case}/{inputs[0].name}"))
    assert not result.failures, f"{case}: {result.failures}"
    assert len(result.documents) == 1, f"{case}: expected one document, read {len(result.documents)}"
    return result.documents[0].record, result.documents[0].text


def without_extensions(record: dict[str, Any]) -> dict[str, Any]:
    """The record as an annotator writes it: no evidence, no provenance."""
    plain = {k: v for k, v in record.items() if k not in EXTENSIONS}
    plain["outcomes"] = [{**o, "values": [{k: v for k, v in value.items() if k != "evidence"}
                                          for value in o["values"]]} for o in record.get("outcomes", [])]
    return plain


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case, update_golden):
    actual, _ = extract_case(case)
    expected_path = CORPUS / case / "expected.json"
    if update_golden:
        expected_path.write_text(json.dumps(without_extensions(actual), indent=1, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
        pytest.skip(f"rewrote {expected_path}; review it with git diff")
    differences = compare_records(golden_record(expected_path), actual)
    if differences:
        pytest.fail(f"{case}: {len(differences)} fields differ:\n" + "\n".join(
            f"  {path}: {message}" for path, message in differences.items()), pytrace=False)


@pytest.mark.parametrize("case", CASES)
def test_golden_case_evidence_quotes_the_text(case):
    record, text = extract_case(case)
    assert evidence_mismatches(record, text) == []


def test_corpus_has_cases_of_each_kind(update_golden):
    """The bundled corpus covers single-arm, RCT, cohort, non-randomised, meta-analysis, a Chinese abstract and a
    record with no numbers; it stays small enough for the README's first command to run in seconds."""
    if update_golden:
        pytest.skip("the golden files are being rewritten")
    expected = [golden_record(CORPUS / case / "expected.json") for case in CASES]
    assert 3 <= len(expected) <= 12
    assert {"single_arm", "rct", "cohort", "non_randomized_controlled", "meta_analysis"} <= {
        r["design"]["type"] for r in expected}
    assert any(re.search(r"[\u4e00-\u9fff]", r["document"]["title"] or "") for r in expected)
    assert any(not r["outcomes"] for r in expected)


@pytest.mark.parametrize("want, got, differs", [
    ({"measure": "WOMAC score", "aliases": ["WOMAC"]}, {"measure": "womac", "aliases": []}, False),
    ({"measure": "WOMAC score", "aliases": []}, {"measure": "VAS score", "aliases": []}, True),
])
def test_compare_matches_measures_by_name_or_alias(want, got, differs):
    value = {"days": 0, "kind": "level", "statistic": "mean", "value": 1}
    expected = {"outcomes": [{**want, "unit": None, "values": [value]}]}
    actual = {"outcomes": [{**got, "unit": None, "values": [value]}]}
    assert (compare_field(f"outcomes[{want['measure']}]", expected, actual) is not None) is differs


def test_compare_tells_p_value_operators_apart():
    value = {"days": 7, "kind": "level", "statistic": "mean_sd", "value": 5, "spread": 1}
    expected = {"outcomes": [{"measure": "CK", "values": [{**value, "p": {"op": "<", "value": 0.05}}]}]}
    actual = {"outcomes": [{"measure": "CK", "values": [{**value, "p": {"op": "=", "value": 0.05}}]}]}
    assert "values: missing" in compare_field("outcomes[CK]", expected, actual)


def test_compare_names_the_differing_field():
    expected = {"design": {"type": "rct", "statistical_tests": ["t-test", "chi-square test"]}}
    actual = {"design": {"type": "cohort", "statistical_tests": ["chi-square test", "t-test"]}}
    assert compare_field("design.type", expected, actual) == 'expected "rct", got "cohort"'
    assert compare_field("design.statistical_tests", expected, actual) is None
