"""Stage 4: the measure each value reports, named from its clause, abbreviations expanded."""

from __future__ import annotations

import re

from extractor.nlp.abbreviations import Abbreviation
from extractor.nlp.grammar.forms import effect_statistic
from extractor.nlp.patterns import (
    STUDY_FLOW_WORDS,
    CJK_ARM,
    CHANGE_CUE,
    MEASURE_VERB,
    P_VALUE,
    TIMEPOINT_LIST,
)
from extractor.nlp.timepoints import find_timepoints
from extractor.nlp.outcomes.clauses import HEADING, clause_start_of
from extractor.nlp.outcomes.mentions import Mention


#: Leading words that are not part of a measure name.
MEASURE_LEAD = re.compile(
    r"^(?:(?:results?|methods?|conclusions?|findings?)\b\W*|in terms of\b[^,]*,\s*|compared (?:with|to)\b[^,]*,\s*|"
    r"(?:no|any)\s+(?:statistically\s+)?(?:significant\s+)?(?=differences?\b)|"
    r"(?:at|after|by|during|on)\s+(?=the\b)|"
    r"and\b|but\b|while\b|whereas\b|the\b|a\b|an\b|both\b|significantly\b|significant\b|higher\b|lower\b|greater\b|mean\b|average\b|median\b|overall\b|"
    r"levels? of\b|values? of\b|there\b|also\b|further\b|\W)\s*",
    re.IGNORECASE,
)

#: Trailing phrases that name the population or group, not the measure.
MEASURE_TAIL = re.compile(
    r"\s*(?:\b(?:of|in|for|among|between)\s+(?:the\s+|both\s+|all\s+)?(?:two\s+|three\s+)?(?:\S+\s+){0,3}?(?:groups?|arms?|patients|subjects|participants|cohorts?)|"
    r"\b(?:was|were|is|are)\b.*|\bin\s+(?:all|both)\b.*|\bbetween\b.*|[\s,;:(\[]+)$",
    re.IGNORECASE,
)

#: Pieces of NEW_SUBJECT: a word without brackets or separators, and one bracketed group.
_WORD = r"[^\s,;()\[\]]+"
_BRACKETED = r"[(\[][^()\[\]]*[)\]]"

#: "... and DAS28 changes were": a new subject inside a clause (after "and", "," or ";").
#: Words are separated by spaces and brackets open a group, so the match is linear (no backtracking blow-up).
NEW_SUBJECT = re.compile(
    rf"(?:\band|[;,])\s*(?!(?:and|was|were|is|are|has|have|had)\b)(?P<subject>(?:the\s+)?{_WORD}(?:\s+{_WORD}|\s*{_BRACKETED}(?:\s*{_WORD})?){{0,8}}?)\s*"
    r"(?:was|were|is|are|decreased|increased|declined|reduced|improved|changed|changes were|remained|reached)\b",
    re.IGNORECASE,
)

#: A subject that is an arm, joined to the measure's own ("The healing rates of the observation group and the
#: control group ... were"): no new measure.
ARM_SUBJECT = re.compile(r"(?:the\s+)?(?:[\w-]+\s+){0,2}(?:groups?|arms?|cohorts?)\b", re.IGNORECASE)

#: Subjects that are not measures: "and further decreased", "and then increased".
WEAK_WORDS = re.compile(
    r"(?:the\s+)?(?:further|then|also|significantly|it|this|these|which|that|they|there|values?|levels?|scores?|"
    r"[\d.,]+(?:\s+\w+)?|after\s+\w+|thereafter|subsequently|gradually|slightly|markedly)",
    re.IGNORECASE,
)

#: "there was a higher percentage of improvement in X": the measure follows the verb.
MEASURE_HEAD = re.compile(
    r"\b(?:percentage|proportion|levels?|rates?|scores?|changes?|improvement|reduction|difference|incidence)\s+(?:of|in)\b",
    re.IGNORECASE,
)

#: Participial modifiers that end a measure name: "detected by MRI", "measured with ELISA".
MEASURE_MODIFIER = re.compile(
    r",?\s+(?:as\s+)?(?:detected|measured|assessed|evaluated|determined|calculated|estimated|analy[sz]ed)\s+(?:by|with|using|in|on)\b.*$",
    re.IGNORECASE,
)


MAX_MEASURE_WORDS = 12


def assign_measures(text: str, start: int, mentions: list[Mention], abbreviations: dict[str, Abbreviation], previous: str | None) -> str | None:
    """Name each mention's measure; return the last measure named (for the next sentence).

    A clause's subject names the measure of its values; within a clause a new
    subject after "and"/"," ("... (p = .05) and DAS28 changes were −1.6 ± 1.5")
    starts a new measure; values without a subject inherit the last one.
    """
    pairs = {id(m): mentions[i + 1] for i, m in enumerate(mentions[:-1]) if m.pair_end}
    pairs |= {id(m): mentions[i - 1] for i, m in enumerate(mentions) if m.after_its_percent and i}
    counts = [m for m in mentions if id(m) in pairs]
    mentions = [m for m in mentions if id(m) not in pairs]  # a count with its percentage is named as the percentage
    current = _assign_measures(text, start, mentions, abbreviations, previous)
    for count in counts:
        partner = pairs[id(count)]
        after = _measure_after(text, count.pair_end) if count.pair_end else None
        if after:  # "42 (12%) patients discontinued early": counted people, then what they did
            partner.measure, partner.aliases = _expand(after, abbreviations)
        count.measure, count.aliases, count.kind = partner.measure, list(partner.aliases), "level"
    return current


def _assign_measures(text: str, start: int, mentions: list[Mention], abbreviations: dict[str, Abbreviation],
                     previous: str | None) -> str | None:
    """``assign_measures`` on the mentions named by their own words."""
    current = previous
    topic = TOPIC_OPENER.match(text, start)
    topic_measure = _clean_measure(topic.group("measure")) if topic else None
    runs: list[tuple[int, list[Mention]]] = []
    for i, mention in enumerate(mentions):
        clause_start = clause_start_of(text, start, mention.start)
        gap = text[mentions[i - 1].end : mention.start] if i else ""
        bracketed = (BRACKETED_NEXT_MEASURE.search(gap) or LISTED_BRACKET_MEASURE.search(gap)) if gap else None
        if (runs and runs[-1][0] == clause_start and not _new_subject(gap) and not _people_then_measure(gap, text, mention)
                and bracketed is None):
            runs[-1][1].append(mention)
        elif bracketed is not None:  # "SLEDAI scores (MD −3.42, ...) and 24-hour proteinuria (SMD −0.76": a measure each
            runs.append((mentions[i - 1].end + bracketed.start("measure"), [mention]))
        else:
            anchor = clause_start if not runs or runs[-1][0] != clause_start else mentions[i - 1].end
            runs.append((anchor, [mention]))
    for anchor, run in runs:
        # "With respect to the percentage of weeks with controlled asthma, drug A was superior (34% vs 31%)"
        phrase = topic_measure if topic_measure and run[0].start >= topic.end() else _measure_phrase(text, anchor, run[0].start)
        if phrase is None or POPULATION_PHRASE.fullmatch(phrase):
            after = _measure_after(text, run[-1].end)
            if after is None and phrase is None:  # "102 (10%) recurrences were reported, compared with 111 (...)"
                after = next(filter(None, (_measure_after(text, m.end) for m in run[:-1])), None)
            if after:  # "8 (40%) and 6 (30%) had remission"; not "234 (90%) who received ..., 41 (18%) died"
                own = [m for m in run if m is not run[-1] and CLAUSE_VERB.search(text, m.end, run[-1].start)]
                for mention in own:  # "280 (61%) were ER positive and 176 (38%) were ER negative"
                    mention.measure = _measure_after(text, mention.end)
                run = [m for m in run if all(m is not o for o in own)]
            phrase = after or phrase
        if phrase is None and current is None:
            phrase = _measure_phrase(text, start, run[0].start)
        if phrase is None:
            for mention in run:
                mention.measure = current
            continue
        current = phrase
        parts = _split_measures(phrase, run, text[start : run[-1].end + 80])
        defined = _defined_short_forms(text[anchor : run[0].start], phrase, abbreviations)
        for i, mention in enumerate(run):
            mention.measure = parts[i % len(parts)]
            mention.aliases = list(defined)
    for mention in mentions:
        if mention.measure_hint:
            mention.measure = _clean_measure(mention.measure_hint) or mention.measure
        if mention.measure:
            mention.measure, expanded_aliases = _expand(mention.measure, abbreviations)
            mention.aliases = list(dict.fromkeys([*expanded_aliases, *mention.aliases]))
        if mention.statistic != "percent" and (CHANGE_CUE.search(mention.measure or "")
                                               or CHANGE_CUE.search(_open_bracket_lead(text, start, mention.start))):
            mention.kind = "change"  # "SLEDAI scores (mean difference −3.42, ...)" too
    return current


#: A sentence opening with its topic, the measure of the values that follow: "With respect to the mean
#: percentage of weeks with well-controlled asthma, ...", "In terms of pain relief, ...", "Regarding HbA1c, ...".
TOPIC_OPENER = re.compile(
    r"(?:(?:results?|findings?)\s*[:.]\s*)?(?:with\s+(?:respect|regard)\s+to|in\s+terms\s+of|regarding|concerning|as\s+for)\s+"
    r"(?P<measure>[^,;.()]{3,90}),\s",
    re.IGNORECASE,
)

#: Chinese links between a measure and its values: "由" (from), "为" (was), "降至" (fell to), "升至" (rose to).
CJK_VERB = re.compile(r"由|从|为|是|降至|升至|下降|升高|降低|增加|减少|分别")


CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")

#: Chinese words before a measure that are not part of it, stripped one after another: a section heading
#: ("结果"), a time ("治疗后", "移植前"; the amount of "治疗6个月后" is removed as a timepoint first), a
#: comparison ("高于", higher than), an arm or the people ("观察组", "两组", "患者") and their particle ("的").
CJK_MEASURE_LEAD = re.compile(
    r"^(?:[\s:：,，]+|(?:目的|方法|结果|结论)|(?:治疗|移植|输注|注射|干预|随访|术)?[后前](?:[,，、])?|"
    r"(?:明显|显著)?(?:高于|低于|优于|劣于|多于|少于|大于|小于)|"
    rf"(?:{CJK_ARM}|两组|各组|所有患者|患者)(?:的)?)"
)

#: A subject ending in a count of people: "Thirteen out of 15 patients [", "10 of 12 patients (".
COUNTED_PEOPLE_END = re.compile(r"\b(?:of|out of)\s+(?:the\s+)?\d+\s+(?:patients|subjects|participants|cases)\W*$|\b\d+\s+(?:patients|subjects|participants)\W*$", re.IGNORECASE)

#: Subjects that name people or nothing, not a measure: "the two groups", "there", "patients".
NOT_A_MEASURE = re.compile(
    r"(?:the\s+)?(?:two\s+|three\s+|both\s+|all\s+|these\s+)?(?:groups?|arms?|patients|subjects|participants|cohorts?|"
    r"there|it|we|they|this|these|which|that)",
    re.IGNORECASE,
)

#: A subject that counts people rather than naming a measure: "10 of 12 patients", "all participants".
POPULATION_PHRASE = re.compile(
    r"(?:\S+\s+(?:out\s+)?of\s+)?(?:the\s+|all\s+|\d+\s+)?(?:\w+\s+)?(?:patients|subjects|participants|cases|people|children|women|men)",
    re.IGNORECASE,
)

#: What people "had", "achieved" or "showed" after their count: "(83%) had complete healing"; or what they did,
#: the verb included: "(71.4%) survived to hospital discharge", "(12%) relapsed"; or the events counted: "102 (10%)
#: recurrences were reported".
MEASURE_AFTER = re.compile(
    r"[\s)\]]*(?:(?:of\s+(?:the\s+)?)?(?:patients|subjects|participants|(?:tumou?r\s+)?samples|cases)\s+)?"
    r"(?:(?:treated|receiving|given)\s+(?:with\s+)?[\w\-]+\s+)?"
    r"(?:(?:(?:had|achieved|showed|developed|experienced|reached|attained|maintained|reported|were|was)\s+(?:a\s+|an\s+)?"
    r"(?P<measure>[A-Za-z][\w\-' ]{2,60}?)|"
    r"(?P<event>(?:survived|died|relapsed|responded|recovered|required|needed|underwent|discontinued|withdrew|"
    r"completed)\b(?:[\w\-' ]{0,60}?)))"
    r"(?=\s*(?:[,.;(\[]|\bat\b|\bafter\b|\bby\b|\bwithin\b|\band\b|$))"
    r"|(?P<noun>[A-Za-z][\w\-']*(?:\s+[A-Za-z][\w\-']*){0,2}?)"
    r"(?=\s+(?:(?:were|was)\s+(?:reported|observed|recorded|noted|seen|documented|detected|found)|occurred)\b))",
    re.IGNORECASE,
)


#: How people entered or stayed in the study ("were randomized", "were available for follow-up"): what
#: follows "were" is then no outcome.
ALLOCATED = re.compile(rf"(?:{STUDY_FLOW_WORDS}|followed\s+up)\b", re.IGNORECASE)

#: A change named after its values, the change word kept (the values are changes): " greater increase in self
#: reported minutes of activity per week from ..." gives "increase in self reported minutes of activity per week".
CHANGE_IN_AFTER = re.compile(
    r"[\s%)\]]*(?:(?:greater|larger|smaller|higher|lower|more|less|significant|mean|median|relative|absolute)\s+)*"
    r"(?P<measure>(?:increases?|decreases?|reductions?|improvements?|changes?|differences?|rises?|falls?|declines?)\s+(?:in|of)\s+"
    r"(?:(?!(?:from|at|after|between|in\s+the|compared|versus|vs)\b)[^,;.()])+?)"
    r"(?=\s*(?:[,;.()]|\b(?:from|at|after|between|in\s+the|compared|versus|vs)\b|$))",
    re.IGNORECASE,
)

#: A verb between two counts of people: each says what its own people did.
CLAUSE_VERB = re.compile(
    r"\b(?:received|receiving|who|underwent|had|has|have|were|was|achieved|showed|developed|experienced|reached|"
    r"died|survived|relapsed|responded|recovered|required|needed|completed|discontinued|withdrew)\b"
)


def _open_bracket_lead(text: str, start: int, position: int) -> str:
    """The words between an unclosed bracket and ``position``: "mean difference " of "(mean difference −3.42"."""
    lead = text[max(start, position - 40) : position]
    opened = max(lead.rfind("("), lead.rfind("["))
    return lead[opened + 1 :] if opened > max(lead.rfind(")"), lead.rfind("]")) else ""


#: Between two bracketed effect estimates, "and" and the next measure opening the next bracket: "...) and
#: 24-hour proteinuria (standardized mean difference ", "...) and mortality (HR ".
BRACKETED_NEXT_MEASURE = re.compile(
    r"[)\]][,;]?\s+(?:and|while|whereas)\s+"
    r"(?P<measure>(?!(?:the\s+)?(?:\d+(?:\.\d+)?\s|(?:placebo|control|saline|group|arm|cohort)\b))(?:[A-Za-z0-9][\w\-'/]*\s+){0,5}?[A-Za-z][\w\-'/]*)"
    r"\s*[(\[]\s*(?:[A-Za-z][\w\-]*\s+){0,3}?"
    r"(?:differences?|ratio|MD|SMD|WMD|HR|OR|RR|IRR|estimate|effect\s+size)\b[^()\[\]]*$",
    re.IGNORECASE,
)


#: A list of bracketed values, each after its measure, separated by commas: "SLEDAI [-2.18 (...)], urine protein [",
#: "..., and complement C3 [". The measure is no arm, no number and no person.
LISTED_BRACKET_MEASURE = re.compile(
    r"[)\]][,;]\s+(?:and\s+)?"
    r"(?P<measure>(?!(?:the\s+)?(?:\d|(?:placebo|control|saline|group|arm|cohort|one|two|three|patients?)\b))"
    r"(?:[A-Za-z0-9][\w\-'/]*\s+){0,4}?[A-Za-z][\w\-'/]*)"
    r"(?<!group)(?<!groups)(?<!arm)(?<!arms)(?<!cohort)(?<!patients)\s*[(\[]\s*$",
    re.IGNORECASE,
)


def _people_then_measure(gap: str, text: str, mention: Mention) -> bool:
    """"..., and 3 patients (20%) achieved remission": counted people whose measure follows the value."""
    return bool(COUNTED_PEOPLE_END.search(gap)) and MEASURE_AFTER.match(text, mention.end) is not None


def _measure_after(text: str, position: int) -> str | None:
    """The measure named after the values: "10 of 12 patients (83%) had complete healing", "a 40% (...), 34%
    (...) and 46% (...) greater increase in minutes of physical activity per week"."""
    match = MEASURE_AFTER.match(text, position)
    if match:
        measure = _clean_measure(match.group("measure") or match.group("event") or match.group("noun"))
        if measure and match.group("measure") and (ALLOCATED.match(measure) or (" " not in measure and measure.endswith("ed"))):
            return None  # "(51.8%) were randomized to PICC", "(87%) were available for follow-up", "(48%) were guided"
        return measure
    change = CHANGE_IN_AFTER.match(text, position)
    return _clean_measure(change.group("measure")) if change else None


def _defined_short_forms(segment: str, phrase: str, abbreviations: dict[str, Abbreviation]) -> list[str]:
    """Aliases from "(SF)" definitions inside the measure phrase: "revised ALS functional rating scale
    (ALSFRS-R) score" gives "ALSFRS-R" and "ALSFRS-R score"."""
    aliases: list[str] = []
    for match in re.finditer(r"[(\[]\s*([^()\[\];,\s]{2,12})\s*[)\];,]", segment):
        short = match.group(1)
        abbreviation = abbreviations.get(short)
        if abbreviation is None:
            continue
        aliases.append(short)
        tail = segment[match.end() :].strip()
        tail = tail.split()[0] if tail.split() else ""
        if tail and phrase.lower().endswith(tail.lower()) and MEASURE_NOUN.fullmatch(tail):
            aliases.append(f"{short} {tail}")
    return aliases


#: A list of times inside a measure phrase, with its preposition: "at 3 and 6 months", "after 1, 3 and 5 years",
#: "at months 3, 6, and 12".
MEASURE_TIME_LIST = re.compile(
    rf"(?:\b(?:at|after|on|by|in|during|within|over)\s+)?(?:{TIMEPOINT_LIST.pattern})"
    r"|\b(?:at|after|on|by|in|during|within|over)\s+(?:the\s+)?(?:days?|weeks?|months?|years?)\s+\d+(?:\s*,\s*\d+)*"
    r"(?:\s*,?\s*(?:and|or)\s+\d+)",  # the unit written first: "at months 3, 6, and 12"
    re.IGNORECASE,
)

#: Head nouns that follow an abbreviation inside a measure name: "(ALSFRS-R) score".
MEASURE_NOUN = re.compile(r"(?:scores?|levels?|index|scale|ratio|rate|count|values?|concentrations?)", re.IGNORECASE)


def _new_subject(gap: str) -> bool:
    """True when the text between two values opens a clause with a subject of its own."""
    match = NEW_SUBJECT.search(gap)
    return bool(match) and not WEAK_WORDS.fullmatch(match.group("subject").strip())


#: A subject that is the treatment: "MSC therapy", "Treatment with UC-MSCs", "the infusion of cells".
TREATMENT_SUBJECT = re.compile(
    r"\b(?:therapy|treatment|transplantation|infusion|injection|administration|intervention|MSCs?|cells|"
    r"supplementation|vaccination|exercise|training|program(?:me)?)(?:\s+(?:with|of)\s+.*)?$",
    re.IGNORECASE,
)
#: Verbs whose object is the measure when the treatment is their subject: "MSC therapy reduced SLEDAI scores".
TRANSITIVE_VERB = re.compile(r"reduced|increased|decreased|improved|lowered|raised|elevated", re.IGNORECASE)
#: A reporting clause before the clause that reports the values: "Cox regression showed that ", "We found that ".
REPORTED_CLAUSE = re.compile(
    r"^.*?\b(?:showed|shows|demonstrated|revealed|indicated|suggested|found|confirmed)\s+that\s+", re.IGNORECASE
)
#: What a treatment is associated with is the measure: " independently associated with lower ", " associated with a ".
ASSOCIATED_WITH = re.compile(
    r"\s+(?:\w+ly\s+)?associated\s+with\s+(?:(?:a|an|the|lower|higher|less|more|reduced|increased|greater|fewer)\s+)*",
    re.IGNORECASE,
)
#: Where the object of such a verb ends: "improved the 6-minute walk distance| from 320 ...".
OBJECT_END = re.compile(r"\s(?:from|by|to)\s")


#: A clause that is only a labelled item of a list: "; LT, ", "; and WLC, ".
LIST_ITEM_LABEL = re.compile(r"\s*(?:and\s+)?[A-Za-z][\w\-+/ ]{0,40}?,\s*", re.IGNORECASE)

#: A bare noun phrase opening a clause before "and": "Fatigue" of "Fatigue and headache were ...".
COORDINATED_HEAD = re.compile(r"\s*(?:[A-Za-z][\w\-']*\s+){0,3}[A-Za-z][\w\-']*\s*")
#: "respectively" closing the values that follow, within their sentence.
RESPECTIVELY_AHEAD = re.compile(r"[^.;]{0,200}?\brespectively\b", re.IGNORECASE)


def _measure_phrase(text: str, clause_start: int, value_start: int) -> str | None:
    """The measure a clause reports: its subject, or the noun phrase after the verb when the
    subject only names the people ("The two groups had similar CRP levels (...)")."""
    segment = P_VALUE.sub(" ", text[clause_start:value_start])
    if LIST_ITEM_LABEL.fullmatch(segment) and text[max(0, clause_start - 3) : clause_start].strip().endswith(";"):
        return None  # "...; LT, 22.05; and WLC, 23.24": an item's label names an arm, the measure is the list's
    inside = _open_bracket_measure(segment, text[value_start : value_start + 120])
    if inside is not None:
        return inside
    segment = REPORTED_CLAUSE.sub("", segment, count=1)  # "Cox regression showed that X ...": X's clause reports
    segment = MEASURE_TIME_LIST.sub(" ", segment)  # "after 1, 3 and 6 months": no new subject at ", 3"
    segment = GROUP_LIST_BEFORE_VERB.sub(" ", segment)  # nor at ", C and placebo were"
    segment = HEADING.sub("", segment, count=1)
    new = NEW_SUBJECT.search(segment)
    if new and not WEAK_WORDS.fullmatch(new.group("subject").strip()) and not ARM_SUBJECT.match(new.group("subject")) and not (
            COORDINATED_HEAD.fullmatch(segment, 0, new.start()) and RESPECTIVELY_AHEAD.match(text, value_start)):
        # "(p = .05) and DAS28 changes were": a new subject; not "Fatigue and headache were 10% and 20%, respectively"
        segment = segment[new.start("subject") :]
    cjk = CJK_VERB.search(segment)
    if cjk and CJK_CHAR.search(segment):
        return _clean_measure(segment[: cjk.start()])
    verbs = list(MEASURE_VERB.finditer(segment))
    if not verbs:
        return None if COUNTED_PEOPLE_END.search(segment) else _clean_measure(segment)
    if COUNTED_PEOPLE_END.search(segment[: verbs[0].start()]):
        return None  # "Thirteen out of 15 patients [87%] ...": the measure follows the value
    subject = _clean_measure(segment[: verbs[0].start()])
    predicate = segment[verbs[-1].end() :]
    associated = ASSOCIATED_WITH.match(segment, verbs[0].end())
    if subject is not None and TREATMENT_SUBJECT.search(subject) and associated:
        # "MSC treatment was independently associated with lower non-relapse mortality (hazard ratio ..."
        return _clean_measure(segment[associated.end() :]) or subject
    if subject is not None and TREATMENT_SUBJECT.search(subject) and TRANSITIVE_VERB.fullmatch(verbs[0].group(0)):
        treated = OBJECT_END.split(segment[verbs[0].end() :], maxsplit=1)[0]
        return _clean_measure(treated) or subject
    if subject is None or NOT_A_MEASURE.fullmatch(subject) or MEASURE_HEAD.search(predicate):
        return _clean_measure(predicate) or subject
    return subject


#: The words opening a bracket before a value, naming its measure: "(mean age 44 ± 8 years", "[median BMI 27".
BRACKET_MEASURE = re.compile(r"[(\[]\s*(?P<words>(?:[A-Za-z][\w\-']*\s+){0,4}?[A-Za-z][\w\-']*[a-z][\w\-']*)\s*[:=,]?\s*$")

#: Words that qualify a value rather than name what was measured: "(range, 28 to 76", "(mean difference = -5.9".
STATISTIC_WORD = re.compile(
    r"(?:ranges?|changes?|differences?|total|reductions?|increases?|decreases?|median|mean|average|iqr|sd|se|ci|"
    r"interquartile|confidence|interval|p|n|vs|versus|or|and|of|to|from|at|in|on|for|with|than|less|more)\b",
    re.IGNORECASE,
)

#: Another label and value in the same bracket: "(letrozole, 26%; tamoxifen, 22%)", "(drug A 6.4 vs placebo 2.1)"
#: label arms, not a measure.
BRACKET_LABEL_LIST = re.compile(
    r"^[^()\[\]]*?(?:[;,]|\b(?:vs\.?|versus|and|compared\s+with))\s*"
    r"(?P<label>[A-Za-z][\w\-]*(?:\s+[\w\-]+){0,3}?)\s*[,:=]?\s*[-−]?\d",
    re.IGNORECASE,
)

#: One word in a bracket that is not what was measured: a hedge, a specimen, a time unit.
NOT_A_BRACKET_MEASURE = re.compile(
    r"(?:approximately|about|nearly|around|almost|only|serum|plasma|urine|blood|days?|weeks?|months?|years?|means|"
    r"doses?|values?|levels?|scores?|rates?)",
    re.IGNORECASE,
)


def _open_bracket_measure(segment: str, after: str) -> str | None:
    """The measure a bracket names when the value sits inside it: "Twenty patients (mean age 44.3 ± 8.1 years"
    is age, not the patients; "(hazard ratio 0.45, 95% CI ...)" is a hazard ratio. A bracket holding a time
    ("(baseline 326 ± 55"), a statistic ("(range, 28 to 76") or one of several labelled values
    ("(letrozole, 26%; tamoxifen, 22%)") names nothing."""
    match = BRACKET_MEASURE.search(segment)
    if match is None:
        return None
    measure = _clean_measure(match.group("words"))
    if measure and effect_statistic(measure):
        return None  # "(hazard ratio 0.46, ...)" names the statistic; the measure is what it compares
    if (not measure or NOT_A_MEASURE.fullmatch(measure) or NOT_A_BRACKET_MEASURE.fullmatch(measure)
            or STATISTIC_WORD.match(measure) or STATISTIC_WORD.fullmatch(measure.rsplit(" ", 1)[-1])):
        return None
    if " " not in measure and measure.lower().endswith("ed"):  # a participle: "(mediated 23% of the effect"
        return None
    listed = BRACKET_LABEL_LIST.match(P_VALUE.sub(" ", after))
    if listed and not STATISTIC_WORD.match(listed.group("label")):
        return None
    return measure


#: A preposition ending the text before a timepoint: "At " of "At 6 months HbA1c".
TIME_PREPOSITION_END = re.compile(r"\b(?:at|after|by|during|on|in|within|over|until)\s+(?:the\s+)?$", re.IGNORECASE)


#: A bracketed aside with no bracket inside; removed until none is left, so nested ones go too.
PARENTHETICAL = re.compile(r"[(\[][^()\[\]]*[)\]]")


def _clean_measure(phrase: str) -> str | None:
    while (bare := PARENTHETICAL.sub(" ", phrase)) != phrase:  # definitions, counts, p-values; "[median (IQR)]"
        phrase = bare
    phrase = MEASURE_TIME_LIST.sub(" ", phrase)  # "at 3 and 6 months"
    for tp in reversed(find_timepoints(phrase)):
        head = phrase[: tp.start]
        if tp.label != "baseline" and "-" not in phrase[tp.start : tp.end]:  # not "in the 10-year risk"
            head = TIME_PREPOSITION_END.sub("", head)  # "At 6 months HbA1c": the preposition goes too
        phrase = head + phrase[tp.end :]
    phrase = re.sub(r"\b(?:at|after|on|by|from|before|during|within)\s+(?:the\s+)?(?=[\s,;]*$)", " ", phrase, flags=re.I)
    phrase = MEASURE_MODIFIER.sub("", phrase)
    phrase = GROUP_LIST_END.sub("", phrase.rstrip())  # "responses for cohorts A, B, C and placebo": groups, not measures
    if CJK_CHAR.search(phrase):
        phrase = re.split(r"[，,]", phrase)[-1].strip()
        while (shorter := CJK_MEASURE_LEAD.sub("", phrase, count=1)) != phrase:
            phrase = shorter.strip()
    if "," in phrase:
        phrase = phrase.rsplit(",", 1)[1] if phrase.rsplit(",", 1)[1].strip() else phrase
    phrase = re.sub(r"\s+", " ", phrase).strip()
    for _ in range(6):
        stripped = MEASURE_LEAD.sub("", phrase, count=1)
        stripped = MEASURE_TAIL.sub("", stripped, count=1).strip()
        if stripped == phrase:
            break
        phrase = stripped
    phrase = re.sub(r"\s*[(\[][^()\[\]]*$|^\s*[)\]]\s*", "", phrase).strip(" ,;:-")  # "scores (mean difference"
    words = phrase.split()
    if not words or not re.search(r"[A-Za-z\u4e00-\u9fff]", phrase):
        return None
    return " ".join(words[-MAX_MEASURE_WORDS:])


#: A list of groups closing a measure phrase: "ACR20 responses for cohorts A, B, C and placebo".
GROUP_LIST = (
    r"\s+(?:for|in|of|among)\s+(?:the\s+)?(?:cohorts?|groups?|arms?)\s+[\w\-]+(?:\s*,\s*[\w\-]+)*,?\s+(?:and|or|vs\.?|versus)\s+"
    r"(?:the\s+)?[\w\-]+(?:\s+(?:groups?|arms?))?"
)
GROUP_LIST_END = re.compile(GROUP_LIST + "$", re.IGNORECASE)
#: The same list before the verb of its values: "... for cohorts A, B, C and placebo were 45%, ...".
GROUP_LIST_BEFORE_VERB = re.compile(GROUP_LIST + r"(?=\s+(?:were|was|are|is)\b)", re.IGNORECASE)


def _split_measures(phrase: str, run: list[Mention], sentence: str) -> list[str]:
    """"X and Y" with values in multiples of two, "respectively" or in grouped brackets: distribute."""
    head_match = re.match(r"(.*\b(?:of|in)\s+)(.+)$", phrase)
    head, listed = (head_match.group(1), head_match.group(2)) if head_match else ("", phrase)
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed) if p.strip()]
    if len(parts) > len(run) == 2 and "respectively" in sentence and " and " in listed:
        parts = [p.strip() for p in listed.rsplit(" and ", 1)]  # "Manipulative and body-based practices and X"
    if len(parts) < 2 or len(run) % len(parts) or len(run) < len(parts):
        return [phrase]
    if "respectively" not in sentence and len(run) == len(parts):
        return [phrase]
    return [head + part for part in parts]


def _replace_word(text: str, word: str, replacement: str) -> str:
    """Replace the first whole-word occurrence of ``word`` (string search, no regex compile per word)."""
    position = text.find(word)
    while position != -1:
        before = text[position - 1] if position else " "
        after = text[position + len(word)] if position + len(word) < len(text) else " "
        if not (before.isalnum() or before in "-_") and not (after.isalnum() or after in "-_"):
            return text[:position] + replacement + text[position + len(word) :]
        position = text.find(word, position + 1)
    return text


def _expand(measure: str, abbreviations: dict[str, Abbreviation]) -> tuple[str, list[str]]:
    """Replace defined short forms by their long forms; keep the originals as aliases."""
    aliases: list[str] = []
    expanded = measure
    for word in re.findall(r"[\w\-/%+]+", measure):
        abbreviation = abbreviations.get(word)
        if abbreviation and abbreviation.long.lower() not in expanded.lower():
            expanded = _replace_word(expanded, word, abbreviation.long)
            aliases.append(word)
    if expanded != measure:
        aliases.insert(0, measure)
    return expanded, aliases
