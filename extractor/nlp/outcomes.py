"""Outcome values: every reported number with its measure, unit, timepoint, p-value and evidence.

The stages, per sentence:

1. ``find_mentions``: numeric expressions by the number grammar of
   ``patterns`` (``a ± b``, ``a (SD b)``, CIs, IQRs, ranges, percentages, and
   bare numbers only with a mean cue or in an ``a vs b`` comparison).
2. ``assign_timepoints``: each value takes its nearest timepoint phrase (the
   gap between them holding only units, brackets and prepositions); "from a
   to b" and single-group "a vs b" make the reference value the baseline;
   a sentence-opening "After 3 months of follow-up," carries forward.
3. ``assign_p_values``: a p-value covers the values since the previous one;
   "all P<0.05" covers each, a list of p-values "respectively" goes in order,
   a single p goes to the compared value (never the baseline, nor the second
   group of a between-group comparison).
4. ``assign_measures``: the clause's subject (or the noun phrase after "there
   was a ...") names the measure, cleaned of determiners, group phrases and
   parentheses, abbreviations expanded; "X and Y ... respectively" distributes.

Values are then grouped by measure; a baseline repeated in several
comparisons is listed once (FORMAT.md).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from extractor.nlp.abbreviations import Abbreviation
from extractor.nlp.findings import Span
from extractor.nlp.patterns import (
    CHANGE_CUE,
    COUNT_OF_PEOPLE,
    DEMOGRAPHIC_CUE,
    DOSE_CONTEXT,
    FRACTION,
    MEAN_CUE,
    MEAN_PM,
    MEAN_M_SD,
    MEAN_SD_HEADER,
    MEAN_SD_LATE,
    VALUE_PAREN_SPREAD,
    MEAN_SD_PAREN,
    MEASURE_VERB,
    N_OF_N,
    NUMBER,
    P_ALL_CUE,
    P_VALUE,
    PERCENT,
    UNIT,
    VALUE_CI,
    VALUE_IQR,
    VALUE_PAREN_INTERVAL,
    VALUE_RANGE,
)
from extractor.nlp.sentences import sentence_spans
from extractor.nlp.timepoints import Timepoint, find_timepoints

#: A bare number standing alone (not inside a word like "IL-6", "MMT8", "COVID-19").
BARE_NUMBER = re.compile(
    rf"(?<![\w./\-−^·×])(?<!\d[-–] )(?P<value>{NUMBER})(?![\w^]|/\d|[.·,]\d|\s?(?:%|×|x\s?10)|\s?[-–]\s?\d|-(?!points?\b)[A-Za-z])"
)
#: "decreased by 1.6 points", "an increase of 0.2": the number after it is a mean change.
CHANGE_BY = re.compile(
    r"\b(?:increased|decreased|reduced|improved|declined|fell|rose|dropped|gained|lost|changed|increases?|decreases?|reductions?|improvements?|declines?|gains?|loss)\s+(?:by|of)\s+(?:an?\s+)?(?:average\s+of\s+|mean\s+of\s+)?$",
    re.IGNORECASE,
)
#: "a 5.1-point increase": a number of points that changed.
POINT_CHANGE = re.compile(r"-?\s?points?\s+(?:increase|decrease|reduction|improvement|change|difference|gain|decline|drop|rise)", re.IGNORECASE)
#: "mean"/"average" (not median): a percentage under it is a mean percentage.
MEAN_ONLY_CUE = re.compile(r"\b(?:mean|average)\b", re.IGNORECASE)
#: Between "n/N" and its percentage: " (", " patients (", ", ".
PEOPLE_BEFORE_PERCENT = re.compile(r"\s*(?:patients|participants|subjects|cases|women|men|children)?\s*[(\[,;]?\s*")
#: People nouns: the gate for counts of people.
PEOPLE_NOUN = re.compile(r"patients|participants|subjects|cases|children|women|\bmen\b")
#: Clauses that describe the study population, whose counts are not outcomes.
ENROLMENT_WORD = re.compile(
    r"\b(?:treat|enrol|enroll|recruit|includ|random|receiv|assign|administ|infus|inject|transplant|stud|allocat|screen|divid)\w*",
    re.IGNORECASE,
)
#: "..., and low back pain in": the event named right before a count of people.
COUNT_SUBJECT = re.compile(r"(?:\band|,|;)\s+(?P<subject>[A-Za-z][\w\-' ]{2,40}?)\s+(?:in|among)\s+(?:the\s+)?$")
#: Demographic shares right before a percentage: "female (78%)", "men, 54%", "aged over 60 (35%)".
DEMOGRAPHIC_SHARE = re.compile(r"\b(?:female|male|women|men|sex|gender|white|black|caucasian|asian|aged?\b[^()]{0,15})\W{0,3}$", re.IGNORECASE)
#: Words that make a percentage a measured quantity: "score values were 3.0%", "the score increased to 24.0%".
MEASUREMENT_WORD = re.compile(r"\b(?:scores?|levels?|values?|concentrations?|index|ratio|density|fraction|content)\b", re.IGNORECASE)
#: Between percentages of one list: "16.2% and 35.1%", "-2.2% vs. -1.1%".
PERCENT_LIST_GAP = re.compile(r"[\s\u00a0]*(?:,|and|or|vs\.?|versus)?[\s\u00a0]*(?:,?\s*and)?[\s\u00a0]*")
#: Words that make a percentage a share of people.
PEOPLE_WORD = re.compile(r"\b(?:patients|participants|subjects|women|men|children|responders?|cases|proportion|rate|incidence|prevalence)\b", re.IGNORECASE)
#: Any digit: sentences without one hold no values.
DIGIT = re.compile(r"\d")
#: Words without which no bare number is read as a mean (cheap gate for the bare-number scan).
BARE_CUES = re.compile(
    r"mean|average|median|baseline|\bvs\b|\bv\.|versus|compared|against|respectively|point|"
    r"(?:eased|uced|oved|ined|fell|rose|pped|ained|lost|anged|ases?|ions?|ments?|ains?|loss)\s+(?:by|of)\b"
)
#: Cheap gates for the spread and interval patterns ("SD", "SEM", "standard error"; "CI", "confidence").
SPREAD_WORD = re.compile(r"\b(?:sds?|sem?|s\.[de]|standard)\b")
CI_WORD = re.compile(r"\bci\b|confidence")
#: Sentence openers that may set a timepoint context: "After", "At", "By", "During" (and a results heading).
OPENER_WORD = re.compile(r"\W*(?:results?\W*)?(?:after|at|by|during)\b", re.IGNORECASE)
#: The confidence level of an interval: "95% CI", "95%CI", "95% confidence interval".
CI_LEVEL = re.compile(r"\b\d{2}(?:\.\d)?\s?%\s?(?:CI|confidence)", re.IGNORECASE)
#: The nearest statistic cue before a bare number decides mean or median.
MEDIAN_CUE = re.compile(r"\bmedian\b", re.IGNORECASE)
#: Statistics named ahead of bracketed intervals: "median value (IQR)", "median (interquartile range)".
IQR_CONTEXT = re.compile(r"\b(?:median|IQR|interquartile)\b", re.IGNORECASE)
#: "a vs b", "a versus b", "a compared with b" between two numbers (with optional units).
VERSUS = re.compile(
    r"^[^\d;.]{0,50}?(?<![A-Za-z])(?:vs\.?|versus\.?|v\.?|compared (?:with|to)|against)[\s\u00a0]*[(\[]?[\s\u00a0]*$", re.IGNORECASE
)
#: Words before a time amount that make it a reported duration value: "times were 39 and 32 days", "(9.7 months vs".
DURATION_VALUE = re.compile(r"(?:\b(?:was|were|of|averaged)|[:=]|\bvs\.?|\bversus|\bcompared with)\s*$|(?:\b(?:was|were)|[:=])\s*[\d.]+\s*(?:,|and)\s*$", re.IGNORECASE)
#: "a, b and c, respectively" after "was"/"were": a list of values.
RESPECTIVELY_LIST = re.compile(r"^[\s\u00a0]*(?:[A-Za-zµμ/%]+)?[\s\u00a0]*(?:,|,?\s+and|,?\s+or)[\s\u00a0]*$")
#: "from a to b": the reference value of a change over time.
FROM_CUE = re.compile(r"(?:\bfrom|由|从)[\s\u00a0(\[（]*$", re.IGNORECASE)
#: The "to" of "from a to b", Chinese included ("降至", "升至", "到").
TO_CUE = re.compile(r"\bto\b|至|到")
#: Group words that make "a vs b" a comparison between arms rather than before-after.
GROUP_WORD = re.compile(r"\b(?:groups?|arms?|placebo|control|controls|cohorts?|versus the|compared with the)\b", re.IGNORECASE)
#: "(n = 9)", "n=30": participants a value is based on.
N_EQUALS = re.compile(r"[(\[,;]\s*n\s*=\s*(?P<n>\d+)\s*[)\],;]", re.IGNORECASE)
#: What may stand between a value and its timepoint: units, brackets, prepositions.
GAP_FILLER = re.compile(
    r"[\s\u00a0()\[\],]|\b(?:at|on|by|in|the|of|after|and|points?|%)\b",
    re.IGNORECASE,
)
#: A sentence-opening timepoint that sets the context of what follows: "After 3 months of follow-up,".
CONTEXT_OPENER = re.compile(r"^\W*(?:results?\W*)?(?:after|at|by|during)\s+(?:the\s+)?$", re.IGNORECASE)
#: What follows an opener that sets the time of the whole results: "of follow-up", "of treatment".
FOLLOW_UP_OPENER = re.compile(r"\s*(?:of\s+(?:the\s+)?)?(?:follow-?up|treatment|therapy|transplantation|infusion|intervention|observation)", re.IGNORECASE)
#: Clause boundaries inside a sentence.
CLAUSE_BREAK = re.compile(r";|\bwhereas\b|\bwhile\b|\bbut\b|,\s*(?=and\s+(?:the|in)\b)|\(\d\)|（\d）|[，；、]")
#: Leading words that are not part of a measure name.
MEASURE_LEAD = re.compile(
    r"^(?:(?:results?|methods?|conclusions?|findings?)\b\W*|in terms of\b[^,]*,\s*|compared (?:with|to)\b[^,]*,\s*|"
    r"(?:no|any)\s+(?:statistically\s+)?(?:significant\s+)?(?=differences?\b)|"
    r"(?:at|after|by|during|on)\s+(?=the\b)|"
    r"the\b|a\b|an\b|both\b|significantly\b|significant\b|higher\b|lower\b|greater\b|mean\b|average\b|median\b|overall\b|"
    r"levels? of\b|values? of\b|there\b|also\b|further\b|\W)\s*",
    re.IGNORECASE,
)
#: Trailing phrases that name the population or group, not the measure.
MEASURE_TAIL = re.compile(
    r"\s*(?:\b(?:of|in|for|among|between)\s+(?:the\s+|both\s+|all\s+)?(?:two\s+|three\s+)?(?:\S+\s+){0,3}?(?:groups?|arms?|patients|subjects|participants|cohorts?)|"
    r"\b(?:was|were|is|are)\b.*|\bin\s+(?:all|both)\b.*|\bbetween\b.*|[\s,;:(\[]+)$",
    re.IGNORECASE,
)
#: "... and DAS28 changes were": a new subject inside a clause (after "and" or a p-value).
_WORD = r"[^\s,;()\[\]]+"
_BRACKETED = r"[(\[][^()\[\]]*[)\]]"
#: "... and DAS28 changes were": a new subject inside a clause (after "and", "," or ";").
#: Words are separated by spaces and brackets open a group, so the match is linear (no backtracking blow-up).
NEW_SUBJECT = re.compile(
    rf"(?:\band|[;,])\s*(?!and\b)(?P<subject>(?:the\s+)?{_WORD}(?:\s+{_WORD}|\s*{_BRACKETED}(?:\s*{_WORD})?){{0,8}}?)\s*"
    r"(?:was|were|is|are|decreased|increased|declined|reduced|improved|changed|changes were|remained|reached)\b",
    re.IGNORECASE,
)
#: Subjects that are not measures: "and further decreased", "and then increased".
WEAK_WORDS = re.compile(
    r"(?:the\s+)?(?:further|then|also|significantly|it|this|these|which|that|they|there|values?|levels?|scores?|"
    r"[\d.,]+(?:\s+\w+)?|after\s+\w+|thereafter|subsequently|gradually|slightly|markedly)",
    re.IGNORECASE,
)
#: "there was a higher percentage of improvement in X": the measure follows the verb.
MEASURE_HEAD = re.compile(
    r"\b(?:percentage|proportion|levels?|rates?|scores?|changes?|improvement|reduction|difference|incidence)\s+(?:of|in)\b",
    re.IGNORECASE,
)
#: Participial modifiers that end a measure name: "detected by MRI", "measured with ELISA".
MEASURE_MODIFIER = re.compile(
    r"\s+(?:detected|measured|assessed|evaluated|determined|calculated|estimated|analy[sz]ed)\s+(?:by|with|using|in|on)\b.*$",
    re.IGNORECASE,
)
MAX_MEASURE_WORDS = 12


@dataclass(slots=True)
class Mention:
    """One numeric value found in the text and what has been assigned to it so far."""

    start: int
    end: int
    value: float
    statistic: str
    rule: str
    spread: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    timepoint: Timepoint | None = None
    baseline: bool = False
    p: tuple[str, float] | None = None
    n: int | None = None
    kind: str = "level"
    measure: str | None = None
    aliases: list[str] = field(default_factory=list)
    measure_hint: str | None = None
    group: str | None = None


def to_float(text: str) -> float:
    """'−7.9' -> -7.9, '533,482.5' -> 533482.5, '1·6' -> 1.6, '0. 99' -> 0.99."""
    cleaned = re.sub(r"[\s\u00a0\u2009\u202f,]", "", text).replace("·", ".")
    cleaned = re.sub(r"^[−–‒]", "-", cleaned)
    return float(cleaned)


def p_float(text: str) -> float | None:
    """A p-value's number, scientific notation included ("3.29×10-6"); None when outside [0, 1]."""
    sci = re.fullmatch(r"(\d(?:\.\d+)?)\s?[x×]\s?10\s?[-−–]\s?(\d+)", text.strip())
    value = float(f"{sci.group(1)}e-{sci.group(2)}") if sci else to_float(text)
    return value if 0 <= value <= 1 else None


# --- 1. mentions ------------------------------------------------------------------


def find_mentions(text: str, start: int, end: int, timepoints: list[Timepoint] | None = None) -> list[Mention]:
    """Numeric outcome expressions in ``text[start:end]``, in order, non-overlapping.

    Each pattern runs only when the sentence holds the literal it needs ("±", "CI",
    "%", "range"...): Python's ``re`` scans patterns that open with an optional
    sign slowly, and most sentences of an abstract hold no statistic at all.
    """
    sentence = text[start:end]
    if not DIGIT.search(sentence):
        return []
    lower = sentence.lower()
    taken = [(m.start(), m.end()) for m in P_VALUE.finditer(text, start, end)] if "p" in lower else []
    mentions: list[Mention] = []

    def claim(mention: Mention) -> None:
        if DOSE_CONTEXT.match(text, mention.end):
            taken.append((mention.start, mention.end))
            return  # "1.0 (range 0.4-9) 10^6 cells/kg" is a dose, not an outcome
        if all(mention.end <= s or mention.start >= e for s, e in taken):
            taken.append((mention.start, mention.end))
            if CHANGE_BY.search(text, max(start, mention.start - 40), mention.start):
                mention.kind = "change"  # "decreased by 3.9 points (95% CI ...)", "improved by 5.2% ± 3.1%"
            mentions.append(mention)

    for mention in _spread_mentions(text, start, end, lower):
        claim(mention)
    for mention in _interval_mentions(text, start, end, lower):
        claim(mention)
    if "%" in sentence:
        # the "95%" of "95% CI" is never a percentage
        taken += [(m.start(), m.end()) for m in CI_LEVEL.finditer(text, start, end)]
        for mention in _percent_mentions(text, start, end):
            claim(mention)
    if BARE_CUES.search(lower):
        if timepoints is None:
            timepoints = find_timepoints(text, start, end)
        for mention in _bare_mean_mentions(text, start, end, taken, timepoints):
            claim(mention)
    if PEOPLE_NOUN.search(lower):
        for mention in _count_mentions(text, start, end):
            claim(mention)
    return sorted(mentions, key=lambda m: m.start)


def _spread_mentions(text: str, start: int, end: int, lower: str):
    sentence = text[start:end]
    has_sd = SPREAD_WORD.search(lower) is not None
    has_pm = any(k in sentence for k in ("±", "+/", "+-"))
    if not (has_sd or has_pm):
        return
    se_named = re.search(r"\b(?:SE|SEM|S\.E\.M?|standard errors?)\b", sentence)
    sd_named = re.search(r"\b(?:SD|S\.D\.|standard deviations?)\b", sentence)
    for match in MEAN_SD_PAREN.finditer(text, start, end) if has_sd else ():
        kind = match.group("kind").lower()
        statistic = "mean_se" if kind.startswith(("se", "s.e", "standard error")) else "mean_sd"
        yield _mention(match, statistic, "mean_sd_paren", spread=to_float(match.group("spread")))
    for match in MEAN_PM.finditer(text, start, end) if has_pm else ():
        statistic = "mean_se" if se_named and not sd_named else "mean_sd"
        mention = _mention(match, statistic, "mean_pm", spread=to_float(match.group("spread")))
        if match.group("unit1") or match.group("unit2"):
            mention.unit = "%"
        elif match.group("unitw"):
            mention.unit = match.group("unitw")
        yield mention
    if not has_sd:
        return
    for pattern, rule in ((MEAN_M_SD, "mean_m_sd"), (MEAN_SD_LATE, "mean_sd_late")):
        for match in pattern.finditer(text, start, end):
            statistic = "mean_se" if match.group("kind").upper().startswith("SE") else "mean_sd"
            mention = _mention(match, statistic, rule, spread=to_float(match.group("spread")))
            if "unit1" in match.re.groupindex and match.group("unit1"):
                mention.unit = "%"
            yield mention
    if MEAN_SD_HEADER.search(text, max(0, start - 300), end):
        for match in VALUE_PAREN_SPREAD.finditer(text, start, end):
            yield _mention(match, "mean_sd", "mean_paren_under_header", spread=to_float(match.group("spread")))


def _interval_mentions(text: str, start: int, end: int, lower: str):
    has_ci = CI_WORD.search(lower) is not None
    for match in VALUE_CI.finditer(text, start, end) if has_ci else ():
        before = text[max(start, match.start() - 60) : match.start()]
        if MEDIAN_CUE.search(before):
            statistic = "median"
        elif match.group("unit1") and not MEAN_CUE.search(before) and not CHANGE_CUE.search(before):
            statistic = "percent"
        else:
            statistic = "mean_ci"
        yield _interval(match, statistic, "value_ci")
    if "iqr" in lower or "interquartile" in lower or "q1" in lower:
        for match in VALUE_IQR.finditer(text, start, end):
            yield _interval(match, "median_iqr", "value_iqr")
    if "range" in lower:
        for match in VALUE_RANGE.finditer(text, start, end):
            before = text[max(start, match.start() - 30) : match.start()]
            cues = MEAN_CUE.findall(before)
            statistic = "mean" if cues and cues[-1].lower() in ("mean", "average") else "median_range"
            yield _interval(match, statistic, "value_range")
    if not IQR_CONTEXT.search(text, max(0, start - 600), end):
        return
    for match in VALUE_PAREN_INTERVAL.finditer(text, start, end):
        before = text[max(start, match.start() - 40) : match.start()]
        low, value, high = (to_float(match.group(g)) for g in ("low", "value", "high"))
        if (IQR_CONTEXT.search(text, max(0, match.start() - 600), match.start()) and low <= value <= high
                and not DEMOGRAPHIC_CUE.search(before)):
            yield _interval(match, "median_iqr", "median_paren_interval")


def _percent_mentions(text: str, start: int, end: int):
    """Percentages: a share of people ("percent"), or a mean percentage of a measured quantity."""
    previous: Mention | None = None
    for match in PERCENT.finditer(text, start, end):
        mention = _classify_percent(text, start, end, match)
        if mention is None:
            continue
        if previous is not None and previous.statistic != "percent" and mention.statistic == "percent" and (
            PERCENT_LIST_GAP.fullmatch(text[previous.end : match.start()])
        ):
            # "increases of 16.2% and 35.1%": a list shares the reading of its first member
            mention.statistic, mention.kind, mention.rule, mention.n = previous.statistic, previous.kind, previous.rule, None
        mention.unit = "%"
        previous = mention
        yield mention


def _classify_percent(text: str, start: int, end: int, match: re.Match) -> Mention | None:
    before = text[max(start, match.start() - 25) : match.start()]
    if DEMOGRAPHIC_SHARE.search(before):
        return None  # "predominantly female (78%)": who was studied, not an outcome
    clause = text[_clause_start(text, start, match.start()) : match.start()]
    signed = match.group("value")[0] in "+-−–"
    if MEDIAN_CUE.search(clause) and CHANGE_CUE.search(clause):
        mention = _mention(match, "median", "percent_median_change")
        mention.kind = "change"
    elif re.search(r"\b(?:by|of)\s*$", before) and CHANGE_CUE.search(before):
        mention = _mention(match, "mean", "percent_change")
        mention.kind = "change"
    elif signed or ((MEAN_ONLY_CUE.search(clause) or MEASUREMENT_WORD.search(clause)) and not PEOPLE_WORD.search(clause)):
        # a signed percentage, or one of a score or level, measures a quantity; it is not a share of people
        mention = _mention(match, "mean", "percent_mean")
        mention.kind = "change" if signed or CHANGE_CUE.search(clause) else "level"
    else:
        mention = _mention(match, "percent", "percent")
        mention.n = _percent_n(text, match, start, end)
    return mention


def _count_mentions(text: str, start: int, end: int):
    """People with an event: "headache occurred in 4 of 9 patients", "and low back pain in 2 patients"."""
    for match in COUNT_OF_PEOPLE.finditer(text, start, end):
        clause = text[_clause_start(text, start, match.start()) : match.start()]
        if ENROLMENT_WORD.search(clause):
            continue  # "were randomised in 40 patients": the study population, not an outcome
        group = "alone" if match.group("alone") else "num"
        mention = Mention(start=match.start(group), end=match.end(), value=float(match.group(group)),
                          statistic="count", rule="count_of_people")
        if match.group("den"):
            mention.n = int(match.group("den"))
        hint = COUNT_SUBJECT.search(text, max(start, match.start() - 60), match.start())
        if hint:
            mention.measure_hint = hint.group("subject")
        yield mention


def _percent_n(text: str, match: re.Match, start: int, end: int) -> int | None:
    """N of "n/N (x%)", "x% (n/N)" or "n of N patients (x%)"."""
    after = FRACTION.match(text, match.end() + 2 if text[match.end() : match.end() + 2].strip() in ("(", "[", "") else match.end())
    window_after = text[match.end() : min(end, match.end() + 14)]
    frac = FRACTION.search(window_after)
    if frac and window_after[: frac.start()].strip(" ([,;") == "":
        return int(frac.group("den"))
    window_before = text[max(start, match.start() - 40) : match.start()]
    frac = None
    for frac in FRACTION.finditer(window_before):
        pass
    if frac and PEOPLE_BEFORE_PERCENT.fullmatch(window_before[frac.end() :]):
        return int(frac.group("den"))
    of = None
    for of in N_OF_N.finditer(window_before):
        pass
    if of and re.fullmatch(r"[\s\w]*[(\[,]?\s*", window_before[of.end() :]):
        return int(of.group("den"))
    return after and None


def _bare_mean_mentions(text: str, start: int, end: int, taken: list[tuple[int, int]], timepoints: list[Timepoint]):
    """Bare numbers read as means: after a mean cue in the clause, or in "a vs b" comparisons."""
    # A time amount reported as the value of a duration ("times were 39 and 32 days",
    # "9.7 months vs 5.8 months") is a value, not a timepoint.
    durations = [tp for tp in timepoints if DURATION_VALUE.search(text, max(start, tp.start - 40), tp.start)
                 or _reported_duration(text, _clause_start(text, start, tp.start), tp)]
    blocked = taken + [(tp.start, tp.end) for tp in timepoints if tp not in durations]
    numbers = [m for m in BARE_NUMBER.finditer(text, start, end)
               if all(m.end() <= s or m.start() >= e for s, e in blocked) and _plausible_outcome_number(text, m, start)]
    for i, match in enumerate(numbers):
        clause = text[_clause_start(text, start, match.start()) : match.start()]
        partner = _versus_partner(text, numbers, i) or _respectively_list(text, numbers, i, end)
        cues = list(MEAN_CUE.finditer(clause))
        cue = cues[-1] if cues else None
        if CHANGE_BY.search(text, max(start, match.start() - 40), match.start()) or POINT_CHANGE.match(text, match.end()):
            mention = _mention(match, "mean", "bare_change")
            mention.kind = "change"
            yield mention
            continue
        # demographics near the cue or in the number's own phrase: "follow-up for a median of 13 months",
        # "the mean age was 45" (but not "disease duration was 9.5 years, and baseline DAS28 was 4.53")
        near = clause[max(clause.rfind(",") + 1, (cue.start() - 30) if cue else 0) :]
        if (cue or partner) and not DEMOGRAPHIC_CUE.search(near):
            statistic = "median" if cue and cue.group(0).lower() == "median" else "mean"
            yield _mention(match, statistic, "bare_mean_cue" if cue else "bare_versus")


def _plausible_outcome_number(text: str, match: re.Match, start: int) -> bool:
    after = text[match.end() : match.end() + 16]
    before = text[max(start, match.start() - 12) : match.start()]
    if DOSE_CONTEXT.match(after) or re.match(r"\s*(?:patients|subjects|participants|cases|women|men|children|of\b|out of)", after, re.I):
        return False
    if re.search(r"(?:\bn\s*=|\bgrade|\bstage|\bphase|\btype|\bNCT|\bcycles?|\bno\.|\bversion|\baged?)\s*$", before, re.I):
        return False
    value = match.group(0)
    return not re.fullmatch(r"(?:19|20)\d\d", value)


def _reported_duration(text: str, clause_start: int, tp: Timepoint) -> bool:
    """"The mean times were 231.2 days in A and 227.8 days in B": time amounts reported under a mean cue."""
    before = text[clause_start : tp.start]
    cue = MEAN_ONLY_CUE.search(before)
    return bool(cue) and re.search(r"\b(?:was|were)\b", before[cue.end() :]) is not None and not re.search(
        r"\b(?:at|after|by|on|from|to|within|for|during|over|until)\s+(?:the\s+)?$", before
    )


def _respectively_list(text: str, numbers: list[re.Match], i: int, end: int) -> bool:
    """True when number ``i`` is in a list "was a, b and c, respectively" of values."""
    j = i
    while j + 1 < len(numbers) and RESPECTIVELY_LIST.match(text[numbers[j].end() : numbers[j + 1].start()]):
        j += 1
    k = i
    while k > 0 and RESPECTIVELY_LIST.match(text[numbers[k - 1].end() : numbers[k].start()]):
        k -= 1
    if j == k:
        return False
    tail = text[numbers[j].end() : min(end, numbers[j].end() + 40)]
    head = text[max(0, numbers[k].start() - 12) : numbers[k].start()]
    return bool(re.match(r"[^.;(]{0,25}\brespectively\b", tail)) and bool(re.search(r"(?:\bwas|\bwere|:|=)\s*$", head))


def _versus_partner(text: str, numbers: list[re.Match], i: int) -> bool:
    """True when number ``i`` and a neighbour are compared with vs/versus/compared with."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(numbers):
            a, b = sorted((numbers[i], numbers[j]), key=lambda m: m.start())
            if VERSUS.match(text[a.end() : b.start()]):
                return True
    return False


def _mention(match: re.Match, statistic: str, rule: str, **extra) -> Mention:
    value_start = match.start("value")
    end = match.end()
    while end > value_start and match.string[end - 1].isspace():
        end -= 1  # evidence ends at the last printed character
    mention = Mention(start=value_start, end=end, value=to_float(match.group("value")),
                      statistic=statistic, rule=rule, **extra)
    if "open" in match.re.groupindex and match.group("open"):
        mention.start = match.start()
    return mention


def _interval(match: re.Match, statistic: str, rule: str) -> Mention:
    mention = _mention(match, statistic, rule, low=to_float(match.group("low")), high=to_float(match.group("high")))
    if match.group("unit1"):
        mention.unit = "%"
    elif "unitw" in match.re.groupindex and match.group("unitw"):
        mention.unit = match.group("unitw")
    return mention


# --- 2. timepoints ------------------------------------------------------------


def _gap_cost(gap: str) -> int:
    """Characters between a value and a timepoint that are not units, brackets or prepositions."""
    unit = UNIT.match(gap)
    if unit:
        gap = gap[unit.end() :]
    return len(GAP_FILLER.sub("", gap))


def assign_timepoints(text: str, start: int, end: int, mentions: list[Mention], context: Timepoint | None,
                      timepoints: list[Timepoint]) -> Timepoint | None:
    """Give each mention its timepoint; return the context timepoint for the next sentences."""
    timepoints = [tp for tp in timepoints if all(tp.end <= m.start or tp.start >= m.end for m in mentions)]
    opener = _opening_timepoint(text, start, timepoints, mentions)
    sentence_context = opener or context
    pairs = []
    for tp in timepoints:
        before = [m for m in mentions if m.end <= tp.start]
        after = [m for m in mentions if m.start >= tp.end]
        if before:
            gap = text[before[-1].end : tp.start]
            pairs.append((_gap_cost(gap), len(gap), before[-1], tp))
        if after and not FROM_CUE.search(text, max(start, after[0].start - 12), after[0].start):
            # the "from" value of "At 3 months, ALT fell from a to b" is the baseline, not the 3-month value
            gap = text[tp.end : after[0].start]
            pairs.append((_gap_cost(gap), len(gap), after[0], tp))
    used: set[int] = set()
    # Cheapest first; equal costs go to the tighter layout ("at week 2 (474±61)" over ") U/L, 1 month").
    for cost, _, mention, tp in sorted(pairs, key=lambda p: (p[0], p[1])):
        if cost <= 20 and mention.timepoint is None and tp.start not in used:
            mention.timepoint = tp
            used.add(tp.start)
    _mark_references(text, start, mentions)
    _clause_subject_timepoints(text, start, timepoints, mentions)
    first = mentions[0].start if mentions else end
    stated = {tp.days: tp for tp in timepoints if tp.end <= first and tp.label != "baseline"}
    if len(stated) == 1:
        shared = next(iter(stated.values()))
        for mention in mentions:
            if mention.timepoint is None and not mention.baseline:
                mention.timepoint = shared  # parallel clauses of one sentence share its single timepoint
    for mention in mentions:
        if mention.timepoint is None and not mention.baseline and sentence_context is not None:
            mention.timepoint = sentence_context
    return _carried(text, opener) or context


def _clause_subject_timepoints(text: str, start: int, timepoints: list[Timepoint], mentions: list[Mention]) -> None:
    """A timepoint in a clause's subject ("baseline DAS28 was 4.53") dates the clause's values."""
    by_clause: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_clause.setdefault(_clause_start(text, start, mention.start), []).append(mention)
    for clause_start, run in by_clause.items():
        subject = [tp for tp in timepoints if clause_start <= tp.start and tp.end <= run[0].start]
        anchor = max([m.end for m in mentions if m.end <= run[0].start], default=clause_start)
        subject = [tp for tp in subject if tp.start >= anchor]
        if len({tp.days for tp in subject}) != 1:
            continue
        for mention in run:
            if mention.timepoint is None:
                mention.timepoint = subject[0]
                mention.baseline = subject[0].label == "baseline"


def _carried(text: str, opener: Timepoint | None) -> Timepoint | None:
    """An opener that dates the following sentences too: "After 3 months of follow-up, ..." (not "At 12 weeks, ...")."""
    if opener is not None and FOLLOW_UP_OPENER.match(text, opener.end):
        return opener
    return None


def _opening_timepoint(text: str, start: int, timepoints: list[Timepoint], mentions: list[Mention]) -> Timepoint | None:
    """A timepoint that opens the sentence ("After 3 months of follow-up, ...")."""
    if not timepoints or (mentions and mentions[0].start < timepoints[0].start):
        return None
    first = timepoints[0]
    if first.label != "baseline" and CONTEXT_OPENER.match(text[start : first.start]):
        return first
    return None


def _mark_references(text: str, start: int, mentions: list[Mention]) -> None:
    """Baselines: the "from" values of "from a (, b and c) to ...", and the reference of a single-group "a vs b"."""
    in_from_list = False
    for i, mention in enumerate(mentions):
        gap = text[mentions[i - 1].end : mention.start] if i else ""
        if mention.timepoint is not None:
            mention.baseline = mention.timepoint.label == "baseline"
            in_from_list = False
            continue
        before = text[max(start, mention.start - 12) : mention.start]
        if FROM_CUE.search(before) and i + 1 < len(mentions):
            mention.baseline = in_from_list = True
        elif in_from_list and not TO_CUE.search(gap) and i + 1 < len(mentions):
            mention.baseline = True
        elif i > 0 and VERSUS.match(gap):
            in_from_list = False
            clause = text[_clause_start(text, start, mention.start) : mention.end]
            if not GROUP_WORD.search(clause) and mentions[i - 1].timepoint is not None:
                mention.baseline = True
        else:
            in_from_list = False
        if mention.baseline:
            mention.timepoint = Timepoint(mention.start, mention.start, "baseline", 0)


# --- 3. p-values -------------------------------------------------------------------


def assign_p_values(text: str, start: int, end: int, mentions: list[Mention]) -> None:
    """Attach each p-value (or list of p-values) to the values it reports on."""
    groups = _p_groups(text, start, end)
    previous = start
    for group in groups:
        first, last = group[0], group[-1]
        scope = [m for m in mentions if previous <= m.start < first.start() and m.p is None and not m.baseline]
        previous = last.end()
        if not scope:
            continue
        values = [(_p_op(m.group("op")), p_float(m.group("value"))) for m in group]
        values = [(op, value) for op, value in values if value is not None]
        if not values:
            continue
        lead = text[max(start, first.start() - 30) : first.start()]
        if len(values) > 1:
            for mention, p in zip(scope, values):
                mention.p = p
        elif P_ALL_CUE.search(lead):
            for mention in scope:
                mention.p = values[0]
        else:
            scope[0].p = values[0]


def _p_groups(text: str, start: int, end: int) -> list[list[re.Match]]:
    """p-values, with those listed together ("p = 0.030 and p = 0.036") grouped."""
    groups: list[list[re.Match]] = []
    for match in P_VALUE.finditer(text, start, end):
        if groups and re.fullmatch(r"[\s,;]*(?:and)?[\s,;]*", text[groups[-1][-1].end() : match.start()]):
            groups[-1].append(match)
        else:
            groups.append([match])
    return groups


def _p_op(op: str) -> str:
    op = op.lower()
    return {"≤": "<=", "=<": "<=", "≥": ">=", "&lt;": "<", "&l;": "<", "&gt;": ">", "&g;": ">"}.get(op, op)


# --- 4. measures ---------------------------------------------------------------------


def _clause_start(text: str, start: int, position: int) -> int:
    """Start of the clause holding ``position``; breaks inside brackets ("(DAS28; using ESR)") do not count."""
    breaks = _clause_breaks(text, start)
    index = bisect_right(breaks, position) - 1
    return breaks[index] if index >= 0 else start


@lru_cache(maxsize=64)
def _clause_breaks(text: str, start: int) -> list[int]:
    """Clause-break ends after ``start`` outside brackets, computed once per sentence (str hashes are cached)."""
    breaks = []
    depth = 0
    last = start
    for match in CLAUSE_BREAK.finditer(text, start, min(len(text), start + 4000)):
        chunk = text[last : match.start()]
        depth = max(0, depth + chunk.count("(") + chunk.count("[") - chunk.count(")") - chunk.count("]"))
        last = match.start()
        if depth == 0:
            breaks.append(match.end())
    return breaks


def assign_measures(text: str, start: int, mentions: list[Mention], abbreviations: dict[str, Abbreviation], previous: str | None) -> str | None:
    """Name each mention's measure; return the last measure named (for the next sentence).

    A clause's subject names the measure of its values; within a clause a new
    subject after "and"/"," ("... (p = .05) and DAS28 changes were −1.6 ± 1.5")
    starts a new measure; values without a subject inherit the last one.
    """
    current = previous
    runs: list[tuple[int, list[Mention]]] = []
    for i, mention in enumerate(mentions):
        clause_start = _clause_start(text, start, mention.start)
        if runs and runs[-1][0] == clause_start and not _new_subject(text[mentions[i - 1].end : mention.start]):
            runs[-1][1].append(mention)
        else:
            anchor = clause_start if not runs or runs[-1][0] != clause_start else mentions[i - 1].end
            runs.append((anchor, [mention]))
    for anchor, run in runs:
        phrase = _measure_phrase(text, anchor, run[0].start)
        if phrase is None or POPULATION_PHRASE.fullmatch(phrase):
            phrase = _measure_after(text, run[-1].end) or phrase
        if phrase is None and current is None:
            phrase = _measure_phrase(text, start, run[0].start)
        if phrase is None:
            for mention in run:
                mention.measure = current
            continue
        current = phrase
        parts = _split_measures(phrase, run, text[start : run[-1].end + 80])
        defined = _defined_short_forms(text[anchor : run[0].start], phrase, abbreviations)
        for i, mention in enumerate(run):
            mention.measure = parts[i % len(parts)]
            mention.aliases = list(defined)
    for mention in mentions:
        if mention.measure_hint:
            mention.measure = _clean_measure(mention.measure_hint) or mention.measure
        if mention.measure:
            mention.measure, expanded_aliases = _expand(mention.measure, abbreviations)
            mention.aliases = list(dict.fromkeys([*expanded_aliases, *mention.aliases]))
        if CHANGE_CUE.search(mention.measure or "") and mention.statistic != "percent":
            mention.kind = "change"
    return current


#: Chinese links between a measure and its values: "由" (from), "为" (was), "降至" (fell to), "升至" (rose to).
CJK_VERB = re.compile(r"由|从|为|是|降至|升至|下降|升高|降低|增加|减少|分别")
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
#: Chinese words around a timepoint that are not part of a measure: "治疗后" (after treatment), "移植后".
CJK_TIME_FILLER = re.compile(r"^(?:治疗|移植|输注|注射|干预|术)?[后前]")
#: A section heading with its name: "Background and aim:", "RESULTS:", "Objective ".
SECTION_HEADING = re.compile(
    r"\W*(?P<name>background|introduction|context|rationale|objectives?|aims?|purpose|methods?|materials|design|setting|"
    r"participants|patients|interventions?|measurements|results?|findings|conclusions?|interpretation)\b(?:\s+and\s+aims?)?\s*[:.\-–]?",
    re.IGNORECASE,
)
#: Section names whose numbers are context rather than results.
BACKGROUND_SECTIONS = ("background", "introduction", "context", "rationale")
#: A section heading opening a sentence: "Results:", "METHODS", "Findings -".
HEADING = re.compile(
    r"^\W*(?:background|objectives?|aims?|purpose|methods?|materials|design|setting|results?|findings|conclusions?|interpretation)\b\s*[:.\-–]?\s*",
    re.IGNORECASE,
)
#: A subject ending in a count of people: "Thirteen out of 15 patients [", "10 of 12 patients (".
COUNTED_PEOPLE_END = re.compile(r"\b(?:of|out of)\s+(?:the\s+)?\d+\s+(?:patients|subjects|participants|cases)\W*$|\b\d+\s+(?:patients|subjects|participants)\W*$", re.IGNORECASE)
#: Subjects that name people or nothing, not a measure: "the two groups", "there", "patients".
NOT_A_MEASURE = re.compile(
    r"(?:the\s+)?(?:two\s+|three\s+|both\s+|all\s+|these\s+)?(?:groups?|arms?|patients|subjects|participants|cohorts?|"
    r"there|it|we|they|this|these|which|that)",
    re.IGNORECASE,
)
#: A subject that counts people rather than naming a measure: "10 of 12 patients", "all participants".
POPULATION_PHRASE = re.compile(
    r"(?:\S+\s+(?:out\s+)?of\s+)?(?:the\s+|all\s+|\d+\s+)?(?:\w+\s+)?(?:patients|subjects|participants|cases|people|children|women|men)",
    re.IGNORECASE,
)
#: What people "had", "achieved" or "showed" after their count: "(83%) had complete healing".
MEASURE_AFTER = re.compile(
    r"[\s)\]]*(?:of\s+(?:the\s+)?(?:patients|subjects|participants)\s+)?"
    r"(?:(?:treated|receiving|given)\s+(?:with\s+)?[\w\-]+\s+)?(?:had|achieved|showed|developed|experienced|reached|attained|maintained|were|was)\s+"
    r"(?:a\s+|an\s+)?(?P<measure>[A-Za-z][\w\-' ]{2,60}?)(?=\s*(?:[,.;(\[]|\bat\b|\bafter\b|\bby\b|\bwithin\b|\band\b|$))",
    re.IGNORECASE,
)


def _measure_after(text: str, position: int) -> str | None:
    """The measure named after a count of people: "10 of 12 patients (83%) had complete healing"."""
    match = MEASURE_AFTER.match(text, position)
    return _clean_measure(match.group("measure")) if match else None


def _defined_short_forms(segment: str, phrase: str, abbreviations: dict[str, Abbreviation]) -> list[str]:
    """Aliases from "(SF)" definitions inside the measure phrase: "revised ALS functional rating scale
    (ALSFRS-R) score" gives "ALSFRS-R" and "ALSFRS-R score"."""
    aliases: list[str] = []
    for match in re.finditer(r"[(\[]\s*([^()\[\];,\s]{2,12})\s*[)\];,]", segment):
        short = match.group(1)
        abbreviation = abbreviations.get(short)
        if abbreviation is None:
            continue
        aliases.append(short)
        tail = segment[match.end() :].strip()
        tail = tail.split()[0] if tail.split() else ""
        if tail and phrase.lower().endswith(tail.lower()) and MEASURE_NOUN.fullmatch(tail):
            aliases.append(f"{short} {tail}")
    return aliases


#: Head nouns that follow an abbreviation inside a measure name: "(ALSFRS-R) score".
MEASURE_NOUN = re.compile(r"(?:scores?|levels?|index|scale|ratio|rate|count|values?|concentrations?)", re.IGNORECASE)


def _new_subject(gap: str) -> bool:
    """True when the text between two values opens a clause with a subject of its own."""
    match = NEW_SUBJECT.search(gap)
    return bool(match) and not WEAK_WORDS.fullmatch(match.group("subject").strip())


def _measure_phrase(text: str, clause_start: int, value_start: int) -> str | None:
    """The measure a clause reports: its subject, or the noun phrase after the verb when the
    subject only names the people ("The two groups had similar CRP levels (...)")."""
    segment = P_VALUE.sub(" ", text[clause_start:value_start])
    segment = HEADING.sub("", segment, count=1)
    new = NEW_SUBJECT.search(segment)
    if new and not WEAK_WORDS.fullmatch(new.group("subject").strip()):
        segment = segment[new.start("subject") :]
    cjk = CJK_VERB.search(segment)
    if cjk and CJK_CHAR.search(segment):
        return _clean_measure(segment[: cjk.start()])
    verbs = list(MEASURE_VERB.finditer(segment))
    if not verbs:
        return None if COUNTED_PEOPLE_END.search(segment) else _clean_measure(segment)
    if COUNTED_PEOPLE_END.search(segment[: verbs[0].start()]):
        return None  # "Thirteen out of 15 patients [87%] ...": the measure follows the value
    subject = _clean_measure(segment[: verbs[0].start()])
    predicate = segment[verbs[-1].end() :]
    if subject is None or NOT_A_MEASURE.fullmatch(subject) or MEASURE_HEAD.search(predicate):
        return _clean_measure(predicate) or subject
    return subject


def _clean_measure(phrase: str) -> str | None:
    phrase = re.sub(r"[(\[][^()\[\]]*[)\]]", " ", phrase)  # parentheticals: definitions, counts, p-values
    for tp in reversed(find_timepoints(phrase)):
        phrase = phrase[: tp.start] + phrase[tp.end :]
    phrase = re.sub(r"\b(?:at|after|on|by|from|before|during|within)\s+(?:the\s+)?(?=[\s,;]*$)", " ", phrase, flags=re.I)
    phrase = MEASURE_MODIFIER.sub("", phrase)
    if CJK_CHAR.search(phrase):
        phrase = CJK_TIME_FILLER.sub("", phrase.rsplit("，", 1)[-1].strip()).strip()
    if "," in phrase:
        phrase = phrase.rsplit(",", 1)[1] if phrase.rsplit(",", 1)[1].strip() else phrase
    phrase = re.sub(r"\s+", " ", phrase).strip()
    for _ in range(6):
        stripped = MEASURE_LEAD.sub("", phrase, count=1)
        stripped = MEASURE_TAIL.sub("", stripped, count=1).strip()
        if stripped == phrase:
            break
        phrase = stripped
    phrase = re.sub(r"\s*[(\[]\s*$|^\s*[)\]]\s*", "", phrase).strip(" ,;:-")
    words = phrase.split()
    if not words or not re.search(r"[A-Za-z\u4e00-\u9fff]", phrase):
        return None
    return " ".join(words[-MAX_MEASURE_WORDS:])


def _split_measures(phrase: str, run: list[Mention], sentence: str) -> list[str]:
    """"X and Y" with values in multiples of two, "respectively" or in grouped brackets: distribute."""
    head_match = re.match(r"(.*\b(?:of|in)\s+)(.+)$", phrase)
    head, listed = (head_match.group(1), head_match.group(2)) if head_match else ("", phrase)
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed) if p.strip()]
    if len(parts) < 2 or len(run) % len(parts) or len(run) < len(parts):
        return [phrase]
    if "respectively" not in sentence and len(run) == len(parts):
        return [phrase]
    return [head + part for part in parts]


def _replace_word(text: str, word: str, replacement: str) -> str:
    """Replace the first whole-word occurrence of ``word`` (string search, no regex compile per word)."""
    position = text.find(word)
    while position != -1:
        before = text[position - 1] if position else " "
        after = text[position + len(word)] if position + len(word) < len(text) else " "
        if not (before.isalnum() or before in "-_") and not (after.isalnum() or after in "-_"):
            return text[:position] + replacement + text[position + len(word) :]
        position = text.find(word, position + 1)
    return text


def _expand(measure: str, abbreviations: dict[str, Abbreviation]) -> tuple[str, list[str]]:
    """Replace defined short forms by their long forms; keep the originals as aliases."""
    aliases: list[str] = []
    expanded = measure
    for word in re.findall(r"[\w\-/%+]+", measure):
        abbreviation = abbreviations.get(word)
        if abbreviation and abbreviation.long.lower() not in expanded.lower():
            expanded = _replace_word(expanded, word, abbreviation.long)
            aliases.append(word)
    if expanded != measure:
        aliases.insert(0, measure)
    return expanded, aliases


# --- groups ----------------------------------------------------------------------

#: An arm named in the text: "the MSC group", "control group", "MSC-NP group", "placebo arm".
GROUP_PHRASE = re.compile(
    r"\b(?P<label>(?:(?!the\b|two\b|both\b|each\b|all\b|three\b|either\b|between\b|in\b|and\b|than\b)[A-Za-z0-9][\w\-+/.]*\s+){1,3}?(?:group|arm|cohort))\b(?!s)",
    re.IGNORECASE,
)


#: Between a value and the group it belongs to: " in the ", ") for the ", " mmol/L in the ".
GROUP_GAP = re.compile(r"[\s)\]%]*(?:[A-Za-zµμ/]+\s+)?(?:in|for|among|with|of)\s+(?:the\s+)?", re.IGNORECASE)


def assign_groups(text: str, start: int, end: int, mentions: list[Mention]) -> None:
    """Label values with the arm they belong to.

    Arms named before each bracket of values label the values that follow
    ("in the A group (x and y) compared to the B group (z and w)"); arms named
    together before a comparison label its values in order ("lower in the A
    group than in the B group (x vs y)"), and a later clause of the sentence
    comparing the same number of values ("and albumin was higher (x vs y)")
    follows the same order.
    """
    order: list[str] = []
    for clause_start, run in _runs_by_clause(text, start, mentions):
        window_end = min(end, run[-1].end + 80)
        phrases = [(m.start(), m.group("label")) for m in GROUP_PHRASE.finditer(text, clause_start, window_end)]
        labels = list(dict.fromkeys(label for _, label in phrases))
        values = [m for m in run if m.statistic != "count"]
        following = [_group_right_after(text, m, phrases) for m in values]
        if len(set(following) - {None}) >= 2:
            # "−1.2 (SD 0.8) in the MSC group versus −0.4 (SD 0.7) in the placebo group"; a value without its
            # own ("from 9.8 ± 2.1 to 7.6 ± 1.8 in the MSC group") belongs to the group named after the next one
            carried = None
            for mention, label in reversed(list(zip(values, following))):
                carried = label or (carried if mention.baseline else None)
                mention.group = carried
            order = labels
            continue
        if len(labels) >= 2:
            nearest = [max(((p, l) for p, l in phrases if p < m.start), default=(None, None))[1] for m in values]
            if len(set(nearest) - {None}) >= 2 and None not in nearest:
                for mention, label in zip(values, nearest):
                    mention.group = label
                order = labels
                continue
            if len(values) % len(labels) == 0:
                for i, mention in enumerate(values):
                    mention.group = labels[i % len(labels)]
                order = labels
                continue
        if order and values and len(values) % len(order) == 0 and not labels:
            for i, mention in enumerate(values):
                mention.group = order[i % len(order)]


def _group_right_after(text: str, mention: Mention, phrases: list[tuple[int, str]]) -> str | None:
    """The group named right after a value: "... (SD 0.8) in the MSC group"."""
    for position, label in phrases:
        if position >= mention.end and GROUP_GAP.fullmatch(text[mention.end : position]):
            return label
    return None


def _runs_by_clause(text: str, start: int, mentions: list[Mention]) -> list[tuple[int, list[Mention]]]:
    runs: dict[int, list[Mention]] = {}
    for mention in mentions:
        runs.setdefault(_clause_start(text, start, mention.start), []).append(mention)
    return list(runs.items())


# --- units, n, assembly ------------------------------------------------------------


def assign_units_and_n(text: str, start: int, end: int, mentions: list[Mention]) -> None:
    """Units written after each value; one "(n = N)" in a sentence applies to its values."""
    for mention in mentions:
        if mention.unit is None:
            unit = UNIT.match(text, mention.end, min(end, mention.end + 20))
            if unit and not re.match(r"\s*(?:to|and|vs)\b", text[mention.end : mention.end + 5]):
                mention.unit = re.sub(r"\s+", "", unit.group("unit"))
    counts = list(N_EQUALS.finditer(text, start, end)) if "n" in text[start:end].lower() else []
    if len(counts) == 1:
        group_before = re.search(r"\b(?:group|arm|cohort|placebo|control)\s*$", text[max(start, counts[0].start() - 20) : counts[0].start()], re.I)
        if not group_before:
            for mention in mentions:
                if mention.statistic != "percent" and mention.n is None:
                    mention.n = int(counts[0].group("n"))


def _unit_of(mentions: list[Mention]) -> str | None:
    units = [m.unit for m in mentions if m.unit and m.unit not in ("days", "weeks", "months", "years") or (m.unit and m.statistic == "mean")]
    return units[0] if units else None


def build_outcomes(text: str, mentions: list[Mention]) -> tuple[dict, ...]:
    """Group mentions by measure into exchange-format outcomes with evidence."""
    by_measure: dict[str, list[Mention]] = {}
    names: dict[str, Mention] = {}
    for mention in mentions:
        if not mention.measure:
            continue
        key = re.sub(r"\W+", " ", mention.measure.lower()).strip()
        by_measure.setdefault(key, []).append(mention)
        names.setdefault(key, mention)
    outcomes = []
    for key, group in by_measure.items():
        unit = _unit_of(group)
        values, seen = [], set()
        for mention in group:
            identity = (mention.value, mention.spread, mention.low, mention.high, mention.statistic)
            if mention.baseline and identity in seen:
                continue  # a baseline restated in each comparison is listed once
            if mention.baseline:
                seen.add(identity)
            values.append(_value_dict(text, mention))
        first = names[key]
        aliases = list(dict.fromkeys(a for m in group for a in m.aliases))
        outcomes.append({"measure": first.measure, "aliases": aliases, "unit": unit, "values": values})
    return tuple(outcomes)


def _value_dict(text: str, mention: Mention) -> dict:
    tp = mention.timepoint
    return {
        "group": mention.group,
        "timepoint": tp.label if tp else None,
        "days": tp.days if tp else None,
        "kind": mention.kind,
        "statistic": mention.statistic,
        "value": mention.value,
        "spread": mention.spread,
        "low": mention.low,
        "high": mention.high,
        "n": mention.n,
        "p": {"op": mention.p[0], "value": mention.p[1]} if mention.p else None,
        "evidence": Span.of(text, mention.start, mention.end, rule=mention.rule, field="outcomes"),
    }


def extract_outcomes(doc: Doc) -> tuple[dict, ...]:
    """Every numeric outcome value in ``doc``, grouped by measure, each with its evidence span."""
    text = doc.user_data.get("text") or doc.text
    abbreviations = doc.user_data.get("abbreviations", {})
    context: Timepoint | None = None
    measure: str | None = None
    mentions: list[Mention] = []
    sentences = list(_sentences(doc))
    for start, end in _background_sentences(text, sentences):
        sentences.remove((start, end))
    for start, end in sentences:
        if "\n\n" in text[start:end]:
            context = None
        if not DIGIT.search(text, start, end) and not OPENER_WORD.match(text, start):
            continue  # no value and no "After three months, ..." opener
        found = find_mentions(text, start, end)
        if not found:
            if OPENER_WORD.match(text, start):
                context = _carried(text, _opening_timepoint(text, start, find_timepoints(text, start, end), [])) or context
            continue
        timepoints = find_timepoints(text, start, end)
        context = assign_timepoints(text, start, end, found, context, timepoints)
        assign_p_values(text, start, end, found)
        assign_units_and_n(text, start, end, found)
        measure = assign_measures(text, start, found, abbreviations, measure)
        assign_groups(text, start, end, found)
        mentions.extend(found)
    return build_outcomes(text, mentions)


#: Sentence ends the tokenizer misses in run-together text: "groups.(2)The", "treatment.Previous".
RUN_ON_BREAK = re.compile(
    r"(?<=[a-z0-9%)\]])\.(?=\(\d+\)|（\d+）|[A-Z][a-z]{2,})|(?<=[a-z)\]])\s*(?=\(\d+\)\s*[A-Za-z])|。"
)
#: Abbreviations whose period is not a sentence end: "St.George", "Dr.Smith", "vs.Placebo".
NOT_A_BREAK = re.compile(r"(?:\b(?:St|Dr|Mr|Ms|Mrs|vs|al|No|Fig|Ref|approx)|\b[A-Z])$")


def _background_sentences(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of a structured abstract's Background section: context, not this study's results.

    Only a Background closed by a later heading counts, so an abstract whose one
    heading is "Background/Objective:" keeps all its sentences.
    """
    headings = [(i, SECTION_HEADING.match(text, start)) for i, (start, _) in enumerate(sentences)]
    headings = [(i, m.group("name").lower()) for i, m in headings if m]
    skipped: list[tuple[int, int]] = []
    for (i, name), (j, _) in zip(headings, headings[1:]):
        if name.startswith(BACKGROUND_SECTIONS):
            skipped.extend(sentences[i:j])
    return skipped


def _sentences(doc: Doc):
    """Sentence spans of ``doc``, with run-together sentences split."""
    text = doc.user_data.get("text") or doc.text
    for sent_start, sent_end in sentence_spans(doc):
        start = sent_start
        if any(mark in text[sent_start:sent_end] for mark in ".(。"):
            for match in RUN_ON_BREAK.finditer(text, sent_start, sent_end):
                if NOT_A_BREAK.search(text[max(sent_start, match.start() - 8) : match.start()]):
                    continue
                if match.end() > start:
                    yield start, match.end()
                    start = match.end()
        yield start, sent_end
