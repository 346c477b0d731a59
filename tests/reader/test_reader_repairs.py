"""Reader repairs as tables: misreported glyphs, ligatures, line-end hyphens."""

from __future__ import annotations

import pytest

from extractor.reader.repairs import RepairLog, expand_ligatures, fix_glyph, join_hyphenated

GLYPHS = [
    # (char, font, before, after, expected)
    ("¼", "AdvP4C4E74", "p", "0", "="),
    ("¼", "ABCDEF+AdvP4C4E74", "p", "0", "="),
    ("Æ", "AdvP4C4E74", "2", "1", "±"),
    ("\x02", "AdvP4C4E74", " ", "0", "−"),
    ("6", "AdvPS7DA6", "n", "S", "±"),
    ("À", "AdvP4C4E74", " ", "0", "−"),
    ("\x06", "CMSY10", "5", "1", "±"),
    ("\x00", "CMSY10", " ", "3", "−"),
    ("e", "AdvPS44A44B", "1", "3", "–"),
    ("¼", "Times-Roman", "1", " ", None),  # a real one-quarter sign in a text font
    ("e", "AdvTT5bf2ac07", "1", "3", None),  # "1e3" in a text font stays
    ("e", "AdvPS44A44B", "h", "n", None),  # a letter e between letters
    ("6", "AdvPS7DA6", " ", "5", None),  # "6" starting a number
]


@pytest.mark.parametrize("char, font, before, after, expected", GLYPHS)
def test_fix_glyph(char: str, font: str, before: str, after: str, expected: str | None) -> None:
    assert fix_glyph(char, font, before=before, after=after) == expected


LIGATURES = [
    ("signiﬁcant", "significant"),
    ("ﬂow cytometry", "flow cytometry"),
    ("eﬀect and eﬃcacy", "effect and efficacy"),
    ("no ligature here", "no ligature here"),
]


@pytest.mark.parametrize("text, expected", LIGATURES)
def test_expand_ligatures(text: str, expected: str) -> None:
    log = RepairLog()
    assert expand_ligatures(text, log) == expected
    assert bool(log.counts) == (text != expected)


HYPHENS = [
    # (line before, line after, words the document uses, joined word or None when the hyphen stays)
    ("was well tolerated and appro-", "priately timed", set(), "appropriately"),
    ("in a population-", "based study", set(), None),
    ("patients were followed-", "up for 12 months", set(), None),
    ("a self-", "reported scale", set(), None),
    ("levels of IL-", "6 fell", set(), None),
    ("during COVID-", "19 waves", set(), None),
    ("an inter-", "vention group", {"intervention"}, "intervention"),
    ("bone mar-", "row derived cells", set(), "marrow"),
    ("the dose-", "response curve", {"dose-response"}, None),
    ("treat-", "ment arms", set(), "treatment"),
    ("non-", "inferiority margin", set(), None),
    pytest.param("the anti-", "coagulant was stopped", set(), "anticoagulant",
                 marks=pytest.mark.xfail(reason="'anti' is a compound head; 'anticoagulant' is written solid")),
]


@pytest.mark.parametrize("left, right, known, expected", HYPHENS)
def test_join_hyphenated(left: str, right: str, known: set[str], expected: str | None) -> None:
    assert join_hyphenated(left, right, known) == expected


def test_repair_log_counts_each_change() -> None:
    log = RepairLog()
    for _ in range(3):
        log.note("line-end hyphen removed")
    log.note("ligature 'ﬁ' -> 'fi'")
    assert log.summary() == ("ligature 'ﬁ' -> 'fi'", "line-end hyphen removed (x3)")
