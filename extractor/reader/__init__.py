"""Readers: files in, plain ``SourceDocument`` records out.

``iter_files`` expands the paths a user gives; ``read_file`` sniffs each file's
format from its content (the extension only breaks ties) and calls the reader
registered for it. Only this package imports pdfplumber.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from extractor.errors import ReadError
from extractor.reader.base import (
    Bibliography,
    PageSpan,
    ReadFailure,
    SourceDocument,
    decode_text,
    make_document,
    sha256_hex,
)
from extractor.reader.text import read_text
from extractor.reader.wprim import looks_like_wprim, read_wprim

__all__ = [
    "Bibliography",
    "PageSpan",
    "ReadFailure",
    "SourceDocument",
    "READERS",
    "detect_format",
    "iter_files",
    "read_file",
    "read_bytes",
]

log = logging.getLogger(__name__)

Reader = Callable[..., Iterator[SourceDocument | ReadFailure]]

#: Format name -> reader function. Readers of further formats register here.
READERS: dict[str, Reader] = {
    "wprim": read_wprim,
    "text": read_text,
}

#: Files never read as inputs (hidden files, our own outputs).
IGNORED_SUFFIXES = frozenset({".db", ".sqlite", ".db-wal", ".db-shm", ".json", ".jsonl", ".csv", ".pyc"})
#: Larger files are refused before they are read into memory (streamed formats excepted).
MAX_FILE_BYTES = 50 * 1024 * 1024


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield ``(file, source_file)`` for every input file under ``paths``, sorted, recursively.

    ``source_file`` is the path relative to the folder given (the file name for
    a file given directly).
    """
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or file.suffix.lower() in IGNORED_SUFFIXES:
                    continue
                yield file, rel.as_posix()
        else:
            yield path, path.name


def detect_format(head: bytes, *, suffix: str = "") -> str:
    """Name the format of a file from its first bytes (and its suffix for plain text)."""
    try:
        text = decode_text(head, source_file="")
    except ReadError:
        return "binary"
    if looks_like_wprim(text):
        return "wprim"
    return "text"


def read_file(path: Path, *, source_file: str | None = None, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Read one file into documents; failures are yielded, never raised."""
    name = source_file or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield ReadFailure(name, f"file is {size / 1e6:.0f} MB, above the {MAX_FILE_BYTES // 2**20} MB limit")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadFailure(name, f"cannot open the file ({exc.strerror or exc})")
        return
    yield from read_bytes(data, source_file=name, suffix=path.suffix.lower(), full_text=full_text)


def read_bytes(data: bytes, *, source_file: str, suffix: str = "", full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Read the bytes of one file; failures are yielded as ``ReadFailure``, never raised."""
    if not data.strip():
        yield ReadFailure(source_file, "the file is empty")
        return
    fmt = detect_format(data[:65536], suffix=suffix)
    reader = READERS.get(fmt)
    if reader is None:
        yield ReadFailure(source_file, "unrecognised binary content (not text, PDF or a bibliographic export)")
        return
    try:
        yield from reader(data, source_file=source_file, full_text=full_text)
    except ReadError as exc:
        yield ReadFailure(source_file, str(exc).removeprefix(f"{source_file}: "))
