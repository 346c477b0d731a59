"""Timepoint phrases: where they stand in the text, as written and in days.

"baseline" is day 0; "one week after", "at week 2", "the fourth week",
"6-month", "24 hours after" and lists ("1, 3 and 5 years") give one
``Timepoint`` per amount. Durations ("for 4 weeks", "every two months") and
ages are not timepoints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.nlp.patterns import (
    BASELINE,
    BASELINE_CJK,
    TIMEPOINT_CJK,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    TIMEPOINT_AMOUNT,
    TIMEPOINT_LIST,
    TIMEPOINT_ORDINAL,
    TIMEPOINT_UNIT_FIRST,
    UNIT_DAYS,
)

#: Words before a time phrase that make it a duration or an age, not a timepoint: "for 4 weeks", "aged 18 years";
#: a slash makes it a unit's denominator: "g/24 h".
NOT_TIMEPOINT_BEFORE = re.compile(
    r"/\s?$|(?:\b(?:age|duration|history)\b[^.;,]{0,30}\b(?:was|were|of|is)(?:\s+about)?|\bfor|\bevery|\bper|\bover|\beach|\bduring|\baged?|\bmedian|\bmean|\bup to|\bwithin|\blasting|\bx|×|\bthan)\s+(?:the\s+)?(?:first\s+|last\s+|next\s+|additional\s+|a total of\s+)?$",
    re.IGNORECASE,
)
#: Words after a time phrase that make it a duration or an age: "4 weeks apart", "18 years old", "6 months of age".
NOT_TIMEPOINT_AFTER = re.compile(r"^\s*(?:old|of age|apart|interval|intervals|duration|earlier|prior|ago|course|regimen|period)\b", re.IGNORECASE)


#: A short duration joined to the next word by a hyphen, naming a measure ("24-hour urine protein",
#: "6-minute walk"), unlike "6-month follow-up"; with ``NOUN_AFTER``, the word that follows it.
MEASURE_COMPOUND = re.compile(r"\d+-(?:hours?|hrs?|h|minutes?|mins?|seconds?|s)", re.IGNORECASE)
NOUN_AFTER = re.compile(r"\s+(?!(?:after|post|following|later|from|before|of|in|at|and|or)\b)[A-Za-z]")

#: A Chinese word right after a time, other than the ones that make it a time ("后" after, "时" at, "内" within).
CJK_NOUN_AFTER = re.compile(r"\s?(?![后前时内末起至])[\u4e00-\u9fff]")

#: Cheap gates, matched on lower-cased text: a time unit ("hour", "hrs", "wk", "24h", "3个月") or a
#: baseline word ("before", "pre", "at entry", "基线") must be present before the patterns run.
#: Each alternative opens with a literal character (a word boundary is checked behind it), so
#: ``re`` skips to candidate characters instead of trying every alternative at every position.
TIME_WORD = re.compile(
    r"[hdwmy\d](?:(?<=h)(?:our|(?<=\bh)rs?\b)|(?<=d)ay|(?<=w)(?:eek|(?<=\bw)ks?\b)|(?<=m)(?:onth|(?<=\bm)os?\b)"
    r"|(?<=y)(?:ear|(?<=\by)rs?\b)|(?<=\d)\s?(?:[hd](?![A-Za-z0-9_])|个月|月|周|天|日|年|小时))"
)
BASELINE_WORD = re.compile(r"baseline|before|pre|a(?<=\ba)t\s+(?:entry|enrol|admission|inclusion)|基线|前")


@dataclass(frozen=True, slots=True)
class Timepoint:
    """A timepoint phrase at ``text[start:end]``: normalised label ("2 weeks") and days."""

    start: int
    end: int
    label: str
    days: float | None


def unit_key(unit: str) -> str:
    """Canonical unit name for a time-unit spelling: "wks" -> "week", "h" -> "hour"."""
    unit = unit.lower().rstrip("s")
    return {
        "h": "hour", "hr": "hour", "hour": "hour", "d": "day", "day": "day", "wk": "week", "week": "week",
        "mo": "month", "month": "month", "yr": "year", "year": "year",
        "个月": "month", "月": "month", "周": "week", "天": "day", "日": "day", "年": "year", "小时": "hour",
    }.get(unit, unit)


def make_label(amount: float, unit: str) -> str:
    """'2 weeks', '1 month', '24 hours'."""
    shown = f"{amount:g}"
    return f"{shown} {unit}" if amount == 1 else f"{shown} {unit}s"


def _amount(word: str) -> float | None:
    word = word.lower().rstrip("-")
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    if word in ORDINAL_WORDS:
        return float(ORDINAL_WORDS[word])
    digits = re.match(r"\d+(?:\.\d+)?", word)
    return float(digits.group(0)) if digits else None


def _timepoint(start: int, end: int, amount: float | None, unit: str) -> Timepoint | None:
    key = unit_key(unit)
    if amount is None or key not in UNIT_DAYS:
        return None
    days = amount * UNIT_DAYS[key]
    return Timepoint(start, end, make_label(amount, key), round(days, 4))


def find_timepoints(text: str, start: int = 0, end: int | None = None) -> list[Timepoint]:
    """Every timepoint in ``text[start:end]``, in order, non-overlapping, offsets into ``text``."""
    end = len(text) if end is None else end
    found: list[Timepoint] = []
    window = text[start:end].lower()
    has_unit = TIME_WORD.search(window) is not None
    has_baseline = BASELINE_WORD.search(window) is not None
    if not (has_unit or has_baseline):
        return found
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def keep(match: re.Match) -> bool:
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if MEASURE_COMPOUND.fullmatch(match.group(0)) and NOUN_AFTER.match(after):
            return False  # "24-hour proteinuria", "6-minute walk distance": part of the measure's name
        if CJK_NOUN_AFTER.match(after):
            return False  # "24 h尿蛋白" (24-hour urine protein); not "7 d后" (after 7 days)
        return not NOT_TIMEPOINT_BEFORE.search(before) and not NOT_TIMEPOINT_AFTER.match(after)

    for match in TIMEPOINT_LIST.finditer(text, start, end) if has_unit else ():
        if not keep(match):
            continue
        for amount in re.finditer(r"\d+", match.group("amounts")):
            tp = _timepoint(match.start("amounts") + amount.start(), match.start("amounts") + amount.end(),
                            float(amount.group(0)), match.group("unit"))
            if tp:
                found.append(tp)
        taken.append((match.start(), match.end()))
    for pattern in (TIMEPOINT_ORDINAL, TIMEPOINT_UNIT_FIRST, TIMEPOINT_AMOUNT) if has_unit else ():
        for match in pattern.finditer(text, start, end):
            if not free(match.start(), match.end()) or not keep(match):
                continue
            word = match.groupdict().get("ordinal") or match.group("amount")
            tp = _timepoint(match.start(), match.end(), _amount(word), match.group("unit"))
            if tp:
                found.append(tp)
                taken.append((match.start(), match.end()))
    for match in TIMEPOINT_CJK.finditer(text, start, end) if has_unit else ():
        if free(match.start(), match.end()):
            tp = _timepoint(match.start(), match.end(), float(match.group("amount")), match.group("unit"))
            if tp:
                found.append(tp)
                taken.append((match.start(), match.end()))
    for pattern in (BASELINE, BASELINE_CJK) if has_baseline else ():
        for match in pattern.finditer(text, start, end):
            if free(match.start(), match.end()):
                found.append(Timepoint(match.start(), match.end(), "baseline", 0))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda tp: tp.start)
