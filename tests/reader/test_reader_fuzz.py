"""Fuzz battery: mutated files of every format fed to ``read_bytes`` never raise.

Seeds are small files composed for the tests (WPRIM, PubMed XML, JATS, RIS,
MEDLINE, plain text, a rendered PDF, gzip); hypothesis mutates their bytes
(flips, deletions, insertions, truncations, duplicated chunks, mixed seeds).
Every result must be a ``SourceDocument`` or a ``ReadFailure``, and every
document must hold its invariants. ``READER_FUZZ_EXAMPLES`` sets the number of
examples per format (default 60: the battery runs in well under 20 s); e.g.
``READER_FUZZ_EXAMPLES=2000 pytest tests/reader/test_reader_fuzz.py``.
"""

from __future__ import annotations

import gzip
import os

import pytest
from reader_articles import ABSTRACTS, render_article

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractor.reader import ReadFailure, SourceDocument, read_bytes  # noqa: E402
from test_reader_formats import JATS, MEDLINE, RIS, pubmed_article, pubmed_set  # noqa: E402

EXAMPLES = int(os.environ.get("READER_FUZZ_EXAMPLES", "60"))

WPRIM = """Umbilical cord cells in lupus nephritis: a pilot study
10.5555/wprim.2020.1
- Author:
Lina ZHOU
;
Marco BIANCHI
- Publication Type:Journal Article
- From:
Journal of Test Rheumatology
2020;12(3):101-109
- Language:English
-
Abstract:
Objective To test cells. Results Proteinuria fell from (2.1±0.6) to (0.9±0.4) g/d (P<0.05).
"""

SEEDS: dict[str, tuple[bytes, str]] = {
    "wprim": (WPRIM.encode("utf-8"), ".txt"),
    "pubmed": (pubmed_set(pubmed_article(1, structured=True), pubmed_article(2)), ".xml"),
    "jats": (JATS.encode("utf-8"), ".nxml"),
    "ris": (RIS.encode("utf-8"), ".ris"),
    "medline": (MEDLINE.encode("utf-8"), ".nbib"),
    "text-utf16": (ABSTRACTS[0].text_version().encode("utf-16"), ".txt"),
    "gzip": (gzip.compress(pubmed_set(pubmed_article(3))), ".gz"),
    "pdf": (render_article(ABSTRACTS[1], columns=2), ".pdf"),
}


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """``seed`` with up to six random edits."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate", "splice"]))
        if edit == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif edit == "truncate":
            del data[at:]
        elif edit == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 256))]
        else:
            other, _ = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
            data[at:] = other[draw(st.integers(0, len(other))) :]
    return bytes(data)


def check(data: bytes, suffix: str) -> None:
    """Reading never raises; documents keep their invariants."""
    for item in read_bytes(data, source_file=f"fuzz{suffix}", suffix=suffix):
        assert isinstance(item, SourceDocument | ReadFailure)
        if isinstance(item, ReadFailure):
            assert item.reason
            continue
        assert item.text.strip()
        assert 0 <= item.abstract_start <= len(item.text)
        for span in item.pages:
            assert 0 <= span.start <= span.end <= len(item.text)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seeds_read_cleanly(name: str) -> None:
    data, suffix = SEEDS[name]
    items = list(read_bytes(data, source_file=f"seed{suffix}", suffix=suffix))
    assert any(isinstance(i, SourceDocument) for i in items), items


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_inputs_never_raise(name: str) -> None:
    seed, suffix = SEEDS[name]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(seed))
    def run(data: bytes) -> None:
        check(data, suffix)

    run()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
@given(st.binary(max_size=2048), st.sampled_from([".txt", ".pdf", ".xml", ".ris", ".nbib", ".gz", ""]))
def test_random_bytes_never_raise(data: bytes, suffix: str) -> None:
    check(data, suffix)
