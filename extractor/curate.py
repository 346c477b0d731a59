"""Import curated entries into the store beside the extracted records (``source = "curated"``).

Every entry is validated first (``extractor.validate``); valid entries are
stored in one transaction with ``provenance.source = "curated"`` and, when
given, who curated them and when. Invalid entries are skipped and returned
with their problems, so one bad entry never blocks the rest. A later ``run``
writes only ``extracted`` rows, so curated rows are never overwritten, and
``export --source best`` prefers them.

An entry is paired with the extracted record of the same ``document.id``;
the result lists entries without one (and, when an extracted document has
the same source file name under another id, that id). Curators often key a
hand-made entry by file (``file:002``) where the extractor keyed the document
by the hash of its bytes; ``align_by_file=True`` (the command's default)
stores such an entry under the one extracted document of the same file name,
so curated and extracted records of a document share its id (and ``best``
picks one of them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from extractor.errors import ValidationFailed
from extractor.records.build import exchange_dict
from extractor.records.models import StudyRecord
from extractor.store import Store
from extractor.validate import Entry, Problem, validate_paths

#: Extracted documents with the same source file name as an unmatched curated entry (``:name``).
SAME_FILE_SQL = """
SELECT DISTINCT d.id FROM documents d JOIN records r ON r.document_id = d.id
WHERE r.source = 'extracted' AND (d.source_file = :name OR substr(d.source_file, -length(:name) - 1) = '/' || :name)
"""


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A curated entry whose document id has no extracted record; ``same_file``: extracted ids of its file name."""

    document_id: str
    source_file: str
    same_file: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What ``import_curated`` stored, replaced, could not pair, and rejected."""

    files: tuple[str, ...]
    imported: tuple[str, ...]
    replaced: int
    unmatched: tuple[Unmatched, ...]
    aligned: tuple[tuple[str, str], ...]
    rejected: tuple[Entry, ...]
    file_problems: tuple[Problem, ...]

    @property
    def problems(self) -> list[Problem]:
        """Problems of rejected entries and unreadable files, in file and line order."""
        found = [*self.file_problems, *(p for entry in self.rejected for p in entry.problems)]
        return sorted(found, key=lambda p: (p.file, p.line))

    @property
    def ok(self) -> bool:
        """True when every file was read and every entry imported."""
        return not self.rejected and not self.file_problems


def import_curated(store: Store, paths: Iterable[Path], *, curated_by: str | None = None,
                   curated_at: str | None = None, align_by_file: bool = False) -> ImportResult:
    """Validate the entries under ``paths`` and store the valid ones as curated records.

    ``curated_by`` / ``curated_at`` (ISO 8601) override what an entry's
    ``provenance`` says; ``align_by_file`` re-keys unpaired entries (see the
    module docstring). Raises ``ReadError`` for a path that does not exist
    and ``ValidationFailed`` for a malformed ``curated_at``.
    """
    when = check_timestamp(curated_at)
    report = validate_paths(paths)
    records = [entry.record for entry in report.entries if entry.valid and entry.record is not None]
    records, unmatched, aligned = _pair(store, records, align_by_file=align_by_file)
    ids = [record.document.id for record in records]
    before = store.sources_of(ids)
    store.save_records(curated_record(record, curated_by=curated_by, curated_at=when) for record in records)
    return ImportResult(
        files=report.files,
        imported=tuple(ids),
        replaced=sum("curated" in before.get(doc_id, ()) for doc_id in ids),
        unmatched=tuple(unmatched),
        aligned=tuple(aligned),
        rejected=tuple(entry for entry in report.entries if not entry.valid),
        file_problems=report.file_problems,
    )


def curated_record(record: StudyRecord, *, curated_by: str | None = None,
                   curated_at: str | None = None) -> dict[str, Any]:
    """The record as stored: exchange-format data with ``provenance.source = "curated"`` and who/when."""
    data = exchange_dict(record)
    provenance = data.get("provenance") or {}
    data["provenance"] = {
        "source": "curated",
        "extractor_version": provenance.get("extractor_version"),
        "curated_by": curated_by or provenance.get("curated_by"),
        "curated_at": curated_at or provenance.get("curated_at"),
    }
    return data


def check_timestamp(text: str | None) -> str | None:
    """``text`` when it is an ISO 8601 date or date-time (``2024-05-01``, ``2024-05-01T10:00``), else an error."""
    if text is None:
        return None
    try:
        datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(f"--curated-at {text!r} is not an ISO 8601 date or time, e.g. 2024-05-01") from exc
    return text


def _pair(store: Store, records: list[StudyRecord], *, align_by_file: bool
          ) -> tuple[list[StudyRecord], list[Unmatched], list[tuple[str, str]]]:
    """The records to store (re-keyed when aligned), those left without an extracted record, and the re-keyings."""
    sources = store.sources_of(record.document.id for record in records)
    taken = {record.document.id for record in records}
    kept, unmatched, aligned = [], [], []
    for record in records:
        if "extracted" in sources.get(record.document.id, ()):
            kept.append(record)
            continue
        name = Path(record.document.source_file).name
        same_file = tuple(row[0] for row in store.query(SAME_FILE_SQL, {"name": name})[1])
        if align_by_file and len(same_file) == 1 and same_file[0] not in taken:
            aligned.append((record.document.id, same_file[0]))
            taken.add(same_file[0])
            record = record.model_copy(update={"document": record.document.model_copy(update={"id": same_file[0]})})
        else:
            unmatched.append(Unmatched(record.document.id, record.document.source_file, same_file))
        kept.append(record)
    return kept, unmatched, aligned
