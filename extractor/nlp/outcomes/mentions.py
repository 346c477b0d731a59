"""Stage 1: numeric outcome expressions (``Mention``) by the number grammar of ``patterns``.

Each pattern runs only when the sentence holds the literal it needs ("±", "CI",
"%", "range"...): Python's ``re`` scans patterns that open with an optional
sign slowly, and most sentences of an abstract hold no statistic at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace

from extractor.nlp.patterns import (
    BARE_NUMBER,
    CJK_CASE_COUNT,
    CJK_RESULTS,
    CJK_STUDY_FLOW,
    EVENT_COUNT,
    EVENT_NOUN_COUNT,
    NOT_EVENT_NOUN,
    STUDY_FLOW_WORDS,
    EVENT_VERB,
    CHANGE_BY,
    CHANGE_CUE,
    CI_LEVEL,
    COUNT_OF_PEOPLE,
    DEMOGRAPHIC_CUE,
    DOSE_CONTEXT,
    DURATION_VALUE,
    FRACTION,
    MEAN_CUE,
    MEAN_ONLY_CUE,
    MEAN_SD_LATE,
    MEDIAN_CUE,
    N_OF_N,
    PEOPLE_BEFORE_PERCENT,
    PERCENT,
    PERCENT_LIST_HEAD,
    POINT_CHANGE,
    P_VALUE,
    RESPECTIVELY_LIST,
    VERSUS,
)
from extractor.nlp.grammar import Expression, find_expressions, read_expression
from extractor.nlp.grammar.forms import EFFECT_STATISTICS
from extractor.nlp.grammar.numbers import DECIMAL, POWER_OF_TEN, parse_decimal, parse_number
from extractor.nlp.timepoints import Timepoint, find_timepoints
from extractor.nlp.cues import occurs
from extractor.nlp.outcomes.clauses import DIGIT, clause_end_of, clause_start_of


#: People nouns: the gate for counts of people.
PEOPLE_NOUN = re.compile(r"patients|participants|subjects|cases|children|women|\bmen\b")

#: Clauses that describe the study population, whose counts are not outcomes.
ENROLMENT_WORD = re.compile(
    r"\b(?:treat|enrol|enroll|recruit|includ|random|receiv|assign|administ|infus|inject|transplant|stud|allocat|screen|divid)\w*",
    re.IGNORECASE,
)

#: How people entered the study: a clause saying so counts no events ("30 patients were enrolled and had ...").
ENROLLED_WORD = re.compile(r"\b(?:enrol|enroll|recruit|includ|randomi[sz]|assign|allocat|screen|eligib|divid)\w*", re.IGNORECASE)

#: "..., and low back pain in": the event named right before a count of people.
COUNT_SUBJECT = re.compile(r"(?:\band|,|;)\s+(?P<subject>[A-Za-z][\w\-' ]{2,40}?)\s+(?:in|among)\s+(?:the\s+)?$")

#: Demographic shares right before a percentage: "female (78%)", "men, 54%", "aged over 60 (35%)".
DEMOGRAPHIC_SHARE = re.compile(r"\b(?:female|male|women|men|sex|gender|white|black|caucasian|asian|aged?\b[^()]{0,15})\W{0,3}$", re.IGNORECASE)

#: Words that make a percentage a measured quantity: "score values were 3.0%", "the score increased to 24.0%".
MEASUREMENT_WORD = re.compile(r"\b(?:scores?|levels?|values?|concentrations?|index|ratio|density|fraction|content)\b", re.IGNORECASE)

#: Between percentages of one list: "16.2% and 35.1%", "-2.2% vs. -1.1%".
PERCENT_LIST_GAP = re.compile(r"[\s\u00a0]*(?:,|and|or|vs\.?|versus)?[\s\u00a0]*(?:,?\s*and)?[\s\u00a0]*")

#: A change named after its percentage: "5.6% (d=0.72) increase", "12% reduction".
PERCENT_CHANGE_AFTER = re.compile(
    r"(?:\s*[(\[][^()\[\]]{0,30}[)\]])?\s+(?:increase|decrease|reduction|improvement|rise|decline|gain|loss|drop)\b",
    re.IGNORECASE,
)
#: The lower bound of a range before a percentage: "20-" of "(LVEF 20-39%)".
RANGE_BOUND_BEFORE = re.compile(r"\d\s?[-–~]\s?$")
#: A solution's strength: the percentage names what follows, "0.9% NaCl", "2% lidocaine", "5% dextrose".
SOLUTION_AFTER = re.compile(
    r"\s?(?:NaCl|saline|sodium\s+chloride|dextrose|glucose\s+solution|lidocaine|ethanol|alcohol|chlorhexidine|"
    r"povidone|formalin|DMSO|albumin\s+solution|w/v|v/v)\b",
    re.IGNORECASE,
)
#: A change verb right before its percentage, or before the bracket holding it: "decreased 37%",
#: "was significantly increased (50.6% and ".
DIRECT_CHANGE_BEFORE = re.compile(
    r"\b(?:decreased|increased|reduced|improved|declined|fell|rose|dropped)\s*(?:[(\[]\s*)?$", re.IGNORECASE
)
#: A comparison sign right before a percentage: "≥ 30%", "< 7%".
COMPARATOR_BEFORE = re.compile(r"(?:≥|≤|>=|<=|=<|>|<)\s*$")
#: Words that make the percentage after them a threshold of a definition: "at least a 50% reduction", "> 25%".
THRESHOLD_WORDS = re.compile(r"(?:\bat\s+least|\bmore\s+than|\bover|\babove|≥|>=|>)\s*(?:an?\s+)?$", re.IGNORECASE)
#: A category defined by a threshold: its percentages are shares of people ("score >3", "HbA1c < 7%", "mRS ≤ 2").
THRESHOLD = re.compile(r"(?:[<>≤≥]|>=|<=)\s?\d+(?:\.\d+)?\s*%?\s*(?:[(\[][^()\[\]]*|[^()\[\]\d]{0,12})$")

#: Words that make a percentage a share of people.
PEOPLE_WORD = re.compile(r"\b(?:patients|participants|subjects|women|men|children|responders?|cases|proportion|rate|incidence|prevalence)\b", re.IGNORECASE)

#: Words without which no bare number is read as a mean (cheap gate for the bare-number scan, on
#: lower-cased text): "mean", "vs", "v.", "compared", "decreased by", "reductions of". Every
#: alternative opens with a literal character, so ``re`` skips to candidates instead of trying each.
CHANGE_VERB_ENDINGS = ("eased", "uced", "oved", "ined", "fell", "rose", "pped", "ained", "lost", "anged", "ases?",
                       "ions?", "ments?", "ains?", "loss")
BARE_CUES = re.compile(
    r"mean|average|median|baseline|v(?<=\bv)(?:s\b|\.)|versus|compared|against|respectively|point|;|平均|"
    + "|".join(ending + r"\s+(?:by|of)\b" for ending in CHANGE_VERB_ENDINGS)
)

#: Cheap gates for the spread and interval patterns ("SD", "SEM", "standard error"; "CI", "confidence").
SPREAD_WORD = re.compile(r"\b(?:sds?|sem?|s\.[de]|standard)\b")



#: Statistics named ahead of bracketed intervals: "median value (IQR)", "median (interquartile range)".
IQR_CONTEXT = re.compile(r"\b(?:median|IQR|interquartile)\b", re.IGNORECASE)


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
    p: tuple[str, float] | None = None
    n: int | None = None
    kind: str = "level"
    measure: str | None = None
    aliases: list[str] = field(default_factory=list)
    measure_hint: str | None = None
    group: str | None = None
    pair_end: int | None = None  # a count written with its percentage: where the pair ends
    after_its_percent: bool = False  # a count written after its percentage: "92.9% (13/14)"

    @property
    def baseline(self) -> bool:
        """True when the value is the baseline (its timepoint is "baseline", day 0)."""
        return self.timepoint is not None and self.timepoint.label == "baseline"


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
    p_spans = [(m.start(), m.end()) for m in P_VALUE.finditer(text, start, end)] if "p" in lower else []
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []

    def claim(mention: Mention) -> None:
        if DOSE_CONTEXT.match(text, mention.end):
            taken.append((mention.start, mention.end))
            return  # "1.0 (range 0.4-9) 10^6 cells/kg" is a dose, not an outcome
        if all(mention.end <= s or mention.start >= e for s, e in taken) and not any(
                s <= mention.start < e for s, e in p_spans):
            taken.append((mention.start, mention.end))
            if CHANGE_BY.search(text, max(start, mention.start - 40), mention.start):
                mention.kind = "change"  # "decreased by 3.9 points (95% CI ...)", "improved by 5.2% ± 3.1%"
            mentions.append(mention)

    for mention in _grammar_mentions(text, start, end):
        if isinstance(mention, tuple):  # an undecided expression: its numbers are not values of their own
            taken.append(mention)
            continue
        claim(mention)
    for mention in _late_spread_mentions(text, start, end, lower):
        claim(mention)
    if "%" in sentence:
        # the "95%" of "95% CI" is never a percentage
        taken += [(m.start(), m.end()) for m in CI_LEVEL.finditer(text, start, end)]
        for mention in _percent_mentions(text, start, end):
            claim(mention)
    if BARE_CUES.search(lower):
        if timepoints is None:
            timepoints = find_timepoints(text, start, end)
        for mention in _bare_mean_mentions(text, start, end, taken + p_spans, timepoints):
            claim(mention)
    if PEOPLE_NOUN.search(lower):
        for mention in _count_mentions(text, start, end):
            claim(mention)
    for mention in _event_count_mentions(text, start, end, mentions):
        claim(mention)
    mentions.sort(key=lambda m: m.start)
    _percent_sign_dropped(text, mentions)
    return mentions


def _percent_sign_dropped(text: str, mentions: list[Mention]) -> None:
    """"(25.8% vs 6.9%, p=0.08 and 26.7 vs 9.7, p=0.1, respectively)": bare numbers compared inside a bracket
    whose other values are all percentages are percentages whose sign was left out."""
    for mention in mentions:
        if mention.rule != "bare_versus":
            continue
        opened = text.rfind("(", 0, mention.start)
        if opened < 0 or ")" in text[opened : mention.start]:
            continue
        closed = text.find(")", mention.end)
        inside = [m for m in mentions if m.start > opened and (closed < 0 or m.end <= closed) and m.rule != "bare_versus"]
        if (inside and all(m.statistic == "percent" for m in inside) and inside[0].start < mention.start
                and 0 <= mention.value <= 100):  # written as percentages first; "(521 vs 511 [30% ...])" are counts
            mention.statistic, mention.unit = "percent", "%"


#: Statistic words before a value, the nearest deciding an unlabelled bracket: "median", "mean", "decreased by".
STATISTIC_CUE = re.compile(
    r"\b(?:(?P<median>median(?:\s+differences?)?)|(?P<mean>mean|average|averaged)|(?P<difference>treatment\s+effects?|differences?|"
    r"difference\s+between\s+(?:the\s+)?(?:two\s+)?groups))\b|(?P<cjk_mean>平均)|(?P<cjk_median>中位)",
    re.IGNORECASE,
)


def _statistic_cue(text: str, start: int, position: int) -> str | None:
    """"median" or "mean" when the nearest statistic word in the value's clause (150 characters) says so;
    "change" for a change cue without one."""
    lo = max(clause_start_of(text, start, position), position - 150)
    cue = None
    for cue in STATISTIC_CUE.finditer(text, lo, position):
        pass
    if cue is not None:
        return ("median" if cue.group("median") or cue.group("cjk_median")
                else "difference" if cue.group("difference") else "mean")
    return "change" if CHANGE_CUE.search(text, lo, position) else None


#: A time unit right before a ± value: the value is a visit window ("day 14 ± 3", "week 12 ± 1").
VISIT_WINDOW_BEFORE = re.compile(r"\b(?:days?|weeks?|months?|visits?|hours?)\s*$", re.IGNORECASE)

#: A review that pools its studies: its bare intervals are pooled estimates.
POOLED = re.compile(r"\bmeta-?analys[ie]s\b|\bpooled\b", re.IGNORECASE)


def _pooled_difference(text: str, expression: Expression) -> bool:
    """True for a bare interval of a meta-analysis that reaches below zero: a difference, not a ratio (a ratio
    and its interval are positive; an all-positive interval could be either, and is left unread)."""
    return min(expression.value, expression.low) <= 0 and occurs(POOLED, text, 0, len(text))


def _grammar_mentions(text: str, start: int, end: int):
    """The statistic expressions of the grammar layer, decided and made mentions (a count gives two)."""
    labelled_ci = None
    interval_reading = None  # the statistic an earlier bare interval of the sentence was read as
    expressions = _counts_by_list(text, find_expressions(text, start, end))
    for expression in expressions:
        if _after_test_statistic(text, start, expression.value_start):
            continue
        if "pm" in expression.roles and VISIT_WINDOW_BEFORE.search(text, max(start, expression.value_start - 12),
                                                                  expression.value_start):
            yield (expression.start, expression.end)  # "on day 14 ± 3": a visit window, not a value
            continue
        near = text[max(clause_start_of(text, start, expression.start), expression.start - 30) : expression.start]
        if _describes_enrolled(near) or (expression.statistic == "count" and DEMOGRAPHIC_SHARE.search(near)):
            yield (expression.start, expression.end)  # "mean age 70.2 (57, 81)", "follow-up (median, 17 months; ...)"
            continue
        cue = _statistic_cue(text, start, expression.value_start)
        if cue is None and "interval" in expression.roles and _pooled_difference(text, expression):
            cue = "difference"  # a meta-analysis's "SLEDAI [-2.18 (-3.62, -0.75)]": a pooled mean difference
        if cue not in ("mean", "median") and "interval" in expression.roles and interval_reading:
            cue = interval_reading  # "trimmed mean change, 3.0 (1.3-4.8) ...; change at 12 months, 3.5 (1.5-5.5)"
        elif cue not in ("mean", "median") and "interval" in expression.roles and occurs(IQR_CONTEXT, text, expression.start - 600, expression.start):
            cue = "median"  # "median" written shortly before governs the bare intervals after it
        decided = read_expression(text, expression, cue=cue, labelled_ci=labelled_ci, scope_end=end)
        if decided is None or (decided.statistic == "count" and (STUDY_FLOW_AFTER.match(text, expression.end)
                                                                  or SCALE_AFTER.match(text, expression.end))):
            if {"interval", "ci", "iqr", "range"} & set(expression.roles):
                yield (expression.start, expression.end)  # "a (b, c)" undecided is still never three values
            continue
        if "ci" in decided.roles and decided.statistic in ("mean_ci", "median", "percent"):
            labelled_ci = labelled_ci or decided.statistic
        if "interval" in decided.roles and cue in ("mean", "median"):
            interval_reading = interval_reading or cue
        if POWER_OF_TEN_AFTER.match(text, expression.end) or POWER_OF_TEN_AFTER.match(text, _unbracketed_end(text, expression)):
            yield (expression.start, expression.end)  # "(1.9 ± 1.2 × 10(8))": a number of cells, not an outcome
            continue
        yield from _expression_mentions(text, decided)


#: A fraction that is a point on a scale, not people: "4/10 on a visual analogue scale".
SCALE_AFTER = re.compile(r"\s+(?:on|of)\s+(?:a|the)\s+(?:[\w-]+\s+){0,4}?(?:scale|score|VAS|NRS)\b", re.IGNORECASE)

#: What follows counted people in "n (x%)": the people, or what they did ("Five (56%) reported ...",
#: "41 (18%) discontinued treatment").
COUNTED_THEN_VERB = re.compile(
    rf"[)\]]?\s+(?:of\s+(?:the\s+)?(?:patients|participants|subjects)\s+)?(?:\w+ly\s+)?(?:{EVENT_VERB}|reported|discontinued|"
    r"withdrew|relapsed|improved|recovered|reduced|increased|stopped|resumed|returned)\b",
    re.IGNORECASE,
)

#: Between the members of a list of counts: ", ", " and ", ", or ".
COUNT_LIST_GAP = re.compile(r"[\s\u00a0]*(?:,|;|,?\s*and|,?\s*or|vs\.?|versus)[\s\u00a0]*")


def _counts_by_list(text: str, expressions: list[Expression]) -> list[Expression]:
    """"8 (40%) and 6 (30%) patients had ...": a bare "n (x%)" listed with a count of people is a count too."""
    decided = [e.statistic == "count" for e in expressions]
    for i, expression in enumerate(expressions):
        if expression.statistic is None and expression.form == "count_percent":
            if LABELLED_ITEM_IN_LIST.search(text, max(0, expression.start - 50), expression.start) or COUNTED_THEN_VERB.match(
                    text, expression.end):
                # "(drug A, 16 [14%]; drug B, 13 [12%])", "Five (56%) reported increased work capacity"
                expressions[i] = dataclass_replace(expression, statistic="count")
                continue
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(expressions) and decided[j]]
            if any(COUNT_LIST_GAP.fullmatch(text, *sorted((expressions[j].end, expressions[i].start))
                                            if j < i else (expressions[i].end, expressions[j].start))
                   for j in neighbours):
                expressions[i] = dataclass_replace(expression, statistic="count")
    return expressions


#: A power of ten after a value, not a concentration ("× 10^9/L" is a blood count): the value counts cells given
#: ("246 ± 133 × 106 MBMC", "(1.9 +/- 1.2 x 10(8))"), an amount of the product, not an outcome.
POWER_OF_TEN_AFTER = re.compile(rf"[\s\u00a0)\]]*(?:{POWER_OF_TEN})(?![\s\u00a0]?(?:/|per\b))")


def _unbracketed_end(text: str, expression: Expression) -> int:
    """Where the expression's value and spread end, before any bracket after them."""
    bracket = re.compile(r"[\s\u00a0]*[(\[]").search(text, expression.value_start, expression.end)
    return bracket.start() if bracket else expression.end


#: What counted people did that makes them study flow, not an outcome: "treated with bmMSCs were available for
#: follow-up", "were randomized to".
STUDY_FLOW_AFTER = re.compile(rf"[^.;]{{0,60}}?\b(?:were|was)\s+{STUDY_FLOW_WORDS}\b", re.IGNORECASE)


#: The count and total in the bracket after a percentage: "13/14", "13 of 14".
FRACTION_IN_BRACKET = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)\s?(?:/|of)\s?(?:\d{1,3}(?:,\d{3})+|\d+)")

#: The percentage of a count's pair, its sign included when written: "92.9%", "68.8".
PERCENT_VALUE = re.compile(rf"{DECIMAL}(?:[\s\u00a0]?%)?")


#: A time phrase around "follow-up", which dates what follows rather than describing who was enrolled:
#: "during follow-up, one death", "at follow-up".
FOLLOW_UP_AS_TIME = re.compile(r"\b(?:during|throughout|at|after|over|on|by|until)\s+(?:the\s+)?(?:\w+[-\s])?$", re.IGNORECASE)


def _describes_enrolled(near: str) -> bool:
    """True when the words before an expression make it a descriptor of who was enrolled ("mean age",
    "follow-up (median"), not when "follow-up" only dates it ("during follow-up, one death")."""
    cue = DEMOGRAPHIC_CUE.search(near)
    return cue is not None and not (cue.group(0).lower().startswith("follow") and "(" not in near[cue.end() :]
                                     and FOLLOW_UP_AS_TIME.search(near, 0, cue.start()))


def _expression_mentions(text: str, expression: Expression):
    """One mention per number the expression reports: a count with its percentage gives both."""
    end = expression.end
    while end > expression.start and text[end - 1].isspace():
        end -= 1
    statistic = expression.statistic
    if statistic == "count":
        count_end = expression.pair[0] if expression.pair else end
        while count_end > expression.start and text[count_end - 1] in " \u00a0([,;（":
            count_end -= 1
        yield Mention(start=expression.start, end=count_end, value=expression.value, statistic="count",
                      rule=f"grammar:{expression.form}", n=expression.n, pair_end=end if expression.pair else None)
        if expression.pair:
            lo, hi = expression.pair
            while text[lo] in " \u00a0([,;（":
                lo += 1
            hi = PERCENT_VALUE.match(text, lo).end()
            mention = Mention(start=lo, end=hi, value=expression.extra["percent"], statistic="percent",
                              rule=f"grammar:{expression.form}", n=expression.n, unit="%")
            yield mention
        return
    # an effect's evidence starts at its value: the name before it stays in the text the measure rules read
    first = expression.value_start if statistic in EFFECT_STATISTICS else expression.start
    mention = Mention(start=first, end=end, value=expression.value, statistic=statistic,
                      rule=f"grammar:{expression.form}", spread=expression.spread, low=expression.low,
                      high=expression.high, n=expression.n, p=expression.p, unit=expression.unit)
    if statistic in EFFECT_STATISTICS:
        mention.kind = "change"
        mention.measure_hint = None
    if statistic == "percent" and "count" in expression.extra:
        mention.end = text.index("%", expression.value_start) + 1  # the count in its bracket is a value of its own
    yield mention
    if statistic == "percent" and "count" in expression.extra:
        fraction = FRACTION_IN_BRACKET.search(text, mention.end, expression.end)
        lo, hi = (fraction.start(), fraction.end()) if fraction else (expression.start, end)
        yield Mention(start=lo, end=hi, value=float(expression.extra["count"]), statistic="count",
                      rule=f"grammar:{expression.form}", n=expression.n, after_its_percent=True)


def _late_spread_mentions(text: str, start: int, end: int, lower: str):
    """A spread bracket a few words after its value: "3.7 % of weight (SD = 5.4 %)"."""
    if SPREAD_WORD.search(lower) is None:
        return
    for match in MEAN_SD_LATE.finditer(text, start, end):
        statistic = "mean_se" if match.group("kind").upper().startswith("SE") else "mean_sd"
        mention = _mention(match, statistic, "mean_sd_late", spread=parse_decimal(match.group("spread")))
        if match.group("unit1"):
            mention.unit = "%"
        yield mention


def _percent_mentions(text: str, start: int, end: int):
    """Percentages: a share of people ("percent"), or a mean percentage of a measured quantity."""
    previous: Mention | None = None
    for match in PERCENT.finditer(text, start, end):
        if _after_test_statistic(text, start, match.start()):
            continue  # "I² = 48%": heterogeneity, not an outcome
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
        yield from _percent_list_members(text, max(start, match.start() - 60), mention)
        yield mention


#: Words before a number that name it or make it a bound, not a list member: "group 1", "week 25", "SE 5.5",
#: "n = 5", "72 of 207", "between 20".
LIST_HEAD_NAMED = re.compile(
    r"(?:\b(?:groups?|arms?|grades?|stages?|types?|weeks?|days?|months?|years?|phases?|cycles?|SE|SD|SEM|n|no|"
    r"between|from)\.?|\d\s+of|[=:/<>≤≥])\s*$",
    re.IGNORECASE,
)


def _percent_list_members(text: str, lo: int, last: Mention):
    """"48, 71, and 63%": the members before a list's only percent sign, read as it is."""
    head = PERCENT_LIST_HEAD.search(text, lo, last.start)
    if head is None or LIST_HEAD_NAMED.search(text, max(0, head.start() - 12), head.start()):
        return  # "(n = 5, 7 and 9%)", "group 1, 74%", "72 of 207, 34.8%", "between 20 and 30%"
    if re.match(r"\s*(?:CI|confidence|credible)\b", text[last.end : last.end + 12], re.IGNORECASE):
        return  # "HR 0.68, 95% CI"
    for number in BARE_NUMBER.finditer(text, head.start(), head.end()):
        member = _mention(number, last.statistic, last.rule + "_list")
        member.kind, member.unit = last.kind, "%"
        yield member


def _classify_percent(text: str, start: int, end: int, match: re.Match) -> Mention | None:
    head = PERCENT_LIST_HEAD.search(text, max(start, match.start() - 60), match.start())
    lead_end = head.start() if head else match.start()  # "a decrease of 64.6, 78.5 and 81.0%": read from the list's head
    before = text[max(start, lead_end - 25) : lead_end]
    if DEMOGRAPHIC_SHARE.search(before):
        return None  # "predominantly female (78%)": who was studied, not an outcome
    clause = text[clause_start_of(text, start, match.start()) : match.start()]
    signed = match.group("value")[0] in "+-−–"
    if MEDIAN_CUE.search(clause) and CHANGE_CUE.search(clause):
        mention = _mention(match, "median", "percent_median_change")
        mention.kind = "change"
    elif re.search(r"\b(?:by|of)\s*$", before) and (CHANGE_CUE.search(before) or CHANGE_BY.search(clause)):
        mention = _mention(match, "mean", "percent_change")
        mention.kind = "change"
    elif COMPARATOR_BEFORE.search(before) or RANGE_BOUND_BEFORE.search(before) or SOLUTION_AFTER.match(text, match.end()):
        return None  # "≥ 30% on the ODI", "(LVEF 20-39%)", "placebo (0.9% NaCl)": a threshold, a range, a solution
    elif DIRECT_CHANGE_BEFORE.search(before):
        mention = _mention(match, "mean", "percent_direct_change")  # "Infarct size decreased 37% from ..."
        mention.kind = "change"
    elif PERCENT_CHANGE_AFTER.match(text, match.end()) and THRESHOLD_WORDS.search(before):
        return None  # "at least a 50% reduction from baseline": a definition's threshold, not a value
    elif PERCENT_CHANGE_AFTER.match(text, match.end()) and not PEOPLE_WORD.search(clause):
        mention = _mention(match, "mean", "percent_change_after")  # "a non-significant 5.6% (d=0.72) increase"
        mention.kind = "change"
    elif THRESHOLD.search(clause):
        mention = _mention(match, "percent", "percent_of_a_threshold")  # "score >3 (47.5% versus 49.2%)": shares
        mention.n = _percent_n(text, match, start, end)
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
        clause = text[clause_start_of(text, start, match.start()) : match.start()]
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


#: Literal words every event counted as a noun needs: "there was/were", "were reported".
EVENT_NOUN_GATE = re.compile(r"\b(?:there\s+(?:was|were)|(?:were|was)\s+(?:reported|observed|recorded|noted|documented|detected))\b",
                             re.IGNORECASE)


def _event_count_mentions(text: str, start: int, end: int, found: list[Mention]):
    """People counted with what happened to them ("12 patients encountered fever", "and 8 died"); Chinese cases
    counted after their event in the results ("骨折愈合25例"). A bare "N had" counts only after a count of people
    of the same sentence; a clause about who was enrolled counts no events."""
    people_seen = False
    for match in EVENT_COUNT.finditer(text, start, end):
        with_people = not re.match(r"\d+\s+(?:\w+ly\s+)?" + EVENT_VERB, match.group(0), re.IGNORECASE)
        clause = text[clause_start_of(text, start, match.start()) : match.end() + 20]
        if ENROLLED_WORD.search(clause) or STUDY_FLOW_AFTER.match(text, match.end("num")):
            continue
        if with_people or people_seen:
            people_seen = True
            yield Mention(start=match.start("num"), end=match.end("num"), value=float(match.group("num")),
                          statistic="count", rule="event_count", measure_hint=_event_after(text, match))
    for match in EVENT_NOUN_COUNT.finditer(text, start, end) if EVENT_NOUN_GATE.search(text, start, end) else ():
        num, noun = ("num", "noun") if match.group("num") else ("num2", "noun2")
        value = parse_number(match.group(num))
        if value is None or value == 0 or ENROLLED_WORD.search(match.group(noun)) or NOT_EVENT_NOUN.search(match.group(noun)):
            continue  # "there were 30 patients": people are counted by the population rules
        yield Mention(start=match.start(num), end=match.end(num), value=float(value), statistic="count",
                      rule="event_noun_count", measure_hint=match.group(noun))
    results = CJK_RESULTS.search(text)
    if results is None or results.start() > start or not CJK_CASE_COUNT.search(text, start, end):
        return
    for match in CJK_CASE_COUNT.finditer(text, start, end):
        clause = text[clause_start_of(text, start, match.start()) : clause_end_of(text, start, match.start(), end)]
        if CJK_STUDY_FLOW.search(clause):
            continue  # "有3例患儿失访" (3 lost to follow-up): study flow, not an outcome
        yield Mention(start=match.start("num"), end=match.end(), value=float(match.group("num")), statistic="count",
                      rule="cjk_case_count", measure_hint=_cjk_event_after(text, match, start, end))


#: Chinese words before a count that name nothing: "有" (there were), "共" (in all), "其中" (of whom), "全部" (all).
CJK_EMPTY_LEAD = re.compile(r"[\s有共其中全部均]*")
#: The end of a Chinese phrase: punctuation of either width.
CJK_PHRASE_END = re.compile(r"[，,；;。：:、（(]")


def _cjk_event_after(text: str, match: re.Match, start: int, end: int) -> str | None:
    """What Chinese cases counted first had: "15例患者满足ACR70标准" gives "满足ACR70标准"; None when the phrase
    before the count names it ("骨折愈合25例")."""
    lead_start = max((m.end() for m in CJK_PHRASE_END.finditer(text, start, match.start())), default=start)
    if not CJK_EMPTY_LEAD.fullmatch(text, lead_start, match.start()):
        return None
    after = re.compile(r"\s?(?:患者|患儿|病人|病例)?").match(text, match.end()).end()
    stop = CJK_PHRASE_END.search(text, after, end)
    phrase = text[after : stop.start() if stop else end].strip()
    return phrase or None


def _event_after(text: str, match: re.Match) -> str | None:
    """What the counted people had or did: "fever without infections" of "12 patients encountered fever without
    infections and 9 ...", "died"."""
    verb = re.search(EVENT_VERB, match.group(0), re.IGNORECASE)
    tail = re.match(r"[^,;.()]*?(?=\s+and\s+\d|\s+(?:which|who|but|while|after|at|in\s+the|during)\b|[,;.()]|$)",
                    text[match.start() + verb.end() :])
    phrase = tail.group(0).strip() if tail else ""
    phrase = re.sub(r"^(?:a|an|the)\s+", "", phrase)
    return phrase or verb.group(0)


def _percent_n(text: str, match: re.Match, start: int, end: int) -> int | None:
    """N of "x% (n/N)", "n/N patients (x%)" or "n of N patients (x%)"; None when not stated."""
    window_after = text[match.end() : min(end, match.end() + 14)]
    fraction = FRACTION.search(window_after)
    if fraction and window_after[: fraction.start()].strip(" ([,;") == "":
        return int(fraction.group("den"))
    window_before = text[max(start, match.start() - 40) : match.start()]
    fraction = _last(FRACTION, window_before)
    if fraction and PEOPLE_BEFORE_PERCENT.fullmatch(window_before[fraction.end() :]):
        return int(fraction.group("den"))
    of = _last(N_OF_N, window_before)
    if of and re.fullmatch(r"[\s\w]*[(\[,]?\s*", window_before[of.end() :]):
        return int(of.group("den"))
    return None


def _last(pattern: re.Pattern, text: str) -> re.Match | None:
    """The last match of ``pattern`` in ``text``."""
    found = None
    for found in pattern.finditer(text):
        pass
    return found


def _bare_mean_mentions(text: str, start: int, end: int, taken: list[tuple[int, int]], timepoints: list[Timepoint]):
    """Bare numbers read as means: after a mean cue in the clause, or in "a vs b" comparisons."""
    # A time amount reported as the value of a duration ("times were 39 and 32 days",
    # "9.7 months vs 5.8 months") is a value, not a timepoint.
    durations = [tp for tp in timepoints if DURATION_VALUE.search(text, max(start, tp.start - 40), tp.start)
                 or text[max(start, tp.start - 2) : tp.start] == "平均"
                 or DURATION_COMPARED.match(text, tp.end) or LABELLED_ITEM_IN_LIST.search(text, max(start, tp.start - 50), tp.start)
                 or _reported_duration(text, clause_start_of(text, start, tp.start), tp)]
    blocked = taken + [(tp.start, tp.end) for tp in timepoints if tp not in durations]
    numbers = [m for m in BARE_NUMBER.finditer(text, start, end)
               if all(m.end() <= s or m.start() >= e for s, e in blocked) and _plausible_outcome_number(text, m, start)]
    for i, match in enumerate(numbers):
        clause = text[clause_start_of(text, start, match.start()) : match.start()]
        partner = (_versus_partner(text, numbers, i) or _respectively_list(text, numbers, i, end)
                   or _labelled_list(text, numbers, i, start))
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


#: The name of a test statistic just before its value or its degrees of freedom: "t=", "F(1, 40) =", "χ2=",
#: "chi-square:", "Z =", "df =", and a meta-analysis's heterogeneity "I² =".
TEST_STATISTIC_BEFORE = re.compile(
    r"(?:\b(?:t|F|Z|z|U|H|W|Q|I2|I\^2|d\.?f\.?|chi-?square|x2|X2)|χ2|χ²|\bI²)\s*(?:\([\d.]+(?:,\s*[\d.]+)?\))?\s*[=:]\s*$"
    r"|(?:\b(?:t|F|chi-?square|x2|X2)|χ2|χ²)\s*\(\s*(?:[\d.]+\s*,\s*)?$"  # its degrees of freedom: "F(1, 40)"
)


def _after_test_statistic(text: str, start: int, position: int) -> bool:
    """True when the number at ``position`` is a test statistic or its degrees of freedom (``TEST_STATISTIC_BEFORE``)."""
    return TEST_STATISTIC_BEFORE.search(text, max(start, position - 30), position) is not None


#: Text before a number that makes it part of a power of ten: "× " before its base, "10(" or "10^" before its exponent.
POWER_PART_BEFORE = re.compile(r"(?:[×xX*]\s?|10\s?[(\^])$")
#: When something was done, not a result: "at a median of ", "at mean of ".
WHEN_GIVEN = re.compile(r"\bat\s+(?:a\s+)?(?:mean|median|average)\s+(?:of\s+)?$", re.IGNORECASE)


#: Units of the study counted by a number: "2 treatment groups", "3 centers", "4 arms".
COUNTED_UNITS_AFTER = re.compile(
    r"\s*(?:(?:treatment|study|intervention|dose|control|experimental)\s+)?(?:groups?|arms?|cohorts?|cent(?:er|re)s?|sites?|hospitals?)\b",
    re.IGNORECASE,
)
#: A number cut short by its source: "24[...]".
TRUNCATED_AFTER = re.compile(r"\s?\[\.\.\.\]|…")


def _plausible_outcome_number(text: str, match: re.Match, start: int) -> bool:
    after = text[match.end() : match.end() + 16]
    before = text[max(start, match.start() - 12) : match.start()]
    if DOSE_CONTEXT.match(after) or re.match(r"\s*(?:patients|subjects|participants|cases|women|men|children|of\b|out of)", after, re.I):
        return False
    if COUNTED_UNITS_AFTER.match(after) or TRUNCATED_AFTER.match(after):
        return False  # "the 2 treatment groups", "3 centres", "over 24[...]": counts of groups, or a cut-off number
    if re.search(r"(?:\bn\s*=|\bgrade|\bstage|\bphase|\btype|\bNCT|\bcycles?|\bno\.|\bversion|\baged?)\s*$", before, re.I):
        return False
    if _after_test_statistic(text, start, match.start()):
        return False  # "t=6.42", "χ2 = 5.38": a test statistic, not an outcome value
    if POWER_PART_BEFORE.search(before) or POWER_OF_TEN_AFTER.match(text, match.end()) and match.group(0) == "10":
        return False  # the base or exponent of "1.43 × 10(6)/kg", "2.20×10(8)"
    if WHEN_GIVEN.search(text, max(start, match.start() - 40), match.start()):
        return False  # "performed at a median of 6 days after PCI": when the intervention was given
    value = match.group(0)
    return not re.fullmatch(r"(?:19|20)\d\d", value)


def _reported_duration(text: str, clause_start: int, tp: Timepoint) -> bool:
    """"The mean times were 231.2 days in A and 227.8 days in B": time amounts reported under a mean cue."""
    before = text[clause_start : tp.start]
    cue = MEAN_ONLY_CUE.search(before)
    return bool(cue) and re.search(r"\b(?:was|were)\b", before[cue.end() :]) is not None and not re.search(
        r"\b(?:at|after|by|on|from|to|within|for|during|over|until)\s+(?:the\s+)?$", before
    )


#: The end of a list whose last member alone carries the percent sign: ", and 63 %", " and 19%".
LIST_ENDS_IN_PERCENT = re.compile(r"[\s\u00a0]*(?:,|,?\s*and|,?\s*or)[\s\u00a0]*\d+(?:\.\d+)?[\s\u00a0]?%")


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
    tail = text[numbers[j].end() : min(end, numbers[j].end() + 80)]
    head = text[max(0, numbers[k].start() - 12) : numbers[k].start()]
    if LIST_ENDS_IN_PERCENT.match(tail):
        return False  # "48, 71, and 63 % for arms A, B and C": shares, read with the percentages
    # "were 4.1, 4.4 and 5.0, respectively", "(154 and 162 for the A and B groups, respectively)", but not
    # the bounds of an interval after a value, "0.69 (0.44, 1.09)"
    opened = re.search(r"(?:\bwas|\bwere|:|=)\s*$", head) or re.search(r"(?<![\d%\s])\s*\(\s*$", head)
    return bool(re.match(r"[^.;(]{0,60}\brespectively\b", tail)) and bool(opened)


#: A time amount compared with another: "9.7 months vs 5.8 months" (a reported duration, not a timepoint).
DURATION_COMPARED = re.compile(r"[\s\u00a0]*(?:vs\.?|versus\.?|v\.)[\s\u00a0]+[(\[]?[\d.]")
#: An arm's label and a comma before its value, inside a bracket or list: "(denosumab, ", "; ZA, ", "were SMT, ".
LABELLED_ITEM_BEFORE = re.compile(
    r"(?:[(\[;]|\b(?:were|was)|:)\s*(?:and\s+)?(?P<label>[A-Za-z][A-Za-z\-+/ ]{0,40}?),[\s\u00a0]*$"
)
#: The same inside a bracket or after a semicolon only, where a time amount after it is a reported duration:
#: "(denosumab, 8.5 months; ZA, ".
LABELLED_ITEM_IN_LIST = re.compile(r"[(\[;]\s*(?:and\s+)?(?=[\w\-+/ .]{0,40}?[A-Za-z]{2})[A-Za-z0-9][\w\-+/ .]{0,40}?,[\s\u00a0]*$")


def _labelled_list(text: str, numbers: list[re.Match], i: int, start: int) -> bool:
    """True when number ``i`` is one of a list of labelled values ("(denosumab, 8.5 months; ZA, 7.4 months)",
    "scores were SMT, 22.25; LT, 22.05; and WLC, 23.24"): it and a neighbour each follow "label, ", a semicolon
    between them."""
    def labelled(j: int) -> bool:
        lo = max(start, numbers[j].start() - 50)
        return (LABELLED_ITEM_BEFORE.search(text, lo, numbers[j].start()) is not None
                or LABELLED_ITEM_IN_LIST.search(text, lo, numbers[j].start()) is not None)

    if not labelled(i) or not re.search(r"[.·]", numbers[i].group(0)):
        return False  # whole numbers so listed are as often counts of events ("ETAC, 2; open, 4")
    for j in (i - 1, i + 1):
        if 0 <= j < len(numbers) and labelled(j):
            a, b = sorted((numbers[i], numbers[j]), key=lambda m: m.start())
            if ";" in text[a.end() : b.start()]:
                return True
    return False


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
    mention = Mention(start=value_start, end=end, value=parse_decimal(match.group("value")),
                      statistic=statistic, rule=rule, **extra)
    if "open" in match.re.groupindex and match.group("open"):
        mention.start = match.start()
    return mention
