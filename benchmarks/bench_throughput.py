#!/usr/bin/env python3
"""Throughput of ``extractor run``: abstracts/s read only, extract only and end to end, per worker count.

usage: python benchmarks/bench_throughput.py [--abstracts N] [--source FOLDER] [--workers 1,2]
                                             [--dask] [--pdf-repeat N] [--keep DIR]

Builds a corpus of N one-abstract files (default 2,000) from FOLDER (default
../shared/eval/pico_dev/inputs, or any folder given): copy k of a text file
has every integer raised by k, so no two files are alike and no cache of
tokens, strings or stored rows helps. For each worker count it prints, each
measured in a fresh process so that peaks do not carry over:

- abstracts/s reading only (files -> documents, through the worker pool),
  extracting only (documents read here -> records, through the pool, not
  stored) and end to end into a fresh SQLite file (``run_batch``), wall
  clock from the first result on (the steady state), and end to end with
  the workers' start-up (spaCy imported, pipeline built) included;
- peak memory of the end-to-end run: the writer's peak RSS, the largest
  worker's peak RSS, and the peak PSS of the whole process tree (shared pages
  counted once), sampled from /proc every 0.1 s;
- CPU seconds per 1,000 abstracts of the whole process tree in each phase,
  and the cores kept busy end to end: on a machine shared with other work,
  wall-clock rates fall with the load, CPU per abstract much less, so the
  pool's own cost (pickling, the writer) shows as the CPU it adds;
- the re-run on the unchanged corpus (every file skipped by hash), and how
  many times faster than the first run it is.

In the same run: the bare ``spacy.blank("en")`` tokenizer's abstracts/s (one
process, before and after the runs; their mean is the reference the end-to-end
rate is divided by), the pipeline components one by one, PDF abstract mode on
../shared/eval/samples/pdfs (PDFs/s, one process and through the pool), and
with ``--dask`` the Dask engine on a LocalCluster of the largest worker count
against the local pool. The machine's load average is printed because other
processes on a shared machine slow every figure. ``--keep DIR`` keeps the
corpus and databases in DIR.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from extractor.batch import FileTask, PartTask, extract_chunk, run_batch, warm_up
from extractor.parallel import map_ordered
from extractor.reader import SourceDocument, iter_files, read_bytes, read_file
from extractor.store import open_store

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEFAULT_SOURCE = EVAL / "pico_dev" / "inputs"
PDFS = EVAL / "samples" / "pdfs"
#: An integer not part of a decimal fraction: "2972", "30" and "70" in "30-70", not "05" in "0.05".
INTEGER = re.compile(r"(?<![\d.])[1-9]\d*(?![\d])")
#: Files per corpus sub-folder (keeps folders listable).
FOLDER_FILES = 1000
#: Chunk of tasks per worker round trip in the read-only and extract-only phases (as ``run`` does).
CHUNK = 16
MB = 2**20


# ---------------------------------------------------------------- the corpus


def vary(text: str, copy: int) -> str:
    """``text`` with every integer raised by ``copy`` (copy 0 is the original)."""
    return INTEGER.sub(lambda m: str(int(m.group()) + copy), text) if copy else text


def build_corpus(source: Path, count: int, folder: Path) -> int:
    """Write ``count`` files made from the files of ``source`` into ``folder``; return how many were varied."""
    originals = [p for p, _ in iter_files([source])]
    if not originals:
        raise SystemExit(f"no input files under {source}")
    varied = 0
    for i in range(count):
        original = originals[i % len(originals)]
        data = original.read_bytes()
        try:
            data = vary(data.decode("utf-8"), i // len(originals)).encode("utf-8")
            varied += 1
        except UnicodeDecodeError:
            pass  # PDFs and other binary inputs are copied as they are
        target = folder / f"{i // FOLDER_FILES:03d}" / f"{i:06d}_{original.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return varied


# ---------------------------------------------------------------- memory


class TreeSampler(threading.Thread):
    """Samples this process and its descendants from /proc every ``interval`` seconds.

    Keeps the peak PSS of the whole tree, each process's peak RSS and CPU
    seconds (user + system; a process's last 0.1 s before it exits can be missed).
    """

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval, self.root = interval, os.getpid()
        self.peak_pss = 0
        self.peak_rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.cpu_before = _cpu_seconds(self.root)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def sample(self) -> None:
        total = 0
        for pid in self.tree():
            fields = _proc_fields(pid)
            total += fields.get("Pss", 0)
            self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), fields.get("VmHWM", 0))
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))
        self.peak_pss = max(self.peak_pss, total)

    def tree(self) -> list[int]:
        """This process and every descendant (workers of a fork server included)."""
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def stop(self) -> dict[str, float]:
        """Stop sampling; return peaks in MB (writer, largest other process, tree PSS) and CPU seconds."""
        self.sample()
        self.stopped.set()
        others = [rss for pid, rss in self.peak_rss.items() if pid != self.root]
        cpu = sum(seconds for pid, seconds in self.cpu.items() if pid != self.root)
        cpu += self.cpu.get(self.root, 0.0) - self.cpu_before
        return {"writer_mb": self.peak_rss.get(self.root, 0) / 1024, "worker_mb": max(others, default=0) / 1024,
                "tree_pss_mb": self.peak_pss / 1024, "cpu_seconds": cpu}


def sampled(work: Callable[[], dict]) -> dict:
    """``work()``'s figures with the process tree's peaks and CPU seconds while it ran."""
    sampler = TreeSampler()
    sampler.start()
    result = work()
    return {**result, **sampler.stop()}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_fields(pid: int) -> dict[str, int]:
    """``VmHWM`` (peak RSS) and ``Pss`` of a process in kB (empty once it is gone)."""
    fields = {}
    for name, key in (("status", "VmHWM"), ("smaps_rollup", "Pss")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key + ":"):
                    fields[key] = int(line.split()[1])
                    break
        except (OSError, ValueError):
            pass
    return fields


# ---------------------------------------------------------------- phases (each in a fresh process)


def read_chunk(tasks: Sequence[FileTask]) -> int:
    """Read only: the documents in a chunk of files (what a worker's reading costs)."""
    return sum(isinstance(item, SourceDocument) for task in tasks
               for item in read_bytes(Path(task.path).read_bytes(), source_file=task.source_file,
                                      suffix=Path(task.path).suffix))


def file_chunks(corpus: Path) -> Iterator[list[FileTask]]:
    files = [FileTask(str(path), name) for path, name in iter_files([corpus])]
    for start in range(0, len(files), CHUNK):
        yield files[start:start + CHUNK]


def document_chunks(corpus: Path) -> Iterator[list[PartTask]]:
    """Documents read here, ``CHUNK`` per task, for the workers to extract."""
    items = []
    for path, name in iter_files([corpus]):
        items.extend(item for item in read_file(path, source_file=name) if isinstance(item, SourceDocument))
        if len(items) >= CHUNK:
            yield [PartTask(str(path), name, tuple(items), last=True)]
            items = []
    if items:
        yield [PartTask("", "", tuple(items), last=True)]


class Clock:
    """Wall time of a phase, and of its steady state: from the first result on (worker start-up excluded)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.first: float | None = None
        self.before_first = 0
        self.done = 0

    def add(self, count: int) -> None:
        """``count`` more documents are done."""
        if self.first is None:
            self.first, self.before_first = time.perf_counter(), count
        self.done += count

    def figures(self) -> dict:
        end = time.perf_counter()
        first = self.first if self.first is not None else end
        return {"documents": self.done, "seconds": end - self.start, "startup": first - self.start,
                "steady_documents": self.done - self.before_first, "steady_seconds": end - first}


def phase_read(corpus: Path, workers: int) -> dict:
    def work() -> dict:
        clock = Clock()
        for count in map_ordered(read_chunk, file_chunks(corpus), workers=workers):
            clock.add(count)
        return clock.figures()

    return sampled(work)


def phase_extract(corpus: Path, workers: int) -> dict:
    def work() -> dict:
        clock = Clock()
        for chunk in map_ordered(extract_chunk, document_chunks(corpus), workers=workers, initializer=warm_up):
            clock.add(sum(len(r.file.documents) for r in chunk))
        return clock.figures()

    return sampled(work)


def phase_end_to_end(corpus: Path, workers: int, db: Path) -> dict:
    store = open_store(db)

    def work() -> dict:
        clock = Clock()
        summary = run_batch([corpus], store=store, workers=workers, progress=lambda done, total, name: clock.add(1))
        return {**clock.figures(), "documents": summary.documents_read, "stored": summary.stored,
                "failed": summary.failed, "seconds": summary.elapsed}

    result = sampled(work)
    start = time.perf_counter()
    again = run_batch([corpus], store=store, workers=workers)
    store.close()
    return {**result, "rerun_seconds": time.perf_counter() - start, "rerun_skipped": again.skipped}


def phase_pdf(workers: int, repeat: int) -> dict:
    files = sorted(PDFS.glob("*.pdf")) * repeat
    clock = Clock()
    tasks = [FileTask(str(p), p.name) for p in files]
    for count in map_ordered(read_chunk, [tasks[i:i + 1] for i in range(len(tasks))], workers=workers):
        clock.add(count)
    return clock.figures()


def phase_dask(corpus: Path, workers: int, db: Path) -> dict:
    from extractor.distributed import run_dask

    store = open_store(db)
    summary = run_dask([corpus], store=store, workers=workers)
    store.close()
    return {"documents": summary.documents_read, "seconds": summary.elapsed, "stored": summary.stored}


def phase_tokenizer(corpus: Path, limit: int) -> dict:
    """Bare tokenizer and each pipeline component, one process, on up to ``limit`` abstracts."""
    import spacy

    from extractor.nlp import build_nlp

    texts = [d.text for p, n in iter_files([corpus]) for d in read_file(p, source_file=n)
             if isinstance(d, SourceDocument)][:limit]
    bare, nlp = spacy.blank("en"), build_nlp()
    rates = {"tokenizer": _rate(len(texts), lambda: [bare(t) for t in texts])}
    docs: list = []  # a first pass of the pipeline's own tokenizer (a second would hit its cache)
    rates["pipeline tokenizer"] = _rate(len(texts), lambda: docs.extend(nlp.make_doc(t) for t in texts))
    for name, component in nlp.pipeline:
        rates[name] = _rate(len(texts), lambda c=component: [c(d) for d in docs])
    from extractor.nlp.pipeline import extract_doc

    rates["section extractors"] = _rate(len(texts), lambda: [extract_doc(d) for d in docs])
    return {"documents": len(texts), "rates": rates}


def _rate(count: int, work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return count / max(time.perf_counter() - start, 1e-9)


PHASES = {"read": phase_read, "extract": phase_extract}


def child(argv: list[str]) -> int:
    """``--child PHASE ...``: run one phase in this fresh process and print its figures as JSON."""
    phase, corpus = argv[0], Path(argv[1])
    if phase in PHASES:
        result = PHASES[phase](corpus, int(argv[2]))
    elif phase == "e2e":
        result = phase_end_to_end(corpus, int(argv[2]), Path(argv[3]))
    elif phase == "dask":
        result = phase_dask(corpus, int(argv[2]), Path(argv[3]))
    elif phase == "pdf":
        result = phase_pdf(int(argv[2]), int(argv[3]))
    else:
        result = phase_tokenizer(corpus, int(argv[2]))
    print(json.dumps(result))
    return 0


def run_child(*args: object) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *map(str, args)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the report


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--child"]:
        return child(argv[2:])
    count = int(_option(argv, "--abstracts", "2000"))
    source = Path(_option(argv, "--source", str(DEFAULT_SOURCE)))
    workers = [int(w) for w in _option(argv, "--workers", "1,2").split(",")]
    if not source.is_dir():
        print(f"no inputs at {source}; give --source FOLDER")
        return 0
    keep = _option(argv, "--keep", "")
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    try:
        report(root, source=source, count=count, workers=workers, dask="--dask" in argv,
               pdf_repeat=int(_option(argv, "--pdf-repeat", "5")))
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def report(root: Path, *, source: Path, count: int, workers: list[int], dask: bool, pdf_repeat: int) -> None:
    corpus = root / "corpus"
    started = time.perf_counter()
    if not corpus.exists():
        varied = build_corpus(source, count, corpus)
        print(f"corpus: {count} files from {source} ({varied} text files with numbers varied), "
              f"written in {time.perf_counter() - started:.1f} s")
    print(f"machine: {os.cpu_count()} cores, load average {_load()} at start")
    token_limit = min(count, 2000)
    before = run_child("tokenizer", corpus, token_limit)
    rows: dict[str, dict[int, str]] = {}
    e2e: dict[int, dict] = {}
    for n in workers:
        read, extract = run_child("read", corpus, n), run_child("extract", corpus, n)
        db = root / f"e2e-{n}.db"
        for path in root.glob(f"e2e-{n}.db*"):
            path.unlink()
        e2e[n] = run_child("e2e", corpus, n, db)
        rows.setdefault("read only (abstracts/s)", {})[n] = f"{_steady(read):.0f}"
        rows.setdefault("extract only (abstracts/s)", {})[n] = f"{_steady(extract):.0f}"
        rows.setdefault("end to end into SQLite (abstracts/s)", {})[n] = f"{_steady(e2e[n]):.0f}"
        rows.setdefault("  same, start-up included", {})[n] = f"{_per_s(e2e[n]):.0f}"
        rows.setdefault("  start-up to the first extracted file (s)", {})[n] = f"{e2e[n]['startup']:.1f}"
        rows.setdefault("  documents stored / failed", {})[n] = f"{e2e[n]['stored']} / {e2e[n]['failed']}"
        for label, result in (("read", read), ("extract", extract), ("end to end", e2e[n])):
            rows.setdefault(f"CPU s per 1,000 abstracts, {label}", {})[n] = (
                f"{1000 * result['cpu_seconds'] / max(result['documents'], 1):.2f}")
        rows.setdefault("cores busy, end to end (CPU s / wall s)", {})[n] = (
            f"{e2e[n]['cpu_seconds'] / max(e2e[n]['seconds'], 1e-9):.2f}")
        rows.setdefault("peak RSS, writer (MB)", {})[n] = f"{e2e[n]['writer_mb']:.0f}"
        rows.setdefault("peak RSS, largest worker (MB)", {})[n] = f"{e2e[n]['worker_mb']:.0f}"
        rows.setdefault("peak PSS, all processes (MB)", {})[n] = f"{e2e[n]['tree_pss_mb']:.0f}"
        speedup = e2e[n]["seconds"] / max(e2e[n]["rerun_seconds"], 1e-9)
        rows.setdefault("re-run, unchanged corpus (s)", {})[n] = f"{e2e[n]['rerun_seconds']:.2f} ({speedup:.0f}x)"
        if PDFS.is_dir() and any(PDFS.glob("*.pdf")):
            pdf = run_child("pdf", corpus, n, pdf_repeat)
            rows.setdefault("PDF abstract mode, read (PDFs/s)", {})[n] = f"{_steady(pdf):.1f}"
    after = run_child("tokenizer", corpus, token_limit)
    tokenizer = (before["rates"]["tokenizer"] + after["rates"]["tokenizer"]) / 2
    for n in workers:
        rows.setdefault("end to end / bare tokenizer", {})[n] = f"{_steady(e2e[n]) / tokenizer:.2f}"
    _print_table(rows, workers)
    print(f'bare spacy.blank("en") tokenizer, one process: {tokenizer:.0f} abstracts/s '
          f"(before {before['rates']['tokenizer']:.0f}, after {after['rates']['tokenizer']:.0f})")
    parts = ", ".join(f"{name} {rate:.0f}" for name, rate in after["rates"].items() if name != "tokenizer")
    print(f"pipeline parts, one process, abstracts/s on {after['documents']} abstracts: {parts}")
    if dask:
        n = max(workers)
        result = run_child("dask", corpus, n, root / "dask.db")
        print(f"Dask LocalCluster({n}) end to end: {_per_s(result):.0f} abstracts/s, {result['stored']} stored; "
              f"time {result['seconds'] / e2e[n]['seconds']:.2f}x the local pool's")
    print(f"load average {_load()} at the end; total {time.perf_counter() - started:.0f} s")


def _print_table(rows: dict[str, dict[int, str]], workers: list[int]) -> None:
    print(f"{'':40s}" + "".join(f"{f'workers={n}':>16s}" for n in workers))
    for label, values in rows.items():
        print(f"{label:40s}" + "".join(f"{values.get(n, '-'):>16s}" for n in workers))


def _per_s(result: dict) -> float:
    return result["documents"] / max(result["seconds"], 1e-9)


def _steady(result: dict) -> float:
    """Documents per second from the first result on (after the workers started)."""
    if result.get("steady_seconds", 0) <= 0:
        return _per_s(result)
    return result["steady_documents"] / result["steady_seconds"]


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


if __name__ == "__main__":
    sys.exit(main(sys.argv))
