"""The concept matcher gives exactly the spans of spaCy's span_ruler over the same vocabularies."""

from __future__ import annotations

import pytest
import spacy

from extractor.nlp.concept_matcher import ConceptMatcher, _literals
from extractor.nlp.pipeline import CONCEPTS_KEY, vocabulary_patterns

TEXTS = [
    "Forty patients were randomly assigned to bone marrow MSCs or placebo in a double-blind trial.",
    "A 45-year-old woman received umbilical cord-derived mesenchymal stem cells intravenously.",
    "The study was conducted at 12 sites; outcomes were compared with 20 matched controls.",
    "Standard treatment alone was given to the control group, and local MSCs injection to the others.",
    "Patients were divided into two groups randomly and followed for one year after intrathecal infusion.",
    "Adipose-derived stromal cells were injected into the knee joint of an 8-year-old boy.",
    "",
]


@pytest.fixture(scope="module")
def matchers():
    patterns = vocabulary_patterns()
    ruler_nlp = spacy.blank("en")
    ruler = ruler_nlp.add_pipe("span_ruler", config={"spans_key": CONCEPTS_KEY, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns)
    nlp = spacy.blank("en")
    return ruler_nlp, ruler, nlp, ConceptMatcher(nlp, patterns, spans_key=CONCEPTS_KEY)


def spans(doc):
    return sorted((s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[CONCEPTS_KEY])


@pytest.mark.parametrize("text", TEXTS)
def test_same_spans_as_span_ruler(matchers, text):
    ruler_nlp, ruler, nlp, matcher = matchers
    expected = spans(ruler(ruler_nlp.make_doc(text)))
    assert spans(matcher(nlp.make_doc(text))) == expected


def test_token_patterns_are_found(matchers):
    *_, nlp, matcher = matchers
    doc = matcher(nlp.make_doc(TEXTS[0]))
    found = {(s.label_, s.id_) for s in doc.spans[CONCEPTS_KEY]}
    assert ("DESIGN_CUES", "randomized") in found


@pytest.mark.parametrize(
    "pattern, anchors",
    [
        ([{"LOWER": {"IN": ["a", "an"]}}, {"LIKE_NUM": True}, {"ORTH": "-"}, {"LOWER": "year"}], {"year"}),
        ([{"LOWER": "randomly"}, {"LOWER": {"IN": ["assigned", "allocated"]}}], {"randomly"}),
        ([{"LIKE_NUM": True}, {"LOWER": {"IN": ["sites", "centers"]}}], {"sites", "centers"}),
    ],
)
def test_anchor_is_the_rarest_literal(pattern, anchors):
    assert _literals(pattern) == anchors


def test_token_patterns_read_only_the_lexeme_attributes_the_pipeline_computes():
    """build_nlp drops the lexeme getters nothing reads; a pattern on another attribute would never match."""
    from spacy.attrs import IDS

    from extractor.nlp.pipeline import LEXEME_ATTRIBUTES

    kept = {name for name, attr in IDS.items() if attr in LEXEME_ATTRIBUTES} | {"ORTH", "TEXT", "OP"}
    used = {key for p in vocabulary_patterns() if isinstance(p["pattern"], list) for token in p["pattern"] for key in token}
    assert used, "the vocabularies hold token patterns"
    assert used <= kept


@pytest.mark.parametrize("text", TEXTS)
def test_pipeline_with_trimmed_lexemes_finds_the_span_rulers_spans(matchers, text):
    from extractor.nlp import build_nlp

    ruler_nlp, ruler, _, _ = matchers
    doc = build_nlp()(text)
    assert spans(doc) == spans(ruler(ruler_nlp.make_doc(text)))
    assert [t.like_num for t in doc] == [t.like_num for t in ruler_nlp.make_doc(text)]
