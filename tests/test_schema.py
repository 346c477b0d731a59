"""The checked-in JSON Schema must equal the one generated from the pydantic models."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extractor.records.schema import SCHEMA_PATH, build_schema, render_schema, write_schema


def test_checked_in_schema_matches_the_models():
    assert SCHEMA_PATH.is_file(), f"{SCHEMA_PATH} is missing; run: python -m extractor.records.schema"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "schemas/record.schema.json drifted from extractor/records/models.py; "
        "run: python -m extractor.records.schema, and commit the result")


@pytest.mark.parametrize("path, expected", [
    (("properties", "schema_version", "enum"), ["1", "1.1"]),
    (("$defs", "Design", "properties", "type", "anyOf", 0, "enum", 0), "rct"),
    (("$defs", "Design", "additionalProperties"), False),
    (("$defs", "PValue", "properties", "value", "maximum"), 1),
    (("$defs", "Evidence", "properties", "quote", "description"), "The source text between start and end, verbatim."),
])
def test_schema_carries_vocabularies_constraints_and_docs(path, expected):
    node = build_schema()
    for key in path:
        node = node[key]
    assert node == expected


def test_schema_requires_the_document_block():
    schema = build_schema()
    assert schema["required"] == ["document"]
    assert set(schema["$defs"]["Document"]["required"]) == {"id", "source_file"}


@pytest.mark.slow
def test_module_writes_the_schema(tmp_path):
    target = tmp_path / "record.schema.json"
    subprocess.run([sys.executable, "-m", "extractor.records.schema", str(target)], check=True, timeout=120)
    assert json.loads(target.read_text()) == build_schema()


def test_write_schema_creates_folders(tmp_path):
    target = write_schema(tmp_path / "nested" / "schema.json")
    assert json.loads(target.read_text()) == build_schema()
