#!/usr/bin/env python3
"""CPU of the writer side of ``extractor run``: what the parent process spends per abstract it stores.

usage: python benchmarks/bench_writer.py [--abstracts N] [--source FOLDER] [--repeat R] [--batch-size B]

Builds a corpus of N one-abstract files (default 2,000) as
``bench_throughput.py`` does (copy k has every integer raised by k), extracts
it once through the worker pool, and keeps each chunk's result pickled as the
pool delivers it (with the rows the store writes, which the workers build:
that part is timed here and printed apart). Then, R times (default 3), it
replays what the parent of ``run --workers N`` does with those results, timed
with ``time.process_time`` (this process's CPU, user + system, so other work
on a shared machine moves it little):

- ``first write``: unpickle each chunk's result and hand it to the run's
  writer (``batch._Writer``: batches of B files, by default ``run``'s, one
  transaction each) into a fresh database file (WAL, as ``run`` opens it);
- ``re-write``: the same results again into the same database, every
  document already stored (the re-run of a changed extractor version).

Printed: ms of CPU per abstract for each (min and median of the R repeats),
the share of that spent unpickling, and the row counts after each pass
(which must be equal: a re-write replaces, never adds).
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from bench_throughput import CHUNK, DEFAULT_SOURCE, build_corpus

from extractor.batch import (DEFAULT_BATCH_SIZE, Extracted, FileTask, RunSummary, _Writer, extract_file, input_version,
                             warm_up)
from extractor.parallel import map_ordered
from extractor.reader import iter_files
from extractor.store import InputFile, open_store, prepare_file


def extract_files(chunk: Sequence[FileTask]) -> list[InputFile]:
    """``batch.extract_chunk`` without its last step (building the rows), which is timed apart."""
    return [extract_file(task) for task in chunk]


def extract_payloads(corpus: Path, *, workers: int = 2) -> tuple[list[bytes], float]:
    """Each chunk's result pickled as the pool sends it to the parent; CPU ms per document building rows."""
    files = [FileTask(str(path), name, size=path.stat().st_size) for path, name in iter_files([corpus])]
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    payloads, rows_cpu, documents = [], 0.0, 0
    for result in map_ordered(extract_files, chunks, workers=workers, initializer=warm_up):
        started = time.process_time()
        prepared = [Extracted(prepare_file(item)) for item in result]
        rows_cpu += time.process_time() - started
        documents += sum(len(item.documents) for item in result)
        payloads.append(bytes(ForkingPickler.dumps(prepared)))
    return payloads, rows_cpu / max(documents, 1) * 1000


def write_pass(payloads: list[bytes], db_path: Path, *, batch_size: int) -> tuple[float, float, int, dict]:
    """CPU seconds to unpickle and store every payload (and of that, unpickling); documents; row counts."""
    store = open_store(db_path)
    run_id = store.start_run(["bench"], extractor_version="bench")
    summary = RunSummary(run_id=run_id)
    writer = _Writer(store, summary, version=input_version(full_text=False), batch_size=batch_size, progress=None)
    unpickling = 0.0
    started = time.process_time()
    for payload in payloads:
        before = time.process_time()
        results = pickle.loads(payload)
        unpickling += time.process_time() - before
        writer.write_all(results)
    writer.flush()
    counts = store.counts()
    store.close()  # timed too: closing checkpoints what the last transactions left in the WAL
    return time.process_time() - started, unpickling, summary.stored, counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--abstracts", type=int, default=2000)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-writer-") as tmp:
        corpus = Path(tmp) / "corpus"
        build_corpus(args.source, args.abstracts, corpus)
        started = time.perf_counter()
        payloads, rows_ms = extract_payloads(corpus)
        print(f"extracted {args.abstracts} files in {time.perf_counter() - started:.1f} s; "
              f"{sum(map(len, payloads)) / len(payloads) / 1024:.0f} KB pickled per chunk of {CHUNK}; "
              f"rows built (the workers' part) in {rows_ms:.3f} ms CPU per abstract")
        passes: dict[str, list[tuple[float, float]]] = {"first write": [], "re-write": []}
        for repeat in range(args.repeat):
            db_path = Path(tmp) / f"run{repeat}.db"
            for name in passes:
                cpu, unpickling, stored, counts = write_pass(payloads, db_path, batch_size=args.batch_size)
                passes[name].append((cpu / stored * 1000, unpickling / stored * 1000))
                print(f"  {name:12} repeat {repeat}: {cpu / stored * 1000:.3f} ms CPU per abstract "
                      f"({unpickling / stored * 1000:.3f} unpickling), {stored} stored, rows {counts}")
        for name, figures in passes.items():
            total = [ms for ms, _ in figures]
            print(f"{name:12} ms CPU per abstract: min {min(total):.3f}, median {statistics.median(total):.3f} "
                  f"(unpickling median {statistics.median(u for _, u in figures):.3f})")


if __name__ == "__main__":
    sys.exit(main())
