"""The project's one number parser: decimals, scientific forms, whole numbers in digits and words.

Decimals (``parse_value``): signs written with a hyphen, minus or dash ("−7.9",
"–13.24"), middle-dot decimals ("4·7"), leading dots (".37"), thousands grouped
with commas or thin / narrow / no-break spaces ("533,482.5", "12\u2009480"),
scientific forms ("1 × 10^6", "1×10(6)", "10^7", "1.0E+06", "2 × 10⁶" and the
flattened "10 × 106" of a copied superscript). ``DECIMAL`` is the pattern every
statistic form embeds.

Whole numbers (``parse_number``):
``parse_number("Forty-five") == 45``, ``parse_number("one hundred and two") == 102``,
``parse_number("1,491") == 1491``, ``parse_number("九十二") == 92``. The regular
expressions are exported as pattern strings so that other rule modules can
embed them in their own named constants (``COUNT_PATTERN`` matches one count in
any of the three spellings).
"""

from __future__ import annotations

import re

#: Number words below twenty, by value.
UNITS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen".split()
    )
}
#: Tens words by value ("fourty" is a common misspelling in abstracts).
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
#: Multipliers.
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}
#: Chinese digits (both the plain and the financial "两" for two).
CHINESE_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
#: Chinese multipliers.
CHINESE_SCALES: dict[str, int] = {"十": 10, "百": 100, "千": 1000}


def _alternation(words) -> str:
    """A regex alternation of ``words``, longest first so "seventeen" wins over "seven"."""
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT_1_19 = _alternation(w for w in UNITS if w != "zero")
_UNIT_1_9 = _alternation(w for w, v in UNITS.items() if 1 <= v <= 9)
_TENS = _alternation(TENS)
_BELOW_100 = rf"(?:(?:{_TENS})(?:[-\s](?:{_UNIT_1_9})\b)?|(?:{_UNIT_1_19}))"
_BELOW_1000 = rf"(?:(?:{_UNIT_1_9}|a)[-\s]hundred(?:(?:[-\s]|\s+and\s+){_BELOW_100})?|{_BELOW_100})"

#: English number words, e.g. "Forty-five", "twenty one", "one hundred and two", "Two hundred-forty";
#: not part of a compound ("one-sided", "two-year", "two-by-two").
NUMBER_WORDS_PATTERN = (
    rf"(?<!-)\b(?:{_BELOW_1000}[-\s]thousand(?:(?:[-\s]|,\s*|\s+and\s+){_BELOW_1000})?|{_BELOW_1000})\b(?!-[a-z])"
)
#: Digits with optional thousands separators (comma, thin or plain space between 3-digit groups), e.g.
#: "1,491", "13 388", "64"; not part of a decimal ("2.5"), a range ("18–64") or a name ("COVID-19", "MMT8").
DIGITS_PATTERN = (
    r"(?<![\w.,\-–−/])(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u2008\u2009\u202f]\d{3})+(?![ \u2008\u2009\u202f]?\d)|\d+)"
    r"(?![\d]|[.,]\d|(?:st|nd|rd|th)\b)"
)
#: Chinese numerals, e.g. "九十二", "二十三".
CHINESE_NUMBER_PATTERN = r"[零〇一二两三四五六七八九十百千]+"
#: One count in digits or English words, e.g. "64", "1,491", "Forty-five".
COUNT_PATTERN = rf"(?:{DIGITS_PATTERN}|{NUMBER_WORDS_PATTERN})"

NUMBER_WORDS = re.compile(NUMBER_WORDS_PATTERN, re.IGNORECASE)
#: Words that can open a spelled number ("a" only in "a hundred").
_FIRST_WORDS = frozenset([*UNITS, *TENS, "a"])
#: Any run of letters, to find candidate number words without trying the word pattern at every position.
_LETTERS = re.compile(r"[A-Za-z]+")
DIGITS = re.compile(DIGITS_PATTERN)
COUNT = re.compile(COUNT_PATTERN, re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[\s,\-]+")


def find_counts(text: str) -> list[tuple[int, int]]:
    """(start, end) of every count in ``text``, digits or words, in text order (as ``COUNT.finditer``).

    Faster than ``COUNT.finditer`` on long texts: digits by one scan, number words by an anchored match
    only where a word that can open a number stands.
    """
    spans = [(m.start(), m.end()) for m in DIGITS.finditer(text)]
    word_end = -1
    for word in _LETTERS.finditer(text):
        if word.start() < word_end or word.group(0).lower() not in _FIRST_WORDS:
            continue
        m = NUMBER_WORDS.match(text, word.start())
        if m is not None:
            spans.append((m.start(), m.end()))
            word_end = m.end()
    return sorted(spans)


#: What may group a number's digits: commas and any space (``\s`` holds the thin, narrow and no-break ones).
DIGIT_GROUPING = re.compile(r"[,\s]")
_CHINESE_NUMBER = re.compile(CHINESE_NUMBER_PATTERN)


def parse_number(text: str) -> int | None:
    """The whole number ``text`` spells (digits, English words or Chinese numerals), else None."""
    text = text.strip()
    if not text:
        return None
    compact = DIGIT_GROUPING.sub("", text)
    if compact.isdecimal():
        return int(compact)
    if _CHINESE_NUMBER.fullmatch(text):
        return parse_chinese_number(text)
    return parse_number_words(text)


def parse_number_words(text: str) -> int | None:
    """Value of English number words ("Forty-five" -> 45); None when a word is not a number word."""
    total = current = 0
    seen = False
    for word in _WORD_SPLIT.split(text.lower()):
        if word in ("", "and"):
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "a" and not seen:
            current = 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_chinese_number(text: str) -> int | None:
    """Value of a Chinese numeral ("九十二" -> 92, "十五" -> 15, "一〇二" -> 102)."""
    if not text or any(ch not in CHINESE_DIGITS and ch not in CHINESE_SCALES for ch in text):
        return None
    if not any(ch in CHINESE_SCALES for ch in text):
        return int("".join(str(CHINESE_DIGITS[ch]) for ch in text))
    total = digit = 0
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        else:
            total += (digit or 1) * CHINESE_SCALES[ch]
            digit = 0
    return total + digit


# --- decimals and scientific forms -----------------------------------------------------------------

#: Not right after a letter, digit or underscore; a Chinese character may stand before ("为87.5%"): Python's
#: ``\w`` holds every Chinese character, and Chinese writes numbers against its words.
NOT_AFTER_WORD = r"(?<![^\W\u3400-\u4dbf\u4e00-\u9fff])"
#: Sign glyphs of copied abstracts: hyphen, minus, en dash, figure dash ("−7.9", "–13.24").
SIGN_CHARS = "+-−–‒"
#: A sign: only where no word, digit or closing bracket stands before it, so "10–15" is a range, not 10 and −15.
SIGN = r"(?:(?<![\w)\]%.·])[+\-−–‒][ \u00a0\u2009\u202f]?)"
#: Thousands grouped by a comma or a thin, narrow or no-break space: "533,482", "12\u2009480".
_GROUPED = r"\d{1,3}(?:,\d{3})+(?![\d,]|,\d)|\d{1,3}(?:[\u00a0\u2009\u202f]\d{3})+(?![\d\u00a0\u2009\u202f])"
#: A decimal comma where no thousands and no list can be meant: a zero before it, in a mean ± spread
#: ("0,38 +/- 0,14", European style); "(0,4)" stays an interval.
_PM_BEFORE = r"(?:(?<=±)|(?<=± )|(?<=/-)|(?<=/- )|(?<=/−)|(?<=/− ))"
_DECIMAL_COMMA = rf"(?:0,\d+(?![\d,])(?=\s?(?:±|\+/-|\+/−))|{_PM_BEFORE}0,\d+(?![\d,]))"
#: An unsigned decimal: "4.7", "4·7", ".37", "1,491.5", "12"; not the tail of a word ("IL-6") or of a decimal.
UNSIGNED = rf"(?<![.·,^]){NOT_AFTER_WORD}(?:{_DECIMAL_COMMA}|(?:{_GROUPED}|\d+)(?:[.·]\d+)?|[.·]\d+)(?![\d])"
#: A signed decimal: "−7.9", "+0.59", "-.37", "533,482.5".
DECIMAL = rf"{SIGN}?(?<![.·^]){NOT_AFTER_WORD}(?:{_DECIMAL_COMMA}|(?:{_GROUPED}|\d+)(?:[.·]\d+)?|[.·]\d+)(?!\d)"
#: A power of ten after a mantissa: " × 10^6", "×10(6)", " x 10⁶", "E+06", "× 106" (a flattened superscript).
POWER_OF_TEN = (
    r"[ \u00a0]?[×xX*][ \u00a0]?10(?:[ \u00a0]?\^[ \u00a0]?(?P<exp>[-−]?\d{1,2})|[ \u00a0]?\((?P<exp_paren>[-−]?\d{1,2})\)"
    r"|(?P<exp_sup>[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?P<exp_flat>\d)(?!\d))|[eE](?P<exp_e>[+\-−]?\d{1,2})(?!\d)"
)
#: A number in scientific form: "1 × 10^6", "2.5×10(7)", "1.0E+06", "10^7".
SCIENTIFIC = rf"(?:(?P<mantissa>{DECIMAL})(?:{POWER_OF_TEN})|(?<![\w.])10[ \u00a0]?(?:\^|\()[ \u00a0]?(?P<exp_bare>\d{{1,2}})\)?)"

DECIMAL_RE = re.compile(DECIMAL)
_DECIMAL_COMMA_RE = re.compile(rf"^[{re.escape(SIGN_CHARS)}]?\s?0,\d+$")
SCIENTIFIC_RE = re.compile(SCIENTIFIC)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_GROUP_MARKS = re.compile(r"[,\u00a0\u2009\u202f ]")


def parse_decimal(text: str) -> float:
    """'−7.9' -> -7.9, '533,482.5' -> 533482.5, '4·7' -> 4.7, '.37' -> 0.37, '- 2.1' -> -2.1.

    Raises ``ValueError`` when ``text`` is not one decimal.
    """
    text = text.strip()
    if _DECIMAL_COMMA_RE.search(text):
        text = text.replace(",", ".")  # "0,38": a decimal comma, not a thousands separator
    cleaned = _GROUP_MARKS.sub("", text).replace("·", ".")
    if cleaned[:1] in "−–‒":
        cleaned = "-" + cleaned[1:]
    return float(cleaned)


def parse_value(text: str) -> float | None:
    """The number ``text`` writes, decimal, scientific or whole in words; None when it is none of them.

    ``parse_value("1 × 10^6") == 1e6``, ``parse_value("10 × 106") == 1e7``, ``parse_value("−.37") == -0.37``,
    ``parse_value("Forty-five") == 45``.
    """
    text = text.strip()
    if DECIMAL_RE.fullmatch(text) or _DECIMAL_COMMA_RE.fullmatch(text):
        return parse_decimal(text)
    sci = SCIENTIFIC_RE.fullmatch(text)
    if sci:
        return _scientific_value(sci)
    whole = parse_number(text)
    return float(whole) if whole is not None else None


def _scientific_value(match: re.Match) -> float:
    """The value of a ``SCIENTIFIC`` match."""
    groups = match.groupdict()
    if groups["exp_bare"]:
        return 10.0 ** int(groups["exp_bare"])
    exponent = next(groups[k] for k in ("exp", "exp_paren", "exp_sup", "exp_flat", "exp_e") if groups[k])
    exponent = exponent.translate(_SUPERSCRIPTS).replace("−", "-")
    return parse_decimal(groups["mantissa"]) * 10.0 ** int(exponent)


#: A p-value's number in scientific form: "3.29×10-6", "2 x 10−4".
_P_SCIENTIFIC = re.compile(r"(\d(?:\.\d+)?)\s?[x×]\s?10\s?[-−–]\s?(\d+)")


def parse_p_value(text: str) -> float | None:
    """A p-value's number: "0.03", ".001", "0·84", "0. 99", "3.29×10-6"; None when outside [0, 1]."""
    sci = _P_SCIENTIFIC.fullmatch(text.strip())
    value = float(f"{sci.group(1)}e-{sci.group(2)}") if sci else parse_decimal(text)
    return value if 0 <= value <= 1 else None
