"""MEDLINE / PubMed ``.nbib`` exports: ``TAG - value`` lines, continuation lines indented.

A file holds one or many records separated by blank lines; each becomes its
own document (``FILE#N`` when there are several).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.errors import ReadError
from extractor.reader.base import Bibliography, RawRecord, ReadFailure, SourceDocument, decode_text, number_records
from extractor.reader.biblio import clean, inverted_name, join_wrapped, language_name, normalize_doi, parse_year

#: A field line: "PMID- 12230038", "TI  - The Bio* toolkits", "FAU - Mangalam, Harry".
FIELD_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s{0,3}- ?(.*)$")
#: A continuation line, indented under the value above: "      multiple functionality ...".
CONTINUATION = re.compile(r"^\s+(\S.*)$")
#: What marks a file as MEDLINE: a PMID line, or title/author lines in the 4-column layout.
SIGNATURE = re.compile(r"^(?:PMID- |(?:TI|AB|FAU|AU)  - )", re.MULTILINE)
#: An identifier typed by its bracketed suffix: "10.1093/bib/3.3.296 [doi]".
TYPED_ID = re.compile(r"^(.*?)\s*\[(\w+)\]\s*$")


def looks_like_medline(head: str) -> bool:
    """True when ``head`` has at least two MEDLINE field lines (a PMID or TI/AB/AU line among them)."""
    tags = [m.group(1) for m in (FIELD_LINE.match(line) for line in head.split("\n")[:200]) if m]
    return len(tags) >= 2 and SIGNATURE.search(head) is not None and "TY" not in tags[:3]


def read_medline(data: bytes, *, source_file: str, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Yield one document per MEDLINE record in ``data``."""
    text = decode_text(data, source_file=source_file)
    records = list(_split_records(text))
    if not records:
        raise ReadError(f"{source_file}: no MEDLINE record (lines such as 'PMID- ' or 'TI  - ') found")
    yield from number_records((_parse(fields, raw) for fields, raw in records), source_file=source_file, fmt="medline")


def _split_records(text: str) -> Iterator[tuple[list[tuple[str, str]], bytes]]:
    """Yield each record's ``(tag, value)`` fields and its raw lines."""
    fields: list[tuple[str, str]] = []
    lines: list[str] = []
    for line in text.split("\n"):
        match = FIELD_LINE.match(line)
        if match and match.group(1) == "PMID" and fields:
            yield fields, "\n".join(lines).encode("utf-8")
            fields, lines = [], []
        if match:
            fields.append((match.group(1), match.group(2).strip()))
        elif fields and (cont := CONTINUATION.match(line)):
            tag, value = fields[-1]
            fields[-1] = (tag, join_wrapped(value, cont.group(1)))
        elif not line.strip() and fields:
            yield fields, "\n".join(lines).encode("utf-8")
            fields, lines = [], []
            continue
        lines.append(line)
    if fields:
        yield fields, "\n".join(lines).encode("utf-8")


def _parse(fields: list[tuple[str, str]], raw: bytes) -> RawRecord:
    """Map one record's fields to a ``Bibliography`` and its abstract."""
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        """The first value of the first tag present."""
        return next((values[t][0] for t in tags if t in values), None)

    authors = values.get("FAU") or values.get("AU") or []
    bibliography = Bibliography(
        title=clean(first("TI", "BTI")),
        vernacular_title=clean(first("TT")),
        authors=tuple(inverted_name(a) for a in authors) + tuple(values.get("CN", [])),
        journal=clean(first("JT", "TA")),
        year=parse_year(first("DP", "DEP")),
        volume=clean(first("VI")),
        issue=clean(first("IP")),
        pages=clean(first("PG")),
        doi=_typed_id(values.get("LID", []) + values.get("AID", []), "doi"),
        pmid=clean(first("PMID")),
        language=language_name(first("LA")),
        country=clean(first("PL")),
        publication_types=tuple(values.get("PT", [])),
        keywords=tuple(values.get("OT", [])),
    )
    return RawRecord(bibliography, first("AB") or "", raw)


def _typed_id(values: list[str], kind: str) -> str | None:
    """The identifier tagged ``[kind]`` among LID/AID values."""
    for value in values:
        match = TYPED_ID.match(value)
        if match and match.group(2).lower() == kind:
            return normalize_doi(match.group(1)) if kind == "doi" else clean(match.group(1))
    return None
