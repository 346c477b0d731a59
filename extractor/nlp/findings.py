"""What leaves ``nlp/``: small frozen results with character offsets, never a spaCy ``Doc``.

Section extractors return a ``Section``: exchange-format field values as plain
data (validated later by the pydantic models in ``records``) plus the evidence
spans they were read from. Outcome values are exchange-format dicts whose
``"evidence"`` key holds a ``Span``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence: ``text[start:end] == quote``; ``rule`` names the rule, ``field`` the dotted field path."""

    start: int
    end: int
    quote: str
    rule: str
    field: str = ""

    @classmethod
    def of(cls, text: str, start: int, end: int, *, rule: str, field: str = "") -> "Span":
        """Span of ``text[start:end]``."""
        return cls(start, end, text[start:end], rule, field)


@dataclass(frozen=True, slots=True)
class Section:
    """Field values of one record section (``design``, ``population``, ``intervention``) with evidence."""

    values: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document's text."""

    design: Section
    population: Section
    intervention: Section
    outcomes: tuple[Mapping[str, Any], ...] = ()
