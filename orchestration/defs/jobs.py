import dagster as dg

from .executors import dask_executor, multiprocess_execution

# Every asset and check: raw files → parse → landing → dbt → GE checks → published marts.
pipeline_job = dg.define_asset_job(
    "ogi_pipeline",
    selection=dg.AssetSelection.all(),
    description="The whole pipeline on the landing zone; `ogi run` executes exactly this job.",
    tags={"dagster/concurrency_key": "ogi_warehouse"},
    config={"execution": multiprocess_execution()},
)

# The parse stage alone on a Dask cluster: the same assets, another executor. Point the run config
# at a cluster ({"cluster": {"existing": {"address": "tcp://scheduler:8786"}}}) to spread the parse
# chunks over machines; with no config it starts a local cluster.
parse_on_dask_job = dg.define_asset_job(
    "ogi_parse_on_dask",
    selection=dg.AssetSelection.assets("raw_report_files", "parsed_reports"),
    executor_def=dask_executor,
    description="Scan raw/ and parse new contents with the parse chunks spread over a Dask cluster.",
    tags={"dagster/concurrency_key": "ogi_warehouse"},
)
