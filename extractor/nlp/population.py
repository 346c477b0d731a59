"""Population fields of the exchange format (being written; see the owner's module docstring)."""

from __future__ import annotations

from spacy.tokens import Doc

from extractor.nlp.findings import Section


def extract_population(doc: Doc) -> Section:
    """Extract the population section from doc."""
    return Section()
