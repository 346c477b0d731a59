"""Validate curated entries in the exchange format: files in, one located ``Problem`` per mistake out.

Entries come as a ``.json`` file (one record or an array of records), a
``.jsonl`` file (one record per line), or a folder of them (searched
recursively). Each entry is checked by ``extractor.records.checks`` (the
pydantic contract, then the plausibility rules), and across entries for
duplicate document ids. Each problem names the file and the line where the
offending field is written: for ``.jsonl`` the record's line, for ``.json``
the line of the field's key (or of the nearest enclosing field that is there,
when the field itself is missing), found by a small position-aware scan of
the JSON text (``locate_paths``).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import ReadError
from extractor.records.checks import MISSING, Issue, check_record
from extractor.records.models import StudyRecord

#: File suffixes that hold curated entries.
ENTRY_SUFFIXES = (".json", ".jsonl")
#: Longest rendering of a wrong value in a message.
MAX_VALUE_CHARS = 80
#: Field path shown for problems of the file itself rather than of a field.
FILE_PATH = "(file)"

# JSON insignificant whitespace (RFC 8259): skipped between tokens.
JSON_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake: ``FILE:LINE: field.path: what is wrong (got VALUE)``."""

    file: str
    line: int
    path: str
    message: str
    value: Any = MISSING

    def __str__(self) -> str:
        got = "" if self.value is MISSING else f" (got {show_value(self.value)})"
        return f"{self.file}:{self.line}: {self.path}: {self.message}{got}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``value`` is absent when the field was missing."""
        data = {"file": self.file, "line": self.line, "path": self.path, "message": self.message}
        return data if self.value is MISSING else {**data, "value": self.value}


@dataclass(frozen=True, slots=True)
class Entry:
    """One curated entry: where it is, its data, the parsed record (when valid) and its problems."""

    file: str
    line: int
    data: Any
    record: StudyRecord | None
    problems: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the entry has no problem."""
        return not self.problems

    @property
    def document_id(self) -> str | None:
        """``document.id`` as written (None when absent)."""
        document = self.data.get("document") if isinstance(self.data, dict) else None
        return document.get("id") if isinstance(document, dict) else None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every file read, every entry found, and the problems of files that could not be read as entries."""

    files: tuple[str, ...]
    entries: tuple[Entry, ...]
    file_problems: tuple[Problem, ...] = ()

    @property
    def problems(self) -> list[Problem]:
        """All problems, in file and line order."""
        found = [*self.file_problems, *(p for e in self.entries for p in e.problems)]
        return sorted(found, key=lambda p: (p.file, p.line))

    @property
    def invalid(self) -> int:
        """Entries with at least one problem."""
        return sum(not entry.valid for entry in self.entries)

    @property
    def ok(self) -> bool:
        """True when every file was read and every entry is valid."""
        return not self.file_problems and self.invalid == 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: counts and the problems."""
        return {"valid": self.ok, "files": len(self.files), "entries": len(self.entries),
                "invalid_entries": self.invalid, "problems": [p.to_dict() for p in self.problems]}


@dataclass
class _Located:
    """Data parsed from a file with the line of each field path (``()`` is the entry itself)."""

    data: Any
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, path: tuple[str | int, ...]) -> int:
        """The line of ``path``, or of its nearest ancestor that is written in the file."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


# ---------------------------------------------------------------- public API


def validate_paths(paths: Iterable[Path]) -> ValidationReport:
    """Read and check every entry under ``paths``; raises ``ReadError`` for a path that does not exist."""
    files = entry_files(paths)
    entries: list[Entry] = []
    file_problems: list[Problem] = []
    for path in files:
        found, problems = read_entries(path)
        entries.extend(found)
        file_problems.extend(problems)
    return ValidationReport(tuple(str(p) for p in files), tuple(_mark_duplicates(entries)), tuple(file_problems))


def entry_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.json``/``.jsonl`` files given, and those under the folders given (hidden ones skipped), in order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in ENTRY_SUFFIXES and p.is_file()
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            files.append(path)
        else:
            raise ReadError(f"{path}: no such file or folder; give .json/.jsonl files or folders of them")
    return files


def read_entries(path: Path) -> tuple[list[Entry], list[Problem]]:
    """The checked entries of one file, and problems that stop the file (or a line) from being read."""
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, 1, FILE_PATH, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")]
    except OSError as exc:
        return [], [Problem(name, 1, FILE_PATH, f"cannot be read ({exc.strerror or exc})")]
    if path.suffix not in ENTRY_SUFFIXES:
        return [], [Problem(name, 1, FILE_PATH, "not a .json or .jsonl file of study records")]
    if not text.strip():
        return [], [Problem(name, 1, FILE_PATH, "is empty; expected study records")]
    located, problems = (_read_jsonl if path.suffix == ".jsonl" else _read_json)(text, name)
    return [check_entry(name, item) for item in located], problems


def check_entry(file: str, located: _Located) -> Entry:
    """One entry checked, each issue placed on the line where its field is written."""
    record, issues = check_record(located.data)
    problems = tuple(_problem(file, located, issue) for issue in issues)
    return Entry(file, located.line_of(()), located.data, record, problems)


def show_value(value: Any) -> str:
    """A value as JSON, cut to ``MAX_VALUE_CHARS``: ``-2.5``, ``"Bone marrow"``, ``null``."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


# ---------------------------------------------------------------- reading


def _read_json(text: str, name: str) -> tuple[list[_Located], list[Problem]]:
    """A ``.json`` file: one record, or an array of records, each with its field lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(name, exc.lineno, FILE_PATH, f"not valid JSON ({exc.msg}, column {exc.colno})")]
    lines = locate_paths(text)
    if not isinstance(data, list):
        return [_Located(data, lines)], []
    return [_Located(item, _below(lines, index)) for index, item in enumerate(data)], []


def _read_jsonl(text: str, name: str) -> tuple[list[_Located], list[Problem]]:
    """A ``.jsonl`` file: one record per non-blank line, every field placed on that line."""
    found: list[_Located] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, number, FILE_PATH, f"not valid JSON ({exc.msg}, column {exc.colno})"))
            continue
        found.append(_Located(data, {(): number}))
    return found, problems


def _below(lines: dict[tuple[str | int, ...], int], index: int) -> dict[tuple[str | int, ...], int]:
    """The field lines of item ``index`` of a top-level array, with paths relative to the item."""
    return {path[1:]: line for path, line in lines.items() if path and path[0] == index}


def _problem(file: str, located: _Located, issue: Issue) -> Problem:
    """An issue placed in its file; the value shown is the one written there (``-3``, not the parsed ``-3.0``)."""
    value = _written(located.data, issue.path, issue.value)
    return Problem(file, located.line_of(issue.path), issue.dotted, issue.message, value)


def _written(data: Any, path: tuple[str | int, ...], default: Any) -> Any:
    """The value at ``path`` of the data as parsed from the file, or ``default`` when it is not there."""
    if not path:
        return default
    for part in path:
        if isinstance(data, dict) and isinstance(part, str) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return default
    return data


def _mark_duplicates(entries: list[Entry]) -> Iterator[Entry]:
    """Entries with a problem added when an earlier entry has the same document id (one would replace the other)."""
    first: dict[str, Entry] = {}
    for entry in entries:
        doc_id = entry.document_id
        earlier = first.setdefault(doc_id, entry) if isinstance(doc_id, str) else entry
        if earlier is entry:
            yield entry
            continue
        problem = Problem(entry.file, entry.line, "document.id",
                          f"duplicate of the entry at {earlier.file}:{earlier.line}; keep one entry per document", doc_id)
        yield Entry(entry.file, entry.line, entry.data, entry.record, (*entry.problems, problem))


# ---------------------------------------------------------------- positions


def locate_paths(text: str) -> dict[tuple[str | int, ...], int]:
    """The line (1-based) of every field path of a valid JSON ``text``.

    An object member's line is where its key is written; an array item's is
    where the item starts; ``()`` is the top value. ``text`` must already
    parse (call ``json.loads`` first): the scan trusts its structure.
    """
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    offsets: dict[tuple[str | int, ...], int] = {}
    _scan_value(text, 0, (), offsets, json.JSONDecoder())
    return {path: bisect.bisect_right(starts, offset) for path, offset in offsets.items()}


def _scan_value(text: str, index: int, path: tuple, offsets: dict, decoder: json.JSONDecoder) -> int:
    """Record where the value at ``index`` starts (unless its key was recorded); return the index after it."""
    index = JSON_SPACE.match(text, index).end()
    offsets.setdefault(path, index)
    if text[index] == "{":
        return _scan_members(text, index + 1, path, offsets, decoder)
    if text[index] == "[":
        return _scan_items(text, index + 1, path, offsets, decoder)
    return decoder.raw_decode(text, index)[1]


def _scan_members(text: str, index: int, path: tuple, offsets: dict, decoder: json.JSONDecoder) -> int:
    """An object's members after its ``{``: each key's offset, then its value."""
    index = JSON_SPACE.match(text, index).end()
    while text[index] != "}":
        key, after = decoder.raw_decode(text, index)
        offsets[(*path, key)] = index  # a repeated key: the last one wins, as in json.loads
        colon = JSON_SPACE.match(text, after).end()
        index = _scan_value(text, colon + 1, (*path, key), offsets, decoder)
        index = JSON_SPACE.match(text, index).end()
        if text[index] == ",":
            index = JSON_SPACE.match(text, index + 1).end()
    return index + 1


def _scan_items(text: str, index: int, path: tuple, offsets: dict, decoder: json.JSONDecoder) -> int:
    """An array's items after its ``[``: each item's start."""
    index = JSON_SPACE.match(text, index).end()
    position = 0
    while text[index] != "]":
        index = _scan_value(text, index, (*path, position), offsets, decoder)
        index = JSON_SPACE.match(text, index).end()
        if text[index] == ",":
            index = JSON_SPACE.match(text, index + 1).end()
        position += 1
    return index + 1
