import duckdb

from orchestration.lib.paths import WarehouseLayout
from orchestration.lib.publish import PUBLISHED_MARTS, STAGED_MARTS, keys_since_publication, publish, stage_publication


def _working_db(layout: WarehouseLayout, received: int) -> None:
    layout.root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(layout.database)) as con:
        con.execute("create schema if not exists marts")
        for mart in PUBLISHED_MARTS:
            con.execute(f"create or replace table marts.{mart} as select ? as applications_received", [received])


def _published(layout: WarehouseLayout) -> dict[str, int]:
    with duckdb.connect(str(layout.published_database), read_only=True) as con:
        return {mart: con.execute(f"select applications_received from {mart}").fetchone()[0]
                for mart in PUBLISHED_MARTS}


def _builds(layout: WarehouseLayout) -> list[str]:
    return sorted(p.name for p in layout.root.iterdir() if p.name.startswith(".published"))


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_published(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _working_db(layout, 13)
    first = publish(layout, "run1")
    assert first.row_counts == {mart: 1 for mart in PUBLISHED_MARTS}

    reader = duckdb.connect(str(layout.published_database), read_only=True)
    assert reader.execute("select applications_received from fct_agency_year").fetchone() == (13,)

    _working_db(layout, 14)
    publish(layout, "run2")  # must not fail although a reader holds the old file open
    assert reader.execute("select applications_received from fct_agency_year").fetchone() == (13,)
    reader.close()

    with duckdb.connect(str(layout.published_database), read_only=True) as fresh:
        assert fresh.execute("select applications_received from fct_agency_year").fetchone() == (14,)
        assert fresh.execute("select publication_id from publication").fetchone() == ("run2",)
    parquet = layout.published_parquet / "fct_agency_year.parquet"
    assert duckdb.sql(f"select applications_received from '{parquet}'").fetchall() == [(14,)]
    # Parquet: `published` links to the one release directory left.
    assert _builds(layout) == [".published-run2"]
    assert layout.published_parquet.resolve() == tmp_path / ".published-run2"


def test_a_failed_publish_leaves_the_previous_snapshot(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _working_db(layout, 13)
    publish(layout, "run1")
    with duckdb.connect(str(layout.database)) as con:
        con.execute("drop table marts.quality_issues")
    try:
        publish(layout, "run2")
    except duckdb.Error:
        pass
    else:
        raise AssertionError("publishing without quality_issues must fail")
    assert _published(layout)["fct_agency_year"] == 13
    assert _builds(layout) == [".published-run1"]


def test_staged_marts_stay_invisible_until_the_switch_and_are_not_written_twice(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _working_db(layout, 13)
    publish(layout, "run1")
    _working_db(layout, 14)
    assert stage_publication(layout, "run2").row_counts == {mart: 1 for mart in STAGED_MARTS}
    assert _published(layout) == {mart: 13 for mart in PUBLISHED_MARTS}
    # What was staged is what gets published: the warehouse's later state is not read for it.
    with duckdb.connect(str(layout.database)) as con:
        for mart in PUBLISHED_MARTS:
            con.execute(f"update marts.{mart} set applications_received = 15")
    publication = publish(layout, "run2")
    assert list(publication.row_counts) == list(PUBLISHED_MARTS)
    assert _published(layout) == {mart: 14 if mart in STAGED_MARTS else 15 for mart in PUBLISHED_MARTS}
    for mart in PUBLISHED_MARTS:
        parquet = layout.published_parquet / f"{mart}.parquet"
        assert duckdb.sql(f"select * from '{parquet}'").fetchall() == [(14 if mart in STAGED_MARTS else 15,)]
    assert _builds(layout) == [".published-run2"]


def test_a_build_whose_run_stopped_before_the_switch_is_discarded_by_the_next_run(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _working_db(layout, 13)
    publish(layout, "run1")
    stage_publication(layout, "blocked")  # a blocking check then failed: no switch
    assert _builds(layout) == [".published-blocked", ".published-run1", ".published.blocked.duckdb"]
    assert _published(layout)["fct_report_values"] == 13

    _working_db(layout, 14)
    stage_publication(layout, "run3")
    assert _builds(layout) == [".published-run1", ".published-run3", ".published.run3.duckdb"]
    publish(layout, "run3")
    assert _published(layout) == {mart: 14 for mart in PUBLISHED_MARTS}
    assert _builds(layout) == [".published-run3"]


def _report_warehouse(layout: WarehouseLayout, code: str, selected: dict[str, tuple[str, str, int]],
                      rows: dict[str, int]) -> None:
    """A working database as dbt leaves it, reduced to what the long marts are patched from:
    the selection (report → file, agency, year), one row of each selected report in each long
    mart, and the code hash the landing recorded."""
    _working_db(layout, 0)
    with duckdb.connect(str(layout.database)) as con:
        con.execute("create schema if not exists landing")
        con.execute("create or replace table landing.publication_inputs as select 'inputs' as inputs_hash, "
                    "? as code_hash", [code])
        con.execute("create schema if not exists intermediate")
        con.execute("create or replace table intermediate.int_agency_year_selection "
                    "(sha256 varchar, file_path varchar, agency varchar, year integer, is_selected boolean)")
        con.executemany("insert into intermediate.int_agency_year_selection values (?, ?, ?, ?, true)",
                        [(sha, *where) for sha, where in selected.items()])
        con.execute("insert into intermediate.int_agency_year_selection values ('superseded', 'old.txt', '甲局', 2020, false)")
        for mart in STAGED_MARTS:
            con.execute(f"create or replace table marts.{mart} (report_sha256 varchar, source_file varchar, "
                        "agency_name varchar, year integer, value integer)")
            con.executemany(f"insert into marts.{mart} values (?, ?, ?, ?, ?)",
                            [(sha, *selected[sha], rows[sha]) for sha in selected])


def _long_rows(path, mart: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select * from {mart} order by all").fetchall()


def _parquet_rows(path) -> list[tuple]:
    return duckdb.sql(f"select * from '{path}' order by all").fetchall()


def test_the_long_marts_are_patched_when_the_standing_publication_has_the_same_code(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020), "b": ("b.txt", "乙局", 2020)}, {"a": 1, "b": 2})
    publish(layout, "run1")
    # b is superseded by c; a's row in the warehouse differs from the published one, which only a
    # change of code can do: patching keeps a's published rows and reads only c's.
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020), "c": ("c.txt", "乙局", 2020)}, {"a": 10, "c": 3})
    staged = stage_publication(layout, "run2")
    assert staged.how == ("patched into the standing publication: 3 rows of reports no longer selected removed, "
                          "3 of newly selected ones added")
    publish(layout, "run2")
    for mart in STAGED_MARTS:
        expected = [("a", "a.txt", "甲局", 2020, 1), ("c", "c.txt", "乙局", 2020, 3)]
        assert _long_rows(layout.published_database, mart) == expected
        assert _parquet_rows(layout.published_parquet / f"{mart}.parquet") == expected

    # Another code: every row is written again, from the warehouse.
    _report_warehouse(layout, "code-2", {"a": ("a.txt", "甲局", 2020), "c": ("c.txt", "乙局", 2020)}, {"a": 10, "c": 3})
    staged = stage_publication(layout, "run3")
    assert staged.how == "written whole: the code, the parser or a library changed since the standing publication"
    publish(layout, "run3")
    assert _long_rows(layout.published_database, "fct_report_values") == [
        ("a", "a.txt", "甲局", 2020, 10), ("c", "c.txt", "乙局", 2020, 3)]
    # The same file under another agency name (a parser fix) is another report's rows.
    _report_warehouse(layout, "code-2", {"a": ("a.txt", "甲市局", 2020), "c": ("c.txt", "乙局", 2020)}, {"a": 11, "c": 3})
    assert stage_publication(layout, "run4").how.startswith("patched")
    publish(layout, "run4")
    assert _long_rows(layout.published_database, "fct_report_values") == [
        ("a", "a.txt", "甲市局", 2020, 11), ("c", "c.txt", "乙局", 2020, 3)]


def test_without_a_standing_publication_or_its_code_hash_the_long_marts_are_written_whole(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020)}, {"a": 1})
    assert stage_publication(layout, "run1").how == "written whole: no publication yet"
    publish(layout, "run1")
    with duckdb.connect(str(layout.published_database)) as con:  # as a publication from before code hashes
        con.execute("alter table publication drop column code_hash")
    assert stage_publication(layout, "run2").how == "written whole: the standing publication records no code hash"


def test_a_standing_publication_written_to_since_is_not_patched(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020)}, {"a": 1})
    publish(layout, "run1")
    with duckdb.connect(str(layout.published_database)) as con:  # a BI tool that did not open it read-only
        con.execute("delete from fct_review_litigation")
    assert stage_publication(layout, "run2").how == (
        "written whole: the standing publication's marts no longer hold the rows it recorded")
    publish(layout, "run2")
    assert _long_rows(layout.published_database, "fct_review_litigation") == [("a", "a.txt", "甲局", 2020, 1)]
    layout.published_database.with_name("published.duckdb.wal").write_bytes(b"")
    assert stage_publication(layout, "run3").how == (
        "written whole: the standing publication was written to since it was published (it has a write-ahead log)")


def test_the_keys_changed_since_the_standing_publication(tmp_path):
    layout = WarehouseLayout(tmp_path)
    changed = ("select distinct report_sha256 from "
               "(from warehouse.marts.fct_report_values except all from published.fct_report_values)")
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020), "b": ("b.txt", "乙局", 2020)}, {"a": 1, "b": 2})
    assert keys_since_publication(layout, {"c": changed}, ["fct_report_values"]) == (None, "no publication yet")
    publish(layout, "run1")
    assert keys_since_publication(layout, {"c": changed}, ["fct_report_values"]) == (
        {"c": []}, "changed since the standing publication")
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020), "c": ("c.txt", "乙局", 2020)}, {"a": 1, "c": 3})
    assert keys_since_publication(layout, {"c": changed}, ["fct_report_values"]) == (
        {"c": ["c"]}, "changed since the standing publication")
    _report_warehouse(layout, "code-2", {"a": ("a.txt", "甲局", 2020)}, {"a": 1})
    assert keys_since_publication(layout, {"c": changed}, ["fct_report_values"]) == (
        None, "the code, the parser or a library changed since the standing publication")


def test_a_publication_held_open_for_writing_is_no_baseline(tmp_path):
    import subprocess
    import sys

    layout = WarehouseLayout(tmp_path)
    _report_warehouse(layout, "code-1", {"a": ("a.txt", "甲局", 2020)}, {"a": 1})
    publish(layout, "run1")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print(flush=True); "
                               "sys.stdin.read()", str(layout.published_database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        holder.stdout.readline()  # it holds the file's lock now
        keys, why = keys_since_publication(layout, {"one": "select 1"}, ["fct_report_values"])
        assert keys is None and why.startswith("the standing publication cannot be read: IO Error"), why
        assert stage_publication(layout, "run2").how.startswith("written whole: the standing publication cannot be read")
    finally:
        holder.communicate("")
