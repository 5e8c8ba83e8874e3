"""Every dbt model, seed and test as its own Dagster asset / asset check (dagster-dbt)."""

import contextlib
import io

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from ...lib.landing import why_build_in_full
from ...lib.paths import warehouse
from .resources import dbt_project, ensure_manifest


@dbt_assets(manifest=ensure_manifest(), project=dbt_project)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    full_build = why_build_in_full(warehouse())
    if full_build:
        context.log.info(f"[dbt] building every model and testing every row ({full_build})")
    else:
        context.log.info("[dbt] building what changed since the last successful build and testing its rows")
    # dagster-dbt echoes every dbt log line to stdout; the console gets a summary instead and the
    # full log stays in warehouse/dbt/dbt.log. One target directory per warehouse (runs on it are
    # serialized): dbt reuses its partial parse there, and the repository no longer gains a
    # target directory of several MB per run.
    console = io.StringIO()
    built = tests = passed = 0
    try:
        with contextlib.redirect_stdout(console):
            args = ["build", "--full-refresh"] if full_build else ["build"]
            # Each event as its node ends: Dagster records it while dbt goes on (kept to the end,
            # the ~95 records took 1.1 s after dbt had finished).
            for event in dbt.cli(args, context=context, target_path=warehouse().root / "dbt").stream():
                built += isinstance(event, dg.Output)
                if isinstance(event, dg.AssetCheckResult):
                    tests, passed = tests + 1, passed + event.passed
                yield event
    except Exception:
        context.log.error("[dbt] failed; the end of dbt's output:\n" + "\n".join(console.getvalue().splitlines()[-30:]))
        raise
    context.log.info(f"[dbt] {built} models and seeds built, {passed}/{tests} tests passed")
