"""The statistic grammar: text -> typed statistic expressions with character offsets.

It knows no measure, arm or cue word of a field; ``numbers`` is the project's
one number parser, ``parts`` the named pieces, ``forms`` the table of forms and
bracket items, ``reading`` the labels a text announces once.
"""

from extractor.nlp.grammar.forms import FORMS, ITEMS, Expression, find_expressions
from extractor.nlp.grammar.numbers import parse_decimal, parse_number, parse_value
from extractor.nlp.grammar.reading import ANNOUNCEMENTS, read_expression

__all__ = [
    "ANNOUNCEMENTS", "FORMS", "ITEMS", "Expression", "find_expressions", "parse_decimal", "parse_number",
    "parse_value", "read_expression",
]
