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

from spacy.tokens import Doc

from extractor.nlp.findings import Span
from extractor.nlp.timepoints import Timepoint, find_timepoints
from extractor.nlp.outcomes.clauses import DIGIT, OPENER_WORD, background_sentences, split_sentences
from extractor.nlp.outcomes.mentions import Mention, find_mentions
from extractor.nlp.outcomes.attribution import (
    assign_groups,
    assign_p_values,
    assign_timepoints,
    assign_units_and_n,
    carried,
    opening_timepoint,
)
from extractor.nlp.outcomes.measures import assign_measures


#: A measure that is the follow-up itself ("The patients were followed up for (14.2±3.1) months"): the
#: design's follow-up, not an outcome.
FOLLOW_UP_MEASURE = re.compile(
    r"(?:(?:the\s+)?(?:patients|subjects|participants)\s+(?:were|was)\s+)?(?:mean\s+|median\s+)?"
    r"follow(?:ed)?[\s-]?up(?:\s+(?:period|time|duration))?(?:\s+(?:for|of|was|lasted))?",
    re.IGNORECASE,
)

#: Time words read after a value that name a duration unit only for a mean ("7.1 weeks"), not for a score.
TIME_UNIT_WORDS = frozenset({"days", "weeks", "months", "years"})


def _unit_of(mentions: list[Mention]) -> str | None:
    """The outcome's unit: the first unit written after one of its values."""
    units = [m.unit for m in mentions if m.unit and (m.unit not in TIME_UNIT_WORDS or m.statistic == "mean")]
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


def _share_pairs(mentions: list[Mention]) -> None:
    """A count written with its percentage ("13/14 (92.9%)") shares the percentage's time, arm and p-value."""
    pairs = [(a, b) for a, b in zip(mentions, mentions[1:]) if a.pair_end]
    pairs += [(b, a) for a, b in zip(mentions, mentions[1:]) if b.after_its_percent]
    for count, percent in pairs:
        count.timepoint = percent.timepoint = percent.timepoint or count.timepoint
        count.group = percent.group = percent.group or count.group
        count.p = percent.p = percent.p or count.p


def extract_outcomes(doc: Doc) -> tuple[dict, ...]:
    """Every numeric outcome value in ``doc``, grouped by measure, each with its evidence span."""
    text = doc.user_data.get("text") or doc.text
    abbreviations = doc.user_data.get("abbreviations", {})
    context: Timepoint | None = None
    measure: str | None = None
    mentions: list[Mention] = []
    sentences = list(split_sentences(doc))
    for start, end in background_sentences(text, sentences):
        sentences.remove((start, end))
    for start, end in sentences:
        if "\n\n" in text[start:end]:
            context = None
        if not DIGIT.search(text, start, end) and not OPENER_WORD.match(text, start):
            continue  # no value and no "After three months, ..." opener
        timepoints = find_timepoints(text, start, end)
        found = find_mentions(text, start, end, timepoints)
        if not found:
            if OPENER_WORD.match(text, start):
                context = carried(text, opening_timepoint(text, start, timepoints, [])) or context
            continue
        context = assign_timepoints(text, start, end, found, context, timepoints)
        assign_p_values(text, start, end, found)
        assign_units_and_n(text, start, end, found)
        measure = assign_measures(text, start, found, abbreviations, measure)
        if FOLLOW_UP_MEASURE.fullmatch(measure or ""):
            measure = None  # the next sentence's values are not the follow-up's
        assign_groups(text, start, end, found)
        _share_pairs(found)
        mentions.extend(m for m in found if not FOLLOW_UP_MEASURE.fullmatch(m.measure or ""))
    return build_outcomes(text, mentions)
