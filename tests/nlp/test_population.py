"""Population rules: sample size, arms and conditions, one short composed sentence per case.

Cases are written for these tests (never copied from the evaluation texts) and
grouped by the writing pattern they exercise; a known miss is an xfail with its
reason, never a deleted case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.nlp.population import extract_population
from extractor.records.models import Population

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"


def population(nlp, text: str) -> dict:
    """The population values extracted from ``text``, validated by the exchange-format model."""
    section = extract_population(nlp(text))
    Population.model_validate(dict(section.values))
    return dict(section.values)


def xfail(text: str, expected, reason: str):
    return pytest.param(text, expected, marks=pytest.mark.xfail(reason=reason, strict=True))


SAMPLE_SIZE_CASES = [
    # tier 0: a stated total
    ("A total of 45 patients were recruited and followed for one year.", 45),
    ("In total, 1,208 women took part in the survey.", 1208),
    ("Overall, 73 participants were enrolled between 2015 and 2018.", 73),
    ("Thirty-two adults with asthma were included in total.", 32),
    # tier 1: enrolled / randomized, passive and active, digits and words
    ("Sixty-four patients with gout were randomly assigned to the two diets.", 64),
    ("We randomized 212 smokers to counselling or usual care.", 212),
    ("The trial enrolled 96 children with eczema.", 96),
    ("This phase 3 study involved 418 patients with psoriasis.", 418),
    ("One hundred and two volunteers were recruited from three clinics.", 102),
    ("Forty eligible patients were randomized.", 40),
    ("Of 58 enrolled patients, 51 completed the study.", 58),
    ("Outpatients with migraine (N = 150) were recruited from a headache centre.", 150),
    ("Nineteen client-owned dogs were included.", 19),
    ("Participants were 1,350 nursing students from six schools.", 1350),
    # tier 2: treated / received; a study in N patients
    ("Stem cells were infused intravenously in 11 patients with lupus.", 11),
    ("Nine patients received a single injection of the cells.", 9),
    ("We performed a 16-patient, open-label pilot trial.", 16),
    # numbers written as words in a tokenized text without periods
    ("PATIENTS Twenty-eight adults with chronic cough were randomly allocated to two groups", 28),
    # Chinese: 例 with an enrolment cue
    ("方法 选取2019年收治的36例类风湿关节炎患者为研究对象。", 36),
    ("方法 纳入二十例患者。", 20),
    # screened counts are not the sample size
    ("Of 140 screened patients, 62 were enrolled.", 62),
    ("A total of 300 patients were screened and 120 were randomized.", 120),
    ("Out of 15 screened patients, 12 were enrolled in the trial.", 12),
    # numerators, subgroups and outcomes are not the sample size
    ("Twenty patients were enrolled. Response occurred in 14 of 20 patients.", 20),
    ("Thirty patients were treated; 12 (40%) patients had a complete response.", 30),
    ("Eighteen patients were enrolled. Remission was achieved in 7 patients treated at the higher dose.", 18),
    # numbers that name things are not counts
    ("Twenty adults with type 1 diabetes were enrolled.", 20),
    ("Forty patients treated from 2012 to 2016 were randomly divided into two groups.", 40),
    ("Fifteen COVID-19 patients were included.", 15),
    ("Twelve ASA 2 patients were randomized.", 12),
    # coordinated counts enrolled together add up
    ("Six NMO patients and 4 RRMS patients were treated with cells.", 10),
    ("Of 300 eligible patients, 150 + 150 patients were randomised.", 300),
    # a control group at least as large as the enrolled count is added to it
    ("Thirty inpatients were recruited and received cells. Thirty-five patients matched for age served as controls.", 65),
    ("A total of 12 patients received the drug, the remaining 14 acting as a control group.", 26),
    # the arms' sum when no total is stated; a sum the text states elsewhere too beats a lone "in N"
    ("Subjects were randomized into the cell (n = 21) or saline (n = 19) group.", 40),
    ("A dose-finding study in 21 patients was performed in 2012-2014. All patients treated with cells (cohort 1, "
     "n = 5; cohort 2, n = 5; cohort 3, n = 5) were invited. Thirteen out of 15 patients were available.", 15),
    ("Of 181 eligible patients, 89 were randomly assigned to the A group and 92 to the B group.", 181),
    ("In 2014, 440 women were allocated to the intervention group and 439 were assigned to the control group.", 879),
    # a heading in capitals (punctuation lost in an export) is not an abbreviation naming the number
    ("Gabapentin for tinnitus OBJECTIVE To test gabapentin METHOD Forty-two adults were randomized to drug or placebo",
     42),
    ("DESIGN Crossover trial SETTING Two clinics PARTICIPANT 18 volunteers were studied twice", 18),
    # care providers count only when nobody else is counted
    ("One anaesthetist and three nurses took part. Among 212 patients, 105 were given drug A and 107 drug B.", 212),
    ("Forty nurses were randomized to a training course or usual practice.", 40),
    ("Twelve physicians were surveyed about referrals; 95 children were enrolled in the trial.", 95),
    # the upper bound of an age range is not a count
    ("Using random sampling, 50 men between the ages of 30 and 64 were selected.", 50),
    ("We recruited 75 adults aged 18 to 45 years.", 75),
    # arms named as subjects add up to the sample
    ("Cohort A enrolled 24 adult patients and cohort B enrolled 31 paediatric patients.", 55),
    # a bare count of the clusters named before it counts no people
    ("The trial was conducted on 60 rural women. From the six selected clusters, three were randomly allocated "
     "as the control group.", 60),
    # counts of treated people after the arms are subgroups or outcomes: the arms' sum is the sample
    ("Ninety-seven patients received drug A and 110 patients received drug B. Relapse occurred in 7 patients "
     "on drug A and 3 patients on drug B.", 207),
    # reviews take only a pooled total, and abstain otherwise
    ("A systematic review and meta-analysis. Eight randomized controlled trials were included.", None),
    ("Meta-analysis of cell therapy. A total of 612 patients from 9 trials were included.", 612),
    ("A systematic review and meta-analysis. Ten RCTs with 480 patients were included.", 480),
    ("Meta-analysis of MSC therapy. Twelve studies involving 612 participants were included.", 612),
    ("Meta-analysis. A total of 15 trials (n = 734) met the inclusion criteria.", 734),
    # nothing to count: abstain
    ("Cell therapy is a promising option for liver disease.", None),
    # known misses
    xfail("Twenty-three subjects were given vaccine A and 27 received vaccine B.", 50,
          "two counts with a verb each are not added up"),
    xfail("Two hundred and forty-one Latinas with cancer were assessed at baseline.", 241,
          "participant noun outside the vocabulary and no enrolment verb"),
    xfail("Forty-women with breast cancer were randomized.", 40, "number word glued to its noun by a hyphen"),
]


@pytest.mark.parametrize("text, expected", SAMPLE_SIZE_CASES)
def test_sample_size(nlp, text: str, expected: int | None) -> None:
    assert population(nlp, text)["sample_size"] == expected


ARM_CASES = [
    ("Patients were randomized to cells (n = 30) or placebo (n = 28).", [("cells", 30), ("placebo", 28)]),
    ("Fifty-three patients were treated (20 in cohort A, 20 in cohort B, 6 in cohort C and 7 in the placebo group).",
     [("cohort A", 20), ("cohort B", 20), ("cohort C", 6), ("placebo group", 7)]),
    ("The women were randomly assigned to surgery (120 patients) or radiotherapy (118 patients).",
     [("surgery", 120), ("radiotherapy", 118)]),
    ("Of these, 40 patients were in the treatment group and 38 patients in the control group.",
     [("treatment group", 40), ("control group", 38)]),
    # the label is the phrase before a bracket that holds the dose
    ("Adults were randomly assigned to umbilical cord MSCs (1 × 10^6 cells/kg, n = 61) or placebo (n = 59).",
     [("umbilical cord MSCs", 61), ("placebo", 59)]),
    # "N to LABEL" and "N received LABEL" after an allocation word
    ("Sixty patients were randomized (31 to cells and 29 to placebo).", [("cells", 31), ("placebo", 29)]),
    ("Of 50 randomized patients, 26 received high-dose MSCs and 24 received low-dose MSCs.",
     [("high-dose MSCs", 26), ("low-dose MSCs", 24)]),
    ("A total of 45 patients, including 30 patients receiving cell infusion, and 15 patients receiving saline, "
     "were recruited.", [("cell infusion", 30), ("saline", 15)]),
    # group sizes stated one sentence each
    ("The control group (n = 54) received standard care. The MSC group (n = 56) received four infusions.",
     [("control group", 54), ("MSC group", 56)]),
    # a group named as the subject of its size
    ("Cohort 1 enrolled 66 unselected patients and cohort 2 enrolled 99 selected patients.",
     [("Cohort 1", 66), ("cohort 2", 99)]),
    ("The treatment group included 30 patients. The control group included 28 patients.",
     [("treatment group", 30), ("control group", 28)]),
    # equal arms named in the allocation
    ("Forty patients were randomly divided into the oral group and the infusion group, and each group had 20 cases.",
     [("oral group", 20), ("infusion group", 20)]),
    ("将60例患者随机分为治疗组和对照组，每组30例。", [("治疗组", 30), ("对照组", 30)]),
    ("将80例患者随机分为观察组和对照组各40例。", [("观察组", 40), ("对照组", 40)]),
    ("方法 将60例患者随机分为研究组与对照组，各30例。", [("研究组", 30), ("对照组", 30)]),
    ("方法 选择患者60例，随机分为治疗组30例和对照组30例。", [("治疗组", 30), ("对照组", 30)]),
    ("方法 将96例患者按随机数字表法分为对照组(48例)和研究组(48例)。", [("对照组", 48), ("研究组", 48)]),
    # an arm's size in words, its label ended by "in addition to" or a bracket
    ("Thirty-one patients received MSCs (median dose 1.5 × 10^6 cells/kg) in addition to second-line therapy, "
     "and 25 patients received second-line therapy alone.", [("MSCs", 31), ("second-line therapy alone", 25)]),
    # equal arms, the count first; a date span's "to" does not open the group list
    ("Sixty patients admitted from January 2016 to June 2018 were divided into observation group and control "
     "group by random number table method, with 30 cases in each group.", [("observation group", 30), ("control group", 30)]),
    # dose cohorts: one arm per listed dose
    ("Patients received a single infusion of 2.5 × 10^7, 5 × 10^7, or 1 × 10^8 cells of MSCs, three patients in "
     "each cluster.", [("2.5 × 10^7 cells", 3), ("5 × 10^7 cells", 3), ("1 × 10^8 cells", 3)]),
    ("Patients were treated with MSCs around the fistula at doses of 1 × 10^7 (n=5), 3 × 10^7 (n=5) or "
     "9 × 10^7 (n=5).", [("1 × 10^7", 5), ("3 × 10^7", 5), ("9 × 10^7", 5)]),
    # a label window never starts inside a word
    ("Of 112 patients screened, 60 were enrolled and randomly assigned to transendocardial injection of 150 "
     "million mesenchymal precursor cells (n = 30) or a sham procedure (n = 30).",
     [("injection of 150 million mesenchymal precursor cells", 30), ("sham procedure", 30)]),
    # numbers of doses and what each had are not arms
    ("Nineteen patients received one dose, 19 patients received two doses and 2 received three.", []),
    ("Of these, 228 received their allocated treatment (115 received MSCs plus chemotherapy and 113 received "
     "chemotherapy alone).", [("MSCs plus chemotherapy", 115), ("chemotherapy alone", 113)]),
    # a time is not an arm, nor is a span of dates
    ("Between May 2006 to August 2007 and 2008 to October 2009, 84 patients were randomized to two arms.", []),
    # a time is not an arm
    ("Patients were randomized and followed to 12 months; 30 were extended to 24 months.", []),
    # organ involvement lists are not arms
    ("Affected organs were skin (8 patients), gut (5 patients) and liver (2 patients).", []),
    # a single n is not a set of arms
    ("The control group (n = 54) received standard care.", []),
    # a statistic is not a label
    ("Scores fell in both groups (P = 0.01, n = 30; P = 0.02, n = 28) after randomization.", []),
]


@pytest.mark.parametrize("text, expected", ARM_CASES)
def test_arms(nlp, text: str, expected: list[tuple[str, int]]) -> None:
    arms = population(nlp, text)["arms"]
    assert [(a["label"], a["n"]) for a in arms] == expected


CONDITION_CASES = [
    # Chinese: after 治疗 (treating) or before 患者 (patients), lead words cut off
    ("脐带间充质干细胞治疗系统性红斑狼疮的临床观察\n\n方法 选取60例患者。", ["系统性红斑狼疮"]),
    ("干细胞移植的远期预后\n\n方法 选取接受治疗的92例难治性狼疮性肾炎患者为研究对象。", ["难治性狼疮性肾炎"]),
    # two leading words in turn: 收治, then 的
    ("干细胞移植的远期预后\n\n方法 选取我院收治的难治性类风湿关节炎患者80例。", ["难治性类风湿关节炎"]),
    ("干细胞移植的远期预后\n\n方法 选择失代偿期乙肝肝硬化患者60例。", ["失代偿期乙肝肝硬化"]),
    ("骨髓间充质干细胞移植对失代偿期肝硬化患者肝功能的影响", ["失代偿期肝硬化"]),
    ("Stem cells for patients with refractory polymyositis/dermatomyositis", ["polymyositis", "dermatomyositis"]),
    ("Cell therapy in knee osteoarthritis: a randomized trial", ["knee osteoarthritis"]),
    ("We treated patients with systemic lupus erythematosus (SLE). SLE patients improved.",
     ["systemic lupus erythematosus"]),
    ("Treatment of decompensated liver cirrhosis with cells", ["decompensated liver cirrhosis"]),
]


@pytest.mark.parametrize("text, expected", CONDITION_CASES)
def test_conditions(nlp, text: str, expected: list[str]) -> None:
    assert population(nlp, text)["conditions"][: len(expected)] == expected


def test_evidence_quotes_the_text(nlp) -> None:
    text = "Methods: Forty-five patients were randomized to cells (n = 23) or saline (n = 22)."
    section = extract_population(nlp(text))
    assert section.values["sample_size"] == 45
    fields = {span.field for span in section.evidence}
    assert {"population.sample_size", "population.arms"} <= fields
    for span in section.evidence:
        assert text[span.start:span.end] == span.quote
        assert span.rule
    sample = next(s for s in section.evidence if s.field == "population.sample_size")
    assert sample.quote == "Forty-five"


@pytest.mark.skipif(not (EVAL / "msc_dev").is_dir(), reason="shared/eval is absent")
def test_msc_dev_sample_size_floor(nlp) -> None:
    """The msc_dev reference set: sample size right (or abstained when gold is null) for nearly all."""
    from extractor.reader import read_file

    right = total = 0
    for gold_path in sorted((EVAL / "msc_dev" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text())
        source = EVAL / "msc_dev" / "inputs" / gold["document"]["source_file"]
        doc = next(iter(read_file(source, source_file=source.name)))
        total += 1
        right += population(nlp, doc.text)["sample_size"] == gold["population"]["sample_size"]
    assert right / total >= 0.97, f"{right}/{total}"
