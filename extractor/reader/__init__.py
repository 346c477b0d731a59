"""Readers: files in, plain ``SourceDocument`` records out.

``iter_files`` expands the paths a user gives; ``read_file`` sniffs each file's
format from its content (the extension only breaks ties) and calls the reader
registered for it. PubMed XML (plain or ``.xml.gz``) is streamed from disk, so
baseline files of any size are read in flat memory; every other format is
refused above ``MAX_FILE_BYTES``. Readers yield ``ReadFailure`` for what they
cannot read and never raise for bad input. Only this package imports
pdfplumber, pypdfium2 and rispy.
"""

from __future__ import annotations

import gzip
import logging
import os
import zlib
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
from extractor.reader.jats import looks_like_jats, read_jats
from extractor.reader.medline import looks_like_medline, read_medline
from extractor.reader.pdf import looks_like_pdf, read_pdf
from extractor.reader.pubmed import GZIP_MAGIC, looks_like_pubmed, read_pubmed, read_pubmed_path
from extractor.reader.ris import looks_like_ris, read_ris
from extractor.reader.text import read_text
from extractor.reader.wprim import looks_like_wprim, read_wprim

__all__ = [
    "Bibliography",
    "PageSpan",
    "ReadFailure",
    "SourceDocument",
    "READERS",
    "STREAM_READERS",
    "decode_text",
    "detect_format",
    "iter_files",
    "make_document",
    "read_file",
    "read_bytes",
    "sha256_hex",
]

log = logging.getLogger(__name__)

Reader = Callable[..., Iterator[SourceDocument | ReadFailure]]

#: Format name -> reader of a file's bytes. Readers of further formats register here.
READERS: dict[str, Reader] = {
    "pdf": read_pdf,
    "pubmed": read_pubmed,
    "jats": read_jats,
    "ris": read_ris,
    "medline": read_medline,
    "wprim": read_wprim,
    "text": read_text,
}
#: Format name -> reader that streams from a path (no size limit).
STREAM_READERS: dict[str, Reader] = {
    "pubmed": read_pubmed_path,
}

#: Files never read as inputs (hidden files, our own outputs).
IGNORED_SUFFIXES = frozenset({".db", ".sqlite", ".db-wal", ".db-shm", ".json", ".jsonl", ".csv", ".pyc"})
#: Larger files are refused before they are read into memory (streamed formats excepted).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: How much of a file format detection looks at.
HEAD_BYTES = 65536

#: Why a detected-but-unreadable format fails, by format name.
UNREADABLE = {
    "binary": "unrecognised binary content (not text, PDF, XML or a bibliographic export)",
    "xml": "XML that is neither PubMed (PubmedArticleSet) nor JATS (<article> with <front>)",
}


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield ``(file, source_file)`` for every input file under ``paths``, sorted, recursively.

    ``source_file`` is the path relative to the folder given (the file name for
    a file given directly). Folders are listed one at a time, entries sorted by
    name (the order of sorting every path), so a run over a million files
    holds one folder's listing, not a million paths. Hidden files and folders,
    our own outputs and symbolic links to folders are skipped.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path, path)
        else:
            yield path, path.name


def _walk(root: Path, folder: Path) -> Iterator[tuple[Path, str]]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        log.warning("%s: cannot list the folder (%s); skipped", folder, exc.strerror or exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(root, Path(entry.path))
        elif entry.is_file() and Path(entry.name).suffix.lower() not in IGNORED_SUFFIXES:
            file = Path(entry.path)
            yield file, file.relative_to(root).as_posix()


def detect_format(head: bytes, *, suffix: str = "") -> str:
    """Name the format of a file from its first bytes: a ``READERS`` key, "gzip", "xml" or "binary".

    Content decides; ``suffix`` is accepted for callers that know it but only
    matters where content cannot tell.
    """
    if looks_like_pdf(head):
        return "pdf"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if looks_like_pubmed(head):
        return "pubmed"
    if looks_like_jats(head):
        return "jats"
    try:
        text = decode_text(head, source_file="")
    except ReadError:
        return "binary"
    if text.lstrip("\ufeff \n\t").startswith("<?xml"):
        return "xml"
    for name, looks_like in (("ris", looks_like_ris), ("medline", looks_like_medline), ("wprim", looks_like_wprim)):
        if looks_like(text):
            return name
    return "text"


def read_file(path: Path, *, source_file: str | None = None, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Read one file into documents; failures are yielded, never raised.

    PubMed XML (plain or gzip) is streamed from disk; any other file above
    ``MAX_FILE_BYTES`` is refused with a reason.
    """
    name = source_file or path.name
    try:
        size = path.stat().st_size
        head = _head(path)
    except OSError as exc:
        yield ReadFailure(name, f"cannot open the file ({exc.strerror or exc})")
        return
    fmt = detect_format(head, suffix=path.suffix.lower())
    if fmt in STREAM_READERS and size:
        yield from _guarded(STREAM_READERS[fmt](path, source_file=name, full_text=full_text), name)
        return
    if size > MAX_FILE_BYTES:
        yield ReadFailure(name, f"file is {size / 2**20:.0f} MB, above the {MAX_FILE_BYTES // 2**20} MB limit for this format")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ReadFailure(name, f"cannot read the file ({exc.strerror or exc})")
        return
    yield from read_bytes(data, source_file=name, suffix=path.suffix.lower(), full_text=full_text)


def _head(path: Path) -> bytes:
    """The first ``HEAD_BYTES`` of a file, decompressed when it is gzip (empty for a damaged archive)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.startswith(GZIP_MAGIC):
        return head
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error):
        return head


def read_bytes(data: bytes, *, source_file: str, suffix: str = "", full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Read the bytes of one file; failures are yielded as ``ReadFailure``, never raised."""
    if not data.strip():
        yield ReadFailure(source_file, "the file is empty")
        return
    fmt = detect_format(data[:HEAD_BYTES], suffix=suffix)
    if fmt == "gzip":
        yield from _guarded(_read_gzip(data, source_file=source_file, suffix=suffix, full_text=full_text), source_file)
        return
    if suffix == ".pdf" and fmt != "pdf":
        yield ReadFailure(source_file, "not a PDF (no %PDF- header): a renamed or damaged file")
        return
    reader = READERS.get(fmt)
    if reader is None:
        yield ReadFailure(source_file, UNREADABLE.get(fmt, UNREADABLE["binary"]))
        return
    yield from _guarded(reader(data, source_file=source_file, full_text=full_text), source_file)


def _read_gzip(data: bytes, *, source_file: str, suffix: str, full_text: bool) -> Iterator[SourceDocument | ReadFailure]:
    """Decompress gzip bytes (refusing more than ``MAX_FILE_BYTES``) and read what is inside."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inner = inflater.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error as exc:
        raise ReadError(f"{source_file}: damaged gzip archive ({exc})") from exc
    if len(inner) > MAX_FILE_BYTES:
        raise ReadError(f"{source_file}: decompresses to more than {MAX_FILE_BYTES // 2**20} MB; give it as a file path so it is streamed")
    if not inflater.eof:
        raise ReadError(f"{source_file}: truncated gzip archive")
    if inner.startswith(GZIP_MAGIC):
        raise ReadError(f"{source_file}: gzip inside gzip is not read")
    yield from read_bytes(inner, source_file=source_file, suffix=suffix.removesuffix(".gz"), full_text=full_text)


def _guarded(items: Iterator[SourceDocument | ReadFailure], source_file: str) -> Iterator[SourceDocument | ReadFailure]:
    """Pass items through; a ``ReadError`` ends the file with a ``ReadFailure`` (earlier items stay)."""
    try:
        yield from items
    except ReadError as exc:
        yield ReadFailure(source_file, str(exc).removeprefix(f"{source_file}: "))
