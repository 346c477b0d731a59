"""The project's exceptions: the CLI turns these (and only these) into ``Error: ...``."""


class ExtractorError(Exception):
    """Base class for expected, user-facing failures."""


class ReadError(ExtractorError):
    """An input file or record could not be read (format, encoding, damage)."""


class EmptyDocumentError(ReadError):
    """An input holds no text to extract from (empty file, record with no abstract)."""


class VocabularyError(ExtractorError):
    """A packaged vocabulary file is malformed."""


class StoreError(ExtractorError):
    """The database cannot be opened or written."""


class ValidationFailed(ExtractorError):
    """A curated record breaks the exchange format or a plausibility rule."""
