"""Article PDFs: page-1 metadata and the abstract (or, with ``full_text``, the whole article).

Text comes from pypdfium2 (about 500 pages/s) with pdfplumber as the fallback
for files pdfium cannot open (``engine="pdfplumber"`` forces it; about 8
pages/s). Both feed positioned words to ``layout`` (reading order for one- and
two-column pages), and the text is assembled line by line with the repairs of
``repairs`` (glyphs, ligatures, line-end hyphens) made before the canonical
text, its offsets and its ``PageSpan``s are fixed. Abstract mode reads page 1,
and page 2 only when the abstract runs on.
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.errors import EmptyDocumentError, ReadError
from extractor.reader.base import TITLE_SEPARATOR, Bibliography, PageSpan, ReadFailure, SourceDocument, sha256_hex
from extractor.reader.frontmatter import (
    LABEL,
    REFERENCES_HEADING,
    Cursor,
    body_lines,
    find_abstract_end,
    find_abstract_start,
    find_authors,
    find_citation,
    find_doi,
    find_title,
)
from extractor.reader.layout import Block, Line, Word, layout_page
from extractor.reader.repairs import RepairLog, expand_ligatures, fix_glyph, join_hyphenated, suspicious

log = logging.getLogger(__name__)

#: Where a PDF header may sit (some files carry a few bytes of junk before it).
PDF_MAGIC = b"%PDF-"
#: Pages abstract mode reads at most (a cover page, page 1, a run-on abstract).
ABSTRACT_PAGES = 3
#: Pages checked for a text layer before a file is called scanned.
TEXT_LAYER_PAGES = 3
#: Characters that separate words in pdfium's text (real or generated spaces, line breaks).
SEPARATORS = frozenset({0x20, 0x0D, 0x0A, 0x09, 0xA0, 0x2002, 0x2003, 0x2009, 0x200A, 0x3000})
#: pdfium's marks for a hyphen at a line end.
HYPHEN_MARKS = frozenset({0x02, 0xFFFE})
#: Character codes that never need a repair (the fast path of word building).
PLAIN = frozenset(code for code in range(0x20, 0x2FFF) if (not suspicious(chr(code)) or chr(code) in "6e") and code not in HYPHEN_MARKS)
#: Digits and letters that may stand for a symbol in their context: "1e3" (en dash), "mean6SD" (plus-minus).
IN_CONTEXT = re.compile(r"\de\d|[A-Za-z0-9]6[A-Za-z0-9]")
#: pdfminer's text for a glyph it cannot map to Unicode: "(cid:6)".
CID = re.compile(r"\(cid:(\d+)\)")
#: A soft hyphen inside a line is invisible in print.
SOFT_HYPHEN = "\u00ad"
#: Word characters for the document's own vocabulary (used to decide line-end hyphens).
VOCABULARY_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:-[A-Za-z\u00C0-\u024F]+)*")


def looks_like_pdf(head: bytes) -> bool:
    """True when a PDF header sits in the first KiB."""
    return PDF_MAGIC in head[:1024]


def read_pdf(
    data: bytes, *, source_file: str, full_text: bool = False, engine: str = "pdfium", stats: dict | None = None
) -> Iterator[SourceDocument | ReadFailure]:
    """Yield the article as one document: title + abstract, or title + the whole text with ``full_text``.

    ``stats``, when given, receives ``pages_read`` and ``pages`` (for benchmarks).
    """
    pdf = open_pdf(data, source_file=source_file, engine=engine)
    try:
        reader = _ArticleReader(pdf, source_file=source_file)
        doc = reader.read(data, full_text=full_text)
        if stats is not None:
            stats.update(pages_read=len(reader.loaded), pages=pdf.page_count)
    finally:
        pdf.close()
    yield doc


def open_pdf(data: bytes, *, source_file: str, engine: str = "pdfium") -> _PdfiumPdf | _PlumberPdf:
    """Open ``data`` with ``engine``; pdfium falls back to pdfplumber for files it cannot parse."""
    if engine == "pdfplumber":
        return _PlumberPdf(data, source_file=source_file)
    try:
        return _PdfiumPdf(data, source_file=source_file)
    except _Encrypted as exc:
        raise ReadError(str(exc)) from exc
    except ReadError as first:
        try:
            return _PlumberPdf(data, source_file=source_file)
        except ReadError:
            raise first from None


class _Encrypted(ReadError):
    """The PDF needs a password."""


def _encrypted(source_file: str) -> str:
    return f"{source_file}: the PDF is encrypted (password-protected); save an unprotected copy and read that"


class _PdfiumPdf:
    """A PDF opened with pypdfium2; ``words`` gives a page's positioned words."""

    def __init__(self, data: bytes, *, source_file: str) -> None:
        self.source_file = source_file
        try:
            self.pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise _Encrypted(_encrypted(source_file)) from exc
            raise ReadError(f"{source_file}: damaged or not a PDF ({_pdfium_reason(exc)})") from exc
        self.page_count = len(self.pdf)

    def metadata(self) -> dict[str, str]:
        """The document information dictionary (Title, Author, Subject...)."""
        try:
            return {k: v for k, v in self.pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
        except pdfium.PdfiumError:
            return {}

    def words(self, index: int, repairs: RepairLog) -> tuple[list[Word], float, float]:
        """Page ``index``'s words in content order, with the page's width and height."""
        try:
            page = self.pdf[index]
        except pdfium.PdfiumError as exc:
            raise ReadError(f"{self.source_file}: page {index + 1} cannot be read (damaged)") from exc
        try:
            textpage = page.get_textpage()
        except pdfium.PdfiumError as exc:
            page.close()
            raise ReadError(f"{self.source_file}: page {index + 1} has no readable text (damaged)") from exc
        try:
            left, bottom, right, top = page.get_bbox()
            return _pdfium_words(textpage.raw, (left, top), repairs), right - left, top - bottom
        finally:
            textpage.close()
            page.close()

    def close(self) -> None:
        """Release the document."""
        self.pdf.close()


def _pdfium_reason(exc: Exception) -> str:
    match = re.search(r"PDFium: ([^)]+)", str(exc))
    return match.group(1).strip(". ").lower() if match else str(exc)


def _pdfium_words(handle, corner: tuple[float, float], repairs: RepairLog) -> list[Word]:
    """Split pdfium's characters into words at spaces, line breaks and line-end hyphens; box each by its ends.

    ``corner`` is the page's top-left (x, y) in PDF coordinates.
    """
    count = pdfium_c.FPDFText_CountChars(handle)
    codes = _char_codes(handle, count)
    words: list[Word] = []
    start = None
    for i in range(count + 1):
        code = codes[i] if i < count else 0x20
        if code in SEPARATORS or code == 0:
            end = i
        elif code in HYPHEN_MARKS and _line_breaks_after(handle, i, count):
            end = i + 1  # pdfium joins "Data-" and "base" across the line break; split them again
        else:
            start = i if start is None else start
            continue
        if start is not None:
            word = _pdfium_word(handle, codes, start, end, corner, repairs)
            if word is not None:
                words.append(word)
        start = None
    return words


def _char_codes(handle, count: int) -> list[int]:
    """Unicode values of the page's characters, by character index.

    One bulk ``GetText`` call when it maps one to one onto the characters
    (most pages); character by character when pdfium left some out (a glyph
    without Unicode, such as a symbol font's minus).
    """
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(handle, 0, count, buffer) - 1 if count else 0
    if written == count:
        return list(buffer[:count])
    get = pdfium_c.FPDFText_GetUnicode
    return [get(handle, i) for i in range(count)]


def _line_breaks_after(handle, i: int, count: int) -> bool:
    """True when the character after ``i`` starts a new line (``i`` is a line-end hyphen, not a glyph)."""
    if i + 1 >= count:
        return True
    (x0, y0), (x1, y1) = _origin(handle, i), _origin(handle, i + 1)
    return abs(y1 - y0) > 2 or x1 < x0 - 20


def _pdfium_word(handle, codes: list[int], start: int, end: int, corner: tuple[float, float], repairs: RepairLog) -> Word | None:
    piece = codes[start:end]
    text = "".join(map(chr, piece)) if PLAIN.issuperset(piece) else ""
    if not text or IN_CONTEXT.search(text):
        text = "".join(_pdfium_char(handle, codes, i, start, end, repairs) for i in range(start, end))
    if not text.strip():
        return None
    left, height = corner
    (x0, y0), (x1, y1) = _origin(handle, start), _origin(handle, end - 1)
    if end - start > 1 and abs(y1 - y0) > abs(x1 - x0) + 1:
        return None  # vertical text (a rotated margin label), not part of the reading flow
    size = _font_size(handle, start)
    # Boxes from the baseline and the type size (ascent 0.8, descent 0.2) line up across
    # fonts, where glyph boxes do not (a "=" from a symbol font, a small-caps word).
    top = height - max(y0, y1) - 0.8 * size
    bottom = height - min(y0, y1) + 0.2 * size
    return Word(
        text=text,
        x0=min(x0, x1) - left,
        x1=max(_right(handle, end - 1), x1) - left,
        top=top,
        bottom=bottom,
        size=round(size, 2),
        bold=pdfium_c.FPDFText_GetFontWeight(handle, start) >= 600,
    )


_X = ctypes.c_double()
_Y = ctypes.c_double()
_BOX = [ctypes.c_double() for _ in range(4)]


_MATRIX = pdfium_c.FS_MATRIX()


def _font_size(handle, index: int) -> float:
    """Type size in points: the font size scaled by the text matrix (many PDFs set "1 Tf" and scale)."""
    size = pdfium_c.FPDFText_GetFontSize(handle, index) or 1.0
    if pdfium_c.FPDFText_GetMatrix(handle, index, _MATRIX):
        size *= math.hypot(_MATRIX.c, _MATRIX.d) or 1.0
    return size


def _origin(handle, index: int) -> tuple[float, float]:
    """Baseline origin (x, y) of a character, PDF coordinates."""
    pdfium_c.FPDFText_GetCharOrigin(handle, index, _X, _Y)
    return _X.value, _Y.value


def _right(handle, index: int) -> float:
    """Right edge of a character's glyph box."""
    left, right, bottom, top = _BOX
    pdfium_c.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
    return right.value


def _pdfium_char(handle, codes: list[int], i: int, start: int, end: int, repairs: RepairLog) -> str:
    """The character at ``i``, with hyphen marks and misreported glyphs repaired."""
    code = codes[i]
    char = chr(code)
    if not suspicious(char) and code not in HYPHEN_MARKS:
        return char
    if code in HYPHEN_MARKS and i == end - 1 and _line_breaks_after(handle, i, len(codes)):
        return "-"
    before = chr(codes[i - 1]) if i > start else ""
    after = chr(codes[i + 1]) if i + 1 < end else ""
    if (char == "6" and not (before.isalnum() and after.isalnum())) or (char == "e" and not (before.isdigit() and after.isdigit())):
        return char  # the common case: a real digit or letter, no font look-up needed
    font = _font_name(handle, i)
    if char == "6" and not _isolated_font(handle, i, start, end, font):
        return char
    fixed = fix_glyph(char, font, before=before, after=after)
    if fixed is not None:
        repairs.note(f"glyph {char!r} in {_family(font)} -> {fixed!r}")
        return fixed
    if code < 0x20 or code == 0xFFFE:
        repairs.note(f"unmapped glyph U+{code:04X} in {_family(font)} dropped")
        return ""
    return char


def _font_name(handle, index: int) -> str:
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(handle, index, buffer, 128, ctypes.byref(flags))
    return buffer.value.decode("utf-8", errors="replace")


def _isolated_font(handle, i: int, start: int, end: int, font: str) -> bool:
    """True when both neighbours of ``i`` are in another font (a symbol dropped into text: "mean6SD")."""
    if i == start or i == end - 1:
        return False
    return _font_name(handle, i - 1) != font and _font_name(handle, i + 1) != font


def _family(font: str) -> str:
    return re.sub(r"^[A-Z]{6}\+", "", font) or "unnamed font"


class _PlumberPdf:
    """A PDF opened with pdfplumber (pdfminer): slower, more tolerant of damaged files."""

    def __init__(self, data: bytes, *, source_file: str) -> None:
        self.source_file = source_file
        try:
            self.pdf = pdfplumber.open(io.BytesIO(data))
            self.page_count = len(self.pdf.pages)
        except Exception as exc:  # pdfminer raises many unrelated types on damaged input
            raise ReadError(f"{source_file}: {_plumber_reason(exc)}") from exc

    def metadata(self) -> dict[str, str]:
        """The document information dictionary, values as text."""
        return {str(k): v if isinstance(v, str) else v.decode("utf-8", "replace") for k, v in self.pdf.metadata.items()
                if isinstance(v, str | bytes)}

    def words(self, index: int, repairs: RepairLog) -> tuple[list[Word], float, float]:
        """Page ``index``'s words in content order, with the page's width and height."""
        try:
            page = self.pdf.pages[index]
            found = page.extract_words(x_tolerance=1.5, y_tolerance=3, use_text_flow=True,
                                       expand_ligatures=False, return_chars=True)
        except Exception as exc:  # pdfminer raises many unrelated types on damaged input
            raise ReadError(f"{self.source_file}: page {index + 1} cannot be read ({_plumber_reason(exc)})") from exc
        return [_plumber_word(w, repairs) for w in found], float(page.width), float(page.height)

    def close(self) -> None:
        """Release the document."""
        self.pdf.close()


def _plumber_reason(exc: Exception) -> str:
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return "the PDF is encrypted (password-protected); save an unprotected copy and read that"
    return f"damaged or not a PDF ({name}: {str(exc)[:80]})"


def _plumber_word(word: dict, repairs: RepairLog) -> Word:
    chars = word.get("chars") or []
    text = [_plumber_char(chars, i, repairs) for i in range(len(chars))]
    first = chars[0] if chars else {}
    return Word(
        text="".join(text) or word["text"],
        x0=float(word["x0"]), x1=float(word["x1"]), top=float(word["top"]), bottom=float(word["bottom"]),
        size=round(float(first.get("size", word["bottom"] - word["top"])), 2),
        bold="bold" in str(first.get("fontname", "")).lower(),
    )


def _plumber_char(chars: list[dict], i: int, repairs: RepairLog) -> str:
    """Character ``i`` of a pdfplumber word, with misreported glyphs repaired."""
    value, font = chars[i].get("text", ""), chars[i].get("fontname", "")
    cid = CID.fullmatch(value)
    if cid:  # pdfminer's name for a glyph without Unicode: "(cid:0)" is a TeX minus
        value = chr(int(cid.group(1))) if int(cid.group(1)) < 0x110000 else "\x00"
    if not suspicious(value):
        return value
    before = chars[i - 1] if i else {}
    after = chars[i + 1] if i + 1 < len(chars) else {}
    if value == "6" and font in (before.get("fontname"), after.get("fontname")):
        return value  # a digit in running text, not a symbol font's stand-in for "±"
    fixed = fix_glyph(value, font, before=before.get("text", ""), after=after.get("text", ""))
    if fixed is None:
        if ord(value) < 0x20:
            repairs.note(f"unmapped glyph U+{ord(value):04X} in {_family(font)} dropped")
            return ""
        return value
    repairs.note(f"glyph {value!r} in {_family(font)} -> {fixed!r}")
    return fixed


@dataclass(slots=True)
class _ArticleReader:
    """Reads one opened PDF page by page, only as far as the mode needs."""

    pdf: _PdfiumPdf | _PlumberPdf
    source_file: str
    repairs: RepairLog = field(default_factory=RepairLog)
    loaded: list[list[Block]] = field(default_factory=list)

    def page(self, index: int) -> list[Block]:
        """Blocks of page ``index`` (0-based) in reading order, read on first use."""
        while len(self.loaded) <= index:
            number = len(self.loaded)
            try:
                words, width, height = self.pdf.words(number, self.repairs)
            except ReadError:
                if number == 0:
                    raise
                log.warning("%s: page %d cannot be read; reading on without it", self.source_file, number + 1)
                words, width, height = [], 1.0, 1.0
            self.loaded.append(layout_page(words, width=width, height=height, page=number + 1))
        return self.loaded[index]

    def blocks(self, pages: int) -> list[Block]:
        """Blocks of the first ``pages`` pages, in order."""
        return [b for i in range(min(pages, self.pdf.page_count)) for b in self.page(i)]

    def read(self, data: bytes, *, full_text: bool) -> SourceDocument:
        """The article as a ``SourceDocument``; raises ``ReadError`` when it has no usable text."""
        if self.pdf.page_count == 0:
            raise ReadError(f"{self.source_file}: the PDF has no pages (damaged?)")
        self._require_text()
        meta = self.pdf.metadata()
        first = self.page(0)
        page_text = " ".join(b.text for b in first)
        title, title_index = find_title(first, meta.get("Title"), page_text)
        citation = find_citation(first, meta.get("Subject"))
        bibliography = Bibliography(
            title=title,
            authors=find_authors(first, title_index),
            journal=citation.journal,
            year=citation.year,
            volume=citation.volume,
            issue=citation.issue,
            pages=citation.pages,
            doi=find_doi([line.text for b in first for line in b.lines] + [meta.get("Subject", ""), meta.get("Keywords", "")]),
        )
        pages = self.pdf.page_count if full_text else ABSTRACT_PAGES
        items = self._body(title_index, full_text=full_text, pages=pages)
        return self._document(bibliography, items, data)

    def _require_text(self) -> None:
        for index in range(min(TEXT_LAYER_PAGES, self.pdf.page_count)):
            if self.page(index):
                return
        raise EmptyDocumentError(f"{self.source_file}: the PDF has no text layer (scanned?); run OCR first")

    def _body(self, title_index: int | None, *, full_text: bool, pages: int) -> list[tuple[Block, Line, int]]:
        """The lines to compose: the abstract, or in full-text mode the abstract and all that follows."""
        limit = min(pages, self.pdf.page_count)
        loaded = limit if full_text else 1  # abstract mode reads on only while the abstract does
        while True:
            blocks = self.blocks(loaded)
            lines = body_lines(blocks)
            start = find_abstract_start(lines, after=title_index)
            end, skipped = find_abstract_end(lines, start) if start else (len(lines), [])
            closed = start is not None and end < len(lines) and not full_text
            if closed or loaded >= limit:
                break
            loaded += 1
        if start is None and not full_text:
            raise EmptyDocumentError(
                f"{self.source_file}: no abstract found on the first {loaded} page(s) (no 'Abstract' heading or "
                "structured label such as 'Background:'); run with --full-text to read the whole article")
        if full_text:
            begin = start or Cursor(_after_block(lines, title_index))
            end = _references(lines, begin.index)
            return _items(blocks, lines, begin, end, skipped=[i for i in skipped if i < end])
        return _items(blocks, lines, start, end, skipped=skipped)

    def _document(self, bibliography: Bibliography, items: list[tuple[Block, Line, int]], data: bytes) -> SourceDocument:
        known = _vocabulary(self.loaded)
        body, spans = compose(items, self.repairs, known)
        if not body.strip():
            raise EmptyDocumentError(f"{self.source_file}: the abstract located in the PDF is empty")
        title = bibliography.title or ""
        offset = len(title) + len(TITLE_SEPARATOR) if title else 0
        text = f"{title}{TITLE_SEPARATOR}{body}" if title else body
        pages = [PageSpan(1, 0, len(title))] if title else []
        pages += [PageSpan(page, start + offset, end + offset) for page, start, end in spans]
        return SourceDocument(
            source_file=self.source_file,
            bibliography=bibliography,
            text=text,
            content_hash=sha256_hex(data),
            abstract_start=offset,
            pages=_merge_spans(pages),
            repairs=self.repairs.summary(),
            format="pdf",
        )


def _after_block(lines: list[tuple[int, Line]], block: int | None) -> int:
    return next((i for i, (b, _) in enumerate(lines) if block is None or b > block), len(lines))


def _references(lines: list[tuple[int, Line]], begin: int) -> int:
    return next((i for i in range(begin, len(lines)) if REFERENCES_HEADING.match(lines[i][1].text)), len(lines))


def _items(blocks: list[Block], lines: list[tuple[int, Line]], start: Cursor, end: int, *, skipped: list[int]) -> list[tuple[Block, Line, int]]:
    """``(block, line, skip)`` for the lines from ``start`` to ``end``, minus ``skipped``."""
    left_out = set(skipped)
    return [(blocks[lines[i][0]], lines[i][1], start.skip if i == start.index else 0)
            for i in range(start.index, end) if i not in left_out]


def _vocabulary(pages: list[list[Block]]) -> set[str]:
    """Lower-cased words the document writes (to tell "appro-|priately" from "population-|based")."""
    return {w.lower() for blocks in pages for b in blocks for line in b.lines for w in VOCABULARY_WORD.findall(line.text)}


def compose(items: list[tuple[Block, Line, int]], repairs: RepairLog, known: set[str]) -> tuple[str, list[tuple[int, int, int]]]:
    """Join lines into text: spaces within a paragraph, newlines between, line-end hyphens resolved.

    Returns the text and ``(page, start, end)`` spans of it.
    """
    pieces: list[str] = []
    spans: list[list[int]] = []
    length = 0
    previous: tuple[Block, Line] | None = None
    for block, line, skip in items:
        text = _line_text(line, repairs)[skip:].strip() if skip else _line_text(line, repairs)
        if not text:
            continue
        if previous is not None and pieces:
            separator = _separator(previous, (block, line), pieces[-1], text)
            if separator == "" and pieces[-1].endswith("-"):
                joined = join_hyphenated(pieces[-1], text, known)
                if joined is not None:
                    pieces[-1] = pieces[-1][:-1]
                    length -= 1
                    spans[-1][2] = length
                    repairs.note("line-end hyphen removed")
            pieces.append(separator)
            length += len(separator)
        start = length
        pieces.append(text)
        length += len(text)
        if spans and spans[-1][0] == block.page:
            spans[-1][2] = length
        else:
            spans.append([block.page, start, length])
        previous = (block, line)
    return "".join(pieces), [(p, s, e) for p, s, e in spans]


def _line_text(line: Line, repairs: RepairLog) -> str:
    text = expand_ligatures(line.text, repairs)
    if SOFT_HYPHEN in text:
        repairs.note("soft hyphen removed")
        text = text.replace(SOFT_HYPHEN, "")
    return text


def _separator(previous: tuple[Block, Line], current: tuple[Block, Line], before: str, text: str) -> str:
    """"" after a line-end hyphen, "\\n" at a paragraph or heading break, else " "."""
    (prev_block, prev_line), (block, line) = previous, current
    if before.endswith("-") and len(before) > 1 and before[-2].isalnum():
        return ""
    if prev_block is block:
        if _heading_like(line) and not _heading_like(prev_line):
            return "\n"  # a structured-abstract label on its own line ("Design") opens a paragraph
        return "\n" if _paragraph_break(block, prev_line, line, text) else " "
    continues = text[:1].islower() and not re.search(r"[.!?:]\s*$", before)
    return " " if continues else "\n"


def _paragraph_break(block: Block, previous: Line, line: Line, text: str) -> bool:
    """A new paragraph starts at ``line``: extra space above it, an indent, or room left on the line before.

    Room: the line before stopped short although the next word would have
    fitted, so the break was the author's, not the typesetter's.
    """
    gaps = sorted(b.top - a.bottom for a, b in zip(block.lines, block.lines[1:]))
    usual = gaps[len(gaps) // 4] if gaps else 0.0  # the lower quartile: short paragraphs add many wide gaps
    if line.top - previous.bottom > usual + 0.3 * line.size:
        return True
    ends_sentence = re.search(r"[.!?:]\s*$", previous.text) is not None
    if ends_sentence and line.x0 - block.x0 > 0.8 * line.size:
        return True
    first_word = text.split()[0]
    return block.x1 - previous.x1 > (len(first_word) + 2) * 0.5 * line.size


def _heading_like(line: Line) -> bool:
    """A short line in bold or one that is only a structured-abstract label."""
    words = line.text.split()
    if len(words) > 6:
        return False
    label = LABEL.match(line.text)
    return line.bold or (label is not None and label.end() >= len(line.text.rstrip()))


def _merge_spans(spans: list[PageSpan]) -> tuple[PageSpan, ...]:
    merged: list[PageSpan] = []
    for span in spans:
        if merged and merged[-1].number == span.number:
            merged[-1] = PageSpan(span.number, merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(merged)
