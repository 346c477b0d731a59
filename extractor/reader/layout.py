"""Reading order for a PDF page: positioned words in, blocks of lines in reading order out.

Engine-agnostic (pypdfium2 and pdfplumber both feed it ``Word`` boxes, top-down
coordinates in points). Three steps:

1. words -> lines: words on the same baseline join, split where the gap is
   wider than a word space (a column gutter);
2. lines -> blocks: a line joins the block just above it when it starts
   under it and follows at line spacing (a paragraph, a heading, a title);
3. blocks -> reading order by recursive XY-cut: split at a vertical gutter
   no block crosses (columns, left to right), else at horizontal gaps
   between blocks (top to bottom), and recurse. One- and two-column pages,
   full-width titles and abstracts over two-column bodies, and side columns
   of affiliations all come out in the order a reader takes them.

Lines in the top and bottom margins (running heads, page numbers, footers)
are kept apart as ``margin`` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

#: Share of the page height at the top and bottom that holds running heads and footers.
MARGIN = 0.05
#: A gap narrower than this many type sizes is a word space, never a column gutter.
MIN_COLUMN_GAP = 0.8
#: A gap wider than this many type sizes always splits a line (nothing justifies words that far apart).
MAX_WORD_GAP = 3.0
#: A line joins the block above when the gap between them is at most this many line heights.
MAX_LINE_GAP = 0.9
#: Narrowest vertical gutter, in font sizes, that separates columns.
MIN_GUTTER = 0.6


@dataclass(frozen=True, slots=True)
class Word:
    """A word with its box (points, origin top-left), font size and weight."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass(slots=True)
class Line:
    """Words on one baseline within one column, left to right."""

    words: list[Word]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    _size: float | None = None

    def __post_init__(self) -> None:
        self._fit()

    def _fit(self) -> None:
        self.x0 = min(w.x0 for w in self.words)
        self.x1 = max(w.x1 for w in self.words)
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)
        self._size = None

    def append(self, word: Word) -> None:
        """Add ``word`` at the right end."""
        self.words.append(word)
        self.x0, self.x1 = min(self.x0, word.x0), max(self.x1, word.x1)
        self.top, self.bottom = min(self.top, word.top), max(self.bottom, word.bottom)
        self._size = None

    @property
    def size(self) -> float:
        """Type size of most of the line's characters."""
        if self._size is None:
            self._size = _weighted_size(self.words)
        return self._size

    def add(self, other: Line) -> None:
        """Take ``other``'s words (same baseline) and refit the box."""
        self.words = sorted([*self.words, *other.words], key=lambda w: w.x0)
        self._fit()

    @property
    def text(self) -> str:
        """The words joined by single spaces."""
        return " ".join(w.text for w in self.words)

    @property
    def bold(self) -> bool:
        """True when most of the line's characters are bold."""
        total = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.bold) * 2 > total

    @property
    def height(self) -> float:
        """Height of the line's box."""
        return self.bottom - self.top


@dataclass(slots=True)
class Block:
    """Consecutive lines of one column: a paragraph, a heading, a title."""

    lines: list[Line]
    page: int = 1
    margin: bool = False
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)
    _size: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._fit()

    def _fit(self) -> None:
        self.x0 = min(line.x0 for line in self.lines)
        self.x1 = max(line.x1 for line in self.lines)
        self.top = min(line.top for line in self.lines)
        self.bottom = max(line.bottom for line in self.lines)
        self._size = None

    def append(self, line: Line) -> None:
        """Add ``line`` below the others."""
        self.lines.append(line)
        self.x0, self.x1 = min(self.x0, line.x0), max(self.x1, line.x1)
        self.top, self.bottom = min(self.top, line.top), max(self.bottom, line.bottom)
        self._size = None

    @property
    def size(self) -> float:
        """Font size of most of the block's characters."""
        if self._size is None:
            self._size = _weighted_size([w for line in self.lines for w in line.words])
        return self._size

    @property
    def text(self) -> str:
        """Lines joined by spaces (no repairs; for matching and tests)."""
        return " ".join(line.text for line in self.lines)


def _weighted_size(words: list[Word]) -> float:
    counts: dict[float, int] = {}
    for word in words:
        key = round(word.size, 1)
        counts[key] = counts.get(key, 0) + len(word.text)
    return max(counts, key=counts.get) if counts else 0.0


def layout_page(words: list[Word], *, width: float, height: float, page: int = 1) -> list[Block]:
    """Blocks of the page in reading order: head margin, body, foot margin."""
    lines = build_lines(words)
    head = [ln for ln in lines if ln.bottom < height * MARGIN]
    foot = [ln for ln in lines if ln.top > height * (1 - MARGIN)]
    body = [ln for ln in lines if height * MARGIN <= ln.bottom and ln.top <= height * (1 - MARGIN)]
    blocks = [Block(sorted(head, key=lambda ln: (ln.top, ln.x0)), page=page, margin=True)] if head else []
    blocks += order_blocks(build_blocks(body, page=page))
    if foot:
        blocks.append(Block(sorted(foot, key=lambda ln: (ln.top, ln.x0)), page=page, margin=True))
    return blocks


def build_lines(words: list[Word]) -> list[Line]:
    """Group words into lines of one column each, top to bottom.

    Words on one baseline form a row (whatever order the content stream
    drew them in); a row is then cut at column gutters only. A gutter is a
    gap at least ``MIN_COLUMN_GAP`` wide whose middle is empty in most of the
    rows around it too: the white river between columns runs down the page,
    where the wide word spaces of a justified narrow column do not line up.
    """
    rows = _rows(words)
    lines = [piece for i, row in enumerate(rows) for piece in _cut_at_gutters(row, rows, i)]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _rows(words: list[Word]) -> list[Line]:
    """Words on one baseline, left to right; pieces drawn apart are joined by their baseline."""
    pieces: list[Line] = []
    for word in words:
        last = pieces[-1] if pieces else None
        if last is not None and _same_line(last, word) and word.x0 - last.x1 >= -0.5 * min(word.size, last.words[-1].size):
            last.append(word)
        else:
            pieces.append(Line([word]))
    pieces.sort(key=lambda ln: (ln.bottom, ln.x0))
    rows: list[Line] = []
    for piece in pieces:
        host = next((row for row in reversed(rows[-12:]) if _same_baseline(row, piece) and _apart(row, piece)), None)
        if host is None:
            rows.append(piece)
        else:
            host.add(piece)
    rows.sort(key=lambda ln: (ln.top, ln.x0))
    return rows


def _same_line(line: Line | Word, other: Line | Word) -> bool:
    overlap = min(line.bottom, other.bottom) - max(line.top, other.top)
    return overlap >= 0.5 * min(line.bottom - line.top, other.bottom - other.top)


def _same_baseline(row: Line, piece: Line) -> bool:
    return abs(row.bottom - piece.bottom) <= 0.25 * min(row.size, piece.size) and _same_line(row, piece)


def _apart(row: Line, piece: Line) -> bool:
    """The piece does not overlap the row's words (it sits beside them)."""
    return all(piece.x1 <= w.x0 + 1 or piece.x0 >= w.x1 - 1 for w in row.words)


def _cut_at_gutters(row: Line, rows: list[Line], index: int) -> list[Line]:
    """Cut ``row`` at the gaps that are column gutters (or too wide for any word space)."""
    pieces = [[row.words[0]]]
    gaps = sorted(right.x0 - left.x1 for left, right in zip(row.words, row.words[1:]))
    typical = median(gaps[: len(gaps) // 2 + 1]) if gaps else 0.0
    for left, right in zip(row.words, row.words[1:]):
        if _gutter_between(left, right, rows, index, typical=typical):
            pieces.append([right])
        else:
            pieces[-1].append(right)
    return [row] if len(pieces) == 1 else [Line(words) for words in pieces]


def _gutter_between(left: Word, right: Word, rows: list[Line], index: int, *, typical: float) -> bool:
    """True when the gap is wide, wider than the row's word spaces, and white in the rows around it."""
    size = min(left.size, right.size) or 1.0
    gap = right.x0 - left.x1
    if gap < MIN_COLUMN_GAP * size:
        return False
    if gap > MAX_WORD_GAP * size:
        return True
    if gap < 1.6 * typical:
        return False  # a loosely justified line: every space in it is this wide
    middle = (left.x1 + right.x0) / 2
    neighbours = rows[max(0, index - 3) : index] + rows[index + 1 : index + 4]
    empty = sum(1 for row in neighbours if not any(w.x0 - 1 <= middle <= w.x1 + 1 for w in row.words))
    return empty >= max(2, len(neighbours) // 2)


def build_blocks(lines: list[Line], *, page: int = 1) -> list[Block]:
    """Group lines (sorted top-down) into blocks of one column and steady line spacing."""
    blocks: list[Block] = []
    for line in lines:
        host = next((b for b in reversed(blocks[-8:]) if _continues(b, line)), None)
        if host is None:
            blocks.append(Block([line], page=page))
        else:
            host.append(line)
    return blocks


def _continues(block: Block, line: Line) -> bool:
    """``line`` follows ``block``'s last line in the same column at line spacing."""
    last = block.lines[-1]
    gap = line.top - last.bottom
    height = max(last.height, line.height, 1.0)
    if not -0.3 * height <= gap <= MAX_LINE_GAP * height:
        return False
    overlap = min(block.x1, line.x1) - max(block.x0, line.x0)
    return overlap >= 0.5 * min(block.x1 - block.x0, line.x1 - line.x0) and abs(line.size - last.size) <= 0.25 * last.size


def order_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks in reading order by recursive XY-cut."""
    if len(blocks) <= 1:
        return list(blocks)
    gutter = MIN_GUTTER * (median(b.size for b in blocks) or 1.0)
    columns = _split(blocks, lo=lambda b: b.x0, hi=lambda b: b.x1, min_gap=gutter)
    if len(columns) > 1:
        return [b for column in columns for b in order_blocks(column)]
    bands = _split_widest(blocks)
    if len(bands) > 1:
        return [b for band in bands for b in order_blocks(band)]
    return sorted(blocks, key=lambda b: (b.top, b.x0))


def _split_widest(blocks: list[Block]) -> list[list[Block]]:
    """Split top to bottom at the widest horizontal gaps only.

    Cutting at every gap would also cut between the lines of two columns that
    happen to leave a gap at the same height, and read them across; the widest
    gaps are the ones around full-width elements (title, abstract, a figure).
    """
    bands = _split(blocks, lo=lambda b: b.top, hi=lambda b: b.bottom, min_gap=0.0)
    if len(bands) <= 2:
        return bands
    gaps = [min(b.top for b in band) - max(b.bottom for b in previous) for previous, band in zip(bands, bands[1:])]
    widest = max(gaps)
    groups = [bands[0]]
    for gap, band in zip(gaps, bands[1:]):
        if gap >= 0.8 * widest:
            groups.append(band)
        else:
            groups[-1] = groups[-1] + band
    return groups


def _split(blocks: list[Block], *, lo, hi, min_gap: float) -> list[list[Block]]:
    """Split where no block covers a gap wider than ``min_gap`` along one axis."""
    ordered = sorted(blocks, key=lo)
    groups: list[list[Block]] = [[ordered[0]]]
    reach = hi(ordered[0])
    for block in ordered[1:]:
        if lo(block) > reach + min_gap:
            groups.append([block])
        else:
            groups[-1].append(block)
        reach = max(reach, hi(block))
    return groups
