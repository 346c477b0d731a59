"""Where a pattern matches in a document, found in one pass and asked many times.

The rules ask questions such as "is there a median cue in the 600 characters
before this sentence?" or "where are the clause breaks before this value?".
Answering each by a fresh ``search`` over an overlapping window scans the same
text again for every sentence and value; ``spans`` scans the whole text once
per pattern (cached for the document being processed) and each question is
then a binary search.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache


@lru_cache(maxsize=64)
def spans(pattern: re.Pattern, text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of every match of ``pattern`` in ``text``, in order (non-overlapping, as ``finditer``)."""
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def occurs(pattern: re.Pattern, text: str, lo: int, hi: int) -> bool:
    """Whether a match of ``pattern`` in ``text`` lies within ``text[lo:hi]``."""
    starts, ends = spans(pattern, text)
    i = bisect_left(starts, max(lo, 0))
    return i < len(starts) and ends[i] <= hi
