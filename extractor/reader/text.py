"""Plain text: the whole file is the abstract."""

from __future__ import annotations

from collections.abc import Iterator

from extractor.reader.base import Bibliography, ReadFailure, SourceDocument, decode_text, make_document


def read_text(data: bytes, *, source_file: str, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Yield the file as one document with no metadata."""
    text = decode_text(data, source_file=source_file)
    yield make_document(Bibliography(), text, source_file=source_file, raw=data, fmt="text")
