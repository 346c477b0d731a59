"""Page-1 front matter of an article PDF: title, authors, journal line, DOI, and where the abstract is.

Works on the blocks ``layout.layout_page`` returns, in reading order. The rules
follow how journals set a first page: the title is the largest type above the
abstract; authors come right under it; a citation line ("BMJ 2015;350:h2415",
"BMC Health Services Research 2014, 14:1") sits in a margin or a side column;
the abstract opens with an "Abstract" heading or a structured label
("Background:", "Objectives.") and ends at "Keywords", at the first body
heading ("Introduction", "1. Background"), or where the type or the spacing
changes to the body's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from extractor.reader.biblio import YEAR, clean, normalize_doi
from extractor.reader.layout import Block, Line

#: The abstract heading, alone or opening the first line: "Abstract", "ABSTRACT", "A B S T R A C T", "Summary:".
ABSTRACT_HEADING = re.compile(r"^\s*(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\b\s*[:.\u2014\u2013-]?\s*", re.IGNORECASE)
#: Labels of structured abstracts, opening a line: "Background:", "Objectives.", "Main outcome measures".
LABEL = re.compile(
    r"^\s*(?:background|objectives?|aims?|purpose|introduction|context|importance|rationale|"
    r"methods?|materials and methods|methodology|methods and findings|design|setting|settings|participants|patients|"
    r"interventions?|main outcome measures?|outcome measures?|measurements|results|findings|principal findings|"
    r"conclusions?|conclusions/significance|interpretation|discussion|trial registration|registration|funding|"
    r"significance|limitations|case presentation|case report|study design)\b\s*(?:[:.\u2014\u2013-]|$|(?=\s+[A-Z0-9]))",
    re.IGNORECASE,
)
#: The line that ends an abstract: "Keywords:", "Key words", "Index terms", "Abbreviations:".
KEYWORDS_LINE = re.compile(r"^\s*(?:key\s?words?|index terms|abbreviations|mesh terms)\b", re.IGNORECASE)
#: The first body heading: "Introduction", "1. Introduction", "I. INTRODUCTION", "Background" (alone).
BODY_HEADING = re.compile(
    r"^\s*(?:(?:\d{1,2}|[IVX]{1,4})\.?\s+)?(?:introduction|background|main text|case report|case presentation)\s*$",
    re.IGNORECASE,
)
#: A numbered section heading: "1. Methods", "2 Materials and methods".
NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}\.?\s+[A-Z][A-Za-z ,&-]{2,60}$")
#: The reference list heading, where full text stops.
REFERENCES_HEADING = re.compile(r"^\s*(?:references?|bibliography|literature cited|works cited)\s*$", re.IGNORECASE)
#: A citation line: "BMC Health Services Research 2014, 14:1", "International Psychogeriatrics (2014), 26:1, 147–154",
#: "BMJ 2015;350:h2415", "Postgrad Med J 2010;86:272e278".
CITATION = re.compile(
    r"(?P<journal>[A-Z][A-Za-z&.' -]{1,80}?)\s*\(?(?P<year>(?:19|20)\d\d)\)?\s*[,;]\s*(?P<volume>\d{1,4})"
    r"(?:\s*\((?P<issue>[\w-]{1,8})\))?(?:\s*:\s*(?P<first>[A-Za-z]?\d+(?:\s*[-\u2013e]\s*[A-Za-z]?\d+)?))?"
    r"(?:\s*,\s*(?P<second>[A-Za-z]?\d+\s*[-\u2013]\s*[A-Za-z]?\d+))?"
)
#: An author lead-in before the journal in a running head: "Datta et al. Journal of Trauma ...".
ET_AL = re.compile(r"^.*?\bet al\.?\s*", re.IGNORECASE)
#: A Hindawi-style volume line under the journal name: "Volume 2010, Article ID 157939, 6 pages".
VOLUME_LINE = re.compile(r"^\s*Volume\s+(?P<volume>\d{1,4}),\s*Article ID\s+(?P<pages>\w+)", re.IGNORECASE)
#: A copyright year: "© 2014 Agyeman-Duah et al.", "Copyright © 2010".
COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?((?:19|20)\d\d)", re.IGNORECASE)
#: Lines that are page furniture, not prose: correspondence, dates, licences.
FURNITURE = re.compile(
    r"^\s*(?:\*?\s*correspondence|received|accepted|published|revised|citation|academic editor|editor|copyright|©|"
    r"this (?:is an open|article is)|full list of author|e-?mail|doi:|https?://)",
    re.IGNORECASE,
)
#: Words that mark an affiliation line rather than author names.
AFFILIATION = re.compile(r"\b(?:department|university|hospital|institute|school|centre|center|college|faculty|division|laboratory|clinic)\b", re.IGNORECASE)
#: Separators between author names: commas, "and", "&".
AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
#: Affiliation marks around a name: digits, asterisks, daggers: "Datta1*", "†Ussher".
NAME_MARKS = re.compile(r"^[\d*†‡§¶#,\s]+|[\d*†‡§¶#,\s]+$")
#: A plausible person name: two to five capitalised words ("Indraneel Datta", "S Morad Hameed", "Lars-Göran Nilsson").
PERSON = re.compile(r"^(?:[A-Z][\w'\u00C0-\u024F.-]*\.?\s+){1,4}(?:(?:van|de|der|von|da|di|le|la)\s+)*[A-Z][\w'\u00C0-\u024F-]+$")


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in the flattened lines of a page sequence: line ``index``, from character ``skip``."""

    index: int
    skip: int = 0


def body_lines(blocks: list[Block]) -> list[tuple[int, Line]]:
    """``(block number, line)`` for every non-margin line, in reading order."""
    return [(i, line) for i, block in enumerate(blocks) if not block.margin for line in block.lines]


def find_title(blocks: list[Block], metadata_title: str | None, page_text: str) -> tuple[str | None, int | None]:
    """The article title and the index of its block (``None`` when it came from metadata only)."""
    candidates = [(i, b) for i, b in enumerate(blocks) if not b.margin and b.page == 1 and _title_like(b)]
    best = max(candidates, key=lambda ib: (round(ib[1].size, 1), -ib[0]), default=None)
    meta = clean(metadata_title)
    if meta and len(meta.split()) >= 3 and _squash(meta) in _squash(page_text):
        inside = [(len(_squash(b.text)), i) for i, b in candidates if _squash(b.text) and _squash(b.text) in _squash(meta)]
        return meta, max(inside)[1] if inside else None
    if best is None:
        return None, None
    return clean(" ".join(line.text for line in _title_lines(best[1]))), best[0]


def _title_lines(block: Block) -> list[Line]:
    """The block's lines in the title's type: its largest size and the weight most of it is set in.

    A label set in the same size above the title ("Research Article") differs in weight.
    """
    largest = max(line.size for line in block.lines)
    lines = [line for line in block.lines if line.size >= 0.9 * largest]
    bold = sum(len(line.text) for line in lines if line.bold) * 2 > sum(len(line.text) for line in lines)
    return [line for line in lines if line.bold == bold] or lines


def _title_like(block: Block) -> bool:
    text = block.text
    words = text.split()
    return 3 <= len(words) <= 60 and len(block.lines) <= 6 and not FURNITURE.match(text) and not CITATION.search(text)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def find_authors(blocks: list[Block], title_index: int | None) -> tuple[str, ...]:
    """Author names from the block(s) right after the title."""
    if title_index is None:
        return ()
    names: list[str] = []
    following = [b for b in blocks[title_index + 1 :] if re.search(r"[A-Za-z]", b.text)][:2]
    for block in following:
        if block.margin or block.size >= blocks[title_index].size or AFFILIATION.search(block.text):
            break
        if ABSTRACT_HEADING.match(block.text) or LABEL.match(block.text):
            break
        found = [n for n in (NAME_MARKS.sub("", part) for part in AUTHOR_SPLIT.split(block.text)) if n]
        people = [n for n in found if PERSON.match(n)]
        if not people or len(people) < 0.6 * len(found):
            break
        names += people
    return tuple(names)


@dataclass(frozen=True, slots=True)
class Citation:
    """Journal, year, volume, issue and pages as a citation line on page 1 states them."""

    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


def find_citation(blocks: list[Block], subject: str | None) -> Citation:
    """The first citation line on page 1 (margins and side columns included), or the PDF subject's."""
    lines = [line.text for block in blocks for line in block.lines]
    for text in [subject or "", *lines]:
        match = CITATION.search(_unprefixed(text))
        if match and _journal_like(match.group("journal")):
            first, second = match.group("first"), match.group("second")
            pages = second or first
            return Citation(
                journal=clean(ET_AL.sub("", match.group("journal")).strip(" .,;")),
                year=int(match.group("year")),
                volume=match.group("volume"),
                issue=match.group("issue") or (first if second else None),
                pages=re.sub(r"(?<=\d)\s*[\u2013e-]\s*(?=[A-Za-z]?\d)", "-", pages) if pages else None,
            )
    for previous, text in zip(["", *lines], lines):
        if match := VOLUME_LINE.match(text):
            year = int(match.group("volume")) if YEAR.fullmatch(match.group("volume")) else None
            return Citation(journal=clean(previous), year=year, volume=match.group("volume"), pages=match.group("pages"))
    return Citation(year=_copyright_year(lines))


def _unprefixed(text: str) -> str:
    """Drop "Cite this as:" and the like before a citation."""
    return re.sub(r"^.*?(?:cite this (?:article )?as|citation)\s*:\s*", "", text, flags=re.IGNORECASE)


def _journal_like(journal: str) -> bool:
    words = journal.strip(" .,;").split()
    return bool(words) and len(words) <= 10 and not re.search(r"\b(?:received|accepted|published|copyright|volume|vol)\b", journal, re.IGNORECASE)


def _copyright_year(lines: list[str]) -> int | None:
    for text in lines:
        if match := COPYRIGHT_YEAR.search(text):
            return int(match.group(1))
    return None


def find_doi(texts: list[str]) -> str | None:
    """The first DOI printed in ``texts`` (page 1 lines, then metadata)."""
    for text in texts:
        if doi := normalize_doi(text):
            return doi
    return None


def find_abstract_start(lines: list[tuple[int, Line]], *, after: int | None) -> Cursor | None:
    """Where the abstract begins: after an "Abstract" heading, else at the first structured label after the title."""
    for index, (block, line) in enumerate(lines):
        if after is not None and block <= after:
            continue
        match = ABSTRACT_HEADING.match(line.text)
        if match and (match.end() == len(line.text) or len(line.text.split()) > 1 and _opens_text(line.text[match.end():])):
            skip = match.end()
            return Cursor(index + 1, 0) if skip >= len(line.text) else Cursor(index, skip)
        if BODY_HEADING.match(line.text) and index > 0 and not LABEL.match(line.text):
            break
    for index, (block, line) in enumerate(lines):
        if (after is None or block > after) and LABEL.match(line.text) and not FURNITURE.match(line.text):
            return Cursor(index, 0)
    return None


def _opens_text(rest: str) -> bool:
    rest = rest.strip()
    return bool(rest) and (rest[0].isupper() or rest[0].isdigit())


def find_abstract_end(lines: list[tuple[int, Line]], start: Cursor) -> tuple[int, list[int]]:
    """Index of the first line after the abstract, and the line indexes inside it to leave out.

    Leaves out smaller type met inside (footnotes, affiliations in a side
    column) and, when a column ends mid-sentence, the blocks between it and
    the block that continues the sentence (a box set below the column).
    """
    first = lines[start.index][1] if start.index < len(lines) else None
    if first is None:
        return start.index, []
    sizes = [line.size for _, line in lines[start.index : start.index + 6]]
    size = median(sizes)
    height = median(line.height for _, line in lines[start.index : start.index + 6]) or size
    skipped: list[int] = []
    index = start.index
    previous: Line = first
    while index < len(lines):
        block, line = lines[index]
        new_block = index == start.index or lines[index - 1][0] != block
        if index > start.index and _ends_abstract(line, new_block=new_block, previous=previous, size=size, height=height):
            return index, skipped
        if new_block and index > start.index and line.size < 0.85 * size and not LABEL.match(line.text):
            skipped += [i for i in range(index, len(lines)) if lines[i][0] == block]
            index = max(skipped) + 1
            continue
        if new_block and index > start.index and _mid_sentence(previous) and not _continues_sentence(line):
            jump = _continuation(lines, index, size=size)
            if jump is not None:
                skipped += list(range(index, jump))
                index = jump
                continue
        previous = line
        index += 1
    return index, skipped


def _ends_abstract(line: Line, *, new_block: bool, previous: Line, size: float, height: float) -> bool:
    text = line.text
    if KEYWORDS_LINE.match(text) or REFERENCES_HEADING.match(text):
        return True
    if BODY_HEADING.match(text) or (NUMBERED_HEADING.match(text) and new_block):
        return True
    if not new_block or LABEL.match(text):
        return False
    if line.size > 1.15 * size or FURNITURE.match(text):
        return True
    gap = line.top - previous.bottom
    return 0 < gap and gap > 2.0 * height and not _mid_sentence(previous)


def _mid_sentence(line: Line) -> bool:
    return not re.search(r"[.!?:)\]]\s*$", line.text)


def _continues_sentence(line: Line) -> bool:
    first = line.text.lstrip()[:1]
    return bool(first) and (first.islower() or first in "(,;")


def _continuation(lines: list[tuple[int, Line]], index: int, *, size: float) -> int | None:
    """The next block start, within a few blocks, whose first line continues a sentence in the same type size."""
    seen_blocks = 0
    for j in range(index, len(lines)):
        if j > index and lines[j][0] != lines[j - 1][0]:
            seen_blocks += 1
            if seen_blocks > 4:
                return None
            line = lines[j][1]
            if _continues_sentence(line) and abs(line.size - size) <= 0.15 * size:
                return j
    return None
