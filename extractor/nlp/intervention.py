"""Intervention fields: cell types, cell sources, donor, routes, doses and number of infusions.

Vocabularies (``vocab/cell_types``, ``cell_sources``, ``donors``, ``routes``) say
what to match; this module says how hits combine:

- A cell type counts unless it is the setting rather than the therapy: "GVHD
  after allogeneic HSCT", "MSCs expanded from bone marrow mononuclear cells".
  ``stem_cell_unspecified`` counts only when nothing more specific is named.
- A source counts only when attached to a cell-type hit: "bone marrow-derived,
  cultured MSCs", "MSCs from adult bone marrow", "hUC-MSCs" (one compact form);
  "bone marrow edema" is not a source.
- Donor: a cue attached to the cells ("allogeneic MSCs") outranks a free cue
  ("HLA-identical sibling donors"), which outranks the donor a tissue implies
  (umbilical cord, cord blood and placenta come from donors).
- A route counts in a unit that speaks of the cells ("infused intravenously"),
  so "intravenous methylprednisolone" in another sentence does not.
- Doses: cell numbers with their unit, ``cells/kg`` or ``cells``; a stated range
  or list gives each number; "cells/20 mL" is a concentration, not a dose.
- Each family first reads the study's own sentences and falls back to the
  background section only when those name nothing (cf. a background sentence
  that alone says the cells are bone marrow-derived).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set

from spacy.tokens import Doc

from extractor.nlp.concepts import Hit, Scope, anchored, doc_scope, family_hits, family_matcher
from extractor.nlp.findings import Section, Span
from extractor.nlp.patterns import (
    DOSE_ANCHORS,
    DOSE_ATOM,
    DOSE_CELLS_AFTER,
    DOSE_CONTEXT_WORDS,
    DOSE_LEFT_LIST,
    DOSE_PER_KG,
    DOSE_PER_VOLUME,
    DOSE_SEPARATOR,
    INFUSION_COUNT,
    INFUSION_COUNT_ANCHORS,
    INFUSION_DAYS_ANCHORS,
    INFUSION_DAYS_LIST,
    INFUSION_MULTIPLE,
    INFUSION_MULTIPLE_ANCHORS,
    INFUSION_TIMES,
    INFUSION_TIMES_ANCHORS,
    INFUSION_WEEKLY,
    INFUSION_WEEKLY_ANCHORS,
    SMALL_NUMBER_WORDS,
    SUPERSCRIPT_DIGITS,
)

#: Text before a cell-type hit that makes it the setting, not the therapy: "after allogeneic HSCT",
#: "patients undergoing", "expanded from".
SETTING_BEFORE = re.compile(
    r"(?:\b(?:after|following|post|undergo(?:ing|ne)?|underwent|recipients?\s+of|prior|before)\b[\s\w,()-]{0,30}"
    r"|\b(?:from|isolated|separated|expanded)\s+(?:the\s+)?(?:[\w-]+\s+){0,1})$",
    re.IGNORECASE,
)
#: What stands between a long form and its bracketed abbreviation: " (" in "transplantation (HSCT)".
DEFINITION_GAP = re.compile(r"\s?[(\[]\s?$")
#: Text between a source (or donor cue) and the cell hit after it that breaks the attachment: a clause
#: boundary or a word that starts another phrase ("bone marrow failure received MSCs").
ATTACH_BLOCKER = re.compile(
    r"[.;:。；，]|\b(?:with|received?|receiving|were|was|is|are|in|for|to|by|after|on|at|into|via|treated|patients?"
    r"|than|versus|vs|compared|of|from|that|which|who|edema|oedema|failure|aspirates?|transplantation)\b",
    re.IGNORECASE,
)
#: Text between a cell hit and a source after it that attaches them: "MSCs from adult bone marrow",
#: "MSCs manufactured from the bone marrow of", "MSCs isolated from the patients' own bone marrow".
ATTACH_FROM = re.compile(
    r"^[\s)\]]*(?:(?:\w+\s+)?(?:from|derived\s+from)|of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: A unit that speaks of cells, so a route in it is the cells' route: "cells", "MSCs", "transplantation".
CELL_CONTEXT = re.compile(r"\bcells?\b|transplant|MSC|stem|stromal|细胞|移植", re.IGNORECASE)
#: A unit that speaks of giving something, so a count in it may count administrations: "infused", "injections".
ADMIN_CONTEXT = re.compile(r"infus|inject|transplant|administ|\bgiven\b|\breceived?\b|输注|注射|移植", re.IGNORECASE)
#: A mean right before the SD that a dose atom starts with: "2.6 ± " in "2.6 ± 1.2 × 10^6/kg".
MEAN_BEFORE_SD = re.compile(r"(?P<mean>\d+(?:[.·]\d+)?)\s?(?:±|\+/-)\s?$")
#: Longest gap (characters) between attached words.
ATTACH_GAP = 80
#: Most Chinese characters between a source and its cells: "骨髓来源的间充质干细胞" has three.
ATTACH_CJK_GAP = 5


def extract_intervention(doc: Doc) -> Section:
    """The intervention section of ``doc``: cell types, sources, donor, routes, doses, infusions."""
    scope = doc_scope(doc)
    hits = {name: family_hits(doc, name) for name in ("cell_types", "cell_sources", "donors", "routes")}
    types = _therapy_types(hits["cell_types"], scope)
    setting = [h for h in hits["cell_types"] if h not in types]
    chosen_types = _chosen_types(types, scope)
    sources = _attached_sources(hits["cell_sources"], types, scope)
    donor = _donor(hits["donors"], types, setting, sources, scope)
    routes = _routes(hits["routes"], scope, hits["cell_types"] + hits["cell_sources"])
    doses = find_doses(scope, types)
    infusions, infusion_spans = count_infusions(scope, {h.unit for h in hits["routes"] if not h.pseudo})
    values = {
        "cell_types": _ids(chosen_types),
        "cell_sources": _ids(sources),
        "donor": _donor_value(donor),
        "routes": _ids(routes),
        "doses": [{"value": value, "unit": unit} for value, unit, _ in doses],
        "infusions": infusions,
    }
    evidence = (
        _spans(scope, chosen_types, "intervention.cell_types")
        + _spans(scope, sources, "intervention.cell_sources")
        + _spans(scope, [h for h in donor if isinstance(h, Hit)], "intervention.donor")
        + _spans(scope, routes, "intervention.routes")
        + tuple(Span.of(scope.text, s, e, rule="dose", field="intervention.doses") for _, _, (s, e) in doses)
        + tuple(Span.of(scope.text, s, e, rule="infusions", field="intervention.infusions") for s, e in infusion_spans)
    )
    return Section(values=values, evidence=evidence)


# --- cell types and sources ---------------------------------------------------------------------------------


def _therapy_types(hits: list[Hit], scope: Scope) -> list[Hit]:
    """Cell-type hits that name the therapy: not pseudo, not hedges, not the setting ("after HSCT"); an
    abbreviation in brackets right after its long form shares its decision ("after ... transplantation (HSCT)")."""
    text = scope.text
    kept: list[Hit] = []
    previous: tuple[Hit, bool] | None = None
    for hit in hits:
        if previous and previous[0].id == hit.id and DEFINITION_GAP.match(text, previous[0].end, hit.start):
            therapy = previous[1]
        else:
            therapy = not (hit.id != "msc" and SETTING_BEFORE.search(text, max(0, hit.start - 60), hit.start))
        previous = (hit, therapy)
        if therapy and not hit.pseudo and not scope.hedged(hit.start):
            kept.append(hit)
    return kept


def _chosen_types(types: list[Hit], scope: Scope) -> list[Hit]:
    """The therapy's cell types, own units first; unspecified stem cells only when nothing more specific is named."""
    kept = _own_first(types, scope)
    specific = [h for h in kept if h.id != "stem_cell_unspecified"]
    return specific or kept


def _attached_sources(sources: list[Hit], types: list[Hit], scope: Scope) -> list[Hit]:
    """Source hits attached to a cell-type hit, re-read through the type's ``source_map``, own units first."""
    kept: list[Hit] = []
    for source in sources:
        if source.pseudo or scope.hedged(source.start):
            continue
        cell = source if source.compact else _attached_cell(source, types, scope)
        if cell is None:
            continue
        mapped = _source_map(cell).get(source.id, source.id) if cell is not source else source.id
        kept.append(Hit(source.start, source.end, mapped, source.family, source.unit, compact=source.compact))
    return _own_first(kept, scope)


def _attached_cell(hit: Hit, types: list[Hit], scope: Scope) -> Hit | None:
    """The cell-type hit ``hit`` qualifies: overlapping it, right after it, or before it with "from"."""
    for cell in types:
        if cell.unit != hit.unit:
            continue
        if cell.start < hit.end and hit.start < cell.end:
            return cell
        if cell.start >= hit.end and _attaches(scope.text[hit.end : cell.start]):
            return cell
        if cell.end <= hit.start and hit.family == "cell_sources" and ATTACH_FROM.match(scope.text[cell.end : hit.start]):
            return cell
    return None


def _attaches(gap: str) -> bool:
    """True when ``gap`` (text between a modifier and its cells) keeps them in one phrase."""
    if len(gap) > ATTACH_GAP or ATTACH_BLOCKER.search(gap):
        return False
    return sum(1 for ch in gap if "\u3400" <= ch <= "\u9fff") <= ATTACH_CJK_GAP


def _source_map(cell: Hit) -> dict[str, str]:
    """The ``attrs.source_map`` of a cell-type concept ("umbilical cord" mononuclear cells -> cord blood)."""
    concept = family_matcher("cell_types").concept(cell.id)
    return dict(concept.attrs.get("source_map", {})) if concept else {}


# --- donor ----------------------------------------------------------------------------------------------------


def _donor(cues: list[Hit], types: list[Hit], setting: list[Hit], sources: list[Hit], scope: Scope) -> list[Hit | str]:
    """The donor evidence that decides: cues attached to the therapy cells, else free cues (not attached to
    a setting such as "allogeneic HSCT"), else the donor the sources imply; background only as a last resort."""
    usable = [c for c in cues if not c.pseudo and not scope.hedged(c.start)]
    own = [c for c in usable if c.unit not in scope.background]
    background = [c for c in usable if c.unit in scope.background]
    for tier in (own, background):
        attached = [c for c in tier if _attached_cell(c, types, scope) is not None]
        if attached:
            return attached
        free = [c for c in tier if _attached_cell(c, setting, scope) is None]
        if free:
            return free
        if tier is own and (implied := _implied_donor(sources)):
            return [implied]
    return []


def _implied_donor(sources: list[Hit]) -> str | None:
    """The donor every selected source implies (``attrs.donor``), else None."""
    matcher = family_matcher("cell_sources")
    implied = {(matcher.concept(s.id).attrs.get("donor") if matcher.concept(s.id) else None) for s in sources}
    return implied.pop() if len(implied) == 1 and None not in implied else None


def _donor_value(decisive: list[Hit | str]) -> str | None:
    """'allogeneic', 'autologous', 'both' or None from the deciding cues."""
    ids = {d if isinstance(d, str) else d.id for d in decisive}
    if len(ids) > 1:
        return "both"
    return ids.pop() if ids else None


# --- routes ---------------------------------------------------------------------------------------------------


def _routes(hits: list[Hit], scope: Scope, cells: list[Hit]) -> list[Hit]:
    """Route hits in units that speak of the cells (a cell or source hit, or a cell word), own units first."""
    cell_units = {h.unit for h in cells if not h.pseudo}
    kept = [
        h for h in hits
        if not h.pseudo and not scope.hedged(h.start)
        and (h.unit in cell_units or CELL_CONTEXT.search(scope.unit_text(h.unit)))
    ]
    return _own_first(kept, scope)


# --- doses ----------------------------------------------------------------------------------------------------


def find_doses(scope: Scope, types: list[Hit]) -> list[tuple[float, str, tuple[int, int]]]:
    """Cell doses as (value, unit, (start, end)), one per distinct dose level, own units first."""
    atoms: dict[int, list[re.Match]] = {}
    for atom in anchored(DOSE_ATOM, scope.text, DOSE_ANCHORS, before=40, after=20):
        if _multiplier(atom) is not None and not scope.hedged(atom.start()):
            atoms.setdefault(scope.unit_of(atom.start()), []).append(atom)
    own: list[tuple[float, str, tuple[int, int]]] = []
    background: list[tuple[float, str, tuple[int, int]]] = []
    for unit_index, unit_atoms in atoms.items():
        found = _unit_doses(scope, unit_index, unit_atoms, types)
        (background if unit_index in scope.background else own).extend(found)
    seen: set[tuple[float, str]] = set()
    result = []
    for value, unit, span in own or background:
        if (round(value, 3), unit) not in seen:
            seen.add((round(value, 3), unit))
            result.append((value, unit, span))
    return result


def _unit_doses(scope: Scope, unit_index: int, atoms: list[re.Match], types: list[Hit]) -> list:
    """Doses stated in one unit: chains of numbers sharing a multiplier and a unit."""
    text = scope.text
    start, end = scope.units[unit_index]
    doses = []
    for chain in _chains(text, atoms):
        tail_unit = _dose_unit(scope, unit_index, chain[-1].end(), end, types)
        previous_end = start
        for atom in chain:
            unit = _dose_unit(scope, unit_index, atom.end(), end, types, strict=True) or tail_unit
            if unit not in (None, "concentration"):
                doses.extend((value, unit, span) for value, span in _atom_values(text, atom, previous_end) if value >= 1e3)
            previous_end = atom.end()
    return doses


def _chains(text: str, atoms: list[re.Match]) -> list[list[re.Match]]:
    """Group atoms joined only by list separators: "2.5 × 10^7, 5 × 10^7, or 1 × 10^8"."""
    chains: list[list[re.Match]] = [[atoms[0]]]
    for atom in atoms[1:]:
        if DOSE_SEPARATOR.fullmatch(text[chains[-1][-1].end() : atom.start()]):
            chains[-1].append(atom)
        else:
            chains.append([atom])
    return chains


def _multiplier(atom: re.Match) -> float | None:
    """The power of ten or word multiplier of a dose atom: "× 10^6" -> 1e6, "million" -> 1e6."""
    exponent = atom.group("exp") or atom.group("exp_bare") or atom.group("exp_e")
    if exponent:
        return 10.0 ** int(exponent)
    if atom.group("sup"):
        return 10.0 ** int(atom.group("sup").translate(SUPERSCRIPT_DIGITS))
    word = (atom.group("word") or "").lower()
    return {"million": 1e6, "millions": 1e6, "billion": 1e9, "万": 1e4, "亿": 1e8}.get(word)


def _atom_values(text: str, atom: re.Match, left_limit: int) -> list[tuple[float, tuple[int, int]]]:
    """The values an atom states: its own, plus bare numbers before it that share its multiplier
    ("1.0 to 10 × 10^5" is 1e5 and 1e6; "25, 50, 75, or 150 million" is four doses; "(2-5) × 10^6" is two).
    A multiplier with no number of its own ("× 10^6" after "1.0 ± 0.2)") gives only the numbers before it."""
    multiplier = _multiplier(atom)
    values = []
    left = DOSE_LEFT_LIST.search(text, max(left_limit, atom.start() - 60), atom.start())
    if left:
        values = [(_number(n.group(0)) * multiplier, (left.start(), atom.end()))
                  for n in re.finditer(r"\d+(?:[.·]\d+)?", left.group("nums"))]
    mean = MEAN_BEFORE_SD.search(text, max(0, atom.start() - 20), atom.start())
    if atom.group("mant") and mean:  # "2.6 ± 1.2 × 10^6/kg": the number after ± is the SD, the dose is the mean
        values.append((_number(mean.group("mean")) * multiplier, (mean.start(), atom.end())))
    elif atom.group("mant"):
        values.append((_number(atom.group("mant")) * multiplier, (atom.start(), atom.end())))
    elif atom.group("paren"):  # "(2-5) × 10^6": the bracketed range; "(1.2 ± 0.3) × 10^6": the mean only
        numbers = re.findall(r"\d+(?:[.·]\d+)?", atom.group("paren"))
        numbers = numbers[:1] if "±" in atom.group("paren") else numbers
        values += [(_number(n) * multiplier, (atom.start(), atom.end())) for n in numbers]
    elif not values and atom.group("exp_bare"):  # "10^7 cells"
        values.append((multiplier, (atom.start(), atom.end())))
    return values


#: Number words a dose mantissa may be (``DOSE_MANTISSA_WORD``).
MANTISSA_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                  "ten": 10, "twenty": 20, "fifty": 50, "a hundred": 100}


def _number(raw: str) -> float:
    """A mantissa as a float: "1·6" -> 1.6, "1,000" -> 1000, "one" -> 1."""
    word = " ".join(raw.lower().split())
    if word in MANTISSA_WORDS:
        return float(MANTISSA_WORDS[word])
    return float(raw.replace("·", ".").replace(",", ""))


def _dose_unit(scope: Scope, unit_index: int, at: int, end: int, types: list[Hit], *, strict: bool = False) -> str | None:
    """'cells/kg', 'cells', 'concentration' (a per-volume count: not a dose) or None, read after offset ``at``."""
    after = scope.text[at:end]
    if DOSE_PER_VOLUME.match(after):
        return "concentration"
    if DOSE_PER_KG.match(after):
        return "cells/kg"
    if DOSE_CELLS_AFTER.match(after):
        return "cells"
    if any(h.start >= at and _attaches(scope.text[at : h.start]) and h.start - at < 40 for h in types if h.unit == unit_index):
        return "cells"
    if strict:
        return None
    unit_text = scope.unit_text(unit_index)
    if DOSE_CONTEXT_WORDS.search(unit_text) and CELL_CONTEXT.search(unit_text):
        return "cells"
    return None


# --- infusions ------------------------------------------------------------------------------------------------


def count_infusions(scope: Scope, route_units: Set[int] = frozenset()) -> tuple[int | None, list[tuple[int, int]]]:
    """Administrations per patient when the text states one number ("three intravenous infusions",
    "on days 0, 7 and 14", "(4 times) and intrathecally (3 times)" = 7); None when counts disagree.
    Only units that speak of giving something (or name a route, ``route_units``) count; own units first."""
    by_unit = _counts_by_unit(scope)
    for tier in (_own_units(scope), sorted(scope.background)):
        counts = [
            count for unit in tier if unit in by_unit
            and (unit in route_units or ADMIN_CONTEXT.search(scope.text, *scope.units[unit]))
            for count in by_unit[unit] if not scope.hedged(count[1][0])
        ]
        if counts:
            distinct = {n for n, _ in counts}
            return (distinct.pop() if len(distinct) == 1 else None), [span for _, span in counts]
    return None, []


def _own_units(scope: Scope) -> list[int]:
    """Indexes of the units outside the background."""
    return [i for i in range(len(scope.units)) if i not in scope.background]


def _counts_by_unit(scope: Scope) -> dict[int, list[tuple[int, tuple[int, int]]]]:
    """Administration counts by unit; several "N times" in one unit add up ("(4 times) and ... (3 times)")."""
    text = scope.text
    counts: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    times: dict[int, list[tuple[int, tuple[int, int]]]] = {}

    def add(target: dict, pattern: re.Pattern, anchors: tuple[str, ...], value) -> None:
        for m in anchored(pattern, text, anchors, before=60, after=30):
            n = value(m)
            if n:
                target.setdefault(scope.unit_of(m.start()), []).append((n, m.span()))

    add(counts, INFUSION_COUNT, INFUSION_COUNT_ANCHORS, lambda m: _count(m.group("n") or m.group("ncn")))
    add(counts, INFUSION_MULTIPLE, INFUSION_MULTIPLE_ANCHORS, lambda m: _count(m.group("n")))
    add(counts, INFUSION_WEEKLY, INFUSION_WEEKLY_ANCHORS, lambda m: _count(m.group("n")) * (2 if m.group("twice") else 1))
    add(counts, INFUSION_DAYS_LIST, INFUSION_DAYS_ANCHORS, lambda m: len(re.findall(r"\d+", m.group("list"))))
    add(times, INFUSION_TIMES, INFUSION_TIMES_ANCHORS, lambda m: _count(m.group("n") or m.group("n2")))
    for unit, found in times.items():
        total = sum(n for n, _ in found)
        counts.setdefault(unit, []).append((total, (found[0][1][0], found[-1][1][1])))
    return counts


def _count(word: str) -> int:
    """A small count in digits or words: "three" -> 3, "a single" -> 1, "double" -> 2."""
    word = re.sub(r"\s+", " ", word.lower().strip())
    return int(word) if word.isdigit() else SMALL_NUMBER_WORDS.get(word, 0)


# --- helpers --------------------------------------------------------------------------------------------------


def _own_first(hits: list[Hit], scope: Scope) -> list[Hit]:
    """Hits in the study's own units; background hits only when there are none."""
    own = [h for h in hits if h.unit not in scope.background]
    return own or hits


def _ids(hits: Iterable[Hit]) -> list[str]:
    """Distinct concept ids in text order."""
    return list(dict.fromkeys(h.id for h in hits))


def _spans(scope: Scope, hits: Iterable[Hit], field: str) -> tuple[Span, ...]:
    """Evidence spans of ``hits`` for ``field``."""
    rule = field.split(".")[-1]
    return tuple(Span.of(scope.text, h.start, h.end, rule=f"{rule}:{h.id}", field=field) for h in hits)
