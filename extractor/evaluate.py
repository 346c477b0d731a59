"""Score predicted study records against gold records, field by field.

The metrics and the matching are those of the shared reference scorers
(``shared/eval/score.py`` for exchange-format gold, ``score_external.py`` for
numbers-only gold such as PICO-Corpus), so ``extractor evaluate`` prints the
same figures on the same files. On top of the figures it keeps, per gold
document, the list of disagreements (field, gold value, predicted value), so
a curator comparing extraction with their own entries sees what to check
first.

The gold file's shape decides the metrics: records with a ``document`` block
are exchange-format gold; lines with a top-level ``source_file`` and
``sample_sizes`` / ``arm_sizes`` / ``means`` / ``sds`` are numbers-only gold.
Gold of either format version is read; as in score.py, effect estimates
(``outcomes.effect_numbers``) and counts with their totals
(``outcomes.count_numbers``) are scored only against gold that says
``schema_version`` 1.1.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from extractor.errors import ReadError, ValidationFailed
from extractor.records.models import EFFECT_STATISTICS, MEAN_STATISTICS, StudyRecord
from extractor.store import open_store

log = logging.getLogger(__name__)

GoldFormat = Literal["records", "external"]
#: How predictions are paired with gold: file name of ``document.source_file``, ``document.id``, or
#: the file name first and the id when no file name matches (curated and extracted entries of one
#: document share its id but not always its file).
MatchBy = Literal["auto", "source_file", "id"]
MATCH_MODES: tuple[str, ...] = ("auto", "source_file", "id")
#: Which records of a database to read: curated entries, extracted ones, or curated where present.
RecordSource = Literal["curated", "extracted", "best"]

#: Statistic families whose (value, spread) pairs are counted as numbers, as in score.py.
NUMBER_FAMILIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("mean", MEAN_STATISTICS),
    ("median", frozenset({"median_iqr", "median_range", "median"})),
    ("percent", frozenset({"percent"})),
)
#: Words ignored when comparing outcome-measure names ("serum creatine kinase level" ~ "creatine kinase").
MEASURE_STOPWORDS = frozenset(
    "the of serum level levels score scores total mean in and plasma blood rate index s value values "
    "count counts change changes".split()
)
#: Bibliographic fields compared as normalised text, only when the gold states them.
DOCUMENT_TEXT_FIELDS = ("title", "doi", "year", "journal", "volume", "issue", "language", "pmid")
#: Design flags compared only when the gold states them.
DESIGN_FLAGS = ("randomized", "controlled", "blinding", "phase")
#: Intervention lists scored as sets (precision/recall).
INTERVENTION_SETS = ("cell_types", "cell_sources", "routes")
#: Suffixes of SQLite files, which only the store can read.
DATABASE_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3"})
#: The first bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"

# Punctuation (anything but word characters and spaces): "Creatine-kinase (CK)" -> "creatine kinase ck".
PUNCTUATION = re.compile(r"[^\w\s]")
# Runs of whitespace, collapsed to one space.
WHITESPACE = re.compile(r"\s+")
# First and last page of a page range: "175-178", "e1234–e1240"; the rest ("175-8 passim") is ignored.
PAGE_RANGE = re.compile(r"\s*([\dA-Za-z]+)\s*[-–]\s*([\dA-Za-z]+)")


# ---------------------------------------------------------------------------
# Results


@dataclass
class Accuracy:
    """Share of gold items the predictions got right."""

    ok: int = 0
    n: int = 0

    def add(self, ok: bool) -> None:
        """Count one comparison."""
        self.n += 1
        self.ok += bool(ok)

    def row(self) -> dict[str, Any]:
        """``{"acc", "n"}`` with acc rounded to 4 places (None when nothing was compared)."""
        return {"acc": _ratio(self.ok, self.n), "n": self.n}


@dataclass
class Counts:
    """True positives, false positives and false negatives of a set-valued field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        """Add one document's counts."""
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def row(self) -> dict[str, Any]:
        """``{"p", "r", "f1", "tp", "fp", "fn"}`` with the ratios rounded to 4 places."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(frozen=True)
class Disagreement:
    """One field where a prediction differs from the gold; ``None`` on a side means absent."""

    field: str
    gold: Any
    predicted: Any


@dataclass(frozen=True)
class DocumentResult:
    """The disagreements found for one gold document."""

    key: str
    document_id: str | None
    matched: bool
    disagreements: tuple[Disagreement, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "key": self.key,
            "document_id": self.document_id,
            "matched": self.matched,
            "disagreements": [vars(d) for d in self.disagreements],
        }


@dataclass(frozen=True)
class Evaluation:
    """Figures of one evaluation run, in the reference scorers' layout, plus per-document disagreements."""

    gold_format: GoldFormat
    documents: int
    missing_predictions: tuple[str, ...]
    accuracy: dict[str, dict[str, Any]]
    prf: dict[str, dict[str, Any]]
    per_document: tuple[DocumentResult, ...]

    def to_dict(self, *, disagreements: bool = True) -> dict[str, Any]:
        """JSON-ready form; ``accuracy`` and ``prf`` equal the reference scorers' output."""
        data: dict[str, Any] = {
            "gold_format": self.gold_format,
            "documents": self.documents,
            "missing_predictions": list(self.missing_predictions),
            "accuracy": self.accuracy,
            "prf": self.prf,
        }
        if disagreements:
            data["per_document"] = [d.to_dict() for d in self.per_document]
        return data


def _ratio(ok: int, n: int) -> float | None:
    """``ok / n`` rounded to 4 places, None for ``n == 0``."""
    return round(ok / n, 4) if n else None


class _Tally:
    """Accumulates metrics over all documents and the disagreements of the current one."""

    def __init__(self) -> None:
        self.accuracy: dict[str, Accuracy] = defaultdict(Accuracy)
        self.prf: dict[str, Counts] = defaultdict(Counts)
        self.found: list[Disagreement] = []

    def agree(self, name: str, ok: bool, gold: Any, predicted: Any) -> None:
        """Count an accuracy comparison; remember it when it failed."""
        self.accuracy[name].add(ok)
        if not ok:
            self.found.append(Disagreement(name, gold, predicted))

    def count(self, name: str, tp: int, missed: list[Any], extra: list[Any], *, fp: int | None = None,
              note: bool = True) -> None:
        """Count a set comparison; with ``note``, each missed gold item and extra prediction is a disagreement."""
        self.prf[name].add(tp, len(extra) if fp is None else fp, len(missed))
        if note:
            self.found.extend(Disagreement(name, item, None) for item in missed)
            self.found.extend(Disagreement(name, None, item) for item in extra)

    def take(self) -> tuple[Disagreement, ...]:
        """The current document's disagreements; starts the next document."""
        found, self.found = tuple(self.found), []
        return found


# ---------------------------------------------------------------------------
# Loading


def load_records(
    path: Path, *, role: str = "predictions", source: RecordSource = "extracted"
) -> list[dict[str, Any]]:
    """Records from a database (its ``source`` records), a folder of ``*.json``, a JSON file or a JSONL file.

    Raises ``ReadError`` naming the file (and line) for a missing path, bad
    encoding, invalid JSON or an item that is not a JSON object, and
    ``StoreError`` for a database that cannot be opened.
    """
    if is_database(path):
        return load_database(path, source=source)
    if path.is_dir():
        return [_object(_parse_json(p), p) for p in sorted(path.glob("*.json"))]
    if not path.is_file():
        raise ReadError(f"{path}: no such file or folder ({role})")
    text = _read_text(path).strip()
    items = _parse_text(text, path) if text else []
    return [_object(item, path, index) for index, item in enumerate(items)]


def is_database(path: Path) -> bool:
    """A SQLite file, by its suffix or, for an existing file, by its header."""
    if path.suffix.lower() in DATABASE_SUFFIXES:
        return True
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def load_database(path: Path, *, source: RecordSource) -> list[dict[str, Any]]:
    """The exchange-format records of one source stored in the database at ``path``."""
    store = open_store(path, create=False)
    try:
        return list(store.iter_records(source=source))
    finally:
        store.close()


def _read_text(path: Path) -> str:
    """The file as UTF-8 text (a BOM is dropped)."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path}: not UTF-8 text at byte {exc.start}; JSON files must be UTF-8") from exc
    except OSError as exc:
        raise ReadError(f"{path}: cannot be read ({exc.strerror})") from exc


def _parse_json(path: Path) -> Any:
    """One JSON document from a file of a folder."""
    return _parse_text(_read_text(path), path, whole=True)


def _parse_text(text: str, path: Path, *, whole: bool = False) -> list[Any] | Any:
    """A JSON array, a single JSON value, or JSON Lines (one value per line)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if whole or exc.msg != "Extra data":
            raise ReadError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
        return _parse_lines(text, path)
    return value if whole or isinstance(value, list) else [value]


def _parse_lines(text: str, path: Path) -> list[Any]:
    """JSON Lines: one value per non-blank line."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ReadError(f"{path}, line {number}: not valid JSON ({exc.msg})") from exc
    return items


def _object(item: Any, path: Path, index: int | None = None) -> dict[str, Any]:
    """``item`` when it is a JSON object, else a ``ReadError`` naming where it came from."""
    if not isinstance(item, dict):
        where = path if index is None else f"{path}, record {index + 1}"
        raise ReadError(f"{where}: expected a JSON object (a study record), found {type(item).__name__}")
    return item


def detect_gold_format(records: list[dict[str, Any]], *, source: Path) -> GoldFormat:
    """``records`` when every item has a ``document`` block, ``external`` when every item is numbers-only gold."""
    if all("document" in r for r in records):
        return "records"
    if all("source_file" in r and "document" not in r for r in records):
        return "external"
    raise ReadError(
        f"{source}: neither exchange-format records (with a 'document' block) nor numbers-only gold "
        "(with a top-level 'source_file') throughout"
    )


def check_records(records: list[dict[str, Any]], *, source: Path) -> None:
    """Validate records against the exchange-format models (``ValidationFailed`` names record and field)."""
    for index, record in enumerate(records, start=1):
        try:
            StudyRecord.model_validate(record)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            raise ValidationFailed(
                f"{source}, record {index} ({source_key(record) or 'no source_file'}): {where}: {error['msg']}"
                + (f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else "")
            ) from exc


def check_external_gold(entries: list[dict[str, Any]], *, source: Path) -> None:
    """Numbers-only gold: a string ``source_file`` and lists of numbers (``ReadError`` otherwise)."""
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry.get("source_file"), str):
            raise ReadError(f"{source}, line {index}: 'source_file' must be a string")
        for key in ("sample_sizes", "arm_sizes", "means", "sds"):
            values = entry.get(key, [])
            if not isinstance(values, list) or not all(_is_number(v) for v in values):
                raise ReadError(f"{source}, line {index} ({entry['source_file']}): '{key}' must be a list of numbers")


def _is_number(value: Any) -> bool:
    """A JSON number (booleans excluded)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# Matching


def source_key(record: dict[str, Any]) -> str:
    """The file name of ``document.source_file`` ('' when absent): the scorers' matching key."""
    return Path(_get(record, "document", "source_file") or "").name


def pair_records(
    gold: list[dict[str, Any]], predictions: list[dict[str, Any]], *, match: MatchBy = "auto"
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each gold record with its prediction (or None); a later prediction for the same key wins, as in score.py."""
    by_file = {source_key(r): r for r in predictions}
    by_id = {doc_id: r for r in predictions if (doc_id := _get(r, "document", "id"))}
    pairs = []
    for record in gold:
        found = by_file.get(source_key(record)) if match != "id" else None
        if found is None and match != "source_file":
            found = by_id.get(_get(record, "document", "id"))
        pairs.append((record, found))
    return pairs


# ---------------------------------------------------------------------------
# Comparison helpers (the reference scorers' definitions)


def _get(data: Any, *path: str, default: Any = None) -> Any:
    """``data[path[0]][path[1]]...``, or ``default`` when a step is missing or the value is null."""
    for part in path:
        if not isinstance(data, dict):
            return default
        data = data.get(part)
    return default if data is None else data


def norm_text(value: Any) -> str:
    """Lower case, punctuation to spaces, whitespace collapsed: ``"Creatine-Kinase"`` -> ``"creatine kinase"``."""
    return WHITESPACE.sub(" ", PUNCTUATION.sub(" ", str(value).lower())).strip()


def measure_tokens(value: Any) -> set[str]:
    """Content words of a measure name (``MEASURE_STOPWORDS`` removed)."""
    return {t for t in norm_text(value).split() if t not in MEASURE_STOPWORDS}


def num_eq(a: Any, b: Any, rel: float = 1e-6) -> bool:
    """Numbers equal within a relative tolerance; two nulls are equal, a null and a number are not."""
    if a is None or b is None:
        return a is None and b is None
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def days_eq(a: Any, b: Any) -> bool:
    """Timepoints equal within a day or 6% (a month of 30 vs 31 days)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return abs(a - b) <= max(1.0, 0.06 * max(abs(a), abs(b)))


def measure_match(predicted: str | None, gold_outcome: dict[str, Any]) -> bool:
    """The predicted measure names the gold outcome: equal text, content words nested, or Jaccard >= 0.5."""
    pred_tokens, pred_text = measure_tokens(predicted or ""), norm_text(predicted or "")
    for name in [gold_outcome.get("measure") or "", *(gold_outcome.get("aliases") or [])]:
        gold_text, gold_tokens = norm_text(name), measure_tokens(name)
        if not gold_text:
            continue
        if pred_text == gold_text:
            return True
        if gold_tokens and pred_tokens and _tokens_overlap(gold_tokens, pred_tokens):
            return True
    return False


def _tokens_overlap(gold: set[str], predicted: set[str]) -> bool:
    """One token set contains the other, or they share at least half their union."""
    return gold <= predicted or predicted <= gold or len(gold & predicted) / len(gold | predicted) >= 0.5


def first_pages(pages: Any) -> str:
    """``"175-178"`` from any page range; the normalised text when it is not a range."""
    m = PAGE_RANGE.match(str(pages or ""))
    return f"{m.group(1)}-{m.group(2)}" if m else norm_text(pages or "")


def flat_values(record: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (outcome, value) pair of a record."""
    return [(o, v) for o in record.get("outcomes") or [] for v in o.get("values") or []]


def _sorted(items: Iterable[Any]) -> list[Any]:
    """Items in a stable order for reports, whatever their types."""
    return sorted(items, key=lambda item: (item is None, str(item)))


def _compare_sets(tally: _Tally, name: str, predicted: set[Any], gold: set[Any]) -> None:
    """Set precision/recall of one document's field (a null item, such as an arm without n, reads 'null')."""
    missed, extra = (["null" if x is None else x for x in _sorted(items)] for items in (gold - predicted,
                                                                                       predicted - gold))
    tally.count(name, len(predicted & gold), missed, extra)


# ---------------------------------------------------------------------------
# Exchange-format gold (score.py)


def evaluate_records(
    gold: list[dict[str, Any]], predictions: list[dict[str, Any]], *, match: MatchBy = "auto"
) -> Evaluation:
    """Score predictions against exchange-format gold with score.py's metrics."""
    tally, missing, per_document = _Tally(), [], []
    for record, found in pair_records(gold, predictions, match=match):
        if found is None:
            missing.append(source_key(record))
        pred = found or {}
        for compare in RECORD_COMPARISONS:
            compare(record, pred, tally)
        per_document.append(
            DocumentResult(source_key(record), _get(record, "document", "id"), found is not None, tally.take())
        )
    return Evaluation(
        gold_format="records",
        documents=len(gold),
        missing_predictions=tuple(missing),
        accuracy={k: v.row() for k, v in sorted(tally.accuracy.items())},
        prf={k: v.row() for k, v in sorted(tally.prf.items())},
        per_document=_worst_first(per_document),
    )


def _worst_first(results: list[DocumentResult]) -> tuple[DocumentResult, ...]:
    """Unmatched documents first, then by number of disagreements (most first): what to check first."""
    return tuple(sorted(results, key=lambda r: (r.matched, -len(r.disagreements))))


def _compare_document(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Bibliographic fields the gold states: normalised text, first-last pages, author list in order."""
    for name in DOCUMENT_TEXT_FIELDS:
        gv, pv = _get(gold, "document", name), _get(pred, "document", name)
        if gv is not None:
            tally.agree(f"document.{name}", norm_text(gv) == norm_text(pv or ""), gv, pv)
    gp, pp = _get(gold, "document", "pages"), _get(pred, "document", "pages")
    if gp:
        tally.agree("document.pages", first_pages(gp) == first_pages(pp), gp, pp)
    ga, pa = _get(gold, "document", "authors", default=[]), _get(pred, "document", "authors", default=[])
    if ga:
        tally.agree("document.authors", [norm_text(a) for a in ga] == [norm_text(a) for a in pa], ga, pa)


def _compare_design(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Design type always; flags and follow-up when the gold states them; statistical tests as a set."""
    gt, pt = _get(gold, "design", "type"), _get(pred, "design", "type")
    tally.agree("design.type", gt == pt, gt, pt)
    for name in DESIGN_FLAGS:
        gv, pv = _get(gold, "design", name), _get(pred, "design", name)
        if gv is not None:
            tally.agree(f"design.{name}", gv == pv, gv, pv)
    gfu, pfu = _get(gold, "design", "follow_up"), _get(pred, "design", "follow_up") or {}
    if gfu:
        ok = days_eq(gfu.get("min_days"), pfu.get("min_days")) and days_eq(gfu.get("max_days"), pfu.get("max_days"))
        tally.agree("design.follow_up", ok, gfu, pfu or None)
    tests = [{norm_text(t) for t in _get(r, "design", "statistical_tests", default=[])} for r in (pred, gold)]
    _compare_sets(tally, "design.statistical_tests", *tests)


def _compare_population(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Sample size (or abstaining when the gold has none) and the set of arm sizes."""
    gn, pn = _get(gold, "population", "sample_size"), _get(pred, "population", "sample_size")
    if gn is not None:
        tally.agree("population.sample_size", num_eq(gn, pn), gn, pn)
    else:
        tally.agree("population.sample_size_abstain", pn is None, gn, pn)
    arm_sizes = [{a.get("n") for a in _get(r, "population", "arms", default=[])} for r in (pred, gold)]
    _compare_sets(tally, "population.arms_n", *arm_sizes)


def _compare_intervention(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Cell types, sources and routes as sets; donor when the gold states it; doses."""
    for name in INTERVENTION_SETS:
        values = [set(_get(r, "intervention", name, default=[])) for r in (pred, gold)]
        _compare_sets(tally, f"intervention.{name}", *values)
    gd, pd = _get(gold, "intervention", "donor"), _get(pred, "intervention", "donor")
    if gd is not None:
        tally.agree("intervention.donor", gd == pd, gd, pd)
    _compare_doses(gold, pred, tally)


def _compare_doses(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """A gold dose is found when some predicted dose has its value and unit; the rest of the predictions are fp."""
    gdoses = [(float(d["value"]), d.get("unit")) for d in _get(gold, "intervention", "doses", default=[])]
    pdoses = [(float(d["value"]), d.get("unit")) for d in _get(pred, "intervention", "doses", default=[])
              if d.get("value") is not None]

    def same(a: tuple[float, Any], b: tuple[float, Any]) -> bool:
        return num_eq(a[0], b[0]) and a[1] == b[1]

    missed = [gv for gv in gdoses if not any(same(gv, pv) for pv in pdoses)]
    extra = [pv for pv in pdoses if not any(same(gv, pv) for gv in gdoses)]
    tp = len(gdoses) - len(missed)
    tally.count("intervention.doses", tp, _dose_dicts(missed), _dose_dicts(extra), fp=max(0, len(pdoses) - tp))


def _dose_dicts(doses: list[tuple[float, Any]]) -> list[dict[str, Any]]:
    """Doses as ``{"value", "unit"}`` for reports."""
    return [{"value": value, "unit": unit} for value, unit in doses]


def _compare_numbers(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """(value, spread) pairs of each statistic family, matched one to one as multisets."""
    for family, statistics in NUMBER_FAMILIES:
        gl = [_numbers(v) for _, v in flat_values(gold) if v.get("statistic") in statistics]
        pl = [_numbers(v) for _, v in flat_values(pred) if v.get("statistic") in statistics]
        pairs = _match_greedy(gl, pl, lambda g, p: num_eq(g[0], p[0]) and num_eq(g[1], p[1]))
        missed = [g for i, g in enumerate(gl) if i not in pairs]
        extra = [p for j, p in enumerate(pl) if j not in pairs.values()]
        # Mean pairs are listed once, by the mean tuples (with measure and timepoint), not here as well.
        tally.count(f"outcomes.{family}_numbers", len(pairs), missed, extra, note=family != "mean")


def _numbers(value: dict[str, Any]) -> tuple[Any, Any]:
    """The central number and its spread."""
    return (value.get("value"), value.get("spread"))


def _match_greedy(gold: list[Any], predicted: list[Any], same: Callable[[Any, Any], bool]) -> dict[int, int]:
    """Pair each gold item, in order, with the first unused prediction ``same`` accepts: {gold index: pred index}."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i, g in enumerate(gold):
        j = next((j for j, p in enumerate(predicted) if j not in used and same(g, p)), None)
        if j is not None:
            used.add(j)
            pairs[i] = j
    return pairs


def _same_tuple(gold: tuple[dict[str, Any], dict[str, Any]], pred: tuple[dict[str, Any], dict[str, Any]]) -> bool:
    """Same numbers, a measure name that matches, the same timepoint in days and the same kind."""
    (go, gv), (po, pv) = gold, pred
    return (
        num_eq(gv.get("value"), pv.get("value"))
        and num_eq(gv.get("spread"), pv.get("spread"))
        and measure_match(po.get("measure"), go)
        and days_eq(gv.get("days"), pv.get("days"))
        and (gv.get("kind") or "level") == (pv.get("kind") or "level")
    )


def _family_values(record: dict[str, Any], statistics: frozenset[str]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The (outcome, value) pairs whose statistic is one of ``statistics``."""
    return [(o, v) for o, v in flat_values(record) if v.get("statistic") in statistics]


def _compare_mean_tuples(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Mean values attributed to measure, timepoint and kind; arm, unit and p-value of each matched one."""
    gl, pl = _family_values(gold, MEAN_STATISTICS), _family_values(pred, MEAN_STATISTICS)
    pairs = _match_greedy(gl, pl, _same_tuple)
    for i, j in pairs.items():
        _compare_matched(gl[i], pl[j], tally)
    missed = [_describe(*gl[i]) for i in range(len(gl)) if i not in pairs]
    extra = [_describe(*pl[j]) for j in range(len(pl)) if j not in pairs.values()]
    tally.count("outcomes.mean_tuples", len(pairs), missed, extra)


#: Words a group label may add or drop and still name the same arm ("MSC group" is "MSC").
GROUP_STOP = frozenset(
    {"group", "groups", "arm", "the", "patients", "participants", "subjects", "cohort", "of", "in", "with"}
)


def group_match(predicted: Any, gold: Any) -> bool:
    """An arm label matches when the names agree after dropping words like 'group' and 'patients'.

    A gold value without a group matches any prediction; a predicted null
    never matches a gold group.
    """
    if gold is None:
        return True
    if predicted is None:
        return False
    gt = {w for w in norm_text(gold).split() if w not in GROUP_STOP}
    pt = {w for w in norm_text(predicted).split() if w not in GROUP_STOP}
    if not gt or not pt:
        return norm_text(gold) == norm_text(predicted)
    return _tokens_overlap(gt, pt)


def _compare_grouped_values(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Each gold value that names its arm is found, in any statistic, with its numbers and a matching arm."""
    predicted = [v for _, v in flat_values(pred)]
    for go, gv in flat_values(gold):
        if gv.get("group") is None:
            continue
        ok = any(num_eq(gv.get("value"), pv.get("value")) and num_eq(gv.get("spread"), pv.get("spread"))
                 and group_match(pv.get("group"), gv.get("group")) for pv in predicted)
        tally.agree("outcomes.grouped_value_recall", ok, _describe(go, gv), None)


def is_format_1_1(record: dict[str, Any]) -> bool:
    """The record says ``schema_version`` 1.1: its effect estimates and counts are scored."""
    return str(record.get("schema_version")) == "1.1"


def _same_effect(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """The same effect statistic (an odds ratio is no risk ratio), estimate and confidence limits."""
    return gold.get("statistic") == pred.get("statistic") and all(
        num_eq(gold.get(key), pred.get(key)) for key in ("value", "low", "high"))


def _same_count(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """The same number of events out of the same total."""
    return num_eq(gold.get("value"), pred.get("value")) and num_eq(gold.get("n"), pred.get("n"))


#: Format 1.1 families, scored only against 1.1 gold as score.py does: name, statistics, how two values agree.
FORMAT_1_1_FAMILIES: tuple[tuple[str, frozenset[str], Callable[[dict[str, Any], dict[str, Any]], bool]], ...] = (
    ("effect", EFFECT_STATISTICS, _same_effect),
    ("count", frozenset({"count"}), _same_count),
)


def _compare_format_1_1(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Effect estimates (statistic, value and CI) and counts (value and total), against 1.1 gold only."""
    if not is_format_1_1(gold):
        return
    for family, statistics, same in FORMAT_1_1_FAMILIES:
        gl, pl = _family_values(gold, statistics), _family_values(pred, statistics)
        pairs = _match_greedy(gl, pl, lambda g, p, same=same: same(g[1], p[1]))
        missed = [_describe(*gl[i]) for i in range(len(gl)) if i not in pairs]
        extra = [_describe(*pl[j]) for j in range(len(pl)) if j not in pairs.values()]
        tally.count(f"outcomes.{family}_numbers", len(pairs), missed, extra)


def _compare_document_exact(gold: dict[str, Any], pred: dict[str, Any], tally: _Tally) -> None:
    """Per document with any: every item found and nothing extra (``document_all_mean_tuples_exact``).

    The items are the mean tuples. Against 1.1 gold they are the counts with
    their totals: score.py computes this figure after its 1.1 loop, from the
    lists and matches of that loop's last family (it reuses the variable
    names), and the figure here follows it so that the two agree.
    """
    if is_format_1_1(gold):
        statistics, same = frozenset({"count"}), lambda g, p: _same_count(g[1], p[1])
    else:
        statistics, same = MEAN_STATISTICS, _same_tuple
    gl, pl = _family_values(gold, statistics), _family_values(pred, statistics)
    if gl or pl:
        pairs = _match_greedy(gl, pl, same)
        tally.accuracy["outcomes.document_all_mean_tuples_exact"].add(len(pairs) == len(gl) == len(pl))


def _compare_matched(gold: tuple[dict[str, Any], dict[str, Any]], pred: tuple[dict[str, Any], dict[str, Any]],
                     tally: _Tally) -> None:
    """Unit of the measure and p-value of a matched mean value."""
    (go, gv), (po, pv) = gold, pred
    if gv.get("group") is not None:
        tally.agree("outcomes.group_of_matched", group_match(pv.get("group"), gv.get("group")),
                    _describe(go, gv), _describe(po, pv))
    gu, pu = go.get("unit"), po.get("unit")
    tally.agree("outcomes.unit_of_matched", norm_text(gu or "") == norm_text(pu or ""),
                {"measure": go.get("measure"), "unit": gu}, {"measure": po.get("measure"), "unit": pu})
    gp, pp = gv.get("p"), pv.get("p")
    ok = (gp is None and pp is None) or (
        gp is not None and pp is not None and gp.get("op") == pp.get("op") and num_eq(gp.get("value"), pp.get("value"))
    )
    tally.agree("outcomes.p_of_matched", ok, _describe(go, gv, with_p=True), _describe(po, pv, with_p=True))


def _describe(outcome: dict[str, Any], value: dict[str, Any], *, with_p: bool = False) -> dict[str, Any]:
    """A value as a curator reads it: measure, group, timepoint, kind, numbers (interval and total if stated), p."""
    keys = ("group", "timepoint", "days", "kind", "statistic", "value", "spread") + (("p",) if with_p else ())
    stated = {k: value[k] for k in ("low", "high", "n") if value.get(k) is not None}
    return {"measure": outcome.get("measure"), **{k: value.get(k) for k in keys}, **stated}


#: Comparisons run on every (gold, prediction) pair, in score.py's order.
RECORD_COMPARISONS: tuple[Callable[[dict[str, Any], dict[str, Any], _Tally], None], ...] = (
    _compare_document,
    _compare_design,
    _compare_population,
    _compare_intervention,
    _compare_numbers,
    _compare_mean_tuples,
    _compare_grouped_values,
    _compare_format_1_1,
    _compare_document_exact,
)


# ---------------------------------------------------------------------------
# Numbers-only gold (score_external.py)


#: Metrics of numbers-only gold, in score_external.py's order.
EXTERNAL_METRICS = ("sample_size", "mean_recall", "sd_recall", "arm_size_recall")


def evaluate_external(gold: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> Evaluation:
    """Score predictions against numbers-only gold with score_external.py's metrics.

    ``sample_size``: right when the prediction equals one of the gold totals
    (abstaining is wrong); ``mean_recall`` / ``sd_recall``: share of gold
    arm-level means / SDs found among the predicted mean-family values;
    ``arm_size_recall``: share of gold arm sizes found among the predicted
    ``population.arms[].n``.
    """
    by_file = {source_key(r): r for r in predictions}
    tallies = {name: Accuracy() for name in EXTERNAL_METRICS}
    abstained, missing, per_document = 0, [], []
    for entry in gold:
        key = Path(entry["source_file"]).name
        pred = by_file.get(key)
        if pred is None:
            missing.append(key)
        found = _compare_external(entry, pred or {}, tallies)
        abstained += bool(entry.get("sample_sizes")) and _get(pred, "population", "sample_size") is None
        per_document.append(DocumentResult(key, None, pred is not None, found))
    accuracy = {name: tally.row() for name, tally in tallies.items()}
    accuracy["sample_size"]["abstained"] = abstained
    return Evaluation("external", len(gold), tuple(missing), accuracy, {}, _worst_first(per_document))


def _compare_external(entry: dict[str, Any], pred: dict[str, Any],
                      tallies: dict[str, Accuracy]) -> tuple[Disagreement, ...]:
    """One gold line: its sample size, then each gold mean, SD and arm size; returns what disagreed."""
    found = []
    if entry.get("sample_sizes"):
        n = _get(pred, "population", "sample_size")
        ok = any(num_eq(n, x) for x in entry["sample_sizes"])
        tallies["sample_size"].add(ok)
        if not ok:
            found.append(Disagreement("population.sample_size", entry["sample_sizes"], n))
    values = [v for _, v in flat_values(pred) if v.get("statistic") in MEAN_STATISTICS]
    arm_sizes = [a.get("n") for a in _get(pred, "population", "arms", default=[])]
    checks = (("means", "mean_recall", "outcomes.means", [v.get("value") for v in values], 1e-4),
              ("sds", "sd_recall", "outcomes.sds", [v.get("spread") for v in values], 1e-4),
              ("arm_sizes", "arm_size_recall", "population.arms.n", arm_sizes, 1e-6))
    for key, metric, name, predicted, rel in checks:
        for x in entry.get(key, []):
            ok = any(num_eq(number, x, rel=rel) for number in predicted)
            tallies[metric].add(ok)
            if not ok:
                found.append(Disagreement(name, x, None))
    return tuple(found)


# ---------------------------------------------------------------------------
# Entry point


def evaluate_paths(
    gold_path: Path,
    predictions_path: Path,
    *,
    match: MatchBy = "auto",
    gold_source: RecordSource = "curated",
    predicted_source: RecordSource = "extracted",
) -> Evaluation:
    """Load gold and predictions from files, folders or databases, detect the gold format, and score.

    From a database, gold are its ``gold_source`` records and predictions its
    ``predicted_source`` records, so one database compares curated entries
    with extracted ones. Raises ``ReadError`` for unreadable inputs,
    ``StoreError`` for unusable databases and ``ValidationFailed`` for records
    that break the exchange format.
    """
    gold = load_records(gold_path, role="gold", source=gold_source)
    if not gold:
        where = f"no {gold_source} records in the database" if is_database(gold_path) else "no records"
        raise ReadError(f"{gold_path}: no gold to evaluate against ({where})")
    predictions = load_records(predictions_path, role="predictions", source=predicted_source)
    if not predictions:
        log.warning("%s holds no predictions: every gold document counts as missed", predictions_path)
    check_records(predictions, source=predictions_path)
    if detect_gold_format(gold, source=gold_path) == "external":
        check_external_gold(gold, source=gold_path)
        return evaluate_external(gold, predictions)
    check_records(gold, source=gold_path)
    return evaluate_records(gold, predictions, match=match)
