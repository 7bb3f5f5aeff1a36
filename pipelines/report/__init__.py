"""Annual reports (政府信息公开工作年度报告): statistics parsed from an extraction, then checked.

``parse_report(extraction_or_text, title=…) -> Report`` reads the three statistics tables into
canonical keys (statistics.toml) with the raw text and place of every cell; ``run_checks(report)``
applies the arithmetic of checks.toml and returns one `CheckResult` per rule instance.
"""

from .checks import CheckResult, run_checks, summarise
from .model import Report, Value
from .parse import parse_report

# Recorded with every parsed report: a changed number is then told apart as a change of the source
# or a change of the parser.
PARSER_VERSION = "1.0.0"

__all__ = ["PARSER_VERSION", "CheckResult", "Report", "Value", "parse_report", "run_checks", "summarise"]
