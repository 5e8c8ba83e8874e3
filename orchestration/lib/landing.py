"""Loads the inventory and the parse cache into the warehouse's `landing` schema (dbt's sources).

A parse-cache chunk never changes once written, so a load appends only the chunks that
landing.loaded_chunks does not list yet; a parser change, or a listed chunk gone from the cache,
reloads every chunk. Each load is one transaction: the parsed tables and the list of the chunks
they hold never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from .inputs import PublicationInputs
from .metrics import all_metrics
from .ingest import CHUNK_TABLES, ParseCache
from .parsing.identities import all_rules
from .paths import WarehouseLayout
from .warehouse_io import connect

LANDING_TABLES = ("report_files", "parsed_reports", "parsed_values", "parse_issues", "identity_rules",
                  "metrics")
# Where each table of a parse-cache chunk lands.
PARSED_TABLES = {"reports": "landing.parsed_reports", "values": "landing.parsed_values",
                 "issues": "landing.parse_issues"}


@dataclass(frozen=True)
class LandingCounts:
    files: int
    parsed_reports: int
    parsed_values: int
    parse_issues: int
    chunks_loaded: int          # parse-cache chunks this load read
    rebuild_reason: str | None  # why every chunk was loaded again; None when only new ones were appended

    @property
    def how_loaded(self) -> str:
        chunks = "chunk" if self.chunks_loaded == 1 else "chunks"
        if self.rebuild_reason:
            return f"full rebuild of {self.chunks_loaded} {chunks}: {self.rebuild_reason}"
        return f"{self.chunks_loaded} new {chunks} appended"


def identity_rules_table() -> pa.Table:
    """The identity rules in long form (one row per rule side and key) for SQL to evaluate."""
    rows = [
        (rule.rule_id, rule.template, rule.op, side, key, rule.description)
        for rule in all_rules()
        for side, keys in (("lhs", rule.lhs), ("rhs", rule.rhs))
        for key in keys
    ]
    names = ["rule_id", "template", "op", "side", "key", "description"]
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})


def metrics_table() -> pa.Table:
    names = ["template", "key", "label_zh", "unit", "parent"]
    rows = [(m.template, m.key, m.label, m.unit, m.parent) for m in all_metrics()]
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})


def load_landing(layout: WarehouseLayout, inventory: pa.Table, cache: ParseCache,
                 inputs: PublicationInputs) -> LandingCounts:
    """`inputs`: the hashes of what the next publication is built from (lib/inputs.py), recorded
    with the tables so that publishing can pass them on."""
    layout.root.mkdir(parents=True, exist_ok=True)
    # By name, not path: the warehouse directory may move.
    chunks = {chunk.name: chunk for chunk in cache.chunks()}
    with connect(layout.database) as con:
        # Closing the connection without the commit (an exception) rolls the whole load back.
        con.begin()
        con.execute("create schema if not exists landing")
        con.register("inventory_arrow", inventory)
        con.execute("create or replace table landing.report_files as select * from inventory_arrow")
        con.register("rules_arrow", identity_rules_table())
        con.execute("create or replace table landing.identity_rules as select * from rules_arrow")
        con.register("metrics_arrow", metrics_table())
        con.execute("create or replace table landing.metrics as select * from metrics_arrow")
        loaded, rebuild_reason = _loaded_chunks(con, cache.version, set(chunks))
        if rebuild_reason:
            _empty_parsed_tables(con)
        new = sorted(set(chunks) - loaded)
        if new:
            _append_chunks(con, [chunks[name] for name in new])
            con.executemany("insert into landing.loaded_chunks values (?, ?)",
                            [(cache.version, name) for name in new])
        con.execute("create or replace table landing.publication_inputs as select ? as inputs_hash, ? as code_hash",
                    [inputs.all, inputs.code])
        counts = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in
                  ("landing.report_files", *PARSED_TABLES.values())]
        con.commit()
    return LandingCounts(*counts, chunks_loaded=len(new), rebuild_reason=rebuild_reason)


def landed_inputs(layout: WarehouseLayout) -> PublicationInputs | None:
    """The input hashes of the last completed landing load, if any."""
    if not layout.database.exists():
        return None
    with connect(layout.database, read_only=True) as con:
        if "publication_inputs" not in _landing_tables(con):
            return None
        try:
            return PublicationInputs(*con.execute(
                "select inputs_hash, code_hash from landing.publication_inputs").fetchone())
        except duckdb.BinderException:  # loaded before the code hash was recorded
            return None


def why_build_in_full(layout: WarehouseLayout) -> str | None:
    """Why dbt must rebuild its incremental models and test every row (`--full-refresh`), or None
    when the last successful build (dbt's int_tested_reports) was made by the landing's code."""
    landed = landed_inputs(layout)
    if landed is None:
        return "the landing records no code hash"
    with connect(layout.database, read_only=True) as con:
        try:
            tested = con.execute("select distinct code_hash from intermediate.int_tested_reports").fetchall()
        except duckdb.CatalogException:
            return "no build has succeeded on this warehouse"
    if not tested:
        return "the last successful build had no report"
    if [landed.code] != [code for (code,) in tested]:
        return "the pipeline's code changed since the last successful build"
    return None


def _landing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'landing'").fetchall()}


def _loaded_chunks(con: duckdb.DuckDBPyConnection, version: str,
                   in_cache: set[str]) -> tuple[set[str], str | None]:
    """The chunks the landing holds, or none and why every chunk must be loaded again."""
    tables = _landing_tables(con)
    if "loaded_chunks" not in tables:
        return set(), "no chunk loaded yet"
    if not {target.removeprefix("landing.") for target in PARSED_TABLES.values()} <= tables:
        return set(), "landing tables missing"
    recorded = con.execute("select parser_version, chunk from landing.loaded_chunks").fetchall()
    if not recorded:
        return set(), "no chunk loaded yet"
    if {v for v, _ in recorded} != {version}:
        return set(), "parser version changed"
    loaded = {chunk for _, chunk in recorded}
    gone = len(loaded - in_cache)
    if gone:
        # Chunks are never deleted while their version is in use: someone removed them by hand.
        return set(), f"{gone} loaded {'chunk is' if gone == 1 else 'chunks are'} no longer in the parse cache"
    return loaded, None


def _empty_parsed_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, schema in CHUNK_TABLES.items():
        con.register("empty_arrow", schema.empty_table())
        con.execute(f"create or replace table {PARSED_TABLES[table]} as select * from empty_arrow")
    con.execute("create or replace table landing.loaded_chunks (parser_version varchar, chunk varchar)")


def _append_chunks(con: duckdb.DuckDBPyConnection, chunks: list[Path]) -> None:
    """Append the rows of these chunks' contents that the landing does not hold yet.

    A content is parsed once, but two shards (the same bytes under two paths) or a shard retried
    after a crash can leave it in two chunks: one copy is kept, so that staging needs no per-row
    deduplication. A content the landing does not hold is in none of the chunks loaded before, so
    the copy of the smallest of these chunks is the one a load of every chunk keeps. A content it
    holds keeps its landed copy even when a new chunk's name is smaller: the copies are parses of
    the same bytes by the same parser and differ at most in `file`, the path the shard read.
    """
    files = {table: [str(chunk / f"{table}.parquet") for chunk in chunks] for table in CHUNK_TABLES}
    con.execute("""create or replace temp table kept_chunks as
        select t.sha256, min(parse_dirpath(t.filename)) as chunk
        from read_parquet(?, filename = true) as t
        anti join landing.parsed_reports as landed on landed.sha256 = t.sha256
        group by t.sha256""", [files["reports"]])
    for table, target in PARSED_TABLES.items():
        con.execute(f"""insert into {target} by name
            select t.* exclude (filename) from read_parquet(?, filename = true) as t
            join kept_chunks as k on k.sha256 = t.sha256 and k.chunk = parse_dirpath(t.filename)""",
                    [files[table]])
