"""The table of statistic forms: how clinical papers write a number and what it is.

A ``Form`` is a row: an id, the statistic it yields (or ``"items"`` when the
bracket after the value decides), a template of named parts (``parts``), an
example and the example's expected parse. A bracket or comma group after a
value is a list of items in any order and label spelling (``ITEMS``): SD, SE,
n, 95% CI, IQR, range, p, an unlabelled interval or number. A new phrasing is
one row plus its example; ``tests/nlp/test_grammar.py`` parses every example.

``find_expressions`` scans a stretch of text once for candidate anchors
(numbers and effect names) and tries the forms anchored there, longest match
first; ``Expression`` is the frozen result with character offsets. Which
statistic an unlabelled bracket is ("a (b)", "a (b–c)") is decided by
``read_expression`` from the labels the text announced earlier ("Data are mean
(SD)", "median (IQR)", "n (%)") and the statistic word before the value.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from extractor.nlp.grammar import parts as P
from extractor.nlp.grammar.numbers import (
    DECIMAL,
    DECIMAL_RE,
    NOT_AFTER_WORD,
    NUMBER_WORDS_PATTERN,
    parse_decimal,
    parse_number,
    parse_p_value,
)


@dataclass(frozen=True, slots=True)
class Form:
    """One way of writing a statistic: ``template`` of ``{part}`` names; ``{part}?`` is optional."""

    id: str
    yields: str
    template: str
    example: str
    expect: dict
    note: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled (or unlabelled) item of a bracket: ``role`` is what its number is."""

    id: str
    role: str
    pattern: str
    example: str
    expect: dict


@dataclass(frozen=True, slots=True)
class Expression:
    """A typed statistic expression read from the text, with character offsets into it.

    ``statistic`` is None while undecided (an unlabelled bracket), see ``read_expression``.
    """

    form: str
    statistic: str | None
    start: int
    end: int
    value: float
    value_start: int
    spread: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    p: tuple[str, float] | None = None
    unit: str | None = None
    label: str | None = None
    roles: tuple[str, ...] = ()
    pair: tuple[int, int] | None = None  # for a count + percent: the span of the percentage
    extra: dict = field(default_factory=dict, compare=False)


#: Effect names by statistic (FORMAT 1.1), matched on the lower-cased label without "adjusted"/"pooled".
EFFECT_STATISTIC = {
    "or": "odds_ratio", "odds ratio": "odds_ratio",
    "rr": "risk_ratio", "risk ratio": "risk_ratio", "relative risk": "risk_ratio", "rate ratio": "risk_ratio",
    "irr": "risk_ratio", "incidence rate ratio": "risk_ratio",
    "hr": "hazard_ratio", "hazard ratio": "hazard_ratio",
    "md": "mean_difference", "wmd": "mean_difference", "mean difference": "mean_difference",
    "weighted mean difference": "mean_difference",
    "smd": "std_mean_difference", "standardized mean difference": "std_mean_difference",
    "standardised mean difference": "std_mean_difference", "hedges g": "std_mean_difference",
    "cohen d": "std_mean_difference", "cohens d": "std_mean_difference", "d": "std_mean_difference",
    "rd": "risk_difference", "risk difference": "risk_difference", "arr": "risk_difference",
    "ard": "risk_difference", "absolute risk difference": "risk_difference",
    "absolute risk reduction": "risk_difference",
}

_INTERVAL_JOIN = rf"{P.SPACE}*(?:to|–|—|‒|-|−|~|～|至|,|and){P.SPACE}*"
_LABEL_GAP = rf"{P.SPACE}*(?:[=:,]|was|of)?{P.SPACE}*"
_NUM = rf"(?P<a>{DECIMAL})(?P<a_unit>{P.UNIT_AFTER})?"
_INTERVAL = rf"(?P<a>{DECIMAL})(?:{P.SPACE}?%)?{_INTERVAL_JOIN}(?P<b>{DECIMAL})(?P<b_unit>{P.UNIT_AFTER})?"
#: A labelled interval may bracket its bounds: "95%CI (-1.04, -0.81)", "IQR [3–7]".
_LABELLED_INTERVAL = rf"{_LABEL_GAP}(?P<inner>{P.OPEN}{P.SPACE}*)?{_INTERVAL}(?(inner){P.SPACE}*{P.CLOSE})"

#: Items of a bracket or comma group, tried in this order at each item's start.
ITEMS: tuple[Item, ...] = (
    Item("p", "p", rf"[Pp]{P.SPACE}*(?:-?{P.SPACE}*values?)?{P.SPACE}*(?P<op>{P.P_OPERATOR}){P.SPACE}*(?P<a>{P.P_NUMBER})",
         "P = 0.03", {"p": ("=", 0.03)}),
    Item("ci", "ci", rf"(?:(?P<level>\d{{2}}(?:\.\d)?){P.SPACE}?%{P.SPACE}?)?(?:CIs?|C\.I\.|CrI|confidence\s+intervals?|credible\s+intervals?)"
         rf"(?:{P.SPACE}*[\[(]CIs?[\])])?{_LABELLED_INTERVAL}", "95% CI 1.19 to 4.11", {"low": 1.19, "high": 4.11}),
    Item("iqr", "iqr", rf"(?:IQR|interquartile\s+range|Q1{P.SPACE}?[-–,]{P.SPACE}?Q3|P25{P.SPACE}?[-–,]{P.SPACE}?P75|quartiles?){_LABELLED_INTERVAL}",
         "IQR 3–7", {"low": 3.0, "high": 7.0}),
    Item("range", "range", rf"(?:range|min(?:imum)?{P.SPACE}?[-–,]{P.SPACE}?max(?:imum)?){_LABELLED_INTERVAL}",
         "range, 31 to 44", {"low": 31.0, "high": 44.0}),
    Item("sd", "sd", rf"(?:SDs?|S\.D\.|s\.d\.|standard\s+deviation){_LABEL_GAP}{_NUM}", "SD = 7.3", {"spread": 7.3}),
    Item("se", "se", rf"(?:SEM|SE|S\.E\.M\.?|S\.E\.|s\.e\.m?\.?|standard\s+error(?:\s+of\s+the\s+mean)?){_LABEL_GAP}{_NUM}",
         "SEM 0.4", {"spread": 0.4}),
    Item("n", "n", rf"(?:[nN]|no\.){P.SPACE}*[=:]?{P.SPACE}*(?P<a>\d+)(?![\d.%])", "n = 41", {"n": 41}),
    Item("fraction", "fraction", rf"(?P<a>\d+){P.SPACE}?(?:/|of|out\s+of){P.SPACE}?(?P<b>\d+)(?![\d.])", "13/14", {"count": 13, "n": 14}),
    Item("interval", "interval", _INTERVAL, "3.2–5.0", {"low": 3.2, "high": 5.0}),
    Item("percent", "percent", rf"(?P<a>{DECIMAL}){P.SPACE}?%", "92.9%", {"percent": 92.9}),
    Item("number", "number", _NUM, "7.3", {"number": 7.3}),
)
_ITEM_RES = tuple((item, re.compile(item.pattern)) for item in ITEMS)
_ITEM_SEPARATOR = re.compile(rf"{P.SPACE}*(?:[,;]|and){P.SPACE}*")

#: The statistics of effect estimates (FORMAT 1.1): their kind is a change, never a mean.
EFFECT_STATISTICS = frozenset(EFFECT_STATISTIC.values())

#: The forms, tried at each anchor in this order; the longest match wins.
FORMS: tuple[Form, ...] = (
    Form("mean_pm", "mean_sd", "{open}?{value}{pct}?{unit}?{pm}{spread}{close}?{bracket}?",
         "5.3 ± 0.2", {"statistic": "mean_sd", "value": 5.3, "spread": 0.2},
         "a ± b, in any bracket, with units or % on either side; a bracket after it adds items"),
    Form("mean_pm_in_bracket", "mean_sd", "{value}{pct}?{unit}?{open}{pm}{spread}{close}",
         "15.2 (± 3.1)", {"statistic": "mean_sd", "value": 15.2, "spread": 3.1}),
    Form("mean_m_sd", "mean_sd", "{m_label}{value}{pct}?{sep}{spread_named}",
         "M = 4.78, SD = 3.56", {"statistic": "mean_sd", "value": 4.78, "spread": 3.56}, "APA style"),
    Form("effect", "effect", "{effect}{effect_gap}{value}{pct}?{unit}?{bracket}?",
         "OR 2.21 (95% CI 1.19-4.11)", {"statistic": "odds_ratio", "value": 2.21, "low": 1.19, "high": 4.11}),
    Form("effect_comma", "effect", "{effect}{effect_gap}{value}{pct}?{unit}?{comma}",
         "MD −13.24; 95% CI −23.28 to −3.20", {"statistic": "mean_difference", "value": -13.24, "low": -23.28, "high": -3.2}),
    Form("count_fraction", "count", "{count}{slash}{total}{people}?{percent_after}?",
         "13/14 (92.9%)", {"statistic": "count", "value": 13, "n": 14, "percent": 92.9}),
    Form("count_of_total", "count", "{count}{of}{total}{people}?{percent_after}?",
         "13 of 14 patients (92.9%)", {"statistic": "count", "value": 13, "n": 14, "percent": 92.9}),
    Form("n_equals_percent", "count", "{n_label}{count}{percent_after}",
         "n = 13 (92.9%)", {"statistic": "count", "value": 13, "percent": 92.9}),
    Form("count_people_percent", "count", "{count}{people}{percent_after}",
         "12 patients (40%)", {"statistic": "count", "value": 12, "percent": 40.0}),
    Form("count_percent_people", "count", "{count}{percent_after}{people}",
         "12 (40%) patients", {"statistic": "count", "value": 12, "percent": 40.0}),
    Form("count_percent", "count_if_announced", "{count}{percent_after}",
         "12 (40%)", {"statistic": "count", "value": 12, "percent": 40.0}, "a count (n (%)) only where 'n (%)' was announced"),
    Form("count_bare_percent", "count_if_announced", "{count}{open}{percent_number}{close}",
         "308 (68.8)", {"statistic": "count", "value": 308, "percent": 68.8},
         "a count with its bare percentage, only where 'n (%)' was announced (a table's header)"),
    Form("percent_fraction", "percent", "{value}{pct}{open}{count}{slash_or_of}{total}{close}",
         "92.9% (13/14)", {"statistic": "percent", "value": 92.9, "n": 14, "count": 13}),
    Form("value_bracket", "items", "{value}{pct}?{unit}?{bracket}",
         "18.7 (SD = 7.3, n = 41)", {"statistic": "mean_sd", "value": 18.7, "spread": 7.3, "n": 41},
         "a bracket of labelled items in any order"),
    Form("value_comma_group", "items", "{value}{pct}?{unit}?{comma}",
         "4.2, 95% CI 3.1 to 5.3", {"statistic": "mean_ci", "value": 4.2, "low": 3.1, "high": 5.3},
         "a comma group that opens with a label"),
)

#: Part names of the templates and their regex sources.
TEMPLATE_PARTS = {
    "value": P.VALUE,
    "pct": P.PERCENT_SIGN,
    "unit": P.UNIT,
    "pm": rf"{P.SPACE}*(?P<pm>{P.PLUS_MINUS}){P.SPACE}*",
    "spread": P.SPREAD,
    "open": rf"{P.SPACE}*(?P<open>{P.OPEN}){P.SPACE}*",
    "close": rf"{P.SPACE}*{P.CLOSE}",
    "bracket": P.BRACKET,
    "comma": P.COMMA_GROUP,
    "m_label": rf"(?<![\w])(?:M|Mean|mean){P.SPACE}*[=:]{P.SPACE}*",
    "sep": rf"{P.SPACE}*[,;]{P.SPACE}*",
    "spread_named": rf"(?P<spread_label>SD|SE|SEM){P.SPACE}*[=:]{P.SPACE}*(?P<spread>{P.UNSIGNED})",
    "effect": P.EFFECT_LABEL,
    "effect_gap": P.EFFECT_GAP,
    "count": P.COUNT,
    "total": P.TOTAL,
    "slash": rf"{P.SPACE}?/{P.SPACE}?",
    "of": rf"{P.SPACE}+(?:out{P.SPACE}+)?of{P.SPACE}+(?:the{P.SPACE}+)?",
    "slash_or_of": rf"(?:{P.SPACE}?/{P.SPACE}?|{P.SPACE}+(?:out{P.SPACE}+)?of{P.SPACE}+)",
    "people": P.PEOPLE,
    "percent_after": P.PERCENT_AFTER,
    "percent_number": rf"(?P<percent>{DECIMAL})(?P<percent_end>)",
    "n_label": rf"(?<![\w])[nN]{P.SPACE}*={P.SPACE}*",
}


#: Literals a required part cannot do without (any one of them): a form is tried at an anchor only when the
#: 80 characters from it hold one literal of each of its required parts.
PART_LITERALS = {
    "pm": ("±", "+/", "/+", "+-"),
    "open": ("(", "[", "（"),
    "bracket": ("(", "[", "（"),
    "comma": (",", ";"),
    "pct": ("%",),
    "percent_after": ("%",),
    "slash": ("/",),
    "of": ("of",),
    "slash_or_of": ("/", "of"),
    "n_label": ("=",),
    "m_label": ("=", ":"),
    "spread_named": ("SD", "SE"),
}


def required_literals(template: str) -> tuple[tuple[str, ...], ...]:
    """The literal sets of a template's required parts (``PART_LITERALS``)."""
    return tuple(PART_LITERALS[name] for name, optional in re.findall(r"\{(\w+)\}(\??)", template)
                 if not optional and name in PART_LITERALS)


def compile_template(template: str) -> re.Pattern:
    """The regex of a form's template: ``{part}`` is the part, ``{part}?`` the optional part."""

    def part(match: re.Match) -> str:
        source = TEMPLATE_PARTS[match.group(1)]
        return f"(?:{source})?" if match.group(2) else f"(?:{source})"

    return re.compile(re.sub(r"\{(\w+)\}(\??)", part, template))


_FORM_RES = tuple((form, compile_template(form.template)) for form in FORMS)
#: Every literal a gate asks for, with its bit; each form's gate as one bit mask per required part, by id.
_LITERAL_BITS = {literal: 1 << i for i, literal in enumerate(sorted({l for ls in PART_LITERALS.values() for l in ls}))}
_FORM_GATES = {form.id: tuple(sum(_LITERAL_BITS[l] for l in literals) for literals in required_literals(form.template))
               for form in FORMS}
#: How far after a value's anchor each literal may stand: a bracket, a ± or a slash follows the value and its
#: unit closely ("12.5 days (range"); a percentage may close a longer count ("13 of 14 patients (92.9%)").
LITERAL_REACH = {"%": 48, "SD": 48, "SE": 48}
DEFAULT_REACH = 24
#: An effect's name may stand farther from its value's bracket ("hazard ratio for death was 0.46 (").
EFFECT_REACH = 120


#: Every gate literal, found in one scan of a stretch of text.
_LITERALS_RE = re.compile("|".join(re.escape(l) for l in sorted(_LITERAL_BITS, key=len, reverse=True)))


def _literal_hits(text: str, start: int, end: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Where the gate literals stand in ``text[start:end]``: their starts, and (bit, reach) of each."""
    positions, hits = [], []
    for match in _LITERALS_RE.finditer(text, start, end):
        literal = match.group(0)
        positions.append(match.start())
        hits.append((_LITERAL_BITS[literal], LITERAL_REACH.get(literal, DEFAULT_REACH)))
    return positions, hits


def _literal_mask(literals: tuple[list[int], list[tuple[int, int]]], position: int, *, reach: int | None = None) -> int:
    """The bits of the gate literals written within their reach after ``position``."""
    positions, hits = literals
    mask = 0
    for i in range(bisect_left(positions, position), len(positions)):
        distance = positions[i] - position
        if distance >= (reach or EFFECT_REACH):
            break
        bit, literal_reach = hits[i]
        if distance < (reach or literal_reach):
            mask |= bit
    return mask
#: Forms with an optional bracket, compiled without it: the reading when the bracket holds no items.
_WITHOUT_BRACKET = {form.id: compile_template(form.template.replace("{bracket}?", "")) for form in FORMS
                    if "{bracket}?" in form.template}
_EFFECT_FORMS = tuple(pair for pair in _FORM_RES if pair[0].yields == "effect")
_VALUE_FORMS = tuple(pair for pair in _FORM_RES if pair[0].yields != "effect")
#: Where a form may start: a number (with an opening bracket, "M =" or "n =" before it) or an effect's name.
ANCHOR = re.compile(rf"(?:{P.OPEN}{P.SPACE}*)?(?:(?<![\w])(?:M|Mean|mean|[nN]){P.SPACE}*[=:]{P.SPACE}*)?(?:{DECIMAL})")
EFFECT_ANCHOR = re.compile(P.EFFECT_LABEL, re.IGNORECASE)
#: A count in words (tried only before "of N" or a bracketed percentage): "Thirteen", "five", "one".
WORD_COUNT_ANCHOR = re.compile(rf"(?i:{NUMBER_WORDS_PATTERN})")
#: Cheap gate for effect names (lower-cased text).
EFFECT_GATE = re.compile(r"\b(?:a?or|rr|hr|irr|rd|wmd|smd|md|arr|ard)\b|ratio|difference|hedges|cohen|relative risk|risk reduction|\bd\s?=")


def read_items(bracket: str) -> list[tuple[str, re.Match]] | None:
    """The items of a bracket's text, in order; None when some part of it is not an item.

    ``read_items("(SD = 7.3, n = 41)")`` gives the ``sd`` and ``n`` items.
    """
    items, stop = read_items_at(bracket, 1, len(bracket) - 1)
    return items if items and not bracket[stop : len(bracket) - 1].strip(" \u00a0\u2009\u202f.") else None


def read_items_at(text: str, pos: int, end: int) -> tuple[list[tuple[str, re.Match]], int]:
    """The items written from ``pos`` on, as far as they go: (items, where the last one ends)."""
    found: list[tuple[str, re.Match]] = []
    stop = pos
    while True:
        lead = re.compile(rf"{P.SPACE}*").match(text, pos, end)
        pos = lead.end()
        for item, pattern in _ITEM_RES:
            match = pattern.match(text, pos, end)
            if match:
                break
        else:
            return found, stop
        found.append((item.role, match))
        stop = match.end()
        separator = _ITEM_SEPARATOR.match(text, stop, end)
        if separator is None:
            return found, stop
        pos = separator.end()


def _value_of(match: re.Match, group: str) -> float:
    return parse_decimal(match.group(group))


def _item_fields(items: list[tuple[str, re.Match]]) -> dict | None:
    """The fields the items give (spread, low, high, n, p, percent, count); None on a contradiction."""
    fields: dict = {"roles": []}
    for role, match in items:
        if role in fields["roles"] and role not in ("number",):
            return None
        fields["roles"].append(role)
        if role in ("sd", "se"):
            fields["spread"] = _value_of(match, "a")
        elif role in ("ci", "iqr", "range", "interval"):
            fields["low"], fields["high"] = _value_of(match, "a"), _value_of(match, "b")
            if role == "ci" and match.group("level"):
                fields["level"] = float(match.group("level"))
        elif role == "n":
            fields["n"] = int(match.group("a"))
        elif role == "p":
            value = parse_p_value(match.group("a"))
            if value is None:
                return None
            fields["p"] = (p_operator(match.group("op")), value)
        elif role == "fraction":
            fields["count"], fields["n"] = int(match.group("a")), int(match.group("b"))
        elif role == "percent":
            fields["percent"] = _value_of(match, "a")
        elif role == "number":
            fields.setdefault("numbers", []).append(_value_of(match, "a"))
    return fields


def p_operator(op: str | None) -> str:
    """'&lt;' -> '<', '≤' -> '<=', '=<' -> '<='; a p-value written without one ("p 0.0038") is '='."""
    if not op:
        return "="
    op = op.lower()
    return {"≤": "<=", "=<": "<=", "≥": ">=", "&lt;": "<", "&l;": "<", "&gt;": ">", "&g;": ">"}.get(op, op)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A form matched at an anchor: the match, the comma group's items (if any) and where it all ends."""

    form: Form
    match: re.Match
    items: list | None
    stop: int




def find_expressions(text: str, start: int = 0, end: int | None = None) -> list[Expression]:
    """Every statistic expression in ``text[start:end]``, in order, not overlapping, statistic maybe undecided."""
    end = len(text) if end is None else end
    candidates: list[_Candidate] = []
    literals = _literal_hits(text, start, end)
    if EFFECT_GATE.search(text[start:end].lower()):
        for anchor in EFFECT_ANCHOR.finditer(text, start, end):
            candidates += _try_forms(_EFFECT_FORMS, text, anchor.start(), end, literals)
    anchors = _number_anchors(text, start, end)
    if " of " in text[start:end] or "%" in text[start:end]:
        anchors += _word_count_anchors(text, start, end)
    for position in anchors:
        candidates += _try_forms(_VALUE_FORMS, text, position, end, literals)
        if text[position] in "([（":  # the value itself, without the bracket before it
            value = DECIMAL_RE.search(text, position, end)
            candidates += _try_forms(_VALUE_FORMS, text, value.start(), end, literals)
    found: list[Expression] = []
    taken_until = -1
    for candidate in sorted(candidates, key=lambda c: (c.match.start(), -c.stop)):
        if candidate.match.start() < taken_until:
            continue
        expression = _expression(candidate.form, candidate.match, candidate.items, candidate.stop)
        if expression is not None:
            found.append(expression)
            taken_until = candidate.stop
    return found


#: The first digit of a number (or its leading dot): "4" of "4.7", "." of ".37"; not inside a number or a word.
_NUMBER_START = re.compile(rf"(?<![.·,\d]){NOT_AFTER_WORD}[.·]?\d")
#: What may stand before a number as part of its form: a bracket, a sign, "M =" or "n =" ("(", "−", "n = ").
_BEFORE_NUMBER = re.compile(rf"(?:{P.OPEN}{P.SPACE}*)?(?:(?<![\w])(?:M|Mean|mean|[nN]){P.SPACE}*[=:]{P.SPACE}*)?(?:[+\-−–‒][ \u00a0\u2009\u202f]?)?$")


def _number_anchors(text: str, start: int, end: int) -> list[int]:
    """Where forms may start: each number, moved back over a bracket, a sign or "n =" written before it
    (one scan for digits; the same starts ``ANCHOR`` finds)."""
    anchors = []
    for digit in _NUMBER_START.finditer(text, start, end):
        position = digit.start()
        before = _BEFORE_NUMBER.search(text, max(start, position - 12), position)
        if before is not None and before.start() < position:
            anchor = ANCHOR.match(text, before.start(), end)
            if anchor is not None and anchor.end() > position:
                position = before.start()
        anchors.append(position)
    return anchors


#: "of N" or a bracketed percentage after a word: where a count in words may stand before it ("Thirteen out of 15",
#: "one death (2.2%)").
_OF_A_NUMBER = re.compile(
    rf"{P.SPACE}+(?:out{P.SPACE}+)?of{P.SPACE}+(?:the{P.SPACE}+)?\d|{P.SPACE}*{P.OPEN}{P.SPACE}*\d+(?:[.·]\d+)?{P.SPACE}?%"
)
_WORDS_BEFORE = re.compile(r"(?:[A-Za-z]+[-\s]){0,6}[A-Za-z]+$")


def _word_count_anchors(text: str, start: int, end: int) -> list[int]:
    """Starts of counts in words before "of N" or "(x%)", found from each of those back (no scan for number words)."""
    anchors = []
    for of in _OF_A_NUMBER.finditer(text, start, end):
        words = _WORDS_BEFORE.search(text, max(start, of.start() - 40), of.start())
        if words is None:
            continue
        for word in re.finditer(r"[A-Za-z]+", words.group(0)):
            if WORD_COUNT_ANCHOR.match(text, words.start() + word.start()):
                anchors.append(words.start() + word.start())
                break
    return anchors


def _count_value(text: str) -> float:
    """A count's value: "1,491" -> 1491, "Thirteen" -> 13."""
    number = parse_number(text)
    return float(number if number is not None else parse_decimal(text))


def _try_forms(forms, text: str, position: int, end: int, literals) -> list[_Candidate]:
    """The longest form matching at ``position`` (a list of at most one candidate)."""
    best: _Candidate | None = None
    mask = _literal_mask(literals, position, reach=EFFECT_REACH if forms is _EFFECT_FORMS else None)
    if not mask and forms is _VALUE_FORMS:
        return []  # every value form needs one literal at least (the effect forms need none)
    for form, pattern in forms:
        if not all(mask & needed for needed in _FORM_GATES[form.id]):
            continue
        match = pattern.match(text, position, end)
        if match is None:
            continue
        groups = match.groupdict()
        items, stop = None, match.end()
        if groups.get("comma") is not None:
            items, stop = read_items_at(text, match.end(), end)
            if not items or items[0][0] in ("number", "interval", "fraction", "percent"):
                continue
        elif form.yields in ("items", "effect") and groups.get("bracket") and read_items(groups["bracket"]) is None:
            continue
        if best is None or stop > best.stop:
            best = _Candidate(form, match, items, stop)
    return [best] if best else []


def _expression(form: Form, match: re.Match, items: list | None = None, stop: int | None = None) -> Expression | None:
    """The expression a form's match writes, its statistic decided when the form or the labels decide it."""
    groups = match.groupdict()
    stop = match.end() if stop is None else stop
    unit = "%" if groups.get("pct") else (groups.get("unit") or "").strip() or None
    if form.yields in ("count", "count_if_announced"):
        return _count_expression(form, match)
    if form.yields == "percent":
        return Expression(form.id, "percent", match.start(), match.end(), parse_decimal(groups["value"]),
                          match.start("value"), n=int(_count_value(groups["total"])), unit="%",
                          extra={"count": int(_count_value(groups["count"]))})
    value = parse_decimal(groups["value"])
    fields = {"roles": []}
    if items is None and groups.get("bracket"):
        items = read_items(groups["bracket"])
        if items is None:
            return None if form.yields == "items" else _without_bracket(form, match)
    if items is not None:
        fields = _item_fields(items)
        if fields is None:
            return None
    statistic = label = None
    if form.yields == "mean_sd":
        spread_label = (groups.get("spread_label") or "").upper()
        statistic = "mean_se" if spread_label.startswith("SE") else "mean_sd"
        label = "pm" if groups.get("pm") else spread_label.lower() or None
        if groups.get("spread_unit") and "%" in groups["spread_unit"]:
            unit = "%"
        fields = {**fields, "spread": parse_decimal(groups["spread"]), "roles": [label or "sd", *fields["roles"]]}
    elif form.yields == "effect":
        label = groups["label"]
        statistic = effect_statistic(label)
        if statistic is None:
            return None
    start = match.start("label") if form.yields == "effect" else (
        min(match.start("open"), match.start("value")) if groups.get("open") else match.start("value"))
    return Expression(
        form.id, statistic, start, stop, value, match.start("value"),
        spread=fields.get("spread"), low=fields.get("low"), high=fields.get("high"), n=fields.get("n"),
        p=fields.get("p"), unit=unit, label=label, roles=tuple(fields["roles"]),
        extra={k: fields[k] for k in ("level", "percent", "count", "numbers") if k in fields},
    )


def effect_statistic(label: str) -> str | None:
    """The FORMAT 1.1 statistic an effect's name gives: "aOR" -> odds_ratio, "Hedges' g" -> std_mean_difference."""
    key = re.sub(r"^(?:adjusted|pooled)\s+", "", label.strip(), flags=re.IGNORECASE)
    key = re.sub(r"^a(?=[A-Z]{2})", "", key)
    key = re.sub(r"['’]", "", re.sub(r"\s+", " ", key.lower()))
    return EFFECT_STATISTIC.get(key) or EFFECT_STATISTIC.get(key.rstrip("s")) or EFFECT_STATISTIC.get(key.replace("s ", " "))


def _without_bracket(form: Form, match: re.Match) -> Expression | None:
    """A ± or effect form whose optional bracket is no item list: the expression without it."""
    shorter = _WITHOUT_BRACKET[form.id].match(match.string, match.start())
    return _expression(form, shorter) if shorter else None


def _count_expression(form: Form, match: re.Match) -> Expression:
    groups = match.groupdict()
    total = int(groups["total"].replace(",", "")) if groups.get("total") else None
    percent = groups.get("percent")
    return Expression(
        form.id, "count" if form.yields == "count" else None, match.start("count"), match.end(),
        _count_value(groups["count"]), match.start("count"), n=total,
        roles=("count",) + (("percent",) if percent else ()),
        pair=(match.start("percent"), match.end()) if percent else None,
        extra={"percent": parse_decimal(percent)} if percent else {},
    )
