import pandas as pd

from orchestration.lib.paths import WarehouseLayout
from orchestration.lib.validation import build_data_docs, data_docs_dir, suite_names, validate


def test_every_suite_file_is_listed():
    assert suite_names() == sorted([
        "carry_over", "fct_agency_year", "parsed_identities", "published_identities", "quality_issues", "reports"])


def test_identity_suite_fails_on_a_broken_rule_and_skips_undecided_ones(tmp_path):
    layout = WarehouseLayout(tmp_path)
    frame = pd.DataFrame({
        "sha256": ["a", "a", "a", "b"],
        "rule_id": ["old.staff_total", "old.apps_received", "old.normative_docs", "old.staff_total"],
        "op": ["=", "=", "<=", "="],
        "observed": [126.0, 13.0, 36.0, None],
        "expected": [20.0, 13.0, 1267.0, 2.0],
        "holds": [False, True, True, None],
    })
    outcome = validate(layout, "published_identities", frame)
    assert not outcome.success
    failed = {f.expectation: f for f in outcome.failures}
    assert set(failed) == {"expect_column_pair_values_to_be_equal", "expect_column_values_to_be_in_set"}
    assert failed["expect_column_pair_values_to_be_equal"].unexpected_count == 1

    passing = validate(layout, "published_identities", frame.iloc[1:])
    assert passing.success and passing.failures == []
    build_data_docs(layout)
    index = data_docs_dir(layout) / "index.html"
    assert index.exists() and "published_identities" in index.read_text(encoding="utf-8")


def test_agency_year_suite_catches_duplicates_and_negative_counts(tmp_path):
    frame = pd.DataFrame({
        "agency_id": ["x", "x"], "year": [2018, 2018], "template": ["old", "old"],
        "quality_status": ["passed", "passed"], "applications_received": [13, -1],
    })
    outcome = validate(WarehouseLayout(tmp_path), "fct_agency_year", frame)
    kinds = {(f.expectation, f.column) for f in outcome.failures}
    assert ("expect_compound_columns_to_be_unique", None) in kinds
    assert ("expect_column_values_to_be_between", "applications_received") in kinds


def _agency_years(layout: WarehouseLayout, *extra_rows: str) -> None:
    """marts.fct_agency_year with agencies a0 to a19, five years each, all valid, and extra rows
    (agency_id, year, applications_received)."""
    import duckdb

    from orchestration.lib.validation import suite_columns

    others = [c for c in suite_columns("fct_agency_year")
              if c not in {"agency_id", "year", "template", "quality_status", "applications_received"}]
    with duckdb.connect(str(layout.database)) as con:
        con.execute("create schema marts")
        con.execute(f"""create table marts.fct_agency_year as
            select 'a' || (i // 5) as agency_id, 2015 + i % 5 as year, 'old' as template,
                   'passed' as quality_status, 1 as applications_received,
                   {", ".join(f"null::double as {c}" for c in others)}
            from range(100) t(i)""")
        for row in extra_rows:
            con.execute("insert into marts.fct_agency_year (agency_id, year, applications_received, template, "
                        f"quality_status) values ({row}, 'old', 'passed')")


def test_relations_are_validated_in_key_partitioned_batches(tmp_path):
    from orchestration.lib.validation import validate_relation

    layout = WarehouseLayout(tmp_path)
    _agency_years(layout, "'a3', 2019, -1")
    outcome = validate_relation(layout, "fct_agency_year", "marts.fct_agency_year", "agency_id", max_rows=30)
    assert outcome.rows == 101
    assert not outcome.success
    kinds = sorted((f.expectation, f.unexpected_count) for f in outcome.failures)
    # a3 has 2019 twice (in the same batch, since batches split by agency) and one negative count
    assert kinds == [("expect_column_values_to_be_between", 1), ("expect_compound_columns_to_be_unique", 2)]


def test_batches_follow_the_memory_limit(tmp_path, monkeypatch):
    """A million rows per 4 GB of the limit: 120 kB, 30 rows, four batches of the 101 rows."""
    from orchestration.lib import memory, validation, warehouse_io

    layout = WarehouseLayout(tmp_path)
    _agency_years(layout, "'a3', 2019, 1")
    batch_rows = []
    validate = validation.validate

    def counted(layout, suite_name, frame, run_name=None):
        batch_rows.append(len(frame))
        return validate(layout, suite_name, frame, run_name)

    monkeypatch.setattr(memory, "memory_limit_bytes", lambda: 120_000)
    monkeypatch.setattr(warehouse_io, "memory_limit_setting", lambda: "1GB")  # DuckDB's own, kept workable
    monkeypatch.setattr(validation, "validate", counted)
    outcome = validation.validate_relation(layout, "fct_agency_year", "marts.fct_agency_year", "agency_id")
    assert outcome.rows == sum(batch_rows) == 101
    assert len(batch_rows) == 4 and max(batch_rows) < 60  # by hash of agency: about 30 each


def test_given_keys_only_their_partitions_are_validated(tmp_path):
    from orchestration.lib.validation import validate_relation

    layout = WarehouseLayout(tmp_path)
    _agency_years(layout, "'a3', 2019, -1", "null, 2019, 1")

    def validated(keys):
        outcome = validate_relation(layout, "fct_agency_year", "marts.fct_agency_year", "agency_id", keys=keys)
        kinds = sorted((f.expectation, f.column, f.unexpected_count) for f in outcome.failures)
        return outcome.rows, outcome.relation_rows, kinds

    # a3: its six rows, 2019 twice and one negative count; a4 and a7: ten rows without a fault
    assert validated(["a3", "a4"]) == (11, 102, [
        ("expect_column_values_to_be_between", "applications_received", 1),
        ("expect_compound_columns_to_be_unique", None, 2)])
    assert validated(["a7", "a4"]) == (10, 102, [])
    # a null key stands for the rows without one, which the not-null expectation catches
    assert validated([None]) == (1, 102, [("expect_column_values_to_not_be_null", "agency_id", 1)])
    assert validated([]) == (0, 102, [])


def test_data_docs_keep_the_results_of_the_last_runs_only(tmp_path):
    layout = WarehouseLayout(tmp_path)
    frame = pd.DataFrame({"sha256": ["a"], "rule_id": ["old.staff_total"], "op": ["="],
                          "observed": [1.0], "expected": [1.0], "holds": [True]})
    for run in ("run-1", "run-2", "run-3"):
        validate(layout, "published_identities", frame, run_name=run)
        validate(layout, "published_identities", frame, run_name=run)  # a second batch of the run
    pages = data_docs_dir(layout) / "validations" / "published_identities"
    assert build_data_docs(layout, keep_runs=3) == 0
    assert sorted(p.name for p in pages.iterdir()) == ["run-1", "run-2", "run-3"]

    assert build_data_docs(layout, keep_runs=2) == 2  # both results of run-1
    assert sorted(p.name for p in pages.iterdir()) == ["run-2", "run-3"]
    assert len(list(pages.rglob("*.html"))) == 4
    stored = tmp_path / "gx_project" / "gx" / "uncommitted" / "validations" / "published_identities"
    assert sorted(p.name for p in stored.iterdir()) == ["run-2", "run-3"]
    index = (data_docs_dir(layout) / "index.html").read_text(encoding="utf-8")
    assert "run-3" in index and "run-1" not in index

    # Given its run, a build renders that run's pages only; the index still lists every kept run.
    written = {page: page.stat().st_mtime_ns for page in pages.glob("run-3/*/*.html")}
    validate(layout, "published_identities", frame, run_name="run-4")
    assert build_data_docs(layout, run_name="run-4", keep_runs=2) == 2  # run-2's two results
    assert sorted(p.name for p in pages.iterdir()) == ["run-3", "run-4"]
    assert {page: page.stat().st_mtime_ns for page in pages.glob("run-3/*/*.html")} == written
    index = (data_docs_dir(layout) / "index.html").read_text(encoding="utf-8")
    assert "run-3" in index and "run-4" in index and "run-2" not in index
