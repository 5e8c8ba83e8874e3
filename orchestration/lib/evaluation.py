"""Parser accuracy against a synthetic corpus's truth.jsonl (`ogi eval DIR`).

A value is correct only when the parser reports the same key with exactly the same value (a blank,
null, is not a zero). Precision = correct / values the parser reported; recall = correct / values in
the truth. Template, agency and year are scored on the files that should parse; status on all.
"""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator

from .parsing import parse_report
from .parsing.model import STATUS_PARSED, Number
from .synthetic import TRUTH_FILE, read_truth

ABSENT = "(absent)"  # a key one side does not have at all
NO_TEMPLATE = "none"  # the truth's template of a junk file
_CHUNK = 64


class CorpusError(ValueError):
    """The directory is not a corpus as `ogi generate --out DIR` writes it."""


@dataclass
class Tally:
    reported: int = 0
    expected: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.reported if self.reported else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None

    @property
    def errors(self) -> int:
        """Wrong or extra values plus missing ones: what stands between this and perfect."""
        return (self.reported - self.correct) + (self.expected - self.correct)

    def add(self, other: Tally) -> None:
        self.reported += other.reported
        self.expected += other.expected
        self.correct += other.correct


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.correct += ok
        self.total += 1


@dataclass(frozen=True)
class Mismatch:
    file: str
    key: str  # a metric key, or @template / @agency / @year / @status
    expected: Number | str | None
    got: Number | str | None


@dataclass
class EvaluationResult:
    corpus: Path
    files: int = 0
    seconds: float = 0.0
    overall: Tally = field(default_factory=Tally)
    by_key: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_template: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_layout: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_variant: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    template: Accuracy = field(default_factory=Accuracy)
    agency: Accuracy = field(default_factory=Accuracy)
    year: Accuracy = field(default_factory=Accuracy)
    status: Accuracy = field(default_factory=Accuracy)
    consistent_reports: int = 0  # kind report, no identity deliberately broken
    exact_consistent_reports: int = 0  # … whose values are all exact
    parser_errors: int = 0  # files on which parse_report raised
    mismatches: list[Mismatch] = field(default_factory=list)
    mismatch_count: int = 0  # all of them, also those beyond the kept list

    @property
    def exact_on_consistent(self) -> bool:
        """Every value of every identity-consistent report is exact."""
        return self.exact_consistent_reports == self.consistent_reports


@dataclass(frozen=True)
class _Parsed:
    status: str
    template: str
    agency: str | None
    year: int | None
    values: dict[str, Number | None]


def evaluate_corpus(dir: Path, workers: int = 1, max_mismatches: int = 100_000,
                    on_mismatch: Callable[[Mismatch], None] | None = None, truth: Path | None = None) -> EvaluationResult:
    """Parse every file listed in the truth (`dir/truth.jsonl` unless given) and score the parser
    against it. Keeps the first `max_mismatches` mismatches (all are counted), so a bad parser on a
    big corpus cannot exhaust memory; `on_mismatch` is given every one. CorpusError without a truth
    file or if `dir` lacks a file it lists: a missing file is no parser result to score."""
    corpus = Path(dir)
    given = truth is not None
    truth = Path(truth) if given else corpus / TRUTH_FILE
    if not truth.is_file():
        raise CorpusError(f"no truth file {truth}" if given else
                          f"no {TRUTH_FILE} in {corpus}: ogi eval reads a directory written by `ogi generate --out`")
    result = EvaluationResult(corpus)
    started = time.perf_counter()
    truths = _present(corpus, truth, read_truth(truth))
    score = partial(_score, result, max_mismatches=max_mismatches, on_mismatch=on_mismatch)
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for batch, parsed in _parallel(pool, workers, corpus, truths):
                for truth, got in zip(batch, parsed):
                    score(truth, got)
    else:
        for truth in truths:
            score(truth, _parse(corpus, truth["file"]))
    result.seconds = time.perf_counter() - started
    return result


def _present(corpus: Path, truth_file: Path, truths: Iterator[dict]) -> Iterator[dict]:
    for truth in truths:
        if not (corpus / truth["file"]).is_file():
            raise CorpusError(f"{truth['file']}, listed in {truth_file}, is not in {corpus}")
        yield truth


def _parallel(pool: ProcessPoolExecutor, workers: int, corpus: Path,
              truths: Iterator[dict]) -> Iterator[tuple[list[dict], list[_Parsed]]]:
    """Batches of truth records with their parses, in order, with a bounded number in flight."""
    pending = []
    while True:
        batch = list(islice(truths, _CHUNK))
        if batch:
            pending.append((batch, pool.submit(_parse_batch, corpus, [t["file"] for t in batch])))
        if pending and (not batch or len(pending) > 4 * workers):
            done_batch, future = pending.pop(0)
            yield done_batch, future.result()
        elif not batch:
            return


def _parse_batch(corpus: Path, files: list[str]) -> list[_Parsed]:
    return [_parse(corpus, file) for file in files]


def _parse(corpus: Path, file: str) -> _Parsed:
    try:
        report = parse_report((corpus / file).read_bytes(), file)
    except Exception as error:  # a crash is a result to report, not a reason to stop scoring
        return _Parsed(f"error: {type(error).__name__}: {error}", "unknown", None, None, {})
    return _Parsed(report.status, report.template, report.agency, report.year, dict(report.values))


def _same(expected: Number | None, got: Number | None) -> bool:
    if expected is None or got is None:
        return expected is got
    return expected == got


def _score(result: EvaluationResult, truth: dict, got: _Parsed, max_mismatches: int,
           on_mismatch: Callable[[Mismatch], None] | None) -> None:
    file = truth["file"]
    result.files += 1

    def mismatch(key: str, expected, actual) -> None:
        result.mismatch_count += 1
        found = Mismatch(file, key, expected, actual)
        if len(result.mismatches) < max_mismatches:
            result.mismatches.append(found)
        if on_mismatch is not None:
            on_mismatch(found)

    if got.status.startswith("error"):
        result.parser_errors += 1
    result.status.add(got.status == truth["expected_status"])
    if got.status != truth["expected_status"]:
        mismatch("@status", truth["expected_status"], got.status)
    if truth["expected_status"] == STATUS_PARSED:
        for key, expected, actual, accuracy in (
            ("@template", truth["template"], got.template, result.template),
            ("@agency", truth["agency"], got.agency, result.agency),
            ("@year", truth["year"], got.year, result.year),
        ):
            accuracy.add(expected == actual)
            if expected != actual:
                mismatch(key, expected, actual)

    file_tally = Tally()
    expected_values: dict = truth["values"]
    for key in list(expected_values) + [k for k in got.values if k not in expected_values]:
        in_truth, in_parse = key in expected_values, key in got.values
        key_tally = result.by_key[key]
        if in_truth:
            file_tally.expected += 1
            key_tally.expected += 1
        if in_parse:
            file_tally.reported += 1
            key_tally.reported += 1
        if in_truth and in_parse and _same(expected_values[key], got.values[key]):
            file_tally.correct += 1
            key_tally.correct += 1
        else:
            mismatch(key, expected_values[key] if in_truth else ABSENT, got.values[key] if in_parse else ABSENT)

    result.overall.add(file_tally)
    result.by_template[truth["template"] or NO_TEMPLATE].add(file_tally)
    result.by_layout[truth["layout"] or NO_TEMPLATE].add(file_tally)
    for variant in truth.get("variants", ()):
        result.by_variant[variant].add(file_tally)
    if truth["kind"] == "report" and not truth["broken_rules"]:
        result.consistent_reports += 1
        exact = file_tally.correct == file_tally.expected == file_tally.reported
        result.exact_consistent_reports += exact


def _percent(rate: float | None) -> str:
    return "    —  " if rate is None else f"{rate * 100:6.2f}%"


def _tally_rows(title: str, tallies: list[tuple[str, Tally]]) -> list[str]:
    width = max([len(title) - 2] + [len(name) for name, _ in tallies])
    rows = [f"{title:<{width + 2}}  precision   recall  correct/reported/truth"]
    for name, t in tallies:
        rows.append(f"  {name:<{width}}    {_percent(t.precision)}  {_percent(t.recall)}  "
                    f"{t.correct}/{t.reported}/{t.expected}")
    return rows


def _accuracy(a: Accuracy) -> str:
    return f"{_percent(a.rate).strip()} ({a.correct}/{a.total})"


def format_evaluation(result: EvaluationResult, mismatches: int = 30, worst_keys: int = 15,
                      all_mismatches_in: Path | None = None) -> str:
    """A compact text report: overall, per template, per layout, per variant, worst keys, the first
    `mismatches` mismatches and where all of them were written, if they were."""
    r = result
    speed = f" ({r.files / r.seconds:,.0f} files/s)" if r.seconds else ""
    lines = [
        f"Evaluated {r.files} files of {r.corpus} in {r.seconds:.1f}s{speed}",
        f"values: precision {_percent(r.overall.precision).strip()}, recall {_percent(r.overall.recall).strip()} "
        f"(correct {r.overall.correct}, reported {r.overall.reported}, truth {r.overall.expected}"
        # a few wrong values in millions still print as 100.00%: the count says it
        + (f"; {r.overall.reported - r.overall.correct} reported values wrong or not in the truth)"
           if r.overall.reported > r.overall.correct else ")"),
        f"template {_accuracy(r.template)}, agency {_accuracy(r.agency)}, year {_accuracy(r.year)}, "
        f"status {_accuracy(r.status)}" + (f", parser crashes {r.parser_errors}" if r.parser_errors else ""),
        f"identity-consistent reports with every value exact: {r.exact_consistent_reports}/{r.consistent_reports}"
        f" → exact_on_consistent = {r.exact_on_consistent}",
        "",
    ]
    lines += _tally_rows("by template", sorted(r.by_template.items()))
    lines += _tally_rows("by layout", sorted(r.by_layout.items()))
    lines += _tally_rows("by variant", sorted(r.by_variant.items()))
    worst = sorted(((k, t) for k, t in r.by_key.items() if t.errors), key=lambda kt: (-kt[1].errors, kt[0]))
    if worst:
        lines += _tally_rows(f"worst keys ({len(worst)} with errors)", worst[:worst_keys])
    if r.mismatch_count:
        if r.mismatch_count <= mismatches:
            heading = f"mismatches: {r.mismatch_count}" + (f" (also in {all_mismatches_in})" if all_mismatches_in else "")
        else:
            heading = f"mismatches: {r.mismatch_count}; the first {mismatches} " + (
                f"(all in {all_mismatches_in})" if all_mismatches_in else "(--mismatches FILE lists all)")
        lines.append(heading + ":")
        for m in r.mismatches[:mismatches]:
            lines.append(f"  {m.file}  {m.key}  expected {m.expected!r}  got {m.got!r}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The published warehouse against the truth: the parser and everything after it

PUBLISHED_VERDICTS = ("exact", "withheld", "wrong", "missing")


def published_against_truth(published: Path, truths: list[tuple[Path, str]]) -> dict[tuple[bool, str], int]:
    """Every truth value of the files whose report `published` (a published.duckdb) publishes,
    counted by (the file's identities hold as written, verdict): `exact`, `withheld` (published as
    withheld), `wrong` (published, another value) or `missing` (not published). Each truth is
    (truth file, prefix of its files' names in raw/): a corpus copied in under other names."""
    from .warehouse_io import connect  # DuckDB: the parser-only evaluation does without

    with connect(Path(published), read_only=True) as con:
        truth_rows = " union all ".join(
            "select ? || file as file, kind in ('report', 'duplicate') and len(broken_rules) = 0 as consistent, "
            "\"values\" as v from read_json(?, format = 'newline_delimited', columns = {file: 'VARCHAR', "
            "kind: 'VARCHAR', broken_rules: 'VARCHAR[]', \"values\": 'MAP(VARCHAR, DOUBLE)'})" for _ in truths)
        rows = con.execute(f"""
            with truth as ({truth_rows}),
            expected as (
                select file, consistent, unnest(map_keys(v)) as key, unnest(map_values(v)) as value from truth
            ),
            published as (
                select regexp_extract(source_file, '[^/]+$') as file, key, value, is_withheld
                from fct_report_values
            )
            select e.consistent,
                   case when p.key is null then 'missing' when p.is_withheld then 'withheld'
                        when p.value is not distinct from e.value then 'exact' else 'wrong' end,
                   count(*)
            from expected as e
            semi join (select distinct file from published) as f on f.file = e.file
            left join published as p on p.file = e.file and p.key = e.key
            group by all
        """, [value for truth, prefix in truths for value in (prefix, str(truth))]).fetchall()
    return {(consistent, verdict): count for consistent, verdict, count in rows}
