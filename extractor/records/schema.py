"""The JSON Schema of the exchange format, generated from the pydantic models.

``python -m extractor.records.schema [PATH]`` writes it (default:
``schemas/record.schema.json`` at the repository root); a test fails when the
checked-in file drifts from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from extractor.records.models import StudyRecord

#: Where the checked-in schema lives, relative to the repository root.
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "record.schema.json"
SCHEMA_ID = "urn:extractor:schemas:record:1"


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``StudyRecord``."""
    schema = StudyRecord.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_schema() -> str:
    """The schema as the checked-in file's text (sorted keys, 2-space indent, final newline)."""
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema to ``path``; return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema(), encoding="utf-8")
    return path


if __name__ == "__main__":
    target = write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH)
    sys.stderr.write(f"wrote {target}\n")
