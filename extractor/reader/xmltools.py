"""Streaming XML helpers for the PubMed and JATS readers (standard library ``ElementTree``).

``iter_elements`` walks a file with ``iterparse`` and clears each record once
it has been handed out, so a PubMed baseline of 30,000 records is read in flat
memory. Named HTML entities (``&nbsp;``, ``&ndash;``) that some exports use
without their DTD are resolved instead of failing the file; external DTDs and
entities are never fetched.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO

from extractor.errors import ReadError

#: Runs of whitespace, collapsed to one space in element text.
SPACES = re.compile(r"\s+")


def local_name(tag: object) -> str:
    """Tag without its namespace: "{http://www.w3.org/1999/xlink}href" -> "href"."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parser() -> ET.XMLParser:
    parser = ET.XMLParser(target=ET.TreeBuilder())
    parser.entity.update({name: chr(code) for name, code in html.entities.name2codepoint.items()})
    return parser


def iter_elements(source: IO[bytes], tags: frozenset[str], *, source_file: str) -> Iterator[ET.Element]:
    """Yield each complete element named in ``tags`` (namespaces ignored), then free it.

    Raises ``ReadError`` naming the line when the XML is malformed or cut short;
    the elements before that point have been yielded already.
    """
    events = ET.iterparse(source, events=("start", "end"), parser=_parser())
    root = None
    depth_of_record = 0
    try:
        for event, elem in events:
            if root is None:
                root = elem
            name = local_name(elem.tag)
            if name not in tags:
                continue
            if event == "start":
                depth_of_record += 1
            else:
                depth_of_record -= 1
                if depth_of_record == 0:
                    yield elem
                    root.clear()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise ReadError(f"{source_file}: malformed or truncated XML at line {line} ({_reason(exc)})") from exc


def _reason(exc: ET.ParseError) -> str:
    return str(exc).split(":")[0].strip() or "parse error"


def text_of(elem: ET.Element | None, *, skip: frozenset[str] = frozenset()) -> str:
    """All text under ``elem`` with whitespace collapsed, leaving out subtrees named in ``skip``."""
    if elem is None:
        return ""
    return SPACES.sub(" ", "".join(_texts(elem, skip))).strip()


#: Inline elements glued to the text before them: "&#946;\n   <sub>2</sub>" is "β2", not "β 2".
GLUED = frozenset({"sub", "sup"})
#: Whitespace with a line break, which pretty-printed XML puts before inline elements.
BROKEN_SPACE = re.compile(r"\s*\n\s*$")


def _texts(elem: ET.Element, skip: frozenset[str]) -> Iterator[str]:
    if local_name(elem.tag) in skip:
        return
    pending = elem.text or ""
    for child in elem:
        if local_name(child.tag) in GLUED:
            pending = BROKEN_SPACE.sub("", pending)
        yield pending
        yield from _texts(child, skip)
        pending = child.tail or ""
    yield pending


def find(elem: ET.Element | None, path: str) -> ET.Element | None:
    """``elem.find(path)`` that tolerates a missing ``elem``."""
    return None if elem is None else elem.find(path)


def findtext(elem: ET.Element | None, path: str) -> str | None:
    """Collapsed text of the first match of ``path`` under ``elem``, or ``None``."""
    found = find(elem, path)
    return text_of(found) or None if found is not None else None


def either(*elems: ET.Element | None) -> ET.Element | None:
    """The first element that exists (``or`` would test an element's children, not its presence)."""
    return next((e for e in elems if e is not None), None)
