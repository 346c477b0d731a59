"""Design fields of the exchange format (being written; see the owner's module docstring)."""

from __future__ import annotations

from spacy.tokens import Doc

from extractor.nlp.findings import Section


def extract_design(doc: Doc) -> Section:
    """Extract the design section from doc."""
    return Section()
