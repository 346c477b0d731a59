"""Sentence spans: spaCy's sentencizer rule, plus blank lines and full stops the tokenizer keeps in a token."""

from __future__ import annotations

import pytest

from extractor.nlp import build_nlp
from extractor.nlp.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    doc = build_nlp()(text)
    return [text[start:end] for start, end in sentence_spans(doc)]


@pytest.mark.parametrize("text, expected", [
    pytest.param("CRP fell to 9.2 mg/L. Endoscopic healing was seen in 7 patients.",
                 ["CRP fell to 9.2 mg/L.", "Endoscopic healing was seen in 7 patients."], id="unit-after-slash"),
    pytest.param("Glucose was 5.1 mmol/L. Insulin did not change.",
                 ["Glucose was 5.1 mmol/L.", "Insulin did not change."], id="mmol-per-litre"),
    pytest.param("Infusions were given within 48 h. Fever occurred in 3 patients.",
                 ["Infusions were given within 48 h.", "Fever occurred in 3 patients."], id="unit-after-number"),
    pytest.param("Remission was more frequent than in group B. The MSC arm had fewer flares.",
                 ["Remission was more frequent than in group B.", "The MSC arm had fewer flares."], id="group-letter"),
    pytest.param("Title of the study\n\nBackground: MSCs are studied.",
                 ["Title of the study", "Background: MSCs are studied."], id="blank-line"),
    pytest.param("MSCs vs. Placebo were compared in 40 patients.", ["MSCs vs. Placebo were compared in 40 patients."],
                 id="abbreviation-is-not-an-end"),
    pytest.param("Albumin was 35 g/L. a lower-case word follows", ["Albumin was 35 g/L. a lower-case word follows"],
                 id="lower-case-next-word"),
    pytest.param("Cells were given by Eric J. Smith and colleagues.", ["Cells were given by Eric J. Smith and colleagues."],
                 id="initial"),
])
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
