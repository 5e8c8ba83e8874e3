"""Runs the Great Expectations 1.x suites of expectations/ on DataFrames read from DuckDB.

GE's SQL path on DuckDB loses query results, so relations are read into pandas first. Results
are kept in a file context under the warehouse, from which Data Docs are built.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .paths import EXPECTATIONS_DIR, WarehouseLayout

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@dataclass(frozen=True)
class ExpectationFailure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    sample: list

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        count = f": {self.unexpected_count} unexpected" if self.unexpected_count is not None else ""
        return f"{self.expectation}{where}{count} {self.sample[:5]}"


@dataclass(frozen=True)
class ValidationOutcome:
    suite: str
    success: bool
    evaluated: int
    rows: int  # validated
    failures: list[ExpectationFailure]
    relation_rows: int | None = None  # in the relation validated (when not a DataFrame)


def suite_names() -> list[str]:
    return sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))


def suite_description(name: str) -> str:
    return _suite_json(name)["meta"]["description"]


def suite_columns(name: str) -> list[str]:
    """Every column a suite reads (also those of its row conditions), so nothing else is loaded."""
    columns: set[str] = set()
    for expectation in _suite_json(name)["expectations"]:
        kwargs = expectation["kwargs"]
        columns.update(kwargs.get(k) for k in ("column", "column_A", "column_B") if kwargs.get(k))
        columns.update(kwargs.get("column_list", []))
        condition = kwargs.get("row_condition", "")
        columns.update(re.findall(r"[a-z_][a-z0-9_]*(?=\s*[=!<>])", condition))
    return sorted(columns)


def _suite_json(name: str) -> dict:
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


DOCS_SITE = "warehouse_docs"
# Runs whose validation results the Data Docs keep (see _forget_old_validations).
KEPT_VALIDATION_RUNS = 30


@lru_cache(maxsize=None)
def _context(gx_root: str, docs_dir: str):
    import great_expectations as gx  # slow import: only when validating
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="file", project_root_dir=gx_root)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.variables.save()
    # Data Docs go straight to warehouse/docs: a blocked run's failures are there to read too.
    site = {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
    }
    sites = context.list_data_docs_sites()
    for name in list(sites):
        if name != DOCS_SITE:
            context.delete_data_docs_site(name)
    if DOCS_SITE in sites:
        context.update_data_docs_site(DOCS_SITE, site)
    else:
        context.add_data_docs_site(DOCS_SITE, site)
    return context


@contextmanager
def _one_process_at_a_time(gx_root: str):
    """GE's file context rewrites great_expectations.yml (data source, docs site) on every
    validation; two processes validating into one warehouse (a UI run beside a test, parallel
    check steps as there once were) read it half-written (InvalidDataContextConfigError)."""
    Path(gx_root).mkdir(parents=True, exist_ok=True)
    with open(Path(gx_root) / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def validate(layout: WarehouseLayout, suite_name: str, frame: pd.DataFrame,
             run_name: str | None = None) -> ValidationOutcome:
    """`run_name` (the pipeline run's id) groups the run's results in the Data Docs, and is what
    build_data_docs keeps the last runs by."""
    import great_expectations  # noqa: F401 - the slow import, outside the lock

    gx_root = str(layout.root / "gx_project")
    with _one_process_at_a_time(gx_root):
        return _validate(gx_root, str(data_docs_dir(layout)), suite_name, frame, run_name)


def _validate(gx_root: str, docs_dir: str, suite_name: str, frame: pd.DataFrame,
              run_name: str | None) -> ValidationOutcome:
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = _context(gx_root, docs_dir)
    spec = _suite_json(suite_name)
    suite = gx.ExpectationSuite(
        name=suite_name,
        meta=spec["meta"],
        expectations=[ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"]).to_domain_obj()
                      for e in spec["expectations"]],
    )
    suite = context.suites.add_or_update(suite)
    source = context.data_sources.add_or_update_pandas("warehouse")
    asset = next((a for a in source.assets if a.name == suite_name), None) or source.add_dataframe_asset(suite_name)
    batch = next((b for b in asset.batch_definitions if b.name == "whole"), None) \
        or asset.add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(name=suite_name, validation_definitions=[definition],
                      result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}))
    result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name))
    run = next(iter(result.run_results.values()))
    failures = [
        ExpectationFailure(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column") or r.expectation_config.kwargs.get("column_A"),
            unexpected_count=r.result.get("unexpected_count"),
            sample=list(r.result.get("partial_unexpected_list") or []),
        )
        for r in run.results if not r.success
    ]
    return ValidationOutcome(suite_name, result.success, len(run.results), len(frame), failures)


def validate_relation(layout: WarehouseLayout, suite_name: str, relation: str, partition_by: str,
                      max_rows: int | None = None, run_name: str | None = None,
                      keys: list[str | None] | None = None) -> ValidationOutcome:
    """Validate a warehouse relation in batches of at most about `max_rows` (default: what the
    pipeline's memory limit affords, memory.validation_batch_rows), split by hash of
    `partition_by` (a key column of every uniqueness expectation), so memory stays bounded.
    Given `keys`, only the rows whose `partition_by` is one of them (whole partitions, so a
    uniqueness expectation still sees every row it compares)."""
    from .memory import validation_batch_rows
    from .warehouse_io import RowFilter, count_rows, read_relation

    if max_rows is None:
        max_rows = validation_batch_rows()
    total = count_rows(layout, relation)
    rows = total if keys is None else count_rows(layout, relation, RowFilter(partition_by, keys=keys))
    if rows == 0 and keys is not None:  # nothing changed: nothing to validate
        return ValidationOutcome(suite_name, True, 0, 0, [], relation_rows=total)
    batches = max(1, math.ceil(rows / max_rows))
    columns = suite_columns(suite_name)
    outcomes = [
        validate(layout, suite_name, _strings_as_categories(read_relation(
            layout, relation, columns, RowFilter(partition_by, (i, batches) if batches > 1 else None, keys))),
            run_name)
        for i in range(batches)
    ]
    return ValidationOutcome(
        suite=suite_name,
        success=all(o.success for o in outcomes),
        evaluated=outcomes[0].evaluated,
        rows=rows,
        failures=[f for o in outcomes for f in o.failures],
        relation_rows=total,
    )


def _strings_as_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """GE copies the whole frame for every row condition and null filter; copying the integer codes
    of categories instead of the strings (64-character hashes) took the identity gate from 6 s to
    2 s at 100,000 reports. Values, nulls and comparisons, hence verdicts, stay the same."""
    strings = [c for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    return frame.astype({c: "category" for c in strings})


def build_data_docs(layout: WarehouseLayout, run_name: str | None = None,
                    keep_runs: int = KEPT_VALIDATION_RUNS) -> int:
    """Render the Data Docs once for every validation of the run (not once per validation), after
    forgetting the results of all but the last `keep_runs` runs; returns how many were forgotten.
    Given the run, only its results (and the suites) are rendered: the pages of earlier runs are
    there already, and the index is rebuilt from every page of the site."""
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    gx_root = str(layout.root / "gx_project")
    docs_dir = data_docs_dir(layout)
    with _one_process_at_a_time(gx_root):
        context = _context(gx_root, str(docs_dir))
        kept, forgotten = _forget_old_validations(context, docs_dir, keep_runs)
        resources = None
        if run_name is not None:
            resources = [ExpectationSuiteIdentifier(name) for name in suite_names()] + [
                key for key in kept if key.run_id.run_name == run_name]
        context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=resources)
    return forgotten


def _forget_old_validations(context, docs_dir: Path, keep_runs: int) -> tuple[list, int]:
    """Drop the stored results, and their pages, of the runs before the last `keep_runs`, so that
    a daily schedule neither fills the disk (a page of ~170 KB per suite and run) nor lengthens
    the index every build writes; returns the keys of the results kept and how many were dropped."""
    store = context.validation_results_store
    keys = store.list_keys()
    newest: dict[str, object] = {}
    for key in keys:
        run = _run_of(key)
        newest[run] = max(newest.get(run, key.run_id.run_time), key.run_id.run_time)
    kept = set(sorted(newest, key=newest.__getitem__, reverse=True)[:keep_runs])
    forgotten = [key for key in keys if _run_of(key) not in kept]
    results_dir = Path(store.store_backend.full_base_directory)
    for key in forgotten:
        store.remove_key(key)
        *folders, batch = key.to_tuple()
        page = docs_dir.joinpath("validations", *folders, f"{batch}.html")
        page.unlink(missing_ok=True)
        for root in (results_dir, docs_dir / "validations"):
            _remove_if_empty(root.joinpath(*folders))  # the run-time folder, then the run's
            _remove_if_empty(root.joinpath(*folders[:-1]))
    return [key for key in keys if _run_of(key) in kept], len(forgotten)


def _remove_if_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _run_of(key) -> str:
    """The run a stored result belongs to; one validated without a run name is a run of its own."""
    name = key.run_id.run_name
    return name if name and name != "__none__" else f"{name}@{key.run_id.run_time.isoformat()}"


def data_docs_dir(layout: WarehouseLayout) -> Path:
    return layout.docs / "great_expectations"
