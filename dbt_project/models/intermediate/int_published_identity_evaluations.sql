-- The gate's input: identities over exactly what will be published. The reports are the selected
-- ones, taken from the selection; one without values has only undecided rules.
-- A selected report with no withheld value publishes its values as parsed (int_published_values
-- nulls the withheld values and changes nothing else), so its evaluations are those of
-- int_identity_evaluations; only the selected reports with a withheld value (2,423 of 68,251 in
-- the benchmark's warehouse of 101,000 files) are evaluated again. Evaluating every report once
-- more scanned all published values: 3.3-3.8 s of the dbt build at 100,000 reports, now 1.2 s.
-- tests/test_pipeline.py checks the result against every rule decided afresh.
-- What a content publishes depends on the content only (its withheld values are its own checks),
-- so a build adds the newly selected reports and drops those no longer selected.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    post_hook="delete from {{ this }} where sha256 not in
        (select sha256 from {{ ref('int_agency_year_selection') }} where is_selected)",
) }}
with selected as (
    -- n_failed_checks counts the report's rows in int_value_checks: above 0, a value is withheld
    select sha256, template, n_failed_checks > 0 as has_withheld_values
    from {{ ref('int_agency_year_selection') }}
    where is_selected
    {%- if is_incremental() %}
        and sha256 not in (select sha256 from {{ this }})
    {%- endif %}
),
recomputed as (
    {{ evaluate_identities(
        "(select sha256, template from selected where has_withheld_values)",
        "(select * from " ~ ref('int_published_values')
        ~ " where sha256 in (select sha256 from selected where has_withheld_values))") }}
)
select e.*
from {{ ref('int_identity_evaluations') }} as e
where e.sha256 in (select sha256 from selected where not has_withheld_values)
union all
select * from recomputed
