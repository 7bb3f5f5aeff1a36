"""Issues: bad input recorded with a stable code while the run goes on.

An `Issue` is what a stage reports instead of crashing: a 404, a corrupt PDF, a page whose declared
charset lies. The code is a slug (``http-404``, ``pdf-unreadable``, ``charset-mismatch``) so runs can be
counted and compared; the message says what happened, the fix what a person can do about it.
"""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """One problem met by a stage, tied to the URL and capture it concerns."""

    stage: str  # crawl | archive | extract | parse
    code: str  # stable slug, e.g. "http-404"
    message: str
    fix: str = ""
    url: str = ""
    capture: str = ""  # WARC-Record-ID of the capture concerned, when there is one
    level: str = "error"  # error | warning

    def as_row(self) -> dict:
        """The issue as a flat dict, ready for a database row or a JSON line."""
        return asdict(self)

    def __str__(self) -> str:
        where = f" url={self.url}" if self.url else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"issue {self.stage}/{self.code}{where}: {self.message}{fix}"
