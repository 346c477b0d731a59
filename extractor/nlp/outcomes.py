"""Outcome values (being written)."""

from __future__ import annotations

from spacy.tokens import Doc


def extract_outcomes(doc: Doc) -> tuple[dict, ...]:
    """Every numeric outcome value in ``doc``."""
    return ()
