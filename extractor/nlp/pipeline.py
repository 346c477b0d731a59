"""Build the spaCy pipeline once and run the section extractors over a document.

``spacy.blank("en")`` (nothing downloaded), its tokenizer keeping the input
text for the extractors (``Doc.text`` rebuilds it token by token) + sentence
starts as spaCy's sentencizer sets them, computed on token arrays, and blank
lines as sentence ends (the title before the abstract, an export's fields) + the
concept matcher holding every packaged vocabulary (the spans of a
``span_ruler``: labels are the vocabulary names in upper case, span ids the
concept ids; see ``concept_matcher``) + the abbreviation component.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

import numpy
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LIKE_NUM, LOWER, NORM, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from extractor.nlp.abbreviations import find_abbreviations
from extractor.nlp.concept_matcher import ConceptMatcher
from extractor.nlp.design import extract_design
from extractor.nlp.findings import Extraction
from extractor.nlp.intervention import extract_intervention
from extractor.nlp.outcomes import extract_outcomes
from extractor.nlp.population import extract_population
from extractor.nlp.vocab import concept_label, load_vocabulary, vocabulary_names

CONCEPTS_KEY = "concepts"

#: The lexeme attributes the pipeline reads: LOWER (phrase matching, token patterns), NORM (spaCy's
#: default matcher attribute), LIKE_NUM (counts, token patterns), IS_PUNCT and IS_SPACE (sentences).
#: ORTH is the lexeme itself. Each new word (every new number in a corpus) computes every getter
#: in ``Vocab.lex_attr_getters``; the twenty others (shape, stop words, URL and e-mail likeness...)
#: cost about a tenth of the tokenizer's time and nothing reads them.
LEXEME_ATTRIBUTES = (LOWER, NORM, LIKE_NUM, IS_PUNCT, IS_SPACE)


@Language.factory("extractor_abbreviations")
def make_abbreviations(nlp: Language, name: str):
    """Store the doc's text and ``{short: Abbreviation}`` of its definitions in ``doc.user_data``."""

    def annotate(doc: Doc) -> Doc:
        text = doc.user_data.get("text")
        if text is None:  # a doc not made by this pipeline's tokenizer: Doc.text joins every token
            text = doc.user_data["text"] = doc.text
        doc.user_data["abbreviations"] = find_abbreviations(text)
        return doc

    return annotate


class TextKeepingTokenizer:
    """spaCy's tokenizer, storing the text it was given in ``doc.user_data["text"]``.

    ``Doc.text`` joins every token's text in Python (about 0.2 ms an abstract); the
    extractors read the text many times, so they take it from here.
    """

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data["text"] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)


#: A full stop the tokenizer keeps inside a token ("L." is an initial to it), ending a sentence
#: before a capitalised word: a unit after a slash ("... 9.2 mg/L. Endoscopic"), a unit after a number
#: ("within 48 h. Patients"), a group letter ("than group B. The"). Abbreviations ("vs.") end nothing.
#: Found as a full stop before a capitalised word (a literal the regex engine scans for), then the word
#: before it checked with ``UNIT_BEFORE_STOP``.
FULL_STOP_BEFORE_WORD = re.compile(r"\.(?=\s+[A-Z][a-z])")
UNIT_BEFORE_STOP = re.compile(
    r"(?:/[A-Za-z]{1,4}|(?<![\w.])\d+(?:\.\d+)?\s?(?:h|d|s|L|min|wk|mo|y)|\b(?i:group|arm|cohort)\s[A-Z])$"
)


#: A full stop after a comparison word, before a number or a lower-case word: it ends no sentence
#: ("730.9 versus. 354.1 pg/mL", "x v. y").
ABBREVIATION_STOP = re.compile(r"\b(?i:versus|vs|v)\.\s+(?=[\d(\[−-]|[a-z])")


@Language.factory("extractor_sentences")
def make_sentences(nlp: Language, name: str):
    """Sentence starts as spaCy's ``sentencizer`` sets them, plus one after every blank line.

    The sentencizer walks the doc token by token in Python; the same rule on
    arrays: a sentence starts at the first token after a sentence-final
    character ("." "!" "?" ...) that is neither punctuation nor such a character.
    "Title\n\nBackground: ..." is two sentences, though no full stop says so; so is
    "... 9.2 mg/L. Endoscopic ..." though the tokenizer keeps "L." whole (``UNIT_BEFORE_STOP``).
    """
    final = numpy.array(sorted({nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars}), dtype=numpy.uint64)

    def set_starts(doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, IS_PUNCT, IS_SPACE])
        position = numpy.searchsorted(final, columns[:, 0])  # membership by binary search (numpy.isin is slower)
        is_final = final[numpy.minimum(position, len(final) - 1)] == columns[:, 0]
        words = numpy.flatnonzero(~is_final & (columns[:, 1] == 0))
        seen = numpy.cumsum(is_final)
        starts = numpy.zeros(len(doc), dtype=bool)
        starts[0] = True
        if len(words) > 1:
            starts[words[1:][seen[words[1:] - 1] - seen[words[:-1]] > 0]] = True
        blank = [i + 1 for i in numpy.flatnonzero(columns[:, 2]).tolist()
                 if i + 1 < len(doc) and doc[i].text.count("\n") >= 2]
        starts[blank] = True
        text = doc.user_data.get("text")
        if text is not None and "." in text:
            stops = [m.end() for m in FULL_STOP_BEFORE_WORD.finditer(text)
                     if UNIT_BEFORE_STOP.search(text, max(0, m.start() - 16), m.start())]
            if stops:  # the token after the one holding the full stop starts a sentence
                starts[numpy.searchsorted(doc.to_array(IDX), stops, side="left")] = True
            joined = [m.end() for m in ABBREVIATION_STOP.finditer(text)]
            if joined:  # "730.9 versus. 354.1": the full stop of a comparison word ends no sentence
                positions = numpy.searchsorted(doc.to_array(IDX), joined, side="left")
                starts[positions[positions < len(doc)]] = False
        doc.from_array([SENT_START], numpy.where(starts, 1, -1).astype(numpy.uint64).reshape(-1, 1))
        return doc

    return set_starts


@Language.factory("extractor_concepts", default_config={"spans_key": CONCEPTS_KEY})
def make_concepts(nlp: Language, name: str, spans_key: str) -> ConceptMatcher:
    """Every packaged vocabulary's phrases and token patterns, as span_ruler spans in ``doc.spans[spans_key]``."""
    return ConceptMatcher(nlp, vocabulary_patterns(), spans_key=spans_key)


def vocabulary_patterns() -> list[dict]:
    """span_ruler-style patterns from every packaged vocabulary (phrases matched on LOWER)."""
    patterns = []
    for name in vocabulary_names():
        label = concept_label(name)
        for concept in load_vocabulary(name):
            for phrase in dict.fromkeys((concept.literal, *concept.synonyms)):
                patterns.append({"label": label, "id": concept.id, "pattern": phrase})
            for token_pattern in concept.patterns:
                patterns.append({"label": label, "id": concept.id, "pattern": list(token_pattern)})
    return patterns


@cache
def build_nlp() -> Language:
    """The extraction pipeline, built once per process."""
    nlp = spacy.blank("en")
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attr: getters[attr] for attr in LEXEME_ATTRIBUTES}
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    nlp.add_pipe("extractor_sentences")
    nlp.add_pipe("extractor_concepts", config={"spans_key": CONCEPTS_KEY})
    nlp.add_pipe("extractor_abbreviations")
    return nlp


def extract_doc(doc: Doc) -> Extraction:
    """Run every section extractor on a processed ``doc``."""
    return Extraction(
        design=extract_design(doc),
        population=extract_population(doc),
        intervention=extract_intervention(doc),
        outcomes=extract_outcomes(doc),
    )


def extract_text(text: str) -> Extraction:
    """Extract from one text."""
    return extract_doc(build_nlp()(text))


def extract_texts(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Extraction]:
    """Extract from many texts, streaming through ``nlp.pipe``."""
    for doc in build_nlp().pipe(texts, batch_size=batch_size):
        yield extract_doc(doc)
