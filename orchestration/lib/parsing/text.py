"""Bytes → normalized text lines (encoding, HTML, Unicode, traditional → simplified, pinyin, mojibake)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Issue


@dataclass
class Document:
    """A report as lines: `lines` is what parsers read; `raw_lines` is the same line before
    traditional → simplified conversion (for agency names as published)."""

    lines: list[str]
    raw_lines: list[str]
    encoding: str
    notes: list[Issue] = field(default_factory=list)


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we read."""


def load_document(data: bytes) -> Document:
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    return Document(lines=lines, raw_lines=list(lines), encoding="utf-8")
