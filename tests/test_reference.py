"""The reference example (``shared/eval/msc_dev``, 000.txt) end to end, field by field against its gold.

000.txt goes through ``run_batch`` into a store and out through the JSONL
export; each field of ``gold/000.json`` is its own test, so the report shows
exactly which fields the extractor gets right. Skipped when ../shared is absent.
"""

from __future__ import annotations

import io
import json

import pytest

from conftest import EVAL
from extractor.batch import evidence_mismatches, run_batch
from extractor.export import export_records
from extractor.store import DATA_TABLES, open_store
from test_golden import compare_field, field_paths

MSC_DEV = EVAL / "msc_dev"
GOLD = MSC_DEV / "gold" / "000.json"
FIELDS = field_paths(json.loads(GOLD.read_text(encoding="utf-8"))) if GOLD.is_file() else ["(no gold)"]
needs_shared = pytest.mark.skipif(not GOLD.is_file(), reason=f"no reference gold at {GOLD}")


@pytest.fixture(scope="module")
def exported() -> dict:
    """000.txt run into an in-memory store and exported as JSONL: the one record."""
    store = open_store(None)
    summary = run_batch([MSC_DEV / "inputs" / "000.txt"], store=store)
    assert (summary.stored, summary.failed) == (1, 0), summary.failures
    out = io.StringIO()
    export_records(store, None, fmt="jsonl", stream=out)
    [record] = [json.loads(line) for line in out.getvalue().splitlines()]
    return record


@needs_shared
@pytest.mark.parametrize("field", FIELDS)
def test_reference_record_field(field, exported):
    message = compare_field(field, json.loads(GOLD.read_text(encoding="utf-8")), exported)
    if message:
        pytest.fail(f"{field}: {message}", pytrace=False)


@pytest.fixture(scope="module")
def dev_store():
    """The whole msc_dev input folder run into an in-memory store."""
    if not MSC_DEV.is_dir():
        pytest.skip(f"no dev set at {MSC_DEV}")
    store = open_store(None)
    run_batch([MSC_DEV / "inputs"], store=store)
    return store


def test_dev_set_evidence_quotes_the_text_everywhere(dev_store):
    problems = {}
    for record in dev_store.iter_records(source="extracted"):
        mismatches = evidence_mismatches(record, dev_store.document_text(record["document"]["id"]))
        if mismatches:
            problems[record["document"]["source_file"]] = mismatches
    assert problems == {}


def test_dev_set_second_run_changes_no_row_counts(dev_store):
    before = {t: n for t, n in dev_store.counts().items() if t in DATA_TABLES}
    summary = run_batch([MSC_DEV / "inputs"], store=dev_store)
    assert (summary.stored, summary.skipped) == (0, before["documents"])
    assert {t: n for t, n in dev_store.counts().items() if t in DATA_TABLES} == before
