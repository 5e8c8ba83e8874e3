"""One report file → ParsedReport: the only entry point the pipeline and the CLI call."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from ..metrics import metrics_for
from .identities import check_identities
from .metadata import extract_metadata
from .model import STATUS_REJECTED, Extraction, Issue, ParsedReport
from .new_template import detect_new_template, parse_new_tables
from .old_template import find_old_table, parse_old_table
from .prose import parse_old_prose
from .text import UndecodableError, load_document

# Leading bytes of files that are not text reports (the scrape saved an attachment instead).
_BINARY_SIGNATURES: Final = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive (or Office document)",
    b"\xd0\xcf\x11\xe0": "legacy Office document",
    b"Rar!": "RAR archive",
    b"\x1f\x8b": "gzip archive",
    b"BM": "BMP image",
}
_SIGNATURES: Final = tuple(_BINARY_SIGNATURES)
LAST_OLD_TEMPLATE_YEAR: Final = 2018
# Real reports are tens of kilobytes; anything this large is an attachment or a dump, not a report.
MAX_REPORT_BYTES: Final = 8 * 1024 * 1024


def parse_file(path: str | Path, name: str | None = None) -> ParsedReport:
    path = Path(path)
    return parse_report(path.read_bytes(), name or str(path))


def parse_report(data: bytes, file: str) -> ParsedReport:
    report = ParsedReport(file=file, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    problem = _not_a_text_report(data)
    if problem:
        return _reject(report, *problem)
    has_nul = data.find(b"\x00", 0, 4096) != -1
    try:
        doc = load_document(data)
    except UndecodableError as err:
        if has_nul:
            return _reject(report, "binary_file", "binary data (NUL bytes), not a text report")
        return _reject(report, "undecodable", str(err))
    if has_nul and not doc.encoding.lower().startswith("utf-16"):
        return _reject(report, "binary_file", "binary data (NUL bytes), not a text report")
    report.encoding = doc.encoding
    report.issues.extend(doc.notes)

    meta = extract_metadata(doc)
    report.agency_raw, report.agency, report.year = meta.agency_raw, meta.agency, meta.year
    report.issues.extend(meta.issues)

    template, why = detect_new_template(doc.lines)
    if template:
        extraction = parse_new_tables(doc.lines, template)
    elif find_old_table(doc.lines):
        template, why = "old", "old national statistics table (政府信息公开情况统计表) found"
        extraction = parse_old_table(doc.lines)
    else:
        extraction = parse_old_prose(doc.lines, report.year)
        if extraction.values and (report.year or 0) <= LAST_OLD_TEMPLATE_YEAR:
            template, why = "old", "no standard table; figures read from prose of a report up to 2018"
        else:
            template, why = "unknown", f"no standard table found ({why})"
    report.template, report.template_reason = template, why
    if template == "unknown" and extraction.values:
        # Prose figures of a report whose template is unknown have no keys to go under; say so.
        stated = ", ".join(f"{k} = {v}" for k, v in extraction.values.items())
        report.issues.append(Issue("unplaced_prose_values", f"figures read from prose but no template to key them: {stated}"))
        extraction.values.clear()
        extraction.provenance.clear()
    _merge(report, extraction, template)

    if not report.values and (report.agency is None or report.year is None):
        missing = [n for n, v in (("agency", report.agency), ("year", report.year)) if v is None]
        return _reject(report, "no_report_content",
                       f"no statistics and no {' or '.join(missing)} found: not an annual report")
    if report.year is None or report.agency is None:
        report.status, report.reason = STATUS_REJECTED, "missing_metadata: " + (
            "report year not found" if report.year is None else "agency not found")
    return report


def _merge(report: ParsedReport, extraction: Extraction, template: str) -> None:
    known = metrics_for(template) if template != "unknown" else {}
    values, provenance = extraction.values, extraction.provenance
    if not known or known.keys() >= values.keys():
        # The usual case, every key known: the reader's dicts are the report's (it is done with
        # them), values and provenance in the same order.
        report.values, report.provenance = values, provenance
    else:
        for key, value in values.items():
            if key not in known:
                report.issues.append(Issue("unknown_key", f"{key} is not a {template} key; dropped", key))
                continue
            report.values[key] = value
            report.provenance[key] = provenance[key]
    report.issues.extend(extraction.issues)
    # filter(None) drops blanks and zeros: whether there is a negative is found in C
    if min(filter(None, report.values.values()), default=0) < 0:
        for key, value in [(k, v) for k, v in report.values.items() if v is not None and v < 0]:
            metric = known.get(key)
            if not (metric and metric.signed):
                report.issues.append(Issue("negative_value", f"{key} = {value}: counts cannot be negative", key))
    report.issues.extend(v.to_issue() for v in check_identities(template, report.values))


def _not_a_text_report(data: bytes) -> tuple[str, str] | None:
    if not data or data.isspace():  # what `not data.strip()` says, without copying the file
        return "empty_file", "the file is empty or holds only white space"
    if len(data) > MAX_REPORT_BYTES:
        return "file_too_large", (f"{len(data) / 2**20:.1f} MiB, more than the {MAX_REPORT_BYTES // 2**20} MiB "
                                  "a text report can be")
    if data.startswith(_SIGNATURES):
        kind = next(kind for signature, kind in _BINARY_SIGNATURES.items() if data.startswith(signature))
        return "binary_file", f"{kind}, not a text report (nothing to parse)"
    return None


def _reject(report: ParsedReport, code: str, message: str) -> ParsedReport:
    report.status, report.reason = STATUS_REJECTED, f"{code}: {message}"
    report.template_reason = report.template_reason or "not parsed"
    report.issues.append(Issue(code, message))
    return report
