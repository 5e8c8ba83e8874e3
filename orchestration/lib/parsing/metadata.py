"""Agency, report year (SPEC §6)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Issue
from .text import Document


@dataclass
class Metadata:
    agency_raw: str | None = None
    agency: str | None = None
    year: int | None = None
    issues: list[Issue] = field(default_factory=list)


def extract_metadata(doc: Document) -> Metadata:
    return Metadata()
