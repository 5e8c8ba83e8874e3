import dagster as dg

# Every asset and check: raw files → parse → landing → dbt → GE checks → published marts.
pipeline_job = dg.define_asset_job(
    "ogi_pipeline",
    selection=dg.AssetSelection.all(),
    description="The whole pipeline on the landing zone; `ogi run` executes exactly this job.",
    tags={"dagster/concurrency_key": "ogi_warehouse"},
)
