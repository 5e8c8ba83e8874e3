"""Publishing: the validated marts become `published.duckdb` (one rename) and Parquet copies.

BI tools open only the published file. It is built beside the old one and renamed over it, so a
reader sees either the old or the new snapshot, never a half-written one, and a reader holding the
old file open keeps its snapshot (the rename does not touch the open inode).

The build comes in two parts so that the larger can run while the Great Expectations suites check
the warehouse: `stage_publication` writes the long per-value marts, which no suite reads (their
checks are dbt tests, passed before), and `publish` adds the marts the suites check, once they
passed, and switches. Nothing a reader can see changes before the switch.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .landing import landed_inputs
from .paths import WarehouseLayout
from .warehouse_io import connect

PUBLISHED_MARTS = (
    "fct_agency_year",
    "dim_agency",
    "fct_application_outcomes",
    "fct_review_litigation",
    "fct_report_values",
    "reports",
    "quality_issues",
)
# Four fifths of the writing at 100,000 reports, and no Great Expectations suite reads them.
STAGED_MARTS = ("fct_application_outcomes", "fct_review_litigation", "fct_report_values")


@dataclass(frozen=True)
class Publication:
    database: str
    row_counts: dict[str, int]
    published_at: str


@dataclass(frozen=True)
class _Build:
    """Where one publication is built: a database and a release directory of Parquet copies."""
    database: Path
    release: Path

    @classmethod
    def named(cls, layout: WarehouseLayout, name: str) -> _Build:
        return cls(layout.root / f".published.{name}.duckdb", layout.root / f".published-{name}")

    def discard(self) -> None:
        self.database.unlink(missing_ok=True)
        shutil.rmtree(self.release, ignore_errors=True)


def stage_publication(layout: WarehouseLayout, name: str, marts=STAGED_MARTS) -> dict[str, int]:
    """Write `marts` into the build called `name` (a run's id), after discarding the builds that
    runs stopped before their switch left behind; returns their row counts."""
    layout.root.mkdir(parents=True, exist_ok=True)
    _discard_unfinished_builds(layout, keep=name)
    build = _Build.named(layout, name)
    build.discard()
    build.release.mkdir()
    try:
        return _write_marts(layout, build, marts)
    except BaseException:
        build.discard()
        raise


def publish(layout: WarehouseLayout, name: str) -> Publication:
    """Complete the build called `name` with the marts it lacks and switch to it: the database
    first (the commit point BI tools read), then the Parquet directory (a symlink to the release
    directory, replaced by one rename). A build that was never staged (a run of this step alone)
    is written whole here. Stopped before the first switch, everything stays as it was; between
    the two, the Parquet copies stay one publication behind until the next run."""
    build = _Build.named(layout, name)
    staged = _staged_counts(build)
    if staged is None:
        staged = stage_publication(layout, name, marts=())
    try:
        counts = {**staged, **_write_marts(layout, build, [m for m in PUBLISHED_MARTS if m not in staged])}
        counts = {mart: counts[mart] for mart in PUBLISHED_MARTS}
        published_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        inputs = landed_inputs(layout)
        with connect(build.database) as con:
            con.execute("create table main.publication as select ? as publication_id, ? as published_at, "
                        "? as row_counts, ? as inputs_hash", [name, published_at, json.dumps(counts), inputs])
        (build.release / "_publication.json").write_text(json.dumps(
            {"publication_id": name, "published_at": published_at, "row_counts": counts,
             "inputs_hash": inputs}), encoding="utf-8")
        os.replace(build.database, layout.published_database)
    except BaseException:
        build.discard()
        raise
    _switch_parquet(layout, build.release)
    return Publication(str(layout.published_database), counts, published_at)


def standing_publication(layout: WarehouseLayout) -> tuple[str | None, str] | None:
    """(inputs hash, published at) of the publication BI tools read now, or None if there is none
    (or it cannot be read: then the next one is built)."""
    if not layout.published_database.exists():
        return None
    try:
        with connect(layout.published_database, read_only=True) as con:
            return con.execute("select inputs_hash, published_at from publication").fetchone()
    except duckdb.Error:  # a publication from before inputs were recorded, or a damaged file
        return None


def _write_marts(layout: WarehouseLayout, build: _Build, marts) -> dict[str, int]:
    counts: dict[str, int] = {}
    with connect(build.database) as con:
        con.execute("attach ? as source (read_only)", [str(layout.database)])
        for mart in marts:
            con.execute(f"create table main.{mart} as select * from source.marts.{mart}")
            counts[mart] = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
            con.execute(f"copy main.{mart} to ? (format parquet)", [str(build.release / f"{mart}.parquet")])
        con.execute("detach source")
    return counts


def _staged_counts(build: _Build) -> dict[str, int] | None:
    """The row counts of the marts staged in `build`, or None if it was not staged."""
    if not (build.database.exists() and build.release.is_dir()):
        return None
    with connect(build.database, read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()]
        return {t: con.execute(f"select count(*) from main.{t}").fetchone()[0] for t in tables}


def _discard_unfinished_builds(layout: WarehouseLayout, keep: str) -> None:
    """Builds of runs that stopped before their switch (a blocking check failed, or the run was
    killed): hundreds of MB each at 100,000 reports, and never published."""
    current = layout.published_parquet.resolve() if layout.published_parquet.is_symlink() else None
    for path in layout.root.glob(".published*"):
        if path.name in (f".published.{keep}.duckdb", f".published-{keep}") or path.resolve() == current:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith(".duckdb") or path.name.endswith(".duckdb.wal"):
            path.unlink(missing_ok=True)


def _switch_parquet(layout: WarehouseLayout, release: Path) -> None:
    link = layout.published_parquet
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain directory from an older layout
    tmp_link = layout.root / f".published-link-{release.name}"
    tmp_link.symlink_to(release.name)
    os.replace(tmp_link, link)
    for old in layout.root.glob(".published-*"):
        if old != release and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)  # open files stay readable until closed
