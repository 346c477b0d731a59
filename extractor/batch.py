"""Run orchestration: input files -> extracted records -> the store, with a ``RunSummary``.

The work is split for a later process pool (``run --workers N``):

- ``extract_file`` is a top-level, pure, picklable function that turns one
  input file into plain data (an ``InputFile``: records as dicts, failures);
- ``run_batch`` is the single writer: it skips unchanged inputs without
  parsing them (same path, sha256 and extractor version as stored), calls
  ``extract_file`` for the rest and saves the results in batched
  transactions, each file's rows committed together.

A bad input never stops the batch: read failures, invalid records and even
rule bugs become ``Failure`` rows (a rule bug is also logged with its
traceback, since it is ours to fix), and the summary counts them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from extractor import EXTRACTOR_VERSION
from extractor.errors import ExtractorError
from extractor.nlp import extract_text
from extractor.reader import ReadFailure, SourceDocument, iter_files, read_bytes
from extractor.records import build_record, exchange_dict
from extractor.store import ExtractedDocument, Failure, InputFile, SeenFile, Store

log = logging.getLogger(__name__)

#: Input files whose results are written per transaction.
DEFAULT_BATCH_SIZE = 32

def input_version(*, full_text: bool) -> str:
    """The version an input is remembered under: the extractor version, and the reading mode."""
    return f"{EXTRACTOR_VERSION}+full-text" if full_text else EXTRACTOR_VERSION


#: Called after each input file with (files done, files in total, the file's name).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class FileTask:
    """One input file to extract (plain data, so it can be sent to a worker process)."""

    path: str
    source_file: str
    full_text: bool = False
    extractor_version: str = EXTRACTOR_VERSION


@dataclass(slots=True)
class RunSummary:
    """What a run did: counts of files and documents, elapsed time, and its failures."""

    run_id: int
    files: int = 0
    documents_read: int = 0
    stored: int = 0
    skipped: int = 0
    skipped_files: int = 0
    elapsed: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> int:
        """Number of failures (whole files or single records)."""
        return len(self.failures)

    @property
    def documents_per_second(self) -> float:
        """Documents read per second of the run."""
        return self.documents_read / self.elapsed if self.elapsed > 0 else 0.0

    def counts(self) -> dict[str, float | int]:
        """The columns of the ``runs`` table."""
        return {"files": self.files, "documents_read": self.documents_read, "stored": self.stored,
                "skipped": self.skipped, "failed": self.failed, "elapsed": round(self.elapsed, 3)}


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_file(task: FileTask) -> InputFile:
    """Read and extract one input file into plain data; never raises for a bad input."""
    try:
        data = Path(task.path).read_bytes()
    except OSError as exc:
        reason = f"cannot open the file ({exc.strerror or exc})"
        return InputFile(task.path, task.source_file, None, failures=(Failure(task.source_file, reason),))
    documents: list[ExtractedDocument] = []
    failures: list[Failure] = []
    read = 0
    for item in read_bytes(data, source_file=task.source_file, suffix=Path(task.path).suffix.lower(),
                           full_text=task.full_text):
        if isinstance(item, ReadFailure):
            failures.append(Failure(item.source_file, item.reason, item.record))
            continue
        read += 1
        extracted = extract_document(item, extractor_version=task.extractor_version)
        (documents if isinstance(extracted, ExtractedDocument) else failures).append(extracted)
    sha = hashlib.sha256(data).hexdigest()
    return InputFile(task.path, task.source_file, sha, tuple(documents), tuple(failures), read=read)


def extract_document(doc: SourceDocument, *, extractor_version: str = EXTRACTOR_VERSION) -> ExtractedDocument | Failure:
    """Extract one read document into its exchange-format record, or a ``Failure`` saying why not."""
    try:
        record = build_record(doc, extract_text(doc.text), extractor_version=extractor_version)
    except ExtractorError as exc:
        return Failure(doc.source_file, str(exc))
    except ValidationError as exc:
        log.warning("%s: extracted record is invalid: %s", doc.source_file, exc)
        return Failure(doc.source_file, f"the extracted record is invalid ({_first_error(exc)}); a rule bug")
    except Exception as exc:  # a rule bug must not stop a batch of thousands; the traceback is logged
        log.exception("%s: extraction failed", doc.source_file)
        return Failure(doc.source_file, f"internal error ({type(exc).__name__}: {exc}); a bug, please report it")
    return ExtractedDocument(exchange_dict(record), text=doc.text, abstract_start=doc.abstract_start,
                             content_hash=doc.content_hash, format=doc.format)


def evidence_mismatches(record: dict, text: str) -> list[str]:
    """Evidence spans of ``record`` whose quote is not ``text[start:end]`` (empty when all hold)."""
    spans = [(f"field_evidence[{i}] ({e.get('field')})", e) for i, e in enumerate(record.get("field_evidence", []))]
    for outcome in record.get("outcomes", []):
        for i, value in enumerate(outcome.get("values", [])):
            if value.get("evidence"):
                spans.append((f"outcomes[{outcome.get('measure')}].values[{i}]", value["evidence"]))
    return [f"{where}: text[{e['start']}:{e['end']}] is {text[e['start']:e['end']]!r}, quote is {e['quote']!r}"
            for where, e in spans if text[e["start"]:e["end"]] != e["quote"]]


def run_batch(paths: Sequence[Path], *, store: Store, full_text: bool = False,
              batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None) -> RunSummary:
    """Extract every input file under ``paths`` into ``store``; return the run's summary.

    Files already stored with the same content and extractor version are
    skipped without parsing. An interrupted run (Ctrl-C) saves the files it
    finished and returns with ``interrupted`` set; a restarted run does the rest.
    """
    files = list(iter_files(paths))
    run_id = store.start_run([str(p) for p in paths], extractor_version=EXTRACTOR_VERSION)
    summary = RunSummary(run_id=run_id, files=len(files))
    started = time.perf_counter()
    try:
        _process(files, store=store, summary=summary, full_text=full_text, batch_size=batch_size, progress=progress)
    except KeyboardInterrupt:
        summary.interrupted = True  # the finished files are saved; the caller reports and exits
    finally:
        summary.elapsed = time.perf_counter() - started
        store.finish_run(run_id, status="interrupted" if summary.interrupted else "done", counts=summary.counts())
    return summary


def _process(files: list[tuple[Path, str]], *, store: Store, summary: RunSummary, full_text: bool,
             batch_size: int, progress: Progress | None) -> None:
    """Skip, extract and save each file, flushing every ``batch_size`` files and at the end."""
    seen = store.seen_files()
    version = input_version(full_text=full_text)
    pending: list[InputFile] = []
    try:
        for done, (file, source_file) in enumerate(files, start=1):
            result = _extract_unless_seen(file, source_file, seen=seen, version=version, summary=summary,
                                          full_text=full_text)
            if result is not None:
                pending.append(result)
            if len(pending) >= batch_size:
                _flush(pending, store=store, summary=summary, version=version)
            if progress:
                progress(done, len(files), source_file)
    finally:
        _flush(pending, store=store, summary=summary, version=version)


def _extract_unless_seen(file: Path, source_file: str, *, seen: dict[str, SeenFile], version: str,
                         summary: RunSummary, full_text: bool) -> InputFile | None:
    """``None`` for an unchanged file (counted as skipped), else its extraction."""
    key = str(file.resolve())
    before = seen.get(key)
    if before is not None and before.extractor_version == version:
        try:
            unchanged = file_sha256(file) == before.sha256
        except OSError:
            unchanged = False  # extract_file reports why it cannot be read
        if unchanged:
            summary.skipped += before.documents
            summary.skipped_files += 1
            return None
    result = extract_file(FileTask(key, source_file, full_text=full_text))
    summary.documents_read += result.read
    summary.failures.extend(result.failures)
    return result


def _flush(pending: list[InputFile], *, store: Store, summary: RunSummary, version: str) -> None:
    """Save and clear the pending results in one transaction."""
    if pending:
        summary.stored += store.save_files(pending, run_id=summary.run_id, extractor_version=version)
        pending.clear()


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"
