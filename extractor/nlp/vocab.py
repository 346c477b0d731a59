"""Vocabularies as package data: one JSONL file per concept family, validated on load.

Each line is one concept: a stable ``id`` (the exchange-format value where the
family has a vocabulary), a readable ``literal``, ``synonyms`` (matched as
case-insensitive phrases) and optional spaCy token ``patterns``. A typo fails
with the file, line and field.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.errors import VocabularyError

#: Vocabulary file stem -> span label used in ``doc.spans["concepts"]``.
FAMILIES: dict[str, str] = {}


class Concept(BaseModel):
    """One vocabulary concept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_/.\-]+$")
    literal: str = Field(min_length=1)
    synonyms: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    attrs: dict[str, Any] = Field(default_factory=dict, description="Family-specific data (e.g. days per unit).")


def vocabulary_names() -> list[str]:
    """Stems of the packaged vocabulary files."""
    folder = resources.files("extractor.nlp") / "vocab"
    return sorted(p.name.removesuffix(".jsonl") for p in folder.iterdir() if p.name.endswith(".jsonl"))


@cache
def load_vocabulary(name: str) -> tuple[Concept, ...]:
    """Load and validate ``vocab/<name>.jsonl``; raise ``VocabularyError`` naming file, line and field."""
    path = resources.files("extractor.nlp") / "vocab" / f"{name}.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise VocabularyError(f"vocabulary {name!r} not found ({path})") from exc
    concepts = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            concepts.append(Concept.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise VocabularyError(f"vocab/{name}.jsonl:{number}: not JSON ({exc.msg})") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "(line)"
            raise VocabularyError(f"vocab/{name}.jsonl:{number}: {where}: {err['msg']}") from exc
    return tuple(concepts)


def concept_label(name: str) -> str:
    """The span label of a vocabulary family: file stem in upper case."""
    return name.upper()
