"""The published marts: switched in only after every blocking Great Expectations check passed.

The long marts are written first, while the checks run (they read none of them): with two
workers the two steps share the machine's cores instead of taking turns."""

import dagster as dg

from ...lib.paths import warehouse
from ...lib.publish import PUBLISHED_MARTS, STAGED_MARTS, publish, stage_publication
from ...lib.validation import data_docs_dir

GATED_RELATIONS = [["marts", mart] for mart in PUBLISHED_MARTS if mart not in STAGED_MARTS] + [
    ["intermediate", "int_published_identity_evaluations"]]


@dg.asset(group_name="publishing", kinds={"duckdb", "parquet"},
          deps=[dg.AssetKey(["marts", mart]) for mart in STAGED_MARTS])
def staged_publication(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """The run's next publication, not yet visible: the long per-value marts, written beside
    warehouse/published.duckdb; published_marts completes it or, blocked, the next run discards it."""
    staged = stage_publication(warehouse(), context.run.run_id)
    context.log.info("[publish] staged while the checks run: " + ", ".join(
        f"{m} {n}" for m, n in staged.row_counts.items()) + f" ({staged.how})")
    return dg.MaterializeResult(metadata={
        "how": staged.how, **{f"rows_{mart}": n for mart, n in staged.row_counts.items()}})


@dg.asset(group_name="publishing", kinds={"duckdb", "parquet"},
          deps=[staged_publication, *(dg.AssetKey(path) for path in GATED_RELATIONS)])
def published_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """warehouse/published.duckdb (atomic rename) and warehouse/published/*.parquet for BI tools."""
    publication = publish(warehouse(), context.run.run_id)
    context.log.info(f"[publish] {publication.database}: " + ", ".join(
        f"{mart} {n}" for mart, n in publication.row_counts.items()))
    return dg.MaterializeResult(metadata={
        "database": publication.database,
        "published_at": publication.published_at,
        **{f"rows_{mart}": n for mart, n in publication.row_counts.items()},
        "data_docs": str(data_docs_dir(warehouse()) / "index.html"),
    })
