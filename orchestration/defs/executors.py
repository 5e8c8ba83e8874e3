"""How the pipeline job's steps start: forked from a server that has loaded the definitions once
(orchestration/step_server.py), instead of each step importing Dagster, dagster-dbt and the
definitions again (seconds per step). Used by `ogi run --workers N` and by runs the UI, the
sensor and the schedule launch. And the Dask executor, loaded only by the runs that use it."""

import dagster as dg

from ..step_processes import STEP_SERVER_PRELOAD


def multiprocess_execution(**options) -> dict:
    """The run config's `execution` for the multiprocess executor with steps forked from the step
    server; the job's default and `ogi run` (which adds max_concurrent) both use it, since Dagster
    replaces a job's default execution config with a given one instead of merging them."""
    start_method = {"forkserver": {"preload_modules": STEP_SERVER_PRELOAD}}
    return {"config": {"multiprocess": {"start_method": start_method, **options}}}


@dg.executor(name="dask", requirements=dg.multiple_process_executor_requirements(),
             config_schema=dg.Field(dg.Permissive(), default_value={"cluster": {"local": {}}}))
def dask_executor(init_context):
    """dagster-dask's executor, imported when a run starts on it: importing dagster-dask (Dask with
    its DataFrame and array modules) took every process that loads the definitions 0.7 s, and
    only the `ogi_parse_on_dask` job needs it. Its `cluster` config (`existing: {address: …}`,
    `local: {n_workers: …}`, `kube`, …) is checked by dagster-dask when the run starts."""
    from dagster_dask import dask_executor as dagster_dask_executor

    return dagster_dask_executor.executor_creation_fn(init_context)


def skips_steps(executor: dg.ExecutorDefinition) -> bool:
    """Whether the executor skips a step whose input was never produced. dagster-dask's does not:
    it submits every planned step, and one without its input fails."""
    return executor.name != dask_executor.name
