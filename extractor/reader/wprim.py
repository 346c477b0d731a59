"""WPRIM / Chinese-journal record layout (the msc_dev seed format).

A record is a title line, an optional DOI line, ``- Field:value`` lines
(``- Author:`` and ``- Keywords:`` continue on following lines separated by
``;``), and ``Abstract:`` followed by the abstract. Every field may be missing
or empty; a file may hold several records, each starting with its title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.errors import ReadError
from extractor.reader.base import Bibliography, ReadFailure, SourceDocument, decode_text, make_document

#: A header line: "- Author:", "- Language:English", "- CountryChina", "-".
FIELD_LINE = re.compile(r"^-\s?(VernacularTitle|Author|Publication Type|Keywords|From|Country|Language)?\s*:?\s*(.*)$")
#: The line that opens the abstract: "Abstract:" or "Abstract: text...".
ABSTRACT_LINE = re.compile(r"^\s*Abstract\s*:\s*(.*)$")
#: A bare DOI line under the title: "10.3760/cma.j.issn.1007-7480.2011.03.009".
DOI_LINE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)\s*$", re.IGNORECASE)
#: The issue line under the journal: "2011;15(3):175-178,后插1" or "2015".
SOURCE_LINE = re.compile(r"^\s*(?P<year>(?:18|19|20)\d\d)\b(?:\s*;\s*(?P<volume>[^(:\s]+)?\s*(?:\((?P<issue>[^)]*)\))?\s*(?::\s*(?P<pages>.*))?)?")
#: What marks a file as WPRIM: a header field line before an "Abstract:" line.
SIGNATURE = re.compile(r"^- ?(Author|From|Language|Publication Type)\b.*?$[\s\S]*?^\s*Abstract\s*:", re.MULTILINE)


def looks_like_wprim(head: str) -> bool:
    """True when ``head`` (the start of a decoded file) has the WPRIM header layout."""
    return SIGNATURE.search(head) is not None


def read_wprim(data: bytes, *, source_file: str, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Yield one document per WPRIM record in ``data``."""
    lines = decode_text(data, source_file=source_file).split("\n")
    blocks = list(_split_records(lines))
    if not blocks:
        raise ReadError(f"{source_file}: no WPRIM record (a title, '- Field:' lines and 'Abstract:') found")
    for number, (start, end) in enumerate(blocks, start=1):
        name = f"{source_file}#{number}" if len(blocks) > 1 else source_file
        record_lines = lines[start:end]
        raw = "\n".join(record_lines).encode("utf-8")
        bibliography, abstract = _parse_record(record_lines)
        try:
            yield make_document(bibliography, abstract, source_file=name, raw=raw, fmt="wprim")
        except ReadError as exc:
            yield ReadFailure(source_file=name, reason=str(exc).removeprefix(f"{name}: "), record=number)


def _split_records(lines: list[str]) -> Iterator[tuple[int, int]]:
    """Yield (start, end) line ranges, one per record, each starting at its title line."""
    starts: list[int] = []
    in_header = False
    for i, line in enumerate(lines):
        is_field = bool(line.startswith("-") and FIELD_LINE.match(line))
        if is_field and not in_header:
            starts.append(_title_line_before(lines, i, floor=starts[-1] + 1 if starts else 0))
            in_header = True
        elif ABSTRACT_LINE.match(line):
            in_header = False
    for k, start in enumerate(starts):
        yield start, starts[k + 1] if k + 1 < len(starts) else len(lines)


def _title_line_before(lines: list[str], header: int, *, floor: int) -> int:
    """Index of the title line above a header block (skipping blank and DOI lines)."""
    i = header - 1
    while i >= floor and (not lines[i].strip() or DOI_LINE.match(lines[i])):
        i -= 1
    return max(i, floor) if i >= floor else header


def _parse_record(lines: list[str]) -> tuple[Bibliography, str]:
    """Parse one record's lines into its bibliography and abstract."""
    fields: dict[str, list[str]] = {}
    title_lines: list[str] = []
    doi = None
    current = None
    abstract_lines: list[str] | None = None
    for line in lines:
        if abstract_lines is not None:
            abstract_lines.append(line)
            continue
        opened = ABSTRACT_LINE.match(line)
        if opened:
            abstract_lines = [opened.group(1)]
            continue
        match = FIELD_LINE.match(line) if line.startswith("-") else None
        if match:
            current = match.group(1)
            if current:
                fields.setdefault(current, []).append(match.group(2))
        elif current:
            fields[current].append(line)
        elif DOI_LINE.match(line) and title_lines:
            doi = DOI_LINE.match(line).group(1)
        elif line.strip():
            title_lines.append(line.strip())
    source = _parse_source([v for v in fields.get("From", []) if v.strip()])
    bibliography = Bibliography(
        title=" ".join(title_lines) or None,
        vernacular_title=_joined(fields.get("VernacularTitle")),
        authors=_items(fields.get("Author")),
        publication_types=_items(fields.get("Publication Type")),
        keywords=_items(fields.get("Keywords")),
        language=_joined(fields.get("Language")),
        country=_joined(fields.get("Country")),
        doi=doi.lower().rstrip(".") if doi else None,
        **source,
    )
    return bibliography, "\n".join(abstract_lines or []).strip()


def _joined(values: list[str] | None) -> str | None:
    text = " ".join(v.strip() for v in values or [] if v.strip())
    return text or None


def _items(values: list[str] | None) -> tuple[str, ...]:
    """Split ';'-separated items spread over one or several lines."""
    joined = ";".join(values or [])
    return tuple(item.strip() for item in joined.split(";") if item.strip())


def _parse_source(values: list[str]) -> dict:
    """Journal line and the "year;volume(issue):pages" line of a ``- From:`` field."""
    out: dict = {"journal": None, "year": None, "volume": None, "issue": None, "pages": None}
    for value in values:
        match = SOURCE_LINE.match(value)
        if match and out["year"] is None and (out["journal"] is not None or len(values) == 1):
            out["year"] = int(match.group("year"))
            out["volume"] = match.group("volume") or None
            out["issue"] = (match.group("issue") or "").strip() or None
            pages = (match.group("pages") or "").split(",")[0].strip()
            out["pages"] = pages or None
        elif out["journal"] is None:
            out["journal"] = value.strip()
    return out
