"""Which statistic an expression is, when its own labels do not say: announcements and cue words.

Papers announce a label once and write bare numbers after it: "Data are
mean (SD)" makes a later "a (b)" a mean and SD, "median (IQR)" makes "a (b–c)"
a median and quartiles, "n (%)" makes "12 (40%)" a count and a percentage,
"mean ± SE" makes a bare "a ± b" a mean and SE. ``ANNOUNCEMENTS`` are rows
(id, what they govern, the statistic, an example); ``read_expression`` decides
an ``Expression``'s statistic from its items, the announcements before it and
the statistic word ("mean", "median") nearest before its value.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache

from extractor.nlp.grammar.forms import Expression


@dataclass(frozen=True, slots=True)
class Announcement:
    """A label written once that governs later bare numbers: ``governs`` names the expression shape."""

    id: str
    governs: str  # "pm" (a ± b), "number" (a (b)), "interval" (a (b–c)), "count" (n (x%))
    statistic: str
    pattern: str
    example: str


_SPREAD_SD = r"(?:SD|S\.D\.|s\.d\.|standard\s+deviations?)"
_SPREAD_SE = r"(?:SEM?|S\.E\.M?\.?|s\.e\.m?\.?|standard\s+errors?(?:\s+of\s+(?:the\s+)?means?)?)"
_MEAN = r"(?:means?|average|x̄|\\bar\{x\}|x)"
#: A bracket's opening may follow a word or two after the statistic: "median value (IQR)", "mean score (SD)".
_OPEN, _CLOSE = r"(?:\s+(?:values?|scores?|levels?)){0,1}\s*[(\[（]\s*", r"\s*[)\]）]"

ANNOUNCEMENTS: tuple[Announcement, ...] = (
    Announcement("mean_pm_se", "pm", "mean_se", rf"\b{_MEAN}\s*(?:±|\+/-|\+/−|\+-)\s*{_SPREAD_SE}\b", "Values are mean ± SEM."),
    Announcement("mean_pm_sd", "pm", "mean_sd", rf"\b{_MEAN}\s*(?:±|\+/-|\+/−|\+-)\s*{_SPREAD_SD}", "Data are mean ± SD."),
    Announcement("mean_bracket_sd", "number", "mean_sd", rf"\b{_MEAN}{_OPEN}{_SPREAD_SD}{_CLOSE}|\(\s*mean\s*[(\[,]\s*SD\s*[)\]]?\s*\)",
                 "Data are given as mean (SD)."),
    Announcement("mean_bracket_se", "number", "mean_se", rf"\b{_MEAN}{_OPEN}{_SPREAD_SE}{_CLOSE}", "expressed as mean (SE)"),
    Announcement("median_bracket_iqr", "interval", "median_iqr",
                 rf"\bmedians?{_OPEN}(?:IQR|interquartile\s+range|Q1\s*[-–,]\s*Q3|P25\s*[-–,]\s*P75|quartiles?){_CLOSE}",
                 "Values are median (IQR)."),
    Announcement("median_bracket_range", "interval", "median_range", rf"\bmedians?{_OPEN}(?:min(?:imum)?\s*[-–,]\s*max(?:imum)?|range){_CLOSE}",
                 "median (range)"),
    Announcement("mean_bracket_ci", "interval", "mean_ci", rf"\bmeans?{_OPEN}95\s*%\s*(?:CI|confidence\s+intervals?){_CLOSE}",
                 "mean (95% CI)"),
    Announcement("count_bracket_percent", "count", "count", r"(?<![\w])(?:[nN]|number|No\.)\s*[(\[（]\s*%\s*[)\]）]", "n (%)"),
)
_ANNOUNCEMENT_RES = tuple((a, re.compile(a.pattern, re.IGNORECASE if a.governs != "count" else 0)) for a in ANNOUNCEMENTS)
#: Literals every announcement holds, to skip texts that hold none.
_GATE = re.compile(r"mean|median|average|x̄|\(\s*%\s*\)", re.IGNORECASE)


@lru_cache(maxsize=16)
def announcements(text: str) -> dict[str, tuple[list[int], list[str]]]:
    """Per governed shape, the ends of the announcements in ``text`` and their statistics, in order."""
    found: dict[str, list[tuple[int, str]]] = {}
    if _GATE.search(text):
        for announcement, pattern in _ANNOUNCEMENT_RES:
            for match in pattern.finditer(text):
                found.setdefault(announcement.governs, []).append((match.end(), announcement.statistic))
    return {shape: ([e for e, _ in sorted(rows)], [s for _, s in sorted(rows)]) for shape, rows in found.items()}


def announced_for(text: str, shape: str, expression: Expression) -> str | None:
    """The statistic the announcements governing ``expression`` give ``shape``."""
    return announced(text, shape, expression.extra.get("scope", expression.start))


def announced(text: str, shape: str, position: int) -> str | None:
    """The statistic the latest announcement before ``position`` gives ``shape``, or None."""
    ends, statistics = announcements(text).get(shape, ((), ()))
    i = bisect_right(ends, position)
    return statistics[i - 1] if i else None


def read_expression(text: str, expression: Expression, *, cue: str | None, labelled_ci: str | None = None,
                    scope_end: int | None = None) -> Expression | None:
    """``expression`` with its statistic decided, or None when nothing decides it (never three values).

    ``cue`` is the statistic word nearest before the value ("mean", "median", "change"); ``labelled_ci``
    the statistic of a labelled CI earlier in the sentence, which governs its later bare intervals;
    announcements before ``scope_end`` (the end of the value's sentence: "6.1 ± 0.3 mmol/L (mean ± SE)")
    govern it, by default those before the expression.
    """
    if scope_end is not None and scope_end > expression.start:
        expression = replace(expression, extra={**expression.extra, "scope": scope_end})
    roles = set(expression.roles)
    statistic = expression.statistic
    if expression.form in ("mean_pm", "mean_pm_in_bracket") and "pm" in roles:
        statistic = announced_for(text, "pm", expression) or statistic
    elif statistic is None and "count" in roles:
        statistic = announced_for(text, "count", expression)
    elif statistic is None:
        statistic = _read_items(text, expression, roles, cue, labelled_ci)
        if statistic in ("mean_sd", "mean_se") and expression.spread is None:
            return replace(expression, statistic=statistic, spread=expression.extra["numbers"][0])
    return replace(expression, statistic=statistic) if statistic else None


def _read_items(text: str, expression: Expression, roles: set[str], cue: str | None, labelled_ci: str | None) -> str | None:
    """The statistic of a value's bracket items."""
    if "sd" in roles:
        return "mean_sd"
    if "se" in roles:
        return "mean_se"
    if "ci" in roles:
        if cue == "median":
            return "median"
        if cue == "difference":  # "the treatment effect was 1.25 (95% CI ...)", "a difference of 4.1 (95% CI ...)"
            return "risk_difference" if expression.unit == "%" else "mean_difference"
        return "percent" if expression.unit == "%" and cue is None else "mean_ci"
    if "iqr" in roles:
        return "median_iqr"
    if "range" in roles:
        return "mean" if cue == "mean" else "median_range"
    if "interval" in roles:
        if not expression.low <= expression.value <= expression.high:
            return None  # "a (b, c)" with a outside [b, c] is no interval of a
        return (labelled_ci or announced_for(text, "interval", expression)
                or {"median": "median_iqr", "mean": "mean_ci", "difference": "mean_difference"}.get(cue or ""))
    if roles == {"number"} or roles == {"number", "p"} or roles == {"number", "n"}:
        numbers = expression.extra.get("numbers", [])
        if cue == "mean" and len(numbers) == 1 and numbers[0] >= 0 and expression.unit != "%":
            return "mean_sd"  # "mean change of −9.2 [12.2]": a mean's bare bracket is its SD
        if len(numbers) == 1 and numbers[0] >= 0 and announced_for(text, "number", expression):
            return announced_for(text, "number", expression)
    return None
