{{ config(materialized='view') }}
-- New-format 表三 in long form: one row per agency, year, applicant type and row.
select
    a.agency_id,
    v.agency as agency_name,
    v.year,
    v.template,
    regexp_extract(v.key, '^t3\.(.+)\.([a-z_]+)$', 2) as applicant_type,
    regexp_extract(v.key, '^t3\.(.+)\.([a-z_]+)$', 1) as outcome,
    split_part(regexp_extract(v.key, '^t3\.(.+)\.([a-z_]+)$', 1), '.', 1) as outcome_group,
    v.value::bigint as count,
    v.is_withheld,
    v.key as source_key,
    v.source_line,
    v.sha256 as report_sha256,
    v.file_path as source_file
from {{ ref('int_published_values') }} as v
join {{ ref('dim_agency') }} as a on a.agency_name = v.agency
where v.key like 't3.%'
