"""Structured extraction of clinical-evidence records from abstracts and articles.

Flow: ``reader`` (files -> plain documents) -> ``nlp`` (spaCy rules -> findings)
-> ``records`` (validated exchange-format records) -> ``store`` (SQLite) -> ``cli``.
"""

__version__ = "0.1.0"

#: Bumped whenever extraction rules change, so stored records re-extract.
EXTRACTOR_VERSION = f"{__version__}+rules.1"
