import duckdb

from orchestration.lib.paths import WarehouseLayout
from orchestration.lib.publish import PUBLISHED_MARTS, publish_marts


def _working_db(layout: WarehouseLayout, received: int) -> None:
    layout.root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(layout.database)) as con:
        con.execute("create schema if not exists marts")
        for mart in PUBLISHED_MARTS:
            con.execute(f"create or replace table marts.{mart} as select ? as applications_received", [received])


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_published(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _working_db(layout, 13)
    first = publish_marts(layout)
    assert first.row_counts == {mart: 1 for mart in PUBLISHED_MARTS}

    reader = duckdb.connect(str(layout.published_database), read_only=True)
    assert reader.execute("select applications_received from fct_agency_year").fetchone() == (13,)

    _working_db(layout, 14)
    publish_marts(layout)  # must not fail although a reader holds the old file open
    assert reader.execute("select applications_received from fct_agency_year").fetchone() == (13,)
    reader.close()

    with duckdb.connect(str(layout.published_database), read_only=True) as fresh:
        assert fresh.execute("select applications_received from fct_agency_year").fetchone() == (14,)
    parquet = layout.published_parquet / "fct_agency_year.parquet"
    assert duckdb.sql(f"select applications_received from '{parquet}'").fetchall() == [(14,)]
    # Parquet: `published` links to the one release directory left.
    releases = [p for p in tmp_path.iterdir() if p.name.startswith(".published")]
    assert len(releases) == 1 and layout.published_parquet.resolve() == releases[0]


def test_a_failed_publish_leaves_the_previous_snapshot(tmp_path):
    layout = WarehouseLayout(tmp_path)
    _working_db(layout, 13)
    publish_marts(layout)
    with duckdb.connect(str(layout.database)) as con:
        con.execute("drop table marts.quality_issues")
    try:
        publish_marts(layout)
    except duckdb.Error:
        pass
    else:
        raise AssertionError("publishing without quality_issues must fail")
    with duckdb.connect(str(layout.published_database), read_only=True) as con:
        assert con.execute("select applications_received from fct_agency_year").fetchone() == (13,)
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".published")]) == 1
