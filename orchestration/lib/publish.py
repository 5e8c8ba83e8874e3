"""Publishing: the validated marts become `published.duckdb` (one rename) and Parquet copies.

BI tools open only the published file. It is built beside the old one and renamed over it, so a
reader sees either the old or the new snapshot, never a half-written one, and a reader holding the
old file open keeps its snapshot (the rename does not touch the open inode).

The build comes in two parts so that the larger can run while the Great Expectations suites check
the warehouse: `stage_publication` writes the long per-value marts, which no suite reads (their
checks are dbt tests, passed before), and `publish` adds the marts the suites check, once they
passed, and switches. Nothing a reader can see changes before the switch.

The long marts hold a published report's rows as a function of the report alone (its content,
file, agency and year) and of the code. So when the standing publication was built by the same
code (PublicationInputs.code), they are patched in a copy of it: the rows of the reports no longer
selected are deleted and those of the newly selected ones inserted, instead of writing every row
again (at 100,000 reports + 1%: 12 s beside the checks, against 19 s written whole).
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
class StagedMarts:
    row_counts: dict[str, int]
    how: str  # written whole (and why), or patched (and how much)


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


def stage_publication(layout: WarehouseLayout, name: str, marts=STAGED_MARTS) -> StagedMarts:
    """Write `marts` into the build called `name` (a run's id), after discarding the builds that
    runs stopped before their switch left behind: patched into a copy of the standing publication
    when it was built by the same code, else written whole."""
    layout.root.mkdir(parents=True, exist_ok=True)
    _discard_unfinished_builds(layout, keep=name)
    build = _Build.named(layout, name)
    build.discard()
    build.release.mkdir()
    try:
        why_whole = why_not_a_baseline(layout, marts) if marts else "nothing to patch"
        if why_whole is None:
            return _patch_marts(layout, build, marts)
        return StagedMarts(_write_marts(layout, build, marts), f"written whole: {why_whole}")
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
        staged = stage_publication(layout, name, marts=()).row_counts
    try:
        counts = {**staged, **_write_marts(layout, build, [m for m in PUBLISHED_MARTS if m not in staged])}
        counts = {mart: counts[mart] for mart in PUBLISHED_MARTS}
        published_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        inputs = landed_inputs(layout)
        inputs_hash, code_hash = (inputs.all, inputs.code) if inputs else (None, None)
        with connect(build.database) as con:
            con.execute("create table main.publication as select ? as publication_id, ? as published_at, "
                        "? as row_counts, ? as inputs_hash, ? as code_hash",
                        [name, published_at, json.dumps(counts), inputs_hash, code_hash])
        (build.release / "_publication.json").write_text(json.dumps(
            {"publication_id": name, "published_at": published_at, "row_counts": counts,
             "inputs_hash": inputs_hash, "code_hash": code_hash}), encoding="utf-8")
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


def why_not_a_baseline(layout: WarehouseLayout, marts) -> str | None:
    """Why the standing publication cannot stand for what `marts` held when it was published and
    validated, as built by today's code, or None when it can."""
    if not layout.published_database.exists():
        return "no publication yet"
    if layout.published_database.with_name(layout.published_database.name + ".wal").exists():
        return "the standing publication was written to since it was published (it has a write-ahead log)"
    inputs = landed_inputs(layout)
    try:
        with connect(layout.published_database, read_only=True) as con:
            code, recorded = con.execute("select code_hash, row_counts from publication").fetchone()
            tables = _main_tables(con)
            if inputs is None or code != inputs.code:
                return "the code, the parser or a library changed since the standing publication"
            if not set(marts) <= set(tables):
                return "the standing publication lacks one of the marts"
            counts = _row_counts(con, marts)
    except duckdb.IOException as error:  # a BI tool holds it open for writing
        return f"the standing publication cannot be read: {error}"
    except duckdb.Error:
        return "the standing publication records no code hash"
    if any(json.loads(recorded).get(mart) != n for mart, n in counts.items()):
        return "the standing publication's marts no longer hold the rows it recorded"
    return None


def keys_since_publication(layout: WarehouseLayout, queries: dict[str, str],
                           marts) -> tuple[dict[str, list[str | None]] | None, str]:
    """The keys each of `queries` returns over the working warehouse (`warehouse`) and the
    standing publication (`published`, reading `marts`): what changed since the publication,
    by the queries' names. The baseline is checked and attached once for all of them. None, and
    why, when the standing publication cannot be the baseline (why_not_a_baseline)."""
    why_not = why_not_a_baseline(layout, marts)
    if why_not:
        return None, why_not
    with connect(layout.database, read_only=True) as con:
        try:
            con.execute("attach ? as published (read_only)", [str(layout.published_database)])
        except duckdb.IOException as error:  # a BI tool opened it for writing since
            return None, f"the standing publication cannot be read: {error}"
        keys = {name: [key for (key,) in con.execute(query).fetchall()] for name, query in queries.items()}
    return keys, "changed since the standing publication"


# One published report: its rows in a long mart are a function of these and of the code.
_SAME_REPORT = ("{m}.report_sha256 = {s}.sha256 and {m}.source_file = {s}.file_path "
                "and {m}.agency_name = {s}.agency and {m}.year = {s}.year")


def _patch_marts(layout: WarehouseLayout, build: _Build, marts) -> StagedMarts:
    shutil.copyfile(layout.published_database, build.database)
    counts: dict[str, int] = {}
    removed = added = 0
    with connect(build.database) as con:
        for table in _main_tables(con):
            if table not in marts:
                con.execute(f"drop table main.{table}")  # publish() writes them, after the checks
        con.execute("attach ? as source (read_only)", [str(layout.database)])
        con.execute("create temp table selected as select sha256, file_path, agency, year "
                    "from source.intermediate.int_agency_year_selection where is_selected")
        for mart in marts:
            # Which of the selected reports the copy holds, read before anything is deleted.
            con.execute("create or replace temp table new_reports as select * from selected as s where not exists "
                        f"(select 1 from main.{mart} as m where {_SAME_REPORT.format(m='m', s='s')})")
            removed += con.execute(f"delete from main.{mart} as m where not exists "
                                   f"(select 1 from selected as s where {_SAME_REPORT.format(m='m', s='s')})"
                                   ).fetchone()[0]
            new = [sha256 for (sha256,) in con.execute("select distinct sha256 from new_reports").fetchall()]
            if new:
                # Their hashes as one list parameter: DuckDB filters the mart's view by it at its scans,
                # where joining the view to new_reports would compute all of it (0.2 s against 2.8 s).
                added += con.execute(
                    f"insert into main.{mart} select v.* from source.marts.{mart} as v "
                    f"where v.report_sha256 in (select unnest(?::varchar[])) and exists "
                    f"(select 1 from new_reports as s where {_SAME_REPORT.format(m='v', s='s')})", [new]
                ).fetchone()[0]
            counts[mart] = con.execute(f"select count(*) from main.{mart}").fetchone()[0]
            con.execute(f"copy main.{mart} to ? (format parquet)", [str(build.release / f"{mart}.parquet")])
        con.execute("detach source")
    return StagedMarts(counts, f"patched into the standing publication: {removed:,} rows of reports no longer "
                               f"selected removed, {added:,} of newly selected ones added")


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
        return _row_counts(con, _main_tables(con))


def _main_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the database `con` opened, not of those attached to it."""
    return [table for (table,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'main'"
    ).fetchall()]


def _row_counts(con: duckdb.DuckDBPyConnection, tables) -> dict[str, int]:
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
