"""The published marts: written only after every blocking Great Expectations check passed."""

import dagster as dg

from ...lib.paths import warehouse
from ...lib.publish import PUBLISHED_MARTS, publish_marts
from ...lib.validation import data_docs_dir

GATED_RELATIONS = [["marts", mart] for mart in PUBLISHED_MARTS] + [
    ["intermediate", "int_published_identity_evaluations"]]


@dg.asset(group_name="publishing", kinds={"duckdb", "parquet"},
          deps=[dg.AssetKey(path) for path in GATED_RELATIONS])
def published_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """warehouse/published.duckdb (atomic rename) and warehouse/published/*.parquet for BI tools."""
    publication = publish_marts(warehouse())
    context.log.info(f"[publish] {publication.database}: " + ", ".join(
        f"{mart} {n}" for mart, n in publication.row_counts.items()))
    return dg.MaterializeResult(metadata={
        "database": publication.database,
        "published_at": publication.published_at,
        **{f"rows_{mart}": n for mart, n in publication.row_counts.items()},
        "data_docs": str(data_docs_dir(warehouse()) / "index.html"),
    })
