"""Text repairs made in the PDF reader, before the canonical text (and its offsets) is fixed.

Three kinds, each recorded in ``SourceDocument.repairs``:

- glyphs: symbol fonts without a Unicode map give the wrong character for
  ``±``, ``−``, ``=`` or ``×`` (Elsevier's AdvP fonts write "p¼0.05" for
  "p=0.05" and "mean6SD" for "mean±SD"; TeX's CMSY gives control codes);
- ligatures: ``ﬁ`` ``ﬂ`` ``ﬀ`` ``ﬃ`` ``ﬄ`` become their letters;
- line-end hyphens: "appro-" + "priately" is joined to "appropriately",
  while "population-" + "based" keeps its hyphen (see ``join_hyphenated``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

#: Characters by font family that map to the wrong Unicode value, and what they stand for.
#: Keys are font-name prefixes (subset tags like "ABCDEF+" are removed before matching).
GLYPH_FIXES: dict[str, dict[str, str]] = {
    # Elsevier / Advent "AdvP" fonts (AdvP4C4E74, AdvPS7DA6, ...): "p¼0.05", "5.2Æ1.3", "À0.4", "2Â10",
    # "mean6SD" (the "6" only when set alone in the symbol font between letters or digits).
    "AdvP": {"¼": "=", "Æ": "±", "6": "±", "À": "−", "Â": "×", "Þ": "+", "\x02": "−", "\x01": "•"},
    # TeX math symbols without a ToUnicode map: code 0 is minus, 2 times, 6 plus-minus.
    "CMSY": {"\x00": "−", "\x01": "·", "\x02": "×", "\x06": "±", "\x14": "≤", "\x15": "≥"},
    # Adobe Symbol read with a text encoding: "±" is 0xB1, the minus 0x2D.
    "Symbol": {"\x02": "−"},
}
#: Elsevier superscript fonts write the en dash of citation ranges as "e": "Asia.1e3" is "1–3".
DASH_AS_E_FONTS = ("AdvPS",)
#: Presentation-form ligatures and their letters.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
#: A font subset tag: "ABCDEF+AdvP4C4E74" -> "AdvP4C4E74".
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")

#: Second parts that keep their hyphen after a line break: "population-|based", "follow-|up".
COMPOUND_TAILS = frozenset(
    """based related induced derived dependent independent specific associated mediated positive negative
    free like term year years month months week weeks day days hour hours old up out blind blinded
    controlled matched treated naive naïve resistant sensitive refractory risk dose level scale site
    center centre arm label point time times line cell cells wide fold type label release acting
    reported rated reporting limited threatening making long short""".split()
)
#: First parts that keep their hyphen after a line break: "self-|reported", "non-|inferiority".
COMPOUND_HEADS = frozenset(
    """self non anti co pre post intra inter extra semi multi well ex double single open long short high
    low first second third all cross half quasi meta mid over under sub trans""".split()
)
#: The word fragment before a line-end hyphen: "(appro-", "IL-".
TAIL_WORD = re.compile(r"([A-Za-z\u00C0-\u024F]+)-$")
#: The word fragment after it: "priately,".
HEAD_WORD = re.compile(r"^([A-Za-z\u00C0-\u024F]+)")


@dataclass(slots=True)
class RepairLog:
    """What was changed while the text was assembled, counted by change."""

    counts: Counter = field(default_factory=Counter)

    def note(self, change: str) -> None:
        """Record one occurrence of ``change``."""
        self.counts[change] += 1

    def summary(self) -> tuple[str, ...]:
        """One line per distinct change, with its count: "ligature 'ﬁ' -> 'fi' (x3)"."""
        return tuple(f"{change} (x{n})" if n > 1 else change for change, n in sorted(self.counts.items()))


def fix_glyph(char: str, font: str, *, before: str = "", after: str = "") -> str | None:
    """The character ``char`` in ``font`` stands for, when the font is known to misreport it."""
    family = SUBSET_TAG.sub("", font)
    for prefix, table in GLYPH_FIXES.items():
        if family.startswith(prefix) and char in table:
            if char == "6" and not (before[-1:].isalnum() and after[:1].isalnum()):
                return None  # "6" stands for "±" only between the numbers or words it joins
            return table[char]
    if char == "e" and before.isdigit() and after.isdigit() and family.startswith(DASH_AS_E_FONTS):
        return "–"
    return None


def suspicious(char: str) -> bool:
    """Characters worth a font look-up (the look-up is slow, so only these are checked)."""
    return len(char) == 1 and (char in "¼ÆÀÂÞ6e" or ord(char) < 0x20)


def expand_ligatures(text: str, log: RepairLog) -> str:
    """Replace presentation-form ligatures with their letters, noting each."""
    if not any(ch in LIGATURES for ch in text):
        return text
    for lig, letters in LIGATURES.items():
        if lig in text:
            for _ in range(text.count(lig)):
                log.note(f"ligature {lig!r} -> {letters!r}")
            text = text.replace(lig, letters)
    return text


def join_hyphenated(left: str, right: str, known: frozenset[str] | set[str]) -> str | None:
    """The joined word when ``left`` ends in a line-end hyphen that only split a word, else ``None``.

    ``left`` is the line before the break (ending "-"), ``right`` the line
    after. A hyphen is kept when the next part starts with a capital or a
    digit ("IL-|6", "COVID-|19"), when the document writes the hyphenated
    form elsewhere, or when the parts form a usual compound ("follow-|up",
    "self-|reported"); it is dropped when the document writes the joined
    word elsewhere, and otherwise (a syllable break: "appro-|priately").
    """
    tail = TAIL_WORD.search(left)
    head = HEAD_WORD.match(right)
    if not tail or not head:
        return None
    first, second = tail.group(1), head.group(1)
    if second[0].isupper() or first.isupper():
        return None
    joined = (first + second).lower()
    if joined in known:
        return first + second
    if f"{first}-{second}".lower() in known:
        return None
    if second.lower() in COMPOUND_TAILS or first.lower() in COMPOUND_HEADS:
        return None
    return first + second
