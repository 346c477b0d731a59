#!/usr/bin/env python3
"""Record-level diff of two prediction files of one dev set (JSONL from ``score_dev.py --out``).

usage: python benchmarks/diff_dev.py BEFORE.jsonl AFTER.jsonl [--fields design,population,intervention]

Prints, per document whose record changed, the outcome values only before
(``-``) and only after (``+``) as ``measure | group | timepoint | statistic
value spread [low, high] n p``, and the changed top-level fields named with
``--fields``, so that a rule change is judged by the records it changes.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def load(path: Path) -> dict[str, dict]:
    """Records of a JSONL file keyed by source file."""
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {r["document"]["source_file"]: r for r in records}


def value_rows(record: dict) -> Counter:
    """One line per outcome value, as a multiset."""
    rows = Counter()
    for outcome in record.get("outcomes") or []:
        for v in outcome.get("values") or []:
            interval = f" [{v.get('low')}, {v.get('high')}]" if v.get("low") is not None else ""
            p = v.get("p") or {}
            rows[
                f"{outcome['measure'][:50]} | {v.get('group')} | {v.get('timepoint')} | {v['statistic']} "
                f"{v['value']} {v.get('spread') or ''}{interval} n={v.get('n')} p={p.get('op', '')}{p.get('value', '')}"
            ] += 1
    return rows


def main(argv: list[str]) -> int:
    before, after = load(Path(argv[1])), load(Path(argv[2]))
    fields = argv[argv.index("--fields") + 1].split(",") if "--fields" in argv else ["design", "population", "intervention"]
    changed = 0
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key, {}), after.get(key, {})
        lines = [f"  {f}: {json.dumps(a.get(f))} -> {json.dumps(b.get(f))}" for f in fields if a.get(f) != b.get(f)]
        va, vb = value_rows(a), value_rows(b)
        lines += [f"  - {row}" for row in sorted((va - vb).elements())]
        lines += [f"  + {row}" for row in sorted((vb - va).elements())]
        if lines:
            changed += 1
            print(key)
            print("\n".join(lines))
    print(f"{changed} of {len(set(before) | set(after))} records changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
