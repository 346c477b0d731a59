"""Every regex constant of ``extractor.nlp.patterns`` matches the examples its comment gives.

The module's convention is a ``#:`` comment over each constant with quoted
examples ("(1681±430)", "P<0.05"); this test reads them from the source, so a
new constant without an example, or an edit that breaks one, fails here.
"""

from __future__ import annotations

import inspect
import re

import pytest

from extractor.nlp import patterns

#: Constants whose examples only match with context the comment cannot quote.
CONTEXT_ONLY = {
    "P_ALL_CUE": "matches the end of the text before a p-value ('all ' in '(all P<0.05)')",
    "DOSE_LEFT_LIST": "matches the numbers left of a dose atom, anchored at the atom",
}


def documented_patterns() -> list[tuple[str, list[str]]]:
    """(name, examples) for every compiled regex constant, examples read from its ``#:`` comment."""
    source = inspect.getsource(patterns)
    found = []
    comment: list[str] = []
    for line in source.splitlines():
        if line.startswith("#:"):
            comment.append(line[2:])
            continue
        match = re.match(r"([A-Z][A-Z0-9_]*)\s*=", line)
        if match and isinstance(getattr(patterns, match.group(1), None), re.Pattern):
            inline = line.split("#", 1)[1] if "#" in line else ""
            examples = re.findall(r'"([^"]+)"', " ".join([*comment, inline]))
            found.append((match.group(1), examples))
        if not line.startswith((" ", ")", "#")) or match:
            comment = []
    return found


PATTERNS = documented_patterns()


def test_every_pattern_is_documented_with_an_example() -> None:
    missing = [name for name, examples in PATTERNS if not examples and name not in CONTEXT_ONLY]
    assert not missing, f"regex constants without a quoted example in their #: comment: {missing}"


@pytest.mark.parametrize("name, examples", [p for p in PATTERNS if p[0] not in CONTEXT_ONLY], ids=lambda v: v if isinstance(v, str) else "")
def test_pattern_matches_its_examples(name: str, examples: list[str]) -> None:
    pattern = getattr(patterns, name)
    failing = [example for example in examples if not pattern.search(example)]
    assert not failing, f"{name} does not match its documented examples {failing}"


@pytest.mark.parametrize(
    "name, text, group, expected",
    [
        ("P_VALUE", "P&L;0.01", "value", "0.01"),
        ("P_VALUE", "p = .0517", "value", ".0517"),
        ("P_VALUE", "P = 2.1×10-5", "value", "2.1×10-5"),
        ("TIMEPOINT_UNIT_FIRST", "at week 2 (474±61)", "amount", "2"),
        ("TIMEPOINT_ORDINAL", "at the 20th week", "ordinal", "20th"),
        ("TIMEPOINT_LIST", "at 1, 3 and 5 years", "amounts", "1, 3 and 5"),
    ],
)
def test_pattern_groups(name: str, text: str, group: str, expected: str) -> None:
    match = getattr(patterns, name).search(text)
    assert match is not None and match.group(group) == expected


@pytest.mark.parametrize(
    "name, text",
    [
        ("PERCENT", "FEV1% pred"),  # a percent sign after a name, not a number
        ("BASELINE", "compared before and after"),
        ("DOSE_CONTEXT", " mmol/L"),
    ],
)
def test_pattern_rejects(name: str, text: str) -> None:
    assert getattr(patterns, name).search(text) is None
