"""Stages 2 and 3: timepoints, baselines, p-values, units, n and arm labels of each mention."""

from __future__ import annotations

import re

from extractor.nlp.patterns import (
    CJK_ARM,
    FROM_CUE,
    N_EQUALS,
    P_ALL_CUE,
    P_VALUE,
    TIMEPOINT_LIST,
    TO_CUE,
    UNIT,
    VERSUS,
)
from extractor.nlp.grammar.forms import p_operator
from extractor.nlp.grammar.numbers import parse_p_value
from extractor.nlp.timepoints import Timepoint
from extractor.nlp.outcomes.clauses import clause_end_of, clause_start_of
from extractor.nlp.outcomes.mentions import Mention


#: Group words that make "a vs b" a comparison between arms rather than before-after.
GROUP_WORD = re.compile(r"\b(?:groups?|arms?|placebo|control|controls|cohorts?|versus the|compared with the)\b", re.IGNORECASE)

#: What may stand between a value and its timepoint: units, brackets, prepositions.
GAP_FILLER = re.compile(
    r"[\s\u00a0()\[\],]|\b(?:at|on|by|in|the|of|after|and|points?|%)\b",
    re.IGNORECASE,
)

#: A preposition right before a timepoint: "at ", "after the ", "by ".
TIME_PREPOSITION = re.compile(r"\b(?:at|after|on|by|in|during|within|over|to)\s+(?:the\s+)?$", re.IGNORECASE)

#: A timepoint phrase that holds its preposition: "at entry", "after treatment".
OPENS_WITH_PREPOSITION = re.compile(r"(?:at|after|on|by|in|during|within)\s", re.IGNORECASE)

#: A sentence-opening timepoint that sets the context of what follows: "After 3 months of follow-up,".
CONTEXT_OPENER = re.compile(r"^\W*(?:results?\W*)?(?:after|at|by|during)\s+(?:the\s+)?$", re.IGNORECASE)

#: What follows an opener that sets the time of the whole results: "of follow-up", "of treatment".
FOLLOW_UP_OPENER = re.compile(r"\s*(?:of\s+(?:the\s+)?)?(?:follow-?up|treatment|therapy|transplantation|infusion|intervention|observation)", re.IGNORECASE)


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
    opener = opening_timepoint(text, start, timepoints, mentions)
    sentence_context = opener or context
    # "5.5 ± 1.0 at baseline, 5.0 ± 1.2 at 6 months": a time after a preposition dates the value before it;
    # "at week 2 (474±61) U/L, 1 month (293±89)": a bare time dates the value after it (equal costs only)
    value_first = {tp.start: TIME_PREPOSITION.search(text, max(start, tp.start - 12), tp.start) is not None
                   or OPENS_WITH_PREPOSITION.match(text, tp.start) is not None  # "at entry"
                   for tp in timepoints}
    pairs = []
    for tp in timepoints:
        before = [m for m in mentions if m.end <= tp.start]
        after = [m for m in mentions if m.start >= tp.end]
        if before:
            gap = text[before[-1].end : tp.start]
            pairs.append((_gap_cost(gap), not value_first[tp.start], len(gap), before[-1], tp))
        if after and not FROM_CUE.search(text, max(start, after[0].start - 12), after[0].start):
            # the "from" value of "At 3 months, ALT fell from a to b" is the baseline, not the 3-month value
            gap = text[tp.end : after[0].start]
            pairs.append((_gap_cost(gap), value_first[tp.start], len(gap), after[0], tp))
    used: set[int] = set()
    # Cheapest first; equal costs go to the sentence's order, then to the tighter layout.
    for cost, _, _, mention, tp in sorted(pairs, key=lambda p: p[:3]):
        if cost <= 20 and mention.timepoint is None and tp.start not in used:
            mention.timepoint = tp
            used.add(tp.start)
    _listed_timepoints(text, start, end, timepoints, mentions)
    _mark_references(text, start, mentions)
    _clause_subject_timepoints(text, start, timepoints, mentions)
    first = mentions[0].start if mentions else end
    stated = {tp.days: tp for tp in timepoints if tp.end <= first and tp.label != "baseline"}
    if len(stated) == 1:
        shared = next(iter(stated.values()))
        for mention in mentions:
            if mention.timepoint is None:
                mention.timepoint = shared  # parallel clauses of one sentence share its single timepoint
    for mention in mentions:
        if mention.timepoint is None and sentence_context is not None:
            mention.timepoint = sentence_context
    return carried(text, opener) or context


def _listed_timepoints(text: str, start: int, end: int, timepoints: list[Timepoint], mentions: list[Mention]) -> None:
    """"The mean scores at 3 and 6 months were 3.9 ± 0.8 and 3.2 ± 0.7, respectively": a list of times
    before as many values, closed by "respectively", dates the values in order; so does a bracket of as many
    values after the times, before a reference ("at 1, 3 and 6 months (1.62, 1.41 and 1.33 vs 1.95)")."""
    if _listed_cjk_timepoints(text, start, end, timepoints, mentions):
        return
    close = text.lower().find("respectively", start, end)
    for listed in TIMEPOINT_LIST.finditer(text, start, close if close != -1 else end):
        times = [tp for tp in timepoints if listed.start() <= tp.start < listed.end()]
        if len(times) < 2:
            continue
        if close != -1:
            values = [m for m in mentions if listed.end() <= m.start < close]
        else:
            values = _bracketed_before_reference(text, listed.end(), end, mentions)
        if len(values) == len(times):
            for mention, tp in zip(values, times):
                mention.timepoint = tp
            return


#: Between two Chinese times of one list: "、", "和", "及".
CJK_TIME_JOIN = re.compile(r"\s*[、和及]\s*")


def _listed_cjk_timepoints(text: str, start: int, end: int, timepoints: list[Timepoint], mentions: list[Mention]) -> bool:
    """"治疗后4周、12周，治疗组ALB分别为a、b，对照组分别为c、d": each 分别 (respectively) dates its values with
    the listed times in order. Returns whether a list was applied."""
    if "分别" not in text[start:end]:
        return False
    times: list[Timepoint] = []
    for tp in timepoints:
        if times and CJK_TIME_JOIN.fullmatch(text, times[-1].end, tp.start):
            times.append(tp)
        elif len(times) < 2:
            times = [tp]
    if len(times) < 2:
        return False
    applied = False
    position = times[-1].end
    while (at := text.find("分别", position, end)) != -1:
        values = [m for m in mentions if m.start > at][: len(times)]
        if len(values) == len(times):
            for mention, tp in zip(values, times):
                mention.timepoint = tp
            applied = True
        position = at + 2
    return applied


def _bracketed_before_reference(text: str, position: int, end: int, mentions: list[Mention]) -> list[Mention]:
    """The values of the next bracket (within 80 characters) that come before its "vs": "(a, b and c vs d)"."""
    opened = text.find("(", position, min(end, position + 80))
    if opened == -1:
        return []
    closed = text.find(")", opened)
    versus = VERSUS_IN_BRACKET.search(text, opened, closed if closed != -1 else end)
    if versus is None:
        return []
    return [m for m in mentions if opened <= m.start < versus.start()]


def _clause_subject_timepoints(text: str, start: int, timepoints: list[Timepoint], mentions: list[Mention]) -> None:
    """A timepoint in a clause's subject ("baseline DAS28 was 4.53") dates the clause's values."""
    by_clause: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_clause.setdefault(clause_start_of(text, start, mention.start), []).append(mention)
    for clause_start, run in by_clause.items():
        subject = [tp for tp in timepoints if clause_start <= tp.start and tp.end <= run[0].start]
        anchor = max([m.end for m in mentions if m.end <= run[0].start], default=clause_start)
        subject = [tp for tp in subject if tp.start >= anchor]
        if len({tp.days for tp in subject}) != 1:
            continue
        for mention in run:
            if mention.timepoint is None:
                mention.timepoint = subject[0]


def carried(text: str, opener: Timepoint | None) -> Timepoint | None:
    """An opener that dates the following sentences too: "After 3 months of follow-up, ..." (not "At 12 weeks, ...")."""
    if opener is not None and FOLLOW_UP_OPENER.match(text, opener.end):
        return opener
    return None


def opening_timepoint(text: str, start: int, timepoints: list[Timepoint], mentions: list[Mention]) -> Timepoint | None:
    """A timepoint that opens the sentence ("After 3 months of follow-up, ...")."""
    if not timepoints or (mentions and mentions[0].start < timepoints[0].start):
        return None
    first = timepoints[0]
    if first.label != "baseline" and CONTEXT_OPENER.match(text[start : first.start]):
        return first
    return None


#: The comparison inside a bracket of values: " vs ", " versus ".
VERSUS_IN_BRACKET = re.compile(r"\s(?:vs\.?|versus)\s", re.IGNORECASE)
#: A comparison word ending the gap before a value: "..., versus ", "vs. (".
VERSUS_END = re.compile(r"(?<![A-Za-z])(?:vs\.?|versus|compared\s+(?:with|to))[\s\u00a0(\[]*$", re.IGNORECASE)
#: The gap of "a to b" between two values: " to ", "% to ", " mg/L to (".
TO_GAP = re.compile(r"[\s\u00a0]*(?:%|[A-Za-zµμ/]+)?[\s\u00a0]*to[\s\u00a0(\[]*")


def _mark_references(text: str, start: int, mentions: list[Mention]) -> None:
    """Baselines: the "from" values of "from a (, b and c) to ...", and the reference of a single-group "a vs b"."""
    in_from_list = False
    for i, mention in enumerate(mentions):
        gap = text[mentions[i - 1].end : mention.start] if i else ""
        if mention.timepoint is not None:
            in_from_list = False
            continue
        before = text[max(start, mention.start - 30) : mention.start]  # "from a mean (SD) of "
        reference = False
        if FROM_CUE.search(before) and i + 1 < len(mentions):
            reference = in_from_list = True
        elif in_from_list and not TO_CUE.search(gap) and i + 1 < len(mentions):
            reference = True
        elif i > 0 and i + 1 < len(mentions) and VERSUS_END.search(gap) and TO_GAP.fullmatch(
                text, mention.end, mentions[i + 1].start):
            reference = in_from_list = True  # "from a to b in the MSC group, versus c to d with placebo": c too
        elif i > 0 and VERSUS.match(gap):
            in_from_list = False
            clause = text[clause_start_of(text, start, mention.start) : mention.end]
            # "58% versus 32%, respectively" compares the groups named before, not a time with baseline
            reference = (not GROUP_WORD.search(clause) and mentions[i - 1].timepoint is not None
                         and not RESPECTIVELY_AFTER.match(text, mention.end))
        else:
            in_from_list = False
        if reference:
            mention.timepoint = Timepoint(mention.start, mention.start, "baseline", 0)


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
        values = [(p_operator(m.group("op")), parse_p_value(m.group("value"))) for m in group]
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


#: An arm named in the text: "the MSC group", "control group", "MSC-NP group", "placebo arm", "group A", "Cohort 2".
GROUP_PHRASE = re.compile(
    r"\b(?P<label>(?:group|arm|cohort)\s+(?-i:[A-Z]|[0-9]{1,2}|I{1,3}V?)(?![\w-])|"
    r"(?:(?!the\b|two\b|both\b|each\b|all\b|three\b|either\b|between\b|in\b|and\b|than\b|of\b|to\b|for\b|with\b)"
    r"[A-Za-z0-9][\w\-+/.]*\s+){1,3}?(?:group|arm|cohort)\b(?!s))",
    re.IGNORECASE,
)

#: An arm's head word anywhere: "group", "arms", "cohort".
ARM_WORD = re.compile(r"\b(?:groups?|arms?|cohorts?)\b", re.IGNORECASE)
#: Labels that name the whole sample, not an arm: "entire cohort", "whole group", "overall cohort".
WHOLE_SAMPLE = re.compile(r"(?:entire|whole|overall|total|study|full|same|each|every|all)\b", re.IGNORECASE)
#: "respectively" closing the comparison a value ends: "32% (95% CI, 14%-50%), respectively".
RESPECTIVELY_AFTER = re.compile(r"[^.;]{0,60}?\brespectively\b")

#: Words comparing two values, so that one arm named before both does not label both: "68 vs 120", "compared with".
COMPARISON = re.compile(r"\bvs\b|\bversus\b|\bcompared\s+(?:with|to)\b|\bthan\b", re.IGNORECASE)

#: Before an arm that opens a clause and labels all its values: "In the ", "For the ", "Among ".
OPENING_ARM = re.compile(r"\W*(?:in|for|among)\s+(?:the\s+)?", re.IGNORECASE)

#: Between a value and the group it belongs to: " in the ", ") for the ", " mmol/L in the ".
GROUP_GAP = re.compile(r"[\s)\]%]*(?:[A-Za-zµμ/]+\s+)?(?:in|for|among|with|of)\s+(?:the\s+)?", re.IGNORECASE)


#: A Chinese arm name: "观察组", "对照组", "A组".
CJK_GROUP = re.compile(CJK_ARM)


#: The gap between two values of one Chinese list: "g/L、(", " 和 ".
CJK_LIST_GAP = re.compile(r"[^，,。；;\u4e00-\u9fff]*[、和及与][^，,。；;\u4e00-\u9fff]*")


def _assign_cjk_groups(text: str, start: int, mentions: list[Mention]) -> bool:
    """Chinese arms name the group before its values: "观察组SLEDAI评分(4.2±1.3)分低于对照组(7.5±2.1)分".

    Each value takes the last arm named before it in its clause; returns whether any was named.
    """
    named = False
    previous: Mention | None = None
    for mention in mentions:
        if mention.statistic == "count":
            continue
        labels = CJK_GROUP.findall(text, clause_start_of(text, start, mention.start), mention.start)
        if labels:
            mention.group = labels[-1]
            named = True
        elif previous is not None and previous.group and CJK_LIST_GAP.fullmatch(text, previous.end, mention.start):
            mention.group = previous.group  # "治疗组ALB分别为(32.5±3.8)g/L、(35.2±4.1)g/L": both the 治疗组's
        previous = mention
    return named


def assign_groups(text: str, start: int, end: int, mentions: list[Mention]) -> None:
    """Label values with the arm they belong to.

    Arms named before each bracket of values label the values that follow
    ("in the A group (x and y) compared to the B group (z and w)"); arms named
    together before a comparison label its values in order ("lower in the A
    group than in the B group (x vs y)"), and a later clause of the sentence
    comparing the same number of values ("and albumin was higher (x vs y)")
    follows the same order.
    """
    if "组" in text[start:end] and _assign_cjk_groups(text, start, mentions):
        return
    order: list[str] = []
    for clause_start, run in _runs_by_clause(text, start, mentions):
        clause_end = clause_end_of(text, start, run[-1].end, end)
        window_end = min(clause_end, run[-1].end + 80)
        window = text[clause_start:window_end].lower()
        named = "group" in window or "arm" in window or "cohort" in window  # the phrase's head word; a cheap gate
        phrases = ([(m.start(), m.group("label")) for m in GROUP_PHRASE.finditer(text, clause_start, window_end)]
                   if named else [])
        labels = list(dict.fromkeys(label for _, label in phrases))
        values = [m for m in run if m.statistic != "count"]
        following = [_group_right_after(text, m, phrases) for m in values]
        if len(set(following) - {None}) >= 2:
            # "−1.2 (SD 0.8) in the MSC group versus −0.4 (SD 0.7) in the placebo group"; a value without its
            # own ("from 9.8 ± 2.1 to 7.6 ± 1.8 in the MSC group") belongs to the group named after the next one
            _label_by_following(values, following)
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
        if len(labels) == 1 and values:
            if WHOLE_SAMPLE.match(labels[0]):
                continue  # "For the entire cohort, ...": not an arm
            compared = any(COMPARISON.search(text, a.end, b.start) for a, b in zip(values, values[1:]))
            arm_end = phrases[0][0] + len(labels[0])
            subject_arm = (phrases[0][0] < values[0].start and SUBJECT_ARM_BEFORE.search(text, clause_start, phrases[0][0])
                           and SUBJECT_ARM_VERB.match(text, arm_end) is not None
                           and not COMPARATIVE.search(text, clause_start, values[-1].start))
            if (OPENING_ARM.fullmatch(text, clause_start, phrases[0][0]) or subject_arm) and not compared:
                # "In the MSC group, HbA1c fell from a to b", "The score of the treatment group decreased from a to b"
                # (not "... fewer deaths (68 vs 120)")
                for mention in values:
                    mention.group = labels[0]
                continue
            if ARM_WORD.search(text, phrases[0][0] + len(labels[0]), clause_end):
                continue  # "for the A group and the B plus C group": a second arm this reading missed
            if len(order) == 2 and len(values) == 2 and labels[0] in order and compared:
                # "..., and albumin [a] was higher than that of the control group [b]" after a clause naming both
                # arms: the value without the arm named belongs to the other one
                other = order[1] if labels[0] == order[0] else order[0]
                named = _group_right_after(text, values[1], phrases) or (labels[0] if phrases[0][0] > values[0].end else None)
                if named == labels[0]:
                    values[0].group, values[1].group = other, labels[0]
                    continue
            if any(following):  # "HbA1c fell from a to b in the MSC group": the values before the one arm named
                _label_by_following(values, following)
                continue
        if order and values and len(values) % len(order) == 0 and not labels:
            for i, mention in enumerate(values):
                mention.group = order[i % len(order)]


#: An arm named in the clause's subject, before its values: "The Child-Pugh score of the treatment group".
SUBJECT_ARM_BEFORE = re.compile(r"\b(?:of|in|for)\s+(?:the\s+)?$", re.IGNORECASE)
#: The verb right after that arm: "... of the treatment group decreased from".
SUBJECT_ARM_VERB = re.compile(
    r"\s+(?:(?:significantly|markedly|slightly)\s+)?(?:decreased|increased|fell|rose|dropped|declined|improved|"
    r"changed|was|were|remained|reached)\b",
    re.IGNORECASE,
)
#: A comparison of arms: its values belong to different arms ("higher in the combination arm (41.1% v 23.6%)").
COMPARATIVE = re.compile(
    rf"\b(?:higher|lower|greater|less|more|fewer|better|worse|shorter|longer|superior|inferior|compared)\b|"
    rf"{COMPARISON.pattern}|(?-i:\bv\b)",
    re.IGNORECASE,
)


def _label_by_following(values: list[Mention], following: list[str | None]) -> None:
    """Each value takes the arm named right after it; a baseline without one ("from 9.8 ± 2.1 to 7.6 ± 1.8
    in the MSC group") takes the arm of the value after it."""
    carried = None
    for mention, label in reversed(list(zip(values, following))):
        carried = label or (carried if mention.baseline else None)
        mention.group = carried


def _group_right_after(text: str, mention: Mention, phrases: list[tuple[int, str]]) -> str | None:
    """The group named right after a value: "... (SD 0.8) in the MSC group"."""
    for position, label in phrases:
        if position >= mention.end and GROUP_GAP.fullmatch(text[mention.end : position]):
            return label
    return None


def _runs_by_clause(text: str, start: int, mentions: list[Mention]) -> list[tuple[int, list[Mention]]]:
    runs: dict[int, list[Mention]] = {}
    for mention in mentions:
        runs.setdefault(clause_start_of(text, start, mention.start), []).append(mention)
    return list(runs.items())


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
