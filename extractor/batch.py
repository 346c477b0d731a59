"""Run orchestration: input files -> extracted records -> the store, with a ``RunSummary``.

The work is split so that extraction runs in worker processes
(``run --workers N``, see ``extractor.parallel``) and one writer stores:

- ``extract_file`` and ``extract_part`` are top-level, pure, picklable
  functions that turn one input file (or part of a large one) into plain data
  (an ``InputFile``: records as dicts, failures); ``extract_chunk``, one
  worker round trip, also turns the records into the rows the store writes
  (``store.prepare_file``), so the single writer only executes SQL;
- the producer walks the inputs lazily, skips unchanged ones without parsing
  them (same path, sha256 and extractor version as stored) and groups the rest
  into chunks of small files, so that one round trip to a worker carries
  several abstracts;
- large inputs (a PubMed baseline file, a big RIS export) are read here, in
  the writer's process, and sent to the workers in parts of
  ``PART_DOCUMENTS`` documents, so that no result holds a whole file;
- ``run_files`` is the single writer: it saves results in batched
  transactions, each file's rows committed together (a large file's parts
  each in one transaction, its file row with the last).

Only ``CHUNKS_PER_WORKER`` chunks per worker are in flight, so memory does not
grow with the corpus. A bad input never stops the batch: read failures,
invalid records and even rule bugs become ``Failure`` rows (a rule bug is also
logged with its traceback, since it is ours to fix), and the summary counts them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from extractor import EXTRACTOR_VERSION
from extractor.errors import ExtractorError
from extractor.parallel import default_workers, map_ordered
from extractor.reader import ReadFailure, SourceDocument, detect_format, iter_files, read_bytes, read_file
from extractor.store import ExtractedDocument, Failure, InputFile, SeenFile, Store, prepare_file

if TYPE_CHECKING:
    from pydantic import ValidationError

log = logging.getLogger(__name__)

#: Input files whose results are written per transaction: fewer, larger commits cost the single
#: writer less CPU (outcome, value and evidence ids are hashes, so a batch's index entries land on
#: pages all over the B-trees; 32 -> 128 saves about a tenth at 20,000 abstracts), and a killed run
#: redoes at most this many files.
DEFAULT_BATCH_SIZE = 128
#: Small files sent to a worker together (one round trip amortised over several abstracts) ...
CHUNK_FILES = 16
#: ... up to this many bytes (a PDF or a large export goes alone).
CHUNK_BYTES = 1 << 20
#: Inputs above this size (not PDFs) are read by the writer and extracted in parts.
LARGE_INPUT_BYTES = 4 << 20
#: Documents of a large input per part (one worker round trip, one transaction).
PART_DOCUMENTS = 64
#: Bytes read to tell a PDF from other large inputs.
SNIFF_BYTES = 4096
#: With ``workers=None``, inputs smaller than this in all run in this process: starting workers
#: (about 2 s: spaCy imported, the pipeline built) costs more than extracting ~100 abstracts.
POOL_MIN_BYTES = 256 << 10


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
    size: int = 0


@dataclass(frozen=True, slots=True)
class PartTask:
    """Documents (and read failures) the writer read from a large input, to extract as one part of it.

    The ``last`` part carries the file's ``sha256``; it may hold no documents.
    """

    path: str
    source_file: str
    items: tuple[SourceDocument | ReadFailure, ...]
    sha256: str | None = None
    last: bool = False
    extractor_version: str = EXTRACTOR_VERSION


Task = FileTask | PartTask


@dataclass(frozen=True, slots=True)
class Extracted:
    """A task's result: a whole input file, or a ``partial`` one when more parts of it follow."""

    file: InputFile
    partial: bool = False


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


def is_unchanged(file: Path, before: SeenFile | None, *, version: str) -> bool:
    """True when ``file`` was stored (``before``) with the same bytes under the same ``version``.

    Only a stored file is hashed; a file that cannot be read counts as changed
    (its extraction then reports why).
    """
    if before is None or before.extractor_version != version:
        return False
    try:
        return file_sha256(file) == before.sha256
    except OSError:
        return False


# ---------------------------------------------------------------- workers' side (pure, picklable)


def warm_up() -> None:
    """Build the NLP pipeline now (once per worker process), not inside the first task."""
    from extractor.nlp import build_nlp  # spaCy loads only where extraction runs

    build_nlp()


def extract_chunk(chunk: Sequence[Task]) -> list[Extracted]:
    """Extract every task of a chunk (what one worker round trip does), with the rows the store writes."""
    return [Extracted(prepare_file(extract_part(task)), partial=not task.last) if isinstance(task, PartTask)
            else Extracted(prepare_file(extract_file(task))) for task in chunk]


def crashed_chunk(chunk: Sequence[Task]) -> list[Extracted]:
    """What to store for a chunk whose worker died even when it ran alone (``map_ordered``'s ``on_crash``).

    Its tasks run again one per chunk in a new pool, so that only the input that
    kills a process is lost; that one is recorded as a failure (hashed, so an
    unchanged file is not retried by the next run) and the batch goes on.
    """
    if len(chunk) > 1:
        return [extracted for results in map_ordered(extract_chunk, ([task] for task in chunk), workers=2,
                                                     initializer=warm_up, on_crash=crashed_chunk)
                for extracted in results]
    task = chunk[0]
    reason = ("the extraction process died on this input (a crash in a native library or out of memory); "
              "the rest of the batch went on")
    if isinstance(task, PartTask):
        return [Extracted(InputFile(task.path, task.source_file, task.sha256 if task.last else None,
                                    failures=(Failure(task.source_file, reason),)), partial=not task.last)]
    try:
        sha = file_sha256(Path(task.path))
    except OSError:
        sha = None
    return [Extracted(InputFile(task.path, task.source_file, sha, failures=(Failure(task.source_file, reason),)))]


def extract_file(task: FileTask) -> InputFile:
    """Read and extract one input file into plain data; never raises for a bad input.

    Files up to ``LARGE_INPUT_BYTES`` are read once into memory (hashed from
    the same bytes); larger ones are read from disk, streaming where the
    format allows (PubMed XML).
    """
    path = Path(task.path)
    try:
        large = path.stat().st_size > LARGE_INPUT_BYTES
        data = None if large else path.read_bytes()
        sha = file_sha256(path) if large else hashlib.sha256(data).hexdigest()
    except OSError as exc:
        reason = f"cannot open the file ({exc.strerror or exc})"
        return InputFile(task.path, task.source_file, None, failures=(Failure(task.source_file, reason),))
    items = (read_file(path, source_file=task.source_file, full_text=task.full_text) if data is None else
             read_bytes(data, source_file=task.source_file, suffix=path.suffix.lower(), full_text=task.full_text))
    documents, failures, read = _extract_items(items, extractor_version=task.extractor_version)
    return InputFile(task.path, task.source_file, sha, documents, failures, read=read)


def extract_part(task: PartTask) -> InputFile:
    """Extract the documents of one part of a large input; the last part carries the file's hash."""
    documents, failures, read = _extract_items(task.items, extractor_version=task.extractor_version)
    return InputFile(task.path, task.source_file, task.sha256 if task.last else None, documents, failures, read=read)


def _extract_items(items: Iterable[SourceDocument | ReadFailure], *, extractor_version: str,
                   ) -> tuple[tuple[ExtractedDocument, ...], tuple[Failure, ...], int]:
    """Extract read documents; return (documents, failures, documents read)."""
    documents: list[ExtractedDocument] = []
    failures: list[Failure] = []
    read = 0
    for item in items:
        if isinstance(item, ReadFailure):
            failures.append(Failure(item.source_file, item.reason, item.record))
            continue
        read += 1
        extracted = extract_document(item, extractor_version=extractor_version)
        (documents if isinstance(extracted, ExtractedDocument) else failures).append(extracted)
    return tuple(documents), tuple(failures), read


def extract_document(doc: SourceDocument, *, extractor_version: str = EXTRACTOR_VERSION) -> ExtractedDocument | Failure:
    """Extract one read document into its exchange-format record, or a ``Failure`` saying why not."""
    # Imported where extraction runs: the writer of a pool never extracts, so it loads neither
    # spaCy nor the record models (65 MB less), and a run of unchanged inputs loads neither either.
    from pydantic import ValidationError

    from extractor.nlp import extract_text
    from extractor.records import build_record, exchange_dict

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


# ---------------------------------------------------------------- the writer's side


def run_batch(paths: Sequence[Path], *, store: Store, full_text: bool = False,
              batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None,
              workers: int | None = 1) -> RunSummary:
    """Extract every input file under ``paths`` into ``store``; return the run's summary.

    ``workers`` > 1 extracts in that many processes (this one only reads large
    inputs and writes); ``None`` picks the number of cores, or 1 for inputs
    too small to pay for starting workers (``auto_workers``). Files already
    stored with the same content and extractor version are skipped without
    parsing. An interrupted run (Ctrl-C) saves the files it finished and
    returns with ``interrupted`` set; a restarted run does the rest.
    """
    total = sum(1 for _ in iter_files(paths))
    workers = auto_workers(iter_files(paths)) if workers is None else workers
    return run_files(iter_files(paths), total=total, store=store, paths=[str(p) for p in paths],
                     full_text=full_text, batch_size=batch_size, progress=progress, workers=workers)


def run_files(files: Iterable[tuple[Path, str]], *, store: Store, paths: Sequence[str] = (), total: int | None = None,
              full_text: bool = False, batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None,
              workers: int | None = 1) -> RunSummary:
    """``run_batch`` over ``(file, source_file)`` pairs (``paths`` labels the run).

    With ``total`` (their number) the pairs are consumed lazily, once;
    without it they are listed first.
    """
    if total is None:
        files = list(files)
        total = len(files)
        workers = auto_workers(files) if workers is None else workers
    run_id = store.start_run(paths, extractor_version=EXTRACTOR_VERSION)
    summary = RunSummary(run_id=run_id, files=total)
    writer = _Writer(store, summary, version=input_version(full_text=full_text), batch_size=batch_size,
                     progress=progress)
    started = time.perf_counter()
    status = "failed"
    try:
        chunks = _chunks(_tasks(files, writer=writer, full_text=full_text))
        for results in map_ordered(extract_chunk, chunks, workers=workers or default_workers(),
                                   initializer=warm_up, on_crash=crashed_chunk):
            writer.write_all(results)
        status = "done"
    except KeyboardInterrupt:
        summary.interrupted, status = True, "interrupted"  # the finished files are saved; the caller reports
    finally:
        try:
            writer.flush()
        finally:
            summary.elapsed = time.perf_counter() - started
            store.finish_run(run_id, status=status, counts=summary.counts())
    return summary


def auto_workers(files: Iterable[tuple[Path, str]]) -> int:
    """The number of cores, or 1 when ``files`` hold less than ``POOL_MIN_BYTES`` in all."""
    total = 0
    for file, _ in files:
        try:
            total += file.stat().st_size
        except OSError:
            continue  # its extraction reports why it cannot be read
        if total >= POOL_MIN_BYTES:
            return default_workers()
    return 1


class _Writer:
    """The single writer: counts results, saves them in batches, reports progress."""

    def __init__(self, store: Store, summary: RunSummary, *, version: str, batch_size: int,
                 progress: Progress | None) -> None:
        self.store, self.summary, self.version = store, summary, version
        self.batch_size, self.progress = batch_size, progress
        self.pending: list[InputFile] = []
        self.parts: dict[str, tuple[set[str], list[Failure]]] = {}  # large inputs in progress
        self.done = 0

    def unchanged(self, key: str, file: Path, source_file: str) -> bool:
        """True (and counted as skipped) when ``file`` is stored with the same bytes and version."""
        before = self.store.seen_file(key)
        if not is_unchanged(file, before, version=self.version):
            return False
        self.summary.skipped += before.documents
        self.summary.skipped_files += 1
        self._advance(source_file)
        return True

    def write_all(self, results: Iterable[Extracted]) -> None:
        """Count and save (or queue) each result."""
        for result in results:
            self.summary.documents_read += result.file.read
            self.summary.failures.extend(result.file.failures)
            if result.partial or result.file.path in self.parts:
                self._write_part(result)
            else:
                self.pending.append(result.file)
                if len(self.pending) >= self.batch_size:
                    self.flush()
                self._advance(result.file.source_file)

    def flush(self) -> None:
        """Save and clear the pending results in one transaction."""
        if self.pending:
            self.summary.stored += self.store.save_files(self.pending, run_id=self.summary.run_id,
                                                         extractor_version=self.version)
            self.pending.clear()

    def _write_part(self, result: Extracted) -> None:
        """Save one part of a large input now; its last part also writes the file's row."""
        item = result.file
        kept, failures = self.parts.setdefault(item.path, (set(), []))
        if result.partial:
            failures.extend(item.failures)
            kept.update(self.store.save_part(item, run_id=self.summary.run_id, extractor_version=self.version))
            self.summary.stored += len(item.documents)
            return
        del self.parts[item.path]
        whole = replace(item, failures=(*failures, *item.failures))
        self.store.save_part(whole, run_id=self.summary.run_id, extractor_version=self.version, earlier=kept,
                             last=True)
        self.summary.stored += len(item.documents)
        self._advance(item.source_file)

    def _advance(self, name: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.summary.files, name)


def _tasks(files: Iterable[tuple[Path, str]], *, writer: _Writer, full_text: bool) -> Iterator[Task]:
    """Tasks for the files that changed, lazily: a ``FileTask`` each, or ``PartTask``s for a large input."""
    version = input_version(full_text=full_text)
    for file, source_file in files:
        key = str(file.resolve())
        if writer.unchanged(key, file, source_file):
            continue
        try:
            size = file.stat().st_size
            large = size > LARGE_INPUT_BYTES and not _is_pdf(file)
        except OSError:
            size, large = 0, False  # extract_file reports why it cannot be read
        if large:
            yield from _part_tasks(file, key, source_file, full_text=full_text, version=version)
        else:
            yield FileTask(key, source_file, full_text=full_text, extractor_version=version, size=size)


def _part_tasks(file: Path, key: str, source_file: str, *, full_text: bool, version: str) -> Iterator[Task]:
    """Read a large input here, ``PART_DOCUMENTS`` documents per part (streamed for PubMed XML)."""
    try:
        sha = file_sha256(file)
    except OSError:
        yield FileTask(key, source_file, full_text=full_text, extractor_version=version)  # it reports the error
        return
    items: list[SourceDocument | ReadFailure] = []
    for item in read_file(file, source_file=source_file, full_text=full_text):
        items.append(item)
        if len(items) >= PART_DOCUMENTS:
            yield PartTask(key, source_file, tuple(items), extractor_version=version)
            items = []
    yield PartTask(key, source_file, tuple(items), sha256=sha, last=True, extractor_version=version)


def _chunks(tasks: Iterable[Task]) -> Iterator[list[Task]]:
    """Group small-file tasks up to ``CHUNK_FILES`` files or ``CHUNK_BYTES``; a part goes alone."""
    chunk: list[Task] = []
    size = 0
    for task in tasks:
        if isinstance(task, PartTask):
            if chunk:
                yield chunk
            chunk, size = [], 0
            yield [task]
            continue
        chunk.append(task)
        size += task.size
        if len(chunk) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _is_pdf(file: Path) -> bool:
    """True when the file's first bytes say PDF (its documents are read by a worker)."""
    with file.open("rb") as fh:
        return detect_format(fh.read(SNIFF_BYTES)) == "pdf"


def _first_error(exc: ValidationError) -> str:
    """The first problem pydantic found, as ``field.path: message``."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"
