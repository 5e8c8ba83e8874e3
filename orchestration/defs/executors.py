"""How the pipeline job's steps start: forked from a server that has loaded the definitions once
(orchestration/step_server.py), instead of each step importing Dagster, dagster-dbt and the
definitions again (seconds per step). Used by `ogi run --workers N` and by runs the UI, the
sensor and the schedule launch."""

STEP_SERVER_PRELOAD = ["dagster._core.executor.multiprocess", "orchestration.step_server"]


def multiprocess_execution(**options) -> dict:
    """The run config's `execution` for the multiprocess executor with steps forked from the step
    server; the job's default and `ogi run` (which adds max_concurrent) both use it, since Dagster
    replaces a job's default execution config with a given one instead of merging them."""
    start_method = {"forkserver": {"preload_modules": STEP_SERVER_PRELOAD}}
    return {"config": {"multiprocess": {"start_method": start_method, **options}}}
