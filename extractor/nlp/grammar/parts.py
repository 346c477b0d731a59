"""Named parts of the statistic grammar, as regular-expression sources.

A statistic form (``forms.FORMS``) is a template of these parts ("{value}{pm}{spread}");
a bracket's items (``forms.ITEMS``) are built from them too. Each part has a
one-line comment with an example it matches; ``tests/nlp/test_grammar.py`` runs
every example. The parts know no measure, arm or cue word.
"""

from __future__ import annotations

from extractor.nlp.grammar.numbers import DECIMAL, NOT_AFTER_WORD, NUMBER_WORDS_PATTERN, UNSIGNED

#: Any space, the no-break, thin and narrow ones of publisher HTML included: "5.7\xa0±\xa00.2".
SPACE = r"[\s\u00a0\u2009\u202f]"
#: The plus-minus sign and its ASCII spellings: "±", "+/-", "-/+", "+-".
PLUS_MINUS = r"(?:±|\+/-|\+/−|-/\+|−/\+|\+-(?=\s?\d)|\+/‑)"
#: Opening and closing brackets, the full-width Chinese ones included: "(", "[", "（".
OPEN, CLOSE = r"[(\[（]", r"[)\]）]"
#: Comparison operators of a p-value, HTML-escaped ones of scraped pages included: "<", "≤", "&lt;".
P_OPERATOR = r"(?:<=|>=|=<|≤|≥|<|>|=|&[lL][tT]?;|&[gG][tT]?;)"
#: A p-value's number: "0.05", ".001", "0·84", "3.29×10-6", "1".
P_NUMBER = r"(?:0?[.·]\d+|[01](?![.·\d])|\d(?:\.\d+)?\s?[x×]\s?10\s?[-−–]\s?\d+)"
#: A unit written right after a number inside a statistic: "%", " mg/dL", " days", " U/L", " cm²", " ×10^9/L".
UNIT_AFTER = (
    rf"(?:{SPACE}?%|{SPACE}?(?:[x×]{SPACE}?10\^?\d+/L)|{SPACE}+(?!(?:to|and|or|vs|versus|in|at|for|of|was|were|with|p|P|n|N|SD|SE|CI|IQR)\b)"
    r"(?:[µμ]?[A-Za-z]{1,6}(?:/[\w.²³]{1,6}){0,2}[²³23]?|分|次|个|天|周|月|年)(?![\w(]))"
)

#: The central value of an expression: "−7.9", "4·7", ".37", "1,491.5".
VALUE = rf"(?P<value>{DECIMAL})"
#: A percent sign right after the value: "92.9 %" (one space at most).
PERCENT_SIGN = rf"(?P<pct>{SPACE}?%)"
#: A unit word between the value and its spread or bracket: " mg/dL", " days", " U/L".
UNIT = rf"(?P<unit>{UNIT_AFTER})"
#: The spread after ±, optionally labelled: "0.2", "SD 0.2", "1.4%" (a unit word after it is read with the outcome's unit).
SPREAD = rf"(?:(?P<spread_label>SD|SE|SEM){SPACE}*[,:=]?{SPACE}*)?(?P<spread>{UNSIGNED})(?P<spread_unit>{SPACE}?%)?"
#: A bracket after a value, parsed item by item (``forms.read_items``): "(SD = 7.3, n = 41)", "[3.2–5.0]".
BRACKET = rf"{SPACE}*(?P<bracket>{OPEN}(?:[^()\[\]（）]|\[[^()\[\]]{{1,12}}\]){{1,160}}{CLOSE})"
#: The start of a comma group after a value that opens with a labelled item: ", 95% CI", "; SD"; the items
#: themselves are read by ``forms.read_items_at`` as far as they go.
COMMA_GROUP = (
    rf"(?P<comma>{SPACE}*[,;]{SPACE}*(?=(?:\d{{2}}(?:\.\d)?{SPACE}?%{SPACE}?)?(?:CI|C\.I\.|CrI|confidence|SD|SE|SEM|IQR|range)\b))"
)
#: A whole count in digits or words: "13", "1,491", "Thirteen".
COUNT = rf"(?P<count>(?<![.·,/]){NOT_AFTER_WORD}\d{{1,3}}(?:,\d{{3}})+(?![\d,])|(?<![.·,/]){NOT_AFTER_WORD}\d+(?![\d.·])|(?i:{NUMBER_WORDS_PATTERN}))"
#: The total of a count: "14", "1,491".
TOTAL = r"(?P<total>\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?![\d.·/])"
#: A bracketed percentage after a count: " (92.9%)", " [40 %]", ", 40%".
PERCENT_AFTER = rf"(?:{SPACE}*(?:{OPEN}{SPACE}*|,{SPACE}*)(?P<percent>{DECIMAL}){SPACE}?%{SPACE}*{CLOSE}?)"
#: People or events counted: " patients", " of the participants", " patient", " eyes", " deaths", "例" (Chinese cases).
PEOPLE = (
    r"(?:\s+(?:of\s+(?:the\s+)?)?(?:patients?|participants?|subjects?|cases?|child(?:ren)?|wom[ae]n|m[ae]n|infants?|"
    r"neonates?|individuals?|persons?|people|eyes?|limbs?|knees?|joints?|hands?|feet|lesions?|fistulas?|ulcers?|"
    r"deaths?|relapses?|recurrences?|infections?|episodes?|events?)\b|\s?(?:例|人|只)(?:患者)?)"
)
#: An effect estimate's name: "OR", "odds ratio", "aHR", "WMD", "Hedges' g", "Cohen's d", "risk difference".
EFFECT_LABEL = (
    r"(?P<label>(?<![\w-])(?:adjusted\s+|pooled\s+|a)?(?:OR|RR|HR|IRR|RD|WMD|SMD|MD|ARR|ARD"
    r"|odds\s+ratios?|risk\s+ratios?|relative\s+risks?|rate\s+ratios?|incidence\s+rate\s+ratios?|hazard\s+ratios?"
    r"|(?:weighted\s+|standardi[sz]ed\s+)?mean\s+differences?|risk\s+differences?|absolute\s+risk\s+(?:difference|reduction)"
    r"|Hedges['’]?\s?g|Cohen['’]?s?\s?d|(?-i:d)(?=\s?=\s?[-−]?\d))(?![\w-]))"
)
#: Words between an effect's name and its value: " of ", " = ", ": ", " for healing was ", " (95% CI)".
EFFECT_GAP = (
    rf"(?:{SPACE}*{OPEN}(?:a?OR|RR|HR|IRR|RD|WMD|SMD|MD){CLOSE})?"
    rf"(?:{SPACE}*(?:[,:=]|of|was|were|is|≈){SPACE}*|{SPACE}+(?:[^\d;.()\[\]]{{1,40}}?{SPACE}(?:was|were|of|is)|[^\d;.()\[\]]{{1,40}}?[:=,]){SPACE}*|{SPACE}+)"
)
