"""Loads the inventory and the parse cache into the warehouse's `landing` schema (dbt's sources)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .metrics import all_metrics
from .ingest import CHUNK_TABLES, ParseCache
from .parsing.identities import all_rules
from .paths import WarehouseLayout
from .warehouse_io import connect

LANDING_TABLES = ("report_files", "parsed_reports", "parsed_values", "parse_issues", "identity_rules",
                  "metrics")


@dataclass(frozen=True)
class LandingCounts:
    files: int
    parsed_reports: int
    parsed_values: int
    parse_issues: int


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


def load_landing(layout: WarehouseLayout, inventory: pa.Table, cache: ParseCache) -> LandingCounts:
    layout.root.mkdir(parents=True, exist_ok=True)
    with connect(layout.database) as con:
        con.execute("create schema if not exists landing")
        con.register("inventory_arrow", inventory)
        con.execute("create or replace table landing.report_files as select * from inventory_arrow")
        con.register("rules_arrow", identity_rules_table())
        con.execute("create or replace table landing.identity_rules as select * from rules_arrow")
        con.register("metrics_arrow", metrics_table())
        con.execute("create or replace table landing.metrics as select * from metrics_arrow")
        has_chunks = bool(cache.chunks())
        if has_chunks:
            # A content is parsed once, but a shard retried after a crash could leave it in two
            # chunks: keep one chunk's copy here, so that staging needs no per-row deduplication.
            con.execute("create temp table kept_chunks as select sha256, min(parse_dirpath(filename)) as chunk "
                        "from read_parquet(?, filename = true) group by sha256", [cache.glob("reports")])
        for table, schema in CHUNK_TABLES.items():
            target = f"landing.parsed_{table}" if table != "issues" else "landing.parse_issues"
            if has_chunks:
                con.execute(f"""create or replace table {target} as
                    select t.* exclude (filename) from read_parquet(?, filename = true) as t
                    join kept_chunks as k on k.sha256 = t.sha256 and k.chunk = parse_dirpath(t.filename)""",
                            [cache.glob(table)])
            else:
                con.register("empty_arrow", schema.empty_table())
                con.execute(f"create or replace table {target} as select * from empty_arrow")
        counts = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in
                  ("landing.report_files", "landing.parsed_reports", "landing.parsed_values",
                   "landing.parse_issues")]
    return LandingCounts(*counts)
