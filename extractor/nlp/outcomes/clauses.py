"""Sentences and clauses of an abstract as the outcome rules see them.

Run-together sentences ("groups.(2)The", Chinese "。") are split, a structured
abstract's Background is set aside, and clause starts (outside brackets) are
computed once per sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc

from extractor.nlp.cues import spans
from extractor.nlp.sentences import sentence_spans


#: Any digit: sentences without one hold no values.
DIGIT = re.compile(r"\d")

#: Sentence openers that may set a timepoint context: "After", "At", "By", "During" (and a results heading).
OPENER_WORD = re.compile(r"\W*(?:results?\W*)?(?:after|at|by|during)\b", re.IGNORECASE)

#: Clause boundaries inside a sentence.
#: "whereas", "while", "but" as whole words, each alternative opening with a literal (fast to scan for).
CLAUSE_BREAK = re.compile(r";|w(?<=\bw)h(?:ereas|ile)\b|b(?<=\bb)ut\b|,\s*(?=and\s+(?:the|in)\b)|\(\d\)|（\d）|[，；、]")


def clause_start_of(text: str, start: int, position: int) -> int:
    """Start of the clause holding ``position`` in the sentence starting at ``start``.

    A clause starts after the last clause break between ``start`` and
    ``position`` that is outside brackets ("(DAS28; using ESR)" does not count).
    The breaks of the whole text are found once (``cues.spans``).
    """
    starts, ends = spans(CLAUSE_BREAK, text)
    clause = start
    depth = 0
    last = start
    for i in range(bisect_left(starts, start), bisect_left(starts, position)):
        chunk = text[last : starts[i]]
        depth = max(0, depth + chunk.count("(") + chunk.count("[") - chunk.count(")") - chunk.count("]"))
        last = starts[i]
        if depth == 0 and ends[i] <= position:
            clause = ends[i]
    return clause


def clause_end_of(text: str, start: int, position: int, end: int) -> int:
    """Where the clause holding ``position`` ends, in the sentence ``text[start:end]``: the next clause
    break outside brackets ("(LVESD: 29.7 to 33.4; LVEDD: ...)" stays one clause), or ``end``."""
    starts, _ = spans(CLAUSE_BREAK, text)
    depth = 0
    last = start
    for i in range(bisect_left(starts, start), len(starts)):
        if starts[i] >= end:
            break
        chunk = text[last : starts[i]]
        depth = max(0, depth + chunk.count("(") + chunk.count("[") - chunk.count(")") - chunk.count("]"))
        last = starts[i]
        if depth == 0 and starts[i] >= position:
            return starts[i]
    return end


#: A section heading with its name: "Background and aim:", "RESULTS:", "Objective ".
SECTION_HEADING = re.compile(
    r"\W*(?P<name>background|introduction|context|rationale|objectives?|aims?|purpose|methods?|materials|design|setting|"
    r"participants|patients|interventions?|measurements|results?|findings|conclusions?|interpretation)\b(?:\s+and\s+aims?)?\s*[:.\-–]?",
    re.IGNORECASE,
)

#: Section names whose numbers are context rather than results.
BACKGROUND_SECTIONS = ("background", "introduction", "context", "rationale")

#: A section heading opening a sentence: "Results:", "METHODS", "Findings -".
HEADING = re.compile(
    r"^\W*(?:background|objectives?|aims?|purpose|methods?|materials|design|setting|results?|findings|conclusions?|interpretation)\b\s*[:.\-–]?\s*",
    re.IGNORECASE,
)

#: Sentence ends the tokenizer misses in run-together text: "groups.(2)The", "treatment.Previous".
RUN_ON_BREAK = re.compile(
    r"\.(?<=[a-z0-9%)\]]\.)(?=\(\d+\)|（\d+）|[A-Z][a-z]{2,})|(?<=[a-z)\]])\s*(?=\(\d+\)\s*[A-Za-z])|。"
)

#: Abbreviations whose period is not a sentence end: "St.George", "Dr.Smith", "vs.Placebo".
NOT_A_BREAK = re.compile(r"(?:\b(?:St|Dr|Mr|Ms|Mrs|vs|al|No|Fig|Ref|approx)|\b[A-Z])$")


def background_sentences(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of a structured abstract's Background section: context, not this study's results.

    Only a Background closed by a later heading counts, so an abstract whose one
    heading is "Background/Objective:" keeps all its sentences.
    """
    headings = [(i, SECTION_HEADING.match(text, start)) for i, (start, _) in enumerate(sentences)]
    headings = [(i, m.group("name").lower()) for i, m in headings if m]
    skipped: list[tuple[int, int]] = []
    for (i, name), (j, _) in zip(headings, headings[1:]):
        if name.startswith(BACKGROUND_SECTIONS):
            skipped.extend(sentences[i:j])
    return skipped


def split_sentences(doc: Doc):
    """Sentence spans of ``doc``, with run-together sentences split."""
    text = doc.user_data.get("text") or doc.text
    for sent_start, sent_end in sentence_spans(doc):
        start = sent_start
        if any(mark in text[sent_start:sent_end] for mark in ".(。"):
            for match in RUN_ON_BREAK.finditer(text, sent_start, sent_end):
                if NOT_A_BREAK.search(text[max(sent_start, match.start() - 8) : match.start()]):
                    continue
                if match.end() > start:
                    yield start, match.end()
                    start = match.end()
        yield start, sent_end
