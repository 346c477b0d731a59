"""Population fields of the exchange format: sample size, arms with their n, conditions.

Sample size (FORMAT.md SAMPLE SIZE) is chosen among *count mentions*: a number
(digits, number words or Chinese numerals) that counts participants. Each
mention gets a tier from the words around it; the best tier wins and the
earliest mention breaks ties:

====  ===========================================================  ======================================
tier  writing pattern                                              example
====  ===========================================================  ======================================
0     a stated total                                               "A total of 45 patients were recruited"
1     enrolled / randomized / recruited / included                 "Thirty patients were randomized"
2     treated / received; a study "in N" or "of N"; "Among N, ..."  "MSCs were infused in 8 PM/DM patients"
3     the sum of the arms of one allocation                        "MSC-NP (n = 27) or saline (n = 27)"
4     analysed, completed, a bare mention                          "13 of 14 patients responded"
5     care providers (chosen only when nobody else is counted)     "One radiologist and two surgeons took part"
====  ===========================================================  ======================================

Mentions whose clause says they were screened, approached, excluded, lost or
died are never the sample size, nor are numerators ("13 of 14"), counts in
parentheses (subgroups) and numbers that name things ("type 1", "COVID-19",
"in 2010"). Reviews and meta-analyses take only a stated total. Two rules add
counts up: coordinated counts ("Five NMO patients and 5 RRMS patients were
treated" = 10, "191 + 191 patients were randomised" = 382) and a control group
at least as large as the enrolled count, which therefore cannot be part of it
("Fifty inpatients were recruited ... Fifty-three patients acted as the control
group" = 103).

The cue words (participant nouns, verbs by class) are package data in
``vocab/population_cues.jsonl``; the expressions that combine them are compiled
once per process (``_grammar``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from spacy.attrs import IDX, LIKE_NUM, SENT_START
from spacy.tokens import Doc

from extractor.nlp.concepts import CJK
from extractor.nlp.findings import Section, Span
from extractor.nlp.grammar.numbers import COUNT as COUNT_RE
from extractor.nlp.grammar.numbers import CHINESE_NUMBER_PATTERN, COUNT_PATTERN, NUMBER_WORDS_PATTERN, parse_number
from extractor.nlp.patterns import CJK_ARM
from extractor.nlp.vocab import load_vocabulary

CUES = "population_cues"

TOTAL, ENROL, TREAT, ARMS, WEAK, STAFF = range(6)

# --- regular expressions -------------------------------------------------------------

#: Words that never stand between a count and its noun: prepositions, verbs of being, units (the
#: vocabulary's non-participant nouns are added when the grammar is built).
MODIFIER_STOP = (
    r"of|in|into|on|at|to|for|from|with|without|by|vs|versus|per|were|was|are|is|had|have|has|"
    r"who|whom|which|that|than|the|a|an|but|while|whereas|although|when|where|because|after|before|during|"
    r"we|they|it|this|these|those|our|their|"
    r"mg|g|kg|ml|mm|cm|years?|months?|weeks?|days?|hours?|minutes?|times|cycles?|doses?|groups?|arms?"
)
#: Section headings written in capitals, which are not abbreviations ("PATIENTS 21", "METHOD Thirty-nine").
HEADING_WORDS = (
    r"PATIENTS?|SUBJECTS?|PARTICIPANTS?|METHODS?|RESULTS?|DESIGN|SETTINGS?|POPULATION|MATERIALS?|AND|SAMPLES?|"
    r"INTERVENTIONS?|FINDINGS?|OBJECTIVES?|AIMS?|PURPOSE|BACKGROUND|INTRODUCTION|CONCLUSIONS?|MEASUREMENTS?|"
    r"PROCEDURES?|OUTCOMES?"
)
#: One modifier between a count and its noun: a word ("postmenopausal", "PM/DM", "19-wk-old"), dotted initials ("U.S."),
#: "type 2", "ASA 1", a comma token, or a short parenthetical ("(18-60 years)"); never a bare number or
#: a number word. ``{stop}`` is filled with the stop words.
MODIFIER_TEMPLATE = (
    rf"(?:(?!(?:{{stop}})\b|{NUMBER_WORDS_PATTERN})"
    rf"(?:(?:type|grade|stage|class|(?-i:(?!(?:{HEADING_WORDS})\b)[A-Z]{{{{2,}}}}))[^\S\n]+\d+|"
    r"(?:[A-Za-z]\.){{2,}}|[^\W\d][\w/'’+\-]*|\d+[-A-Za-z][\w\-]*)"
    r"|\([^()\n]{{0,40}}\)|,)"
)
#: Up to ten modifiers (comma tokens included) after a count, lazily, on one line: "41 type 2 diabetic patients", "83 inactive, postmenopausal women".
MODIFIERS_TEMPLATE = r"(?:{modifier},?[^\S\n]+){{0,10}}?"
#: Just before a number that names rather than counts: "type 1", "grade 3", "phase 2", "n = ", "at least 9".
NOT_COUNT_BEFORE = re.compile(
    r"(?:\b(?:type|grade|stage|phase|class|day|week|month|year|cohort|group|arm|level|score|version|part|step|"
    r"visit|cycle|dose|figure|table|no|number|aged?|age|at\s+least|except\s+for)\s*|[=<>≤≥±×^]\s*|"
    r"\b(?:aged?|ages)(?:\s+(?:of|between|from))?\s+\d+\s*(?:and|to|-|–)\s*)$",
    re.IGNORECASE,
)
#: An abbreviation just before a number names it ("ASA 1", "CD 4"); section headings ("PATIENTS 21",
#: "METHOD Thirty-nine subjects", "FINDINGS 120 women") do not.
ABBREVIATION_BEFORE = re.compile(rf"(?<![A-Za-z])(?!(?:{HEADING_WORDS})\b)[A-Z]{{2,}}\s*$")
#: Just after a number that is a fraction or a ratio, not a count: "one third", "two-fold".
NOT_COUNT_AFTER = re.compile(r"[\s-]*(?:thirds?|half|halves|quarters?|fifths?|percent|%|fold|times)\b", re.IGNORECASE)
#: A year after a preposition or in a span of years is not a count: "from 2010 to 2014 were randomized".
YEAR_BEFORE = re.compile(
    r"\b(?:in|from|to|since|during|until|through|till|by|jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|"
    r"january|february|march|april|june|july|august|september|october|november|december)\.?\s*$|"
    r"\b(?:19|20)\d\d\s*(?:and|to|-|–)\s*$",
    re.IGNORECASE,
)
#: A screening word between a count and its noun: "Out of 11 screened RA patients" (but "40 eligible patients" counts).
SCREENED_INNER = re.compile(
    r"\b(?:screened|approached|invited|contacted|excluded|assessed|potentially|planned|expected|target)\b", re.IGNORECASE
)
#: An enrolment word between a count and its noun: "Of 299 enrolled patients", "1491 randomized women".
ENROLLED_INNER = re.compile(r"\b(?:enrolled|randomi[sz]ed|recruited|included)\b", re.IGNORECASE)
#: A percentage right after a count makes it a part of a larger whole: "56 (94.9%) agreed", "547 (19%) patients".
PART_AFTER = re.compile(r"\s*[(\[]\s*\d+(?:\.\d+)?\s*%")
#: A count added to the next one: "191 + 191 patients".
PLUS_BEFORE = re.compile(rf"(?P<a>{COUNT_PATTERN})\s*\+\s*$")
#: Another count right after a group label: ", and 439 to the control group".
NEXT_COUNT = re.compile(rf"\s*[,;]?\s*(?:and\s+|while\s+|whereas\s+)?(?:{COUNT_PATTERN})\b", re.IGNORECASE)
#: What opens a new clause just before a number: "…, 14 withdrew", "… and 60 were", "of whom 12".
CLAUSE_BEFORE = re.compile(r"(?:[,;:]|\band|\bwhile|\bwhereas|\bbut|\bwhom|\bwhich|\bthese)\s*$", re.IGNORECASE)
#: Words after a number that make it an amount rather than a count, for cutting clauses: "47 years", "20 mg".
AMOUNT_AFTER = re.compile(
    r"[\s-]*(?:[%x×/:±]|\+/-|(?:percent|years?|yrs?|months?|mo|weeks?|wks?|days?|hours?|h|minutes?|min|seconds?|"
    r"mg|g|kg|µg|mcg|ml|l|cm|mm|m|times|cycles?|doses?|sessions?|points?|per|fold)\b)",
    re.IGNORECASE,
)
#: A population heading just before a count: "PATIENTS 21 adults ...", "Participants: 120 nurses".
HEADING_BEFORE = re.compile(
    r"(?:(?-i:\b(?:PATIENTS|SUBJECTS|PARTICIPANTS|POPULATION|STUDY POPULATION|SAMPLE))\s*:?|"
    r"\b(?:patients|subjects|participants|study\s+population|sample)\s*:)\s*$",
    re.IGNORECASE,
)
#: A stated total just before a count: "A total of", "In total,", "In all,", "Overall,", "All".
TOTAL_BEFORE = re.compile(
    r"(?:\ba\s+total\s+of|\btotal\s+(?:sample\s+|population\s+|cohort\s+)?of|\bin\s+total\s*,?|\bin\s+all\s*,?|\boverall\s*,?|\baltogether\s*,?|"
    r"\btotally\s*,?|\btotal\s*:?|(?:^|[.;:]\s*)all)\s*$",
    re.IGNORECASE,
)
#: A total stated just after a count noun: "45 patients in total", "20 cases altogether".
TOTAL_AFTER = re.compile(r"^\s*,?\s*(?:in\s+total|in\s+all|altogether|overall)\b", re.IGNORECASE)
#: "N of M" / "N out of M": the count after "of" is a denominator: "13 of 14 patients", "989 of 1234 patients".
NUMERATOR_BEFORE = re.compile(
    rf"(?:{COUNT_PATTERN})\s*(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*)?(?:out\s+)?of\s+(?:the\s+)?$", re.IGNORECASE
)
#: A count after "in"/"among"/"for": "a trial in 56 postmenopausal patients", "performed for 123 participants".
IN_BEFORE = re.compile(
    r"\b(?:in|on|among|amongst|for)\s+(?:a\s+(?:group|cohort|series|total)\s+of\s+)?$", re.IGNORECASE
)
#: A sentence opening on the population its results count: "Among 134 patients, 68 were treated with ...".
AMONG_OPENING = re.compile(r"\W*(?:among|amongst)\s+(?:the\s+|all\s+)?", re.IGNORECASE)
#: Study or treatment words that make "in N patients" the study population ("infused ... in 8 patients").
STUDY_BEFORE = re.compile(
    r"\b(?:trials?|study|studies|performed|conducted|treated|treat|treating|administered|infused|injected|given|"
    r"used|evaluated|investigated|tested|transplantation|therapy|experience|compared|comparing|undertaken|"
    r"carried\s+out|analy[sz]ed|analys[ie]s)\b[^.;]*$",
    re.IGNORECASE,
)
#: Event words right before "in N patients" make it an outcome count: "Remission occurred in 3 patients".
OUTCOME_BEFORE = re.compile(
    r"\b(?:observed|occurred|seen|found|noted|reported|detected|developed|achieved|recorded|documented|"
    r"responses?|remission|events?|toxicity|effects?|improvement|failure|death|relapse|recurrence|"
    r"complications?|higher|lower|greater|significant(?:ly)?|increased?|decreased?|reduced|positive|negative)"
    r"\b(?:[^\S\n]+\S+){0,3}[^\S\n]+\S+\s*$",
    re.IGNORECASE,
)
#: A count after "of" that heads a study or a sentence: "a study of 118 patients", "Of 813 patients with ...".
OF_BEFORE = re.compile(
    r"(?:^|[.;:]\s*|\b(?:study|trial|analysis|analyses|series|cohort|sample|sample\s+size|total|population|"
    r"data|records|charts)\s+)(?:of|from)\s+(?:the\s+|all\s+)?$",
    re.IGNORECASE,
)
#: "(n = 65)", "[n = 5]", "( N = 300 )", ", n = 5": the n of a group or of the whole sample.
N_EQUALS = re.compile(
    r"[(\[,;]\s*(?P<sym>[nN])\s*[=:]?\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?![\d.])\s*(?:[)\];,]|patients|subjects)"
)
#: A participant count in Chinese: "92例", "共纳入 30 名患者", "二十例".
CHINESE_COUNT = re.compile(rf"(?P<n>\d+|{CHINESE_NUMBER_PATTERN})\s*(?:例|名)(?!\s*次)")
#: Chinese enrolment cues shortly before a count: "选取", "纳入", "共", "收治".
CHINESE_ENROL_BEFORE = re.compile(r"(?:共|纳入|选取|选择|入选|收治|收集|募集|招募|分析|回顾)[^，。,;；]{0,30}$")
#: A group word: an n labelled with one of these (and no participant noun) is an arm, not the whole sample.
GROUP_WORD = re.compile(
    r"\b(?:groups?|arms?|cohorts?|placebo|controls?|sham|clusters?|treatment|therapy|intervention|"
    r"usual care|standard care|dose|low-dose|high-dose|[A-Z]{2,}[\w-]*)\b|组"
)
#: Allocation words that make a list of group counts a set of arms.
ALLOCATION = re.compile(
    r"\b(?:randomi[sz]\w*|assign\w*|allocat\w*|divided|groups?|arms?|cohorts?|received?|receiving|doses|"
    r"placebo|versus|vs\.?)\b|组",
    re.IGNORECASE,
)
#: Sentence ends for context windows: ". ", "; ", "。", a line break.
SENTENCE_END = re.compile(r"[.!?;。；\n](?:(?<=[.!?;])(?=\s+[A-Z(\[]|\s*$)|(?<=[。；\n]))")
#: Review or meta-analysis: then only a stated total of participants counts.
REVIEW = re.compile(
    r"\b(?:meta-?analys[ie]s|systematic\s+review|literature\s+review|review\s+of\s+the\s+literature|"
    r"pooled\s+analysis|databases?\s+were\s+searched|we\s+searched)\b|荟萃分析|系统评价|Meta分析",
    re.IGNORECASE,
)
#: Substrings without which neither review expression can match.
REVIEW_HINTS = ("review", "analys", "searched", "荟萃", "系统评价", "meta")
#: Title of a narrative review: "...: a review", "Review of ...".
REVIEW_TITLE = re.compile(r"(?:^|:\s*)(?:a\s+)?(?:narrative\s+|critical\s+|brief\s+)?review\b|\breview$", re.IGNORECASE)
#: Two counts joined into one: "191 + 191 patients", "Five NMO patients and 5 RRMS patients".
COORDINATION = re.compile(r"\s*(?:\+|and|plus)\s*$", re.IGNORECASE)

#: Characters read after a count for its verb, and before it for its left cue.
RIGHT_WINDOW = 160
LEFT_WINDOW = 80


@dataclass(frozen=True, slots=True)
class Count:
    """A candidate sample size: a participant count with the tier its context gives it."""

    value: int
    start: int
    end: int
    tier: int
    rule: str


@dataclass(frozen=True, slots=True)
class ArmCount:
    """One group's n with the label read next to it."""

    label: str
    n: int
    start: int
    end: int
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Grammar:
    """The expressions built from the cue vocabulary."""

    count_noun: re.Pattern
    count_abbr: re.Pattern
    count_verb: re.Pattern
    hyphen_noun: re.Pattern
    participant: re.Pattern
    provider: frozenset[str]
    cue: re.Pattern
    cue_class: dict[str, str]
    non_participant: re.Pattern
    active_before: re.Pattern
    arm_count: re.Pattern
    arm_paren: re.Pattern


def _words(concept_id: str) -> list[str]:
    """Literal and synonyms of one cue concept."""
    for concept in load_vocabulary(CUES):
        if concept.id == concept_id:
            return [concept.literal, *concept.synonyms]
    raise KeyError(f"vocab/{CUES}.jsonl has no concept {concept_id!r}")


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of phrases, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@cache
def _grammar() -> Grammar:
    """Compile the population rules from the cue vocabulary (once per process)."""
    providers = _words("provider")
    nouns = _alternation([*_words("participant"), *providers])
    classes = ("enrol", "treat", "analyse", "exclude", "outcome", "control")
    cue_class = {w.lower(): cls for cls in classes for w in _words(cls)}
    number = rf"(?P<n>{COUNT_PATTERN})"
    enrol, treat = _alternation(_words("enrol")), _alternation(_words("treat"))
    stop = f"{MODIFIER_STOP}|{_alternation(_words('non_participant'))}"
    modifier = MODIFIER_TEMPLATE.format(stop=stop)
    MODIFIERS = MODIFIERS_TEMPLATE.format(modifier=modifier)  # noqa: N806 - the pattern constant of this grammar
    modifier = modifier.replace("|,)", ")")  # count_verb: no comma tokens
    gap = r"(?:[^\S\n]+|(?=[A-Za-z]))"
    return Grammar(
        # "41 type 2 diabetic patients", "Forty-five women", "8 PM/DM patients", "50patients"
        count_noun=re.compile(rf"{number}{gap}{MODIFIERS}(?P<noun>{nouns})\b", re.IGNORECASE),
        # "71 BCS" where the text defines "breast cancer survivors (BCS)"
        count_abbr=re.compile(rf"{number}[^\S\n]+{MODIFIERS}(?P<abbr>[A-Z][A-Za-z]*[A-Z])s?\b"),
        # "9 were enrolled", "Nineteen client-owned dogs were included"
        count_verb=re.compile(
            rf"{number}[^\S\n]+(?P<mods>(?:(?!(?:and|or)\b){modifier}[^\S\n]+){{0,3}}?)(?:were|was|had\s+been|have\s+been|will\s+be)[^\S\n]+"
            rf"(?:\w+ly[^\S\n]+|also[^\S\n]+|then[^\S\n]+|finally[^\S\n]+)*(?P<verb>{enrol}|{treat})\b",
            re.IGNORECASE,
        ),
        # "a 12-patient, 6-month, phase 1 trial"
        hyphen_noun=re.compile(rf"{number}-(?P<noun>patient|participant|subject|person|{nouns})\b", re.IGNORECASE),
        participant=re.compile(rf"\b(?:{nouns})\b", re.IGNORECASE),
        provider=frozenset(word.lower() for word in providers),
        cue=re.compile(rf"\b(?:{_alternation(cue_class)})\b", re.IGNORECASE),
        cue_class=cue_class,
        non_participant=re.compile(rf"\b(?:{_alternation(_words('non_participant'))})\b", re.IGNORECASE),
        # "we randomized 200 women", "This study involved 521 patients", "aims to recruit 350"
        active_before=re.compile(
            rf"\b(?:{enrol}|involved|involving|includes?|treated|treating|treat|studied|comprised|analy[sz]ed|"
            r"(?:subjects|participants|patients|sample)[^\S\n]+(?:were|was|comprised|consisted[^\S\n]+of)|"
            r"sample[^\S\n]+size[^\S\n]+(?:of|was|is|will[^\S\n]+be))[^\S\n]+"
            r"(?:a\s+total\s+of\s+|the\s+|all\s+|only\s+|approximately\s+|about\s+|nearly\s+|some\s+|over\s+|"
            r"up\s+to\s+)?$",
            re.IGNORECASE,
        ),
        # "20 in cohort A", "212 in test group", "171 on tamoxifen alone", "8 patients in the treatment group",
        # "440 women were allocated to the intervention group"
        arm_count=re.compile(
            rf"{number}[^\S\n]+(?:(?:{nouns})[^\S\n]+)?(?:were[^\S\n]+)?"
            r"(?P<verb>(?:(?:randomly|randomi[sz]ed|assigned|allocated|were)[^\S\n]+)*)(?:in|to|on|into)[^\S\n]+(?:the[^\S\n]+)?"
            r"(?P<label>(?:(?!(?:and|or|with|at|after|before|who|were|was)\b)[\w/'’+.×^\-]+[^\S\n]*){1,5}?)"
            r"(?=\s*(?:[,;()\]]|and\b|or\b|$|\.\s))",
            re.IGNORECASE,
        ),
        # "radical mastectomy (349 patients)", "Group B (53 patients)"
        arm_paren=re.compile(rf"{number}[^\S\n]+(?:{nouns})\s*[)\]]", re.IGNORECASE),
    )


# --- context ---------------------------------------------------------------------------


class _Context:
    """The text with its sentence starts and participant abbreviations, for bounded context windows."""

    def __init__(
        self, text: str, sentence_starts: list[int], participant_abbrs: frozenset[str], numbers: list[tuple[int, int]]
    ):
        self.text = text
        self.starts = sentence_starts
        self.participant_abbrs = participant_abbrs
        # every number, found once: the count rules are matched only where a number starts
        self.numbers = numbers
        self.number_starts = [start for start, _ in numbers]
        # the numbers that may count something (not "47 years", "20 mg", "83%"): the rules' anchors
        self.counts = [(start, end) for start, end in numbers if not AMOUNT_AFTER.match(text, end)]
        self.count_starts = [start for start, _ in self.counts]
        self.n_equals = list(N_EQUALS.finditer(text)) if "n" in text or "N" in text else []
        self.memo: dict[str, list] = {}  # results several rules share, computed once ("count_noun", "arms")

    def numbers_between(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """(start, end) of the numbers starting in ``[lo, hi)``."""
        return self.numbers[bisect_left(self.number_starts, lo):bisect_left(self.number_starts, hi)]

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        start = self.starts[i] if i >= 0 else 0
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return start, end

    def left(self, pos: int, *, window: int = LEFT_WINDOW) -> str:
        """Up to ``window`` characters before ``pos`` in its sentence, not starting inside a word."""
        start, _ = self.sentence_bounds(pos)
        lo = max(start, pos - window)
        if lo > start and self.text[lo - 1].isalnum():
            while lo < pos and self.text[lo].isalnum():  # "ardial injection" of "transendocardial injection"
                lo += 1
        return self.text[lo:pos]

    def right(self, pos: int, *, window: int = RIGHT_WINDOW) -> str:
        """Up to ``window`` characters after ``pos`` in its sentence."""
        _, end = self.sentence_bounds(max(pos - 1, 0))
        return self.text[pos:min(end, pos + window)]


def _make_context(doc: Doc, grammar: Grammar) -> _Context:
    """Sentence starts (spaCy's, refined by line breaks and "; ") and abbreviations that name participants."""
    text = doc.user_data.get("text") or doc.text  # doc.text joins the tokens on each access: read it once
    rows = doc.to_array([IDX, SENT_START, LIKE_NUM])  # one array, no per-token Python objects
    starts = {0, *rows[rows[:, 1] == 1, 0].tolist()}
    starts.update(m.end() for m in SENTENCE_END.finditer(text))
    abbreviations = doc.user_data.get("abbreviations") or {}
    abbrs = frozenset(
        short for short, abbr in abbreviations.items()
        if abbr.long.split() and grammar.participant.fullmatch(abbr.long.split()[-1])
    )
    return _Context(text, sorted(starts), abbrs, _numbers(text, rows[rows[:, 2] == 1, 0].tolist()))


def _numbers(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) of each count, matched only where spaCy's ``like_num`` token starts ("Forty", "1,491")."""
    numbers: list[tuple[int, int]] = []
    for start in starts:
        if numbers and start < numbers[-1][1]:
            continue  # "five" inside "Forty-five"
        m = COUNT_RE.match(text, start)
        if m is not None:
            numbers.append((m.start(), m.end()))
    return numbers


def _overlapping(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    """Matches of a count rule in a short string, restarting after each number."""
    end = len(text) if end is None else end
    while (m := pattern.search(text, start, end)) is not None:
        yield m
        start = m.end("n")


def _anchored(pattern: re.Pattern, ctx: _Context, lo: int = 0, hi: int | None = None) -> Iterator[re.Match]:
    """Matches of a count rule at each number of the text (so "phase 3 study of 521 patients" finds 521).

    Matching only where a number starts keeps the rules off the rest of the text: one scan for numbers,
    then an anchored match per number.
    """
    hi = len(ctx.text) if hi is None else hi
    for start, _ in ctx.counts[bisect_left(ctx.count_starts, lo):bisect_left(ctx.count_starts, hi)]:
        m = pattern.match(ctx.text, start)
        if m is not None:
            yield m


def _is_count(ctx: _Context, start: int, end: int, value: int | None) -> bool:
    """Whether the number at ``text[start:end]`` may count participants (not "type 1", "in 2010", "one third")."""
    if value is None:
        return False
    left = ctx.left(start, window=24)
    if NOT_COUNT_BEFORE.search(left) or ABBREVIATION_BEFORE.search(left) or NOT_COUNT_AFTER.match(ctx.text, end):
        return False
    return not (_year_like(value) and YEAR_BEFORE.search(left))


def _year_like(value: int) -> bool:
    """Whether a number could be a year of a study ("in 2010"), not "in 2046 patients"."""
    return 1950 <= value <= 2035


def _in_parentheses(ctx: _Context, pos: int) -> bool:
    """Whether ``pos`` is inside an open bracket of its sentence: "(63 TE and 62 TEL patients)"."""
    left = ctx.text[ctx.sentence_bounds(pos)[0]:pos]
    return left.count("(") + left.count("[") > left.count(")") + left.count("]")


# --- tiers -----------------------------------------------------------------------------


def _verb_class(grammar: Grammar, clause: str) -> str | None:
    """Class of the decisive cue in ``clause`` (the text after a count, up to the next count).

    The first enrol, exclude or control cue decides; else a treatment cue ("Four patients receiving
    exercise dropped out" is excluded); an outcome or analysis cue ("who had", "completed") decides
    only when none of those is there.
    """
    found = [grammar.cue_class.get(" ".join(m.group(0).lower().split())) for m in grammar.cue.finditer(clause)]
    for group in (("enrol", "exclude", "control"), ("treat",), ("outcome", "analyse")):
        cls = next((c for c in found if c in group), None)
        if cls is not None:
            return cls
    return None


def _clause_after(grammar: Grammar, ctx: _Context, end: int) -> str:
    """Text after a mention up to the next count-like number or the end of its sentence (bounded).

    "From a total sample of 247 patients, 14 withdrew" stops before "14", and so does a count with its
    noun; amounts ("47 years"), names ("type 1"), bracketed details ("(9 patients)") and numbers inside
    a phrase ("children from 28 states") do not stop it.
    """
    right = ctx.right(end)
    for start, stop in ctx.numbers_between(end + 1, end + len(right)):
        if AMOUNT_AFTER.match(ctx.text, stop) or _in_parentheses(ctx, start):
            continue
        opens_clause = CLAUSE_BEFORE.search(ctx.text, max(0, start - 20), start)
        if not opens_clause and not grammar.count_noun.match(ctx.text, start):
            continue
        if _is_count(ctx, start, stop, parse_number(ctx.text[start:stop])):
            return ctx.text[end:start]
    return right


#: Studies pooling the count that follows: "Ten RCTs with 480 patients", "12 studies involving 612 participants",
#: "15 trials (n = 734".
_STUDIES = r"\b(?:trials|studies|RCTs|articles|reports|publications)"
POOLED_BEFORE = re.compile(
    rf"{_STUDIES}\s*(?:[(,]\s*)?"
    r"(?:with|involving|including|enrolling|comprising|totall?ing|of|n\s*=)\s*(?:a\s+total\s+of\s+)?$",
    re.IGNORECASE,
)
#: Studies before an "n =" that pools them: "15 trials (n = 734)".
POOLED_N_BEFORE = re.compile(rf"{_STUDIES}\s*[(,]\s*$", re.IGNORECASE)


def _tier(grammar: Grammar, ctx: _Context, start: int, end: int, *, inner: str = "") -> int | None:
    """Tier of a participant count at ``text[start:end]`` (its noun included); None rejects it."""
    left = ctx.left(start)
    if inner and SCREENED_INNER.search(inner):
        return None
    if POOLED_BEFORE.search(left):
        return TOTAL  # "Ten RCTs with 480 patients": a review's pooled total
    denominator = bool(NUMERATOR_BEFORE.search(left))
    if not denominator and (grammar.active_before.search(left) or HEADING_BEFORE.search(left)):
        return TOTAL if re.search(r"total\s+of\s+$", left, re.IGNORECASE) else ENROL
    clause = _clause_after(grammar, ctx, end)
    cls = _verb_class(grammar, clause)
    if cls == "exclude":
        return None
    if denominator:
        return ENROL if cls == "enrol" else WEAK  # "989 of 1234 patients enrolled"; "2 of 44 patients receiving X"
    if cls in (None, "enrol", "treat") and (TOTAL_BEFORE.search(left) or TOTAL_AFTER.match(clause)):
        return TOTAL
    if IN_BEFORE.search(left):
        # "infused in 8 patients" is the study population; "eradicated in 226 subjects assigned to X" an outcome
        study = STUDY_BEFORE.search(left) and not OUTCOME_BEFORE.search(left)
        return TREAT if study or AMONG_OPENING.fullmatch(left) else WEAK
    if cls == "enrol" or (inner and ENROLLED_INNER.search(inner)):
        return ENROL
    if cls == "treat" or OF_BEFORE.search(left):
        return TREAT
    return WEAK


# --- count rules ---------------------------------------------------------------------------


def _noun_counts(grammar: Grammar, ctx: _Context) -> Iterator[Count]:
    """Counts followed by a participant noun: "Forty-five patients were randomized"."""
    for m in _count_nouns(grammar, ctx):
        yield from _noun_count(grammar, ctx, m, m.start("noun"), "count_noun")


def _abbr_counts(grammar: Grammar, ctx: _Context) -> Iterator[Count]:
    """Counts followed by an abbreviation the text defines as participants: "71 BCS"."""
    if not ctx.participant_abbrs:
        return
    for m in _anchored(grammar.count_abbr, ctx):
        if m.group("abbr") in ctx.participant_abbrs:
            yield from _noun_count(grammar, ctx, m, m.start("abbr"), "count_abbr")


def _noun_count(grammar: Grammar, ctx: _Context, m: re.Match, noun_start: int, rule: str) -> Iterator[Count]:
    value = parse_number(m.group("n"))
    if not _is_count(ctx, m.start("n"), m.end("n"), value) or _in_parentheses(ctx, m.start()):
        return
    if rule == "count_noun" and _noun_starts_sentence(ctx.text, m.start("noun"), m.end("noun")):
        return
    start = m.start("n")
    plus = PLUS_BEFORE.search(ctx.text, max(0, start - 20), start)
    if plus is not None and (addend := parse_number(plus.group("a"))) is not None:
        value, start = value + addend, plus.start()  # "191 + 191 patients were randomised"
    tier = _tier(grammar, ctx, start, m.end(), inner=ctx.text[m.end("n"):noun_start])
    if tier is not None and PART_AFTER.match(ctx.text, m.end("n")):
        tier = WEAK  # "547 (19%) patients were obese": a part of a larger whole
    if tier is not None and _arm_phrase_after(grammar, ctx, m):
        tier = WEAK  # "88 patients in the CP-CEF arm": one group's n
    if tier is not None and rule == "count_noun" and m.group("noun").lower() in grammar.provider:
        tier = STAFF  # "two surgeons participated" in a study of 134 patients: carers count only alone
    if tier is not None:
        yield Count(value, start, m.end("n"), tier, rule)


def _arm_phrase_after(grammar: Grammar, ctx: _Context, m: re.Match) -> bool:
    """Whether a count noun is followed by the group it belongs to: "8 patients in the treatment group"."""
    return _arm_match(grammar, ctx, m.start()) is not None


def _arm_match(grammar: Grammar, ctx: _Context, start: int) -> re.Match | None:
    """A group count at ``start``: "20 in cohort A"; with a verb ("440 women were allocated to the
    intervention group") only next to another count ("... and 439 to the control group"), since
    "191 patients were randomised to intervention or control" is the whole sample."""
    arm = grammar.arm_count.match(ctx.text, start)
    if arm is None or not GROUP_WORD.search(arm.group("label")):
        return None
    if arm.group("verb") and not NEXT_COUNT.match(ctx.text, arm.end()):
        if not re.search(r"(?:[,;]|\band|\bwhile|\bwhereas)\s*$", ctx.text[max(0, start - 12):start]):
            return None
    return arm


def _noun_starts_sentence(text: str, start: int, end: int) -> bool:
    """A heading ("... sites PARTICIPANTS 330 ...") or a capitalised noun after a lower-case word, which in
    unpunctuated text opens the next sentence ("... 10 Hz stimulation Patients were ...")."""
    noun = text[start:end]
    if len(noun) > 3 and noun.isupper():
        return True
    previous = text[max(0, start - 30):start].split()
    return noun[:1].isupper() and bool(previous) and previous[-1][:1].islower()


#: What a bare count that follows may count: "From the six selected clusters, " (three were allocated ...).
UNITS_BEFORE = re.compile(r"\b(?:from|of|among)\s+(?P<units>[^,;]{1,50}),\s*$", re.IGNORECASE)


def _verb_counts(grammar: Grammar, ctx: _Context) -> Iterator[Count]:
    """Counts with no participant noun but an enrolment verb: "9 were enrolled", "Nineteen dogs were included"."""
    for m in _anchored(grammar.count_verb, ctx):
        value = parse_number(m.group("n"))
        mods = m.group("mods")
        if not _is_count(ctx, m.start("n"), m.end("n"), value) or grammar.non_participant.search(mods):
            continue
        if (_year_like(value) and not mods) or SCREENED_INNER.search(mods) or _in_parentheses(ctx, m.start()):
            continue
        if PART_AFTER.match(ctx.text, m.end("n")) or PLUS_BEFORE.search(ctx.text, max(0, m.start() - 20), m.start()):
            continue
        left = ctx.left(m.start())
        if NUMERATOR_BEFORE.search(left):
            continue
        units = UNITS_BEFORE.search(left)
        if units and grammar.non_participant.search(units.group("units")) and not grammar.participant.search(units.group("units")):
            continue  # "From the six selected clusters, three were randomly allocated": clusters, not people
        cls = grammar.cue_class.get(re.sub(r"\s+", " ", m.group("verb").lower()))
        tier = TOTAL if TOTAL_BEFORE.search(left) else (ENROL if cls == "enrol" else TREAT)
        yield Count(value, m.start("n"), m.end("n"), tier, "count_verb")


def _hyphen_counts(grammar: Grammar, ctx: _Context) -> Iterator[Count]:
    """"a 12-patient trial"."""
    for m in _anchored(grammar.hyphen_noun, ctx):
        value = parse_number(m.group("n"))
        if value is not None:
            yield Count(value, m.start("n"), m.end("n"), TREAT, "hyphen_noun")


def _n_equals_counts(grammar: Grammar, ctx: _Context) -> Iterator[Count]:
    """"Women at risk (N = 64) were recruited": an n that counts participants rather than one group."""
    for m in ctx.n_equals:
        if POOLED_N_BEFORE.search(ctx.text, max(0, m.start() - 30), m.start("sym")):  # "15 trials (n = 734)"
            yield Count(parse_number(m.group("n")) or 0, m.start("n"), m.end("n"), TOTAL, "n_equals_pooled")
            continue
        if not _is_whole_sample_n(grammar, ctx, m):
            continue
        tier = _tier(grammar, ctx, m.start(), m.end())
        if tier is not None:
            yield Count(parse_number(m.group("n")) or 0, m.start("n"), m.end("n"), min(tier, TREAT), "n_equals")


def _is_whole_sample_n(grammar: Grammar, ctx: _Context, m: re.Match) -> bool:
    """A capital "N =", or an "n =" after participants with no group word ("Participants with MS (n = 54)"),
    or a lone "n =" followed by an enrolment verb ("GPs in England (n = 928) were randomised")."""
    if m.group("sym") == "N":
        return True
    label = _phrase_before(ctx.left(m.start(), window=100))
    if LISTED_DOSE_END.search(label.rstrip(" ,;:")):
        return False  # "at doses of 1 × 10^7 (n=5)": a dose cohort
    if _label_has_count(grammar, label) or re.search(r"\b(?:among|amongst)\b", label, re.IGNORECASE):
        return False  # "in 235 women with X (n = 21)", "Among women with data (n = 329)": a subgroup
    participants = bool(grammar.participant.search(label)) or any(w in ctx.participant_abbrs for w in label.split())
    if GROUP_WORD.search(label) and not (participants and not re.search(r"\b(?:groups?|arms?)\b", label)):
        return False
    if participants:
        return True
    bounds = ctx.sentence_bounds(m.start())
    siblings = [n for n in ctx.n_equals if ctx.sentence_bounds(n.start()) == bounds]
    return len(siblings) == 1 and _verb_class(grammar, _clause_after(grammar, ctx, m.end())) == "enrol"


def _label_has_count(grammar: Grammar, label: str) -> bool:
    """Whether a label already counts its participants ("235 women with X"), not "Year 1 medical students"."""
    return any(
        not NOT_COUNT_BEFORE.search(label[:m.start()]) and not ABBREVIATION_BEFORE.search(label[:m.start()])
        for m in _overlapping(grammar.count_noun, label)
    )


#: A bracket part that is only a dose, before the arm's n: "1 × 10^6 cells/kg" in "(1 × 10^6 cells/kg, n = 61)".
DOSE_ONLY = re.compile(
    r"\s*[\d.,·\s×x^()\-–]+\s*(?:cells?|MSCs?|mg|ml|mL|µg|μg|g|%|IU|units|million|billion)?(?:\s*(?:/|per)\s*kg)?\s*",
    re.IGNORECASE,
)


def _phrase_before(left: str) -> str:
    """The noun phrase just before a parenthesis: after the last comma, bracket, "to", "or", "into"
    ("an MSC group (n=28) and a control group" gives "and a control group").

    When the parenthesis holds more than the n ("MSCs (1 × 10^6 cells/kg, n = 61)"), the
    label is the phrase before the parenthesis, not the dose inside it.
    """
    bracket = max(left.rfind("("), left.rfind("["))
    inner = re.split(r"[,;]", left[bracket + 1 :].rstrip(" ,;"))[-1] if bracket > 0 else ""
    if bracket > 0 and ")" not in left[bracket:] and "]" not in left[bracket:] and DOSE_ONLY.fullmatch(inner):
        left = left[:bracket]
    pieces = [p for p in re.split(r"[,;:()\[\]]|\b(?:to|into|or|versus|vs|either)\b", left) if p.strip()]
    return pieces[-1] if pieces else ""


def _chinese_counts(ctx: _Context) -> Iterator[Count]:
    """"选取接受UC-MSC治疗的92例难治性LN患者": a count with 例/名; an enrolment cue before it makes tier 1."""
    if "例" not in ctx.text and "名" not in ctx.text:
        return
    for m in CHINESE_COUNT.finditer(ctx.text):
        value = parse_number(m.group("n"))
        if value is None or _in_parentheses(ctx, m.start()):
            continue
        tier = ENROL if CHINESE_ENROL_BEFORE.search(ctx.left(m.start(), window=30)) else WEAK
        yield Count(value, m.start("n"), m.end("n"), tier, "chinese_count")


def _coordinated_sums(ctx: _Context, counts: list[Count]) -> list[Count]:
    """Sums of counts joined in one clause before their verb: "Five NMO patients and 5 RRMS patients were treated"."""
    ordered = sorted({(c.start, c.end): c for c in counts}.values(), key=lambda c: c.start)
    sums = []
    for first, second in zip(ordered, ordered[1:]):
        between = ctx.text[first.end:second.start]
        if first.tier != WEAK or second.tier not in (ENROL, TREAT, TOTAL):
            continue
        if len(between) > 60 or re.search(r"[.;()]|\d", between):
            continue
        if COORDINATION.search(between) and not re.search(r"\b(?:of|with|without|in|among)\b", between):
            sums.append(Count(first.value + second.value, first.start, second.end, second.tier, "coordinated_sum"))
    return sums


def _control_addendum(grammar: Grammar, ctx: _Context, best: Count) -> Count | None:
    """"Fifty-three patients ... acted as the control group" after "Fifty patients were recruited"; also
    "the remaining 20 acting as a control group". A control count smaller than the best may be part of it."""
    for start, end in ctx.numbers_between(best.end, len(ctx.text)):
        value = parse_number(ctx.text[start:end])
        if value is None or value < best.value or not _is_count(ctx, start, end, value) or _in_parentheses(ctx, start):
            continue
        sentence_end = ctx.sentence_bounds(start)[1]
        if _verb_class(grammar, ctx.text[end:sentence_end]) == "control":
            return Count(best.value + value, best.start, end, best.tier, "control_addendum")
    return None


def _candidates(grammar: Grammar, ctx: _Context) -> list[Count]:
    """Every candidate count of the text."""
    counts = [
        *_noun_counts(grammar, ctx),
        *_abbr_counts(grammar, ctx),
        *_verb_counts(grammar, ctx),
        *_hyphen_counts(grammar, ctx),
        *_n_equals_counts(grammar, ctx),
        *_chinese_counts(ctx),
    ]
    return [*counts, *_coordinated_sums(ctx, counts)]


def _arm_sum(ctx: _Context, arms: list[ArmCount]) -> Count:
    """The arms' sum; tier 1 when the text states the same number elsewhere ("Of 181 eligible patients,
    89 were assigned to A and 92 to B"), so two independent statements agree on it. The evidence then
    runs from the first of them to the last arm."""
    total = sum(a.n for a in arms)
    corroborating = [
        start for start, end in ctx.numbers
        if parse_number(ctx.text[start:end]) == total
        and _is_count(ctx, start, end, total)
        and not AMOUNT_AFTER.match(ctx.text, end)
        and not any(a.start <= start < a.end for a in arms)
    ]
    if corroborating:
        start = min(corroborating[0], arms[0].start)
        return Count(total, start, max(arms[-1].end, corroborating[0]), ENROL, "arm_sum_corroborated")
    return Count(total, arms[0].start, arms[-1].end, ARMS, "arm_sum")


def _sample_size(grammar: Grammar, ctx: _Context, arms: list[ArmCount], *, review: bool) -> Count | None:
    """The best count: lowest tier, then earliest; a coordinated sum beats its parts; the arms' sum as fallback."""
    # one group's n is not the sample size: "440 women were allocated to the intervention group and 439 ..."
    counts = [c if not any(a.start <= c.start < a.end for a in arms) else Count(c.value, c.start, c.end, WEAK, c.rule)
              for c in _candidates(grammar, ctx)]
    if len(arms) >= 2:
        # people treated, counted after the arms were stated, are a subgroup or an outcome ("7 patients on A
        # and 3 on B relapsed"); a count with an enrolment or total cue still states the sample
        counts = [Count(c.value, c.start, c.end, WEAK, c.rule) if c.tier == TREAT and c.start >= arms[-1].end else c
                  for c in counts]
        counts.append(_arm_sum(ctx, arms))
    if review:
        counts = [c for c in counts if c.tier == TOTAL]
    if not counts:
        return None
    best = min(counts, key=lambda c: (c.tier, c.start, c.rule != "coordinated_sum"))
    if best.tier in (TOTAL, ENROL, TREAT):
        return _control_addendum(grammar, ctx, best) or best
    return best


# --- arms --------------------------------------------------------------------------------

#: A label that names a study group: "control group", "the MSC arm", "cohort 2".
GROUP_NOUN = re.compile(r"\b(?:group|arm|cohort)\b", re.IGNORECASE)
#: Equal arms: "each group had 20 cases", "each arm included 15 patients", "20 patients in each group".
EACH_GROUP_N = re.compile(
    r"\beach\s+(?:group|arm)\s+(?:had|included|comprised|consisted\s+of|contained|of|with)\s+(?P<n>\d+|[A-Za-z]+(?:-[a-z]+)?)\s+(?:cases|patients|subjects|participants)",
    re.IGNORECASE,
)
#: A Chinese group and its size: "治疗组30例", "对照组(48例)", "研究组 n=30" is not this (see N_EQUALS).
CJK_GROUP_N = re.compile(rf"(?P<label>{CJK_ARM})\s*[(（]?\s*(?P<n>\d+)\s*(?:例|名|人)")
#: Equal arms, the count first: "with 30 cases in each group", "20 patients per group".
EACH_GROUP_N_AFTER = re.compile(  # matched at each count (``_anchored``), not scanned over the text
    rf"(?P<n>{COUNT_PATTERN})\s+(?:cases|patients|subjects|participants)\s+(?:in\s+each|per)\s+(?:group|arm)\b",
    re.IGNORECASE,
)
#: Equal arms in Chinese: "每组30例" (30 cases in each group), "分为观察组和对照组各40例" (40 each).
EACH_GROUP_N_CJK = re.compile(r"(?:(?:每组|各组)(?:各)?|(?<=组)各|(?<=组[，,])各)\s*(?P<n>\d+)\s*(?:例|名|人)")
#: Two groups named in a Chinese allocation: "随机分为治疗组和对照组" (randomly divided into a treatment and a control group).
GROUP_LIST_CJK = re.compile(r"分为(?P<first>[^，,。；、和与及]{1,12}组)(?:和|与|及|、)(?P<second>[^，,。；、和与及]{1,12}组)")
#: The two groups named in an allocation: "divided into peripheral-vein group and hepatic-artery group".
GROUP_LIST = re.compile(
    r"\b(?:into|to)\s+(?:the\s+)?(?P<first>(?:(?!\b(?:into|to)\b)[\w\-+/ ]){2,40}?\s(?:group|arm))\s*(?:,\s*|\s+)(?:and|or)\s+"
    r"(?:the\s+)?(?P<second>[\w\-+/ ]{2,40}?\s(?:group|arm))\b",
    re.IGNORECASE,
)


def _count_nouns(grammar: Grammar, ctx: _Context) -> list[re.Match]:
    """Matches of the count-noun rule ("Forty-five patients"), found once per text."""
    if "count_noun" not in ctx.memo:
        ctx.memo["count_noun"] = list(_anchored(grammar.count_noun, ctx))
    return ctx.memo["count_noun"]


def _arm_candidates(grammar: Grammar, ctx: _Context) -> list[ArmCount]:
    """Every group n the text states, in text order: "(n = 27)", "(349 patients)", "20 in cohort A"."""
    if "arms" not in ctx.memo:
        ctx.memo["arms"] = _find_arm_candidates(grammar, ctx)
    return ctx.memo["arms"]


def _find_arm_candidates(grammar: Grammar, ctx: _Context) -> list[ArmCount]:
    found = []
    for m in ctx.n_equals:
        label = _clean_label(_phrase_before(ctx.left(m.start(), window=60)))
        if label and not _is_whole_sample_n(grammar, ctx, m):
            found.append(ArmCount(label, int(m.group("n").replace(",", "")), m.start(), m.end(), "n_equals"))
    if "组" in ctx.text:
        for m in CJK_GROUP_N.finditer(ctx.text):  # "治疗组30例和对照组30例", "对照组(48例)"
            found.append(ArmCount(m.group("label"), int(m.group("n")), m.start(), m.end(), "cjk_group_n"))
    for m in _anchored(grammar.arm_paren, ctx):
        bracket = re.search(r"[(\[]\s*$", ctx.text[max(0, m.start() - 4):m.start()])
        if bracket is None:
            continue
        start = m.start() - (len(bracket.group(0)))
        label = _clean_label(_phrase_before(ctx.left(start, window=60)))
        value = parse_number(m.group("n"))
        if label and value is not None:
            found.append(ArmCount(label, value, start, m.end(), "paren_count"))
    for m in _anchored(grammar.arm_count, ctx):
        value = parse_number(m.group("n"))
        label = _clean_label(m.group("label"))
        if PART_AFTER.match(ctx.text, m.end("n")) or PART_AFTER.match(ctx.text, m.end()):
            continue  # "14 in the control group (25%) developed X": an outcome count, not the arm's size
        if value is not None and label and _arm_match(grammar, ctx, m.start()) is not None:
            found.append(ArmCount(label, value, m.start(), m.end(), "count_in_group"))
    for m in _anchored(ARM_TO_LABEL, ctx):
        label = _clean_label(m.group("label"))
        n = parse_number(m.group("n"))
        if n is None:
            continue
        if _year_like(n) and YEAR_BEFORE.search(ctx.left(m.start(), window=24)):
            continue  # "from 2006 to 2008": a span of years
        if label and not DOSE_OR_TIME_LABEL.match(label):
            found.append(ArmCount(label, n, m.start(), m.end(), "n_to_label"))
    for m in _count_nouns(grammar, ctx):
        left = ctx.left(m.start(), window=60)
        subject = GROUP_SUBJECT_BEFORE.search(left)
        value = parse_number(m.group("n"))
        if subject and value is not None and (label := _clean_label(subject.group("label"))):
            start = m.start() - len(left) + subject.start("label")
            found.append(ArmCount(label, value, start, m.end("n"), "group_subject"))
    return sorted(found, key=lambda a: a.start)


#: "41 to GA", "29 (51.8%) were randomized to PICC", "27 received T-FEC", "30 patients receiving UC-MSC
#: transfusion", "25 were treated with laser", "Thirty-one patients received MSCs in addition to ...": an arm's
#: size before its label (matched at each count).
ARM_TO_LABEL = re.compile(
    rf"(?P<n>{COUNT_PATTERN})\s+(?:\(\d+(?:\.\d+)?\s?%\)\s+)?(?:patients\s+|women\s+|men\s+|participants\s+)?"
    r"(?:(?:were\s+)?(?:randomi[sz]ed|assigned|allocated)\s+to|to|received|receiving|(?:were\s+)?treated\s+with)\s+"
    r"(?:the\s+|receive\s+)?"
    r"(?P<label>[A-Za-z][\w\-+/]*(?:\s+(?!and\b|or\b|with\b|for\b)[\w\-+/]+){0,4}?)"
    r"(?=\s*(?:[,;()\]]|\band\b|\bin\s+addition\s+to\b|\.(?:\s|$)|$))",
    re.IGNORECASE,
)
#: A group named as the subject of its size, read before the count: "cohort 1 enrolled 66 (patients)",
#: "the control group included 30 (patients)", "Group A consisted of 20 (children)".
GROUP_SUBJECT_BEFORE = re.compile(
    r"(?P<label>\b(?:(?!(?:the|a|and|each|both|two|three|all|either|of|in)\b)[\w\-+/]+\s+){0,3}?(?:group|arm|cohort)"
    r"(?:\s+(?:[A-Z]|\d{1,2}|I{1,3}V?)\b)?)\s+(?:enrolled|included|comprised|consisted\s+of|contained|"
    r"was\s+composed\s+of|had)\s+$",
    re.IGNORECASE,
)
#: Labels that are a dose, time, date or number rather than an arm: "to 12 months", "to 4 weeks", "to August 2007",
#: "received two doses", "received three"; or what each participant had: "received their allocated treatment".
DOSE_OR_TIME_LABEL = re.compile(
    rf"\d|(?:day|week|month|year)s?\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d|"
    rf"(?:{NUMBER_WORDS_PATTERN}|single|double|their|his|her|its|all|both|each|either)(?:\s|$)",
    re.IGNORECASE,
)


def _clean_label(label: str) -> str:
    """A group label without leading articles or verbs and trailing punctuation; "" when none is left."""
    label = re.sub(
        r"^\s*(?:(?:the|a|an|in|of|and|receive|received|receiving|were|was|randomi[sz]ed|assigned|allocated)\s+)+",
        "", label.strip(), flags=re.IGNORECASE,
    )
    label = label.strip(" .,;:)([]")
    dose = LISTED_DOSE_END.search(label)
    if dose and (dose.start() == 0 or not re.search(r"[A-Za-z]{2}", label[dose.end() :])):
        return dose.group(0)  # a dose cohort: "at doses of 1 × 10^7 (n = 5)"
    if re.search(r"(?:\b(?:and|or|was|were|is|of|with|range|to|vs|versus|than)\s+|-)\d+(?:\.\d+)?\s?%$", label):
        return ""  # "... and 1.8% (n = 57)": the n of a percentage, not a group's size ("drug 0.25%" is a dose)
    if "=" in label or not re.search(r"[A-Za-z]{2}|[\u4e00-\u9fff]", label):
        return ""  # "P = 0.005" is a statistic, not a group
    return label if len(label) <= 60 else ""


def _arms(grammar: Grammar, ctx: _Context) -> list[ArmCount]:
    """Arms of the first allocation: two or more group counts of one form in one sentence with an allocation word."""
    by_sentence: dict[tuple[int, int, str], list[ArmCount]] = {}
    for arm in _arm_candidates(grammar, ctx):
        # one list of arms is written one way: "(n = 27) ... (n = 27)", not "(769 patients) ... 24 to EXE"
        by_sentence.setdefault((*ctx.sentence_bounds(arm.start), arm.rule), []).append(arm)
    for (start, end, _), arms in sorted(by_sentence.items()):
        arms = _dedupe(arms)
        if len(arms) >= 2 and ALLOCATION.search(ctx.text[start:end]):
            return arms
    return _arms_each_group(ctx) or _arms_across_sentences(grammar, ctx)


def _arms_across_sentences(grammar: Grammar, ctx: _Context) -> list[ArmCount]:
    """Group sizes stated one sentence each: "The control group (n = 54) was ... The experimental group (n = 56) ...",
    "The treatment group included 30 patients. The control group included 28 patients."."""
    named = [a for a in _arm_candidates(grammar, ctx)
             if a.rule in ("n_equals", "group_subject") and GROUP_NOUN.search(a.label)]
    for i, first in enumerate(named):
        run = [first]
        for arm in named[i + 1 :]:
            if _sentence_index(ctx, arm.start) - _sentence_index(ctx, run[-1].start) > 2:
                break
            run.append(arm)
        run = _dedupe(run)
        if len(run) >= 2 and all(_sentence_index(ctx, a.start) != _sentence_index(ctx, run[0].start) for a in run[1:]):
            return run
    return []


def _arms_each_group(ctx: _Context) -> list[ArmCount]:
    """"divided into the A group and the B group, and each group had 20 cases": equal arms named in a list;
    "2.5 × 10^7, 5 × 10^7, or 1 × 10^8 cells ..., three patients in each cluster": one arm per dose."""
    each = (EACH_GROUP_N.search(ctx.text) or next(_anchored(EACH_GROUP_N_AFTER, ctx), None)
            or EACH_GROUP_N_CJK.search(ctx.text))
    if each is None:
        return _arms_each_dose(ctx)
    start, _ = ctx.sentence_bounds(each.start())
    listed = (GROUP_LIST.search(ctx.text, max(0, start - 300), each.start())
              or GROUP_LIST_CJK.search(ctx.text, max(0, start - 300), each.start()))
    value = parse_number(each.group("n"))
    if listed is None or value is None:
        return []
    labels = [listed.group("first").strip(), listed.group("second").strip()]
    return [ArmCount(label, value, each.start(), each.end(), "each_group") for label in labels]


#: Equal dose cohorts: "three patients in each cluster", "3 subjects per dose level", "n = 5 per cohort".
EACH_COHORT_N = re.compile(
    rf"(?P<n>{COUNT_PATTERN})\s+(?:patients|subjects|participants)\s+(?:in|per)\s+(?:each\s+)?"
    r"(?:cohort|cluster|dose(?:\s+(?:level|group|cohort))?|group|arm)\b",
    re.IGNORECASE,
)
#: A cell dose in a list of doses: "2.5 × 10^7", "1 x 10(8)", "5×10^6".
LISTED_DOSE = re.compile(r"\d+(?:\.\d+)?\s*[×x]\s*10\s*(?:\^\s*\d+|\(\d+\)|\d)")
#: A dose ending a group label, "cells" included: "at doses of 1 × 10^7", "3 × 10^7 cells".
LISTED_DOSE_END = re.compile(rf"{LISTED_DOSE.pattern}(?:\s*cells)?$")


def _arms_each_dose(ctx: _Context) -> list[ArmCount]:
    """One arm per dose when a sentence lists the doses and the people in each: "received 2.5 × 10^7, 5 × 10^7,
    or 1 × 10^8 cells ..., three patients in each cluster"."""
    if " each " not in ctx.text and " per " not in ctx.text:
        return []
    each = next(_anchored(EACH_COHORT_N, ctx), None)  # matched at each count, not scanned over the text
    if each is None or (value := parse_number(each.group("n"))) is None:
        return []
    start, _ = ctx.sentence_bounds(each.start())
    doses = list(LISTED_DOSE.finditer(ctx.text, start, each.start()))
    if len(doses) < 2:
        return []
    cells = " cells" if re.match(r"\s*cells\b", ctx.text[doses[-1].end() :]) else ""
    return [ArmCount(re.sub(r"\s+", " ", d.group(0)) + cells, value, d.start(), each.end(), "each_dose") for d in doses]


def _sentence_index(ctx: _Context, position: int) -> int:
    return bisect_right(ctx.starts, position)


def _dedupe(arms: list[ArmCount]) -> list[ArmCount]:
    """Drop overlapping candidates (the same n read by two rules) and repeated labels."""
    out: list[ArmCount] = []
    for arm in arms:
        if out and arm.start < out[-1].end or any(a.label.lower() == arm.label.lower() for a in out):
            continue
        out.append(arm)
    return out


# --- conditions -------------------------------------------------------------------

#: The head of a condition name: a disease word or a typical suffix ("-itis", "-osis", "-oma", "-emia", "-pathy").
CONDITION_HEAD = (
    r"(?:disease|disorder|syndrome|cancer|carcinoma|tumou?r|failure|insufficiency|injury|infection|ulcers?|"
    r"fistula[es]?|diabetes(?:\s+mellitus)?|ischa?emia|anemia|anaemia|stroke|sclerosis|palsy|dystrophy|atrophy|"
    r"purpura|thrombocytopenia|lupus\s+erythematosus|hypertension|obesity|asthma|pain|dementia|depression|"
    r"schizophrenia|psoriasis|foot|covid-19|defects?|lesions?|fractures?|nephropathy|neuropathy|"
    r"[a-z]+(?:itis|osis|oma|emia|aemia|pathy|plegia|trophy))"
)
#: A condition phrase: up to four modifiers then a head: "decompensated liver cirrhosis", "knee osteoarthritis".
CONDITION = re.compile(
    rf"\b(?P<cond>(?:(?!(?:with|and|or|of|in|for|the|a|an|to|by|patients|from|after|on|at|treated|using|via)\b)"
    rf"(?:[A-Za-z][\w'’\-]*|[0-9IV]{{1,3}}\b)\s+){{0,4}}{CONDITION_HEAD}(?:/{CONDITION_HEAD})*)\b",
    re.IGNORECASE,
)
#: Where a condition is named: "patients with X", "treatment of X", "for X", "in X patients".
CONDITION_CUE = re.compile(
    r"\b(?:patients?|subjects|participants|women|men|children|adults|cases)\s+with\s+|"
    r"\b(?:treatment|therapy|management|prevention)\s+(?:of|for)\s+|\bfor\s+(?:the\s+)?|\bin\s+(?:the\s+)?",
    re.IGNORECASE,
)
#: The cues of CONDITION_CUE that may name background diseases: "for (the) X", "in (the) X".
WEAK_CONDITION_CUE = re.compile(r"\b(?:for|in)\s+(?:the\s+)?", re.IGNORECASE)
#: Words that open a phrase the condition rule must not keep ("refractory", "active").
CONDITION_TRIM = re.compile(
    r"^(?:(?:refractory|active|severe|moderate|mild|chronic\s+refractory|persistently\s+active|established|"
    r"newly\s+diagnosed|recent-onset|new-onset|early|advanced|treatment-refractory|steroid-refractory|"
    r"human|allogeneic|autologous|patients?|adult|japanese|chinese|korean)\s+)+",
    re.IGNORECASE,
)


def _conditions(doc: Doc, ctx: _Context) -> tuple[list[str], list[Span]]:
    """Condition names from the title and the first sentences, abbreviations expanded, lower case."""
    text = ctx.text
    abbreviations = doc.user_data.get("abbreviations", {}) or {}
    limit = ctx.starts[min(len(ctx.starts) - 1, 4)] if len(ctx.starts) > 4 else len(text)
    strong: dict[str, Span] = {}
    weak: dict[str, Span] = {}
    for cue in CONDITION_CUE.finditer(text, 0, limit):
        m = CONDITION.match(text, cue.end())
        if not m:
            continue
        # "patients with X", "treatment of X" name the studied condition; a bare "in X" / "for X" may be
        # background ("may improve liver function in end-stage liver disease") and counts only alone.
        names = weak if WEAK_CONDITION_CUE.fullmatch(cue.group(0)) else strong
        for part, start, end in _split_conditions(text, m.start("cond"), m.end("cond")):
            name = _normalise_condition(part, abbreviations)
            if name and name not in names:
                names[name] = Span.of(text, start, end, rule="condition_phrase", field="population.conditions")
    if not strong and not text.isascii() and CJK.search(text, 0, limit) and (cjk := _cjk_conditions(text, limit)):
        strong = cjk
    chosen = strong or weak
    return list(chosen), list(chosen.values())


#: A Chinese disease name ending in a disease head: "系统性红斑狼疮", "难治性狼疮性肾炎", "失代偿期肝硬化".
CJK_CONDITION_HEAD = r"(?:综合征|狼疮|肝硬化|硬化|衰竭|损伤|梗死|障碍|病|症|炎|癌|瘤)"
#: Where a Chinese text names the condition studied: after 治疗 (treating), before 患者 (patients) or 的疗效.
CJK_CONDITION = re.compile(
    rf"(?:治疗|防治|改善)(?P<treated>[\u4e00-\u9fff]{{2,12}}?{CJK_CONDITION_HEAD})(?=[的患，。、（(\s]|$)|"
    rf"(?P<patients>[\u4e00-\u9fff]{{2,12}}?{CJK_CONDITION_HEAD})(?:患者|病人)"
)
#: Words that open a Chinese phrase but are not part of the disease name: "例", "名", "选取", "收治的".
CJK_CONDITION_LEAD = re.compile(r".*?(?:例|名|的|选取|选择|入选|收集|收治|纳入|接受|对|在|于|将|与|和)(?=[\u4e00-\u9fff]{2})")


def _cjk_conditions(text: str, limit: int) -> dict[str, Span]:
    """Chinese condition names from the title and first sentences: "治疗系统性红斑狼疮", "92例难治性LN患者"."""
    names: dict[str, Span] = {}
    for m in CJK_CONDITION.finditer(text, 0, limit):
        group = "treated" if m.group("treated") else "patients"
        start, end = m.start(group), m.end(group)
        while lead := CJK_CONDITION_LEAD.match(text, start, end):  # "收治的难治性…": 收治, then 的
            start = lead.end()
        name = text[start:end]
        if len(name) >= 2 and name not in names and not any(name in known for known in names):
            names[name] = Span.of(text, start, end, rule="condition_phrase_cjk", field="population.conditions")
    return names


def _split_conditions(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Split "polymyositis/dermatomyositis" into its parts, each with offsets."""
    parts = []
    offset = start
    for piece in re.split(r"(/)", text[start:end]):
        if piece != "/" and piece.strip():
            parts.append((piece, offset, offset + len(piece)))
        offset += len(piece)
    return parts


def _normalise_condition(name: str, abbreviations: dict) -> str:
    """Lower case, leading qualifiers trimmed, an abbreviation replaced by its long form."""
    name = CONDITION_TRIM.sub("", name.strip())
    words = name.split()
    expanded = [abbreviations[w].long if w in abbreviations else w for w in words]
    name = " ".join(expanded).lower().strip(" -")
    return name if len(name) >= 4 else ""


# --- entry point ----------------------------------------------------------------------


def extract_population(doc: Doc) -> Section:
    """Sample size, arms and conditions of ``doc`` with evidence spans (FORMAT.md population)."""
    grammar = _grammar()
    ctx = _make_context(doc, grammar)
    arms = _arms(grammar, ctx)
    review = _is_review(ctx)
    best = _sample_size(grammar, ctx, arms, review=review)
    conditions, condition_spans = _conditions(doc, ctx)
    evidence = [Span.of(ctx.text, a.start, a.end, rule="arm_n", field="population.arms") for a in arms]
    if best is not None:
        evidence.insert(0, Span.of(ctx.text, best.start, best.end, rule=best.rule, field="population.sample_size"))
    values = {
        "sample_size": best.value if best is not None else None,
        "arms": [{"label": a.label, "n": a.n} for a in arms],
        "conditions": conditions,
    }
    return Section(values=values, evidence=(*evidence, *condition_spans))


def _is_review(ctx: _Context) -> bool:
    """A review or meta-analysis: its cue in the title or a search of databases in the text."""
    lowered = ctx.text.lower()
    if not any(cue in lowered for cue in REVIEW_HINTS):
        return False  # a plain substring test spares the regex on most texts
    title_end = ctx.starts[1] if len(ctx.starts) > 1 else len(ctx.text)
    title = ctx.text[:title_end].strip()
    return bool(REVIEW.search(ctx.text) or REVIEW_TITLE.search(title))
