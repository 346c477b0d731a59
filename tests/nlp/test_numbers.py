"""Whole numbers as abstracts write them: digits, English number words, Chinese numerals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.nlp.grammar.numbers import COUNT, parse_chinese_number, parse_number, parse_number_words

PARSE_CASES = [
    ("64", 64),
    ("1,491", 1491),
    ("13 388", 13388),
    ("67\u202f142", 67142),
    ("Forty-five", 45),
    ("forty five", 45),
    ("twenty-one", 21),
    ("Thirteen", 13),
    ("seventeen", 17),
    ("one hundred and two", 102),
    ("Two hundred-forty", 240),
    ("Three hundred eighty-nine", 389),
    ("a hundred", 100),
    ("one thousand two hundred", 1200),
    ("two thousand and five", 2005),
    ("fourty", 40),
    ("九十二", 92),
    ("十五", 15),
    ("二十", 20),
    ("一百零二", 102),
    ("一〇二", 102),
    ("两", 2),
    ("patients", None),
    ("", None),
    ("forty apples", None),
]


@pytest.mark.parametrize("text, expected", PARSE_CASES)
def test_parse_number(text: str, expected: int | None) -> None:
    assert parse_number(text) == expected


FIND_CASES = [
    ("Forty-five patients were randomized", ["Forty-five"]),
    ("A total of 1,491 women", ["1,491"]),
    ("In all, 5187 patients", ["5187"]),
    ("one hundred and two men and seventy women", ["one hundred and two", "seventy"]),
    # a decimal, a range end, a name and an ordinal are not counts
    ("2.5 mg", []),
    ("aged 18–64 years", ["18"]),
    ("COVID-19 patients", []),
    ("MMT8 score", []),
    ("5th-8th grade children", []),
    # compounds are not counts: "one-sided", "two-year"
    ("a two-year follow-up of one-sided cases", []),
]


@pytest.mark.parametrize("text, expected", FIND_CASES)
def test_count_pattern_finds(text: str, expected: list[str]) -> None:
    assert [m.group(0) for m in COUNT.finditer(text)] == expected


def test_parse_words_rejects_non_number_words() -> None:
    assert parse_number_words("twenty patients") is None
    assert parse_chinese_number("九十x") is None


_WORDS_BELOW_20 = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
                   " sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n: int) -> str:
    """English words for 0 <= n < 1000, written the way abstracts write them."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_WORDS_BELOW_20[hundreds]} hundred")
    if rest or not hundreds:
        if rest < 20:
            part = _WORDS_BELOW_20[rest]
        else:
            tens, unit = divmod(rest, 10)
            part = _TENS[tens - 2] + (f"-{_WORDS_BELOW_20[unit]}" if unit else "")
        words.append(("and " if hundreds else "") + part)
    return " ".join(words)


@given(st.integers(min_value=1, max_value=999))
def test_spelled_numbers_round_trip(n: int) -> None:
    spelled = _spell(n)
    assert parse_number(spelled) == n
    assert COUNT.fullmatch(spelled) is not None


@given(st.integers(min_value=0, max_value=10**7))
def test_digits_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n
