"""Worker processes (``extractor.parallel``) and the batch run over them: same records, bounded memory, parts.

The corpora are composed here (``write_corpus``): short MSC-style abstracts
with varied numbers, a PubMed XML file of several records, an empty file and
a binary one, so that chunks, parts and failures all occur.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from extractor import batch
from extractor.batch import FileTask, PartTask, extract_chunk, run_batch
from extractor.parallel import WorkerCrashed, default_workers, map_ordered
from extractor.store import DATA_TABLES, open_store

#: Sentences composed for these tests; {n}, {a}, {b} vary per abstract so no two are alike.
ABSTRACT = (
    "Umbilical cord mesenchymal stem cells for knee osteoarthritis: trial {i}\n\n"
    "In this randomized controlled trial, {n} patients with knee osteoarthritis received intra-articular "
    "umbilical cord mesenchymal stem cells or saline. The WOMAC score fell from {a}.4 ± 3.1 to {b}.2 ± 2.6 "
    "at 12 months in the cell group (P < 0.05)."
)
PUBMED_RECORD = """<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{pmid}</PMID>
<Article><Journal><JournalIssue><PubDate><Year>2021</Year></PubDate></JournalIssue><Title>Composed Journal</Title>
</Journal><ArticleTitle>Bone marrow stromal cells after stroke, cohort {pmid}</ArticleTitle><Abstract>
<AbstractText>{n} patients received autologous bone marrow mesenchymal stem cells intravenously. The NIHSS score
improved from {a}.0 ± 2.0 to {b}.5 ± 1.5 at 90 days (P = 0.01).</AbstractText></Abstract>
<Language>eng</Language></Article></MedlineCitation></PubmedArticle>
"""


def write_abstracts(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """``count`` composed abstracts as text files ``abstract_NNN.txt`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"abstract_{i:03d}.txt"
        path.write_text(ABSTRACT.format(i=i, n=20 + i, a=30 + i % 9, b=20 + i % 7), encoding="utf-8")
        paths.append(path)
    return paths


def write_pubmed(path: Path, pmids: range) -> Path:
    """A PubMed XML file with one composed record per PMID."""
    records = "".join(PUBMED_RECORD.format(pmid=p, n=10 + p % 50, a=10 + p % 5, b=5 + p % 3) for p in pmids)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{records}</PubmedArticleSet>\n', encoding="utf-8")
    return path


def write_corpus(folder: Path, *, abstracts: int = 24) -> Path:
    """Composed abstracts, a 5-record PubMed file, an empty file and a binary one."""
    write_abstracts(folder / "txt", abstracts)
    write_pubmed(folder / "pubmed" / "batch.xml", range(900001, 900006))
    (folder / "empty.txt").write_text(" \n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return folder


def snapshot(store) -> dict:
    """What a run left in the store, independent of time and run ids: records, failures, files, row counts."""
    rows = store.db.conn.execute("SELECT path, sha256, documents, failures FROM input_files ORDER BY path")
    return {
        "records": sorted(json.dumps(r, sort_keys=True) for r in store.iter_records(source="extracted")),
        "failures": sorted((f.source_file, f.reason, f.record or 0) for f in store.failures()),
        "input_files": [tuple(row) for row in rows],
        "counts": {t: n for t, n in store.counts().items() if t in DATA_TABLES},
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("parallel") / "in")


@pytest.fixture(scope="module")
def serial(corpus):
    """The corpus run in this process (workers=1): the reference the pool must equal."""
    store = open_store(None)
    summary = run_batch([corpus], store=store, workers=1)
    yield summary, snapshot(store)
    store.close()


# ---------------------------------------------------------------- map_ordered


def test_default_workers_is_the_usable_cores():
    assert 1 <= default_workers() <= (os.cpu_count() or 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_back_in_order(workers):
    chunks = [list(range(i, i + 3)) for i in range(0, 60, 3)]
    assert list(map_ordered(sum, chunks, workers=workers)) == [sum(c) for c in chunks]


@pytest.mark.parametrize("workers, window", [(1, None), (2, 3), (2, None)])
def test_the_producer_holds_a_bounded_number_of_pending_results(workers, window):
    pulled = 0

    def chunks():
        nonlocal pulled
        for i in range(40):
            pulled += 1
            yield [i, i]

    bound = 1 if workers == 1 else (window or 2 * workers)
    consumed, most_pending = 0, 0
    for result in map_ordered(sum, chunks(), workers=workers, window=window):
        most_pending = max(most_pending, pulled - consumed)
        consumed += 1
        assert result == 2 * (consumed - 1)
    assert consumed == 40
    assert most_pending == bound  # never more, and the pool is kept busy up to it


def chunk_pid(chunk) -> int:
    """The id of the worker process that got ``chunk``."""
    return os.getpid()


def test_workers_are_replaced_after_their_life_of_chunks():
    pids = list(map_ordered(chunk_pid, range(24), workers=2, life=4))
    assert os.getpid() not in pids
    assert len(set(pids)) >= 24 // 4
    assert max(pids.count(pid) for pid in set(pids)) <= 4


def test_nothing_to_do_starts_no_worker():
    assert list(map_ordered(sum, iter([]), workers=2, initializer=os.abort)) == []


def test_a_dead_worker_is_reported_not_hung():
    with pytest.raises(WorkerCrashed, match="a worker process died"):
        list(map_ordered(os._exit, [3], workers=2))


def _explode(chunk: list[str]) -> list[str]:
    """Upper-case a chunk; a chunk holding "boom" kills its worker (as a native crash would)."""
    if "boom" in chunk:
        os._exit(3)
    return [word.upper() for word in chunk]


def test_a_crashing_chunk_is_run_alone_and_the_rest_go_on():
    chunks = [["a"], ["b"], ["boom"], ["c"], ["d"], ["e", "f"]]
    got = list(map_ordered(_explode, chunks, workers=2, on_crash=lambda chunk: ["lost"] * len(chunk)))
    assert got == [["A"], ["B"], ["lost"], ["C"], ["D"], ["E", "F"]]


def test_a_file_that_kills_its_worker_alone_is_a_failure_with_its_hash(tmp_path):
    file = tmp_path / "crash.txt"
    file.write_text("An abstract that crashed a native library.", encoding="utf-8")
    [extracted] = batch.crashed_chunk([FileTask(str(file), "crash.txt")])
    assert extracted.file.sha256 == batch.file_sha256(file)
    assert extracted.file.documents == ()
    [failure] = extracted.file.failures
    assert failure.source_file == "crash.txt" and "process died" in failure.reason


def test_a_crashed_chunk_of_several_files_is_retried_one_file_at_a_time(corpus):
    files = sorted((corpus / "txt").glob("*.txt"))[:3]
    tasks = [FileTask(str(f), f.name) for f in files]
    retried = batch.crashed_chunk(tasks)
    assert [e.file.source_file for e in retried] == [f.name for f in files]
    assert all(e.file.documents and not e.file.failures for e in retried)  # none of them crashes alone


WATCHED = """
import os, sys, time
from extractor.parallel import map_ordered

def sleepy_pid(seconds):
    time.sleep(seconds)
    return os.getpid()

if __name__ == "__main__":
    for pid in map_ordered(sleepy_pid, [0, 0] + [600] * 4, workers=2):
        print(pid, flush=True)
"""


@pytest.mark.slow
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    script = tmp_path / "watched.py"
    script.write_text(textwrap.dedent(WATCHED))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = {int(parent.stdout.readline()), int(parent.stdout.readline())}
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "orphaned worker processes"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # the process may vanish between the signal and the read
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie is gone


# ---------------------------------------------------------------- the batch run over workers


def test_two_workers_store_the_same_as_one(corpus, serial):
    summary, expected = serial
    assert (summary.documents_read, summary.stored, summary.failed) == (29, 29, 2)
    store = open_store(None)
    pooled = run_batch([corpus], store=store, workers=2)
    assert (pooled.documents_read, pooled.stored, pooled.failed) == (29, 29, 2)
    assert snapshot(store) == expected
    again = run_batch([corpus], store=store, workers=2)
    assert (again.skipped_files, again.skipped, again.documents_read) == (27, 29, 0)  # failed files too
    assert {f.source_file for f in pooled.failures} == {"empty.txt", "image.txt"}


def test_progress_reaches_every_file_once(corpus):
    seen = []
    run_batch([corpus], store=open_store(None), workers=2, progress=lambda done, total, name: seen.append((done, total)))
    assert [done for done, _ in seen] == list(range(1, 28))
    assert {total for _, total in seen} == {27}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_large_input_is_extracted_in_parts_like_a_whole(tmp_path, monkeypatch, workers):
    xml = write_pubmed(tmp_path / "in" / "baseline.xml", range(800001, 800008))
    whole = open_store(None)
    run_batch([xml], store=whole)
    monkeypatch.setattr(batch, "LARGE_INPUT_BYTES", 100)
    monkeypatch.setattr(batch, "PART_DOCUMENTS", 3)
    parts = open_store(None)
    summary = run_batch([xml], store=parts, workers=workers)
    assert (summary.documents_read, summary.stored, summary.failed) == (7, 7, 0)
    assert snapshot(parts) == snapshot(whole)
    assert run_batch([xml], store=parts, workers=workers).skipped == 7  # the last part wrote the file row
    write_pubmed(xml, range(800001, 800003))  # the input shrank: the records it no longer holds go
    assert run_batch([xml], store=parts, workers=workers).stored == 2
    assert parts.counts()["records"] == 2


def test_tasks_of_a_large_input_are_parts_and_the_last_carries_the_hash(tmp_path, monkeypatch):
    xml = write_pubmed(tmp_path / "b.xml", range(700001, 700006))
    monkeypatch.setattr(batch, "LARGE_INPUT_BYTES", 100)
    monkeypatch.setattr(batch, "PART_DOCUMENTS", 2)
    writer = batch._Writer(open_store(None), batch.RunSummary(run_id=0), version="v", batch_size=8, progress=None)
    tasks = list(batch._tasks([(xml, "b.xml")], writer=writer, full_text=False))
    assert [type(t) for t in tasks] == [PartTask] * 3
    assert [len(t.items) for t in tasks] == [2, 2, 1]
    assert [t.last for t in tasks] == [False, False, True]
    assert [t.sha256 for t in tasks] == [None, None, batch.file_sha256(xml)]
    results = extract_chunk(tasks)
    assert [r.partial for r in results] == [True, True, False]
    assert sum(r.file.read for r in results) == 5


def test_small_files_travel_in_chunks(tmp_path):
    files = write_abstracts(tmp_path, 40)
    tasks = [FileTask(str(p), p.name, size=p.stat().st_size) for p in files]
    chunks = list(batch._chunks(tasks))
    assert [len(c) for c in chunks] == [16, 16, 8]
    big = [FileTask("big.pdf", "big.pdf", size=batch.CHUNK_BYTES), *tasks[:3]]
    assert [len(c) for c in batch._chunks(big)] == [1, 3]  # a big file goes alone


def test_an_unreadable_file_fails_alone(tmp_path):
    missing = FileTask(str(tmp_path / "gone.txt"), "gone.txt")
    result, = extract_chunk([missing])
    assert not result.partial
    assert result.file.failures[0].reason.startswith("cannot open the file")


def test_small_inputs_do_not_start_workers_unless_asked(tmp_path, monkeypatch):
    files = [(p, p.name) for p in write_abstracts(tmp_path, 3)]
    assert batch.auto_workers(files) == 1
    monkeypatch.setattr(batch, "POOL_MIN_BYTES", files[0][0].stat().st_size * 2)
    monkeypatch.setattr(batch, "default_workers", lambda: 7)
    assert batch.auto_workers(files) == 7
    assert batch.auto_workers([(tmp_path / "gone.txt", "gone.txt")]) == 1


def test_the_run_command_with_workers_stores_the_same(corpus, serial, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    _, expected = serial
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["run", str(corpus), "--db", str(db), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "stored               29" in result.output
    assert snapshot(open_store(db)) == expected
    bad = CliRunner().invoke(app, ["run", str(corpus), "--db", str(db), "--workers", "0"])
    assert bad.exit_code == 2
    assert "--workers" in bad.output


def test_the_folder_walk_lists_inputs_in_sorted_path_order(tmp_path):
    from extractor.reader import iter_files

    root = tmp_path / "tree"
    for name in ("a.txt", "a-b.txt", "a/z.txt", "a/b/c.txt", "a/b.txt", "B.txt", "b/.hidden.txt", ".git/x.txt",
                 "c/out.db", "c/out.db-wal", "c/records.JSONL", "c/d e/f.nbib", "c/10.txt", "c/9.txt", "Z/y.ris"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / "link-to-a").symlink_to(root / "a", target_is_directory=True)
    (root / "c" / "link.txt").symlink_to(root / "a.txt")
    single = root / "a" / "z.txt"
    listed = [name for _, name in iter_files([root, single])]
    assert listed == ["B.txt", "Z/y.ris", "a/b/c.txt", "a/b.txt", "a/z.txt", "a-b.txt", "a.txt", "c/10.txt", "c/9.txt",
                      "c/d e/f.nbib", "c/link.txt", "z.txt"]
