import duckdb

from orchestration.lib.paths import WarehouseLayout
from orchestration.lib.publish import PUBLISHED_MARTS, STAGED_MARTS, publish, stage_publication


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
    assert stage_publication(layout, "run2") == {mart: 1 for mart in STAGED_MARTS}
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
