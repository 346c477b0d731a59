"""The PDF reader on articles rendered for the tests: text, metadata, repairs, modes, and bad PDFs."""

from __future__ import annotations

import io

import pytest
from reader_articles import ABSTRACTS, Article, render_article, render_lines

from extractor.reader import ReadFailure, SourceDocument, read_bytes
from extractor.reader.pdf import read_pdf

CASES = [pytest.param(article, columns, id=f"article{i}-{columns}col") for i, article in enumerate(ABSTRACTS) for columns in (1, 2)]


def read_one(data: bytes, **kwargs) -> SourceDocument:
    items = list(read_pdf(data, source_file="article.pdf", **kwargs))
    assert len(items) == 1
    assert isinstance(items[0], SourceDocument), items[0]
    return items[0]


@pytest.mark.parametrize("article, columns", CASES)
def test_abstract_text_is_the_text_path_text(article: Article, columns: int) -> None:
    doc = read_one(render_article(article, columns=columns))
    text_doc = next(read_bytes(article.text_version().encode("utf-8"), source_file="article.txt"))
    assert doc.text == text_doc.text
    assert doc.abstract_start == len(article.title) + 2
    assert doc.abstract == "\n".join(article.abstract)


@pytest.mark.parametrize("article, columns", CASES)
def test_page_one_metadata(article: Article, columns: int) -> None:
    bibliography = read_one(render_article(article, columns=columns)).bibliography
    assert bibliography.title == article.title
    assert bibliography.authors == article.authors
    assert bibliography.doi == article.doi
    assert bibliography.journal == article.journal
    assert bibliography.year == article.year
    assert bibliography.volume == article.volume
    assert bibliography.pages == article.pages


@pytest.mark.parametrize("article, columns", CASES)
def test_pdfplumber_engine_reads_the_same_text(article: Article, columns: int) -> None:
    data = render_article(article, columns=columns)
    assert read_one(data, engine="pdfplumber").text == read_one(data).text


def test_plus_minus_and_minus_signs_survive() -> None:
    doc = read_one(render_article(ABSTRACTS[1], columns=2))
    assert "48.2±9.6" in doc.text
    assert "−2.9±1.7" in doc.text  # U+2212, as typeset


@pytest.mark.parametrize("article, columns", CASES[:2])
def test_pdf_path_extracts_the_same_record_as_the_text_path(article: Article, columns: int, nlp) -> None:
    from extractor.nlp import extract_text
    from extractor.records import build_record, exchange_dict

    pdf_doc = read_one(render_article(article, columns=columns))
    text_doc = next(read_bytes(article.text_version().encode("utf-8"), source_file="article.txt"))
    pdf_record = exchange_dict(build_record(pdf_doc, extract_text(pdf_doc.text), extractor_version="test"))
    text_record = exchange_dict(build_record(text_doc, extract_text(text_doc.text), extractor_version="test"))
    for key in ("design", "population", "intervention", "outcomes"):
        assert pdf_record[key] == text_record[key], key


def test_every_extracted_pdf_record_matches_its_text_record(nlp) -> None:
    from extractor.nlp import extract_text

    for article in ABSTRACTS:
        for columns in (1, 2):
            doc = read_one(render_article(article, columns=columns))
            assert extract_text(doc.text) == extract_text(article.text_version()), (article.title, columns)


def test_page_spans_cover_the_text_with_page_numbers() -> None:
    doc = read_one(render_article(ABSTRACTS[0]))
    assert doc.pages[0].number == 1
    assert doc.pages[0].start == 0
    assert doc.pages[-1].end == len(doc.text)


def test_abstract_mode_reads_only_page_one() -> None:
    stats: dict = {}
    list(read_pdf(render_article(ABSTRACTS[0], pages_of_body=3), source_file="long.pdf", stats=stats))
    assert stats["pages"] >= 3
    assert stats["pages_read"] == 1


def test_full_text_reads_the_body_and_stops_at_references() -> None:
    data = render_article(ABSTRACTS[0], pages_of_body=1)
    stats: dict = {}
    doc = next(read_pdf(data, source_file="long.pdf", full_text=True, stats=stats))
    assert stats["pages_read"] == stats["pages"] >= 2
    assert "Introduction" in doc.text
    assert "Earlier reports differed in cell source" in doc.text
    assert "A cited paper" not in doc.text
    assert doc.text.index("Introduction") > doc.text.index("Conclusion UC-MSC infusion")
    assert {span.number for span in doc.pages} == set(range(1, stats["pages"] + 1))


def test_abstract_without_heading_starts_at_its_first_label() -> None:
    doc = read_one(render_article(ABSTRACTS[1], heading=""))
    assert doc.abstract.startswith("Background: Cell therapy")


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_line_end_hyphens_and_ligatures_are_repaired_and_recorded(engine: str) -> None:
    data = render_lines([
        "Cell therapy in lupus: a pilot study of twelve patients",
        "",
        "Abstract",
        "Background: Infusions were well tolerated and appro-",
        "priately timed in this population-",
        "based cohort; the change was signiﬁcant in 12-",
        "24 weeks after IL-",
        "6 levels fell.",
        "Keywords: cell therapy",
    ])
    doc = read_one(data, engine=engine)
    assert "appropriately timed" in doc.text
    assert "population-based cohort" in doc.text
    assert "significant" in doc.text
    assert "12-24 weeks" in doc.text
    assert "IL-6 levels" in doc.text
    assert "line-end hyphen removed" in doc.repairs
    if engine == "pdfplumber":  # pdfium hands out ligatures already split into their letters
        assert "ligature '\ufb01' -> 'fi'" in doc.repairs


def test_a_missing_abstract_is_a_failure_that_names_the_fix() -> None:
    data = render_lines(["A short note on cell counts", "", "We counted cells in three samples and found them similar."])
    failure = next(read_bytes(data, source_file="note.pdf", suffix=".pdf"))
    assert isinstance(failure, ReadFailure)
    assert "no abstract found" in failure.reason
    assert "--full-text" in failure.reason
    doc = next(read_bytes(data, source_file="note.pdf", suffix=".pdf", full_text=True))
    assert isinstance(doc, SourceDocument)
    assert "found them similar" in doc.text


def test_a_pdf_without_text_layer_is_called_scanned() -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 400, fill=1)
    page.save()
    failure = next(read_bytes(buffer.getvalue(), source_file="scan.pdf", suffix=".pdf"))
    assert isinstance(failure, ReadFailure)
    assert "no text layer" in failure.reason and "OCR" in failure.reason


def test_an_encrypted_pdf_is_reported_as_such() -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner-secret"))
    page.drawString(72, 720, "Abstract: a locked article.")
    page.save()
    failure = next(read_bytes(buffer.getvalue(), source_file="locked.pdf", suffix=".pdf"))
    assert isinstance(failure, ReadFailure)
    assert "encrypted" in failure.reason


@pytest.mark.parametrize("data, expected", [
    pytest.param(b"%PDF-1.7\n" + b"\x00garbage" * 50, "damaged or not a PDF", id="garbage-after-header"),
    pytest.param(b"Abstract: this is plain text saved as .pdf", "not a PDF", id="text-named-pdf"),
    pytest.param(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "damaged or not a PDF", id="truncated"),
])
def test_damaged_and_fake_pdfs_fail_with_a_reason(data: bytes, expected: str) -> None:
    items = list(read_bytes(data, source_file="bad.pdf", suffix=".pdf"))
    assert len(items) == 1 and isinstance(items[0], ReadFailure)
    assert expected in items[0].reason


def test_a_truncated_real_pdf_still_fails_cleanly_or_reads() -> None:
    data = render_article(ABSTRACTS[0])
    for cut in (len(data) // 4, len(data) // 2, len(data) - 200):
        items = list(read_bytes(data[:cut], source_file="cut.pdf", suffix=".pdf"))
        assert len(items) == 1
        assert isinstance(items[0], SourceDocument | ReadFailure)
