"""Sentence character spans of a ``Doc``, computed once from token arrays.

Iterating ``doc.sents`` builds a Python ``Token`` per token; reading the
``SENT_START`` and ``IDX`` columns with ``doc.to_array`` is many times faster,
and every extractor needs the same spans, so they are cached on the doc.
"""

from __future__ import annotations

from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

CACHE_KEY = "sentence_spans"


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """``[(start_char, end_char), ...]`` of the doc's sentences, in order."""
    cached = doc.user_data.get(CACHE_KEY)
    if cached is not None:
        return cached
    spans: list[tuple[int, int]] = []
    text = doc.user_data.get("text") or doc.text  # doc.text joins every token: read it once
    if len(doc):
        columns = doc.to_array([IDX, SENT_START])
        starts = columns[columns[:, 1] == 1, 0].tolist()
        if not starts or starts[0] != int(columns[0, 0]):
            starts.insert(0, int(columns[0, 0]))
        ends = starts[1:] + [len(text)]
        spans = [(s, _trim_end(text, s, e)) for s, e in zip(starts, ends)]
    doc.user_data[CACHE_KEY] = spans
    return spans


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
