"""The statistic grammar (``extractor.nlp.grammar``): every row's example, generated forms, and what is no value."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.nlp import extract_text
from extractor.nlp.grammar import ANNOUNCEMENTS, FORMS, ITEMS, find_expressions, parse_value, read_expression
from extractor.nlp.grammar.forms import read_items
from extractor.nlp.grammar.reading import announced

# --------------------------------------------------------------------------- the tables' own examples


def _decided(text: str):
    """The expressions of ``text`` with their statistic decided as the outcome rules decide it (no cue word)."""
    return [read_expression(text, e, cue=None, scope_end=len(text)) or e for e in find_expressions(text)]


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.id)
def test_every_form_parses_its_example(form) -> None:
    assert form.example and form.expect, f"form {form.id} has no example"
    text = form.example if form.yields != "count_if_announced" else f"n (%): {form.example}"
    expressions = [e for e in _decided(text) if e.form == form.id]
    assert expressions, f"{form.id}: {form.example!r} not read by its own form (got {find_expressions(text)})"
    expression = expressions[0]
    expect = dict(form.expect)
    assert expression.statistic == expect.pop("statistic")
    assert math.isclose(expression.value, expect.pop("value"))
    for key, value in expect.items():
        got = expression.extra.get(key) if key in ("percent", "count") else getattr(expression, key)
        assert got == pytest.approx(value), f"{form.id}: {key} {got!r} != {value!r}"


@pytest.mark.parametrize("text, field, expected", [
    # the cases the old one-pattern-per-statistic constants carried, now read by the forms
    ("(1681±430)", "spread", 430),
    ("3.7% ± 23.1%", "value", 3.7),
    ("443.0-/+123.1", "spread", 123.1),
    ("0.59 (SD = 2.47)", "spread", 2.47),
    ("-13.31%, 95%CI -29.14%, 2.13%", "high", 2.13),
    ("0.21 L (95% CI 0.05 to 0.37)", "low", 0.05),
    ("5 (IQR 3–7)", "high", 7),
    ("12.5 days (range, 7-16)", "low", 7),
])
def test_forms_read_the_parts_of_a_statistic(text: str, field: str, expected: float) -> None:
    (expression,) = find_expressions(text)
    assert getattr(expression, field) == pytest.approx(expected)


def test_form_ids_are_unique() -> None:
    ids = [f.id for f in FORMS] + [i.id for i in ITEMS] + [a.id for a in ANNOUNCEMENTS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
def test_every_bracket_item_parses_its_example(item) -> None:
    (role, _), = read_items(f"({item.example})")
    assert role == item.role


@pytest.mark.parametrize("announcement", ANNOUNCEMENTS, ids=lambda a: a.id)
def test_every_announcement_matches_its_example(announcement) -> None:
    text = announcement.example + " Later values follow."
    assert announced(text, announcement.governs, len(text)) == announcement.statistic


# --------------------------------------------------------------------------- numbers

NUMBER_CASES = [
    ("−7.9", -7.9), ("–13.24", -13.24), ("-2.1", -2.1), ("4·7", 4.7), (".37", 0.37), ("−.37", -0.37),
    ("533,482.5", 533482.5), ("12\u2009480", 12480), ("12\u202f480", 12480), ("12\u00a0480", 12480),
    ("1 × 10^6", 1e6), ("1×10(6)", 1e6), ("2.5 x 10^7", 2.5e7), ("10^7", 1e7), ("1.0E+06", 1e6), ("2 × 10⁶", 2e6),
    ("10 × 106", 1e7), ("0,38", 0.38), ("−0,14", -0.14), ("10,000", 10000), ("Forty-five", 45), ("one hundred and two", 102), ("九十二", 92),
]


@pytest.mark.parametrize("text, value", NUMBER_CASES)
def test_one_number_parser(text: str, value: float) -> None:
    assert parse_value(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["IL-6", "", "abc", "1.2.3"])
def test_what_is_no_number(text: str) -> None:
    assert parse_value(text) is None


# --------------------------------------------------------------------------- generated forms

SIGNS = ["-", "−", "–"]
SPACES = ["", " ", "\u00a0", "\u2009"]
PLUS_MINUS = ["±", "+/-", "+/−"]
BRACKETS = [("(", ")"), ("[", "]")]
DASHES = ["–", "-", " to ", "—", ", "]
SD_LABELS = ["SD", "s.d.", "SD =", "SD:", "standard deviation"]
SE_LABELS = ["SE", "SEM", "SE =", "s.e.m.", "standard error"]
CI_LABELS = ["95% CI", "95%CI", "95% CI,", "95% CI:", "95% confidence interval", "CI"]
EFFECTS = {"OR": "odds_ratio", "odds ratio": "odds_ratio", "aOR": "odds_ratio", "RR": "risk_ratio",
           "relative risk": "risk_ratio", "HR": "hazard_ratio", "hazard ratio": "hazard_ratio", "IRR": "risk_ratio",
           "MD": "mean_difference", "WMD": "mean_difference", "mean difference": "mean_difference",
           "SMD": "std_mean_difference", "Hedges' g": "std_mean_difference", "Cohen's d": "std_mean_difference",
           "RD": "risk_difference", "risk difference": "risk_difference"}

decimals = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False).map(float)
small = st.decimals(min_value="0.01", max_value=500, places=2, allow_nan=False, allow_infinity=False).map(float)


def _write(value: float, sign: str = "-") -> str:
    """A number as a paper writes it, the minus in the given glyph."""
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return (sign + text) if value < 0 else text


@settings(max_examples=800, deadline=None)
@given(value=decimals, spread=small, pm=st.sampled_from(PLUS_MINUS), space=st.sampled_from(SPACES),
       bracket=st.sampled_from([None, *BRACKETS]), unit=st.sampled_from(["", " mg/dL", "%"]),
       negative=st.booleans(), sign=st.sampled_from(SIGNS))
def test_generated_mean_plus_minus(value, spread, pm, space, bracket, unit, negative, sign) -> None:
    value = -value if negative and value else value
    body = f"{_write(value, sign)}{space}{pm}{space}{_write(spread)}{unit}"
    text = f"Glucose was {bracket[0] + body + bracket[1] if bracket else body} at week 4."
    (expression,) = _decided(text)
    assert (expression.statistic, expression.value, expression.spread) == ("mean_sd", pytest.approx(value), pytest.approx(spread))


@settings(max_examples=800, deadline=None)
@given(value=decimals, spread=small, n=st.integers(2, 2000), label=st.sampled_from(SD_LABELS + SE_LABELS),
       with_n=st.booleans(), n_first=st.booleans(), bracket=st.sampled_from(BRACKETS),
       separator=st.sampled_from([", ", "; "]))
def test_generated_labelled_bracket_items_in_any_order(value, spread, n, label, with_n, n_first, bracket, separator) -> None:
    items = [f"{label} {_write(spread)}"] + ([f"n = {n}"] if with_n else [])
    if n_first:
        items.reverse()
    text = f"The score was {_write(value)} {bracket[0]}{separator.join(items)}{bracket[1]} after treatment."
    (expression,) = _decided(text)
    statistic = "mean_se" if label in SE_LABELS else "mean_sd"
    assert (expression.statistic, expression.value, expression.spread) == (statistic, pytest.approx(value), pytest.approx(spread))
    assert expression.n == (n if with_n else None)


@settings(max_examples=800, deadline=None)
@given(value=small, width=small, label=st.sampled_from(list(EFFECTS)), ci=st.sampled_from(CI_LABELS),
       dash=st.sampled_from(DASHES), bracket=st.sampled_from([None, *BRACKETS]), gap=st.sampled_from([" ", " = ", ": ", ", "]),
       negative=st.booleans(), sign=st.sampled_from(SIGNS))
def test_generated_effect_estimates_with_their_ci(value, width, label, ci, dash, bracket, gap, negative, sign) -> None:
    ratio = EFFECTS[label].endswith("ratio")
    if negative and not ratio:
        value = -value
    low, high = (value / (1 + width), value * (1 + width)) if ratio else (value - width, value + width)
    low, high = round(low, 2), round(high, 2)
    interval = f"{_write(low, sign)}{dash}{_write(high, sign)}"
    written = f"{ci} {interval}"
    tail = f" {bracket[0]}{written}{bracket[1]}" if bracket else f", {written}"
    text = f"Mortality fell ({label}{gap}{_write(value, sign)}{tail}; P = 0.03)."
    (expression,) = _decided(text)
    assert expression.statistic == EFFECTS[label]
    assert (expression.value, expression.low, expression.high) == (pytest.approx(value), pytest.approx(low), pytest.approx(high))


@settings(max_examples=600, deadline=None)
@given(count=st.integers(0, 500), extra=st.integers(1, 500), form=st.sampled_from(["{c}/{t} ({p}%)", "{c} of {t} ({p}%)",
       "{c} out of {t} patients ({p}%)", "{p}% ({c}/{t})", "{p}% ({c} of {t})", "n = {c} ({p}%)", "{c} patients ({p}%)",
       "{c} ({p}%) patients", "{c}/{t} [{p} %]"]))
def test_generated_counts_with_their_totals(count, extra, form) -> None:
    total = count + extra
    percent = round(100 * count / total, 1)
    text = f"Healing occurred in {form.format(c=count, t=total, p=f'{percent:g}')} at 6 months."
    (expression,) = _decided(text)
    has_total = "{t}" in form
    if expression.statistic == "percent":
        assert (expression.value, expression.extra["count"], expression.n) == (pytest.approx(percent), count, total)
    else:
        assert expression.statistic == "count"
        assert (expression.value, expression.extra["percent"]) == (count, pytest.approx(percent))
        assert expression.n == (total if has_total else None)


@settings(max_examples=600, deadline=None)
@given(value=decimals, low_gap=small, high_gap=small, statistic=st.sampled_from(["median (IQR)", "median (range)", "mean (95% CI)"]),
       dash=st.sampled_from(DASHES), bracket=st.sampled_from(BRACKETS))
def test_generated_announced_bare_intervals(value, low_gap, high_gap, statistic, dash, bracket) -> None:
    low, high = round(value - low_gap, 2), round(value + high_gap, 2)
    text = f"Data are {statistic}. The score was {_write(value)} {bracket[0]}{_write(low)}{dash}{_write(high)}{bracket[1]} at week 4."
    (expression,) = _decided(text)
    expected = {"median (IQR)": "median_iqr", "median (range)": "median_range", "mean (95% CI)": "mean_ci"}[statistic]
    assert (expression.statistic, expression.value, expression.low, expression.high) == (
        expected, pytest.approx(value), pytest.approx(low), pytest.approx(high))


@settings(max_examples=300, deadline=None)
@given(value=st.integers(5, 90), low=st.integers(0, 4), high=st.integers(91, 99), dash=st.sampled_from(DASHES))
def test_an_unlabelled_interval_is_never_three_values(value, low, high, dash) -> None:
    text = f"The score was {value} ({low}{dash}{high}) points after treatment."
    numbers = [v["value"] for o in extract_text(text).outcomes for v in o["values"]]
    assert low not in numbers and high not in numbers


@settings(max_examples=300, deadline=None)
@given(value=decimals, spread=small, open_=st.sampled_from(["(", "（"]), close=st.sampled_from([")", "）"]),
       unit=st.sampled_from(["", "mg/L", "分"]))
def test_generated_chinese_mean_in_brackets(value, spread, open_, close, unit) -> None:
    text = f"治疗后观察组评分为{open_}{_write(value)}±{_write(spread)}{close}{unit}，"
    (expression,) = _decided(text)
    assert (expression.statistic, expression.value, expression.spread) == ("mean_sd", pytest.approx(value), pytest.approx(spread))


# --------------------------------------------------------------------------- what is not a value

NOT_VALUES = [
    "The t-test gave t = 6.42 (P < 0.001).",
    "Heterogeneity was moderate (I² = 48%).",
    "The F statistic was F(1, 40) = 12.1.",
    "Twenty patients (mean age 44.3 ± 8.1 years) received MSCs.",
    "The median age was 48 years (range, 28 to 76 years).",
    "Patients received 1 × 10^6 cells/kg (range 0.9-2.9) intravenously.",
    "Unique identifier: CTRI/2008/091/0004.",
    "Visits took place on day 14 ± 3 and day 28 ± 3.",
    "Response was defined as a decrease of ≥ 50% in SLEDAI.",
    "Patients had a disability level ≥ 30% on the Oswestry Disability Index.",
    "Success required at least a 50% reduction from baseline in pain.",
    "MSCs were injected at a median dose of 1.43 × 10(6)/kg (range: 0.85-2.5 × 10(6)/kg).",
    "Median number of injected BMNCs was 2.20×10(8) (range, 1.40-3.50×10(8)).",
    "Bone marrow aspiration was performed at a median of 6 days after primary PCI (interquartile range, 5-7 days).",
]


@pytest.mark.parametrize("text", NOT_VALUES)
def test_what_is_not_an_outcome_value(text: str) -> None:
    assert extract_text(text).outcomes == ()


def test_a_value_outside_its_bracket_pair_is_no_interval() -> None:
    # "a (b, c)" with a outside [b, c] is not an interval of a
    (expression,) = find_expressions("It was 40 (10, 15) in all.")
    assert read_expression("It was 40 (10, 15) in all.", expression, cue="median") is None


def test_announcement_later_in_the_sentence_governs_it() -> None:
    text = "Glucose was 6.1 ± 0.3 mmol/L (mean ± SE) after the infusion."
    (expression,) = [read_expression(text, e, cue=None, scope_end=len(text)) for e in find_expressions(text)][:1]
    assert expression.statistic == "mean_se"


def test_the_grammar_knows_no_field() -> None:
    # the grammar layer imports nothing of the field rules (measures, arms, cues)
    import extractor.nlp.grammar.forms as forms
    import extractor.nlp.grammar.reading as reading

    for module in (forms, reading):
        source = open(module.__file__, encoding="utf-8").read()
        assert not re.search(r"from extractor\.nlp\.(?:outcomes|population|design|intervention|patterns)", source)
