"""Validated exchange-format records (pydantic v2): the project's contract."""

from extractor.records.build import build_document, build_record, document_id, exchange_dict
from extractor.records.models import StudyRecord

__all__ = ["StudyRecord", "build_document", "build_record", "document_id", "exchange_dict"]
