"""Intervention rules: cell types, sources, donor, routes, doses and infusions.

Every case is a short text composed for these tests (never copied from the
evaluation sets), grouped by the rule family it exercises; a known miss is an
xfail with its reason, never a deleted case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.nlp.intervention import extract_intervention
from extractor.nlp.patterns import (
    DOSE_ATOM,
    DOSE_CELLS_AFTER,
    DOSE_CONTEXT_WORDS,
    DOSE_LEFT_LIST,
    DOSE_PER_KG,
    DOSE_PER_VOLUME,
    DOSE_SEPARATOR,
    INFUSION_COUNT,
    INFUSION_DAYS_LIST,
    INFUSION_MULTIPLE,
    INFUSION_TIMES,
    INFUSION_WEEKLY,
)
from extractor.records.models import Intervention

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"


def intervention(nlp, text: str) -> dict:
    """The intervention values extracted from ``text``, validated by the exchange-format model."""
    section = extract_intervention(nlp(text))
    Intervention.model_validate(dict(section.values))
    for span in section.evidence:
        assert text[span.start : span.end] == span.quote, span
    return dict(section.values)


def xfail(*values, reason: str):
    return pytest.param(*values, marks=pytest.mark.xfail(reason=reason, strict=True))


CELL_TYPE_CASES = [
    ("Human amniotic epithelial cells were infused in 9 patients.", ["other"]),
    ("Patients received bone marrow-derived mesenchymal stromal cells.", ["msc"]),
    ("hUCMSCs were infused twice.", ["msc"]),
    ("Darvadstrocel was injected into the fistula tracts.", ["msc"]),
    ("The limbs were injected with bone marrow mononuclear cells (BM-MNCs).", ["mnc"]),
    ("We compared BMMSCs with BMMNCs in limb ischemia.", ["msc", "mnc"]),
    ("Haploidentical hematopoietic stem cells (haplo-HSCs) were co-transplanted with UC-MSCs.", ["hsc", "msc"]),
    ("Patients with GVHD after allogeneic hematopoietic stem cell transplantation received MSCs.", ["msc"]),
    ("GVHD after allogeneic hematopoietic stem cell transplantation (HSCT) was treated with MSCs; the median time "
     "from HSCT to MSCs was 40 days.", ["msc"]),
    ("Umbilical cord blood stem cells were injected via a peripheral vein.", ["stem_cell_unspecified"]),
    ("Stem cell therapy with MSCs improved liver function.", ["msc"]),
    ("Peripheral blood mononuclear cells were isolated to measure cytokines after MSC infusion.", ["msc"]),
    ("采用脐带间充质干细胞治疗狼疮性肾炎。", ["msc"]),
    ("Background: Bone marrow mononuclear cells have been used for limb ischemia.\nMethods: Twenty patients "
     "received umbilical cord MSCs.", ["msc"]),
    xfail("Patients received MSC-derived exosomes.", [], reason="cell products (exosomes) are not told from cells"),
]


@pytest.mark.parametrize("text, expected", CELL_TYPE_CASES)
def test_cell_types(nlp, text, expected):
    assert intervention(nlp, text)["cell_types"] == expected


SOURCE_CASES = [
    ("Allogeneic bone marrow-derived MSCs were given.", ["bone_marrow"]),
    ("Mesenchymal stem cells (MSC) from adult bone marrow were infused.", ["bone_marrow"]),
    ("MSCs manufactured from the bone marrow of healthy volunteers were used.", ["bone_marrow"]),
    ("MSCs isolated from the patients' own bone marrow were injected.", ["bone_marrow"]),
    ("Adult human bone marrow-derived, cultured, pooled, allogeneic mesenchymal stromal cells were injected.",
     ["bone_marrow"]),
    ("MRI showed bone marrow edema in the spine after MSC infusion.", []),
    ("Patients with bone marrow failure received UC-MSCs.", ["umbilical_cord"]),
    ("hUC-MSCs and bmMSCs were compared.", ["umbilical_cord", "bone_marrow"]),
    ("Allogeneic BM MSCs and UC MSCs were compared.", ["bone_marrow", "umbilical_cord"]),
    ("Allogeneic bone marrow or umbilical cord-derived MSCs were infused.", ["bone_marrow", "umbilical_cord"]),
    ("Wharton's jelly-derived MSCs were given intravenously.", ["wharton_jelly"]),
    ("Umbilical cord blood-derived mesenchymal stem cells (UCB-MSCs) were infused.", ["umbilical_cord_blood"]),
    ("Expanded adipose-derived stem cells (eASCs) were given.", ["adipose"]),
    ("A suspension of expanded, allogeneic, adipose-derived, mesenchymal stem cells was injected.", ["adipose"]),
    ("Umbilical cord derived mononuclear cells were injected intramuscularly.", ["umbilical_cord_blood"]),
    ("Placenta-derived MSCs were infused.", ["placenta"]),
    ("Dental pulp stem cells were implanted.", ["dental_pulp"]),
    ("采用骨髓间充质干细胞治疗。", ["bone_marrow"]),
    ("关节内注射自体脂肪组织衍生的间充质干细胞。", ["adipose"]),
    ("Background: MSC-NPs are a bone marrow mesenchymal stem cell-derived product.\nMethods: Patients received "
     "six injections of autologous MSC-NPs.", ["bone_marrow"]),
    ("Mesenchymal stem cells were infused in 20 patients.", []),
    ("MSCs derived from bone marrow and adipose tissue have been widely studied. We infused umbilical cord MSCs "
     "in 20 patients.", ["umbilical_cord"]),
    xfail("Cells were isolated from the umbilical cord and expanded; the MSCs were then infused.", ["umbilical_cord"],
          reason="a source in another clause than the cells is not attached"),
]


@pytest.mark.parametrize("text, expected", SOURCE_CASES)
def test_cell_sources(nlp, text, expected):
    assert intervention(nlp, text)["cell_sources"] == expected


DONOR_CASES = [
    ("Autologous bone marrow MSCs were injected.", "autologous"),
    ("Unrelated allogeneic bone marrow-derived MSCs were given.", "allogeneic"),
    ("MSC donors were HLA-identical sibling donors or third-party donors.", "allogeneic"),
    ("Twenty patients received UC-MSCs.", "allogeneic"),
    ("Patients received either autologous or allogeneic MSCs.", "both"),
    ("Bone marrow MSCs were infused.", None),
    ("After allogeneic hematopoietic stem cell transplantation, patients received autologous MSCs.", "autologous"),
    ("采用自体骨髓间充质干细胞移植。", "autologous"),
    ("Background: Autologous mononuclear cells are widely used.\nMethods: Patients received umbilical cord "
     "mononuclear cells.", "allogeneic"),
]


@pytest.mark.parametrize("text, expected", DONOR_CASES)
def test_donor(nlp, text, expected):
    assert intervention(nlp, text)["donor"] == expected


ROUTE_CASES = [
    ("MSC sheets were applied to the wound surface of 10 patients.", ["topical"]),
    ("MSCs were injected into the gluteus muscle of 10 patients.", ["intramuscular"]),
    ("Local multipoint injection of UC-MSCs around the ulcer was performed in 28 patients.", ["intralesional"]),
    ("Bone marrow MSCs were infused intravenously.", ["intravenous"]),
    ("Patients received six intrathecal (IT) injections; each IT dose held MSC-NPs.", ["intrathecal"]),
    ("Patients were treated intravenously (4 times) and intrathecally (3 times) with hUC-MSCs.",
     ["intravenous", "intrathecal"]),
    ("Stem cells were injected via peripheral veins or the hepatic artery.", ["intravenous", "intra_arterial"]),
    ("Cells were given by intra-articular injection into the knee.", ["intra_articular"]),
    ("The limbs were injected intramuscularly with MSCs.", ["intramuscular"]),
    ("UC-MSCs were infused through a peripheral vein.", ["intravenous"]),
    ("MSCs were given IV over 30 minutes to patients with grade IV GVHD.", ["intravenous"]),
    ("A local injection of adipose MSCs into the fistula tract was given.", ["intralesional"]),
    ("MSCs were applied topically to the wound bed.", ["topical"]),
    ("Patients had received intravenous methylprednisolone. Later, MSCs were infused.", []),
    ("Intravenous immunoglobulin failed before MSC transplantation.", []),
    ("脐带间充质干细胞经静脉输注。", ["intravenous"]),
]


@pytest.mark.parametrize("text, expected", ROUTE_CASES)
def test_routes(nlp, text, expected):
    assert intervention(nlp, text)["routes"] == expected


DOSE_CASES = [
    ("MSCs were given at a dose of 2 × 10^6 cells/kg.", [(2e6, "cells/kg")]),
    ("Patients received 1 x 10(6) cells/kg of MSCs.", [(1e6, "cells/kg")]),
    ("The dose was 4×10(7) cells per infusion.", [(4e7, "cells")]),
    ("Each patient received 10 × 106/kg UC-MSCs.", [(1e7, "cells/kg")]),
    ("MSCs (1×10⁶ cells/kg) were infused.", [(1e6, "cells/kg")]),
    ("Each patient received one million MSCs per kilogram body weight.", [(1e6, "cells/kg")]),
    ("A hundred million cells were injected into the knee.", [(1e8, "cells")]),
    ("MSCs were infused at 1·6×10^6 cells per kg.", [(1.6e6, "cells/kg")]),
    ("Cells were given at 1.0E+06 cells/kg.", [(1e6, "cells/kg")]),
    ("Patients were infused with 1.0 to 10 × 10^5 cells/kg MSCs.", [(1e5, "cells/kg"), (1e6, "cells/kg")]),
    ("Patients received 25, 50, 75, or 150 million cells or placebo.",
     [(2.5e7, "cells"), (5e7, "cells"), (7.5e7, "cells"), (1.5e8, "cells")]),
    ("Cohorts received 1 million/kg, 2 million/kg or 4 million/kg.", [(1e6, "cells/kg"), (2e6, "cells/kg"), (4e6, "cells/kg")]),
    ("The hUC-MSC dose was 5x10^7 to 1x10^8.", [(5e7, "cells"), (1e8, "cells")]),
    ("Knees were injected with 10 × 10(6) or 100 × 10(6) cultured autologous BM-MSCs.", [(1e7, "cells"), (1e8, "cells")]),
    ("Patients received 2.5 × 10^7, 5 × 10^7, or 1 × 10^8 cells of hUCB-MSCs.",
     [(2.5e7, "cells"), (5e7, "cells"), (1e8, "cells")]),
    ("The MSC dose was median 1.0 (range 0.4–9) 10^6 cells/kg body weight.", [(1e6, "cells/kg")]),
    ("The number of implanted cells was 1.23×10^8 -1.06×10^9 per leg.", [(1.23e8, "cells"), (1.06e9, "cells")]),
    ("采用UC-MSC(1×10^6/kg)静脉输注。", [(1e6, "cells/kg")]),
    ("Patients received 1–2 × 10^6 cells/kg of bone marrow MSCs.", [(1e6, "cells/kg"), (2e6, "cells/kg")]),
    ("Doses of 0.5, 1 and 2 × 10^6 MSCs/kg were compared.", [(5e5, "cells/kg"), (1e6, "cells/kg"), (2e6, "cells/kg")]),
    ("Each eye received (2-5) × 10^6 cells.", [(2e6, "cells"), (5e6, "cells")]),
    ("A single infusion of 10^8 cells was given.", [(1e8, "cells")]),
    ("每例输注细胞数为5×10^7个。", [(5e7, "cells")]),
    ("移植细胞数为（2～5）×10⁶个/kg。", [(2e6, "cells/kg"), (5e6, "cells/kg")]),
    ("MSCs were given at a mean of (1.2 ± 0.3) × 10^6 cells/kg.", [(1.2e6, "cells/kg")]),
    ("The treatment group received HUC-MSCs (2.6 ± 1.2 × 106/kg) intravenously.", [(2.6e6, "cells/kg")]),
    ("Allogeneic BM MSCs were given at 1(0.7–9) × 106/kg.", [(1e6, "cells/kg")]),
    ("Autogenous BM MSCs were injected intrathecally at 8.73 × 106/person.", [(8.73e6, "cells")]),
    ("Placenta MSCs were infused at 2, 5 or 10 × 106/kg.", [(2e6, "cells/kg"), (5e6, "cells/kg"), (1e7, "cells/kg")]),
    ("Patients were given 40 mL of UC-MSC suspension (2 × 10^7 cells/20 mL).", []),
    ("Platelet counts rose to 150 × 10^9/L after MSC infusion.", []),
    ("Twelve patients received MSCs; the median age was 52 years.", []),
    xfail("Each patient received a total of 200 million MSCs over four infusions.", [(5e7, "cells")],
          reason="a total over several infusions is read as the dose level, not divided per infusion"),
]


@pytest.mark.parametrize("text, expected", DOSE_CASES)
def test_doses(nlp, text, expected):
    doses = intervention(nlp, text)["doses"]
    assert [(d["value"], d["unit"]) for d in doses] == pytest.approx(expected) if expected else doses == []


INFUSION_CASES = [
    ("Patients received four intravenous infusions of MSCs.", 4),
    ("MSCs were infused on days 0, 7, 14 and 21.", 4),
    ("Each patient received a single 10-mL intralesional injection of MSCs.", 1),
    ("Patients were treated intravenously (4 times) and intrathecally (3 times) with MSCs.", 7),
    ("MSCs were infused weekly for 4 weeks.", 4),
    ("MSCs were given twice a week for 4 weeks and, if needed, weekly for an additional 4 weeks.", None),
    ("UC-MSCs were given three times at 4-week intervals.", 3),
    ("HUC-MSCs were infused intravenously twice at a 4-week interval.", 2),
    ("Ten patients received one dose and six received two doses of MSCs.", None),
    ("Subjects were randomized 1:1 to intradiscal injection of MSCs or saline.", None),
    ("The ulcer healed at 6 weeks after injection of MSCs.", None),
    ("Scores were 2 times higher after MSC infusion.", None),
    ("Patients received a single daily dose of prednisone before MSC infusion.", None),
    ("脐带间充质干细胞静脉输注3次。", 3),
    ("观察组经静脉输注hUC-MSCs，每周1次，共4次。", 4),
]


@pytest.mark.parametrize("text, expected", INFUSION_CASES)
def test_infusions(nlp, text, expected):
    assert intervention(nlp, text)["infusions"] == expected


PATTERN_EXAMPLES = [
    (DOSE_ATOM, "2 × 10^6"),
    (DOSE_ATOM, "1 x 10(6)"),
    (DOSE_ATOM, "10 × 106"),
    (DOSE_ATOM, "1×10⁶"),
    (DOSE_ATOM, "150 million"),
    (DOSE_SEPARATOR, ", or "),
    (DOSE_LEFT_LIST, "1.0 to "),
    (DOSE_PER_KG, " cells/kg"),
    (DOSE_PER_VOLUME, " cells/20 mL"),
    (DOSE_CELLS_AFTER, " cultured autologous BM-MSCs"),
    (DOSE_CONTEXT_WORDS, "The hUC-MSC dose was"),
    (INFUSION_COUNT, "six IT injections"),
    (INFUSION_TIMES, "(4 times)"),
    (INFUSION_WEEKLY, "weekly for 4 weeks"),
    (INFUSION_DAYS_LIST, "on days 0, 7, 14, and 21"),
    (INFUSION_MULTIPLE, "double transplantation"),
]


@pytest.mark.parametrize("pattern, example", PATTERN_EXAMPLES)
def test_pattern_examples(pattern, example):
    assert pattern.search(example), (pattern.pattern, example)


def test_evidence_covers_each_field(nlp):
    text = "Autologous bone marrow-derived MSCs (2 × 10^6 cells/kg) were infused intravenously three times."
    section = extract_intervention(nlp(text))
    fields = {span.field for span in section.evidence}
    assert fields == {
        "intervention.cell_types", "intervention.cell_sources", "intervention.donor", "intervention.routes",
        "intervention.doses", "intervention.infusions",
    }


@pytest.mark.skipif(not (EVAL / "msc_dev").is_dir(), reason="shared evaluation sets not present")
def test_msc_dev_intervention_targets(nlp):
    """Regression guard on the dev set: cell_sources and routes F1, donor accuracy >= 0.95; doses F1 >= 0.90."""
    from extractor.reader import read_file

    counts = {field: [0, 0, 0] for field in ("cell_sources", "routes", "doses")}
    donor_right = donor_total = 0
    for gold_path in sorted((EVAL / "msc_dev" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text())
        name = gold["document"]["source_file"]
        got = intervention(nlp, list(read_file(EVAL / "msc_dev" / "inputs" / name, source_file=name))[0].text)
        want = gold["intervention"]
        for field in counts:
            pred = {json.dumps(x, sort_keys=True) for x in _comparable(got[field])}
            true = {json.dumps(x, sort_keys=True) for x in _comparable(want[field])}
            counts[field][0] += len(pred & true)
            counts[field][1] += len(pred - true)
            counts[field][2] += len(true - pred)
        if want["donor"] is not None:
            donor_total += 1
            donor_right += got["donor"] == want["donor"]
    for field, (tp, fp, fn) in counts.items():
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        assert f1 >= (0.90 if field == "doses" else 0.95), field
    assert donor_right / donor_total >= 0.95


def _comparable(values: list) -> list:
    """Values as hashable JSON-ready items (doses as value/unit pairs)."""
    return [[float(v["value"]), v["unit"]] if isinstance(v, dict) else v for v in values]


# --- robustness: any text gives valid records with exact evidence ----------------------------------------------

_PIECES = [
    "MSCs", "hUC-MSCs", "BM MSCs", "bone marrow", "(IV)", "intravenous", "× 10^", "x 10(", "106/kg", "cells/kg",
    "million", "±", "randomized", "placebo", "phase I/II", "follow-up", "months", "after", "(", ")", "[", "]",
    "，", "。", "例", "脐带", "间充质干细胞", "静脉输注", "次", "共", "随访", "年", "1", "2.5", "0", "99", "·", "-", "–",
    ":", "Background:", "Methods:", "\n\n", " ", ".", ",", ";", "/", "^", "E+0", "times", "twice", "on days",
]


@pytest.mark.parametrize("seed", range(40))
def test_any_text_gives_valid_sections(nlp, seed):
    """Random runs of domain fragments never raise and always validate; evidence quotes the text."""
    import random

    from extractor.nlp.design import extract_design

    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 120)))
    doc = nlp(text)
    Intervention.model_validate(dict(extract_intervention(doc).values))
    design_section = extract_design(doc)
    from extractor.records.models import Design

    Design.model_validate(dict(design_section.values))
    for span in (*extract_intervention(doc).evidence, *design_section.evidence):
        assert text[span.start : span.end] == span.quote
