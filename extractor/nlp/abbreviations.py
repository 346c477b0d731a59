"""Abbreviation definitions, "long form (SF)", after Schwartz & Hearst (PSB 2003).

The short form is a parenthesised token of 2-10 characters with a letter; the
long form is the shortest run of preceding words whose letters cover the short
form's characters in order, the first matching a word start. "serum creatin in
kinase (CK)" gives CK -> "creatin in kinase".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: "(SF)" or "(SF;" / "(SF," — a short-form candidate in parentheses or brackets.
SHORT_FORM = re.compile(r"[(\[]\s*([A-Za-zα-ωΑ-Ω][\w\-/+.α-ω%]{0,11}?)\s*(?:[)\]]|[;,]\s)")
#: Words before the parenthesis (letters, digits, hyphens, apostrophes).
WORD = re.compile(r"[\w'’\-]+")


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A defined short form with its long form and where the long form stands."""

    short: str
    long: str
    start: int
    end: int


def find_abbreviations(text: str) -> dict[str, Abbreviation]:
    """Map each short form defined in ``text`` to its first definition."""
    found: dict[str, Abbreviation] = {}
    for match in SHORT_FORM.finditer(text):
        short = match.group(1).rstrip(".")
        if short in found or not _plausible_short(short):
            continue
        window_start = max(0, match.start() - 200)
        words = list(WORD.finditer(text, window_start, match.start()))
        max_words = min(len(short) + 5, len(short) * 2)
        candidate = _long_form(short, words[-max_words:]) or _long_form_with_suffix(short, words[-max_words:])
        if candidate is not None:
            start, end = candidate
            found[short] = Abbreviation(short, text[start:end], start, end)
    return found


def _plausible_short(short: str) -> bool:
    letters = sum(ch.isalpha() for ch in short)
    return 2 <= len(short) <= 12 and letters >= 1 and (short[0].isalpha()) and not short.islower() or (
        letters >= 2 and any(ch.isupper() for ch in short)
    )


def _long_form(short: str, words: list[re.Match]) -> tuple[int, int] | None:
    """Schwartz-Hearst backward match of ``short`` over the preceding ``words``."""
    if not words:
        return None
    chars = [c.lower() for c in short if c.isalnum()]
    text_end = words[-1].end()
    for first in range(len(words) - 1, -1, -1):
        span_text = " ".join(w.group(0) for w in words[first:]).lower()
        if _covers(chars, span_text):
            start = words[first].start()
            if span_text and span_text[0] == chars[0]:
                return start, text_end
    return None


def _long_form_with_suffix(short: str, words: list[re.Match]) -> tuple[int, int] | None:
    """"revised ALS functional rating scale (ALSFRS-R)": match the stem "ALSFRS", then take the
    preceding word when it starts with the suffix's letter ("R" -> "revised")."""
    stem, dash, suffix = short.rpartition("-")
    if not dash or not stem or not 1 <= len(suffix) <= 3 or not suffix[0].isalpha():
        return None
    found = _long_form(stem, words)
    if found is None:
        return None
    start, end = found
    index = next(i for i, w in enumerate(words) if w.start() == start)
    if index > 0 and words[index - 1].group(0)[0].lower() == suffix[0].lower():
        return words[index - 1].start(), end
    return found


def _covers(chars: list[str], long_text: str) -> bool:
    """Schwartz-Hearst: chars right to left, first char at a word start."""
    li = len(long_text) - 1
    for si in range(len(chars) - 1, -1, -1):
        c = chars[si]
        while li >= 0 and (
            long_text[li] != c or (si == 0 and li > 0 and long_text[li - 1].isalnum())
        ):
            li -= 1
        if li < 0:
            return False
        li -= 1
    return True
