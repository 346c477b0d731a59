"""Plain text: the whole file is the abstract, after its title when the first line is one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.reader.base import Bibliography, ReadFailure, SourceDocument, decode_text, make_document

#: The longest first line taken for a title (characters).
MAX_TITLE = 300

#: The heading of an abstract's first section: the first paragraph is the abstract, not a title.
_SECTION_HEADING = re.compile(
    r"(?:abstract|background|introduction|context|objectives?|aims?|purpose|methods?|design|results?|"
    r"conclusions?|summary|importance|rationale)\b\s*(?:and\s+\w+\s*)?(?:[:：.]|\s*$|\s+(?-i:[A-Z]))"
    r"|(?:摘要|目的|背景|方法|结果|结论)",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


def read_text(data: bytes, *, source_file: str, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Yield the file as one document; a first line standing alone as a title becomes the title."""
    text = decode_text(data, source_file=source_file)
    title, abstract = split_title(text)
    yield make_document(Bibliography(title=title), abstract, source_file=source_file, raw=data, fmt="text")


def split_title(text: str) -> tuple[str | None, str]:
    """``(title, rest)`` when ``text`` opens with a one-line paragraph that reads as a title, else ``(None, text)``.

    "Umbilical cord MSCs for lupus nephritis: a randomized trial", a blank line,
    then the abstract, is how a title is written above an abstract. A first
    paragraph of several lines, of several sentences, ending with a colon, over
    ``MAX_TITLE`` characters or opening with a section heading ("Background:",
    "Objective To ...", "目的") is the abstract itself.
    """
    body = text.lstrip()
    gap = _PARAGRAPH_BREAK.search(body)
    if gap is None:
        return None, text
    first, rest = body[: gap.start()].strip(), body[gap.end() :]
    if (not rest.strip() or "\n" in first or not 8 <= len(first) <= MAX_TITLE or first.endswith((":", "：", ","))
            or _SENTENCE_BREAK.search(first) or _SECTION_HEADING.match(first)):
        return None, text
    return first, rest
