-- The gate's input: identities over exactly what will be published. The reports are the selected
-- ones, taken from the selection; one without values has only undecided rules.
-- A selected report with no withheld value publishes its values as parsed (int_published_values
-- nulls the withheld values and changes nothing else), so its evaluations are those of
-- int_identity_evaluations; only the reports with a withheld value (4,442 of the 97,986 of the
-- 100,000-file benchmark corpus) are evaluated again. Evaluating every report once more scanned
-- all published values: 3.3-3.8 s of the dbt build at 100,000 reports, now 1.3 s.
-- tests/test_pipeline.py checks the result against every rule decided afresh.
with selected as (
    select sha256, template from {{ ref('int_agency_year_selection') }} where is_selected
),
withholding as (
    select distinct sha256 from {{ ref('int_value_checks') }}
),
recomputed as (
    {{ evaluate_identities(
        "(select * from selected where sha256 in (select sha256 from withholding))",
        "(select * from " ~ ref('int_published_values') ~ " where sha256 in (select sha256 from withholding))") }}
)
select e.*
from {{ ref('int_identity_evaluations') }} as e
where e.sha256 in (select sha256 from selected)
  and e.sha256 not in (select sha256 from withholding)
union all
select * from recomputed
