"""The report parser: pure Python, no Dagster. `parse_report(bytes, name)` is the entry point.

The same modules compiled by mypyc load instead when current (compiled.py).
"""

from .compiled import COMPILED_DIR, PACKAGE, why_python

if why_python() is None:
    __path__.insert(0, str(PACKAGE / COMPILED_DIR))

from .model import Issue, ParsedReport, Provenance  # noqa: E402
from .report import parse_file, parse_report  # noqa: E402

__all__ = ["Issue", "ParsedReport", "Provenance", "parse_file", "parse_report"]
