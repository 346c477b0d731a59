"""Design fields: type, randomized, controlled, blinding, phase, retrospective, multicenter, tests, follow-up.

``vocab/design_cues.jsonl`` says which words are cues; this module reads the
cues of the title and of the study's own sentences (background sections and
hedges such as "further randomized trials are needed" are skipped) and decides
the type in a fixed order, the first rule that holds winning:

1. a review: meta-analysis > systematic review > narrative review (in the
   title, or where the text speaks of itself or searched databases);
2. preclinical: animals or in vitro work and no patients;
3. rct: randomisation of participants (dose arms count as the comparator), or a double-blind
   comparison with a control or crossover (masking both sides needs allocation by the investigators);
4. case report (one patient), case-control, cross-sectional, when named;
5. a cohort study so named; a concurrent control: cohort when the text reads as observational
   (clinical data, records, prognosis analysis, retrospective), else non-randomized controlled;
6. observational with groups (responders vs non-responders): cohort;
7. retrospective or "case series": case series;
8. a prospective study cue (trial, phase, enrolled, pilot, open-label, before
   and after, a structured abstract): single arm;
9. treated patients counted but no study cue: single arm when they were measured
   before and after ("fell from 12.1 to 4.3", "assessed before and 24 weeks
   after"), else case series;
10. nothing of a primary study (no participants counted, no study cue): narrative review.

When no rule holds the type is null.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

from extractor.nlp.concepts import CJK, Hit, Scope, doc_scope, family_hits, family_matcher
from extractor.nlp.findings import Section, Span
from extractor.nlp.patterns import (
    FOLLOW_UP_AFTER,
    FOLLOW_UP_AFTER_ANCHORS,
    FOLLOW_UP_ANCHORS,
    FOLLOW_UP_DESIGN,
    FOLLOW_UP_DESIGN_ANCHORS,
    FOLLOW_UP_EXPLICIT,
    FOLLOW_UP_SUMMARY,
    FOLLOW_UP_UP_TO,
    FOLLOW_UP_UP_TO_ANCHORS,
    NUMBER_WORDS,
)

#: A trial phase: "phase I/II", "Phase 2a", "phase Ib/IIa", "phase II/III", "phase 3" (not "phase 1 week after").
PHASE = re.compile(
    r"\bphase\s?(?P<a>IV|I{1,3}|[1-4])\s?[ab]?\b(?:\s?(?:/|-|–|and|or)\s?(?:phase\s?)?(?P<b>IV|I{1,3}|[1-4])\s?[ab]?\b)?"
    r"(?!\s?(?:weeks?|months?|days?|years?|hours?|h|d)\b)",
    re.IGNORECASE,
)
#: A trial phase in Chinese: "Ⅱ期临床试验", "I/II期研究".
PHASE_CN = re.compile(
    r"(?P<a>[ⅠⅡⅢⅣ]|IV|I{1,3}|[1-4])\s?[ab]?(?:\s?/\s?(?P<b>[ⅠⅡⅢⅣ]|IV|I{1,3}|[1-4])\s?[ab]?)?\s?期(?:临床)?(?:试验|研究)"
)
#: Design types that report no participants of their own (no follow-up, no randomisation).
REVIEWS = frozenset({"meta_analysis", "systematic_review", "narrative_review"})
#: Literals every phase phrase holds (English, Chinese).
PHASE_ANCHORS = ("hase", "HASE")
PHASE_CN_ANCHORS = ("期",)
#: Roman or Arabic phase numbers to the exchange format's roman numerals.
PHASE_NUMBERS = {"1": "I", "2": "II", "3": "III", "4": "IV", "Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV"}
#: Phase pairs the exchange format has.
PHASE_PAIRS = {("I", "II"): "I/II", ("II", "III"): "II/III"}
#: A count of people: "8 PM/DM patients", "Fourteen patients", "A total of 45 chronic hepatitis B patients", "92例".
PARTICIPANT_COUNT = re.compile(
    r"(?:\b(?:\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|hundred)\s+(?:[\w/()-]+\s+){0,4}?(?:patients|participants|subjects|volunteers|cases|women|men|children|adults|infants|"
    r"individuals|inpatients|outpatients)\b|\d+\s?例)",
    re.IGNORECASE,
)
#: A measurement before and after the intervention, which makes an uncontrolled study a before-after (single-arm)
#: study: "assessed before and 24 weeks after", "fell from 12.1 ± 3.2 to", "compared with baseline", "治疗前后".
PRE_POST = re.compile(
    r"\bbefore\s+and\s+(?:\w+\s+){0,3}after\b|\bpre-?\s*and\s+post-?|\bat\s+baseline\s+and\b|"
    r"\b(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?)\s+(?:the\s+)?(?:baseline|pre-?treatment)\b|"
    r"\b(?:decreased|increased|improved|fell|rose|dropped|declined|reduced|changed)\s+(?:\w+\s+){0,2}?from\s+[(\[]?\d|"
    r"治疗前后|移植前后",
    re.IGNORECASE,
)
#: Verbs that report what was done to participants; a text with none reports no study of its own:
#: "were treated", "received", "underwent", "were randomized".
PRIMARY_VERB = re.compile(
    r"\b(?:were|was)\s+(?:\w+\s+)?(?:treated|given|infused|injected|transplanted|enrolled|included|randomi[sz]ed|assigned"
    r"|followed|evaluated|assessed|administered|recruited|divided|selected)\b|\b(?:received|underwent|receiving)\b|患者|例",
    re.IGNORECASE,
)
#: Literals every participant count holds.
PARTICIPANT_ANCHORS = (
    "patients", "participants", "subjects", "volunteers", "cases", "women", " men", "children", "adults", "infants",
    "individuals", "Patients", "例",
)
#: Statements about the text itself, where a review cue names this paper: "This systematic review", "we searched".
REVIEW_SELF_REFERENCE = re.compile(r"\b(?:this|we|our|present|current|aim|aims|aimed|objective|purpose)\b|本文|本研究", re.IGNORECASE)
#: Units of duration in days (FORMAT.md: day 1, week 7, month 30, year 365), Chinese units included.
DURATION_DAYS = {
    "day": 1, "d": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "year": 365, "yr": 365,
    "天": 1, "日": 1, "周": 7, "月": 30, "个月": 30, "年": 365,
}


@dataclass(frozen=True, slots=True)
class Cues:
    """The design cues of one document, by cue id: hits in the title and the study's own units."""

    hits: dict[str, list[Hit]]
    scope: Scope

    def has(self, *ids: str) -> bool:
        """True when any of ``ids`` is present."""
        return any(self.hits.get(i) for i in ids)

    def first(self, *ids: str) -> list[Hit]:
        """Hits of the first of ``ids`` present, in text order."""
        for cue_id in ids:
            if self.hits.get(cue_id):
                return self.hits[cue_id][:1]
        return []

    def all(self, *ids: str) -> list[Hit]:
        """Hits of all ``ids``, in text order."""
        return sorted((h for i in ids for h in self.hits.get(i, [])), key=lambda h: h.start)


def extract_design(doc: Doc) -> Section:
    """The design section of ``doc``."""
    scope = doc_scope(doc)
    cues = _cues(family_hits(doc, "design_cues"), scope)
    design_type, type_hits = classify(cues)
    blinding, blinding_hits = _blinding(cues)
    phase, phase_span = _phase(scope)
    follow_up, follow_span = _follow_up(scope) if design_type not in REVIEWS else (None, [])
    tests = _tests(family_hits(doc, "statistical_tests"), scope)
    values = {
        "type": design_type,
        "randomized": _randomized(design_type),
        "controlled": _controlled(design_type),
        "blinding": blinding,
        "phase": phase,
        "retrospective": _retrospective(cues),
        "multicenter": True if cues.has("multicenter") else False if cues.has("single_center") else None,
        "statistical_tests": list(dict.fromkeys(name for name, _ in tests)),
        "follow_up": follow_up,
    }
    evidence = (
        _spans(scope, type_hits, "design.type")
        + _spans(scope, blinding_hits, "design.blinding")
        + _spans(scope, cues.first("multicenter", "single_center"), "design.multicenter")
        + _spans(scope, cues.first("retrospective", "prospective"), "design.retrospective")
        + tuple(Span.of(scope.text, s, e, rule="phase", field="design.phase") for s, e in phase_span)
        + tuple(Span.of(scope.text, h.start, h.end, rule=f"test:{h.id}", field="design.statistical_tests") for _, h in tests)
        + tuple(Span.of(scope.text, s, e, rule="follow_up", field="design.follow_up") for s, e in follow_span)
    )
    return Section(values=values, evidence=evidence)


def _cues(hits: list[Hit], scope: Scope) -> Cues:
    """Design cue hits of the study's own units, pseudo cues dropped, grouped by id."""
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        if not hit.pseudo and scope.own(hit.start):
            grouped.setdefault(hit.id, []).append(hit)
    return Cues(grouped, scope)


# --- type -------------------------------------------------------------------------------------------------


def classify(cues: Cues) -> tuple[str | None, list[Hit]]:
    """The design type and the cue hits that decided it (see the module docstring for the order)."""
    for rule in (_review, _preclinical, _randomized_trial, _named_observational, _controlled_study, _uncontrolled_study):
        decided = rule(cues)
        if decided is not None:
            return decided
    return None, []


def _review(cues: Cues) -> tuple[str, list[Hit]] | None:
    """meta_analysis / systematic_review / narrative_review when the paper says it is one."""
    searched = cues.has("literature_search")
    for cue_id, design_type in (("meta_analysis", "meta_analysis"), ("systematic_review", "systematic_review"),
                                ("review", "narrative_review")):
        hits = [h for h in cues.hits.get(cue_id, []) if searched or _self_referent(h, cues.scope)]
        if hits:
            return design_type, hits[:1]
    titled = [h for h in cues.hits.get("review_word", []) if h.unit in cues.scope.title_units]
    if titled and not _primary_evidence(cues):
        return "narrative_review", titled[:1]
    return None


def _self_referent(hit: Hit, scope: Scope) -> bool:
    """True when the hit is in the title or in a unit where the text speaks of itself ("This meta-analysis")."""
    return hit.unit in scope.title_units or bool(REVIEW_SELF_REFERENCE.search(scope.unit_text(hit.unit)))


def _preclinical(cues: Cues) -> tuple[str, list[Hit]] | None:
    """preclinical: animals or in vitro work, and no patients or participant counts."""
    if cues.has("animal", "in_vitro") and not cues.has("human") and not _participant_count(cues.scope):
        return "preclinical", cues.all("animal", "in_vitro")[:1]
    return None


def _named_observational(cues: Cues) -> tuple[str, list[Hit]] | None:
    """case_report (one patient), case_control or cross_sectional when the text names it."""
    if cues.has("case_report") and _participant_total(cues.scope) <= 1:
        return "case_report", cues.first("case_report")
    if cues.has("case_control"):
        return "case_control", cues.first("case_control")
    if cues.has("cross_sectional"):
        return "cross_sectional", cues.first("cross_sectional")
    return None


def _randomized_trial(cues: Cues) -> tuple[str, list[Hit]] | None:
    """rct: participants randomised (the arms, placebo or dose, are the comparator); a double- or
    triple-blind comparison with a control or a crossover, which only allocation by chance allows."""
    if cues.has("randomized") and not cues.has("non_randomized", "non_randomized_controlled"):
        return "rct", cues.first("randomized") + cues.first("control")
    masked = cues.first("blind_double", "blind_triple")
    compared = cues.first("control", "crossover")
    if masked and compared and not cues.has("non_randomized", "non_randomized_controlled", "observational", "cohort_study",
                                             "retrospective"):
        return "rct", masked + compared
    return None


def _controlled_study(cues: Cues) -> tuple[str, list[Hit]] | None:
    """A named cohort study; a concurrent control: cohort when observational, else non_randomized_controlled."""
    if cues.has("cohort_study"):
        return "cohort", cues.first("cohort_study")
    observational = cues.all("observational", "retrospective")
    control = cues.first("non_randomized_controlled", "control")
    if control and not cues.has("single_arm"):
        if observational:
            return "cohort", observational[:1] + control
        return "non_randomized_controlled", control
    if observational and cues.has("groups") and cues.has("observational"):
        return "cohort", observational[:1] + cues.first("groups")
    return None


def _uncontrolled_study(cues: Cues) -> tuple[str, list[Hit]] | None:
    """case_series (retrospective or so named), single_arm (a prospective study cue, where people are counted or
    treated: a laboratory or modelling paper's "this study" is not a trial), else by what is counted."""
    if cues.has("retrospective", "case_series"):
        return "case_series", cues.first("case_series", "retrospective")
    study = cues.all("single_arm", "study", "prospective", "blind_open", "non_randomized")
    phase = _phase(cues.scope)[0]
    if study or phase or cues.scope.structured:
        # a study nobody is counted or treated in (a laboratory, modelling or survey paper): abstain
        treated = (phase or cues.has("single_arm") or _participant_count(cues.scope)
                   or PRIMARY_VERB.search(cues.scope.text))
        return ("single_arm", study[:1]) if treated else (None, [])
    if _participant_count(cues.scope):
        # treated patients measured before and after: a before-after study; else a descriptive series
        return ("single_arm", []) if PRE_POST.search(cues.scope.text) else ("case_series", [])
    if not cues.has("animal", "in_vitro") and not PRIMARY_VERB.search(cues.scope.text) and not _follow_up(cues.scope)[0]:
        return "narrative_review", []
    return None


def _primary_evidence(cues: Cues) -> bool:
    """True when the text reports a study of its own: participants counted or a study cue."""
    return bool(_participant_count(cues.scope)) or cues.has("study", "randomized", "control", "animal")


def _participant_count(scope: Scope) -> list[re.Match]:
    """Counts of people in the study's own units and the title."""
    return scope.own_matches(PARTICIPANT_COUNT, PARTICIPANT_ANCHORS, before=70, after=20)


def _participant_total(scope: Scope) -> int:
    """The largest count of people stated (0 when none): a case report counts one."""
    best = 0
    for match in _participant_count(scope):
        digits = re.match(r"\d+", match.group(0))
        best = max(best, int(digits.group(0)) if digits else 2)
    return best


def _randomized(design_type: str | None) -> bool | None:
    """True for an rct, False for other primary studies, None for reviews, preclinical work and unknowns."""
    if design_type in (None, "meta_analysis", "systematic_review", "narrative_review", "preclinical", "other"):
        return None
    return design_type == "rct"


def _controlled(design_type: str | None) -> bool | None:
    """True when the design has a concurrent comparison group, False when it cannot, None when unknown."""
    if design_type in ("rct", "non_randomized_controlled", "cohort", "case_control"):
        return True
    if design_type in ("single_arm", "case_series", "case_report"):
        return False
    return None


def _retrospective(cues: Cues) -> bool | None:
    """True when stated retrospective, False when stated prospective, else None (not stated)."""
    if cues.has("retrospective"):
        return True
    return False if cues.has("prospective") else None


# --- blinding and phase ---------------------------------------------------------------------------------------


def _blinding(cues: Cues) -> tuple[str | None, list[Hit]]:
    """The first explicit masking label; an assessor-only mask is 'single'."""
    labels = {"blind_double": "double", "blind_single": "single", "blind_triple": "triple", "blind_open": "open_label"}
    explicit = cues.all(*labels)
    if explicit:
        first = _title_first(explicit, cues.scope)
        return labels[first.id], [first]
    if cues.has("blind_assessor"):
        return "single", cues.first("blind_assessor")
    return None, []


def _title_first(hits: list[Hit], scope: Scope) -> Hit:
    """The hit in the title if any, else the first in the text."""
    return next((h for h in hits if h.unit in scope.title_units), hits[0])


def _phase(scope: Scope) -> tuple[str | None, list[tuple[int, int]]]:
    """The trial phase named in the title, else first in the study's own units."""
    found = []
    for pattern, anchors in ((PHASE, PHASE_ANCHORS), (PHASE_CN, PHASE_CN_ANCHORS)):
        for match in scope.own_matches(pattern, anchors, before=40, after=40):
            value = _phase_value(match.group("a"), match.group("b"))
            if value:
                found.append((scope.unit_of(match.start()) not in scope.title_units, match.start(), value, match.end()))
    if not found:
        return None, []
    _, start, value, end = min(found)
    return value, [(start, end)]


def _phase_value(first: str, second: str | None) -> str | None:
    """'I', 'I/II', 'II', ... from the numbers of a phase phrase ("1", "IIa", "Ⅱ")."""
    a = PHASE_NUMBERS.get(first, first.upper())
    if not second:
        return a
    b = PHASE_NUMBERS.get(second, second.upper())
    return a if a == b else PHASE_PAIRS.get((a, b))


# --- statistical tests ------------------------------------------------------------------------------------------


def _tests(hits: list[Hit], scope: Scope) -> list[tuple[str, Hit]]:
    """(name as written, lower case; the literal for a Chinese name, hit) for each test named."""
    matcher = family_matcher("statistical_tests")
    named = []
    for hit in hits:
        if hit.pseudo or scope.hedged(hit.start):
            continue
        quote = scope.text[hit.start : hit.end]
        concept = matcher.concept(hit.id)
        name = concept.literal if CJK.search(quote) or concept is None else re.sub(r"\s+", " ", quote.lower())
        named.append((name, hit))
    return named


# --- follow-up ----------------------------------------------------------------------------------------------------


def _follow_up(scope: Scope) -> tuple[dict | None, list[tuple[int, int]]]:
    """Follow-up in days: a stated mean/median (with its range), else the longest stated follow-up, else
    the study length in a design phrase, else "up to N after", else the latest "N after treatment"."""
    tiers = (
        (FOLLOW_UP_SUMMARY, FOLLOW_UP_ANCHORS, "first"),
        (FOLLOW_UP_EXPLICIT, FOLLOW_UP_ANCHORS, "longest"),
        ((FOLLOW_UP_DESIGN,), FOLLOW_UP_DESIGN_ANCHORS, "longest"),
        ((FOLLOW_UP_UP_TO,), FOLLOW_UP_UP_TO_ANCHORS, "longest"),
        ((FOLLOW_UP_AFTER,), FOLLOW_UP_AFTER_ANCHORS, "latest"),
    )
    for patterns, anchors, pick in tiers:
        found = _durations(scope, patterns, anchors)
        if found:
            chosen = found[0] if pick == "first" else max(found, key=lambda d: (d[1], -d[2]))
            low, high, start, end = chosen
            if pick == "latest":  # "from 4 to 36 weeks after treatment": the last timepoint, not a range
                low = high
            return {"min_days": low, "max_days": high, "text": scope.text[start:end]}, [(start, end)]
    return None, []


def _durations(scope: Scope, patterns: Iterable[re.Pattern], anchors: tuple[str, ...]) -> list[tuple[float, float, int, int]]:
    """(min_days, max_days, start, end) of every match of ``patterns`` in the study's own units, in text order."""
    found = [_duration(m) for pattern in patterns for m in scope.own_matches(pattern, anchors, before=50, after=80)]
    return sorted((d for d in found if d is not None), key=lambda d: d[2])


#: A closing bracket inside a duration: "(14.2±3.1) months".
BRACKET_CLOSE = re.compile(r"[)）]")


def _duration(match: re.Match) -> tuple[float, float, int, int] | None:
    """Days of one duration match; a stated range ("six to twelve months", "range, 13-24") gives both ends."""
    per_day = _unit_days(match.group("u"))
    a = _amount(match.group("a"))
    if per_day is None or a is None:
        return None
    groups = match.groupdict()
    b = _amount(groups.get("b")) if groups.get("b") else None
    lo, hi = _amount(groups.get("lo")), _amount(groups.get("hi"))
    start = match.start("a")
    if start > match.start() and match.string[start - 1] in "(（" and BRACKET_CLOSE.search(match.string, start, match.end()):
        start -= 1  # "(14.2±3.1) months": the bracket closed before the unit opens the quote
    if lo is not None and hi is not None:
        return lo * per_day, hi * per_day, start, match.end("hi")
    end = match.end("u")
    return a * per_day, (b if b is not None else a) * per_day, start, end


def _unit_days(unit: str) -> float | None:
    """Days per duration unit: "months" -> 30, "wk" -> 7, "年" -> 365."""
    key = unit.lower()
    if key not in DURATION_DAYS:
        key = key.rstrip("s")
    return DURATION_DAYS.get(key)


def _amount(word: str | None) -> float | None:
    """A duration amount in digits or words: "6" -> 6, "twelve" -> 12."""
    if not word:
        return None
    word = word.lower()
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


# --- evidence -----------------------------------------------------------------------------------------------------


def _spans(scope: Scope, hits: Iterable[Hit], field: str) -> tuple[Span, ...]:
    """Evidence spans of cue ``hits`` for ``field``."""
    return tuple(Span.of(scope.text, h.start, h.end, rule=f"cue:{h.id}", field=field) for h in hits)
