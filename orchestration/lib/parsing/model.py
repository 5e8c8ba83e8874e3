"""What the parser produces for one report file."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Final, NamedTuple

Number = int | float

# Where a value was read from; marts and users filter on it (prose is lower confidence).
SOURCE_TABLE: Final = "table"
SOURCE_PROSE: Final = "prose"
SOURCE_LOCAL_TABLE: Final = "local_table"
SOURCE_SPLIT_BY_IDENTITY: Final = "split_by_identity"

STATUS_PARSED: Final = "parsed"
STATUS_REJECTED: Final = "rejected"

_last_joined: tuple[list[str], int, str] | None = None


def joined_lines(lines: list[str]) -> str:
    """`"\n".join(lines)`, kept for the last list: metadata and the table finders each search a
    report's whole text, one after the other."""
    global _last_joined
    last = _last_joined
    if last is not None and last[0] is lines and last[1] == len(lines):
        return last[2]
    text = "\n".join(lines)
    _last_joined = (lines, len(lines), text)
    return text


# Immutable records as named tuples: a report makes dozens of them, and a frozen dataclass's
# __init__ costs several times as much.
class Issue(NamedTuple):
    """A parse problem or identity violation: `code` is stable and machine-readable."""

    code: str
    message: str
    key: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in zip(self._fields, self) if v is not None}


class Provenance(NamedTuple):
    """Line number (1-based, in the normalized text), how it was read, and the text it came from."""

    line: int
    source: str
    text: str
    note: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in zip(self._fields, self) if v is not None}


# Provenance(line, source, text, note) through C only, for the readers that make one per value or
# row: the named tuple's own __new__ is generated Python code, twice as slow. All four fields.
provenance_of = partial(tuple.__new__, Provenance)


@dataclass
class ParsedReport:
    file: str
    sha256: str
    size: int
    status: str = STATUS_PARSED
    reason: str | None = None
    encoding: str | None = None
    agency_raw: str | None = None
    agency: str | None = None
    year: int | None = None
    template: str = "unknown"
    template_reason: str | None = None
    values: dict[str, Number | None] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "size": self.size,
            "status": self.status,
            "reason": self.reason,
            "encoding": self.encoding,
            "agency": self.agency,
            "agency_raw": self.agency_raw,
            "year": self.year,
            "template": self.template,
            "template_reason": self.template_reason,
            "values": self.values,
            "provenance": {k: p.to_dict() for k, p in self.provenance.items()},
            "issues": [i.to_dict() for i in self.issues],
        }


@dataclass
class Extraction:
    """Values read by one reader (a table parser or the prose reader), with where each came from."""

    values: dict[str, Number | None] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def put(self, key: str, value: Number | None, provenance: Provenance) -> None:
        self.values[key] = value
        self.provenance[key] = provenance
