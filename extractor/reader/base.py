"""The reader contract: plain, typed documents out of files (no spaCy, no pydantic).

A reader function has the signature ``read_x(data: bytes, *, source_file: str,
full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]``: it yields
one ``SourceDocument`` per record, or a ``ReadFailure`` for a record it cannot
read, and raises ``ReadError`` only when the whole file is unreadable.
"""

from __future__ import annotations

import codecs
import hashlib
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
    """Decode bytes of a text export: BOMs, UTF-8, UTF-16 without BOM, GB18030, then Latin-1.

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
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding), source_file)
        except UnicodeDecodeError:
            continue
    return _checked(data.decode("latin-1"), source_file)


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


def _control_share(text: str) -> float:
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\t\f") or ch == "\ufffd")
    return bad / max(1, len(sample))
