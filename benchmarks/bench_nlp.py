#!/usr/bin/env python3
"""Speed of the NLP stage on one core: abstracts/s of each part, with the bare tokenizer as reference.

usage: python benchmarks/bench_nlp.py [FOLDER] [--repeat N] [--rounds R]

FOLDER defaults to ../shared/eval/pico_dev/inputs (plain-text abstracts). The
figures are CPU seconds of this process (``time.process_time``), so other
load on the machine disturbs them less than wall-clock time; wall-clock
abstracts/s of the whole stage is printed too. Each part is timed over the
same documents: the bare ``spacy.blank("en")`` tokenizer, the pipeline's
components, and each section extractor. The whole stage runs R times (default
3) and its best and median rounds are printed: on a shared virtual machine the
same code varies by 10% from one round to the next.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from extractor.nlp import build_nlp
from extractor.nlp.design import extract_design
from extractor.nlp.intervention import extract_intervention
from extractor.nlp.outcomes import extract_outcomes
from extractor.nlp.pipeline import extract_doc
from extractor.nlp.population import extract_population

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "pico_dev" / "inputs"


def cpu_rate(count: int, work: Callable[[], object]) -> float:
    """Documents per CPU second of ``work``."""
    start = time.process_time()
    work()
    return count / max(time.process_time() - start, 1e-9)


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 and not argv[1].startswith("-") else DEFAULT
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 2
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    if not folder.is_dir():
        print(f"no abstracts at {folder}; nothing to measure")
        return 0
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))] * repeat
    n = len(texts)
    nlp = build_nlp()
    bare = spacy.blank("en")
    list(nlp.pipe(texts[:20]))  # warm up caches and lazy imports

    print(f"{n} abstracts from {folder}")
    print(f"  bare tokenizer (spacy.blank)   {cpu_rate(n, lambda: [bare(t) for t in texts]):8.0f} /s CPU")
    docs = [nlp.make_doc(t) for t in texts]
    for name, component in nlp.pipeline:
        print(f"  component {name:21s}{cpu_rate(n, lambda c=component: [c(d) for d in docs]):8.0f} /s CPU")
    for extract in (extract_design, extract_population, extract_intervention, extract_outcomes):
        print(f"  {extract.__name__:31s}{cpu_rate(n, lambda f=extract: [f(d) for d in docs]):8.0f} /s CPU")
    cpu_rates, wall_rates = [], []
    for _ in range(rounds):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        for doc in nlp.pipe(texts, batch_size=64):
            extract_doc(doc)
        cpu_rates.append(n / (time.process_time() - start_cpu))
        wall_rates.append(n / (time.perf_counter() - start_wall))
    print(f"  whole NLP stage, best round    {max(cpu_rates):8.0f} /s CPU   {max(wall_rates):8.0f} /s wall (one core)")
    print(f"  whole NLP stage, median round  {statistics.median(cpu_rates):8.0f} /s CPU   "
          f"{statistics.median(wall_rates):8.0f} /s wall ({rounds} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
