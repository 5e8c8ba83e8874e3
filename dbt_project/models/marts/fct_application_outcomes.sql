{{ config(materialized='view') }}
-- New-format 表三 in long form: one row per agency, year, applicant type and row.
-- A key's applicant type and outcome are split once per 表三 key of metrics.csv (336), not once
-- per value: with three regular expressions on each of its 6.8 M values at 100,000 reports, the
-- mart took 10.2 s to write instead of 3.4 s, and every dbt test on it paid them again. The
-- parser keeps only the keys of the report's template, so the join drops nothing.
with t3_keys as (
    select
        template,
        key,
        regexp_extract(key, '^t3\.(.+)\.([a-z_]+)$', 2) as applicant_type,
        regexp_extract(key, '^t3\.(.+)\.([a-z_]+)$', 1) as outcome
    from {{ ref('stg_metrics') }}
    where key like 't3.%'
)
select
    a.agency_id,
    v.agency as agency_name,
    v.year,
    v.template,
    k.applicant_type,
    k.outcome,
    split_part(k.outcome, '.', 1) as outcome_group,
    v.value::bigint as count,
    v.is_withheld,
    v.key as source_key,
    v.source_line,
    v.sha256 as report_sha256,
    v.file_path as source_file
from {{ ref('int_published_values') }} as v
join t3_keys as k on k.template = v.template and k.key = v.key
join {{ ref('dim_agency') }} as a on a.agency_name = v.agency
