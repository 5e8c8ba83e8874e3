"""Landing zone → parse cache → landing tables. Thin wrappers over orchestration.lib."""


import dagster as dg

from ...lib import ingest
from ...lib.landing import LANDING_TABLES, load_landing
from ...lib.paths import raw_dir, warehouse

# Each parse chunk is one step: the multiprocess executor runs them in parallel processes here,
# a distributed executor (dagster-dask, dagster-k8s, dagster-celery) on other machines.
DEFAULT_CHUNK_SIZE = 2000


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


class ParseConfig(dg.Config):
    chunk_size: int = DEFAULT_CHUNK_SIZE


@dg.op(ins={"after_scan": dg.In(dg.Nothing)}, out=dg.DynamicOut(list))
def plan_parse_chunks(context: dg.OpExecutionContext, config: ParseConfig):
    layout = warehouse()
    cache = ingest.ParseCache(layout.parse_cache)
    dropped = cache.drop_other_versions()
    if dropped:
        context.log.info(f"[parse] parser changed: cache of versions {', '.join(dropped)} dropped")
    inventory = ingest.read_inventory(layout.inventory)
    done = cache.parsed_hashes()
    todo: dict[str, str] = {}
    for path, sha in zip(inventory["path"].to_pylist(), inventory["sha256"].to_pylist()):
        if sha and sha not in done and sha not in todo:
            todo[sha] = path
    items = sorted(todo.items(), key=lambda item: item[1])
    context.log.info(f"[parse] {len(items)} new contents to parse ({len(done)} already in the cache)")
    for start in range(0, len(items), config.chunk_size):
        yield dg.DynamicOutput(items[start:start + config.chunk_size], mapping_key=f"chunk_{start // config.chunk_size}")


@dg.op
def parse_chunk(context: dg.OpExecutionContext, items: list) -> int:
    reports = ingest.parse_paths(raw_dir(), [tuple(item) for item in items],
                                 on_skip=lambda path, why: context.log.warning(f"[parse] {path}: {why}"))
    ingest.ParseCache(warehouse().parse_cache).write_chunk(reports)
    rejected = sum(r.status == "rejected" for r in reports)
    context.log.info(f"[parse] chunk of {len(reports)} reports parsed ({rejected} rejected)")
    return len(reports)


@dg.op
def count_parsed(context: dg.OpExecutionContext, counts: list[int]) -> None:
    context.log.info(f"[parse] {sum(counts)} reports parsed in {len(counts)} chunks")


@dg.graph_asset(group_name="ingestion", kinds={"python", "parquet"},
                ins={"raw_report_files": dg.AssetIn(dagster_type=dg.Nothing)})
def parsed_reports(raw_report_files):
    """Parse every content not yet in the parse cache, in chunks spread over the executor's workers."""
    return count_parsed(plan_parse_chunks(after_scan=raw_report_files).map(parse_chunk).collect())


@dg.multi_asset(
    group_name="ingestion",
    specs=[dg.AssetSpec(["landing", name], deps=["parsed_reports"], kinds={"duckdb"},
                        description=f"landing.{name} in the warehouse database (a dbt source)")
           for name in LANDING_TABLES],
)
def landing_tables(context: dg.AssetExecutionContext):
    """Load the inventory, the parse cache, the identity rules and the keys into DuckDB for dbt."""
    layout = warehouse()
    counts = load_landing(layout, ingest.read_inventory(layout.inventory), ingest.ParseCache(layout.parse_cache))
    context.log.info(f"[stage] {counts.files} files, {counts.parsed_reports} parsed reports, "
                     f"{counts.parsed_values} values, {counts.parse_issues} parse issues staged")
    for name in LANDING_TABLES:
        yield dg.MaterializeResult(asset_key=["landing", name], metadata={
            "files": counts.files, "parsed_reports": counts.parsed_reports,
            "parsed_values": counts.parsed_values})
