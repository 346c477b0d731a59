#!/usr/bin/env python3
"""Extract a dev set in memory (no database) and score it with the reference scorers.

usage: python benchmarks/score_dev.py [msc|msc2|pico|ebmnlp|yun|all] [--keep OUT.jsonl] [--out DIR]

Reads ../shared/eval/<set>/inputs, writes exchange-format predictions to a
temporary JSONL file (or ``DIR/<set>.jsonl`` with ``--out``, for a record-level
diff with ``benchmarks/diff_dev.py``) and runs ../shared/eval/score.py (msc_dev,
msc2_dev), score_external.py (pico_dev, ebmnlp_dev) or yun_dev/score_yun.py on
it. Exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor import EXTRACTOR_VERSION
from extractor.nlp import extract_texts
from extractor.reader import SourceDocument, iter_files, read_file
from extractor.records import build_record, exchange_dict

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
SETS = {
    "msc": ("msc_dev", "score.py", "gold"),
    "msc2": ("msc2_dev", "score.py", "gold"),
    "pico": ("pico_dev", "score_external.py", "gold.jsonl"),
    "ebmnlp": ("ebmnlp_dev", "score_external.py", "gold.jsonl"),
    "yun": ("yun_dev", "yun_dev/score_yun.py", "gold.jsonl"),
}


def predict(inputs: Path, out: Path) -> tuple[int, float]:
    """Extract every document under ``inputs`` into ``out`` (JSONL); return count and NLP seconds."""
    docs = [d for f, name in iter_files([inputs]) for d in read_file(f, source_file=name)
            if isinstance(d, SourceDocument)]
    start = time.perf_counter()
    extractions = list(extract_texts(d.text for d in docs))
    elapsed = time.perf_counter() - start
    with out.open("w") as fh:
        for doc, extraction in zip(docs, extractions):
            record = build_record(doc, extraction, extractor_version=EXTRACTOR_VERSION)
            fh.write(json.dumps(exchange_dict(record)) + "\n")
    return len(docs), elapsed


def main(argv: list[str]) -> int:
    which = argv[1] if len(argv) > 1 and not argv[1].startswith("-") else "all"
    if not EVAL.is_dir():
        print(f"no dev sets at {EVAL}; nothing to score")
        return 0
    keep = Path(argv[argv.index("--keep") + 1]) if "--keep" in argv else None
    folder_out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else None
    if folder_out:
        folder_out.mkdir(parents=True, exist_ok=True)
    for key in SETS if which == "all" else [which]:
        folder, scorer, gold = SETS[key]
        out = keep or (folder_out / f"{key}.jsonl" if folder_out else Path(tempfile.mkstemp(suffix=".jsonl")[1]))
        n, seconds = predict(EVAL / folder / "inputs", out)
        print(f"== {folder}: {n} documents, NLP {seconds:.2f}s ({n / seconds:.0f} docs/s)")
        subprocess.run([sys.executable, str(EVAL / scorer), str(EVAL / folder / gold), str(out)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
