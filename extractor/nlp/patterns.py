"""Regular expressions of the number grammar, one named constant each.

Each constant has a one-line comment and an example it must match; the tests
in ``tests/nlp/test_patterns.py`` hold every example. Other modules compose
these, they do not write their own number regexes.
"""

from __future__ import annotations

import re

# --- numbers ----------------------------------------------------------------

#: Minus-like glyphs found in copied abstracts (hyphen, minus, en dash, figure dash): "−7.9".
MINUS_CHARS = "-−–‒"
#: A signed decimal with optional thousands separators or a middle-dot decimal: "533,482.5", "−7.9", "1·6", "+0.59".
NUMBER = r"(?:[+\-−–‒]\s?)?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:[.·]\d+)?|(?:[+\-−–‒]\s?)?[.·]\d+"
NUMBER_RE = re.compile(NUMBER)
#: Whitespace including the no-break and thin spaces of publisher HTML: "5.7\xa0±\xa00.2".
SPACE = r"[\s\u00a0\u2009\u202f]"
#: The plus-minus sign and its ASCII spellings: "±", "+/-", "+-".
PLUS_MINUS = r"(?:±|\+/-|\+/−|\+-(?=\s?\d))"

# --- mean and spread ----------------------------------------------------------

#: "a ± b" with optional brackets, units or % on either side: "(1681±430)", "3.7% ± 23.1%", "5.3 ±0.2".
MEAN_PM = re.compile(
    rf"(?P<open>[(\[]{SPACE}*)?(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?{SPACE}*{PLUS_MINUS}{SPACE}*"
    rf"(?P<spread>\d+(?:[.·]\d+)?|[.·]\d+){SPACE}*(?P<unit2>%)?(?P<close>{SPACE}*[)\]])?"
)
#: "a (SD b)", "a (SD = b)", "a (SE: b)", "a (s.d. b)": "0.59 (SD = 2.47)".
MEAN_SD_PAREN = re.compile(
    rf"(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?{SPACE}*[(\[]{SPACE}*(?P<kind>SDs?|S\.D\.|s\.d\.|SEM?|S\.E\.M?\.?|s\.e\.m?\.?|standard deviation|standard error){SPACE}*[=:,]?{SPACE}*"
    rf"(?P<spread>\d+(?:[.·]\d+)?|[.·]\d+){SPACE}*%?{SPACE}*[)\]]"
)

# --- intervals ----------------------------------------------------------------

#: A unit word between a value and its bracket: "12.5 days (range, 7-16)".
UNIT_WORD = r"(?:{SPACE}*(?P<unitw>%|[A-Za-zµμ]+(?:/[A-Za-z]+)?))?".replace("{SPACE}", SPACE)
#: Range joiner inside an interval: "38.5–79.6", "1.1 to 5.3", "-29.14%, 2.13%".
INTERVAL_JOIN = rf"{SPACE}*(?:%{SPACE}*)?(?:to|–|—|-|‒|,|;|and){SPACE}*"
#: "a (95% CI l–h)", "a [95% CI, l to h]", "a, 95%CI l, h": "59.1% (95% confidence interval [CI], 38.5–79.6)".
VALUE_CI = re.compile(
    rf"(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?{UNIT_WORD}{SPACE}*[,;]?{SPACE}*[(\[]?{SPACE}*(?P<level>\d{{2}}(?:\.\d)?){SPACE}*%{SPACE}*"
    rf"(?:CI|C\.I\.|confidence interval){SPACE}*(?:\[CI\])?{SPACE}*[,:=]?{SPACE}*"
    rf"(?P<low>{NUMBER}){INTERVAL_JOIN}(?P<high>{NUMBER}){SPACE}*%?{SPACE}*[)\]]?"
)
#: "median a (IQR l–h)", "a (interquartile range, l-h)": "5 (IQR 3–7)".
VALUE_IQR = re.compile(
    rf"(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?{UNIT_WORD}{SPACE}*[(\[]{SPACE}*(?:IQR|interquartile range|Q1[-–,]{SPACE}*Q3){SPACE}*[,:=]?{SPACE}*"
    rf"(?P<low>{NUMBER}){INTERVAL_JOIN}(?P<high>{NUMBER}){SPACE}*%?{SPACE}*[)\]]"
)
#: "a (range l–h)", "a (range, l to h)": "12.5 (range 7-16)".
VALUE_RANGE = re.compile(
    rf"(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?{UNIT_WORD}{SPACE}*[(\[]{SPACE}*range{SPACE}*[,:=]?{SPACE}*"
    rf"(?P<low>{NUMBER}){INTERVAL_JOIN}(?P<high>{NUMBER}){SPACE}*%?{SPACE}*[)\]]"
)
#: "median a (l–h)" — a bare parenthesised interval, read as IQR only near the word median: "2 (1–3)", "5 (3, 7)".
VALUE_PAREN_INTERVAL = re.compile(
    rf"(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?{SPACE}*[(\[]{SPACE}*(?P<low>{NUMBER}){SPACE}*(?:to|–|—|-|‒|,){SPACE}*(?P<high>{NUMBER}){SPACE}*%?{SPACE}*[)\]]"
)

# --- percentages and proportions ---------------------------------------------

#: A percentage: "77.4%", "92.9 %", "(83%)".
PERCENT = re.compile(rf"(?<![\w.])(?P<value>{NUMBER}){SPACE}?%")
#: "n/N (x%)" or "x% (n/N)": "94% (82/87)", "13/14 (92.9%)".
FRACTION = re.compile(r"(?P<num>\d+)\s?/\s?(?P<den>\d+)(?!\s?(?:m|k|d|h|L|µ|u|y))")
#: "n of N patients": "13 of 14 patients", "Thirteen out of 15 patients".
N_OF_N = re.compile(r"\b(?P<num>\d+|[A-Za-z]+(?:-[a-z]+)?)\s+(?:out\s+)?of\s+(?:the\s+)?(?P<den>\d+)\b")

# --- p-values -------------------------------------------------------------------

#: Comparison operators, including HTML-escaped ones of scraped pages: "<", "≤", "&lt;", "&L;".
P_OPERATOR = r"(?:<=|>=|=<|≤|≥|<|>|=|&[lL][tT]?;|&[gG][tT]?;)"
#: A p-value: "P<0.05", "p = .0517", "P&L;0.01", "P =.642", "p-value < 0.001", "P< 0. 99".
P_VALUE = re.compile(
    rf"(?<![A-Za-z])[Pp]{SPACE}*(?:-?{SPACE}*values?)?{SPACE}*(?:for\s+\w+\s+)?(?P<op>{P_OPERATOR}){SPACE}*(?P<value>0?{SPACE}?\.{SPACE}?\d+|[01](?![.\d])|\d(?:\.\d+)?\s?[x×]\s?10\s?[-−–]\s?\d+)"
)
#: A p-value scoped to several values: "all P<0.05", "both p < .01", "P < 0.05 for all".
P_ALL_CUE = re.compile(r"\b(?:all|both|each|every)\b[^.;()\[\]]{0,12}$", re.IGNORECASE)

# --- timepoints ---------------------------------------------------------------

#: Time units with their length in days: day 1, week 7, month 30, year 365 (FORMAT.md), hour 1/24.
UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
#: A time unit word and its abbreviations: "weeks", "wk", "mo", "yrs", "h".
TIME_UNIT = r"(?P<unit>hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?|years?|yrs?)"
#: Number words used for durations: "one week", "six to twelve months".
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "forty-eight": 48, "fifty-two": 52,
}
#: Ordinals used for "the fourth week", "the 20th week".
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "twelfth": 12,
}
_NUM_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_ORD_WORD = "|".join(ORDINAL_WORDS)
#: "N unit" with digits or words, hyphenated or not: "1 month", "one week", "6-month", "24 hours", "3 month".
TIMEPOINT_AMOUNT = re.compile(
    rf"\b(?P<amount>\d+(?:\.\d+)?|{_NUM_WORD})(?:{SPACE}|-){{1,2}}{TIME_UNIT}\b", re.IGNORECASE
)
#: "unit N": "week 2", "Week 24", "day 28", "month 1".
TIMEPOINT_UNIT_FIRST = re.compile(rf"\b(?P<unit>week|wk|day|month|year|hour)s?{SPACE}?(?P<amount>\d+)\b(?!\s*(?:%|patients|cells))", re.IGNORECASE)
#: "the fourth week", "20th week", "the 1st year".
TIMEPOINT_ORDINAL = re.compile(
    rf"\b(?P<ordinal>{_ORD_WORD}|\d+(?:st|nd|rd|th)){SPACE}+(?P<unit>week|month|day|year|hour)\b", re.IGNORECASE
)
#: A list of amounts sharing one unit: "1, 3 and 5 years", "1-, 3-, 12-month", "3 and 6 months".
TIMEPOINT_LIST = re.compile(
    rf"\b(?P<amounts>(?:\d+-?{SPACE}*,{SPACE}*)+\d+-?(?:{SPACE}*,?{SPACE}*(?:and|or){SPACE}+\d+-?)?|\d+-?{SPACE}+(?:and|or){SPACE}+\d+-?)(?:{SPACE}|-)*{TIME_UNIT}\b",
    re.IGNORECASE,
)
#: The baseline: "baseline", "before treatment", "pretreatment", "before MSCT", "at entry".
BASELINE = re.compile(
    r"\b(?:baseline|pre-?treatment|pre-?transplant(?:ation)?|pre-?infusion|pre-?operative(?:ly)?|at (?:entry|enrollment|enrolment|admission|inclusion)"
    r"|before (?:the )?(?:treatment|therapy|transplantation|infusion|injection|intervention|surgery|randomi[sz]ation|(?-i:[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)))\b",
    re.IGNORECASE,
)

# --- units ---------------------------------------------------------------------

#: A measurement unit right after a number: "U/L", "mg", "mL", "g/dL", "ng/mL", "mmHg", "cm", "kg", "days".
UNIT = re.compile(
    rf"{SPACE}*[)\]]?{SPACE}*(?P<unit>%|[µμu]?[mnpkd]?g/(?:[mdµμ]?L|kg|day|d)|[mnpµμ]?mol/L|[µμmnk]?[IU]U?/[mµμ]?L|U/L|IU/L|U/mL|"
    r"[x×]\s?10\^?\d+/L|mmHg|mm\s?Hg|cm2|cm²|m2|mm2|[mµμnc]?[mgL]\b|kg/m2|kg/m²|kg|cm|mm|bpm|beats/min|/mm3|/μL|/µL|×\s?10\^?\d+/L|points?|days?|weeks?|months?|years?|hours?|minutes?|min|seconds?|s\b|ml/min(?:/1\.73\s?m2)?|mL/min(?:/1\.73\s?m2)?)",
)

# --- sentence structure ---------------------------------------------------------

#: Words that link the measure (subject) to its values: "decreased from", "was", "were", "increased to".
MEASURE_VERB = re.compile(
    r"\b(?:was|were|is|are|decreased|increased|declined|reduced|improved|rose|fell|dropped|changed|remained|reached|"
    r"showed|had|went|raised|elevated|lowered|tapered|averaged|ranged|differed|did not|was not|were not)\b|:|(?<=\S)\s(?=from\s)",
)
#: Cues that a bare number is a mean: "mean", "average", "on average".
MEAN_CUE = re.compile(r"\b(?:mean|means|average|averaged|on average|median|baseline)\b", re.IGNORECASE)
#: Cues that a value is a change, not a level: "change", "difference", "reduction", "decreased by".
CHANGE_CUE = re.compile(
    r"\b(?:changes?|differences?|reductions?|improvements?|increases?|decreases?|gains?|loss|declines?|"
    r"(?:decreased|increased|reduced|improved|declined|fell|rose|dropped)\s+by)\b",
    re.IGNORECASE,
)
#: Baseline characteristics that are not outcomes: "mean age", "disease duration", "BMI".
DEMOGRAPHIC_CUE = re.compile(
    r"\b(?:age[sd]?|aged|years? old|disease duration|duration of (?:the )?disease|body mass index|BMI|height|follow-?up|"
    r"time since diagnosis|birth ?weight|gestational age)\b",
    re.IGNORECASE,
)
#: Numbers that are doses, not outcomes: "× 10^6", "x 10(6)", "cells/kg", "million cells".
DOSE_CONTEXT = re.compile(
    r"[\s\u00a0)\]]*(?:(?:[x×]\s?)?10\s?(?:\^\s?\d+|\(\d+\)|\d)\s*(?:cells|MSCs?\b|/kg|per\s+kg)|cells|million|billion|MSCs?\b|/kg)",
    re.IGNORECASE,
)
