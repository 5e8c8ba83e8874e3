"""Great Expectations suites as Dagster asset checks. Blocking checks stop publication."""

from dataclasses import dataclass

import dagster as dg

from ...lib.paths import warehouse
from ...lib.validation import suite_description, validate_relation


@dataclass(frozen=True)
class SuiteCheck:
    suite: str
    relation: str  # schema.table in the working warehouse
    partition_by: str  # batches split on this key keep every uniqueness check within one batch
    blocking: bool

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey(self.relation.split("."))


SUITE_CHECKS = (
    SuiteCheck("published_identities", "intermediate.int_published_identity_evaluations", "sha256", True),
    SuiteCheck("fct_agency_year", "marts.fct_agency_year", "agency_id", True),
    SuiteCheck("fct_application_outcomes", "marts.fct_application_outcomes", "agency_id", True),
    SuiteCheck("fct_review_litigation", "marts.fct_review_litigation", "agency_id", True),
    SuiteCheck("fct_report_values", "marts.fct_report_values", "agency_id", True),
    SuiteCheck("reports", "marts.reports", "file_path", True),
    SuiteCheck("quality_issues", "marts.quality_issues", "source_file", True),
    # Warnings: what they find is already withheld or listed in quality_issues.
    SuiteCheck("parsed_identities", "intermediate.int_identity_evaluations", "sha256", False),
    SuiteCheck("carry_over", "intermediate.int_carry_over_checks", "agency", False),
)


def _build_check(spec: SuiteCheck) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=spec.asset_key, name=f"ge_{spec.suite}", blocking=spec.blocking,
                    description=f"Great Expectations suite `{spec.suite}`: {suite_description(spec.suite)}")
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        outcome = validate_relation(warehouse(), spec.suite, spec.relation, spec.partition_by)
        report = context.log.warning if spec.blocking else context.log.debug
        for failure in outcome.failures:
            report(f"[check] {spec.suite}: {failure.describe()}")
        verdict = ("passed" if outcome.success else "FAILED: publication blocked" if spec.blocking
                   else "warnings (listed in quality_issues)")
        context.log.info(f"[check] {spec.suite}: {verdict} "
                         f"({outcome.evaluated} expectations on {outcome.rows} rows)")
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR if spec.blocking else dg.AssetCheckSeverity.WARN,
            metadata={"rows": outcome.rows, "expectations": outcome.evaluated,
                      "failures": [f.describe() for f in outcome.failures]},
        )

    return _check


ge_checks = [_build_check(spec) for spec in SUITE_CHECKS]
