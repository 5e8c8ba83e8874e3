"""End to end: `ogi run` on the samples plus fixtures, into a temporary warehouse."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.quality.checks import SUITE_CHECKS
from orchestration.lib import publish as publish_module
from orchestration.lib.evaluation import published_against_truth
from orchestration.lib.paths import DBT_PROJECT_DIR, WarehouseLayout
from orchestration.lib.parsing.identities import check_identities
from orchestration.lib.synthetic import TRUTH_FILE, generate_corpus
from tests.conftest import PROJECT_ROOT, SEEDS

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "pipeline"
OGI = str(Path(sys.executable).with_name("ogi"))


def _ogi_run(raw: Path, warehouse: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([OGI, "run", "--raw", str(raw), "--warehouse", str(warehouse), *options],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    raw = root / "raw"
    raw.mkdir()
    for path in list(SEEDS.values()) + sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, raw / path.name)
    # The same bytes under a second name (a mirror that kept the file as it was).
    shutil.copy(FIXTURES / "jiaojiang_finance_2021.txt", raw / "mirror copy of 椒江 2021.txt")
    warehouse = root / "warehouse"
    first = _ogi_run(raw, warehouse)
    assert first.returncode == 0, first.stdout + first.stderr
    return raw, warehouse, first


def _query(warehouse: Path, sql: str, *params):
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _agency_year(warehouse: Path, agency: str, year: int) -> dict:
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as con:
        frame = con.execute("select * from fct_agency_year where agency_name = ? and year = ?",
                            [agency, year]).df()
    assert len(frame) == 1, (agency, year)
    return {k: (None if v != v else v) for k, v in frame.iloc[0].to_dict().items()}  # NaN → None


def test_one_fact_row_per_agency_year_with_metadata(pipeline):
    _, warehouse, _ = pipeline
    rows = _query(warehouse, "select agency_name, year, template from fct_agency_year order by all")
    assert rows == sorted([
        ("安康市工信局", 2018, "old"),
        ("路桥区经信局", 2021, "new2021"),
        ("柞水县人民政府", 2018, "old"),
        ("商丘市工业和信息化委员会", 2017, "old"),
        ("淮北市商务局", 2018, "old"),
        ("台州市椒江区财政局", 2021, "new2021"),
        ("台州市椒江区财政局", 2022, "new2021"),
        ("商洛市商州区教育局", 2021, "new2021"),
    ])


def test_zhashui_applications_published_staff_withheld(pipeline):
    _, warehouse, _ = pipeline
    row = _agency_year(warehouse, "柞水县人民政府", 2018)
    assert row["applications_received"] == 13
    assert row["applications_processed"] == 13
    assert row["granted"] == 13
    assert (row["review_total"], row["review_corrected"], row["review_other"]) == (2, 1, 1)
    assert (row["litigation_total"], row["litigation_upheld"], row["litigation_corrected"]) == (9, 1, 7)
    assert row["proactive_total"] == 1637
    assert (row["staff_total"], row["staff_fulltime"], row["staff_parttime"]) == (None, None, None)
    assert row["quality_status"] == "withheld_values"
    issues = _query(warehouse, """
        select key, rule, expected, observed from quality_issues
        where category = 'withheld_value' and source_file = ? order by key""", SEEDS["002"].name)
    assert issues == [
        ("org.staff_fulltime", "old.staff_total", 20.0, 126.0),
        ("org.staff_parttime", "old.staff_total", 20.0, 126.0),
        ("org.staff_total", "old.staff_total", 20.0, 126.0),
    ]


def test_old_and_prose_reports(pipeline):
    _, warehouse, _ = pipeline
    ankang = _agency_year(warehouse, "安康市工信局", 2018)
    assert (ankang["proactive_total"], ankang["applications_received"], ankang["fees_yuan"]) == (1267, 0, 0)
    assert ankang["staff_total"] is None and ankang["staff_parttime"] == 2  # blank cell stays null
    shangqiu = _agency_year(warehouse, "商丘市工业和信息化委员会", 2017)
    assert (shangqiu["applications_received"], shangqiu["proactive_total"], shangqiu["staff_total"]) == (1, 395, 3)
    assert shangqiu["old_grant_rate"] == 0
    huaibei = _agency_year(warehouse, "淮北市商务局", 2018)
    assert (huaibei["applications_received"], huaibei["review_total"], huaibei["litigation_total"],
            huaibei["fees_yuan"]) == (0, 0, 0, 0)
    assert huaibei["quality_status"] == "prose_only"
    sources = _query(warehouse, "select distinct value_source from fct_report_values where agency_name = '淮北市商务局'")
    assert sources == [("prose",)]


def test_new_format_facts_rates_and_long_tables(pipeline):
    _, warehouse, _ = pipeline
    y22 = _agency_year(warehouse, "台州市椒江区财政局", 2022)
    assert (y22["applications_received"], y22["applications_carried_over"], y22["applications_processed"],
            y22["applications_carried_forward"]) == (6, 2, 8, 0)
    assert (y22["granted"], y22["partially_granted"], y22["denied"], y22["repeat_requests"]) == (4, 2, 1, 1)
    assert (y22["review_total"], y22["review_upheld"], y22["review_pending"]) == (4, 2, 1)
    assert (y22["litigation_total"], y22["litigation_pending"]) == (2, 1)
    assert y22["fees_yuan"] == 25.5
    assert y22["substantive_disclosure_rate"] == pytest.approx(6 / 8)
    assert y22["review_correction_rate"] == pytest.approx(1 / 3)
    assert y22["carry_over_consistent"] is False or y22["carry_over_consistent"] == 0
    outcomes = _query(warehouse, """
        select applicant_type, count from fct_application_outcomes
        where agency_name = '台州市椒江区财政局' and year = 2022 and outcome = 'partial' order by applicant_type""")
    assert dict(outcomes) == {"natural_person": 1, "commercial": 1, "research": 0, "social_org": 0,
                              "legal_service": 0, "other_org": 0, "total": 2}
    litigation = _query(warehouse, """
        select proceeding, outcome, count from fct_review_litigation
        where agency_name = '台州市椒江区财政局' and year = 2022 and outcome = 'total' order by proceeding""")
    assert litigation == [("litigation_after_review", "total", 1), ("litigation_direct", "total", 1),
                          ("review", "total", 4)]


def test_broken_table_three_withholds_only_the_wrong_total(pipeline):
    _, warehouse, _ = pipeline
    row = _agency_year(warehouse, "商洛市商州区教育局", 2021)
    assert row["applications_processed"] is None
    assert (row["applications_received"], row["granted"], row["unable_to_provide"]) == (4, 3, 1)
    issues = _query(warehouse, """
        select rule, expected, observed from quality_issues
        where category = 'withheld_value' and key = 't3.processed_total.total'
          and source_file = 'shangzhou_education_2021_broken.txt' order by rule""")
    assert issues == [
        ("new2021.t3_balance.total", 5.0, 4.0),
        ("new2021.t3_outcomes.total", 4.0, 5.0),
        ("new2021.t3_row_total.processed_total", 4.0, 5.0),
    ]


def test_carry_over_break_names_both_reports(pipeline):
    _, warehouse, _ = pipeline
    rows = _query(warehouse, """
        select year, expected, observed, source_file, related_file from quality_issues
        where category = 'cross_year'""")
    assert len(rows) == 1
    year, expected, observed, source, related = rows[0]
    assert (year, expected, observed, source) == (2022, 1.0, 2.0, "jiaojiang_finance_2022.txt")
    assert related in ("jiaojiang_finance_2021.txt", "jiaojiang_finance_2021_mirror_traditional.txt",
                       "mirror copy of 椒江 2021.txt")


def test_duplicates_are_resolved_and_visible(pipeline):
    _, warehouse, _ = pipeline
    statuses = dict(_query(warehouse, """
        select file_path, status from reports where file_path like '%2021%' and agency_name = '台州市椒江区财政局'
           or file_path = 'mirror copy of 椒江 2021.txt'"""))
    assert statuses["mirror copy of 椒江 2021.txt"] == "duplicate_file"
    pair = sorted([statuses["jiaojiang_finance_2021.txt"], statuses["jiaojiang_finance_2021_mirror_traditional.txt"]])
    assert pair == ["published", "superseded"]
    duplicates = _query(warehouse, "select rule, source_file from quality_issues where category = 'duplicate' order by all")
    assert ("same_bytes", "mirror copy of 椒江 2021.txt") in duplicates
    assert len(duplicates) == 2


def test_published_values_satisfy_every_identity(pipeline):
    _, warehouse, _ = pipeline
    values: dict[tuple, dict] = {}
    for agency, year, template, key, value in _query(
            warehouse, "select agency_name, year, template, key, value from fct_report_values"):
        values.setdefault((agency, year, template), {})[key] = value
    assert len(values) == 8
    for (agency, year, template), by_key in values.items():
        assert check_identities(template, by_key) == [], (agency, year)


def test_run_summary_and_parquet_copies(pipeline):
    _, warehouse, first = pipeline
    assert "Files ingested: 10" in first.stdout
    assert "Agency-years published: 8" in first.stdout
    assert "old.staff_total: 3" in first.stdout
    for mart in ("fct_agency_year", "dim_agency", "fct_application_outcomes", "fct_review_litigation",
                 "reports", "quality_issues"):
        assert (warehouse / "published" / f"{mart}.parquet").exists()
    assert (warehouse / "docs" / "great_expectations" / "index.html").exists()


def test_dim_agency_places_and_types(pipeline):
    _, warehouse, _ = pipeline
    rows = {r[0]: r[1:] for r in _query(warehouse, """
        select agency_name, agency_name_raw, city, county, admin_level, agency_type, sector from dim_agency""")}
    assert rows["柞水县人民政府"] == ("柞水縣人民政府", None, "柞水县", "county", "government", "general_government")
    assert rows["台州市椒江区财政局"][1:] == ("台州市", "椒江区", "county", "department", "finance")
    assert rows["安康市工信局"][1:] == ("安康市", None, "city", "department", "industry_and_it")


def test_a_rerun_with_nothing_changed_parses_nothing_and_keeps_the_publication(pipeline):
    raw, warehouse, first = pipeline
    published = (warehouse / "published.duckdb").read_bytes()
    reader = duckdb.connect(str(warehouse / "published.duckdb"), read_only=True)
    second = _ogi_run(raw, warehouse)
    assert second.returncode == 0, second.stdout + second.stderr
    assert ": 0 to read in 1 shard " in second.stdout  # the listing found every file unchanged
    assert "[parse] 0 files read, 0 new contents parsed" in second.stdout
    assert "parse issues staged (full rebuild of " in first.stdout
    assert "[stage] nothing changed since the publication of " in second.stdout
    assert "[dbt]" not in second.stdout and "[publish]" not in second.stdout
    assert "Nothing changed: the publication in " in second.stdout
    assert "Agency-years published: 8" in second.stdout  # the summary of the standing publication
    assert "emitted no result" not in second.stdout + second.stderr
    assert reader.execute("select count(*) from fct_agency_year").fetchone() == (8,)
    reader.close()
    assert (warehouse / "published.duckdb").read_bytes() == published


def test_steps_in_a_process_pool_publish_what_one_process_does(pipeline, tmp_path):
    """`ogi run --workers 2`: Dagster's multiprocess executor, steps forked from the step server,
    writing the run's events through the storage of orchestration/event_log.py."""
    raw, warehouse, _ = pipeline
    pooled = _ogi_run(raw, tmp_path / "warehouse", "--workers", "2")
    assert pooled.returncode == 0, pooled.stdout + pooled.stderr
    assert "[parse] shard 0: " in pooled.stdout and "Published: " in pooled.stdout
    for mart in ("fct_agency_year", "fct_report_values", "dim_agency", "quality_issues"):
        sql = f"select * from {mart} order by all"
        assert _query(tmp_path / "warehouse", sql) == _query(warehouse, sql), mart


def test_a_failing_blocking_check_publishes_nothing(tmp_path, monkeypatch):
    import json

    from orchestration.lib import validation
    from orchestration.lib.paths import RAW_DIR_ENV, WAREHOUSE_DIR_ENV
    from orchestration.runner import run_pipeline

    monkeypatch.setenv(RAW_DIR_ENV, "")
    monkeypatch.setenv(WAREHOUSE_DIR_ENV, "")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS["002"], raw / SEEDS["002"].name)
    warehouse = tmp_path / "warehouse"
    assert run_pipeline(raw, warehouse).success
    published_before = (warehouse / "published.duckdb").read_bytes()

    # A stricter suite than the data meets: at most 5 applications per agency-year.
    strict = tmp_path / "expectations"
    shutil.copytree(validation.EXPECTATIONS_DIR, strict)
    suite = json.loads((strict / "fct_agency_year.json").read_text(encoding="utf-8"))
    suite["expectations"].append({"type": "expect_column_values_to_be_between",
                                  "kwargs": {"column": "applications_received", "max_value": 5}, "meta": {}})
    (strict / "fct_agency_year.json").write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(validation, "EXPECTATIONS_DIR", strict)

    outcome = run_pipeline(raw, warehouse)
    assert not outcome.success and not outcome.published
    assert outcome.blocked_checks == ["ge_fct_agency_year"]
    assert (warehouse / "published.duckdb").read_bytes() == published_before
    # Nothing changed since, but the standing publication was not built from these suites: the
    # next run checks again (and blocks again) instead of skipping, and leaves one staged build.
    again = run_pipeline(raw, warehouse)
    assert not again.success and again.blocked_checks == ["ge_fct_agency_year"]
    assert (warehouse / "published.duckdb").read_bytes() == published_before
    assert len(list(warehouse.glob(".published.*.duckdb"))) == 1
    docs = (warehouse / "docs" / "great_expectations" / "index.html").read_text(encoding="utf-8")
    assert "fct_agency_year" in docs


def test_sql_over_the_published_file_finds_no_identity_violation(pipeline):
    from orchestration.lib.landing import identity_rules_table

    _, warehouse, _ = pipeline
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as con:
        con.register("identity_rules", identity_rules_table())
        sides = con.execute("""
            with sides as (
                select f.agency_id, f.year, r.rule_id, r.op, r.side,
                       count(*) as n_keys, count(v.value) as n_present, sum(v.value) as total
                from fct_agency_year as f
                join identity_rules as r on r.template = f.template
                left join fct_report_values as v
                    on v.agency_id = f.agency_id and v.year = f.year and v.key = r.key
                group by all
            ),
            rules as (
                select agency_id, year, rule_id, any_value(op) as op,
                       max(total) filter (where side = 'lhs') as lhs,
                       max(total) filter (where side = 'rhs') as rhs,
                       bool_and(n_present = n_keys) as decidable
                from sides group by all
            )
            select count(*) filter (where decidable),
                   count(*) filter (where decidable and ((op = '=' and lhs <> rhs) or (op = '<=' and lhs > rhs)))
            from rules""").fetchone()
    decided, violated = sides
    assert violated == 0
    # The SQL decides exactly the rules the parser's own evaluator decides on the same values.
    from orchestration.lib.parsing.identities import rules_for

    values: dict[tuple, dict] = {}
    for agency, year, template, key, value in _query(
            warehouse, "select agency_id, year, template, key, value from fct_report_values"):
        values.setdefault((agency, year, template), {})[key] = value
    decidable = sum(all(by_key.get(k) is not None for k in rule.keys)
                    for (_, _, template), by_key in values.items() for rule in rules_for(template))
    assert decided == decidable > 150


def test_the_gate_evaluates_every_identity_over_the_values_to_publish(pipeline):
    """int_published_identity_evaluations takes a report's evaluations as parsed unless one of
    its values is withheld; checked here against every rule decided afresh by the parser's
    evaluator over int_published_values."""
    from orchestration.lib.parsing.identities import evaluate, rules_for

    _, warehouse, _ = pipeline
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        selected = dict(con.execute(
            "select sha256, template from intermediate.int_agency_year_selection where is_selected").fetchall())
        published: dict[str, dict] = {sha: {} for sha in selected}
        for sha, key, value in con.execute("select sha256, key, value from intermediate.int_published_values").fetchall():
            published[sha][key] = value
        gate = {(sha, rule): holds for sha, rule, holds in con.execute(
            "select sha256, rule_id, holds from intermediate.int_published_identity_evaluations").fetchall()}
        as_parsed = {(sha, rule): holds for sha, rule, holds in con.execute(
            "select sha256, rule_id, holds from intermediate.int_identity_evaluations").fetchall()}

    def verdict(rule, values):  # the parser's evaluator, with undecided rules told apart
        if any(values.get(k) is None for k in rule.keys):
            return None
        return evaluate(rule, values) is None

    recomputed = {(sha, rule.rule_id): verdict(rule, published[sha])
                  for sha, template in selected.items() for rule in rules_for(template)}
    assert gate == recomputed
    # The reports with a withheld value take the recomputed branch: a rule broken as parsed is
    # undecided once its wrong value is withheld.
    reopened = [key for key, verdict in as_parsed.items() if verdict is False and key in gate]
    assert reopened and all(gate[key] is None for key in reopened)


def test_a_generated_corpus_is_published_exactly(tmp_path):
    """The parser and every model after it: each value of every report whose identities hold is
    published as the generator wrote it; values are withheld only in reports with a broken one."""
    raw = tmp_path / "raw"
    generate_corpus(150, raw, seed=31)
    truth = tmp_path / TRUTH_FILE
    (raw / TRUTH_FILE).rename(truth)  # no report: kept out of the landing zone
    run = _ogi_run(raw, tmp_path / "warehouse")
    assert run.returncode == 0, run.stdout + run.stderr
    verdicts = published_against_truth(tmp_path / "warehouse" / "published.duckdb", [(truth, "")])
    assert {verdict for consistent, verdict in verdicts if consistent} == {"exact"}
    assert verdicts[(True, "exact")] > 10_000
    assert verdicts[(False, "withheld")] > 0 and (False, "wrong") not in verdicts


def test_a_patched_publication_equals_one_written_whole(tmp_path):
    """The second run patches the long marts into a copy of the first publication: the same rows
    and Parquet copies as writing them from the warehouse, after new, removed and rewritten files."""
    raw = tmp_path / "raw"
    generate_corpus(80, raw, seed=41)
    (raw / TRUTH_FILE).unlink()
    warehouse = tmp_path / "warehouse"
    assert _ogi_run(raw, warehouse).returncode == 0
    # Every process that wrote the warehouse closed it: the file alone is the database.
    assert not list(warehouse.glob("*.wal"))
    generate_corpus(20, tmp_path / "more", seed=42)
    (tmp_path / "more" / TRUTH_FILE).unlink()
    for path in sorted((tmp_path / "more").iterdir()):
        path.rename(raw / f"more-{path.name}")
    reports = sorted(p for p in raw.iterdir() if not p.name.startswith("more-"))
    for path in reports[:3]:
        path.unlink()
    reports[3].write_bytes(reports[10].read_bytes())  # one file now holds another report
    first = tmp_path / "first"
    first.mkdir()
    for database in ("warehouse.duckdb", "published.duckdb"):
        shutil.copy(warehouse / database, first / database)
    second = _ogi_run(raw, warehouse)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "(patched into the standing publication: " in second.stdout

    # The checks read only the partitions that changed since the first run's publication: those
    # must include every partition with a row the first run's checks did not see as it is now.
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        con.execute("attach ? as published (read_only)", [str(first / "published.duckdb")])
        con.execute("attach ? as first (read_only)", [str(first / "warehouse.duckdb")])
        for check in SUITE_CHECKS:
            if check.changed is None:
                continue
            validated = {key for (key,) in con.execute(check.changed).fetchall()}
            unseen = {key for (key,) in con.execute(
                f"select distinct {check.partition_by} from (from warehouse.{check.relation} "
                f"except all from first.{check.relation})").fetchall()}
            every = {key for (key,) in con.execute(
                f"select distinct {check.partition_by} from warehouse.{check.relation}").fetchall()}
            assert unseen <= validated < every, check.suite
            assert unseen or check.suite != "published_identities"
    assert "keys changed since the standing publication)" in second.stdout

    layout = WarehouseLayout(warehouse)
    whole = publish_module._Build.named(layout, "whole")
    whole.release.mkdir()
    publish_module._write_marts(layout, whole, publish_module.STAGED_MARTS)
    with duckdb.connect() as con:
        con.execute("attach ? as patched (read_only)", [str(layout.published_database)])
        con.execute("attach ? as whole (read_only)", [str(whole.database)])
        for mart in publish_module.STAGED_MARTS:
            for a, b in (("patched", "whole"), ("whole", "patched")):
                assert con.execute(f"select count(*) from (select * from {a}.{mart} except all "
                                   f"select * from {b}.{mart})").fetchone() == (0,), (mart, a, b)
            parquet = layout.published_parquet / f"{mart}.parquet"
            assert con.execute(f"select count(*) from (select * from '{parquet}' except all "
                               f"select * from whole.{mart})").fetchone() == (0,), mart
            assert con.execute(f"select count(*) from whole.{mart}").fetchone()[0] == \
                con.execute(f"select count(*) from '{parquet}'").fetchone()[0]

    # dbt built only what changed (incremental models, tests on the untested reports' rows):
    # the same tables as building every model again.
    full = tmp_path / "full"
    full.mkdir()
    shutil.copy(layout.database, full / "warehouse.duckdb")
    assert _dbt(full, "build", "--full-refresh").returncode == 0
    with duckdb.connect() as con:
        con.execute("attach ? as incremental (read_only)", [str(layout.database)])
        con.execute("attach ? as rebuilt (read_only)", [str(full / "warehouse.duckdb")])
        tables = con.execute("""select schema_name, table_name from duckdb_tables()
            where database_name = 'incremental' and schema_name in ('intermediate', 'marts')
              and table_name <> 'int_untested_reports'""").fetchall()
        assert ("intermediate", "int_identity_evaluations") in tables
        for schema, table in tables:
            for a, b in (("incremental", "rebuilt"), ("rebuilt", "incremental")):
                assert con.execute(f"select count(*) from (select * from {a}.{schema}.{table} except all "
                                   f"select * from {b}.{schema}.{table})").fetchone() == (0,), (table, a, b)


def _dbt(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(warehouse / "dbt"),
         "--log-path", str(warehouse / "dbt")],
        capture_output=True, text=True, timeout=600, env={**os.environ, "OGI_WAREHOUSE_DIR": str(warehouse)})


def test_an_incremental_build_tests_new_rows_until_they_pass(pipeline, tmp_path):
    """A new content with a key twice fails the build's test of stg_parsed_values, and the next
    build tests it again (the last successful build's baseline did not move) until it is fixed."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    shutil.copy(pipeline[1] / "warehouse.duckdb", warehouse)
    twin = "f" * 64  # another content of an agency-year already built
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
        original = con.execute("select sha256 from landing.parsed_values where key like 't3.%' limit 1").fetchone()[0]
        con.execute("""insert into landing.report_files by name select * replace ('twin.txt' as path, ? as sha256)
                       from landing.report_files where sha256 = ? limit 1""", [twin, original])
        for table in ("parsed_reports", "parsed_values"):
            con.execute(f"insert into landing.{table} by name select * replace (? as sha256) "
                        f"from landing.{table} where sha256 = ?", [twin, original])
        con.execute("insert into landing.parsed_values by name select * from landing.parsed_values "
                    "where sha256 = ? limit 1", [twin])
    # The untested reports written out as constants, which DuckDB applies at the table scans; with
    # more of them than the limit (here: any), the subquery. Either form finds the twin.
    for limit, constants in ((), True), (("--vars", "{constant_keys_limit: 0}"), False):
        failed = _dbt(warehouse, "build", *limit)
        assert failed.returncode == 1
        assert "FAIL 1 unique_combination_stg_parsed_values_sha256__key" in failed.stdout, failed.stdout
        compiled = _compiled_uniqueness_test(warehouse)
        assert (f"'{twin}'" in compiled) is constants
        assert ("int_untested_reports" in compiled) is not constants
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as con:
        con.execute("""delete from landing.parsed_values where rowid in
            (select max(rowid) from landing.parsed_values where sha256 = ? group by key having count(*) > 1)""", [twin])
        assert con.execute("select count(*) from intermediate.int_untested_reports").fetchone()[0] >= 1
    passed = _dbt(warehouse, "build")
    assert passed.returncode == 0, passed.stdout
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from intermediate.int_tested_reports where sha256 = ?",
                           [twin]).fetchone() == (1,)
    # SQL for people to read (dbt compile, docs) keeps the subquery, not one build's hashes
    assert _dbt(warehouse, "compile", "--select", "stg_parsed_values").returncode == 0
    assert "int_untested_reports" in _compiled_uniqueness_test(warehouse)


def _compiled_uniqueness_test(warehouse: Path) -> str:
    [sql] = (warehouse / "dbt" / "compiled").rglob("unique_combination_stg_parsed_values_sha256__key*.sql")
    return sql.read_text(encoding="utf-8")
