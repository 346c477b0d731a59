"""Reading order from word boxes alone: lines, gutters, blocks, XY-cut (no PDF needed)."""

from __future__ import annotations

import pytest

from extractor.reader.layout import Word, build_lines, layout_page

SIZE = 9.0
LEADING = 11.5
PAGE = (595.0, 842.0)


def words_of(text: str, *, x: float, y: float, size: float = SIZE, space: float = 2.5, bold: bool = False) -> list[Word]:
    """Words of ``text`` set left to right from ``x`` on the baseline at ``y`` (0.5 em per character)."""
    out = []
    for token in text.split():
        width = len(token) * 0.5 * size
        out.append(Word(token, x, x + width, y - 0.8 * size, y + 0.2 * size, size, bold))
        x += width + space
    return out


def column(lines: list[str], *, x: float, y: float, size: float = SIZE) -> list[Word]:
    return [w for i, text in enumerate(lines) for w in words_of(text, x=x, y=y + i * LEADING * size / SIZE, size=size)]


def page_text(words: list[Word]) -> list[str]:
    return [b.text for b in layout_page(words, width=PAGE[0], height=PAGE[1])]


LEFT = ["alpha one two three four", "alpha five six seven eight", "alpha nine ten eleven twelve"]
RIGHT = ["beta one two three four", "beta five six seven eight", "beta nine ten eleven twelve"]


def test_two_columns_read_left_column_first() -> None:
    words = column(LEFT, x=60, y=200) + column(RIGHT, x=320, y=200)
    assert page_text(words) == [" ".join(LEFT), " ".join(RIGHT)]


def test_two_columns_drawn_row_by_row_still_read_column_by_column() -> None:
    interleaved = []
    for i in range(3):
        interleaved += words_of(LEFT[i], x=60, y=200 + i * LEADING) + words_of(RIGHT[i], x=320, y=200 + i * LEADING)
    assert page_text(interleaved) == [" ".join(LEFT), " ".join(RIGHT)]


def test_full_width_title_then_two_columns() -> None:
    title = words_of("A full width title that spans both of the columns below it", x=60, y=100, size=16, bold=True)
    words = title + column(LEFT, x=60, y=200) + column(RIGHT, x=320, y=200)
    assert page_text(words) == [" ".join(w.text for w in title), " ".join(LEFT), " ".join(RIGHT)]


def test_side_column_comes_before_the_main_text() -> None:
    side = column(["1 Department", "of Medicine"], x=30, y=200, size=7)
    main = column(LEFT, x=150, y=200)
    assert page_text(main + side) == ["1 Department of Medicine", " ".join(LEFT)]


def test_loose_justified_spaces_do_not_split_a_line() -> None:
    loose = [w for i, text in enumerate(LEFT) for w in words_of(text, x=60, y=200 + i * LEADING, space=12)]
    lines = build_lines(loose)
    assert [ln.text for ln in lines] == LEFT


def test_a_gutter_splits_lines_even_when_columns_share_baselines() -> None:
    lines = build_lines(column(LEFT, x=60, y=200) + column(RIGHT, x=320, y=200))
    assert len(lines) == 6


def test_superscript_joins_its_line() -> None:
    words = words_of("Anna Smith", x=60, y=200) + [Word("1", 110, 113, 200 - 0.8 * SIZE - 3, 200 - 3 + 1, 5.5)]
    words += words_of("and Bo Li", x=116, y=200)
    assert [ln.text for ln in build_lines(words)] == ["Anna Smith 1 and Bo Li"]


def test_running_head_and_footer_are_margin_blocks() -> None:
    head = words_of("Journal of Tests 2020;1:1-9", x=60, y=20, size=7)
    foot = words_of("Page 1 of 9", x=60, y=830, size=7)
    blocks = layout_page(head + column(LEFT, x=60, y=200) + foot, width=PAGE[0], height=PAGE[1])
    assert [b.margin for b in blocks] == [True, False, True]


@pytest.mark.parametrize("gap_lines, blocks", [(1, 1), (3, 2)])
def test_blank_space_separates_blocks(gap_lines: int, blocks: int) -> None:
    words = column(LEFT[:2], x=60, y=200) + column(LEFT[2:], x=60, y=200 + (1 + gap_lines) * LEADING)
    assert len(page_text(words)) == blocks


def test_a_different_type_size_starts_a_new_block() -> None:
    words = column(["Heading in large type"], x=60, y=200, size=14) + column(LEFT, x=60, y=200 + 16)
    assert page_text(words) == ["Heading in large type", " ".join(LEFT)]
