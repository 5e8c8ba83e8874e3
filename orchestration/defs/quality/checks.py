"""Great Expectations suites as Dagster asset checks. Blocking checks stop publication."""

from dataclasses import dataclass

import dagster as dg

from ...lib.paths import warehouse
from ...lib.publish import keys_since_publication
from ...lib.validation import KEPT_VALIDATION_RUNS, build_data_docs, suite_description, validate_relation


@dataclass(frozen=True)
class SuiteCheck:
    suite: str
    relation: str  # schema.table in the working warehouse
    partition_by: str  # batches split on this key keep every uniqueness check within one batch
    blocking: bool
    # The partition keys whose rows may differ from those the standing publication's checks
    # passed, over `warehouse` (working) and `published`; None: always every row.
    changed: str | None = None

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey(self.relation.split("."))

    @property
    def name(self) -> str:
        return f"ge_{self.suite}"

    @property
    def spec(self) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(
            name=self.name, asset=self.asset_key, blocking=self.blocking,
            description=f"Great Expectations suite `{self.suite}`: {suite_description(self.suite)}")


def _changed_rows(mart: str, key: str) -> str:
    """A mart's keys with a row that is not, as it is, in the standing publication."""
    return f"select distinct {key} from (from warehouse.marts.{mart} except all from published.{mart})"


# The identity gate and the tables with a row per report or agency-year. The long per-value
# marts (fct_report_values, fct_application_outcomes, fct_review_litigation: millions of rows)
# are checked by their dbt tests in SQL, which block publication as well: through pandas, GE
# took longer on them than the rest of the run (BENCHMARKS.md).
SUITE_CHECKS = (
    # A report's evaluations depend on its content and the code only.
    SuiteCheck("published_identities", "intermediate.int_published_identity_evaluations", "sha256", True,
               changed="select sha256 from warehouse.intermediate.int_agency_year_selection where is_selected "
                       "except select report_sha256 from published.fct_agency_year"),
    SuiteCheck("fct_agency_year", "marts.fct_agency_year", "agency_id", True,
               changed=_changed_rows("fct_agency_year", "agency_id")),
    SuiteCheck("reports", "marts.reports", "file_path", True, changed=_changed_rows("reports", "file_path")),
    SuiteCheck("quality_issues", "marts.quality_issues", "source_file", True,
               changed=_changed_rows("quality_issues", "source_file")),
    # Warnings: what they find is already withheld or listed in quality_issues.
    SuiteCheck("parsed_identities", "intermediate.int_identity_evaluations", "sha256", False,
               changed="select sha256 from warehouse.intermediate.int_report_contents "
                       "except select sha256 from published.reports"),
    SuiteCheck("carry_over", "intermediate.int_carry_over_checks", "agency", False),
)
# The published marts the queries above read.
BASELINE_MARTS = ("fct_agency_year", "reports", "quality_issues")


# One step for every suite: one process, one GE import and context, one Data Docs build, where
# a step per suite paid each of those nine times. Each suite is still its own check in the UI.
@dg.multi_asset_check(specs=[c.spec for c in SUITE_CHECKS], name="great_expectations_suites")
def ge_checks(context: dg.AssetCheckExecutionContext):
    layout = warehouse()
    try:
        # The baseline checked and attached once for every suite's query.
        changed, why = keys_since_publication(
            layout, {check.suite: check.changed for check in SUITE_CHECKS if check.changed}, BASELINE_MARTS)
        for check in SUITE_CHECKS:
            keys = changed.get(check.suite) if changed is not None else None
            yield _run_suite(context, layout, check, keys, why if check.changed else "")
    finally:
        # Also after a failure: the Data Docs of a blocked run are the first place to look.
        forgotten = build_data_docs(layout, run_name=context.run.run_id)
        if forgotten:
            context.log.info(f"[check] Data Docs: {forgotten} validation results of runs before the last "
                             f"{KEPT_VALIDATION_RUNS} forgotten")


def _run_suite(context: dg.AssetCheckExecutionContext, layout, check: SuiteCheck,
               keys: list[str | None] | None, why: str) -> dg.AssetCheckResult:
    """`keys`: the partitions to read (None: every row), and `why` those or every row."""
    outcome = validate_relation(layout, check.suite, check.relation, check.partition_by,
                                run_name=context.run.run_id, keys=keys)
    report = context.log.warning if check.blocking else context.log.debug
    for failure in outcome.failures:
        report(f"[check] {check.suite}: {failure.describe()}")
    verdict = ("passed" if outcome.success else "FAILED: publication blocked" if check.blocking
               else "warnings (listed in quality_issues)")
    if keys is None:
        rows_read, scope = f"{outcome.rows} rows", f"every row ({why})" if why else "every row"
    else:
        scope = f"those of the {len(keys)} {check.partition_by} keys {why}"
        rows_read = f"{outcome.rows} of {outcome.relation_rows} rows: {scope}"
    context.log.info(f"[check] {check.suite}: {verdict} ({outcome.evaluated} expectations on {rows_read})")
    return dg.AssetCheckResult(
        asset_key=check.asset_key,
        check_name=check.name,
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
        metadata={"rows": outcome.rows, "relation_rows": outcome.relation_rows, "expectations": outcome.evaluated,
                  "rows_read": scope,
                  "failures": [f.describe() for f in outcome.failures]},
    )
