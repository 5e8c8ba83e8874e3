"""Great Expectations suites as Dagster asset checks. Blocking checks stop publication."""

from dataclasses import dataclass

import dagster as dg

from ...lib.paths import warehouse
from ...lib.validation import KEPT_VALIDATION_RUNS, build_data_docs, suite_description, validate_relation


@dataclass(frozen=True)
class SuiteCheck:
    suite: str
    relation: str  # schema.table in the working warehouse
    partition_by: str  # batches split on this key keep every uniqueness check within one batch
    blocking: bool

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


# The identity gate and the tables with a row per report or agency-year. The long per-value
# marts (fct_report_values, fct_application_outcomes, fct_review_litigation: millions of rows)
# are checked by their dbt tests in SQL, which block publication as well: through pandas, GE
# took longer on them than the rest of the run (BENCHMARKS.md).
SUITE_CHECKS = (
    SuiteCheck("published_identities", "intermediate.int_published_identity_evaluations", "sha256", True),
    SuiteCheck("fct_agency_year", "marts.fct_agency_year", "agency_id", True),
    SuiteCheck("reports", "marts.reports", "file_path", True),
    SuiteCheck("quality_issues", "marts.quality_issues", "source_file", True),
    # Warnings: what they find is already withheld or listed in quality_issues.
    SuiteCheck("parsed_identities", "intermediate.int_identity_evaluations", "sha256", False),
    SuiteCheck("carry_over", "intermediate.int_carry_over_checks", "agency", False),
)


# One step for every suite: one process, one GE import and context, one Data Docs build, where
# a step per suite paid each of those nine times. Each suite is still its own check in the UI.
@dg.multi_asset_check(specs=[c.spec for c in SUITE_CHECKS], name="great_expectations_suites")
def ge_checks(context: dg.AssetCheckExecutionContext):
    layout = warehouse()
    try:
        for check in SUITE_CHECKS:
            yield _run_suite(context, layout, check)
    finally:
        # Also after a failure: the Data Docs of a blocked run are the first place to look.
        forgotten = build_data_docs(layout, run_name=context.run.run_id)
        if forgotten:
            context.log.info(f"[check] Data Docs: {forgotten} validation results of runs before the last "
                             f"{KEPT_VALIDATION_RUNS} forgotten")


def _run_suite(context: dg.AssetCheckExecutionContext, layout, check: SuiteCheck) -> dg.AssetCheckResult:
    outcome = validate_relation(layout, check.suite, check.relation, check.partition_by,
                                run_name=context.run.run_id)
    report = context.log.warning if check.blocking else context.log.debug
    for failure in outcome.failures:
        report(f"[check] {check.suite}: {failure.describe()}")
    verdict = ("passed" if outcome.success else "FAILED: publication blocked" if check.blocking
               else "warnings (listed in quality_issues)")
    context.log.info(f"[check] {check.suite}: {verdict} "
                     f"({outcome.evaluated} expectations on {outcome.rows} rows)")
    return dg.AssetCheckResult(
        asset_key=check.asset_key,
        check_name=check.name,
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
        metadata={"rows": outcome.rows, "expectations": outcome.evaluated,
                  "failures": [f.describe() for f in outcome.failures]},
    )
