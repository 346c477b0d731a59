"""Bad input in a real batch, and resuming a batch killed mid-run (a real subprocess, SIGKILL and SIGINT)."""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reader_articles import ABSTRACTS, render_article
from typer.testing import CliRunner

from extractor.cli import app

runner = CliRunner()

GOOD_RIS = """TY  - JOUR
TI  - Bone marrow stromal cells in knee cartilage defects
PY  - 2020
AB  - Thirty patients received intra-articular bone marrow mesenchymal stromal cells; pain scores fell from 6.1±1.2 to 3.0±1.1 at 12 months.
ER  - 

TY  - JOUR
TI  - A second record that has no abstract at all
PY  - 2020
ER  - 
"""


def summary_value(output: str, label: str) -> str:
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return line.strip()[len(label):].split()[0]


@pytest.fixture()
def bad_folder(tmp_path: Path) -> Path:
    """Good files among an empty file, junk, truncated XML, a fake PDF and a record without abstract."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ABSTRACTS[0].text_version(), encoding="utf-8")
    (folder / "good.pdf").write_bytes(render_article(ABSTRACTS[2], columns=2))
    (folder / "library.ris").write_text(GOOD_RIS, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "cut.xml").write_bytes(b'<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTi')
    (folder / "fake.pdf").write_bytes(b"This is a text file that was renamed to .pdf")
    (folder / "baseline.xml.gz").write_bytes(gzip.compress(b"<PubmedArticleSet><PubmedArticle>")[:-12])
    return folder


def test_bad_input_is_recorded_and_the_batch_goes_on(bad_folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    result = runner.invoke(app, ["run", str(bad_folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert summary_value(result.output, "stored") == "3"
    assert summary_value(result.output, "failed") == "6"
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT source_file FROM documents")}
        failed = {(row[0], row[1]): row[2] for row in conn.execute("SELECT source_file, record, reason FROM failures")}
    assert stored == {"good.txt", "good.pdf", "library.ris#1"}
    assert set(failed) == {("empty.txt", None), ("junk.bin", None), ("cut.xml", None), ("fake.pdf", None),
                           ("library.ris#2", 2), ("baseline.xml.gz", None)}
    assert "empty" in failed[("empty.txt", None)]
    assert "truncated XML" in failed[("cut.xml", None)]
    assert "not a PDF" in failed[("fake.pdf", None)]
    assert "no abstract" in failed[("library.ris#2", 2)]
    assert all(result.output.count(f"FAILED {name}") == 1 for name, _ in failed)


def test_strict_exits_1_when_anything_failed(bad_folder: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(bad_folder), "--db", str(tmp_path / "strict.db"), "--strict"])
    assert result.exit_code == 1
    assert summary_value(result.output, "stored") == "3"


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from extractor.reader import MAX_FILE_BYTES, ReadFailure, read_file

    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.write(b"Abstract text. " * 10)
        fh.truncate(MAX_FILE_BYTES + 1024)  # sparse: 50 MB on paper, nothing on disk
    failure, = list(read_file(big))
    assert isinstance(failure, ReadFailure)
    assert "above the 50 MB limit" in failure.reason


def make_inputs(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        text = (f"Cell therapy cohort {i}\n\nIn cohort {i}, {10 + i} patients received umbilical cord mesenchymal "
                f"stem cells intravenously; scores fell from {20 + i}.5±3.1 to {10 + i}.2±2.4 at 6 months (P<0.05).")
        (folder / f"abstract_{i:03d}.txt").write_text(text, encoding="utf-8")


def stored_names(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return [row[0] for row in conn.execute("SELECT source_file FROM documents")]
    except sqlite3.OperationalError:  # the run has not created the table yet
        return []


def start_run(folder: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "extractor", "run", str(folder), "--db", str(db), "--batch-size", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)


def stop_midway(process: subprocess.Popen, db: Path, *, sig: int, total: int) -> int:
    """Wait until some documents are stored, send ``sig``, and return how many were stored."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        if len(stored_names(db)) >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(sig)
    process.wait(timeout=60)
    stored = len(stored_names(db))
    assert 0 < stored < total, f"{stored} of {total} stored when interrupted"
    return stored


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path, sig: int) -> None:
    total = 400  # enough that a fast run cannot finish between the check for stored documents and the signal
    folder, db = tmp_path / "in", tmp_path / "out.db"
    make_inputs(folder, total)
    first = start_run(folder, db)
    stop_midway(first, db, sig=sig, total=total)
    if sig == signal.SIGINT:
        assert first.returncode == 130
    second = subprocess.run([sys.executable, "-m", "extractor", "run", str(folder), "--db", str(db)],
                            capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    names = stored_names(db)
    assert sorted(names) == sorted(f"abstract_{i:03d}.txt" for i in range(total))  # none lost, none twice
    with sqlite3.connect(db) as conn:
        records = conn.execute("SELECT COUNT(*), COUNT(DISTINCT document_id) FROM records").fetchone()
    assert records == (total, total)
