"""The vocabulary matcher: the spans of spaCy's ``span_ruler``, at a fraction of its cost.

Phrases (almost every pattern) go to one ``PhraseMatcher`` on lower-cased
tokens. Token patterns go to a ``Matcher``, which costs 0.3 to 0.6 ms per
abstract *per pattern* when run over a whole doc; here it runs only on small
windows around the tokens that can start or anchor a match (a literal of the
pattern, found for all patterns at once with one vectorised lookup of the
doc's LOWER column). The spans are the same as the span_ruler's: every match,
overlaps kept, label = vocabulary family, ``span.id_`` = concept id.
"""

from __future__ import annotations

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

#: Tokens on each side of an anchor token searched for a token pattern (longer than any pattern).
WINDOW = 12


class ConceptMatcher:
    """Match vocabulary phrases and token patterns; store spans in ``doc.spans[spans_key]``."""

    def __init__(self, nlp: Language, patterns: list[dict], *, spans_key: str) -> None:
        self.spans_key = spans_key
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        anchors: set[int] = set()
        for pattern in patterns:
            key = f"{pattern['label']}|{pattern['id']}"
            if isinstance(pattern["pattern"], str):
                self.phrases.add(key, [nlp.make_doc(pattern["pattern"])])
            else:
                self.tokens.add(key, [pattern["pattern"]])
                anchors |= {nlp.vocab.strings.add(word) for word in _literals(pattern["pattern"])}
        self.anchor_hashes = numpy.array(sorted(anchors), dtype=numpy.uint64)

    def __call__(self, doc: Doc) -> Doc:
        found = {(start, end, key) for key, start, end in self.phrases(doc)}
        for window in self._windows(doc):
            found |= {(window.start + start, window.start + end, key) for key, start, end in self.tokens(window)}
        spans = []
        for start, end, key in sorted(found):
            label, _, concept = doc.vocab.strings[key].partition("|")
            spans.append(Span(doc, start, end, label=label, span_id=concept))
        doc.spans[self.spans_key] = spans
        return doc

    def _windows(self, doc: Doc) -> list[Span]:
        """Merged token windows around anchor tokens (none when the doc holds no anchor)."""
        if not len(doc) or not len(self.anchor_hashes):
            return []
        lower = doc.to_array(LOWER)
        # membership by binary search in the sorted anchors: numpy.isin sorts the doc's column each time
        found = self.anchor_hashes[numpy.minimum(numpy.searchsorted(self.anchor_hashes, lower), len(self.anchor_hashes) - 1)]
        positions = numpy.flatnonzero(found == lower).tolist()
        windows: list[list[int]] = []
        for position in positions:
            start, end = max(0, position - WINDOW), min(len(doc), position + WINDOW + 1)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        return [doc[start:end] for start, end in windows]


def _literals(pattern: list[dict]) -> set[str]:
    """Lower-cased literal words of a token pattern's most selective token (the anchor set).

    Content words are preferred over short function words and punctuation
    ("year" rather than "a"/"an" in "a 45-year-old"), then the smallest set.
    """
    options = []
    for spec in pattern:
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = spec.get(attr)
            if isinstance(value, str):
                options.append({value.lower()})
            elif isinstance(value, dict) and "IN" in value:
                options.append({str(v).lower() for v in value["IN"]})
    if not options:
        raise ValueError(f"token pattern {pattern} has no literal token to anchor it")
    content = [words for words in options if all(len(w) >= 4 and w.isalpha() for w in words)]
    return min(content or options, key=lambda words: (len(words), -min(map(len, words))))
