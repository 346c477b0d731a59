"""PMC / JATS article XML (``.nxml``): front matter and abstract; the body with ``full_text``.

A file holds one ``<article>`` (or a ``<pmc-articleset>`` of several, each its
own document). Tables, figures, formulas and the reference list are left out
of the body text: their numbers are not sentences the extractor can read.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from extractor.errors import ReadError
from extractor.reader.base import Bibliography, RawRecord, ReadFailure, SourceDocument, number_records
from extractor.reader.biblio import clean, language_name, normalize_doi, page_range, parse_year, person_name
from extractor.reader.xmltools import find, findtext, iter_elements, local_name, text_of

#: What marks a file as JATS: an <article> root with JATS front matter, or a PMC article set.
SIGNATURE = re.compile(rb"<(?:pmc-articleset|article)[\s>][\s\S]*?<(?:front|article-meta)[\s>]")
#: Abstract types that are not the abstract proper.
SIDE_ABSTRACTS = frozenset({"graphical", "teaser", "precis", "web-summary", "editor-summary", "toc", "author-highlights", "highlights"})
#: Body parts left out of the text.
NOT_PROSE = frozenset({"table-wrap", "fig", "disp-formula", "supplementary-material", "ref-list", "table-wrap-foot", "xref-group"})
#: The ``pub-date`` types that give the publication year, best first.
PUB_DATE_TYPES = ("ppub", "epub", "collection", "epub-ppub", "pub", None)
#: JATS ``article-type`` -> publication type as PubMed names it.
ARTICLE_TYPES = {
    "research-article": "Journal Article",
    "review-article": "Review",
    "systematic-review": "Systematic Review",
    "case-report": "Case Reports",
    "letter": "Letter",
    "editorial": "Editorial",
    "brief-report": "Journal Article",
    "meeting-report": "Congress",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def looks_like_jats(head: bytes) -> bool:
    """True when the first bytes hold a JATS ``<article>`` with front matter (or a PMC article set)."""
    return SIGNATURE.search(head) is not None


def read_jats(data: bytes, *, source_file: str, full_text: bool = False) -> Iterator[SourceDocument | ReadFailure]:
    """Yield one document per ``<article>`` in ``data``."""
    articles = iter_elements(io.BytesIO(data), frozenset({"article"}), source_file=source_file)
    count = 0
    for item in number_records((_parse(a, full_text=full_text) for a in articles), source_file=source_file, fmt="jats"):
        count += 1
        yield item
    if count == 0:
        raise ReadError(f"{source_file}: no <article> element in the XML")


def _parse(article: ET.Element, *, full_text: bool) -> RawRecord:
    """Map one ``<article>`` to a ``Bibliography`` and its abstract (plus body in full-text mode)."""
    meta = find(article, "front/article-meta")
    journal = find(article, "front/journal-meta")
    bibliography = Bibliography(
        title=clean(text_of(find(meta, "title-group/article-title"))),
        vernacular_title=findtext(meta, "title-group/trans-title-group/trans-title"),
        authors=_authors(meta),
        journal=findtext(journal, ".//journal-title"),
        year=_year(meta),
        volume=findtext(meta, "volume"),
        issue=findtext(meta, "issue"),
        pages=page_range(findtext(meta, "fpage"), findtext(meta, "lpage")) or findtext(meta, "elocation-id"),
        doi=normalize_doi(_article_id(meta, "doi")),
        pmid=_article_id(meta, "pmid"),
        language=language_name(article.get(XML_LANG)),
        publication_types=_publication_type(article.get("article-type")),
        keywords=tuple(text_of(k) for k in (meta.iterfind(".//kwd-group/kwd") if meta is not None else ()) if text_of(k)),
    )
    text = _abstract(meta)
    if full_text and text:
        body = "\n".join(_sections(find(article, "body")))
        text = f"{text}\n\n{body}" if body else text
    return RawRecord(bibliography, text, "".join(article.itertext()).encode("utf-8"))


def _authors(meta: ET.Element | None) -> tuple[str, ...]:
    names = []
    for contrib in meta.iterfind("contrib-group/contrib") if meta is not None else ():
        if contrib.get("contrib-type", "author") != "author":
            continue
        name = find(contrib, "name")
        full = person_name(findtext(name, "surname"), findtext(name, "given-names")) if name is not None else None
        full = full or findtext(contrib, "string-name") or findtext(contrib, "collab")
        if full:
            names.append(full)
    return tuple(names)


def _year(meta: ET.Element | None) -> int | None:
    dates = list(meta.iterfind("pub-date")) if meta is not None else []
    for wanted in PUB_DATE_TYPES:
        for date in dates:
            kind = date.get("pub-type") or date.get("date-type")
            if kind == wanted and (year := parse_year(findtext(date, "year"))):
                return year
    return None


def _article_id(meta: ET.Element | None, kind: str) -> str | None:
    for article_id in meta.iterfind("article-id") if meta is not None else ():
        if article_id.get("pub-id-type") == kind:
            return clean(text_of(article_id))
    return None


def _publication_type(article_type: str | None) -> tuple[str, ...]:
    name = ARTICLE_TYPES.get((article_type or "").strip().lower())
    return (name,) if name else ()


def _abstract(meta: ET.Element | None) -> str:
    """The main abstract: "Title: text" per section, one per line, or its paragraphs."""
    abstracts = list(meta.iterfind("abstract")) if meta is not None else []
    main = next((a for a in abstracts if a.get("abstract-type") not in SIDE_ABSTRACTS), None)
    if main is None:
        return ""
    sections = main.findall("sec")
    if not sections:
        return "\n".join(text_of(p, skip=NOT_PROSE) for p in main.iterfind("p") if text_of(p)) or text_of(main, skip=frozenset({"title"}))
    parts = []
    for section in sections:
        title = findtext(section, "title")
        body = " ".join(text_of(p, skip=NOT_PROSE) for p in section.iter() if local_name(p.tag) == "p")
        if body:
            parts.append(f"{title.rstrip(':.')}: {body}" if title else body)
    return "\n".join(parts)


def _sections(elem: ET.Element | None) -> Iterator[str]:
    """Body headings and paragraphs in document order, one per line."""
    if elem is None:
        return
    for child in elem:
        name = local_name(child.tag)
        if name in NOT_PROSE:
            continue
        if name == "title":
            if title := text_of(child):
                yield title
        elif name == "p":
            if paragraph := text_of(child, skip=NOT_PROSE):
                yield paragraph
        else:
            yield from _sections(child)
