"""``extractor query``: read-only SQL, filters without SQL, full-text search, output formats, bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.curate import import_curated
from extractor.query import QueryError, StudyFilters, find_studies, find_values, parse_years
from extractor.store import open_store

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "curation"
KNEE, LUPUS, CASE, CK = "doi:10.5555/curation.knee", "pmid:99990001", "sha256:" + "ab" * 32, "doi:10.5555/query.ck"


def extracted(doc_id: str, *, title: str, abstract: str, year: int, design: str, n: int, sources: list[str],
              conditions: list[str], outcomes: list[dict]) -> tuple[dict, str]:
    """A small extracted record and its text (title, blank line, abstract)."""
    record = {
        "schema_version": "1",
        "document": {"id": doc_id, "source_file": doc_id.split("/")[-1].split(":")[-1] + ".txt", "title": title,
                     "year": year},
        "design": {"type": design}, "population": {"sample_size": n, "conditions": conditions},
        "intervention": {"cell_types": ["msc"], "cell_sources": sources}, "outcomes": outcomes,
        "provenance": {"source": "extracted", "extractor_version": "test"},
    }
    return record, f"{title}\n\n{abstract}"


def _value(timepoint: str, days: int, value: float, spread: float, p: float | None = None) -> dict:
    return {"timepoint": timepoint, "days": days, "statistic": "mean_sd", "value": value, "spread": spread,
            "p": {"op": "<", "value": p} if p else None}


EXTRACTED = [
    extracted(KNEE, title="Two doses of adipose-derived stromal cells for knee osteoarthritis: a randomized trial",
              abstract="Twenty patients with knee osteoarthritis received adipose stromal cells.", year=2019,
              design="single_arm", n=20, sources=["adipose"], conditions=["knee osteoarthritis"],
              outcomes=[{"measure": "WOMAC", "values": [_value("6 months", 180, 35.0, 8.0)]}]),
    extracted(LUPUS, title="Umbilical cord stromal cells in lupus pneumonitis: an open pilot",
              abstract="Nine patients with lupus received umbilical cord mesenchymal stem cells.", year=2021,
              design="single_arm", n=9, sources=["umbilical_cord"], conditions=["lupus"], outcomes=[]),
    extracted(CK, title="Umbilical cord mesenchymal stem cells for polymyositis: a randomized controlled trial",
              abstract="Thirty patients with polymyositis were randomized; mesenchymal stem cells lowered serum "
                       "creatine kinase.", year=2012, design="rct", n=30, sources=["umbilical_cord"],
              conditions=["polymyositis"],
              outcomes=[{"measure": "serum creatine kinase", "aliases": ["CK"], "unit": "U/L",
                         "values": [_value("baseline", 0, 1500, 400), _value("3 months", 90, 300, 90, 0.01)]}]),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """A database with three extracted records and three curated entries (knee, lupus, case).

    ``best`` therefore reads: knee (curated, rct, 24), lupus (curated, single_arm, 9),
    case (curated, case_report, 1), ck (extracted, rct, 30).
    """
    path = tmp_path_factory.mktemp("query") / "q.db"
    store = open_store(path)
    for record, text in EXTRACTED:
        store.save_record(record, text=text)
    result = import_curated(store, [FIXTURES / "knee_rct.json", FIXTURES / "entries.jsonl"])
    assert result.ok
    store.close()
    return path


def invoke(*args: str):
    return runner.invoke(app, ["query", *args])


def csv_rows(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- SQL


def test_sql_as_csv(db):
    result = invoke("SELECT document_id, source FROM study_overview WHERE preferred = 1 ORDER BY document_id",
                    "--db", str(db), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["document_id,source", f"{KNEE},curated", f"{CK},extracted",
                                          f"{LUPUS},curated", f"{CASE},curated"]


def test_sql_as_json(db):
    result = invoke("SELECT source, count(*) AS records, sum(outcome_values) AS numbers FROM study_overview "
                    "GROUP BY source ORDER BY source", "--db", str(db), "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"source": "curated", "records": 3, "numbers": 6},
                                         {"source": "extracted", "records": 3, "numbers": 3}]


def test_sql_as_a_table(db):
    result = invoke("SELECT measure, timepoint, value, spread FROM meta_analysis_values WHERE source = 'extracted' "
                    "AND measure LIKE '%creatine%' ORDER BY days", "--db", str(db))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "creatine" in line]
    assert len(rows) == 2
    assert [cell.strip() for cell in rows[1].strip("│ ").split("│")] == ["serum creatine kinase", "3 months", "300", "90"]
    assert "2 rows" in result.stderr


def test_the_meta_analysis_view_marks_the_preferred_record(db):
    result = invoke("SELECT source, preferred, count(*) AS n FROM meta_analysis_values GROUP BY 1, 2 ORDER BY 1, 2",
                    "--db", str(db), "-f", "csv")
    # the knee study's extracted value is not preferred (a curated record exists); the CK study's are
    assert result.stdout.splitlines() == ["source,preferred,n", "curated,1,6", "extracted,0,1", "extracted,1,2"]


@pytest.mark.parametrize("sql", [
    "DELETE FROM records",
    "INSERT INTO runs (status) VALUES ('x')",
    "DROP VIEW study_overview",
    "UPDATE documents SET title = 'changed'",
    "CREATE TABLE notes (x)",
    "ATTACH DATABASE 'other.db' AS other",
    "PRAGMA query_only = OFF",
])
def test_writes_fail_and_leave_the_database_unchanged(db, sql, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an ATTACH that slipped through would create other.db here
    before = digest(db)
    result = invoke(sql, "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "read-only" in result.stderr
    assert digest(db) == before
    assert not (tmp_path / "other.db").exists()


@pytest.mark.parametrize("sql, message", [
    ("SELEC * FROM records", "the query failed"),
    ("SELECT * FROM no_such_table", "no such table"),
    ("SELECT 1; SELECT 2", "one statement at a time"),
    ("   ", "the SQL query is empty"),
])
def test_bad_sql_is_an_error(db, sql, message):
    result = invoke(sql, "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr


# --------------------------------------------------------------------------- filters


FILTER_CASES = [
    # rows come in source-file order: 99990001.txt, curation.knee.txt, notes/case.txt, query.ck.txt
    ([], [LUPUS, KNEE, CASE, CK]),
    (["--design", "rct"], [KNEE, CK]),
    (["--design", "rct", "--source", "extracted"], [CK]),
    (["--design", "rct", "--design", "case_report"], [KNEE, CASE, CK]),
    (["--cell-source", "umbilical_cord"], [LUPUS, CK]),
    (["--condition", "LUPUS"], [LUPUS]),
    (["--condition", "osteoarthritis", "--condition", "wound"], [KNEE, CASE]),
    (["--measure", "creatine kinase"], [CK]),
    (["--measure", "ck"], [CK]),  # an alias
    (["--measure", "womac", "--source", "extracted"], [KNEE]),
    (["--min-n", "10"], [KNEE, CK]),
    (["--year", "2010..2020"], [KNEE, CK]),
    (["--year", "2021"], [LUPUS]),
    (["--year", "..2010"], [CASE]),
    (["--design", "rct", "--cell-source", "umbilical_cord", "--min-n", "10", "--year", "2010..2020"], [CK]),
    (["--search", "mesenchymal AND lupus"], [LUPUS]),
    (["--search", "polymyositis"], [CK]),
    (["--search", '"knee osteoarthritis"', "--source", "curated"], [KNEE]),
    (["--search", "zebrafish"], []),
    (["--source", "curated"], [LUPUS, KNEE, CASE]),
    (["--limit", "2"], [LUPUS, KNEE]),
]


@pytest.mark.parametrize("args, expected", FILTER_CASES)
def test_filters(db, args, expected):
    result = invoke("--db", str(db), "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    assert [row["document_id"] for row in csv_rows(result.stdout)] == expected


def test_filter_rows_show_the_study(db):
    rows = csv_rows(invoke("--db", str(db), "-f", "csv", "--design", "rct", "--source", "curated").stdout)
    # the document row (file, title, year) is the extracted one: a curated import never rewrites it
    assert rows == [{"document_id": KNEE, "source": "curated", "source_file": "curation.knee.txt", "year": "2019",
                     "design_type": "rct", "sample_size": "24", "conditions": "knee osteoarthritis",
                     "cell_sources": "adipose", "outcome_values": "4",
                     "title": "Two doses of adipose-derived stromal cells for knee osteoarthritis: a randomized trial"}]


def test_values_of_a_measure(db):
    result = invoke("--db", str(db), "-f", "json", "--values", "--measure", "creatine kinase")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["measure"], r["timepoint"], r["days"], r["value"], r["spread"], r["p_op"], r["p_value"])
            for r in rows] == [("serum creatine kinase", "baseline", 0, 1500, 400, None, None),
                               ("serum creatine kinase", "3 months", 90, 300, 90, "<", 0.01)]


def test_values_keep_only_the_matching_measure(db):
    rows = csv_rows(invoke("--db", str(db), "-f", "csv", "--values", "--measure", "VAS").stdout)
    assert [(r["document_id"], r["measure"], r["group"], r["statistic"], r["low"], r["high"]) for r in rows] == [
        (KNEE, "pain visual analogue scale", "high-dose", "median_iqr", "15", "30")]
    every = csv_rows(invoke("--db", str(db), "-f", "csv", "--values").stdout)
    assert len(every) == 6 + 2  # best: the curated values and the CK study's extracted ones


def test_search_ranks_documents(db):
    store = open_store(db, read_only=True)
    try:
        ranked = [row["id"] for row in store.search("mesenchymal", limit=None)]
        result = find_studies(store, StudyFilters(search="mesenchymal", source="extracted"))
    finally:
        store.close()
    assert set(ranked) == {LUPUS, CK}
    assert [row[0] for row in result.rows] == ranked


def test_filters_on_a_store_directly(db):
    store = open_store(db, read_only=True)
    try:
        studies = find_studies(store, StudyFilters(designs=("rct",), min_n=25))
        values = find_values(store, StudyFilters(conditions=("osteoarthritis",), source="extracted"))
        with pytest.raises(QueryError, match="unknown record source"):
            find_studies(store, StudyFilters(source="gold"))
    finally:
        store.close()
    assert [row[0] for row in studies.rows] == [CK]
    assert [dict(zip(values.columns, row))["measure"] for row in values.rows] == ["WOMAC"]


@pytest.mark.parametrize("text, years", [
    ("2015", (2015, 2015)),
    ("2010..2020", (2010, 2020)),
    ("2010-2020", (2010, 2020)),
    (" 2010 .. 2020 ", (2010, 2020)),
    ("2010..", (2010, 9999)),
    ("..2020", (0, 2020)),
])
def test_parse_years(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "..", "20", "2010 2020", "2020..2010", "last year", "2010..20201"])
def test_parse_years_rejects(text):
    with pytest.raises(QueryError):
        parse_years(text)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("args, hint", [
    (["--year", "2020..2010"], "--year"),
    (["--year", "recent"], "--year"),
    (["SELECT 1", "--design", "rct"], "not both"),
    (["--format", "xml"], "--format"),
    (["--limit", "0"], "--limit"),
    (["--min-n", "-1"], "--min-n"),
    (["--source", "gold"], "--source"),
])
def test_usage_errors_exit_2(db, args, hint):
    result = invoke("--db", str(db), *args)
    assert result.exit_code == 2
    assert hint in result.output


def test_a_bad_search_is_an_error(db):
    result = invoke("--db", str(db), "--search", "lupus AND (")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: bad search query")


def test_a_missing_database_is_not_created(tmp_path):
    result = invoke("SELECT 1", "--db", str(tmp_path / "absent.db"))
    assert result.exit_code == 1 and "no database there" in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"plain text, not SQLite" * 50)
    result = invoke("SELECT 1", "--db", str(path))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "cannot open" in result.stderr


def test_an_older_database_asks_for_an_upgrade(tmp_path):
    path = tmp_path / "old.db"
    store = open_store(path)
    store.db.execute("DELETE FROM _migrations WHERE name LIKE '0003%'")
    store.db.conn.commit()
    store.close()
    result = invoke("SELECT 1", "--db", str(path))
    assert result.exit_code == 1 and "predates migration 0003" in result.stderr
    assert runner.invoke(app, ["curate", "import", str(FIXTURES / "knee_rct.json"), "--db", str(path)]).exit_code == 0
    assert invoke("SELECT count(*) FROM study_overview WHERE preferred = 1", "--db", str(path), "-f", "csv"
                  ).stdout.splitlines() == ["count(*)", "1"]


@pytest.mark.parametrize("query, measure, aliases, matched", [
    ("CK", "serum creatine kinase", ["CK"], True),
    ("ck", "serum CK (U/L)", [], True),
    ("serum ck", "serum (CK)", [], True),
    ("creatine-kinase", "Creatine kinase", [], True),
    ("CK", "back pain", [], False),  # whole words only: "ck" is not a word of "back"
    ("pain", "back pain score", [], True),
    ("VAS", "pain", ["VAS-100", "visual analogue scale"], True),
    ("FEV1", "FEV1/FVC ratio", [], True),
    ("kinase", "creatine kinase", [], True),
    ("creat", "creatine kinase", [], False),
])
def test_measure_words_match_whole_words(store, query, measure, aliases, matched):
    record = {"schema_version": "1", "document": {"id": "doi:10.5555/m", "source_file": "m.txt"},
              "outcomes": [{"measure": measure, "aliases": aliases, "values": [_value("baseline", 0, 1, 1)]}]}
    store.save_record(record)
    result = find_values(store, StudyFilters(measures=(query,)))
    assert len(result.rows) == int(matched)


def test_an_empty_measure_is_an_error(db):
    result = invoke("--db", str(db), "--measure", " - ")
    assert result.exit_code == 1 and "has no words to match" in result.stderr
