#!/usr/bin/env python3
"""Score the RIS and MEDLINE exports of the msc_dev records against the msc_dev gold.

usage: python benchmarks/score_exports.py [--keep DIR]

Reads ../shared/eval/samples/formats/msc_dev_export.{ris,nbib}, matches each
record to its msc_dev input by DOI, else title, else the opening of the
abstract (the exports leave out placeholder titles such as "[thesis] ..."),
renames ``document.source_file`` to the gold file name, and runs
../shared/eval/score.py on the predictions. It also extracts the WPRIM inputs
themselves and reports, per export, how many records give exactly the same
extraction as their WPRIM file. Exits 0 with a note when ../shared is absent.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from extractor import EXTRACTOR_VERSION
from extractor.nlp import extract_texts
from extractor.reader import SourceDocument, iter_files, read_file
from extractor.records import build_record, exchange_dict

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
EXPORTS = ("msc_dev_export.ris", "msc_dev_export.nbib")
#: Parts of a record compared between an export and its WPRIM file.
EXTRACTED = ("design", "population", "intervention", "outcomes")


def squash(text: str | None) -> str:
    """Lower-case letters and digits only, for matching titles and abstracts."""
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def keys(doc: SourceDocument) -> list[str]:
    """Match keys of a document, best first: DOI, title, abstract opening."""
    found = []
    if doc.bibliography.doi:
        found.append("doi:" + doc.bibliography.doi)
    if doc.bibliography.title:
        found.append("title:" + squash(doc.bibliography.title))
    found.append("abstract:" + squash(doc.abstract)[:200])
    return found


def records(docs: list[SourceDocument]) -> list[dict]:
    """Exchange-format records of ``docs`` (extracted in one spaCy pass)."""
    extractions = extract_texts(d.text for d in docs)
    return [exchange_dict(build_record(d, e, extractor_version=EXTRACTOR_VERSION)) for d, e in zip(docs, extractions)]


def read_all(path: Path) -> list[SourceDocument]:
    return [d for f, name in iter_files([path]) for d in read_file(f, source_file=name) if isinstance(d, SourceDocument)]


def main(argv: list[str]) -> int:
    formats = EVAL / "samples" / "formats"
    if not formats.is_dir():
        print(f"no export samples at {formats}; nothing to score")
        return 0
    keep = Path(argv[argv.index("--keep") + 1]) if "--keep" in argv else Path(tempfile.mkdtemp())
    keep.mkdir(parents=True, exist_ok=True)
    wprim_docs = read_all(EVAL / "msc_dev" / "inputs")
    wprim = {d.source_file: r for d, r in zip(wprim_docs, records(wprim_docs))}
    index = {key: d.source_file for d in wprim_docs for key in keys(d)}
    for export in EXPORTS:
        docs = read_all(formats / export)
        matched = [(d, next((index[k] for k in keys(d) if k in index), None)) for d in docs]
        unmatched = [d.source_file for d, gold in matched if gold is None]
        out = keep / f"{export}.jsonl"
        same = 0
        with out.open("w") as fh:
            for (doc, gold), record in zip(matched, records(docs)):
                if gold is None:
                    continue
                record["document"]["source_file"] = gold
                same += all(record[k] == wprim[gold][k] for k in EXTRACTED)
                fh.write(json.dumps(record) + "\n")
        print(f"== {export}: {len(docs)} records, {len(docs) - len(unmatched)} matched to gold "
              f"(unmatched: {unmatched or 'none'}); same extraction as the WPRIM file: {same}/{len(docs) - len(unmatched)}")
        subprocess.run([sys.executable, str(EVAL / "score.py"), str(EVAL / "msc_dev" / "gold"), str(out)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
