"""spaCy rules on ``spacy.blank("en")``: text in, ``Extraction`` (plain data with offsets) out.

Only this package imports spaCy, and a ``Doc`` never leaves it.
"""

from extractor.nlp.findings import Extraction, Section, Span
from extractor.nlp.pipeline import build_nlp, extract_text, extract_texts

__all__ = ["Extraction", "Section", "Span", "build_nlp", "extract_text", "extract_texts"]
