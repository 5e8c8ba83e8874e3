"""A synthetic corpus on disk: report files plus truth.jsonl, streamed, deterministic for a seed."""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..parsing.identities import check_identities
from ..parsing.model import STATUS_PARSED, STATUS_REJECTED
from .compose import ReportSpec, compose, draw_spec, in_encoding, mirror
from .layouts import HTML, MARKDOWN, PROSE, TABLE_LAYOUTS

TRUTH_FILE = "truth.jsonl"
REPORT, DUPLICATE, JUNK = "report", "duplicate", "junk"

# Every (template, layout) pair the generator writes; prose-only reports exist only for `old`.
TEMPLATE_LAYOUTS: dict[str, tuple[str, ...]] = {
    "old": TABLE_LAYOUTS + (PROSE,),
    "new2019": TABLE_LAYOUTS,
    "new2021": TABLE_LAYOUTS,
}
COMBINATIONS = tuple((t, layout) for t, layouts in TEMPLATE_LAYOUTS.items() for layout in layouts)

_CHUNK = 250  # files per unit of work; small enough to stream, large enough to amortize a process hop
JUNK_KINDS = ("empty", "png", "pdf", "zip", "random_bytes", "truncated")
_EXTENSIONS = {HTML: ".html", MARKDOWN: ".md"}
_JUNK_HEADERS = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    "zip": b"PK\x03\x04\x14\x00\x06\x00\x08\x00",
}


@dataclass
class GenerationSummary:
    out: Path
    files: int
    seconds: float
    bytes_written: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_template: dict[str, int] = field(default_factory=dict)
    by_layout: dict[str, int] = field(default_factory=dict)

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds else float("inf")

    def __str__(self) -> str:
        def counts(c: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(c.items()))

        return (f"{self.files} files ({self.bytes_written / 1e6:.1f} MB) in {self.out} "
                f"in {self.seconds:.1f}s ({self.files_per_second:,.0f} files/s)\n"
                f"  kinds: {counts(self.by_kind)}\n  templates: {counts(self.by_template)}\n"
                f"  layouts: {counts(self.by_layout)}")


def generate_corpus(n: int, out: Path, seed: int = 0, *, workers: int | None = None, broken_share: float = 0.05,
                    duplicate_share: float = 0.03, junk_share: float = 0.03) -> GenerationSummary:
    """Write `n` files and `out/truth.jsonl`. The same seed gives the same bytes and truth, whatever
    the number of worker processes (default: one per CPU when there is more than one chunk of work).

    Reports cycle through every (template, layout) pair in seeded random order, so even a small
    corpus covers them all; each file draws its own content from a generator seeded by (seed, index).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    shares = _Shares(broken_share, duplicate_share, junk_share)
    width = _name_width(n)
    chunks = [(seed, start, min(start + _CHUNK, n), width, str(out), shares) for start in range(0, n, _CHUNK)]
    summary = GenerationSummary(out, n, 0.0, 0)
    counts: dict[str, Counter] = {"kind": Counter(), "template": Counter(), "layout": Counter()}
    if workers is None:
        workers = min(os.cpu_count() or 1, len(chunks))
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    with open(out / TRUTH_FILE, "w", encoding="utf-8") as truth_file, pool or nullcontext():
        # Chunks come back in order as they finish, so truth.jsonl streams and memory stays flat.
        results = pool.map(_generate_chunk, chunks) if pool else map(_generate_chunk, chunks)
        for lines, written, chunk_counts in results:
            truth_file.writelines(lines)
            summary.bytes_written += written
            for what, counter in chunk_counts.items():
                counts[what].update(counter)
    summary.seconds = time.perf_counter() - started
    summary.by_kind, summary.by_template, summary.by_layout = (
        dict(counts["kind"]), dict(counts["template"]), dict(counts["layout"]))
    return summary


def generate_files(indices, out: Path, seed: int = 0, *, n: int = 1_000_000, broken_share: float = 0.05,
                   duplicate_share: float = 0.03, junk_share: float = 0.03) -> None:
    """Only the files at `indices` of the corpus that generate_corpus writes for these arguments, the
    same bytes under the same names, with their truth.jsonl: a mismatch found at file 96690 of a
    large corpus is reproduced without the other files."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shares = _Shares(broken_share, duplicate_share, junk_share)
    width = _name_width(n)
    with open(out / TRUTH_FILE, "w", encoding="utf-8") as truth_file:
        for index in indices:
            truth_file.writelines(_generate_chunk((seed, index, index + 1, width, str(out), shares))[0])


@dataclass(frozen=True)
class _Shares:
    broken: float
    duplicate: float
    junk: float


def _kind_draw(seed: int, index: int) -> float:
    return random.Random(f"{seed}:{index}").random()


def _generate_chunk(job: tuple[int, int, int, int, str, _Shares]) -> tuple[list[str], int, dict[str, Counter]]:
    seed, start, stop, width, out, shares = job
    lines, written = [], 0
    counts: dict[str, Counter] = {"kind": Counter(), "template": Counter(), "layout": Counter()}
    previous: tuple[ReportSpec, str, bytes] | None = None  # the last report, for its duplicate
    for index in range(start, stop):
        rng = random.Random(f"{seed}:{index}")
        draw = rng.random()
        spec = None
        # A duplicate follows the report it copies; whether index-1 is a report depends on its own
        # draw alone, so any chunk can be generated without the ones before it.
        if draw < shares.junk:
            data, ext, truth = _junk(rng, seed, index, shares.broken)
        elif (draw < shares.junk + shares.duplicate and index > 0
              and _kind_draw(seed, index - 1) >= shares.junk + shares.duplicate):
            if previous is None:
                previous = _report(random.Random(f"{seed}:{index - 1}"), seed, index - 1, width, shares)
            data, ext, truth = _duplicate(rng, *previous)
        else:
            spec, data, truth = _report_content(rng, seed, index, shares)
            ext = _EXTENSIONS.get(spec.layout, ".txt")
        name = _file_name(index, width, data, ext)
        with open(Path(out) / name, "wb") as file:
            file.write(data)
        lines.append(json.dumps({"file": name, **truth}, ensure_ascii=False, separators=(",", ":")) + "\n")
        previous = (spec, name, data) if spec is not None else None
        written += len(data)
        counts["kind"][truth["kind"]] += 1
        counts["template"][truth["template"] or "none"] += 1
        counts["layout"][truth["layout"] or "none"] += 1
    return lines, written, counts


def _name_width(n: int) -> int:
    """Digits of the index in the file names of an n-file corpus (generate_files must agree)."""
    return max(6, len(str(n - 1)))


def _file_name(index: int, width: int, data: bytes, ext: str) -> str:
    return f"{index:0{width}d}_{hashlib.sha256(data).hexdigest()[:16]}{ext}"


def _report_content(rng: random.Random, seed: int, index: int, shares: _Shares) -> tuple[ReportSpec, bytes, dict]:
    template, layout = _combination(seed, index)
    spec = draw_spec(rng, template, layout, shares.broken)
    data, truth = _render(spec)
    return spec, data, truth


def _report(rng: random.Random, seed: int, index: int, width: int, shares: _Shares) -> tuple[ReportSpec, str, bytes]:
    """Report `index` again, from scratch (its generator's first draw decided its kind)."""
    rng.random()
    spec, data, _ = _report_content(rng, seed, index, shares)
    return spec, _file_name(index, width, data, _EXTENSIONS.get(spec.layout, ".txt")), data


def read_truth(corpus: Path) -> Iterator[dict]:
    """The records of `corpus`/truth.jsonl, or of `corpus` itself when it is a truth file."""
    path = Path(corpus)
    with open(path if path.is_file() else path / TRUTH_FILE, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


@lru_cache(maxsize=4)
def _combination_order(seed: int, cycle: int) -> tuple[tuple[str, str], ...]:
    order = list(COMBINATIONS)
    random.Random(f"{seed}:order:{cycle}").shuffle(order)
    return tuple(order)


def _combination(seed: int, index: int) -> tuple[str, str]:
    return _combination_order(seed, index // len(COMBINATIONS))[index % len(COMBINATIONS)]


def _render(spec: ReportSpec, kind: str = REPORT, cut_fraction: float | None = None) -> tuple[bytes, dict]:
    composition = compose(spec, cut_fraction)
    try:
        data, encoding = composition.text.encode(spec.encoding), spec.encoding
    except UnicodeEncodeError:
        # A character with no place in the encoding (a rare place name in Big5): saved as UTF-8,
        # as a publisher whose editor refused the legacy encoding would have done.
        spec = in_encoding(spec, "utf-8")
        composition = compose(spec, cut_fraction)
        data, encoding = composition.text.encode("utf-8"), "utf-8"
    broken = spec.broken_rules
    if cut_fraction is not None:  # the cut may have taken away a key of the broken rule
        broken = tuple(sorted(v.rule.rule_id for v in check_identities(spec.template, composition.values)))
    return data, {
        "kind": kind,
        "layout": spec.layout,
        "encoding": encoding,
        "template": spec.template,
        "agency": spec.agency.name,
        "year": spec.year,
        "values": composition.values,
        "broken_rules": list(broken),
        "expected_status": STATUS_PARSED,
        "variants": composition.variants,
    }


def _duplicate(rng: random.Random, spec: ReportSpec, name: str, data: bytes) -> tuple[bytes, str, dict]:
    """The previous report again: a byte-identical copy, or a traditional-character mirror of it."""
    ext = Path(name).suffix
    if spec.style.script.traditional or rng.random() < 0.5:
        _, truth = _render(spec, DUPLICATE)
        copy = data
    else:
        copy, truth = _render(mirror(spec), DUPLICATE)
    return copy, ext, {**truth, "duplicate_of": name}


def _junk(rng: random.Random, seed: int, index: int, broken_share: float) -> tuple[bytes, str, dict]:
    kind = rng.choice(JUNK_KINDS)
    if kind == "truncated":
        template, layout = _combination(seed, index)
        layout = layout if layout != PROSE else TABLE_LAYOUTS[index % len(TABLE_LAYOUTS)]
        spec = draw_spec(rng, template, layout, broken_share)
        data, truth = _render(spec, JUNK, cut_fraction=rng.uniform(0.3, 0.8))
        return data, _EXTENSIONS.get(layout, ".txt"), {**truth, "junk": kind}
    if kind == "empty":
        data, ext = rng.choice((b"", b"\r\n", b"  \n\n ")), ".txt"
    elif kind == "random_bytes":
        noise = bytearray(rng.randbytes(rng.randint(200, 4000)))
        noise[rng.randrange(min(len(noise), 100))] = 0  # NUL: what marks it as binary, not text
        data, ext = bytes(noise), ".bin"
    else:
        data, ext = _JUNK_HEADERS[kind] + rng.randbytes(rng.randint(500, 20000)), f".{kind}"
    truth = {"kind": JUNK, "junk": kind, "layout": None, "encoding": None, "template": None,
             "agency": None, "year": None, "values": {}, "broken_rules": [],
             "expected_status": STATUS_REJECTED, "variants": []}
    return data, ext, truth
