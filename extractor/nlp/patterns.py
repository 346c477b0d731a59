"""Regular expressions of the number grammar, one named constant each.

Each constant has a one-line comment and an example it must match; the tests
in ``tests/nlp/test_patterns.py`` hold every example. Other modules compose
these, they do not write their own number regexes.
"""

from __future__ import annotations

import re

from extractor.nlp.grammar.numbers import NUMBER_WORDS_PATTERN

# --- numbers ----------------------------------------------------------------

#: A signed decimal with optional thousands separators or a middle-dot decimal: "533,482.5", "−7.9", "1·6", "+0.59".
#: (The statistic grammar's own, stricter, is ``grammar.numbers.DECIMAL``; the older cue patterns below embed this one.)
NUMBER = r"(?:[+\-−–‒]\s?)?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:[.·]\d+)?|(?:[+\-−–‒]\s?)?[.·]\d+"
#: Whitespace including the no-break and thin spaces of publisher HTML: "5.7\xa0±\xa00.2".
SPACE = r"[\s\u00a0\u2009\u202f]"
# --- mean and spread (the statistic forms live in ``grammar.forms``) ------------------------

#: `a % of weight (SD = b %)`: a spread bracket a few words after its value: "3.7 % of weight (SD = 5.4 %)".
MEAN_SD_LATE = re.compile(
    rf"(?P<value>{NUMBER}){SPACE}*(?P<unit1>%)?(?P<words>(?:{SPACE}+[A-Za-z][\w\-/]*){{1,4}}){SPACE}*[(\[;,]{SPACE}*(?P<kind>SD|SE|SEM){SPACE}*[=:]?{SPACE}*"
    rf"(?P<spread>\d+(?:[.·]\d+)?|[.·]\d+){SPACE}*%?{SPACE}*[)\]]"
)

# --- percentages and proportions ---------------------------------------------

#: A percentage: "77.4%", "92.9 %", "(83%)".
#: Not right after a letter, digit or underscore; a Chinese character may come before: "有效率为87.5%".
#: (``\w`` is Unicode: it holds every Chinese character, and Chinese writes numbers against its words.)
AFTER_NON_WORD = r"(?<![^\W\u3400-\u4dbf\u4e00-\u9fff])"
#: A percentage: "35.5%", "12 %", "为87.5%".
PERCENT = re.compile(rf"{AFTER_NON_WORD}(?<!\.)(?P<value>{NUMBER}){SPACE}?%")
#: The members before the one percentage of a list that gives the sign once (`48, 71, and 63%`), matched on
#: the text just before that percentage: "48, 71, and ", "21.5 and ".
PERCENT_LIST_HEAD = re.compile(rf"(?:{AFTER_NON_WORD}(?<!\.)[-−]?\d+(?:\.\d+)?{SPACE}*(?:,|,?\s+and|,?\s+or){SPACE}*)+$")
#: `n/N (x%)` or `x% (n/N)`: "94% (82/87)", "13/14 (92.9%)".
FRACTION = re.compile(r"(?P<num>\d+)\s?/\s?(?P<den>\d+)(?!\s?(?:m|k|d|h|L|µ|u|y))")
#: A number of people with an event (digits): "4 of 9 patients", "in 2 patients".
COUNT_OF_PEOPLE = re.compile(
    r"\b(?:(?P<num>\d+)\s+(?:out\s+)?of\s+(?:the\s+)?(?P<den>\d+)|(?<=\bin\s)(?P<alone>\d+))\s+(?:patients|participants|subjects|cases|children|women|men)\b(?!\s*\()"
)
#: People counted with what happened to them, and the counts listed after them with a verb of their own:
#: "12 patients encountered fever", "1 patient developed low back pain", "11 patients survived and 8 died",
#: "11 patients had a complete response and 4 had a partial response".
EVENT_VERB = (
    r"(?:had|has|developed|experienced|encountered|suffered|survived|died|achieved|attained|showed|responded|relapsed|"
    r"recovered|required|needed|remained|presented|reported|complained|(?:were|was)\s+(?:dead|died|deceased))"
)
#: A count of people and its event verb, or a bare count and its verb: "12 patients encountered", "and 8 died".
EVENT_COUNT = re.compile(
    rf"(?<![\w.,/-])(?P<num>\d+)\s+(?:(?:patients?|participants?|subjects?|cases?|children|infants?|women|men|persons?)"
    rf"(?:\s+\([^()]{{1,30}}\))?\s+(?:\w+ly\s+)?{EVENT_VERB}\b|(?:\w+ly\s+)?{EVENT_VERB}\b)",
    re.IGNORECASE,
)
#: How people entered or stayed in a study, after "were" (a regex source shared by the outcome rules): "randomized",
#: "available", "lost to follow-up".
STUDY_FLOW_WORDS = (
    r"(?:randomi[sz]ed|assigned|allocated|enrolled|included|recruited|excluded|eligible|screened|available|evaluable|"
    r"analy[sz]ed|lost\s+to)"
)
#: Events counted as a noun: "There was one death", "3 serious adverse events were reported",
#: "two serious adverse events were reported".
EVENT_NOUN_COUNT = re.compile(
    rf"\bthere\s+(?:was|were)\s+(?P<num>\d+|{NUMBER_WORDS_PATTERN})\s+(?!(?:and|or|to)\b)(?P<noun>(?:[A-Za-z][\w-]*\s+){{0,3}}?[A-Za-z][\w-]*?)"
    rf"(?=\s+(?:at|in|during|after|within|of|among|on|and|\(|,|;|\.)|[,;.(]|$)"
    rf"|(?<![\w.,/-])(?P<num2>\d+|{NUMBER_WORDS_PATTERN})\s+(?P<noun2>(?:[\w-]+\s+){{0,3}}?[\w-]+s)\s+(?:were|was)\s+"
    r"(?:reported|observed|recorded|noted|documented|detected)\b",
    re.IGNORECASE,
)
#: Nouns counted that are no events: times, people, animals, studies ("24 hours", "75 survivors", "20 cats").
NOT_EVENT_NOUN = re.compile(
    r"\b(?:hours?|hrs?|days?|weeks?|months?|years?|minutes?|patients?|participants?|subjects?|survivors?|volunteers?|"
    r"individuals?|persons?|people|women|men|children|cats?|dogs?|rats?|mice|animals?|studies|trials|centers?|centres?|"
    r"sites?|groups?|arms?)\b",
    re.IGNORECASE,
)
#: A Chinese count of cases after what they had, in the results: "骨折愈合25例" (fracture healed, 25 cases), "死亡7例".
CJK_CASE_COUNT = re.compile(r"(?<=[\u4e00-\u9fff，,；;：:、])(?P<num>\d+)\s?(?:例|人)(?!\s?[(（]\s?\d)")
#: How Chinese cases entered or left the study: lost to follow-up (失访), completed (完成), included (纳入, 入选),
#: dropped out (脱落), withdrew (退出), enrolled (入组): "有3例患儿失访", "顺利完成研究的17例".
CJK_STUDY_FLOW = re.compile(r"失访|完成|纳入|入选|脱落|退出|入组|选择|收集|随机")
#: The heading of a Chinese abstract's results: "结果".
CJK_RESULTS = re.compile(r"结果")
#: `n of N patients`: "13 of 14 patients", "Thirteen out of 15 patients".
N_OF_N = re.compile(r"\b(?P<num>\d+|[A-Za-z]+(?:-[a-z]+)?)\s+(?:out\s+)?of\s+(?:the\s+)?(?P<den>\d+)\b")

# --- p-values -------------------------------------------------------------------

#: Comparison operators, including HTML-escaped ones of scraped pages: "<", "≤", "&lt;", "&L;".
P_OPERATOR = r"(?:<=|>=|=<|≤|≥|<|>|=|&[lL][tT]?;|&[gG][tT]?;)"
#: A p-value: "P<0.05", "p = .0517", "P&L;0.01", "P =.642", "p-value < 0.001", "P< 0. 99", "p=0·84" (a Lancet middle dot).
P_VALUE = re.compile(
    rf"(?<![A-Za-z])[Pp]{SPACE}*(?:-?{SPACE}*values?)?{SPACE}*(?:for\s+\w+\s+)?(?:(?P<op>{P_OPERATOR})|(?<=[Pp]\s)(?=0?[.·]\d)){SPACE}*(?P<value>0?{SPACE}?[.·]{SPACE}?\d+|[01](?![.·\d])|\d(?:\.\d+)?\s?[x×]\s?10\s?[-−–]\s?\d+)"
)
#: A p-value scoped to several values: "all P<0.05", "both p < .01", "P < 0.05 for all", "差异均有统计学意义(P<0.05)".
P_ALL_CUE = re.compile(r"\b(?:all|both|each|every)\b[^.;()\[\]]{0,12}$|均[^。；;]{0,12}$", re.IGNORECASE)

# --- timepoints ---------------------------------------------------------------

#: Time units with their length in days: day 1, week 7, month 30, year 365 (FORMAT.md), hour 1/24.
UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
#: A time unit word and its abbreviations: "weeks", "wk", "mo", "yrs", "h".
TIME_UNIT = r"(?P<unit>hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?|years?|yrs?)"
#: Number words used for durations: "one week", "six to twelve months".
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "forty-eight": 48, "fifty-two": 52,
}
#: Ordinals used for "the fourth week", "the 20th week".
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "twelfth": 12,
}
_NUM_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_ORD_WORD = "|".join(ORDINAL_WORDS)
#: `N unit` with digits or words, hyphenated or not: "1 month", "one week", "6-month", "24 hours", "3 month".
TIMEPOINT_AMOUNT = re.compile(
    rf"{AFTER_NON_WORD}(?P<amount>\d+(?:\.\d+)?|{_NUM_WORD})(?:{SPACE}|-){{1,2}}{TIME_UNIT}(?![A-Za-z0-9_])", re.IGNORECASE
)
#: `unit N`: "week 2", "Week 24", "day 28", "month 1".
TIMEPOINT_UNIT_FIRST = re.compile(rf"\b(?P<unit>week|wk|day|month|year|hour)s?{SPACE}?(?P<amount>\d+)\b(?!\s*(?:%|patients|cells))", re.IGNORECASE)
#: "the fourth week", "20th week", "the 1st year".
TIMEPOINT_ORDINAL = re.compile(
    rf"\b(?P<ordinal>{_ORD_WORD}|\d+(?:st|nd|rd|th)){SPACE}+(?P<unit>week|month|day|year|hour)\b", re.IGNORECASE
)
#: A list of amounts sharing one unit: "1, 3 and 5 years", "1-, 3-, 12-month", "3 and 6 months".
TIMEPOINT_LIST = re.compile(
    rf"\b(?P<amounts>(?:\d+-?{SPACE}*,{SPACE}*)+\d+-?(?:{SPACE}*,?{SPACE}*(?:and|or){SPACE}+\d+-?)?|\d+-?{SPACE}+(?:and|or){SPACE}+\d+-?)(?:{SPACE}|-)*{TIME_UNIT}\b",
    re.IGNORECASE,
)
#: A Chinese arm name (a regex source): two characters then 组 ("观察组", "对照组", "治疗组") or a letter ("A组"),
#: not "两组" (both groups), "各组" (each group), "每组", "分组", "本组".
CJK_ARM = r"[\u4e00-\u9fff][\u4e00-\u9fff](?<![两各每分本该全此诸])组|[A-Za-z0-9]{1,3}组"
#: Chinese `N unit` timepoints: "3个月" (3 months), "2周" (2 weeks), "1年" (1 year), "24小时" (24 hours).
TIMEPOINT_CJK = re.compile(r"(?P<amount>\d+(?:\.\d+)?)\s?(?P<unit>个月|月|周|天|日|年|小时)")
#: Chinese baselines: "治疗前" (before treatment), "基线" (baseline), "移植前" (before transplantation).
BASELINE_CJK = re.compile(r"基线|(?:治疗|移植|输注|注射|干预|术)前")
#: The baseline: "baseline", "before treatment", "pretreatment", "before MSCT", "at entry".
BASELINE = re.compile(
    r"\b(?:baseline|pre-?treatment|pre-?transplant(?:ation)?|pre-?infusion|pre-?operative(?:ly)?|at (?:entry|enrollment|enrolment|admission|inclusion)"
    r"|before (?:the )?(?:treatment|therapy|transplantation|infusion|injection|intervention|surgery|randomi[sz]ation|(?-i:[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)))\b",
    re.IGNORECASE,
)

# --- units ---------------------------------------------------------------------

#: A measurement unit right after a number: "U/L", "mg", "mL", "g/dL", "ng/mL", "mmHg", "cm", "kg", "days",
#: "mm/h", "g/24 h", "分" (points of a Chinese score; not 分析 analysis, 分钟 minutes).
UNIT = re.compile(
    rf"{SPACE}*[)\]]?{SPACE}*(?P<unit>(?:%|[µμu]?[mnpkd]?g/(?:[mdµμ]?L|kg|day|d)|[mnpµμ]?mol/L|[µμmnk]?[IU]U?/[mµμ]?L|I?U/kg|U/L|IU/L|U/mL|"
    r"[x×]\s?10\^?\d+/L|mmHg|mm\s?Hg|cm2|cm²|cm3|cm³|m2|m²|mm2|mm²|mm3|mm³|[mµμnc]?[mgL]\b|kg/m2|kg/m²|kg|cm|mm|bpm|beats/min|/mm3|/μL|/µL|×\s?10\^?\d+/L|points?|分(?![析钟数])|days?|d(?![A-Za-z0-9])|weeks?|months?|years?|hours?|minutes?|min|seconds?|s\b|ml/min(?:/1\.73\s?m2)?|mL/min(?:/1\.73\s?m2)?)"
    r"(?:/(?:24\s?h|hr?|min|d|day|wk|week)\b)?)",  # per time: "mm/h", "g/24 h", "mg/kg/day"
)

# --- sentence structure ---------------------------------------------------------

#: Words that link the measure (subject) to its values: "decreased from", "was", "were", "increased to".
MEASURE_VERB = re.compile(
    r"\b(?:was|were|is|are|decreased|increased|declined|reduced|improved|rose|fell|dropped|changed|remained|reached|"
    r"showed|had|went|raised|elevated|lowered|tapered|averaged|ranged|differed|did not|was not|were not|"
    r"occurred|developed|experienced|observed|reported|noted)\b|:|(?<=\S)\s(?=from\s)",
)
#: Cues that a bare number is a mean: "mean", "average", "on average", "平均" (mean).
MEAN_CUE = re.compile(r"\b(?:mean|means|average|averaged|on average|median|baseline)\b|平均", re.IGNORECASE)
#: Cues that a value is a change, not a level: "change", "difference", "reduction", "decreased by".
CHANGE_CUE = re.compile(
    r"\b(?:changes?|differences?|reductions?|improvements?|increases?|decreases?|gains?|loss|declines?|"
    r"(?:decreased|increased|reduced|improved|declined|fell|rose|dropped)\s+by)\b",
    re.IGNORECASE,
)
#: Baseline characteristics that are not outcomes: "mean age", "disease duration", "BMI".
DEMOGRAPHIC_CUE = re.compile(
    r"\b(?:age[sd]?|aged|years? old|disease duration|duration of (?:the )?disease|body mass index|BMI|height|follow[-‐‑–]?\s?up|"
    r"time (?:since|from) (?:the )?diagnosis|birth ?weight|gestational age)\b",
    re.IGNORECASE,
)
#: Numbers that are doses, not outcomes: " × 10^6 cells/kg", " x 10(6) cells", " cells/kg", " million cells",
#: " mL per finger" (a volume injected at each site).
DOSE_CONTEXT = re.compile(
    r"[\s\u00a0)\]]*(?:(?:[x×]\s?)?10\s?(?:\^\s?\d+|\(\d+\)|\d)\s*(?:cells|MSCs?\b|/kg|per\s+kg)|cells|million|billion|MSCs?\b|/kg"
    r"|(?:m[lL]|mg|[µμu]g)\s*(?:per|/|each|in\s+each)\s+(?:finger|digit|injection|site|joint|knee|eye|lesion|ulcer|fistula|point))",
    re.IGNORECASE,
)


# === intervention and design (doses, administrations, follow-up durations) ==================================
# Owned by the design/intervention rules (extractor/nlp/intervention.py, design.py); examples in
# tests/nlp/test_intervention.py and tests/nlp/test_design.py.

#: Unicode superscript digits to ASCII, for "10⁶".
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: A dose mantissa: "1.0", "1·6", "120", "5,000,000".
DOSE_MANTISSA = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:[.·]\d+)?"
#: A number word before "million" or "billion": "one million MSCs per kilogram".
DOSE_MANTISSA_WORD = r"(?i:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a\s+hundred)"
#: A cell number with its power of ten or word multiplier: "2 × 10^6", "1 x 10(6)", "4×10(7)", "10^7",
#: "10 × 106" (a copied superscript flattened), "1×10⁶", "1.0E+06", "150 million", "one million", "1.0 (range 0.4–9) 10^6",
#: "1(0.7–9) × 106" (a parenthesised range after the median belongs to it, not to the dose levels).
DOSE_ATOM = re.compile(
    rf"(?<![A-Za-z0-9_.·,])(?P<mant>{DOSE_MANTISSA}|{DOSE_MANTISSA_WORD}(?={SPACE}(?:millions?|billion)))?"
    rf"(?P<paren>{SPACE}?[(\[（][^()\[\]（）]{{1,40}}[)\]）])?"
    rf"(?:{SPACE}?[×xX*]{SPACE}?10(?:{SPACE}?\^{SPACE}?|{SPACE}?\({SPACE}?|{SPACE}?[eE]|{SPACE}?)(?P<exp>\d{{1,2}})\)?(?!\d|\.\d)"
    rf"|{SPACE}?[×xX*]{SPACE}?10(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|{SPACE}?(?<![\d.])10{SPACE}?(?:\^|\(){SPACE}?(?P<exp_bare>\d{{1,2}})\)?"
    rf"|[eE]\+?0?(?P<exp_e>\d{{1,2}})(?!\d|\.\d)"
    rf"|{SPACE}?(?P<word>millions?|billion|万|亿)(?![a-z]))"
)
#: Literals every dose atom holds: it is matched only around them ("×", "10^", "million").
DOSE_ANCHORS = ("×", "x10", "x 10", "X10", "X 10", "*10", "10^", "10(", "10 (", "illion", "E+0", "e+0", "万", "亿")
#: What may stand between two doses of one list: "2.5 × 10^7, 5 × 10^7, or 1 × 10^8", "5x10^7 to 1x10^8".
DOSE_SEPARATOR = re.compile(rf"{SPACE}?(?:,{SPACE}?(?:or|and)?|or|and|to|[-–—~～]|至|到){SPACE}?")
#: Bare numbers before a dose that share its multiplier: "1.0 to " in "1.0 to 10 × 10^5", "(1-2) " in "(1-2) × 10^6".
DOSE_LEFT_LIST = re.compile(
    rf"[(\[（]?(?P<nums>(?:(?:{DOSE_MANTISSA}){SPACE}?(?:,{SPACE}?(?:or{SPACE}|and{SPACE})?|or{SPACE}|and{SPACE}|to{SPACE}|[-–—~～]|至|到){SPACE}?)+(?:{DOSE_MANTISSA})?)[)\]）]?{SPACE}?$"
)
#: Cells per kilogram of body weight after a dose: "cells/kg", " cells per kg", "/kg", " MSCs/kg", "个/kg", "cells·kg−1".
DOSE_PER_KG = re.compile(
    rf"^{SPACE}?(?:[)\]]{SPACE}?)?(?:(?:[\w-]+{SPACE}){{0,2}}?(?:cells?|[\w-]*MSCs?|个细胞|个){SPACE}?)?"
    rf"(?:/{SPACE}?|per{SPACE}+|·{SPACE}?|每)(?:1{SPACE}?)?(?:kg|kilogram)(?![a-z])",
    re.IGNORECASE,
)
#: A count per volume or area is a concentration, not a dose: "cells/20 mL", "/L", " cells/μL", " per mL".
DOSE_PER_VOLUME = re.compile(
    rf"^{SPACE}?(?:(?:[\w-]+{SPACE}){{0,2}}?(?:cells?|[\w-]*MSCs?|个细胞|个){SPACE}?)?(?:/|per{SPACE}+)"
    rf"(?:\d+(?:\.\d+)?{SPACE}?)?(?:m[lL]|L|[µμu][lL]|dL|mm[3³]|cm[2²]|wells?|dish|flask|HPF|g)(?![A-Za-z])"
)
#: A number of cells after a dose: " cells", " cultured autologous BM-MSCs", " per infusion", "/person", "个细胞".
DOSE_CELLS_AFTER = re.compile(
    rf"^{SPACE}?(?:[)\]]{SPACE}?)?(?:(?:[\w-]+{SPACE}){{0,3}}?(?:cells?|[A-Za-z-]*MSCs?|个细胞|个)(?![A-Za-z])"
    rf"|(?:per{SPACE}+|/{SPACE}?)(?:infusion|injection|dose|administration|time|transplantation|patient|person|subject|leg|limb"
    rf"|knee|joint|eye|site|session|fistula|lesion|side)\b)",
    re.IGNORECASE,
)
#: Words that make a bare cell number a dose: "The hUC-MSC dose was 5x10^7 to 1x10^8", "细胞剂量".
DOSE_CONTEXT_WORDS = re.compile(r"\bdos(?:e|es|age|ing)\b|剂量|number of (?:\w+ )?cells", re.IGNORECASE)

#: Small counts written as words (administrations per patient): "three" -> 3, "a single" -> 1, "twice" -> 2.
SMALL_NUMBER_WORDS = {
    "a single": 1, "single": 1, "one": 1, "once": 1, "two": 2, "twice": 2, "double": 2, "dual": 2, "three": 3,
    "thrice": 3, "triple": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10,
}
_SMALL = r"a\s+single|single|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}"
#: Words that may stand between a count and its administrations, but not nouns of people or clause words.
_ADMIN_FILLER = (
    r"(?:(?!(?:patients?|subjects?|participants?|cases?|groups?|of|and|or|were|was|received?|had|with|in|the|at|"
    r"different|increasing|escalating|dose|separate|after|before|post|following|during|within|to|into|from|by|for|on|per"
    r"|daily|weekly|monthly|nightly|hourly"
    r"|hours?|days?|weeks?|months?|years?)\b)"
    r"[\w.-]+\s+)"
)
#: A count of administrations: "four IV infusions", "six IT injections", "a single 24-mL intralesional injection",
#: "one dose", "输注3次" (infused 3 times), "共4次" (4 times in all).
INFUSION_COUNT = re.compile(
    rf"(?<![\w^(.·:])(?P<n>{_SMALL})\s+{_ADMIN_FILLER}{{0,3}}?(?:infusions?|injections?|doses?|administrations?|transplantations?"
    r"|transfusions?|implantations?|applications?|courses)\b(?!\s+(?:sites?|groups?|levels?|cohorts?|arms?|points?))"
    r"|(?:输注|注射|移植|回输|共)\s?(?P<ncn>\d+|[一二两三四五六七八九十])\s?次",
    re.IGNORECASE,
)
#: Literals every administration count holds.
INFUSION_COUNT_ANCHORS = (
    "infusion", "injection", "dose", "administration", "transplantation", "transfusion", "implantation", "application",
    "course", "次",
)
#: `N times` of giving the cells (several in one sentence add up): "(4 times)", "given three times at 4-week intervals".
INFUSION_TIMES = re.compile(
    r"\b(?P<n>twice|thrice|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+times\b"
    r"(?!\s+(?:higher|lower|more|less|greater|larger|smaller|as|than|the|per|a|daily|weekly|monthly|that|faster|slower)\b)"
    r"|\b(?:infused|injected|administered|given|transplanted|transfused|intravenously|intrathecally|intramuscularly"
    r"|intra-articularly|locally)\s+(?P<n2>once|twice|thrice)\b(?!\s+(?:a|per|every|daily|weekly)\b)",
    re.IGNORECASE,
)
#: Literals every "N times" holds.
INFUSION_TIMES_ANCHORS = (" times", "once", "twice", "thrice")
#: A fixed weekly schedule: "infused weekly for 4 weeks" (4), "twice a week for 4 weeks" (8); "weekly for an
#: additional 4 weeks" is a second count, so a varying schedule gives no single number.
INFUSION_WEEKLY = re.compile(
    r"\b(?:(?P<twice>twice)\s+(?:a|per|every)\s+week|weekly|once\s+(?:a|per|every)\s+week|every\s+week)\s+for\s+"
    r"(?:an?\s+|another\s+)?(?:additional\s+|further\s+|more\s+)?(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:consecutive\s+)?weeks\b",
    re.IGNORECASE,
)
#: Literals every weekly schedule holds.
INFUSION_WEEKLY_ANCHORS = ("week",)
#: Days of administration listed: "on days 0, 7, 14, and 21" (4), "on day 0, 3, and 6" (3).
INFUSION_DAYS_LIST = re.compile(r"\bon\s+days?\s+(?P<list>\d+(?:\s?,\s?\d+)*(?:\s?,?\s?and\s\d+)|\d+(?:\s?,\s?\d+)+)\b", re.IGNORECASE)
#: Literals every list of administration days holds.
INFUSION_DAYS_ANCHORS = ("on day", "On day")
#: A doubled administration: "a double transplantation" (2), "triple infusion".
INFUSION_MULTIPLE = re.compile(r"\b(?P<n>double|triple|dual)\s+(?:cell\s+)?(?:transplantations?|infusions?|injections?)\b", re.IGNORECASE)

#: Literals every doubled administration holds.
INFUSION_MULTIPLE_ANCHORS = ("double", "triple", "dual", "Double", "Triple", "Dual")

#: Follow-up duration units, Chinese included: "months", "wk", "年" (year), "个月" (month).
FOLLOW_UP_UNIT = r"(?P<u>days?|weeks?|wks?|months?|mos?|years?|yrs?|个月|月|年|周|天|日)"
_FU_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
#: A duration, or a range of one, or a mean with its SD: "six to twelve months", "17 months", "1-year", "3 years",
#: "13-24 months", "between 6 and 18 months", "24.5 ± 6.2 months", "(14.2±3.1) months", "3年".
FOLLOW_UP_DURATION = (
    rf"[(（]?(?P<a>\d+(?:\.\d+)?|{_FU_NUMBER})(?:{SPACE}?(?:to|-|–|—|~|～|〜|至|and){SPACE}?(?P<b>\d+(?:\.\d+)?|{_FU_NUMBER}))?"
    rf"(?:{SPACE}?(?:±|\+/-){SPACE}?\d+(?:\.\d+)?)?[)）]?(?:{SPACE}|-)?{FOLLOW_UP_UNIT}"
)
_FU = r"follow(?:ed|ing)?[\s-]?up"
#: Literals of "follow-up" in English and Chinese: the follow-up patterns are matched only around them.
FOLLOW_UP_ANCHORS = ("ollow", "OLLOW", "随访")
#: A stated mean or median follow-up, with an optional range: "mean follow-up period of 27 months",
#: "follow-up for a median of 13 months", "follow-up (median, 17 months; range, 13-24)".
FOLLOW_UP_SUMMARY = (
    re.compile(
        rf"\b(?:median|mean|average)\s+(?:duration\s+of\s+|length\s+of\s+)?{_FU}(?:\s+(?:period|time|duration))?"
        rf"\s*(?:was|of|:|,|=|lasted)?\s*(?:about\s+|approximately\s+)?{FOLLOW_UP_DURATION}"
        rf"(?:\s*[(\[,;]\s*range[,:]?\s*(?P<lo>\d+(?:\.\d+)?)\s*(?:to|-|–)\s*(?P<hi>\d+(?:\.\d+)?))?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b{_FU}\s+(?:for|of|period\s+of)\s+(?:a\s+)?(?:median|mean)\s+(?:of\s+)?{FOLLOW_UP_DURATION}"
        rf"(?:\s*[(\[,;]\s*range[,:]?\s*(?P<lo>\d+(?:\.\d+)?)\s*(?:to|-|–)\s*(?P<hi>\d+(?:\.\d+)?))?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b{_FU}\s*[(\[]\s*(?:median|mean)[,:]?\s*{FOLLOW_UP_DURATION}"
        rf"(?:\s*[;,]\s*range[,:]?\s*(?P<lo>\d+(?:\.\d+)?)\s*(?:to|-|–)\s*(?P<hi>\d+(?:\.\d+)?))?",
        re.IGNORECASE,
    ),
)
#: A follow-up stated as such: "followed up for six to twelve months", "24 weeks of follow-up",
#: "Follow-up was 24 weeks", "the follow-up period was 2 years", "Follow-up: 12 months",
#: "follow-up ranged from 6 to 18 months",
#: "52-week follow-up", "followed for therapy assessment for 24 weeks", "随访3年", "3年随访".
FOLLOW_UP_EXPLICIT = (
    re.compile(
        rf"\b{_FU}(?:\s+(?:period|time|duration))?(?:\s+(?:was|is))?(?:\s+(?:for|over|of|during|lasted|lasting)|\s+(?<=was\s|\sis\s)|\s*:)\s*"
        r"(?:a\s+period\s+of\s+|up\s+to\s+|at\s+least\s+|about\s+|approximately\s+)?"
        rf"{FOLLOW_UP_DURATION}",
        re.IGNORECASE,
    ),
    re.compile(rf"\bfollowed\s+(?:[\w-]+\s+){{0,4}}?for\s+(?:up\s+to\s+|at\s+least\s+)?{FOLLOW_UP_DURATION}", re.IGNORECASE),
    re.compile(rf"(?<![\w.]){FOLLOW_UP_DURATION}\s*(?:of\s+)?(?:clinical\s+)?{_FU}", re.IGNORECASE),
    re.compile(rf"随访(?:时间)?(?:为|达|至)?\s?{FOLLOW_UP_DURATION}"),
    re.compile(rf"{FOLLOW_UP_DURATION}(?:的)?随访"),
    re.compile(
        rf"\b{_FU}\s+(?:time\s+|period\s+|duration\s+)?(?:ranged|ranging|varied|varying)\s+(?:from\s+|between\s+)?"
        rf"{FOLLOW_UP_DURATION}",
        re.IGNORECASE,
    ),
)
#: A study length in its design phrase: "a 20-week clinical trial", "a 12-patient, 6-month, phase 1 trial",
#: "a 4-year clinical evaluation".
FOLLOW_UP_DESIGN = re.compile(
    rf"(?<![\w.])(?P<a>\d+|{_FU_NUMBER})-(?P<u>days?|weeks?|months?|years?)\b,?\s+(?:[\w-]+,?\s+){{0,3}}?"
    r"(?:trial|study|evaluation|observation|period)\b",
    re.IGNORECASE,
)
#: Literals every study-length phrase holds.
FOLLOW_UP_DESIGN_ANCHORS = ("-day", "-week", "-month", "-year", "-Day", "-Week", "-Month", "-Year")
#: The end of observation after the cells: "up to 4 weeks after the infusion", "until 10 months after".
FOLLOW_UP_UP_TO = re.compile(rf"\b(?:up\s+to|until)\s+{FOLLOW_UP_DURATION}\s+after\b", re.IGNORECASE)
#: Literals every "up to N after" holds.
FOLLOW_UP_UP_TO_ANCHORS = ("up to", "Up to", "until", "Until")
#: A timepoint after the treatment (the latest is the follow-up when nothing better is said):
#: "12 weeks after cell transplantation", "3 years after UC-MSC cells treatment", "12 months after MSCT".
FOLLOW_UP_AFTER = re.compile(
    rf"(?<![\w.]){FOLLOW_UP_DURATION}\s+after\s+(?:the\s+)?(?:first\s+|last\s+|initial\s+|final\s+)?(?:[\w-]+\s+){{0,3}}?"
    r"(?:treatment|therapy|transplantation|infusion|injection|administration|intervention|implantation|surgery"
    r"|enrol?lment|randomi[sz]ation|[A-Za-z-]*MSC[A-Za-z]*)\b",
    re.IGNORECASE,
)
#: Literals every "N after treatment" holds.
FOLLOW_UP_AFTER_ANCHORS = (" after",)

# --- outcome cues: the words and gaps around values ------------------------------

#: A bare number standing alone, not inside a word like `IL-6`, `MMT8`, `COVID-19`: "was 4.53", "−7.9 kg".
BARE_NUMBER = re.compile(
    rf"(?<![./\-−^·×]){AFTER_NON_WORD}(?<!\d[-–] )(?P<value>{NUMBER})(?![^\W\u3400-\u4dbf\u4e00-\u9fff]|\^|/\d|[.·,]\d|\s?(?:%|×|x\s?10)|\s?[-–]\s?\d|[-‐‑](?!points?\b)[A-Za-z])"
)
#: The text right before a mean change (`decreased by 1.6 points`): "decreased by ", "an increase of ",
#: "increased VO2peak by " (the verb's object between).
CHANGE_BY = re.compile(
    r"\b(?:(?:increased|decreased|reduced|improved|declined|fell|rose|dropped|gained|lost|changed)(?:\s+(?!by\b|of\b)[\w\-]+){0,3}\s+by"
    r"|(?:increased|decreased|reduced|improved|declined|fell|rose|dropped|gained|lost|changed|increases?|decreases?|"
    r"reductions?|improvements?|declines?|gains?|loss)\s+(?:by|of))\s+(?:an?\s+)?(?:average\s+of\s+|mean\s+of\s+)?$",
    re.IGNORECASE,
)
#: After the number of `a 5.1-point increase`: "-point increase", " points decrease".
POINT_CHANGE = re.compile(r"-?\s?points?\s+(?:increase|decrease|reduction|improvement|change|difference|gain|decline|drop|rise)", re.IGNORECASE)
#: A mean (not median) cue; a percentage under it is a mean percentage: "mean", "average".
MEAN_ONLY_CUE = re.compile(r"\b(?:mean|average)\b", re.IGNORECASE)
#: Between "n/N" and its percentage: " (", " patients (", ", ".
PEOPLE_BEFORE_PERCENT = re.compile(r"\s*(?:patients|participants|subjects|cases|women|men|children)?\s*[(\[,;]?\s*")
#: The confidence level of an interval: "95% CI", "95%CI", "95% confidence interval".
CI_LEVEL = re.compile(r"\b\d{2}(?:\.\d)?\s?%\s?(?:CI|confidence)", re.IGNORECASE)
#: The median cue; the nearest statistic cue before a bare number decides mean or median: "median".
MEDIAN_CUE = re.compile(r"\bmedian\b", re.IGNORECASE)
#: The gap between two compared numbers (`a vs b`): " vs ", " mL versus ", " in the MSC group compared with ".
VERSUS = re.compile(
    r"^[^\d;.]{0,50}?(?<![A-Za-z])(?:vs\.?|versus\.?|v\.?|compared (?:with|to)|against)[\s\u00a0]*[(\[]?[\s\u00a0]*$", re.IGNORECASE
)
#: The text before a time amount that makes it a reported duration (`times were 39 and 32 days`): "times were ", "(9.7 months vs ".
DURATION_VALUE = re.compile(r"(?:\b(?:was|were|of|averaged)|[:=]|\bvs\.?|\bversus|\bcompared with)\s*$|(?:\b(?:was|were)|[:=])\s*[\d.]+\s*(?:,|and)\s*$", re.IGNORECASE)
#: The gap between members of a value list (`were 4.1, 4.4 and 5.0, respectively`): ", ", " and ", " mg, or ",
#: "/mm3 and ".
RESPECTIVELY_LIST = re.compile(r"^[\s\u00a0]*(?:[A-Za-zµμ/%][\w/%]*)?[\s\u00a0]*(?:,|,?\s+and|,?\s+or)[\s\u00a0]*$")
#: The text before the reference value of `from a to b`: "decreased from (", "由".
FROM_CUE = re.compile(
    r"(?:\bfrom(?:\s+(?:a|an|the))?(?:\s+(?:mean|median|average))?(?:\s*\((?:SD|SE|SEM|IQR)\))?(?:\s+of)?|由|从)[\s\u00a0(\[（]*$",
    re.IGNORECASE,
)
#: The "to" of "from a to b", Chinese included ("降至", "升至", "到").
TO_CUE = re.compile(r"\bto\b|至|到")
#: Participants a value is based on: "(n = 9)", ", n=30;".
N_EQUALS = re.compile(r"[(\[,;]\s*n\s*=\s*(?P<n>\d+)\s*[)\],;]", re.IGNORECASE)
