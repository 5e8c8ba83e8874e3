"""Every dbt model, seed and test as its own Dagster asset / asset check (dagster-dbt)."""

import dagster as dg
from dagster_dbt import dbt_assets

from ...lib.landing import why_build_in_full
from ...lib.paths import warehouse
from .resources import ForkedDbt, dbt_project, ensure_manifest


@dbt_assets(manifest=ensure_manifest(), project=dbt_project)
def warehouse_models(context: dg.AssetExecutionContext, dbt: ForkedDbt):
    full_build = why_build_in_full(warehouse())
    if full_build:
        context.log.info(f"[dbt] building every model and testing every row ({full_build})")
    else:
        context.log.info("[dbt] building what changed since the last successful build and testing its rows")
    built = tests = passed = 0
    # One target directory per warehouse (runs on it are serialized): dbt's log, compiled SQL and
    # run results stay with the warehouse they describe, and the repository gains none per run.
    args = ["build", "--full-refresh"] if full_build else ["build"]
    for event in dbt.build(context, args, target_path=warehouse().root / "dbt"):
        built += isinstance(event, dg.Output)
        if isinstance(event, dg.AssetCheckResult):
            tests, passed = tests + 1, passed + event.passed
        yield event
    context.log.info(f"[dbt] {built} models and seeds built, {passed}/{tests} tests passed")
