"""The report parser: pure Python, no Dagster. `parse_report(bytes, name)` is the entry point."""

from .model import Issue, ParsedReport, Provenance
from .report import parse_file, parse_report

__all__ = ["Issue", "ParsedReport", "Provenance", "parse_file", "parse_report"]
