"""The new tables 表二/表三/表四 (2019 and 2021 templates) and section 六's processing fees."""

from __future__ import annotations

from .model import Extraction


def detect_new_template(lines: list[str]) -> tuple[str | None, str]:
    """('new2019' | 'new2021' | None, why) decided from the tables themselves, not the year."""
    return None, "no new-format table found"


def parse_new_tables(lines: list[str], template: str) -> Extraction:
    return Extraction()
