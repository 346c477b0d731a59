"""Bibliographic formats (MEDLINE, RIS, PubMed XML, JATS), multi-record naming, encodings, detection.

Every record here is composed for the tests.
"""

from __future__ import annotations

import gzip
import html
import tracemalloc
from pathlib import Path

import pytest

from extractor.reader import ReadFailure, SourceDocument, detect_format, read_bytes, read_file

ABSTRACT = ("Twenty patients with refractory lupus received umbilical cord mesenchymal stem cells intravenously. "
            "Proteinuria fell from 2.1±0.6 g/day to 0.9±0.4 g/day at 6 months (P<0.01).")
XML_ABSTRACT = html.escape(ABSTRACT, quote=False)

MEDLINE = f"""PMID- 31000001
OWN - NLM
TI  - Umbilical cord stem cells in refractory lupus: a
      single-centre pilot study.
AB  - {ABSTRACT[:ABSTRACT.index(" cells")]}
      {ABSTRACT[ABSTRACT.index(" cells") + 1:]}
FAU - Zhou, Lina
AU  - Zhou L
FAU - Bianchi, Marco
LA  - eng
PT  - Journal Article
PT  - Clinical Trial
DP  - 2019 Mar
VI  - 12
IP  - 3
PG  - 101-109
LID - 10.5555/LUPUS.2019.12 [doi]
JT  - Journal of Test Rheumatology
PL  - England
OT  - lupus nephritis
OT  - cell therapy

PMID- 31000002
TI  - A record with a title and no abstract.
FAU - Alves, Pedro
DP  - 2020
"""

RIS = f"""TY  - JOUR
TI  - Intra-articular cell therapy in knee osteoarthritis
AU  - Alves, Pedro
AU  - Schmidt, Hannah
T2  - Journal of Test Orthopaedics
JO  - J Test Orthop
PY  - 2021
VL  - 7
IS  - 2
SP  - 55
EP  - 61
DO  - https://doi.org/10.5555/JTO.2021.7
KW  - osteoarthritis
KW  - cell therapy
AB  - {ABSTRACT}
ER  - 

TY - JOUR
TI - A record exported with single spaces around the dash
PY - 2018
AB - {ABSTRACT}
ER -

TY  - JOUR
TI  - A record without an abstract
PY  - 2017
ER  - 

TY  - CHAP
T1  - A final record whose ER line is missing
N2  - {ABSTRACT}
"""


def pubmed_article(pmid: int, *, abstract: bool = True, structured: bool = False) -> str:
    """One PubmedArticle element."""
    if structured:
        text = (f'<AbstractText Label="BACKGROUND">Lupus nephritis resists therapy.</AbstractText>'
                f'<AbstractText Label="RESULTS">{XML_ABSTRACT}</AbstractText>')
    else:
        text = f"<AbstractText>{XML_ABSTRACT}</AbstractText>"
    body = f"<Abstract>{text}<CopyrightInformation>© The authors</CopyrightInformation></Abstract>" if abstract else ""
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><JournalIssue><Volume>30</Volume><Issue>4</Issue>
<PubDate><MedlineDate>2019 Jul-Aug</MedlineDate></PubDate></JournalIssue><Title>Journal of Test Nephrology</Title></Journal>
<ArticleTitle>Stem cells and the kidney: report {pmid} of IL-<sub>6</sub> levels.</ArticleTitle>
<Pagination><MedlinePgn>11-19</MedlinePgn></Pagination>
<ELocationID EIdType="doi" ValidYN="Y">10.5555/TN.{pmid}</ELocationID>
{body}
<AuthorList><Author><LastName>Rahman</LastName><ForeName>Aisha</ForeName></Author>
<Author><CollectiveName>Test Cell Therapy Group</CollectiveName></Author></AuthorList>
<Language>eng</Language><PublicationTypeList><PublicationType>Randomized Controlled Trial</PublicationType></PublicationTypeList>
</Article><MedlineJournalInfo><Country>United States</Country></MedlineJournalInfo>
<KeywordList><Keyword>lupus</Keyword></KeywordList></MedlineCitation></PubmedArticle>
"""


def pubmed_set(*articles: str) -> bytes:
    head = '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN" "pubmed.dtd">\n'
    return (head + "<PubmedArticleSet>\n" + "".join(articles) + "</PubmedArticleSet>\n").encode("utf-8")


JATS = f"""<?xml version="1.0"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article" xml:lang="en">
<front><journal-meta><journal-title-group><journal-title>Test Stem Cell Reports</journal-title></journal-title-group></journal-meta>
<article-meta><article-id pub-id-type="pmid">32000001</article-id><article-id pub-id-type="doi">10.5555/TSCR.2020.9</article-id>
<title-group><article-title>Adipose stromal cells for fistula&nbsp;closure</article-title></title-group>
<contrib-group><contrib contrib-type="author"><name><surname>Marin</surname><given-names>Sofia</given-names></name></contrib>
<contrib contrib-type="editor"><name><surname>Editor</surname><given-names>An</given-names></name></contrib></contrib-group>
<pub-date pub-type="epub"><day>3</day><month>2</month><year>2020</year></pub-date><volume>9</volume><issue>1</issue><fpage>e12</fpage>
<kwd-group><kwd>fistula</kwd><kwd>stromal cells</kwd></kwd-group>
<abstract><sec><title>Background</title><p>Fistulas resist therapy.</p></sec><sec><title>Results</title><p>{XML_ABSTRACT}</p></sec></abstract>
<abstract abstract-type="graphical"><p>A picture.</p></abstract>
</article-meta></front>
<body><sec><title>Introduction</title><p>Fistulas are common in Crohn&#x02019;s disease.</p>
<table-wrap><table><tr><td>99.9</td></tr></table></table-wrap></sec>
<sec><title>Methods</title><p>Patients received cells into the tract.</p></sec></body>
<back><ref-list><ref><mixed-citation>A cited paper 2001;1:1-9.</mixed-citation></ref></ref-list></back>
</article>
"""


def documents(items) -> list[SourceDocument]:
    return [i for i in items if isinstance(i, SourceDocument)]


def failures(items) -> list[ReadFailure]:
    return [i for i in items if isinstance(i, ReadFailure)]


def test_medline_records_fields_and_failures() -> None:
    items = list(read_bytes(MEDLINE.encode(), source_file="export.nbib"))
    doc, = documents(items)
    missing, = failures(items)
    assert doc.source_file == "export.nbib#1"
    assert doc.text == "Umbilical cord stem cells in refractory lupus: a single-centre pilot study.\n\n" + ABSTRACT
    b = doc.bibliography
    assert (b.pmid, b.doi, b.year, b.volume, b.issue, b.pages) == ("31000001", "10.5555/lupus.2019.12", 2019, "12", "3", "101-109")
    assert b.authors == ("Lina Zhou", "Marco Bianchi")
    assert (b.journal, b.language, b.country) == ("Journal of Test Rheumatology", "English", "England")
    assert b.publication_types == ("Journal Article", "Clinical Trial")
    assert b.keywords == ("lupus nephritis", "cell therapy")
    assert (missing.source_file, missing.record) == ("export.nbib#2", 2)
    assert "no abstract" in missing.reason


def test_ris_records_loose_tags_and_missing_er() -> None:
    items = list(read_bytes(RIS.encode(), source_file="library.ris"))
    docs = documents(items)
    assert [d.source_file for d in docs] == ["library.ris#1", "library.ris#2", "library.ris#4"]
    first = docs[0].bibliography
    assert first.journal == "Journal of Test Orthopaedics"
    assert (first.doi, first.year, first.volume, first.issue, first.pages) == ("10.5555/jto.2021.7", 2021, "7", "2", "55-61")
    assert first.authors == ("Pedro Alves", "Hannah Schmidt")
    assert first.publication_types == ("Journal Article",)
    assert docs[1].bibliography.title == "A record exported with single spaces around the dash"
    assert docs[2].bibliography.title == "A final record whose ER line is missing"
    assert docs[2].bibliography.publication_types == ("Book Chapter",)
    assert all(d.abstract == ABSTRACT for d in docs)
    assert [(f.source_file, f.record) for f in failures(items)] == [("library.ris#3", 3)]


def test_pubmed_xml_fields() -> None:
    doc, = documents(read_bytes(pubmed_set(pubmed_article(7, structured=True)), source_file="one.xml"))
    b = doc.bibliography
    assert doc.source_file == "one.xml"
    assert b.title == "Stem cells and the kidney: report 7 of IL-6 levels."
    assert doc.abstract == f"BACKGROUND: Lupus nephritis resists therapy.\nRESULTS: {ABSTRACT}"
    assert (b.pmid, b.doi, b.year, b.volume, b.issue, b.pages) == ("7", "10.5555/tn.7", 2019, "30", "4", "11-19")
    assert b.authors == ("Aisha Rahman", "Test Cell Therapy Group")
    assert (b.language, b.country, b.keywords) == ("English", "United States", ("lupus",))
    assert b.publication_types == ("Randomized Controlled Trial",)


def test_pubmed_set_names_records_and_fails_those_without_abstract() -> None:
    data = pubmed_set(pubmed_article(1), pubmed_article(2, abstract=False), pubmed_article(3))
    items = list(read_bytes(data, source_file="set.xml"))
    assert [d.source_file for d in documents(items)] == ["set.xml#1", "set.xml#3"]
    assert [(f.source_file, f.record) for f in failures(items)] == [("set.xml#2", 2)]


def test_truncated_pubmed_xml_keeps_the_records_before_the_cut() -> None:
    data = pubmed_set(*(pubmed_article(i) for i in range(1, 4)))
    cut = data[: data.index(b"<PMID Version=\"1\">3") + 40]
    items = list(read_bytes(cut, source_file="cut.xml"))
    assert [d.source_file for d in documents(items)] == ["cut.xml#1", "cut.xml#2"]
    failure, = failures(items)
    assert failure.source_file == "cut.xml" and "truncated XML" in failure.reason


def test_pubmed_baseline_gz_is_streamed_in_flat_memory(tmp_path: Path) -> None:
    count = 4000
    path = tmp_path / "pubmed24n0001.xml.gz"
    raw = pubmed_set(*(pubmed_article(i) for i in range(1, count + 1)))
    path.write_bytes(gzip.compress(raw))
    tracemalloc.start()
    seen = 0
    for item in read_file(path):
        assert isinstance(item, SourceDocument)
        seen += 1
        last = item.source_file
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == count and last == f"pubmed24n0001.xml.gz#{count}"
    assert peak < len(raw) / 4, f"peak {peak} bytes for a {len(raw)}-byte file: not streamed"


def test_gzip_bytes_are_read_too() -> None:
    doc, = documents(read_bytes(gzip.compress(pubmed_set(pubmed_article(5))), source_file="x.xml.gz"))
    assert doc.bibliography.pmid == "5"


def test_jats_front_abstract_and_body() -> None:
    doc, = documents(read_bytes(JATS.encode(), source_file="article.nxml"))
    b = doc.bibliography
    assert b.title == "Adipose stromal cells for fistula closure"  # &nbsp; resolved without the DTD
    assert b.authors == ("Sofia Marin",)
    assert (b.journal, b.year, b.volume, b.issue, b.pages) == ("Test Stem Cell Reports", 2020, "9", "1", "e12")
    assert (b.doi, b.pmid, b.language) == ("10.5555/tscr.2020.9", "32000001", "English")
    assert b.keywords == ("fistula", "stromal cells")
    assert doc.abstract == f"Background: Fistulas resist therapy.\nResults: {ABSTRACT}"
    full, = documents(read_bytes(JATS.encode(), source_file="article.nxml", full_text=True))
    assert full.abstract.startswith(doc.abstract + "\n\nIntroduction\nFistulas are common in Crohn’s disease.")
    assert "Methods\nPatients received cells into the tract." in full.text
    assert "99.9" not in full.text and "cited paper" not in full.text


CHINESE = "脐带间充质干细胞移植治疗狼疮性肾炎的临床研究\n\n目的 观察脐带间充质干细胞治疗难治性狼疮性肾炎的疗效。结果 尿蛋白由(2.1±0.6) g/d降至(0.9±0.4) g/d。"
LATIN = "Étude pilote: cellules souches chez 12 patients\n\nLa protéinurie a diminué de 2.1±0.6 à 0.9±0.4 g/j après 6 mois."


@pytest.mark.parametrize("data, expected", [
    pytest.param(LATIN.encode("utf-8"), LATIN, id="utf-8"),
    pytest.param(LATIN.encode("utf-8-sig"), LATIN, id="utf-8-bom"),
    pytest.param(LATIN.encode("utf-16"), LATIN, id="utf-16-bom"),
    pytest.param(LATIN.encode("utf-16-le"), LATIN, id="utf-16-le-no-bom"),
    pytest.param(LATIN.encode("utf-16-be"), LATIN, id="utf-16-be-no-bom"),
    pytest.param(LATIN.encode("latin-1"), LATIN, id="latin-1"),
    pytest.param(LATIN.replace("Étude", "“Étude”").encode("cp1252"), LATIN.replace("Étude", "“Étude”"), id="windows-1252"),
    pytest.param(CHINESE.encode("gb18030"), CHINESE, id="gb18030"),
    pytest.param(CHINESE.encode("gbk"), CHINESE, id="gbk"),
    pytest.param(CHINESE.encode("utf-8"), CHINESE, id="chinese-utf-8"),
    pytest.param("Müller and Søren: 12 patients\n\nDie Proteinurie fiel.".encode("latin-1"),
                 "Müller and Søren: 12 patients\n\nDie Proteinurie fiel.", id="latin-1-not-gbk"),
])
def test_text_encodings_are_detected(data: bytes, expected: str) -> None:
    doc, = documents(read_bytes(data, source_file="abstract.txt"))
    assert doc.text == expected


def test_ris_in_utf16_with_bom_is_read() -> None:
    docs = documents(read_bytes(RIS.encode("utf-16"), source_file="library.ris"))
    assert len(docs) == 3 and docs[0].abstract == ABSTRACT


@pytest.mark.parametrize("data, suffix, expected", [
    pytest.param(RIS.encode(), ".txt", "ris", id="ris-named-txt"),
    pytest.param(MEDLINE.encode(), ".ris", "medline", id="medline-named-ris"),
    pytest.param(pubmed_set(pubmed_article(1)), ".txt", "pubmed", id="pubmed-named-txt"),
    pytest.param(JATS.encode(), ".xml", "jats", id="jats-named-xml"),
    pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", ".txt", "pdf", id="pdf-named-txt"),
    pytest.param(ABSTRACT.encode(), ".xml", "text", id="text-named-xml"),
    pytest.param(b"<?xml version='1.0'?><catalog><book/></catalog>", ".xml", "xml", id="other-xml"),
    pytest.param(bytes(range(256)) * 8, ".txt", "binary", id="binary"),
])
def test_format_is_detected_by_content(data: bytes, suffix: str, expected: str) -> None:
    assert detect_format(data, suffix=suffix) == expected


@pytest.mark.parametrize("text, title", [
    pytest.param("Bone marrow MSCs for lupus nephritis: a randomized trial\n\nObjective To test MSCs. Methods 40 patients.",
                 "Bone marrow MSCs for lupus nephritis: a randomized trial", id="title-then-abstract"),
    pytest.param("  Results of a phase I trial of adipose stromal cells \r\n\r\n\r\nBackground: ...",
                 "Results of a phase I trial of adipose stromal cells", id="heading-word-not-a-heading"),
    pytest.param("脐带间充质干细胞治疗狼疮性肾炎的临床研究\n\n目的 探讨疗效。方法 选取60例患者。",
                 "脐带间充质干细胞治疗狼疮性肾炎的临床研究", id="chinese"),
    pytest.param("Background: MSCs are immunomodulatory.\n\nMethods: 40 patients.", None, id="section-heading"),
    pytest.param("OBJECTIVE\n\nTo assess MSCs in 40 patients.", None, id="heading-alone"),
    pytest.param("Objective To assess MSCs\n\nMethods 40 patients", None, id="heading-without-colon"),
    pytest.param("目的 探讨疗效\n\n方法 选取60例患者", None, id="chinese-heading"),
    pytest.param("MSCs were given. Forty patients improved\n\nNo events.", None, id="two-sentences"),
    pytest.param("A title broken\nover two lines\n\nThe abstract.", None, id="two-lines"),
    pytest.param("The design was as follows:\n\n40 patients were treated.", None, id="ends-with-colon"),
    pytest.param("Forty patients received MSCs and improved.", None, id="one-paragraph"),
])
def test_plain_text_title_is_a_first_line_standing_alone(text: str, title: str | None) -> None:
    doc, = documents(read_bytes(text.encode(), source_file="abstract.txt"))
    assert doc.bibliography.title == title
    if title:
        assert doc.text[: doc.abstract_start] == title + "\n\n"
        assert doc.abstract.startswith(text.strip().split("\n")[-1][:6])
    else:
        assert doc.abstract_start == 0
