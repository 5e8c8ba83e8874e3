"""Every dbt model, seed and test as its own Dagster asset / asset check (dagster-dbt)."""


import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from .resources import dbt_project, ensure_manifest


@dbt_assets(manifest=ensure_manifest(), project=dbt_project)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    context.log.info("[dbt] building staging → intermediate → marts and running dbt tests")
    yield from dbt.cli(["build"], context=context).stream()
