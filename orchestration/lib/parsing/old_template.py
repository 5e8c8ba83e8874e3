"""The old national table 政府信息公开情况统计表 (reports 2008–2018)."""

from __future__ import annotations

from .model import Extraction


def find_old_table(lines: list[str]) -> bool:
    """True if the lines hold the old national statistics table."""
    return False


def parse_old_table(lines: list[str]) -> Extraction:
    return Extraction()
