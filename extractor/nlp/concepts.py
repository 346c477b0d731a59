"""Concept hits and sentence scope shared by the design and intervention rules.

A ``Hit`` is one vocabulary concept found in the text. Hits come from four
places, all driven by the vocabulary files:

- the pipeline's ``span_ruler`` (``doc.spans["concepts"]``, phrases on lower-cased tokens);
- a concept's ``attrs.regex`` (compact forms such as "hUC-MSCs" that the tokenizer
  splits or glues), run only in small windows around its literal ``attrs.anchors``:
  a substring search is nearly free where a regex scan of the whole abstract costs
  as much as tokenizing it;
- Chinese synonyms, found by substring search (the English tokenizer does not
  segment Chinese, so phrase matching cannot see "脐带间充质干细胞");
- abbreviations the text defines: when the long form of "(IT)" holds a concept,
  every later "IT" is that concept too.

Within a family overlapping hits keep the longest, so "umbilical cord blood" is
one hit and "randomized controlled trials" (a pseudo concept: other studies)
shadows "randomized".

``Scope`` splits the text into units (the title, then the sentences) and marks
background units (under a "Background"/"Introduction" heading, or about earlier
work) and hedge spans ("further randomized trials are needed"), which name designs
and cells that are not the study's own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from extractor.nlp.vocab import Concept, concept_label, load_vocabulary

CONCEPTS_KEY = "concepts"
_SCOPE_KEY = "extractor_scope"
_RULER_KEY = "extractor_concepts_by_label"

#: Where a regex hit may start: not inside a word, except at a capital glued to a lower-case letter where a
#: copied abstract lost its space ("MethodsClinical data of 28 patients").
WORD_START = r"(?:(?<![A-Za-z0-9])|(?<=[a-z])(?=[A-Z]))"
#: Chinese, Japanese and Korean ideographs: a synonym holding one is matched by regex, not by phrase.
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

#: A section heading at the start of the text or after a sentence end, with or without a colon:
#: "Background:", "METHODS:", "Methods/Design:", "Objective To explore", "MethodsClinical data", "目的 探讨".
HEADING = re.compile(
    r"(?:^|(?<=[\s.。:：;]))(?P<name>"
    r"BACKGROUND(?: AND (?:AIMS?|OBJECTIVES?|PURPOSE))?|Background(?: and (?:[Aa]ims?|[Oo]bjectives?|[Pp]urpose))?"
    r"|INTRODUCTION|Introduction|CONTEXT|Context|RATIONALE|Rationale"
    r"|OBJECTIVES?|Objectives?|AIMS?|Aims?|PURPOSE|Purpose|GOALS?"
    r"|MATERIALS? AND METHODS|Materials? and [Mm]ethods|METHODS?|Methods?|Materials|DESIGN|PATIENTS AND METHODS"
    r"|RESULTS?(?: AND CONCLUSIONS?)?|Results?(?: and [Cc]onclusions?)?|FINDINGS|Findings"
    r"|CONCLUSIONS?|Conclusions?|INTERPRETATION|Interpretation"
    r"|目的|方法|结果|结论|背景)"
    r"(?:[ \t]?/[ \t]?[A-Za-z]+)?"
    r"(?=[ \t]*[:：]|[ \t]+[A-Z\u4e00-\u9fff]|[A-Z\u4e00-\u9fff]|(?<=[\u4e00-\u9fff])[ \t]*\d)"  # "方法 40例"
)
#: Literals every heading holds: headings are matched only around them.
HEADING_ANCHORS = (
    "Background", "BACKGROUND", "Introduction", "INTRODUCTION", "Context", "CONTEXT", "Rationale", "RATIONALE",
    "Objective", "OBJECTIVE", "Aim", "AIM", "Purpose", "PURPOSE", "Goal", "GOAL", "Method", "METHOD", "Material",
    "MATERIAL", "Design", "DESIGN", "PATIENTS", "Result", "RESULT", "Finding", "FINDING", "Conclusion", "CONCLUSION",
    "Interpretation", "INTERPRETATION", "目的", "方法", "结果", "结论", "背景",
)
#: Headings whose section tells what others found, not what this study did: "Background:", "INTRODUCTION".
BACKGROUND_HEADINGS = frozenset({"background", "introduction", "context", "rationale", "背景"})
#: A sentence where the text speaks of itself; under a Background heading it still reports this study
#: ("BACKGROUND ... We conducted a randomized trial", "The aim of this study was ...").
SELF_REFERENCE = re.compile(
    r"\b(?:we|our|here(?:in)?|aimed?|aims|objectives?|purpose)\b"
    r"|\b(?:this|the present|the current)\s+(?:\w+\s+)?(?:study|trial|paper|article|report|work|analysis|review)\b|本研究|本文",
    re.IGNORECASE,
)
#: A sentence about earlier work, read as background wherever it stands: "We previously reported ...",
#: "Previous studies showed ...", "has been shown to", "have been widely used" (not "previously treated",
#: which describes patients).
PRIOR_WORK = re.compile(
    r"\bpreviously\s+(?:reported|published|shown|demonstrated|described|studied|conducted|found|observed)\b"
    r"|\b(?:our|a|the)?\s*(?:previous|prior|earlier)\s+(?:\w+\s+)?(?:studies|study|trials?|work|reports?|research|data)\b"
    r"|\b(?:have|has)\s+(?:been\s+)?(?:shown|reported|demonstrated)\b"
    r"|\b(?:have|has)\s+been\s+(?:widely\s+|extensively\s+|increasingly\s+)?(?:used|studied|investigated|applied|explored|tested)\b"
    r"|既往研究|前期研究",
    re.IGNORECASE,
)
#: Literals every earlier-work phrase holds.
PRIOR_WORK_ANCHORS = ("reviously", "revious", "rior ", "arlier", "shown", "reported", "demonstrated", "been ", "既往研究", "前期研究")
#: Longest unit read as one sentence; a longer one is text without sentence punctuation, where one
#: clause about earlier work must not turn the whole abstract into background.
SENTENCE_MAX = 400
#: A hedge about other or future work: "further randomized trials are needed", "should be explored in
#: prospective trials" (it must also name a study, see ``HEDGE_STUDY``).
HEDGE = re.compile(
    r"\b(?:needed|warranted|required|necessary|should|future|further|larger|merits?|awaits?)\b|需要|有待|进一步",
    re.IGNORECASE,
)
#: Literals every hedge word holds.
HEDGE_ANCHORS = (
    "needed", "warranted", "required", "necessary", "hould", "uture", "urther", "arger", "merit", "await",
    "需要", "有待", "进一步",
)
#: Most characters between a hedge word and its study word: "trials are needed", "should be further explored".
HEDGE_PAIR_GAP = 40
#: Characters a hedge reaches beyond the pair (within the unit): the rest of its clause, "prospective randomized".
HEDGE_REACH = 70
#: The study word that a hedge must name: "trials", "studies", "research", "randomized", "研究".
HEDGE_STUDY = re.compile(
    r"\b(?:trials?|stud(?:y|ies)|research|investigations?|explored|confirm\w*|validat\w*|evaluat\w*|randomi[sz]ed"
    r"|controlled|prospective)\b|研究|试验",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One concept of a vocabulary ``family`` at ``text[start:end]``; ``unit`` indexes ``Scope.units``."""

    start: int
    end: int
    id: str
    family: str
    unit: int
    pseudo: bool = False
    compact: bool = False


@dataclass(frozen=True, slots=True)
class Scope:
    """The text cut into units (title first, then sentences), background units and hedge spans marked.

    A hedge span reaches ``HEDGE_REACH`` characters around a hedge word and its study word within
    their unit, so an abstract without sentence punctuation (one long unit) loses a clause, not the text.
    """

    text: str
    units: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]
    title_units: frozenset[int]
    background: frozenset[int]
    hedge: tuple[tuple[int, int], ...]
    structured: bool
    has_cjk: bool

    def unit_of(self, offset: int) -> int:
        """Index of the unit holding character ``offset``."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def unit_text(self, unit: int) -> str:
        """The text of one unit."""
        start, end = self.units[unit]
        return self.text[start:end]

    def hedged(self, offset: int) -> bool:
        """True when ``offset`` is inside a hedge about other or future work."""
        return any(start <= offset < end for start, end in self.hedge)

    def own(self, offset: int) -> bool:
        """True when ``offset`` speaks of this study: not in the background, not in a hedge."""
        return self.unit_of(offset) not in self.background and not self.hedged(offset)

    def own_matches(self, pattern: re.Pattern, anchors: Iterable[str], **window: int) -> list[re.Match]:
        """Matches of ``pattern`` around ``anchors`` (see ``anchored``) that start where the text speaks of this study."""
        return [m for m in anchored(pattern, self.text, anchors, **window) if self.own(m.start())]


@dataclass(frozen=True, slots=True)
class AnchoredRule:
    """A concept's ``attrs.regex``, run only in small windows around its literal ``anchors``.

    Scanning a whole abstract with a regex that starts with a character class costs
    as much as tokenizing it; finding a literal anchor ("MSC", "检验") is nearly free,
    so the regex only looks at the few places that can match.
    """

    concept_id: str
    anchors: tuple[str, ...]
    regex: re.Pattern


@dataclass(frozen=True, slots=True)
class FamilyMatcher:
    """What a vocabulary family needs at match time, built once: label, pseudo ids, Chinese phrases, regex rules."""

    name: str
    label: str
    pseudo: frozenset[str]
    coexist: frozenset[str]
    cjk_phrases: tuple[tuple[str, str], ...]
    rules: tuple[AnchoredRule, ...]
    concepts: tuple[Concept, ...]

    def concept(self, concept_id: str) -> Concept | None:
        """The concept with ``concept_id``."""
        return next((c for c in self.concepts if c.id == concept_id), None)


#: Characters a regex window reaches on each side of an anchor (compact forms and short phrases fit).
ANCHOR_WINDOW = 40


@cache
def family_matcher(name: str) -> FamilyMatcher:
    """Build the matcher of vocabulary ``name`` (cached: once per process)."""
    concepts = load_vocabulary(name)
    pseudo = frozenset(c.id for c in concepts if c.attrs.get("pseudo"))
    coexist = frozenset(c.id for c in concepts if c.attrs.get("coexist"))
    phrases = [(p, c.id) for c in concepts for p in dict.fromkeys((c.literal, *c.synonyms)) if CJK.search(p)]
    rules = tuple(
        AnchoredRule(c.id, tuple(c.attrs.get("anchors", ())), re.compile(rf"{WORD_START}(?:{c.attrs['regex']})(?![A-Za-z0-9])"))
        for c in concepts if c.attrs.get("regex")
    )
    return FamilyMatcher(name, concept_label(name), pseudo, coexist, tuple(phrases), rules, concepts)


def anchored(pattern: re.Pattern, text: str, anchors: Iterable[str], *, before: int = 60, after: int = 60) -> list[re.Match]:
    """Matches of ``pattern`` that hold one of the literal ``anchors``, in text order, without duplicates.

    The pattern runs only in windows around the anchors' occurrences (``before``/``after``
    characters), so a rare construction costs a substring search, not a regex scan of the text.
    A window edge is not a word edge, so matches touching a window edge (not the text's) are dropped.
    """
    found: dict[tuple[int, int], re.Match] = {}
    size = len(text)
    for anchor in anchors:
        at = text.find(anchor)
        while at != -1:
            lo, hi = max(0, at - before), min(size, at + len(anchor) + after)
            for match in pattern.finditer(text, lo, hi):
                if match.start() <= at < match.end() and (lo < match.start() or lo == 0) and (match.end() < hi or hi == size):
                    found.setdefault(match.span(), match)
            at = text.find(anchor, at + 1)
    return [found[span] for span in sorted(found)]


def _anchored_hits(text: str, rules: Iterable[AnchoredRule]) -> list[tuple[int, int, str, bool]]:
    """Hits of each rule's regex around its anchors."""
    return [
        (m.start(), m.end(), rule.concept_id, True)
        for rule in rules
        for m in anchored(rule.regex, text, rule.anchors, before=ANCHOR_WINDOW, after=ANCHOR_WINDOW)
    ]


def _phrase_hits(text: str, phrases: Iterable[tuple[str, str]]) -> list[tuple[int, int, str, bool]]:
    """Every occurrence of each Chinese phrase (the tokenizer does not segment Chinese)."""
    found = []
    for phrase, concept_id in phrases:
        at = text.find(phrase)
        while at != -1:
            found.append((at, at + len(phrase), concept_id, False))
            at = text.find(phrase, at + 1)
    return found


def doc_scope(doc: Doc) -> Scope:
    """The ``Scope`` of ``doc``, computed once and kept in ``doc.user_data``."""
    scope = doc.user_data.get(_SCOPE_KEY)
    if scope is None:
        # doc.text joins every token's text: read it once per doc (the pipeline may already have kept it).
        text = doc.user_data.get("text") or doc.text
        scope = build_scope(text, [(s.start_char, s.end_char) for s in doc.sents])
        doc.user_data[_SCOPE_KEY] = scope
    return scope


def build_scope(text: str, sentences: Iterable[tuple[int, int]]) -> Scope:
    """Cut ``text`` into the title (before the first blank line) and the sentences after it."""
    title_end = text.find("\n\n")
    title_end = title_end if 0 < title_end < 600 else 0
    headings = [
        (m.start(), m.group("name").split()[0].lower())
        for m in anchored(HEADING, text, HEADING_ANCHORS, before=2, after=40) if m.start() >= title_end
    ]
    cuts = [position for position, _ in headings]
    units = [(0, title_end)] if title_end else []
    for start, end in sentences:
        start = max(start, title_end)
        if end > start:
            units.extend(_split_at(start, end, cuts))
    first_body = 1 if title_end else 0
    starts = tuple(s for s, _ in units)
    prior = {bisect.bisect_right(starts, m.start()) - 1 for m in anchored(PRIOR_WORK, text, PRIOR_WORK_ANCHORS, before=40, after=40)}
    background = frozenset(
        i for i, unit in enumerate(units) if i >= first_body and _is_background(unit, i in prior, headings, text)
    )
    hedge = tuple(_hedge_spans(text, units, starts))
    kinds = {name for _, name in headings}
    has_cjk = not text.isascii() and bool(CJK.search(text))
    return Scope(text, tuple(units), starts, frozenset({0} if title_end else ()), background, hedge, len(kinds) >= 2, has_cjk)


def _is_background(unit: tuple[int, int], prior_work: bool, headings: list[tuple[int, str]], text: str) -> bool:
    """True for a sentence about earlier work, or under a Background heading unless it speaks of this study."""
    if prior_work and unit[1] - unit[0] <= SENTENCE_MAX:
        return True
    return _heading_before(headings, unit[0]) in BACKGROUND_HEADINGS and not SELF_REFERENCE.search(text, *unit)


def _hedge_spans(text: str, units: list[tuple[int, int]], starts: tuple[int, ...]) -> list[tuple[int, int]]:
    """Spans around a hedge word and the study word next to it ("further trials are needed"), in their unit."""
    spans = []
    for match in anchored(HEDGE, text, HEDGE_ANCHORS, before=12, after=12):
        unit = bisect.bisect_right(starts, match.start()) - 1
        if unit < 0:
            continue
        near = max(units[unit][0], match.start() - HEDGE_PAIR_GAP), min(units[unit][1], match.end() + HEDGE_PAIR_GAP)
        study = HEDGE_STUDY.search(text, *near)
        if study:
            start = max(units[unit][0], min(match.start(), study.start()) - HEDGE_REACH)
            end = min(units[unit][1], max(match.end(), study.end()) + HEDGE_REACH)
            spans.append((start, end))
    return spans


def _split_at(start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """A sentence split where a heading opens a new section inside it ("... health.Methods Twenty ...")."""
    inside = [c for c in cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]]
    bounds = [start, *inside, end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _heading_before(headings: list[tuple[int, str]], offset: int) -> str | None:
    """Name of the last heading at or before ``offset``."""
    name = None
    for position, heading in headings:
        if position > offset:
            break
        name = heading
    return name


def family_hits(doc: Doc, name: str) -> list[Hit]:
    """Every hit of vocabulary family ``name`` in ``doc``, longest per overlap, in text order."""
    matcher = family_matcher(name)
    scope = doc_scope(doc)
    found = list(_ruler_hits(doc).get(matcher.label, ()))
    found.extend(_anchored_hits(scope.text, matcher.rules))
    if scope.has_cjk:
        found.extend(_phrase_hits(scope.text, matcher.cjk_phrases))
    found.extend(_abbreviation_hits(doc, scope.text, found))
    return [
        Hit(s, e, cid, name, scope.unit_of(s), cid in matcher.pseudo, compact)
        for s, e, cid, compact in _longest(found, matcher.coexist)
    ]


def _ruler_hits(doc: Doc) -> dict[str, list[tuple[int, int, str, bool]]]:
    """The span_ruler's concept spans grouped by label, read once per doc and kept in ``doc.user_data``."""
    grouped = doc.user_data.get(_RULER_KEY)
    if grouped is None:
        grouped = {}
        for span in doc.spans.get(CONCEPTS_KEY, ()):
            grouped.setdefault(span.label_, []).append((span.start_char, span.end_char, span.id_, False))
        doc.user_data[_RULER_KEY] = grouped
    return grouped


def _abbreviation_hits(doc: Doc, text: str, found: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """Hits for short forms the text defines whose long form holds a hit: "intrathecal (IT)" -> each "IT"."""
    abbreviations = doc.user_data.get("abbreviations") or {}
    shorts: dict[str, str] = {}
    for short, abbreviation in abbreviations.items():
        inside = [f for f in found if abbreviation.start <= f[0] and f[1] <= abbreviation.end]
        if inside and not any(f[0] >= abbreviation.end and text[f[0] : f[1]] == short for f in found):
            shorts[short] = max(inside, key=lambda f: f[1] - f[0])[2]
    if not shorts:
        return []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(shorts, key=len, reverse=True))) + r")(?![\w-])")
    return [(m.start(), m.end(), shorts[m.group(0)], True) for m in pattern.finditer(text)]


def _longest(found: list[tuple[int, int, str, bool]], coexist: frozenset[str] = frozenset()) -> list[tuple[int, int, str, bool]]:
    """Drop duplicates and hits inside a longer overlapping hit (ties: the earlier one); concepts in
    ``coexist`` (``attrs.coexist``) neither shadow nor are shadowed: "compared with 100 propensity
    score-matched patients" is a control and an observational cue at once."""
    kept: list[tuple[int, int, str, bool]] = []
    free = [hit for hit in set(found) if hit[2] in coexist]
    for hit in sorted(set(found) - set(free), key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(hit[1] <= k[0] or hit[0] >= k[1] for k in kept):
            kept.append(hit)
    return sorted(kept + free)


def own_hits(hits: Iterable[Hit], scope: Scope) -> list[Hit]:
    """Hits where the text speaks of this study (not background, not hedges), pseudo concepts dropped."""
    return [h for h in hits if not h.pseudo and scope.own(h.start)]
