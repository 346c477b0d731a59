"""Small helpers shared by the bibliographic readers: DOIs, years, names, languages, whitespace."""

from __future__ import annotations

import re

#: A DOI anywhere in a string: "doi: 10.1136/bmj.h2145", "https://doi.org/10.1155/2010/157939".
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
#: URL and label prefixes in front of a DOI: "https://dx.doi.org/", "doi:".
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
#: A four-digit publication year: "2018 Jan-Feb" -> 2018, "2014//" -> 2014.
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
#: Runs of whitespace, collapsed to one space in record fields.
SPACES = re.compile(r"\s+")
#: A wrapped line that ends inside a hyphenated word: "acute-on-", "hUC-" (not a lone dash " -").
OPEN_HYPHEN = re.compile(r"\w-$")
#: Words after a suspended hyphen, where the space is real: "2- and 3-year", "pre- or post-".
SUSPENDED = re.compile(r"^(?:and|or|to|nor|versus|vs\.?)\b", re.IGNORECASE)

#: Language codes used by PubMed/MEDLINE (ISO 639-2) and JATS (ISO 639-1) -> the name the exchange format states.
LANGUAGES = {
    "eng": "English", "en": "English",
    "chi": "Chinese", "zho": "Chinese", "zh": "Chinese",
    "jpn": "Japanese", "ja": "Japanese",
    "kor": "Korean", "ko": "Korean",
    "ger": "German", "deu": "German", "de": "German",
    "fre": "French", "fra": "French", "fr": "French",
    "spa": "Spanish", "es": "Spanish",
    "ita": "Italian", "it": "Italian",
    "por": "Portuguese", "pt": "Portuguese",
    "rus": "Russian", "ru": "Russian",
    "pol": "Polish", "pl": "Polish",
    "dut": "Dutch", "nld": "Dutch", "nl": "Dutch",
    "tur": "Turkish", "tr": "Turkish",
    "per": "Persian", "fas": "Persian", "fa": "Persian",
    "ara": "Arabic", "ar": "Arabic",
    "cze": "Czech", "ces": "Czech", "cs": "Czech",
    "swe": "Swedish", "sv": "Swedish",
    "dan": "Danish", "da": "Danish",
    "nor": "Norwegian", "no": "Norwegian",
    "fin": "Finnish", "fi": "Finnish",
    "hun": "Hungarian", "hu": "Hungarian",
    "gre": "Greek", "ell": "Greek", "el": "Greek",
    "heb": "Hebrew", "he": "Hebrew",
    "ukr": "Ukrainian", "uk": "Ukrainian",
    "vie": "Vietnamese", "vi": "Vietnamese",
    "tha": "Thai", "th": "Thai",
}


def clean(value: str | None) -> str | None:
    """Collapse whitespace; ``None`` for an empty value."""
    if value is None:
        return None
    text = SPACES.sub(" ", value).strip()
    return text or None


def normalize_doi(value: str | None) -> str | None:
    """Lower-case DOI without URL or ``doi:`` prefix and trailing punctuation, or ``None``."""
    text = clean(value)
    if not text:
        return None
    text = DOI_PREFIX.sub("", text.removesuffix("[doi]").strip())
    match = DOI.search(text)
    if not match:
        return None
    return match.group(1).rstrip(".,;:)]}'").lower() or None


def parse_year(value: str | None) -> int | None:
    """The first plausible four-digit year in ``value``."""
    match = YEAR.search(value or "")
    return int(match.group(1)) if match else None


def language_name(value: str | None) -> str | None:
    """A language name for a code ("eng" -> "English"); names pass through."""
    text = clean(value)
    if not text:
        return None
    return LANGUAGES.get(text.lower(), text)


def person_name(family: str | None, given: str | None) -> str | None:
    """"Given Family" as the exchange format writes authors; either part may be missing."""
    return clean(" ".join(part for part in (given, family) if part and part.strip()))


def inverted_name(value: str) -> str:
    """"Family, Given" (RIS, MEDLINE FAU) -> "Given Family"; other forms pass through."""
    family, comma, given = value.partition(",")
    if not comma or not given.strip():
        return clean(value) or ""
    return person_name(family, given) or ""


def page_range(first: str | None, last: str | None) -> str | None:
    """"175" and "178" -> "175-178"; either alone passes through."""
    first, last = clean(first), clean(last)
    if first and last and last != first:
        return f"{first}-{last}"
    return first or last


def join_wrapped(previous: str, line: str) -> str:
    """Join a continuation line to the value before it.

    Exports wrap long values at spaces and, some of them, after hyphens
    ("acute-on-" / "chronic"); a line ending inside a hyphenated word joins
    without a space, unless a suspended hyphen is followed by its conjunction
    ("2-" / "and 3-year").
    """
    line = line.strip()
    if not previous:
        return line
    if OPEN_HYPHEN.search(previous) and line and not SUSPENDED.match(line):
        return previous + line
    return f"{previous} {line}"
