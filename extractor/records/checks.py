"""Checks of one exchange-format record: the pydantic contract first, then plausibility (sense) rules.

The models in ``models.py`` stay the format contract (types, vocabularies,
bounds). The rules here catch what a well-typed record can still get wrong
when a curator writes it by hand: a negative SD, more participants in an arm
than in the study, ``days`` that disagree with the timepoint text, ``p = 0``,
a ``mean_sd`` without its SD, a DOI that is not one, a value's group that
names no arm, more events than their total, a ratio at or below 0, an estimate
outside its CI. Each problem is an ``Issue`` with the path of the field, so a
caller can point at the file and line where the field is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from extractor.records.models import EFFECT_STATISTICS, SPREAD_STATISTICS, Arm, OutcomeValue, StudyRecord

#: Marks a field that is absent (as opposed to present with ``null``).
MISSING = object()
#: Field paths are tuples of keys and list positions: ``("outcomes", 0, "values", 2, "spread")``.
Path = tuple[str | int, ...]

#: The earliest year a study record can plausibly carry (controlled trials in the modern sense).
EARLIEST_YEAR = 1900
#: Days per timepoint unit, as FORMAT.md defines them (day 1, week 7, month 30, year 365).
UNIT_DAYS = {
    "hour": 1 / 24, "hr": 1 / 24, "h": 1 / 24, "day": 1, "d": 1, "week": 7, "wk": 7, "month": 30, "mo": 30,
    "year": 365, "yr": 365, "小时": 1 / 24, "天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "月": 30, "年": 365,
}
#: Number words a timepoint may spell out ("six to twelve months").
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "a": 1, "an": 1, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10,
}
#: Words of a baseline timepoint (day 0) when no number is written.
BASELINE_WORDS = ("baseline", "before treatment", "pre-treatment", "pretreatment", "before transplant",
                  "before infusion", "治疗前", "基线")
#: Words stripped from group labels and arm labels before comparing them.
LABEL_STOPWORDS = frozenset({"group", "groups", "arm", "arms", "the", "patients", "cohort", "组"})
#: Effect estimates on a ratio scale: the estimate and its limits are above 0 (1 is no difference).
RATIO_STATISTICS = frozenset({"odds_ratio", "risk_ratio", "hazard_ratio"})
#: Schema versions that have the effect-estimate statistics (FORMAT.md, Versions).
EFFECT_VERSIONS = frozenset({"1.1"})

_DIGITS = r"\d+(?:\.\d+)?"
_WORDS = sorted((w for w in NUMBER_WORDS if w.isascii()), key=len, reverse=True)  # longest first: "sixteen"
_NUMBER = rf"(?:{_DIGITS}|{'|'.join(_WORDS)})"
# A later item of a list or range is no "a"/"an": "one and a half years" states no list.
_LATER_NUMBER = rf"(?:{_DIGITS}|{'|'.join(w for w in _WORDS if w not in ('a', 'an'))})"
# Joins the numbers of a range or list: "3-6", "six to twelve", "1, 3, and 6", "8 and 12", "3 or 6".
_JOIN = r"(?:\s*(?:-|–|\bto\b|,\s*(?:and|or)\b|,|\band\b|\bor\b)\s*)"
_NUMBERS = rf"(\b{_NUMBER}(?:{_JOIN}{_LATER_NUMBER})*)"
_CJK_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
_UNIT = r"(hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?|years?|yrs?)"
# Numbers (a range or a list) before their unit: "12 months", "4-year", "six to twelve months", "3-6 months",
# "24 h", "1, 3, and 6 months". A word needs a space or hyphen before its unit ("an d" is not "and").
NUMBER_UNIT = re.compile(rf"{_NUMBERS}(?:(?<=\d)[\s-]*|[\s-]+){_UNIT}\b", re.IGNORECASE)
# A unit before its numbers: "week 24", "day 28", "month 1", "months 3, 6, and 12".
UNIT_NUMBER = re.compile(rf"\b{_UNIT}\s+{_NUMBERS}\b", re.IGNORECASE)
# One number of a range or list found by NUMBER_UNIT or UNIT_NUMBER: "3", "six".
ONE_NUMBER = re.compile(rf"\b{_NUMBER}\b", re.IGNORECASE)
# A Chinese duration: "3年", "6个月", "12周", "两年".
CJK_NUMBER_UNIT = re.compile(rf"{_CJK_NUMBER}\s*(小时|天|日|周|星期|个月|月|年)")
# A DOI as the format stores it: "10.1186/s12967-018-1464-0" (lower case, no https://doi.org/ prefix).
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# A document id: a scheme and a value, "doi:10.1/x", "pmid:12345", "sha256:ab12...", "file:002".
DOCUMENT_ID = re.compile(r"^[a-z][a-z0-9]*:\S+$")
# A PubMed id: digits only, "31278473".
PMID = re.compile(r"^\d{1,9}$")
# Anything but letters, digits and CJK, for comparing labels: "High-dose group" ~ "high dose".
NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of a record: the field's ``path``, what is wrong, and the value found (or ``MISSING``)."""

    path: Path
    message: str
    value: Any = MISSING

    @property
    def dotted(self) -> str:
        """The path as ``outcomes.0.values.2.spread`` (``(record)`` for the whole record)."""
        return ".".join(str(part) for part in self.path) or "(record)"


def check_record(data: Any) -> tuple[StudyRecord | None, list[Issue]]:
    """Validate ``data`` against the models, then (when it is well-formed) against the plausibility rules.

    Returns the parsed record (``None`` when the contract is broken) and every
    issue found; an empty list means the record is valid.
    """
    if not isinstance(data, dict):
        return None, [Issue((), "a study record must be a JSON object", _type_name(data))]
    try:
        record = StudyRecord.model_validate(data)
    except ValidationError as exc:
        return None, [_contract_issue(error) for error in exc.errors()]
    return record, list(check_plausibility(record))


def check_plausibility(record: StudyRecord) -> Iterator[Issue]:
    """Every plausibility issue of a well-formed record (see ``RULES``)."""
    for rule in RULES:
        yield from rule(record)


# ---------------------------------------------------------------- contract


def _contract_issue(error: dict[str, Any]) -> Issue:
    """A pydantic error as an ``Issue`` with a message a curator understands."""
    kind = error["type"]
    value = MISSING if kind == "missing" else error.get("input", MISSING)
    if kind == "extra_forbidden":
        message = "unknown field (misspelt? FORMAT.md lists the fields)"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"not in the vocabulary; expected {expected}"
    else:
        message = error["msg"][:1].lower() + error["msg"][1:]
    return Issue(tuple(error["loc"]), message, value)


def _type_name(value: Any) -> str:
    """``a list``, ``a string``: what a non-object record is, for the message."""
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


# ---------------------------------------------------------------- document


def check_document(record: StudyRecord) -> Iterator[Issue]:
    """A plausible year, a DOI that looks like one, a document id with a scheme that agrees with the DOI."""
    document = record.document
    latest = date.today().year + 1
    if document.year is not None and not EARLIEST_YEAR <= document.year <= latest:
        yield Issue(("document", "year"), f"implausible year; expected {EARLIEST_YEAR} to {latest}", document.year)
    doi_issues = list(_check_doi(document.doi)) if document.doi is not None else []
    yield from doi_issues
    if document.pmid is not None and not PMID.match(document.pmid):
        yield Issue(("document", "pmid"), "a PubMed id is digits only", document.pmid)
    if not DOCUMENT_ID.match(document.id):
        yield Issue(("document", "id"), "expected 'doi:...', 'pmid:...' or 'sha256:...' (a scheme, a colon, a value)",
                    document.id)
    elif document.id.startswith("doi:") and document.doi and not doi_issues and document.id[4:] != document.doi:
        yield Issue(("document", "id"), f"names another DOI than document.doi ({document.doi})", document.id)


def _check_doi(doi: str) -> Iterator[Issue]:
    """A DOI is ``10.<registrant>/<suffix>``, lower case, without a URL or ``doi:`` prefix."""
    if not DOI.match(doi.strip()):
        yield Issue(("document", "doi"), "does not look like a DOI; expected 10.NNNN/suffix without a URL prefix", doi)
    elif doi != doi.lower():
        yield Issue(("document", "doi"), "DOIs are stored lower case", doi)


# ---------------------------------------------------------------- design and population


def check_follow_up(record: StudyRecord) -> Iterator[Issue]:
    """``min_days <= max_days``, and the text's duration within them."""
    follow_up = record.design.follow_up
    if follow_up is None:
        return
    low, high = follow_up.min_days, follow_up.max_days
    if low is not None and high is not None and low > high:
        yield Issue(("design", "follow_up", "min_days"), f"is above max_days ({high:g})", low)
        return
    stated = [d for d in timepoint_days(follow_up.text) if d > 0]
    if stated and low is not None and high is not None and not any(
            days_close(d, low) or days_close(d, high) or low <= d <= high for d in stated):
        yield Issue(("design", "follow_up", "min_days"),
                    f"the text {follow_up.text!r} says {_days_text(stated)}, outside min_days..max_days "
                    f"({low:g}..{high:g})", low)


def check_population(record: StudyRecord) -> Iterator[Issue]:
    """No arm larger than the sample, arm sizes summing to no more than it, arm labels unique."""
    population = record.population
    size = population.sample_size
    seen: set[str] = set()
    for index, arm in enumerate(population.arms):
        if size is not None and arm.n is not None and arm.n > size:
            yield Issue(("population", "arms", index, "n"), f"is above the sample size ({size})", arm.n)
        key = label_key(arm.label)
        if key in seen:
            yield Issue(("population", "arms", index, "label"), "names the same arm as an earlier label", arm.label)
        seen.add(key)
    total = sum(arm.n or 0 for arm in population.arms)
    if size is not None and total > size:
        yield Issue(("population", "sample_size"), f"is below the sum of the arm sizes ({total})", size)


def check_design(record: StudyRecord) -> Iterator[Issue]:
    """The design type agrees with the randomized and controlled flags (FORMAT.md's DESIGN TYPES)."""
    design = record.design
    if design.type == "rct" and design.randomized is False:
        yield Issue(("design", "randomized"), "is false but design.type is 'rct' (randomized)", False)
    if design.type in ("single_arm", "case_report", "case_series") and design.controlled is True:
        yield Issue(("design", "controlled"), f"is true but design.type is {design.type!r} (uncontrolled)", True)


# ---------------------------------------------------------------- outcomes


def check_outcomes(record: StudyRecord) -> Iterator[Issue]:
    """Each outcome has a value; each value passes ``check_value``."""
    arms = record.population.arms
    for o_index, outcome in enumerate(record.outcomes):
        if not outcome.values:
            yield Issue(("outcomes", o_index, "values"), "an outcome is listed only when it has a number", [])
        for v_index, value in enumerate(outcome.values):
            path = ("outcomes", o_index, "values", v_index)
            yield from (Issue(path + issue.path, issue.message, issue.value)
                        for issue in check_value(value, sample_size=record.population.sample_size, arms=arms))


def check_version(record: StudyRecord) -> Iterator[Issue]:
    """Effect estimates are a format 1.1 statistic: a record using them says ``schema_version: "1.1"``.

    The scorers score effect estimates only against 1.1 records, so a curated
    version 1 entry with an odds ratio would have it ignored when used as gold.
    """
    if record.schema_version in EFFECT_VERSIONS:
        return
    for o_index, outcome in enumerate(record.outcomes):
        for v_index, value in enumerate(outcome.values):
            if value.statistic in EFFECT_STATISTICS:
                yield Issue(("outcomes", o_index, "values", v_index, "statistic"),
                            f"is a format 1.1 statistic; set schema_version to \"1.1\" "
                            f"(this record says {record.schema_version!r})", value.statistic)


def check_value(value: OutcomeValue, *, sample_size: int | None, arms: list[Arm]) -> Iterator[Issue]:
    """Spread, interval, count and percent, effect estimate, n within the sample, p in (0, 1], days, group."""
    yield from _check_spread(value)
    yield from _check_interval(value)
    yield from _check_proportion(value)
    yield from _check_effect(value)
    if value.n is not None and sample_size is not None and value.n > sample_size:
        yield Issue(("n",), f"is above the sample size ({sample_size})", value.n)
    if value.p is not None and value.p.value <= 0:
        yield Issue(("p", "value"), "a p-value is above 0; write 'P < 0.001' as op '<', value 0.001", value.p.value)
    yield from _check_days(value)
    yield from _check_group(value, arms)


def _check_spread(value: OutcomeValue) -> Iterator[Issue]:
    """A ``mean_sd``/``mean_se`` has its spread, and no spread is negative."""
    if value.statistic in SPREAD_STATISTICS and value.spread is None:
        yield Issue(("spread",), f"a {value.statistic} value needs its spread (SD or SE)", None)
    if value.spread is not None and value.spread < 0:
        yield Issue(("spread",), "an SD or SE is never negative", value.spread)


def _check_interval(value: OutcomeValue) -> Iterator[Issue]:
    """``low <= high``, and the value between them (a CI, IQR or range holds its estimate)."""
    low, high = value.low, value.high
    if low is None or high is None:
        return
    if low > high:
        yield Issue(("low",), f"is above high ({high:g})", low)
    elif not low <= value.value <= high:
        yield Issue(("value",), f"lies outside its interval low..high ({low:g}..{high:g})", value.value)


def _check_proportion(value: OutcomeValue) -> Iterator[Issue]:
    """A percent within 0..100; a count of events no larger than its total ``n``."""
    if value.statistic == "percent" and not 0 <= value.value <= 100:
        yield Issue(("value",), "a percent of participants lies between 0 and 100", value.value)
    if value.statistic == "count" and value.n is not None and value.value > value.n:
        yield Issue(("value",), f"a count of participants or events is at most its total n ({value.n})", value.value)


def _check_effect(value: OutcomeValue) -> Iterator[Issue]:
    """An effect estimate is a change; a ratio (odds, risk, hazard) and its limits are above 0."""
    if value.statistic not in EFFECT_STATISTICS:
        return
    if value.kind != "change":
        yield Issue(("kind",), f"an effect estimate ({value.statistic}) compares groups: its kind is 'change'",
                    value.kind)
    if value.statistic not in RATIO_STATISTICS:
        return
    for key in ("value", "low", "high"):
        number = getattr(value, key)
        if number is not None and number <= 0:
            yield Issue((key,), f"a ratio ({value.statistic}) and its limits are above 0 (1 is no difference); "
                                "at or below 0 it is a difference (mean_difference, risk_difference)", number)


def _check_group(value: OutcomeValue, arms: list[Arm]) -> Iterator[Issue]:
    """A value's group names an arm of ``population.arms`` (an effect estimate's group is a comparison)."""
    if value.group is None or not arms or value.statistic in EFFECT_STATISTICS:
        return
    if not any(labels_match(value.group, arm.label) for arm in arms):
        names = ", ".join(repr(arm.label) for arm in arms)
        yield Issue(("group",), f"names no arm of population.arms ({names})", value.group)


def _check_days(value: OutcomeValue) -> Iterator[Issue]:
    """``days`` agrees with the timepoint as written (one of its durations, or 0 for a baseline)."""
    stated = timepoint_days(value.timepoint)
    if not stated:
        return
    if value.days is None:
        yield Issue(("days",), f"is null but the timepoint {value.timepoint!r} says {_days_text(stated)}", None)
    elif not any(days_close(abs(value.days), d) for d in stated):
        yield Issue(("days",), f"disagrees with the timepoint {value.timepoint!r} ({_days_text(stated)})", value.days)


# ---------------------------------------------------------------- helpers


def timepoint_days(text: str | None) -> list[float]:
    """The durations a timepoint or follow-up text states, in days: ``"week 24"`` -> ``[168]``, ``"baseline"`` -> ``[0]``.

    A range gives both ends (``"3-6 months"`` -> ``[90, 180]``); text with no
    duration and no baseline word gives ``[]`` (nothing to check).
    """
    if not text:
        return []
    days = [_number(n) * UNIT_DAYS[_unit(u)] for n, u in _durations(text)]
    if not days and any(word in text.lower() for word in BASELINE_WORDS):
        return [0.0]
    return days


def _durations(text: str) -> Iterator[tuple[str, str]]:
    """(number, unit) pairs of ``text``: both ends of a range, every item of a list."""
    for match in NUMBER_UNIT.finditer(text):
        yield from ((number, match.group(2)) for number in ONE_NUMBER.findall(match.group(1)))
    for match in UNIT_NUMBER.finditer(text):
        yield from ((number, match.group(1)) for number in ONE_NUMBER.findall(match.group(2)))
    for match in CJK_NUMBER_UNIT.finditer(text):
        yield match.group(1), match.group(2)


def _number(word: str) -> float:
    """``"12"`` -> 12, ``"six"`` -> 6, ``"十二"`` -> 12."""
    word = word.lower()
    if word[0].isdigit():
        return float(word)
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    # Chinese numerals up to 99: 十二 = 10 + 2, 二十 = 2 x 10, 二十四 = 2 x 10 + 4.
    tens, _, ones = word.partition("十")
    if "十" not in word:
        return float(NUMBER_WORDS.get(word, 0))
    return float(NUMBER_WORDS.get(tens, 1) * 10 + NUMBER_WORDS.get(ones, 0))


def _unit(word: str) -> str:
    """The key of ``UNIT_DAYS`` for a unit as written: ``"Months"`` -> ``"month"``, ``"wks"`` -> ``"wk"``."""
    word = word.lower()
    return word if word in UNIT_DAYS else word.rstrip("s")


def days_close(a: float, b: float) -> bool:
    """Within a day or 6% (a month of 30 vs 31 days, 12 months vs 1 year), as the scorers compare days."""
    return abs(a - b) <= max(1.0, 0.06 * max(abs(a), abs(b)))


def _days_text(days: list[float]) -> str:
    """``[90.0, 180.0]`` -> ``"90 or 180 days"``."""
    return " or ".join(f"{d:g}" for d in sorted(set(days))) + " days"


def label_key(label: str) -> str:
    """A label reduced for comparison: lower case, punctuation and words like 'group' dropped."""
    words = NON_WORD.sub(" ", label.lower()).split()
    return " ".join(w for w in words if w not in LABEL_STOPWORDS) or label.lower().strip()


def labels_match(group: str, arm: str) -> bool:
    """A value's group names an arm: equal after ``label_key``, or one contains the other ("MSC" ~ "MSC group")."""
    a, b = label_key(group), label_key(arm)
    return a == b or bool(a and b) and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


#: The plausibility rules, in the order their issues are reported.
RULES: tuple[Callable[[StudyRecord], Iterator[Issue]], ...] = (
    check_document, check_design, check_follow_up, check_population, check_outcomes, check_version,
)
