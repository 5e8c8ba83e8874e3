"""Landing zone → parse cache → landing tables. Thin wrappers over orchestration.lib."""

import os

import dagster as dg

from ...lib import ingest
from ...lib.inputs import publication_inputs
from ...lib.landing import LANDING_TABLES, landed_inputs, load_landing
from ...lib.paths import raw_dir, warehouse
from ...lib.publish import standing_publication
from ..executors import skips_steps

# The parse stage fans out to at most a fixed number of shards (by file path), each one step: the
# multiprocess executor runs them in parallel processes here, a distributed executor (dagster-dask,
# dagster-k8s, dagster-celery) on other machines. Static, not dynamic, steps so that every executor
# can plan them; OGI_PARSE_SHARDS sets how many (read when the definitions load).
PARSE_SHARDS = int(os.environ.get("OGI_PARSE_SHARDS", "8"))
# Files per Parquet chunk: bounds a shard's memory and keeps its progress if a run dies.
CHUNK_SIZE = 2000
# A shard reads the cache's hashes and writes a chunk of its own, so each shard gets at least this
# many files (default 500): a daily run of a hundred new files is one shard's work. The other shard
# steps, still planned for every executor, are skipped. Read at run time, like the raw and
# warehouse directories.
MIN_FILES_PER_SHARD_ENV = "OGI_PARSE_SHARD_MIN_FILES"


def active_shards(files: int) -> int:
    """How many shards get files: all of them at national scale, one for a small increment."""
    at_least = max(1, int(os.environ.get(MIN_FILES_PER_SHARD_ENV, "500")))
    return min(PARSE_SHARDS, max(1, -(-files // at_least)))


@dg.op(out={"listing": dg.Out(), "parser_version": dg.Out(str),
            **{f"shard_{i}": dg.Out(is_required=False) for i in range(PARSE_SHARDS)}})
def plan_ingest(context: dg.OpExecutionContext):
    """List raw/ (no file is read here), drop the cache of other parser versions, and deal the files
    to read out to the shards. A shard without files gets no output, so its step is skipped instead
    of starting a process (0.2-0.3 s each); shard 0 always runs, since record_inventory, which
    takes the shards' results, runs only if at least one of them did. Under an executor that
    cannot skip a step (dagster-dask's), every shard gets its output."""
    layout = warehouse()
    listing = ingest.list_raw(raw_dir(), ingest.read_inventory(layout.inventory))
    cache = ingest.ParseCache(layout.parse_cache)
    dropped = cache.drop_other_versions()
    if dropped:
        context.log.info(f"[parse] parser changed: cache of versions {', '.join(dropped)} dropped")
    todo = ingest.files_to_read(listing, cache)
    shards = active_shards(len(todo))
    context.log.info(f"[ingest] {listing.num_rows} files in {raw_dir()}: {len(todo)} to read in "
                     f"{shards} shard{'s' if shards > 1 else ''} (new, touched, or not parsed by this "
                     f"parser version)")
    yield dg.Output(listing, "listing")
    yield dg.Output(cache.version, "parser_version")
    slices: list[list[str]] = [[] for _ in range(PARSE_SHARDS)]
    for path in todo:
        slices[ingest.shard_of(path, shards)].append(path)
    skipping = skips_steps(context.job_def.executor_def)
    for shard, paths in enumerate(slices):
        if paths or shard == 0 or not skipping:
            yield dg.Output(paths, f"shard_{shard}")


def _parse_shard_op(shard: int) -> dg.OpDefinition:
    @dg.op(name=f"parse_shard_{shard}")
    def parse_shard(context: dg.OpExecutionContext, parser_version: str, todo: list) -> ingest.ShardResult:
        """Read, hash and parse this shard's files in chunks, each chunk written as it is done."""
        result = ingest.ShardResult()
        if not todo:
            return result
        cache = ingest.ParseCache(warehouse().parse_cache, parser_version)
        known = cache.parsed_hashes()
        for start in range(0, len(todo), CHUNK_SIZE):
            ingest.parse_chunk(raw_dir(), todo[start:start + CHUNK_SIZE], known, cache, result)
            context.log.info(f"[parse] shard {shard}: {len(result.files)}/{len(todo)} files read, "
                             f"{result.parsed} new contents parsed ({result.rejected} rejected)")
        return result

    return parse_shard


_SHARD_OPS = [_parse_shard_op(i) for i in range(PARSE_SHARDS)]


@dg.op(out={"raw_report_files": dg.Out(dg.Nothing), "parsed_reports": dg.Out(dg.Nothing)})
def record_inventory(context: dg.OpExecutionContext, listing, shards: list):
    """The inventory, written only now: a run killed earlier leaves the previous one, whose
    unchanged files the next run need not read again."""
    layout = warehouse()
    previous = ingest.read_inventory(layout.inventory)
    total, parsed_twice = ingest.ShardResult.merged(shards)
    inventory = ingest.complete_inventory(listing, total.files)
    ingest.write_atomically(inventory, layout.inventory)
    change = ingest.compare_inventories(previous, inventory)
    twice = (f"{parsed_twice} of them parsed by two shards (the same new bytes under two paths); "
             if parsed_twice else "")
    context.log.info(f"[parse] {len(total.files)} files read, {total.parsed} new contents parsed "
                     f"({total.rejected} rejected); {twice}the other files' contents were parsed before")
    context.log.info(
        f"[ingest] {change.files} files in {raw_dir()}: {change.added} new, {change.changed} changed, "
        f"{change.removed} removed, {change.unreadable} unreadable")
    yield dg.Output(None, "raw_report_files", metadata={
        "files": change.files, "added": change.added, "changed": change.changed,
        "removed": change.removed, "unreadable": change.unreadable})
    yield dg.Output(None, "parsed_reports", metadata={
        "files_read": len(total.files), "parsed": total.parsed, "rejected": total.rejected})


@dg.graph_multi_asset(
    group_name="ingestion",
    outs={
        "raw_report_files": dg.AssetOut(
            kinds={"python", "parquet"},
            description="Every file of the landing zone (raw/) with its SHA-256 or why it is unreadable."),
        "parsed_reports": dg.AssetOut(
            kinds={"python", "parquet"},
            description="The parse cache: every content of raw/ parsed once per parser version."),
    },
)
def ingested_raw_files():
    """List raw/, then read each new or touched file once, in shards spread over the executor's
    workers: the shard hashes it and parses it unless its content is already in the cache."""
    listing, version, *todo = plan_ingest()
    results = [op(parser_version=version, todo=todo[i]) for i, op in enumerate(_SHARD_OPS)]
    files, parsed = record_inventory(listing=listing, shards=results)
    return {"raw_report_files": files, "parsed_reports": parsed}


@dg.multi_asset(
    group_name="ingestion",
    # Skippable: when nothing changed since the standing publication, nothing downstream runs.
    specs=[dg.AssetSpec(["landing", name], deps=["parsed_reports"], kinds={"duckdb"}, skippable=True,
                        description=f"landing.{name} in the warehouse database (a dbt source)")
           for name in LANDING_TABLES],
)
def landing_tables(context: dg.AssetExecutionContext):
    """Load the inventory, the parse cache (only its new chunks, unless the parser changed), the
    identity rules and the keys into DuckDB for dbt; or stop the run here if the standing
    publication was built from exactly these files, this code and these libraries."""
    layout = warehouse()
    cache = ingest.ParseCache.in_use(layout.parse_cache)
    inventory = ingest.read_inventory(layout.inventory)
    inputs = publication_inputs(inventory, cache)
    standing, landed = standing_publication(layout), landed_inputs(layout)
    if standing is not None and landed is not None and standing[0] == inputs.all == landed.all:
        context.log.info(f"[stage] nothing changed since the publication of {standing[1]} (same files, parse "
                         "cache, code and libraries): dbt, the checks and publishing are skipped")
        return
    counts = load_landing(layout, inventory, cache, inputs)
    context.log.info(f"[stage] {counts.files} files, {counts.parsed_reports} parsed reports, "
                     f"{counts.parsed_values} values, {counts.parse_issues} parse issues staged "
                     f"({counts.how_loaded})")
    for name in LANDING_TABLES:
        yield dg.MaterializeResult(asset_key=["landing", name], metadata={
            "files": counts.files, "parsed_reports": counts.parsed_reports,
            "parsed_values": counts.parsed_values, "chunks_loaded": counts.chunks_loaded,
            "load": counts.how_loaded})
