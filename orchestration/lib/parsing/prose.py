"""Figures stated in prose (old reports without a table), marked as coming from prose."""

from __future__ import annotations

from .model import Extraction


def parse_old_prose(lines: list[str], year: int | None) -> Extraction:
    return Extraction()
