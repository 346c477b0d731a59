"""Vocabulary files: valid on load, unique ids, one concept per synonym, exchange-format values, sound regexes."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from spacy.matcher import Matcher

from extractor.errors import VocabularyError
from extractor.nlp import vocab as vocab_module
from extractor.nlp.vocab import load_vocabulary, vocabulary_names
from extractor.records.models import CellSource, CellType, Donor, Route

#: Vocabulary families whose concept ids are exchange-format values, with the allowed values.
EXCHANGE_VALUES = {
    "cell_types": set(get_args(CellType)),
    "cell_sources": set(get_args(CellSource)),
    "routes": set(get_args(Route)),
    "donors": set(get_args(Donor)),
}
#: Families read by the design and intervention rules; they must all be packaged.
RULE_FAMILIES = {"cell_types", "cell_sources", "routes", "donors", "design_cues", "statistical_tests"}


def test_rule_vocabularies_are_packaged():
    assert RULE_FAMILIES <= set(vocabulary_names())


@pytest.mark.parametrize("name", vocabulary_names())
def test_ids_are_unique(name):
    ids = [concept.id for concept in load_vocabulary(name)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("name", vocabulary_names())
def test_no_synonym_maps_to_two_concepts(nlp, name):
    """Phrases are matched on lower-cased tokens, so compare them as the tokenizer sees them."""
    owner: dict[str, str] = {}
    clashes = []
    for concept in load_vocabulary(name):
        for phrase in {concept.literal, *concept.synonyms}:
            key = " ".join(token.lower_ for token in nlp.make_doc(phrase))
            if owner.setdefault(key, concept.id) != concept.id:
                clashes.append((phrase, owner[key], concept.id))
    assert not clashes


@pytest.mark.parametrize("name", sorted(EXCHANGE_VALUES))
def test_ids_are_exchange_format_values(name):
    """Every concept that yields a value (not a pseudo concept) has an id the exchange format allows."""
    ids = {c.id for c in load_vocabulary(name) if not c.attrs.get("pseudo")}
    assert ids <= EXCHANGE_VALUES[name], ids - EXCHANGE_VALUES[name]


@pytest.mark.parametrize("name", sorted(RULE_FAMILIES))
def test_regexes_compile_without_groups_and_have_anchors(name):
    """attrs.regex runs only around its literal anchors; it must not capture (the matcher names the groups)."""
    for concept in load_vocabulary(name):
        if "regex" not in concept.attrs:
            continue
        assert re.compile(concept.attrs["regex"]).groups == 0, concept.id
        anchors = concept.attrs.get("anchors")
        assert anchors and all(isinstance(a, str) and a for a in anchors), concept.id


@pytest.mark.parametrize("name", sorted(RULE_FAMILIES))
def test_token_patterns_are_valid_spacy_patterns(nlp, name):
    matcher = Matcher(nlp.vocab, validate=True)
    for concept in load_vocabulary(name):
        for number, pattern in enumerate(concept.patterns):
            matcher.add(f"{concept.id}_{number}", [list(pattern)])


def test_statistical_test_literals_are_lower_case():
    """The literal is the value given for a Chinese name, and values are lower case."""
    for concept in load_vocabulary("statistical_tests"):
        assert concept.literal == concept.literal.lower(), concept.id


def test_source_donor_attributes_are_donor_values():
    for concept in load_vocabulary("cell_sources"):
        if "donor" in concept.attrs:
            assert concept.attrs["donor"] in EXCHANGE_VALUES["donors"], concept.id


def test_source_maps_name_sources():
    for concept in load_vocabulary("cell_types"):
        for old, new in concept.attrs.get("source_map", {}).items():
            assert {old, new} <= EXCHANGE_VALUES["cell_sources"], concept.id


@pytest.mark.parametrize(
    "line, where",
    [
        ('{"id": "Bad Id", "literal": "x"}', "vocab/broken.jsonl:1: id"),
        ('{"id": "ok", "literal": "x", "colour": "red"}', "vocab/broken.jsonl:1: colour"),
        ("{not json", "vocab/broken.jsonl:1: not JSON"),
    ],
)
def test_malformed_vocabulary_names_file_line_and_field(tmp_path, monkeypatch, line, where):
    folder = tmp_path / "vocab"
    folder.mkdir()
    (folder / "broken.jsonl").write_text(line + "\n", encoding="utf-8")
    monkeypatch.setattr(vocab_module.resources, "files", lambda package: tmp_path)
    load_vocabulary.cache_clear()
    try:
        with pytest.raises(VocabularyError, match=re.escape(where)):
            load_vocabulary("broken")
    finally:
        load_vocabulary.cache_clear()
