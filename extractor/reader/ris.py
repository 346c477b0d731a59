"""RIS exports (EndNote, Zotero, publisher sites), parsed record by record with ``rispy``.

Records run from ``TY  -`` to ``ER  -``; a missing final ``ER`` is tolerated,
as are tag lines written with one space ("TY - JOUR"), which several
exporters produce and ``rispy`` alone would drop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rispy

from extractor.errors import ReadError
from extractor.reader.base import Bibliography, RawRecord, ReadFailure, SourceDocument, decode_text, number_records
from extractor.reader.biblio import clean, inverted_name, language_name, normalize_doi, page_range, parse_year

#: A tag line, loosely spaced: "TY  - JOUR", "TY - JOUR", "ER  -".
TAG_LINE = re.compile(r"^\s*([A-Z][A-Z0-9])\s{1,3}-(?:\s+(.*?))?\s*$")
#: What marks a file as RIS: a "TY  - " line.
SIGNATURE = re.compile(r"^\s*TY\s{1,3}-\s*\S", re.MULTILINE)

#: RIS reference types -> publication types as PubMed names them.
REFERENCE_TYPES = {
    "JOUR": "Journal Article",
    "JFULL": "Journal Article",
    "EJOUR": "Journal Article",
    "ABST": "Abstract",
    "CONF": "Conference Proceedings",
    "CPAPER": "Conference Paper",
    "THES": "Thesis",
    "BOOK": "Book",
    "CHAP": "Book Chapter",
    "RPRT": "Report",
}


def looks_like_ris(head: str) -> bool:
    """True when ``head`` has a ``TY  -`` line."""
    return SIGNATURE.search(head) is not None


def read_ris(data: bytes, *, source_file: str, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Yield one document per RIS record in ``data``."""
    chunks = list(_split_records(decode_text(data, source_file=source_file)))
    if not chunks:
        raise ReadError(f"{source_file}: no RIS record (a 'TY  - ' line) found")
    yield from number_records((_parse(chunk) for chunk in chunks), source_file=source_file, fmt="ris")


def _split_records(text: str) -> Iterator[str]:
    """Yield each record's lines, normalised to ``XX  - value``, from its TY line to its ER line."""
    lines: list[str] | None = None
    for line in text.split("\n"):
        match = TAG_LINE.match(line)
        tag = match.group(1) if match else None
        if tag == "TY":
            if lines:
                yield "\n".join([*lines, "ER  - ", ""])
            lines = []
        if lines is None:
            continue
        if tag == "ER":
            yield "\n".join([*lines, "ER  - ", ""])
            lines = None
        elif match:
            lines.append(f"{tag}  - {match.group(2) or ''}")
        elif line.strip():
            lines.append(line.strip())
    if lines:
        yield "\n".join([*lines, "ER  - ", ""])


def _parse(chunk: str) -> RawRecord:
    """Map one record's rispy entry to a ``Bibliography`` and its abstract."""
    raw = chunk.encode("utf-8")
    entries = rispy.loads(chunk, skip_unknown_tags=True)
    if not entries:
        return RawRecord(Bibliography(), "", raw, problem="the RIS record has no readable fields")
    entry = entries[0]
    bibliography = Bibliography(
        title=_first(entry, "title", "primary_title", "translated_title", "short_title"),
        authors=tuple(inverted_name(a) for a in [*entry.get("authors", []), *entry.get("first_authors", [])]),
        journal=_first(entry, "alternate_title3", "secondary_title", "journal_name", "alternate_title2", "alternate_title1"),
        year=parse_year(_first(entry, "year", "publication_year", "date")),
        volume=_first(entry, "volume"),
        issue=_first(entry, "number"),
        pages=page_range(_first(entry, "start_page"), _first(entry, "end_page")),
        doi=normalize_doi(_first(entry, "doi")) or _doi_in_urls(entry.get("urls", [])),
        language=language_name(_first(entry, "language")),
        publication_types=_reference_type(entry.get("type_of_reference")),
        keywords=tuple(k.strip() for k in entry.get("keywords", []) if k.strip()),
    )
    return RawRecord(bibliography, _first(entry, "abstract", "notes_abstract") or "", raw)


def _first(entry: dict, *keys: str) -> str | None:
    """The first non-empty value among ``keys`` (lists give their first item)."""
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str) and v.strip()), None)
        if isinstance(value, str) and value.strip():
            return clean(value)
    return None


def _doi_in_urls(urls: list[str]) -> str | None:
    return next((doi for doi in map(normalize_doi, urls) if doi), None)


def _reference_type(code: str | None) -> tuple[str, ...]:
    name = REFERENCE_TYPES.get((code or "").strip().upper())
    return (name,) if name else ()
