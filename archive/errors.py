"""The one root of gongkai's exceptions.

Every error the project raises on purpose derives from `GongkaiError`, and also from the built-in
exception it resembles (as pdfminer's `PDFValueError(PDFException, ValueError)`), so callers can catch
either. The CLI turns a `GongkaiError` into a one-line message and exit code 1 (2 for usage errors).
"""


class GongkaiError(Exception):
    """Base of every error gongkai raises on purpose."""


class ConfigError(GongkaiError, ValueError):
    """A configuration file is invalid; the message names the file, the key and the fix."""


class ArchiveError(GongkaiError, OSError):
    """The archive on disk cannot be read or written as its layout promises."""


class ExtractionError(GongkaiError, ValueError):
    """A payload could not be turned into text. `code` is a stable slug such as ``pdf-unreadable``."""

    def __init__(self, code: str, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
