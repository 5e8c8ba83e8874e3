"""Landing zone → parse cache → landing tables. Thin wrappers over orchestration.lib."""

import os


import dagster as dg

from ...lib import ingest
from ...lib.landing import LANDING_TABLES, load_landing
from ...lib.paths import raw_dir, warehouse

# The parse stage fans out to a fixed number of shards (by content hash), each one step: the
# multiprocess executor runs them in parallel processes here, a distributed executor (dagster-dask,
# dagster-k8s, dagster-celery) on other machines. Static, not dynamic, steps so that every executor
# can plan them; OGI_PARSE_SHARDS sets how many (read when the definitions load).
PARSE_SHARDS = int(os.environ.get("OGI_PARSE_SHARDS", "8"))
# Reports per Parquet chunk: bounds a shard's memory and keeps its progress if a run dies.
CHUNK_SIZE = 2000


@dg.asset(group_name="ingestion", kinds={"python", "parquet"})
def raw_report_files(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Every file of the landing zone (raw/) with its SHA-256; unchanged files keep their hash."""
    layout = warehouse()
    previous = ingest.read_inventory(layout.inventory)
    current = ingest.scan_raw(raw_dir(), previous)
    ingest.write_atomically(current, layout.inventory)
    change = ingest.compare_inventories(previous, current)
    context.log.info(
        f"[ingest] {change.files} files in {raw_dir()}: {change.added} new, {change.changed} changed, "
        f"{change.removed} removed, {change.unreadable} unreadable")
    return dg.MaterializeResult(metadata={
        "files": change.files, "added": change.added, "changed": change.changed,
        "removed": change.removed, "unreadable": change.unreadable,
    })


@dg.op(ins={"after_scan": dg.In(dg.Nothing)})
def prepare_parse_cache(context: dg.OpExecutionContext) -> str:
    """Drop the cache of other parser versions and say how much is left to parse.

    Returns the parser version, so that every shard of the run writes under the same one.
    """
    layout = warehouse()
    cache = ingest.ParseCache(layout.parse_cache)
    dropped = cache.drop_other_versions()
    if dropped:
        context.log.info(f"[parse] parser changed: cache of versions {', '.join(dropped)} dropped")
    todo = ingest.contents_to_parse(ingest.read_inventory(layout.inventory), cache)
    context.log.info(f"[parse] {len(todo)} new contents to parse ({len(cache.parsed_hashes())} already "
                     f"in the cache), in {PARSE_SHARDS} shards")
    return cache.version


def _parse_shard_op(shard: int) -> dg.OpDefinition:
    @dg.op(name=f"parse_shard_{shard}")
    def parse_shard(context: dg.OpExecutionContext, parser_version: str) -> int:
        layout = warehouse()
        cache = ingest.ParseCache(layout.parse_cache, parser_version)
        todo = [item for item in ingest.contents_to_parse(ingest.read_inventory(layout.inventory), cache)
                if ingest.shard_of(item[0], PARSE_SHARDS) == shard]
        parsed = rejected = 0
        for start in range(0, len(todo), CHUNK_SIZE):
            reports = ingest.parse_paths(
                raw_dir(), todo[start:start + CHUNK_SIZE],
                on_skip=lambda path, why: context.log.warning(f"[parse] {path}: {why}"))
            cache.write_chunk(reports)
            parsed += len(reports)
            rejected += sum(r.status == "rejected" for r in reports)
            context.log.info(f"[parse] shard {shard}: {parsed}/{len(todo)} reports ({rejected} rejected)")
        return parsed

    return parse_shard


@dg.op(ins={f"shard_{i}": dg.In(int) for i in range(PARSE_SHARDS)})
def count_parsed(context: dg.OpExecutionContext, **parsed_by_shard: int) -> int:
    total = sum(parsed_by_shard.values())
    context.log.info(f"[parse] {total} reports parsed")
    return total


_SHARD_OPS = [_parse_shard_op(i) for i in range(PARSE_SHARDS)]


@dg.graph_asset(group_name="ingestion", kinds={"python", "parquet"},
                ins={"raw_report_files": dg.AssetIn(dagster_type=dg.Nothing)})
def parsed_reports(raw_report_files):
    """Parse every content not yet in the parse cache, sharded by hash over the executor's workers."""
    version = prepare_parse_cache(after_scan=raw_report_files)
    return count_parsed(**{f"shard_{i}": op(parser_version=version) for i, op in enumerate(_SHARD_OPS)})


@dg.multi_asset(
    group_name="ingestion",
    specs=[dg.AssetSpec(["landing", name], deps=["parsed_reports"], kinds={"duckdb"},
                        description=f"landing.{name} in the warehouse database (a dbt source)")
           for name in LANDING_TABLES],
)
def landing_tables(context: dg.AssetExecutionContext):
    """Load the inventory, the parse cache, the identity rules and the keys into DuckDB for dbt."""
    layout = warehouse()
    cache = ingest.ParseCache.in_use(layout.parse_cache)
    counts = load_landing(layout, ingest.read_inventory(layout.inventory), cache)
    context.log.info(f"[stage] {counts.files} files, {counts.parsed_reports} parsed reports, "
                     f"{counts.parsed_values} values, {counts.parse_issues} parse issues staged")
    for name in LANDING_TABLES:
        yield dg.MaterializeResult(asset_key=["landing", name], metadata={
            "files": counts.files, "parsed_reports": counts.parsed_reports,
            "parsed_values": counts.parsed_values})
