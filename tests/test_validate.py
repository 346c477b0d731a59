"""``extractor validate``: the plausibility rules, line numbers of problems, the shared gold, the command."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import ReadError
from extractor.records.checks import check_record, labels_match, timepoint_days
from extractor.validate import locate_paths, validate_paths

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "curation"
KNEE = FIXTURES / "knee_rct.json"
LUPUS = Path(__file__).parent / "fixtures" / "format_1_1" / "lupus_rct.json"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "msc_dev" / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json")) if GOLD.is_dir() else []
needs_gold = pytest.mark.skipif(not GOLD_FILES, reason=f"no shared gold at {GOLD}")
GOLD_1_1 = GOLD.parents[1] / "msc2_dev" / "gold"
GOLD_1_1_FILES = sorted(GOLD_1_1.glob("*.json")) if GOLD_1_1.is_dir() else []


def knee() -> dict:
    """A fresh copy of the valid composed RCT entry."""
    return json.loads(KNEE.read_text())


def lupus() -> dict:
    """A fresh copy of the valid composed format 1.1 RCT entry (effect estimates, count + percent pairs)."""
    return json.loads(LUPUS.read_text())


def issues_of(record: dict) -> list[tuple[str, str]]:
    """``(dotted path, message)`` of every issue of ``record``."""
    return [(issue.dotted, issue.message) for issue in check_record(record)[1]]


# --------------------------------------------------------------------------- the rules


def _set(path: str, value):
    """A mutation setting the dotted ``path`` of a record to ``value``."""
    def mutate(record: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = record
        for part in parents:
            target = target[part]
        target[last] = value
    return mutate


def _delete(path: str):
    def mutate(record: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = record
        for part in parents:
            target = target[part]
        del target[last]
    return mutate


RULE_CASES = [
    # (mutation, path of the issue, words of its message)
    (_set("outcomes.0.values.0.spread", -9.1), "outcomes.0.values.0.spread", "never negative"),
    (_set("outcomes.0.values.0.spread", None), "outcomes.0.values.0.spread", "needs its spread"),
    (_set("outcomes.0.values.0.statistic", "mean_se"), None, None),  # an SE is a spread too: valid
    (_set("outcomes.0.values.1.n", 25), "outcomes.0.values.1.n", "above the sample size (24)"),
    (_set("population.arms.0.n", 25), "population.arms.0.n", "above the sample size"),
    (_set("population.arms.0.n", 13), "population.sample_size", "sum of the arm sizes (25)"),
    (_set("population.arms.1.label", "Low dose group"), "population.arms.1.label", "same arm"),
    (_set("outcomes.0.values.1.days", 90), "outcomes.0.values.1.days", "disagrees with the timepoint '6 months'"),
    (_set("outcomes.0.values.1.days", None), "outcomes.0.values.1.days", "is null but the timepoint"),
    (_set("outcomes.0.values.1.days", 183), None, None),  # 6 months of 30.5 days: within tolerance
    (_set("outcomes.1.values.0.days", 24), "outcomes.1.values.0.days", "'week 24' (168 days)"),
    (_set("outcomes.1.values.0.timepoint", "end of treatment"), None, None),  # no duration written: not checked
    (_set("outcomes.1.values.0.p.value", 0), "outcomes.1.values.0.p.value", "above 0"),
    (_set("outcomes.1.values.0.p.value", 1.5), "outcomes.1.values.0.p.value", "less than or equal to 1"),
    (_set("outcomes.1.values.0.p.value", 1), None, None),
    (_set("outcomes.1.values.0.low", 31), "outcomes.1.values.0.low", "above high (30)"),
    (_set("outcomes.0.values.2.group", "placebo"), "outcomes.0.values.2.group", "names no arm"),
    (_set("outcomes.0.values.2.group", "High dose"), None, None),
    (_set("outcomes.0.values.0.statistic", "percent"), None, None),
    (_set("outcomes.0.values.0.statistic", "media"), "outcomes.0.values.0.statistic", "not in the vocabulary"),
    (_set("outcomes.0.values", []), "outcomes.0.values", "only when it has a number"),
    (_set("intervention.cell_sources", ["adipose", "fat"]), "intervention.cell_sources.1", "not in the vocabulary"),
    (_set("intervention.routes", ["intra-articular"]), "intervention.routes.0", "not in the vocabulary"),
    (_set("intervention.donor", "self"), "intervention.donor", "not in the vocabulary"),
    (_set("design.blinding", "blind"), "design.blinding", "not in the vocabulary"),
    (_set("design.randomized", False), "design.randomized", "'rct'"),
    (_set("design.follow_up.min_days", 200), "design.follow_up.min_days", "above max_days"),
    (_set("design.follow_up", {"min_days": 30, "max_days": 30, "text": "12 months"}),
     "design.follow_up.min_days", "says 360 days"),
    (_set("design.follow_up", {"min_days": 180, "max_days": 360, "text": "six to twelve months"}), None, None),
    (_set("document.year", 1850), "document.year", "implausible year"),
    (_set("document.year", 3000), "document.year", "less than or equal to 2100"),
    (_set("document.doi", "https://doi.org/10.5555/curation.knee"), "document.doi", "does not look like a DOI"),
    (_set("document.doi", "10.5555/Curation.Knee"), "document.doi", "lower case"),
    (_set("document.doi", "10.5555/other"), "document.id", "another DOI"),
    (_set("document.id", "10.5555/curation.knee"), "document.id", "scheme"),
    (_set("document.pmid", "PMID 123"), "document.pmid", "digits only"),
    (_set("design.typ", "rct"), "design.typ", "unknown field"),
    (_delete("document.id"), "document.id", "required field is missing"),
    (_set("population.sample_size", -3), "population.sample_size", "greater than or equal to 0"),
    (_set("schema_version", "2"), "schema_version", "not in the vocabulary"),
]


def test_the_composed_entry_is_valid():
    assert issues_of(knee()) == []


@pytest.mark.parametrize("mutate, path, words", RULE_CASES)
def test_rule(mutate, path, words):
    record = knee()
    mutate(record)
    found = issues_of(record)
    if path is None:
        assert found == []
    else:
        assert any(p == path and words in message for p, message in found), found


# outcomes.0.values.3 is a mean_difference -3.8 (-5.3 to -2.3) of "UC-MSC vs placebo";
# outcomes.1.values.0 a count 12 of n 20, .1 its percent 60, .4 an odds_ratio 4.5 (1.2 to 17.1).
RATIO_ABOVE_0 = "a ratio (odds_ratio) and its limits are above 0 (1 is no difference); " \
                "at or below 0 it is a difference (mean_difference, risk_difference)"
VERSION_1_EFFECT = 'is a format 1.1 statistic; set schema_version to "1.1" (this record says \'1\')'
FORMAT_1_1_CASES = [
    # (mutation, every issue as (path, message); [] when the change is valid)
    pytest.param(_set("outcomes.0.values.3.kind", "level"), [
        ("outcomes.0.values.3.kind", "an effect estimate (mean_difference) compares groups: its kind is 'change'")],
        id="effect-kind"),
    pytest.param(_set("outcomes.0.values.3.value", -6), [
        ("outcomes.0.values.3.value", "lies outside its interval low..high (-5.3..-2.3)")], id="effect-outside-ci"),
    pytest.param(_set("outcomes.0.values.3.low", -1), [
        ("outcomes.0.values.3.low", "is above high (-2.3)")], id="ci-reversed"),
    pytest.param(_set("outcomes.0.values.3.high", None), [], id="effect-one-limit"),
    pytest.param(_set("outcomes.1.values.4.value", 0), [
        ("outcomes.1.values.4.value", "lies outside its interval low..high (1.2..17.1)"),
        ("outcomes.1.values.4.value", RATIO_ABOVE_0)], id="ratio-zero"),
    pytest.param(_set("outcomes.1.values.4.low", -0.4), [("outcomes.1.values.4.low", RATIO_ABOVE_0)],
                 id="ratio-negative-limit"),
    pytest.param(_set("outcomes.1.values.4.statistic", "risk_difference"), [], id="difference-may-cross-0"),
    pytest.param(_set("outcomes.0.values.3.statistic", "hazard_ratio"), [
        ("outcomes.0.values.3.value", RATIO_ABOVE_0.replace("odds_ratio", "hazard_ratio")),
        ("outcomes.0.values.3.low", RATIO_ABOVE_0.replace("odds_ratio", "hazard_ratio")),
        ("outcomes.0.values.3.high", RATIO_ABOVE_0.replace("odds_ratio", "hazard_ratio"))], id="negative-hazard-ratio"),
    pytest.param(_set("outcomes.1.values.4.statistic", "relative_risk"), [
        ("outcomes.1.values.4.statistic", "not in the vocabulary; expected 'mean_sd', 'mean_se', 'mean_ci', 'mean', "
         "'median_iqr', 'median_range', 'median', 'percent', 'count', 'odds_ratio', 'risk_ratio', 'hazard_ratio', "
         "'mean_difference', 'std_mean_difference' or 'risk_difference'")], id="effect-name-misspelt"),
    # the group of an effect estimate is the comparison as written, not an arm
    pytest.param(_set("outcomes.1.values.4.group", "MSC versus standard care"), [], id="effect-group-a-comparison"),
    pytest.param(_set("outcomes.1.values.0.group", "standard care"), [
        ("outcomes.1.values.0.group", "names no arm of population.arms ('UC-MSC', 'placebo')")],
        id="count-group-names-an-arm"),
    pytest.param(_set("outcomes.1.values.0.value", 21), [
        ("outcomes.1.values.0.value", "a count of participants or events is at most its total n (20)")],
        id="count-above-n"),
    pytest.param(_set("outcomes.1.values.0.n", None), [], id="count-without-total"),
    pytest.param(_set("outcomes.1.values.1.value", 160), [
        ("outcomes.1.values.1.value", "a percent of participants lies between 0 and 100")], id="percent-above-100"),
    pytest.param(_set("outcomes.1.values.1.value", -5), [
        ("outcomes.1.values.1.value", "a percent of participants lies between 0 and 100")], id="percent-negative"),
    pytest.param(_set("schema_version", "1"), [
        ("outcomes.0.values.3.statistic", VERSION_1_EFFECT), ("outcomes.1.values.4.statistic", VERSION_1_EFFECT),
    ], id="effects-in-a-version-1-record"),
    pytest.param(_set("schema_version", "1.0"), [
        ("schema_version", "not in the vocabulary; expected '1' or '1.1'")], id="version-spelt-1.0"),
]


def test_the_composed_1_1_entry_is_valid():
    assert issues_of(lupus()) == []


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_a_record_without_1_1_additions_is_valid_in_either_version(version):
    record = knee()
    record["schema_version"] = version
    assert issues_of(record) == []


@pytest.mark.parametrize("mutate, expected", FORMAT_1_1_CASES)
def test_format_1_1_rule(mutate, expected):
    record = lupus()
    mutate(record)
    assert issues_of(record) == expected


def test_a_record_that_is_not_an_object():
    record, issues = check_record(["not", "a", "record"])
    assert record is None
    assert [(i.dotted, i.value) for i in issues] == [("(record)", "a list")]


@pytest.mark.parametrize("text, days", [
    ("baseline", [0]),
    ("1 week", [7]),
    ("12 months", [360]),
    ("24 hours", [1]),
    ("week 24", [168]),
    ("Day 28", [28]),
    ("month 1", [30]),
    ("4-year follow-up", [1460]),
    ("six to twelve months", [180, 360]),
    ("3-6 months", [90, 180]),
    ("median follow-up of 13 months", [390]),
    ("3年随访", [1095]),
    ("治疗后6个月", [180]),
    ("十二周", [84]),
    ("end of treatment", []),
    (None, []),
    # lists state every duration; "and" is no number ("an d") and "one and a half" no list
    ("8 and 12 weeks", [56, 84]),
    ("1, 3, and 6 months", [30, 90, 180]),
    ("months 3, 6, and 12", [90, 180, 360]),
    ("3 or 6 months", [90, 180]),
    ("between the 1st and 2nd injection", []),
    ("one and a half years", []),
    ("a week", [7]),
    ("24h", [1]),
])
def test_timepoint_days(text, days):
    assert timepoint_days(text) == pytest.approx(days)


@pytest.mark.parametrize("group, arm, same", [
    ("MSC group", "MSC", True),
    ("High-dose", "high dose group", True),
    ("control", "Control arm", True),
    ("UC-MSC", "UC-MSC + standard care", True),
    ("placebo", "MSC", False),
    ("low", "high-dose", False),
])
def test_labels_match(group, arm, same):
    assert labels_match(group, arm) is same


# --------------------------------------------------------------------------- positions


def test_locate_paths_gives_the_line_of_each_key_and_item():
    text = '{\n "a": 1,\n "b": [\n  {"c": null},\n  2\n ],\n "d": {\n  "e": "x\\ny"\n }\n}\n'
    lines = locate_paths(text)
    assert lines[()] == 1
    assert lines[("a",)] == 2
    assert lines[("b",)] == 3
    assert lines[("b", 0)] == 4 and lines[("b", 0, "c")] == 4
    assert lines[("b", 1)] == 5
    assert lines[("d", "e")] == 8


def test_locate_paths_on_one_line_and_repeated_keys():
    lines = locate_paths('[{"a": [], "a": {"b": 1}}, {}]')
    assert lines == {(): 1, (0,): 1, (0, "a"): 1, (0, "a", "b"): 1, (1,): 1}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


def _paths(value, prefix=()):
    """Every path of a parsed JSON value, the value's own included."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, (*prefix, key))


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES, st.sampled_from([None, 1, 2]))
def test_locate_paths_covers_every_path_on_the_line_of_its_key(value, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    lines = locate_paths(text)
    assert set(lines) == set(_paths(json.loads(text)))
    text_lines = text.split("\n")
    for path, line in lines.items():
        if path and isinstance(path[-1], str):
            assert json.dumps(path[-1], ensure_ascii=False) + ":" in text_lines[line - 1]


# --------------------------------------------------------------------------- files


def problems_of(*paths: Path) -> list[tuple[int, str]]:
    return [(p.line, p.path) for p in validate_paths(paths).problems]


def test_broken_sense_fixture_reports_each_field_on_its_line():
    assert problems_of(FIXTURES / "broken_sense.json") == [
        (12, "document.year"),
        (16, "document.doi"),
        (46, "population.sample_size"),
        (54, "population.arms.1.n"),
        (103, "outcomes.0.values.1.days"),
        (115, "outcomes.0.values.2.group"),
        (121, "outcomes.0.values.2.spread"),
        (150, "outcomes.1.values.0.p.value"),
    ]


def test_broken_contract_fixture_reports_missing_fields_on_their_parent_line():
    assert problems_of(FIXTURES / "broken_contract.json") == [
        (26, "design.type"),
        (46, "population.sample_size"),
        (64, "intervention.cell_sources.1"),
        (90, "outcomes.0.values.0.statistic"),  # missing: the line where its value object starts
        (99, "outcomes.0.values.0.statistc"),
    ]


def test_the_value_shown_is_the_value_written():
    problem = validate_paths([FIXTURES / "broken_sense.json"]).problems[-1]
    assert str(problem).endswith("outcomes.1.values.0.p.value: a p-value is above 0; "
                                 "write 'P < 0.001' as op '<', value 0.001 (got 0)")


def test_jsonl_problems_are_on_the_record_line(tmp_path):
    good, bad = knee(), knee()
    bad["document"]["id"] = "doi:10.5555/two"
    bad["document"]["doi"] = "10.5555/two"
    bad["outcomes"][0]["values"][0]["spread"] = -1
    path = tmp_path / "entries.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n{oops\n")
    report = validate_paths([path])
    assert [(p.line, p.path) for p in report.problems] == [(3, "outcomes.0.values.0.spread"), (4, "(file)")]
    assert [e.line for e in report.entries] == [1, 3]
    assert report.invalid == 1 and not report.ok


def test_json_array_items_have_their_own_lines(tmp_path):
    first, second = knee(), knee()
    second["document"].update(id="doi:10.5555/second", doi="10.5555/second", year=1500)
    path = tmp_path / "array.json"
    path.write_text(json.dumps([first, second], indent=2))
    text_lines = path.read_text().splitlines()
    year_line = [i for i, line in enumerate(text_lines, start=1) if '"year": 1500' in line]
    assert problems_of(path) == [(year_line[0], "document.year")]
    item_starts = [i for i, line in enumerate(text_lines, start=1) if line == "  {"]
    assert [e.line for e in validate_paths([path]).entries] == item_starts == [2, item_starts[1]]


def test_duplicate_document_ids_across_files(tmp_path):
    (tmp_path / "a.json").write_text(KNEE.read_text())
    (tmp_path / "b.jsonl").write_text(json.dumps(knee()) + "\n")
    problems = validate_paths([tmp_path]).problems
    assert [(Path(p.file).name, p.line, p.path) for p in problems] == [("b.jsonl", 1, "document.id")]
    assert "duplicate of the entry at" in problems[0].message and "a.json:1" in problems[0].message


@pytest.mark.parametrize("name, content, line, words", [
    ("bad.json", b'{\n "schema_version": "1",\n "document": {,}\n}', 3, "not valid JSON"),
    ("empty.json", b"  \n", 1, "is empty"),
    ("latin1.json", '{"document": {"title": "Müller"}}'.encode("latin-1"), 1, "not UTF-8"),
    ("notes.txt", b"some notes", 1, "not a .json or .jsonl file"),
])
def test_unreadable_files_are_problems_not_crashes(tmp_path, name, content, line, words):
    path = tmp_path / name
    path.write_bytes(content)
    report = validate_paths([path, KNEE])
    assert [(p.line, p.path) for p in report.problems] == [(line, "(file)")]
    assert words in report.problems[0].message
    assert len(report.entries) == 1 and not report.ok


def test_a_missing_path_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="no such file or folder"):
        validate_paths([tmp_path / "absent.json"])


def test_folders_are_searched_recursively_skipping_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".cache").mkdir()
    (tmp_path / "sub" / "k.json").write_text(KNEE.read_text())
    (tmp_path / ".cache" / "k.json").write_text("{broken")
    (tmp_path / "readme.md").write_text("not an entry")
    report = validate_paths([tmp_path])
    assert [Path(f).name for f in report.files] == ["k.json"] and report.ok


# --------------------------------------------------------------------------- the shared gold


@needs_gold
def test_every_gold_file_is_valid():
    report = validate_paths([GOLD])
    assert len(report.entries) == len(GOLD_FILES)
    assert [str(p) for p in report.problems] == []


@pytest.mark.skipif(not GOLD_1_1_FILES, reason=f"no shared 1.1 gold at {GOLD_1_1}")
def test_every_1_1_gold_file_meets_the_contract():
    report = validate_paths([GOLD_1_1])
    assert len(report.entries) == len(GOLD_1_1_FILES)
    assert {entry.data["schema_version"] for entry in report.entries} == {"1.1"}
    assert [e.file for e in report.entries if e.record is None] == []


def _first_value_with(record: dict, key: str, *, number: bool = True) -> tuple[int, int] | None:
    """(outcome, value) positions of the first outcome value with ``key`` (holding a number), in file order."""
    for o, outcome in enumerate(record["outcomes"]):
        for v, value in enumerate(outcome["values"]):
            if key in value and (not number or isinstance(value[key], int | float)):
                return o, v
    return None


def _break_line(text: str, pattern: str, replace) -> tuple[str, int]:
    """``text`` with the first line matching ``pattern`` rewritten; the line's number."""
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    lines[number] = re.sub(pattern, replace, lines[number], count=1)
    return "\n".join(lines), number + 1


@needs_gold
@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.name)
def test_broken_copies_of_gold_report_the_line_and_field(gold, tmp_path):
    text = gold.read_text(encoding="utf-8")
    record = json.loads(text)
    cases = []  # (broken text, expected line, expected path)
    if (found := _first_value_with(record, "spread")) is not None:
        broken, line = _break_line(text, r'"spread": (\d)', r'"spread": -\1')
        cases.append((broken, line, f"outcomes.{found[0]}.values.{found[1]}.spread"))
    if (found := _first_value_with(record, "timepoint", number=False)) is not None:
        broken, line = _break_line(text, r'"timepoint":', '"timepont":')
        cases.append((broken, line, f"outcomes.{found[0]}.values.{found[1]}.timepont"))
    broken, line = _break_line(text, r'"sample_size": (\d+|null)', '"sample_size": -1')
    cases.append((broken, line, "population.sample_size"))
    broken, line = _break_line(text, r'"doi": ("[^"]*"|null)', '"doi": "https://doi.org/10.1000/X"')
    cases.append((broken, line, "document.doi"))
    for index, (broken, line, path) in enumerate(cases):
        copy_path = tmp_path / f"{index}-{gold.name}"
        copy_path.write_text(broken, encoding="utf-8")
        problems = [(p.line, p.path) for p in validate_paths([copy_path]).problems]
        assert (line, path) in problems, (path, problems)


@needs_gold
def test_gold_as_jsonl_and_array(tmp_path):
    records = [json.loads(p.read_text(encoding="utf-8")) for p in GOLD_FILES[:5]]
    broken = copy.deepcopy(records)
    broken[3]["population"]["sample_size"] = -1
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in broken))
    assert problems_of(tmp_path / "gold.jsonl") == [(4, "population.sample_size")]
    (tmp_path / "gold.json").write_text(json.dumps(records, ensure_ascii=False, indent=1))
    assert problems_of(tmp_path / "gold.json") == []


# --------------------------------------------------------------------------- the command


def invoke(*args: str):
    return runner.invoke(app, ["validate", *args])


def test_cli_valid_entries_exit_0():
    result = invoke(str(KNEE), str(FIXTURES / "entries.jsonl"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "3 entries in 2 files: all valid" in result.stderr


def test_cli_invalid_entries_exit_1_with_one_line_each():
    result = invoke(str(FIXTURES))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 13
    assert f"{FIXTURES / 'broken_sense.json'}:121: outcomes.0.values.2.spread: an SD or SE is never negative " \
           "(got -7.7)" in lines
    assert all(re.match(r"^\S+:\d+: \S+: .+", line) for line in lines)
    assert "5 entries in 4 files: 2 invalid, 13 problems" in result.stderr


def test_cli_json_format():
    result = invoke(str(FIXTURES / "broken_contract.json"), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["valid"], data["files"], data["entries"], data["invalid_entries"]) == (False, 1, 1, 1)
    assert data["problems"][0] == {
        "file": str(FIXTURES / "broken_contract.json"), "line": 26, "path": "design.type",
        "message": data["problems"][0]["message"], "value": "randomised"}
    assert "value" not in data["problems"][3]  # the missing statistic has no value
    ok = json.loads(invoke(str(KNEE), "-f", "json").stdout)
    assert ok == {"valid": True, "files": 1, "entries": 1, "invalid_entries": 0, "problems": []}


@needs_gold
def test_cli_accepts_the_gold():
    result = invoke(str(GOLD))
    assert result.exit_code == 0, result.stdout
    assert f"{len(GOLD_FILES)} entries in {len(GOLD_FILES)} files: all valid" in result.stderr


def test_cli_bad_input(tmp_path):
    missing = invoke(str(tmp_path / "absent.json"))
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: ") and "absent.json" in missing.stderr
    empty = invoke(str(tmp_path))
    assert empty.exit_code == 1 and "no .json or .jsonl files" in empty.stderr
    (tmp_path / "bad.json").write_text("[1, 2")
    broken = invoke(str(tmp_path / "bad.json"))
    assert broken.exit_code == 1 and broken.stdout.startswith(f"{tmp_path / 'bad.json'}:1: (file): not valid JSON")
    assert invoke().exit_code == 2
    assert invoke(str(KNEE), "--format", "xml").exit_code == 2
