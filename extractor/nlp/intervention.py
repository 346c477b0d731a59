"""Intervention fields of the exchange format (being written; see the owner's module docstring)."""

from __future__ import annotations

from spacy.tokens import Doc

from extractor.nlp.findings import Section


def extract_intervention(doc: Doc) -> Section:
    """Extract the intervention section from doc."""
    return Section()
