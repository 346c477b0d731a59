"""The reader contract: plain, typed documents out of files (no spaCy, no pydantic).

A reader function has the signature ``read_x(data: bytes, *, source_file: str,
full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]``: it yields
one ``SourceDocument`` per record, or a ``ReadFailure`` for a record it cannot
read, and raises ``ReadError`` only when the whole file is unreadable.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from extractor.errors import EmptyDocumentError, ReadError

#: Joins the title and the abstract in the canonical text extraction runs on.
TITLE_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Bibliography:
    """Bibliographic metadata as the source states it (exchange-format field names)."""

    title: str | None = None
    vernacular_title: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    language: str | None = None
    country: str | None = None
    publication_types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Page ``number`` (from 1) covers ``text[start:end]``."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One record read from a file, with the canonical text that offsets refer to.

    ``text`` is the title, a blank line, then the abstract (or the article body
    in full-text mode); every evidence offset downstream points into it.
    """

    source_file: str
    bibliography: Bibliography
    text: str
    content_hash: str
    abstract_start: int = 0
    pages: tuple[PageSpan, ...] = ()
    repairs: tuple[str, ...] = field(default=())
    format: str = "text"

    @property
    def abstract(self) -> str:
        """The abstract (or body) part of ``text``, without the title."""
        return self.text[self.abstract_start :]


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A file or record that could not be read, with a reason a user can act on."""

    source_file: str
    reason: str
    record: int | None = None


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def compose_text(title: str | None, abstract: str) -> tuple[str, int]:
    """Return the canonical text (title, blank line, abstract) and where the abstract starts."""
    title = (title or "").strip()
    abstract = abstract.strip()
    if not title:
        return abstract, 0
    return f"{title}{TITLE_SEPARATOR}{abstract}", len(title) + len(TITLE_SEPARATOR)


def make_document(
    bibliography: Bibliography,
    abstract: str,
    *,
    source_file: str,
    raw: bytes,
    fmt: str,
    repairs: tuple[str, ...] = (),
) -> SourceDocument:
    """Build a ``SourceDocument``; raise ``EmptyDocumentError`` when there is no abstract."""
    if not abstract.strip():
        raise EmptyDocumentError(f"{source_file}: the record has no abstract text to extract from")
    text, start = compose_text(bibliography.title, abstract)
    return SourceDocument(
        source_file=source_file,
        bibliography=bibliography,
        text=text,
        content_hash=sha256_hex(raw),
        abstract_start=start,
        repairs=repairs,
        format=fmt,
    )


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One parsed record of a (possibly multi-record) file, before it becomes a document.

    ``raw`` is the record's own source bytes (its content hash); ``problem``
    says why the record cannot become a document, when it cannot.
    """

    bibliography: Bibliography
    abstract: str
    raw: bytes
    problem: str | None = None


def number_records(
    records: Iterable[RawRecord], *, source_file: str, fmt: str
) -> Iterator[SourceDocument | ReadFailure]:
    """Turn parsed records into documents named ``FILE#N`` when the file holds several.

    Streams with a look-ahead of one record, so a single-record file keeps its
    plain name without the whole file being held. A ``ReadError`` raised by the
    parser (a truncated file) is re-raised after the records read so far.
    """
    pending: RawRecord | None = None
    number = 0
    try:
        for record in records:
            if pending is not None:
                yield _finish(pending, source_file=source_file, number=number, several=True, fmt=fmt)
            pending, number = record, number + 1
    except ReadError:
        if pending is not None:
            yield _finish(pending, source_file=source_file, number=number, several=True, fmt=fmt)
        raise
    if pending is not None:
        yield _finish(pending, source_file=source_file, number=number, several=number > 1, fmt=fmt)


def _finish(record: RawRecord, *, source_file: str, number: int, several: bool, fmt: str) -> SourceDocument | ReadFailure:
    name = f"{source_file}#{number}" if several else source_file
    if record.problem:
        return ReadFailure(source_file=name, reason=record.problem, record=number)
    try:
        return make_document(record.bibliography, record.abstract, source_file=name, raw=record.raw, fmt=fmt)
    except EmptyDocumentError:
        return ReadFailure(source_file=name, reason=_no_abstract_reason(record.bibliography), record=number)


def _no_abstract_reason(bibliography: Bibliography) -> str:
    title = (bibliography.title or "")[:60]
    return f"the record has no abstract ({title!r})" if title else "the record has no abstract and no title"


def with_record_number(doc: SourceDocument, number: int, total: int) -> SourceDocument:
    """Name record ``number`` of a multi-record file ``FILE#N``; single records keep the name."""
    if total <= 1:
        return doc
    return replace(doc, source_file=f"{doc.source_file}#{number}")


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, *, source_file: str) -> str:
    """Decode bytes of a text export: BOMs, UTF-8, UTF-16 without BOM, GB18030/GBK, then Windows-1252/Latin-1.

    Raises ``ReadError`` for binary content (NUL bytes outside UTF-16) and
    ``EmptyDocumentError`` for files with nothing but whitespace.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), source_file)
    if _looks_utf16(data):
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return _checked(data.decode(encoding, errors="replace"), source_file)
    if b"\x00" in data[:4096]:
        raise ReadError(f"{source_file}: binary content (NUL bytes), not a text export")
    try:
        return _checked(data.decode("utf-8"), source_file)
    except UnicodeDecodeError:
        pass
    chinese = _as_chinese(data)
    if chinese is not None:
        return _checked(chinese, source_file)
    return _checked(data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1"), source_file)


def _as_chinese(data: bytes) -> str | None:
    """Decode GB18030/GBK when the result reads as Chinese, else ``None``.

    Latin-1 bytes often decode as GB18030 too ("M\xfcller" -> "M" + a rare
    ideograph + "ler"), so the text must be mostly common (GB2312) characters.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 0x7F]
    common = sum(1 for ch in wide if _in_gb2312(ch))
    return text if wide and common / len(wide) >= 0.9 else None


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _is_cp1252(data: bytes) -> bool:
    """Windows-1252 (Latin-1 with curly quotes and dashes in 0x80-0x9F) decodes it."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without BOM: every other byte NUL in the first characters."""
    head = data[:200]
    if len(head) < 4:
        return False
    zeros_odd = head[1::2].count(0) / max(1, len(head[1::2]))
    zeros_even = head[0::2].count(0) / max(1, len(head[0::2]))
    return zeros_odd > 0.7 or zeros_even > 0.7


def _checked(text: str, source_file: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocumentError(f"{source_file}: the file is empty")
    if _control_share(text) > 0.05:
        raise ReadError(f"{source_file}: binary content, not a text export")
    return text


#: Control characters other than newline, tab and form feed, and the replacement character.
_BINARY_CHARACTER = re.compile("[\x00-\x08\x0b\x0d-\x1f\ufffd]")


def _control_share(text: str) -> float:
    """Share of the first 4,096 characters that no text export holds (one regex scan, not a Python loop)."""
    sample = text[:4096]
    return len(_BINARY_CHARACTER.findall(sample)) / max(1, len(sample))
