"""Assemble validated exchange-format records from a read document and its extraction."""

from __future__ import annotations

from typing import Any

from extractor.nlp.findings import Extraction, Span
from extractor.reader.base import Bibliography, SourceDocument
from extractor.records.models import (
    Design,
    Document,
    Evidence,
    FieldEvidence,
    Intervention,
    Outcome,
    Population,
    Provenance,
    StudyRecord,
)


def document_id(bibliography: Bibliography, content_hash: str) -> str:
    """``doi:...`` when the record has a DOI, else ``pmid:...``, else ``sha256:...`` of its bytes."""
    if bibliography.doi:
        return f"doi:{bibliography.doi.lower()}"
    if bibliography.pmid:
        return f"pmid:{bibliography.pmid}"
    return f"sha256:{content_hash}"


def build_document(doc: SourceDocument) -> Document:
    """The ``document`` block of a record."""
    b = doc.bibliography
    return Document(
        id=document_id(b, doc.content_hash),
        source_file=doc.source_file,
        title=b.title,
        vernacular_title=b.vernacular_title,
        authors=list(b.authors),
        journal=b.journal,
        year=b.year if b.year and 1800 <= b.year <= 2100 else None,
        volume=b.volume,
        issue=b.issue,
        pages=b.pages,
        doi=b.doi.lower() if b.doi else None,
        pmid=b.pmid,
        language=b.language,
        country=b.country,
        publication_types=list(b.publication_types),
        keywords=list(b.keywords),
    )


def build_record(doc: SourceDocument, extraction: Extraction, *, extractor_version: str) -> StudyRecord:
    """Validate an extraction into a ``StudyRecord`` (raises pydantic ``ValidationError`` on a rule bug)."""
    evidence = [*extraction.design.evidence, *extraction.population.evidence, *extraction.intervention.evidence]
    return StudyRecord(
        document=build_document(doc),
        design=Design.model_validate(dict(extraction.design.values)),
        population=Population.model_validate(dict(extraction.population.values)),
        intervention=Intervention.model_validate(dict(extraction.intervention.values)),
        outcomes=[Outcome.model_validate(_with_evidence(o)) for o in extraction.outcomes],
        field_evidence=[FieldEvidence(**_span_dict(s), field=s.field) for s in evidence],
        provenance=Provenance(source="extracted", extractor_version=extractor_version),
    )


def _span_dict(span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "quote": span.quote, "rule": span.rule}


def _with_evidence(outcome: dict[str, Any]) -> dict[str, Any]:
    """Turn ``Span`` evidence of each value into the ``Evidence`` model's dict."""
    values = []
    for value in outcome.get("values", []):
        span = value.get("evidence")
        values.append({**value, "evidence": Evidence(**_span_dict(span)) if isinstance(span, Span) else span})
    return {**outcome, "values": values}


def exchange_dict(record: StudyRecord, *, with_extensions: bool = True) -> dict[str, Any]:
    """The record as exchange-format JSON data; ``with_extensions=False`` drops project-only fields."""
    data = record.model_dump(mode="json")
    if not with_extensions:
        data.pop("field_evidence", None)
        data.pop("provenance", None)
        for outcome in data["outcomes"]:
            for value in outcome["values"]:
                value.pop("evidence", None)
    return data
