"""Article PDFs for the reader tests, rendered with reportlab from abstracts written for these tests.

``render_article`` lays out a first page the way journals do (a title in large
type, an author line, a citation line with the DOI, an "Abstract" heading,
the abstract, keywords, then an introduction), in one column or in two
columns under a full-width title. The fonts are reportlab's bundled Vera
family, which has the true minus sign, plus-minus and the fi ligature.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

import pytest

reportlab = pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph, Spacer  # noqa: E402

FONT_DIR = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
pdfmetrics.registerFont(TTFont("Vera", os.path.join(FONT_DIR, "Vera.ttf")))
pdfmetrics.registerFont(TTFont("VeraBd", os.path.join(FONT_DIR, "VeraBd.ttf")))

TITLE = ParagraphStyle("title", fontName="VeraBd", fontSize=17, leading=21)
AUTHORS = ParagraphStyle("authors", fontName="Vera", fontSize=10.5, leading=13, spaceBefore=6)
SMALL = ParagraphStyle("small", fontName="Vera", fontSize=7.5, leading=9)
HEADING = ParagraphStyle("heading", fontName="VeraBd", fontSize=10, leading=12, spaceBefore=10, spaceAfter=3)
BODY = ParagraphStyle("body", fontName="Vera", fontSize=9, leading=11.5, spaceAfter=4, alignment=4)


@dataclass(frozen=True)
class Article:
    """What a rendered test article holds."""

    title: str
    authors: tuple[str, ...]
    abstract: tuple[str, ...]  # paragraphs
    journal: str = "Journal of Regenerative Test Medicine"
    year: int = 2021
    volume: str = "12"
    pages: str = "101-109"
    doi: str = "10.5555/jrtm.2021.0042"
    keywords: str = "mesenchymal stem cells; cell therapy"
    body: tuple[str, ...] = field(default=(
        "Cell therapy has been studied for two decades in chronic inflammatory disease, and small trials have "
        "reported changes in clinical scores after infusion. The present work adds a prospective cohort with "
        "predefined outcomes and follow-up visits at fixed intervals.",
        "Earlier reports differed in cell source, dose and route, which makes pooled estimates difficult to "
        "interpret. We therefore describe each of these in detail below.",
    ))

    def citation(self) -> str:
        """The running citation line: "Journal 2021;12:101-109. doi:..."."""
        return f"{self.journal} {self.year};{self.volume}:{self.pages}. doi:{self.doi}"

    def text_version(self) -> str:
        """The same article as a plain text file: title, blank line, abstract paragraphs."""
        return self.title + "\n\n" + "\n".join(self.abstract)


def render_article(article: Article, *, columns: int = 1, heading: str = "Abstract", pages_of_body: int = 0,
                   references: bool = True) -> bytes:
    """Render ``article`` as a PDF and return its bytes."""
    buffer = io.BytesIO()
    width, height = A4
    margin = 56
    top_height = 170
    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                          bottomMargin=margin, title="", author="")
    full = width - 2 * margin
    head = Frame(margin, height - margin - top_height, full, top_height, id="head", showBoundary=0)
    if columns == 1:
        body_frames = [Frame(margin, margin, full, height - 2 * margin - top_height, id="body")]
        later = [Frame(margin, margin, full, height - 2 * margin, id="later")]
    else:
        gutter = 18
        col = (full - gutter) / 2
        body_frames = [Frame(margin + i * (col + gutter), margin, col, height - 2 * margin - top_height, id=f"c{i}")
                       for i in range(2)]
        later = [Frame(margin + i * (col + gutter), margin, col, height - 2 * margin, id=f"l{i}") for i in range(2)]

    def footer(canvas, _doc):
        canvas.setFont("Vera", 7)
        canvas.drawString(margin, 30, article.citation())
        canvas.drawRightString(width - margin, 30, str(canvas.getPageNumber()))

    doc.addPageTemplates([
        PageTemplate(id="first", frames=[head, *body_frames], onPage=footer, autoNextPageTemplate="later"),
        PageTemplate(id="later", frames=later, onPage=footer),
    ])
    story = [Paragraph(article.title, TITLE), Paragraph(", ".join(article.authors), AUTHORS),
             Spacer(1, 6), Paragraph(article.citation(), SMALL), FrameBreak()]
    if heading:
        story.append(Paragraph(heading, HEADING))
    story += [Paragraph(p, BODY) for p in article.abstract]
    story.append(Paragraph(f"<b>Keywords:</b> {article.keywords}", BODY))
    story.append(Paragraph("Introduction", HEADING))
    body = list(article.body) * (1 + 6 * pages_of_body)
    story += [Paragraph(p, BODY) for p in body]
    if references:
        story.append(Paragraph("References", HEADING))
        story += [Paragraph(f"{i}. Author A, Author B. A cited paper. J Test Med 2019;{i}:1-9.", SMALL) for i in range(1, 6)]
    doc.build(story)
    return buffer.getvalue()


def render_lines(lines: list[str], *, font: str = "Vera", size: float = 10) -> bytes:
    """A one-page PDF with ``lines`` drawn one under another (for hyphenation and glyph cases)."""
    from reportlab.pdfgen import canvas as pdf_canvas

    buffer = io.BytesIO()
    page = pdf_canvas.Canvas(buffer, pagesize=A4)
    y = A4[1] - 80
    for line in lines:
        page.setFont(font, size)
        page.drawString(72, y, line)
        y -= size * 1.3
    page.save()
    return buffer.getvalue()


ABSTRACTS = (
    Article(
        title="Umbilical cord mesenchymal stem cells for refractory lupus nephritis: an open-label pilot study",
        authors=("Lina Zhou", "Marco Bianchi", "Aisha Rahman"),
        abstract=(
            "Objective To evaluate the safety and efficacy of umbilical cord mesenchymal stem cell (UC-MSC) infusion "
            "in patients with refractory lupus nephritis. Methods Twelve patients received intravenous UC-MSC at a dose "
            "of 1×10^6 cells/kg. Proteinuria and serum albumin were measured at baseline and at 6 months. Results "
            "Proteinuria decreased from 2.9±0.8 g/24 h to 1.1±0.5 g/24 h at 6 months (P<0.01), and serum albumin "
            "rose from 28.4±4.2 g/L to 35.1±3.9 g/L (P<0.05). The mean change in eGFR was −4.2±6.1 mL/min. No "
            "serious adverse events were observed. Conclusion UC-MSC infusion appears safe and may reduce "
            "proteinuria in refractory lupus nephritis.",
        ),
    ),
    Article(
        title="Intra-articular autologous bone marrow mesenchymal stem cells versus hyaluronic acid in knee osteoarthritis: a randomized controlled trial",
        authors=("Pedro Alves", "Hannah Schmidt", "Kenji Watanabe", "Olga Petrova"),
        abstract=(
            "Background: Cell therapy is proposed for knee osteoarthritis, but randomized evidence is limited.",
            "Methods: Sixty patients were randomized to a single intra-articular injection of autologous bone marrow "
            "mesenchymal stem cells (n=30) or hyaluronic acid (n=30). The primary outcome was the WOMAC score at 12 months.",
            "Results: WOMAC scores fell from 48.2±9.6 to 30.5±8.1 in the cell group and from 47.5±10.2 to 41.3±9.4 in the "
            "control group at 12 months (P=0.003). Pain on the visual analogue scale changed by −2.9±1.7 versus −1.1±1.5 points.",
            "Conclusions: A single injection of autologous bone marrow mesenchymal stem cells improved function more than hyaluronic acid.",
        ),
        doi="10.5555/jrtm.2021.0107",
    ),
    Article(
        title="Adipose-derived stromal cells for complex perianal fistula in Crohn's disease: twelve-month follow-up",
        authors=("Sofia Marin", "Tomasz Nowak"),
        abstract=(
            "Background: Complex perianal fistulas in Crohn's disease respond poorly to medical therapy. "
            "Methods: In this single-arm study, 24 patients received local injection of allogeneic adipose-derived "
            "mesenchymal stromal cells (120×10^6 cells) into the fistula tract. Results: Combined remission was reached "
            "by 15 of 24 patients (62.5%) at week 24 and by 14 patients (58.3%) at 12 months. The Perianal Disease "
            "Activity Index fell from 7.8±2.1 at baseline to 3.2±2.4 at 12 months (P<0.001). Conclusions: Local "
            "injection of adipose-derived stromal cells was well tolerated and closed most fistulas.",
        ),
        doi="10.5555/jrtm.2022.0311",
        year=2022,
    ),
)
